"""Values whose digits OCR read with low confidence: kept, and flagged `ocr_low_confidence`.

A scanned page's numbers that OCR may have split, joined or garbled never reach a value: the
reader leaves them out (chiso/extract/ocr_numbers.py `suspicious_numbers`), since a wrong number
is worse than a missing one. A number whose only doubt is Tesseract's confidence is different:
both readings gave the same digits, and most such numbers are right (a faint or speckled
print lowers the confidence of correct digits). It is loaded, with the confidence in its
provenance (`Source.ocr_confidence`, the warehouse's `observation.ocr_confidence`), and flagged
here so that a user checks it against the page before relying on it.

The threshold is `ocr_numbers.LOW_CONF`, read when the check runs: the one definition, beside
the other OCR settings.

Tesseract's Vietnamese model also mistakes a tone mark in a name now and then ('Tân Phú Đồng'
in a table for 'Tân Phú Đông' in the prose of the same scan, each read with a high confidence).
Districts are kept as printed (chiso/match/entities.py: no list to correct them against), so two
names of one scanned document that differ only in their diacritics cannot be settled here: the
values of both spellings are flagged `ocr_entity_spelling`, to be checked against the page.
"""

from __future__ import annotations

from collections import defaultdict

from chiso.extract import ocr_numbers
from chiso.model import Flag, Interpretation
from chiso.normalize.text import match_key, strip_accents

CODE = "ocr_low_confidence"
SPELLING = "ocr_entity_spelling"


def flag_low_confidence(result: Interpretation) -> None:
    """Flag every value whose source's OCR confidence is below the threshold."""
    threshold = ocr_numbers.LOW_CONF
    for o in result.observations:
        conf = o.source.ocr_confidence
        if conf is None or conf >= threshold:
            continue
        message = f"digits read by OCR with confidence {conf:.0f} (below {threshold:g}): check against the page"
        if not any(f.code == CODE for f in o.flags):
            o.flags.append(Flag(CODE, message, "warning"))


def flag_entity_spellings(result: Interpretation) -> None:
    """Flag the values read by OCR whose entity another OCR'd value of the document spells with other
    diacritics only: one of the two spellings is a misread name, and nothing here says which."""
    spellings: dict[str, dict[str, str]] = defaultdict(dict)  # bare key -> {match key: name as read}
    scanned = [o for o in result.observations if o.source.ocr_confidence is not None]
    for o in scanned:
        key = match_key(o.entity)
        spellings[strip_accents(key)].setdefault(key, o.entity)
    for o in scanned:
        names = spellings[strip_accents(match_key(o.entity))]
        if len(names) < 2 or any(f.code == SPELLING for f in o.flags):
            continue
        others = ", ".join(repr(n) for k, n in sorted(names.items()) if k != match_key(o.entity))
        message = (f"entity read by OCR as {o.entity!r} here and as {others} elsewhere in the document "
                   "(diacritics only): check the name against the page")
        o.flags.append(Flag(SPELLING, message, "warning"))
