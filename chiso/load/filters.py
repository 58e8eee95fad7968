"""`chiso export --index/--province/--year`: which facts to export, parsed from what users type.

Users type `--index papi`, `--province "son la"` (no accents on many keyboards), `--year 2019-2023`
or comma lists; each is checked and turned into the warehouse's own spelling, and a name that is no
index, province or year is refused with a message rather than giving an empty export silently.

Filters apply to facts (index, year, province of the document that prints the value), so a fact is
exported whole or not at all; documents are kept when a kept value comes from them, or when their own
fields (indices, province, report year) match — so a letter without figures still appears.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from chiso.db.catalogue import catalogue
from chiso.db.reference import province_key, provinces
from chiso.normalize.text import strip_accents

_INDEX_ALIASES = {"PAR": "PAR_INDEX", "PARINDEX": "PAR_INDEX", "CCHC": "PAR_INDEX"}


def _items(values: Iterable[str]) -> list[str]:
    return [v.strip() for value in values for v in str(value).split(",") if v.strip()]


def province_match_key(name: str | None) -> str:
    """'Tỉnh Sơn La', 'son la', 'SƠN LA' → 'son la'."""
    return strip_accents(province_key(name or ""))


def known_indices() -> list[str]:
    return sorted({n.index for n in catalogue().nodes.values()})


def _index(name: str) -> str:
    code = re.sub(r"[\s_-]+", "_", name.strip().upper())
    code = _INDEX_ALIASES.get(code.replace("_", ""), code)
    if code not in known_indices():
        raise ValueError(f"unknown index '{name}': use one of {', '.join(known_indices())}")
    return code


def _years(text: str) -> set[int]:
    m = re.fullmatch(r"((?:19|20)\d\d)(?:\s*(?:-|–|\.\.)\s*((?:19|20)\d\d))?", text)
    if not m:
        raise ValueError(f"not a year or a range of years: '{text}' (e.g. 2023 or 2019-2023)")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if last < first:
        raise ValueError(f"empty range of years: '{text}'")
    return set(range(first, last + 1))


@dataclass(frozen=True)
class ExportFilter:
    indices: frozenset[str] = frozenset()
    provinces: frozenset[str] = frozenset()  # province match keys
    years: frozenset[int] = frozenset()
    typed: tuple[tuple[str, str], ...] = ()  # (match key, the province as the user typed it)

    @classmethod
    def parse(cls, index: Sequence[str] = (), province: Sequence[str] = (), year: Sequence[str] = ()
              ) -> ExportFilter:
        years: set[int] = set()
        for item in _items(year):
            years |= _years(item)
        typed = tuple((province_match_key(p), p) for p in _items(province))
        return cls(frozenset(_index(i) for i in _items(index)), frozenset(k for k, _ in typed), frozenset(years),
                   typed)

    def check_provinces(self, present: Iterable[str | None]) -> None:
        """Refuse a province name that is neither a province nor one the warehouse holds."""
        known = {province_match_key(p.name) for p in provinces()} | {province_match_key(p) for p in present}
        unknown = [name for key, name in self.typed if key not in known]
        if unknown:
            raise ValueError(f"unknown province '{unknown[0]}': not a province name, and no document of "
                             f"that province in the warehouse")

    def observation_mask(self, obs: pd.DataFrame) -> pd.Series:
        self.check_provinces(obs["province"].dropna().unique())
        mask = pd.Series(True, index=obs.index)
        if self.indices:
            mask &= obs["index"].isin(self.indices)
        if self.provinces:
            mask &= obs["province"].map(province_match_key).isin(self.provinces)
        if self.years:
            mask &= obs["year"].isin(self.years)
        return mask

    def document_mask(self, docs: pd.DataFrame, with_values: set[str]) -> pd.Series:
        self.check_provinces(docs["province"].dropna().unique())
        own = pd.Series(True, index=docs.index)
        if self.indices:
            own &= docs["indices"].fillna("").map(lambda s: bool(set(s.split(";")) & self.indices))
        if self.provinces:
            own &= docs["province"].map(province_match_key).isin(self.provinces)
        if self.years:
            own &= docs["report_year"].isin(self.years)
        return own | docs["sha256"].isin(with_values)
