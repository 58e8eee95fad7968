"""Old provinces in the report of a province merged in July 2025 (Nghị quyết 202/2025/QH15).

UBND tỉnh Lào Cai (the old Lào Cai and Yên Bái) reports the 2024 results of `tỉnh Lào Cai (cũ)` and `tỉnh Yên
Bái (cũ)`: each figure belongs to the OLD province, named as chiso/db/places/provinces.csv spells it (`Yên Bái`;
the year of the value tells the old extent of a code the new province kept, such as lao_cai).  A section heading
(`2. Tỉnh Yên Bái (cũ)`) or a lead-in (`- Tỉnh Yên Bái (cũ): Chỉ số CCHC năm 2024 đạt …`) says whose figures
follow.  The place is an old province when the text says `(cũ)`, or when the merger table puts it into the
document's own province and the document was issued after the merger.
"""

from __future__ import annotations

import re

from chiso.db.reference import mergers, resolve_province
from chiso.model import DocumentMeta
from chiso.normalize.text import clean_text

_NAME = r"tỉnh\s+(?P<name>[^()\d,;:.]{2,30}?)\s*(?P<old>\(\s*cũ\s*\)|\bcũ)?"
_HEADING = re.compile(r"^\W*(?:\d{1,2}|[a-zđ]|[IVX]{1,5})?\s*[.)]?\s*(?:đối\s+với\s+|kết\s+quả\s+(?:của\s+)?)?"
                      + _NAME + r"\s*[.:]?$", re.I)
_LEAD = re.compile(r"^\s*(?:[-+•–]|\d{1,2}[.)]|[a-zđ]\))?\s*(?:đối\s+với\s+)?" + _NAME + r"\s*[:,]", re.I)
_LABEL = re.compile(r"(?:tỉnh\s+)?(?P<name>[^()\d,;:.]{2,30}?)\s*(?:\(\s*cũ\s*\)|\bcũ)?", re.I)


def _old_province(name: str, marked: bool, meta: DocumentMeta) -> str | None:
    old, own = resolve_province(name), resolve_province(meta.province or "")
    if old is None or own is None:
        return None
    if not marked:  # no "(cũ)": only a province merged into this one, in a report issued after the merger
        new, effective = mergers().get(old.code, ("", None))
        if new != own.code or effective is None or not meta.date or meta.date < effective.isoformat():
            return None
    return own.name if old.code == own.code else old.name


def old_province_of(heading: str, meta: DocumentMeta) -> str | None:
    """The old province a heading opens a section on (`2. Tỉnh Yên Bái (cũ)`), else None."""
    m = _HEADING.match(clean_text(heading))
    return _old_province(m.group("name"), bool(m.group("old")), meta) if m else None


def old_province_lead(text: str, meta: DocumentMeta) -> str | None:
    """The old province a paragraph opens with (`- Tỉnh Yên Bái (cũ): …`, `Đối với tỉnh Yên Bái (cũ), …`)."""
    m = _LEAD.match(text)
    return _old_province(m.group("name"), bool(m.group("old")), meta) if m else None


def names_a_province(label: str) -> bool:
    """A list item's lead-in that is a province (`Tỉnh Yên Bái (cũ)`), not a criterion: the entity of the
    sentence after the colon, whose own subject names the figure."""
    m = _LABEL.fullmatch(clean_text(label))
    return bool(m) and resolve_province(m.group("name")) is not None
