"""Access to the reviewed reference data in this folder (CSV files, loaded once)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

from chiso.normalize.text import match_key, nfc, strip_accents


def read_csv(relpath: str) -> list[dict[str, str]]:
    try:
        path = resources.files("chiso.db").joinpath(relpath)
        with path.open(encoding="utf-8", newline="") as f:
            return [{k: nfc(v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(f)]
    except FileNotFoundError:
        return []


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    kind: str  # tỉnh | thành phố
    valid_from: date | None
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


def _date(s: str) -> date | None:
    s = (s or "").strip()
    if not s:
        return None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", s)
    if not m:
        return None
    return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))


@lru_cache(maxsize=1)
def provinces() -> list[Province]:
    out = []
    for row in read_csv("places/provinces.csv"):
        out.append(Province(row["code"], row["name"], row.get("kind", "tỉnh"), _date(row.get("valid_from", "")),
                            _date(row.get("valid_to", ""))))
    return out


@lru_cache(maxsize=1)
def province_aliases() -> dict[str, list[str]]:
    """match key of a name or alias → province codes (several when a name was reused)."""
    out: dict[str, list[str]] = {}
    for row in read_csv("places/provinces.csv"):
        names = [row["name"]] + [a for a in row.get("aliases", "").split(";") if a.strip()]
        for n in names:
            key = province_key(n)
            if key:
                out.setdefault(key, [])
                if row["code"] not in out[key]:
                    out[key].append(row["code"])
    return out


@lru_cache(maxsize=1)
def unaccented_aliases() -> dict[str, list[str]]:
    """The same keys without diacritics ('Ha Noi', 'Thua Thien Hue', 'Dak Lak'), as data files print
    them; a key two provinces would share without their marks is left out (none does today)."""
    out: dict[str, list[str]] = {}
    for key, codes in province_aliases().items():
        bare = strip_accents(key)
        out[bare] = list(dict.fromkeys(out.get(bare, []) + codes))
    return {k: v for k, v in out.items() if len(v) == 1}


def province_key(name: str) -> str:
    k = match_key(name, expand=False)
    return re.sub(r"^(tỉnh|thành phố|tp)\s+", "", k).strip()


def province_by_code(code: str, on: date | None = None) -> Province | None:
    """The row of a province code valid on `on` (a code keeps several rows when its extent changed)."""
    rows = [p for p in provinces() if p.code == code]
    if on is not None:
        valid = [p for p in rows if p.valid_on(on)]
        if valid:
            return valid[0]
    # without a date: the current row
    return next((p for p in rows if p.valid_to is None), rows[-1] if rows else None)


def resolve_province(name: str, on: date | None = None) -> Province | None:
    """A province by any of its names; with a date, the unit that existed then.

    A name that stopped existing in the 2025 merger resolves, for a later date, to the
    province it was merged into (Hà Giang on 2025-08-01 → Tuyên Quang).
    """
    codes = province_aliases().get(province_key(name)) or unaccented_aliases().get(strip_accents(province_key(name)), [])
    if not codes:
        return None
    if on is None:
        return province_by_code(codes[0])
    for code in codes:
        row = province_by_code(code, on)
        if row is not None and row.valid_on(on):
            return row
    return province_by_code(successor_on(codes[0], on), on)


@lru_cache(maxsize=1)
def mergers() -> dict[str, tuple[str, date | None]]:
    return {r["old_code"]: (r["new_code"], _date(r.get("effective", "")))
            for r in read_csv("places/province_mergers.csv")}


def successor_on(code: str, on: date) -> str:
    """The province a pre-merger province belongs to on a date (itself before the merger)."""
    new, eff = mergers().get(code, (code, None))
    if eff is not None and on >= eff:
        return new
    return code


@lru_cache(maxsize=1)
def province_name_pattern() -> re.Pattern[str] | None:
    names = set()
    for row in read_csv("places/provinces.csv"):
        names.add(row["name"])
        names.update(a.strip() for a in row.get("aliases", "").split(";") if a.strip())
    names = {n for n in names if len(n) >= 3}
    if not names:
        return None
    alt = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
    return re.compile(r"(?<!\w)(" + alt + r")(?!\w)", re.IGNORECASE)
