"""Values from a file that opened but is damaged: the document and every value flagged `damaged_source`.

A PDF a few bytes away from a good one can load `7.24` where the document prints `77.24`: the
readers are forgiving, so damage the format records (a cross-reference table or stream length that
no longer matches the bytes, a checksum that fails; chiso/extract/integrity.py) is the only sign.
Such a document is not refused — most of its numbers may be right, and a wrong number is found by
comparing — but nothing from it may pass for sound: the document carries the flag with the reasons,
every value carries it, and the best-value rule ranks its values after every sound document's
(chiso/load/views.py).
"""

from __future__ import annotations

from chiso.model import Flag, Interpretation

CODE = "damaged_source"


def flag_damaged_source(result: Interpretation, damage: list[str]) -> None:
    """Flag the document (reasons in the message) and each of its values; nothing when damage is []."""
    if not damage:
        return
    reasons = "; ".join(damage)
    result.flags.append((Flag(CODE, f"the file is damaged though it opens: {reasons}", "warning"), None))
    message = f"read from a damaged file: it may differ from what the document prints ({reasons[:300]})"
    for o in result.observations:
        if not any(f.code == CODE for f in o.flags):
            o.flags.append(Flag(CODE, message, "warning"))
