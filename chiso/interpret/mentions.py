"""Where a text names an agency, a district or a city: the entities a sentence gives values for.

Agencies are found by their names and abbreviations in `db/places/agencies.csv` (longest
first, so "Sở Nông nghiệp và Phát triển nông thôn" is not cut after "nông"), then by the
patterns every province uses (`Sở …`, `Ban …`, `UBND huyện …`, `huyện …`, `thành phố …`).
Each pattern opens with a look-ahead for the letters its matches can start with: a position
holding none of them is passed over at once, instead of trying every name there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from chiso.db.reference import read_csv
from chiso.normalize.text import UPPER, match_key

_CAP = f"[{UPPER}]"
_NAME = _CAP + r"\w*(?:\s+" + _CAP + r"\w*){0,3}"
_LOCAL = re.compile(r"(?=[UỦhHtTqQ])(?:(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân)\s+)?"
                    r"(?:huyện|thị\s+xã|thành\s+phố|quận|Huyện|Thị\s+xã|Thành\s+phố|Quận)\s+" + _NAME)
_GENERIC_AGENCY = re.compile(r"(?=[SB])(?:Sở|Ban)\s+" + _CAP + r"\w*(?:(?:\s+(?:và|-|&)\s+|\s+|,\s+(?=" + _CAP + r"))"
                             + _CAP + r"\w*){0,5}")
_BLOCK = re.compile(r"(?=k)khối\s+(?:các\s+)?(?:sở,\s*ban,\s*ngành(?:\s+tỉnh)?|(?:Ủy\s+ban\s+nhân\s+dân|UBND)\s+(?:các\s+)?"
                    r"(?:huyện|cấp\s+huyện|xã|cấp\s+xã)(?:,\s*(?:thị\s+xã|thành\s+phố))*|huyện(?:,\s*(?:thị\s+xã|thành\s+phố))*)", re.I)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str  # as printed
    kind: str  # agency | district | city | block (a group of the province's units: its values are the province's)


@lru_cache(maxsize=1)
def _gazetteer() -> re.Pattern[str]:
    names = set()
    for row in read_csv("places/agencies.csv"):
        names.add(row["name"])
        names.update(a.strip() for a in row.get("aliases", "").split(";") if len(a.strip()) > 4)
    alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    first = "".join(sorted({re.escape(n[0]) for n in names}))  # the letters a name starts with
    return re.compile(r"(?=[" + first + r"])(?<!\w)(?:" + alt + r")(?!\w)(?:\s+tỉnh(?!\s+[A-ZĐÀ-Ỹ]))?")


def find_mentions(text: str, province: str | None = None) -> list[Mention]:
    """Entity mentions in order; the province itself ("tỉnh Lai Châu") is not one of them."""
    return list(_mentions_in(text, province))


@lru_cache(maxsize=2048)
def _mentions_in(text: str, province: str | None) -> tuple[Mention, ...]:
    """Cached: the agency list is one long alternation, and the readers ask for a block's sentences again."""
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], kind: str) -> None:
        if any(a < m.end() and m.start() < b for a, b in taken):
            return
        name = m.group(0).strip(" ,")
        if kind != "agency" and province and re.sub(r"^\S+\s+", "", name).lower() == province.lower() \
                and name.lower().startswith("tỉnh"):
            return
        taken.append((m.start(), m.start() + len(name)))
        shown = name[:1].upper() + name[1:] if kind in ("district", "city") else name  # "huyện X" → "Huyện X"
        found.append(Mention(m.start(), m.start() + len(name), shown, kind))

    for m in _gazetteer().finditer(text):
        add(m, "agency")
    for m in _LOCAL.finditer(text):
        add(m, "city" if re.search(r"thành\s+phố|thị\s+xã", m.group(0), re.I) else "district")
    for m in _GENERIC_AGENCY.finditer(text):
        if not re.match(r"Ban\s+Chỉ\s+đạo", m.group(0)):  # a steering committee publishes results, it is not measured
            add(m, "agency")
    for m in _BLOCK.finditer(text):
        add(m, "block")
    return tuple(sorted(found, key=lambda x: x.start))


@lru_cache(maxsize=8192)
def entity_key(name: str) -> str:
    """'UBND huyện Mường Tè' and 'Huyện Mường Tè' are one district (cached: merging asks it for every pair)."""
    return match_key(re.sub(r"^\s*(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân)\s+", "", name, flags=re.I))
