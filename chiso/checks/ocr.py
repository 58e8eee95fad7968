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
"""

from __future__ import annotations

from chiso.extract import ocr_numbers
from chiso.model import Flag, Interpretation

CODE = "ocr_low_confidence"


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
