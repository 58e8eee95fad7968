"""National data files (PAPI, PCI: provinces in rows, one sheet per year or edition) → observations.

A national data file is a source of its own kind (`meta.source_kind = "national_dataset"`):
it is about every province, so `meta.province` is None and each observation's `entity` is
the province's canonical name (`chiso.db.reference.resolve_province`, as of 1 January of the
year the value describes, so Hà Tây exists until 2008 and pre-merger names stay themselves).

Which column is which criterion is reviewed data, `db/catalogue/national_columns.csv`:
a column's header cells (each header row on its own: PAPI prints English above Vietnamese)
are folded (lower case, no diacritics, punctuation as spaces, the publisher's numbering
"Chỉ số thành phần 3:" / "Sub-Index 3" removed) and must match a row's pattern in full.
The criterion code is set here from that row, so matching does not re-match these labels.

Layouts vary by year; what they share, and what is used:
- province columns are the columns most of whose cells are province names; a value column
  belongs to the nearest province column on its left (VCCI's summaries from 2008 on sort each
  sub-index on its own, so every value column has its own province column beside it), or to
  the only province column of the sheet;
- rows above the first province row are the header;
- a sheet is a data sheet when its columns give at least two criteria (or a criterion and
  its rank): the survey-item sheets behind each sub-index give one and are not loaded;
- the year comes from a year column, else the sheet name ("2015_PAPI"), else the headers of
  the matched columns ("PCI 2014"), else the workbook title or file name (with a warning).
  A workbook without years in its sheet names is one edition: a sheet whose headers name an
  earlier year than the others is a leftover copy of the previous edition and is not loaded.
Blank cells are no observation; a row whose name is not a province (Max, Highest …) is a
flag, not an observation; the same value printed on two sheets is one observation with two
places; two different values are both kept and flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from chiso.db.catalogue import catalogue
from chiso.db.reference import Province, read_csv, resolve_province
from chiso.model import (
    DocumentMeta,
    ExtractedDocument,
    ExtractionError,
    Flag,
    Interpretation,
    RawObservation,
    Source,
    Table,
)
from chiso.normalize.text import clean_label, match_key, strip_accents

SPREADSHEET_FORMATS = ("xlsx", "xls", "csv")
MAX_DECIMALS = 4  # float exports carry binary noise beyond this (9.37169647216797 is a float32 9.371696)
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_PUBLISHER_NUMBERING = re.compile(r"^(?:chi so(?: thanh phan)?|sub ?index)\s*\d{1,2}\b\s*")
_YEAR_HEADER = re.compile(r"^(?:year|nam|nam khao sat|survey year)$")
_INDEX_NAMES = {
    "PAPI": re.compile(r"papi|hieu qua quan tri va hanh chinh cong"),
    "PCI": re.compile(r"\bpci\b|nang luc canh tranh cap tinh"),
}


@dataclass(frozen=True)
class ColumnRule:
    index: str
    start: int
    end: int | None
    measure: str  # value | rank
    patterns: tuple[re.Pattern[str], ...]
    code: str
    flag: str
    note: str

    def covers(self, year: int) -> bool:
        return self.start <= year and (self.end is None or year <= self.end)


@lru_cache(maxsize=1)
def column_rules() -> tuple[ColumnRule, ...]:
    rules = []
    for row in read_csv("catalogue/national_columns.csv"):
        first, dash, last = row["years"].partition("-")
        end = (int(last) if last else None) if dash else int(first)
        patterns = tuple(re.compile(p.strip()) for p in row["names"].split(";") if p.strip())
        rules.append(ColumnRule(row["index"], int(first), end, row["measure"], patterns, row["code"],
                                row.get("flag", ""), row.get("note", "")))
    return tuple(rules)


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", strip_accents(match_key(text.replace("_", " "), expand=False)).lower()).strip()


def header_key(text: str) -> str:
    """A header as the patterns see it: 'Chỉ số thành phần 1: Chi phí gia nhập thị trường' → 'chi phi gia nhap thi truong'."""
    return _PUBLISHER_NUMBERING.sub("", _fold(text)).strip()


@dataclass
class Target:
    rule: ColumnRule
    label: str  # the header as printed


@lru_cache(maxsize=64)
def catalogue_names(index: str, period: str | None) -> dict[str, frozenset[str]]:
    """Folded names and aliases of the catalogue's criteria (of one period, or of all) → codes."""
    out: dict[str, set[str]] = {}
    for row in read_csv("catalogue/criteria.csv"):
        if row["index"] == index and (period is None or row["period"] == period):
            for name in [row["name"], *row.get("aliases", "").split(";")]:
                if key := header_key(name):
                    out.setdefault(key, set()).add(row["code"])
    return {k: frozenset(v) for k, v in out.items()}


def column_target(index: str, year: int | None, headers: list[str]) -> Target | None:
    """The criterion a column gives, from its header cells; None when none or several fit.

    A header national_columns.csv does not know is taken when it is, folded, exactly the name
    or an alias of one catalogue criterion of the year's period (the same names reports print).
    """
    found: dict[tuple[str, str], Target] = {}

    def keep(rule: ColumnRule, text: str) -> None:
        prev = found.get((rule.code, rule.measure))
        # the Vietnamese header names the column better than its English line above
        if prev is None or (text != strip_accents(text) and prev.label == strip_accents(prev.label)):
            found[(rule.code, rule.measure)] = Target(rule, clean_label(text))

    keys = [(text, key) for text in headers if (key := header_key(text))]
    for text, key in keys:
        for rule in column_rules():
            if rule.index == index and (year is None or rule.covers(year)) and \
                    any(p.fullmatch(key) for p in rule.patterns):
                keep(rule, text)
    if not found:
        period = catalogue().period_for(index, year) if year is not None else None
        names = catalogue_names(index, period)
        for text, key in keys:
            if len(codes := names.get(key, frozenset())) == 1:
                code = next(iter(codes))
                keep(ColumnRule(index, year or 0, year, "value", (), code, "", "catalogue name"), text)
    return next(iter(found.values())) if len(found) == 1 else None


@dataclass
class Sheet:
    table: Table
    province_cols: list[int]
    first_row: int
    index: str | None = None
    year_col: int | None = None
    year: int | None = None
    year_from: str = ""  # column | sheet | header | file
    targets_by_year: dict[int, dict[int, Target]] = field(default_factory=dict)

    def headers(self, col: int) -> list[str]:
        return [t for r in range(self.first_row) if (t := self.table.text(r, col).strip())]

    def entity_col(self, col: int) -> int | None:
        left = [c for c in self.province_cols if c < col]
        if left:
            return left[-1]
        return self.province_cols[0] if len(self.province_cols) == 1 else None


class _Names(dict):
    """Province names resolved once per (name, year), as of 1 January of the year."""

    def __call__(self, name: str, year: int | None = None) -> Province | None:
        if (name, year) not in self:
            self[name, year] = resolve_province(name, date(year, 1, 1) if year else None) if name.strip() else None
        return self[name, year]


def _layout(table: Table, names: _Names) -> Sheet | None:
    """The province columns (most of their text cells are province names) and the first province row."""
    counts: dict[int, list[int]] = {}
    for row in table.grid:
        for c, cell in enumerate(row):
            if cell is not None and not _NUMBER.match(cell.text):
                n = counts.setdefault(c, [0, 0])
                n[0] += 1
                n[1] += names(cell.text) is not None
    cols = [c for c, (n, hits) in sorted(counts.items()) if hits >= 3 and hits >= 0.5 * n]
    rows = [r for r in range(table.n_rows) if any(names(table.text(r, c)) is not None for c in cols)]
    return Sheet(table, cols, rows[0]) if rows else None


def _indices_in(texts: list[str]) -> set[str]:
    folded = " | ".join(_fold(t) for t in texts if t)
    return {name for name, pattern in _INDEX_NAMES.items() if pattern.search(folded)}


def _years_in(text: str) -> list[int]:
    return [int(y) for y in _YEAR.findall(text or "")]


def _row_year(text: str) -> int | None:
    if _NUMBER.match(text) and float(text).is_integer() and 1990 <= float(text) <= 2100:
        return int(float(text))
    return None


def _prepare(sheet: Sheet, default_index: str | None, file_years: set[int]) -> None:
    """Index, year (and where it came from) and the criterion columns of a sheet."""
    t = sheet.table
    header_texts = [t.sheet or ""] + [h for c in range(t.n_cols) for h in sheet.headers(c)]
    named = _indices_in(header_texts)
    sheet.index = next(iter(named)) if len(named) == 1 else default_index
    if sheet.index is None:
        return
    for c in range(t.n_cols):
        if c not in sheet.province_cols and any(_YEAR_HEADER.match(_fold(h)) for h in sheet.headers(c)):
            sheet.year_col, sheet.year_from = c, "column"
            return
    in_name = set(_years_in(t.sheet or ""))
    if len(in_name) == 1:
        sheet.year, sheet.year_from = in_name.pop(), "sheet"
    else:
        matched = [c for c in range(t.n_cols) if column_target(sheet.index, None, sheet.headers(c))]
        in_headers = [y for c in matched for h in sheet.headers(c) for y in _years_in(h)]
        if in_headers:
            sheet.year, sheet.year_from = max(in_headers), "header"
        elif len(file_years) == 1:
            sheet.year, sheet.year_from = next(iter(file_years)), "file"


def _targets(sheet: Sheet, year: int) -> dict[int, Target]:
    if year not in sheet.targets_by_year:
        out = {}
        for c in range(sheet.table.n_cols):
            if c in sheet.province_cols or c == sheet.year_col or sheet.entity_col(c) is None:
                continue
            target = column_target(sheet.index or "", year, sheet.headers(c))
            if target is not None:
                out[c] = target
        sheet.targets_by_year[year] = out
    return sheet.targets_by_year[year]


def _sheet_years(sheet: Sheet) -> list[int]:
    if sheet.year_col is None:
        return [sheet.year] if sheet.year is not None else []
    years = {_row_year(sheet.table.text(r, sheet.year_col)) for r in range(sheet.first_row, sheet.table.n_rows)}
    return sorted(y for y in years if y is not None)


def _is_data_sheet(sheet: Sheet) -> bool:
    """At least two criteria (or a criterion and its rank): not a sheet of one sub-index's survey items."""
    return any(len({(t.rule.code, t.rule.measure) for t in _targets(sheet, y).values()}) >= 2
               for y in _sheet_years(sheet))


def _decimals(text: str) -> int:
    if "e" in text.lower():
        return MAX_DECIMALS
    return min(MAX_DECIMALS, len(text.partition(".")[2]))


def _tolerance(*decimals: int) -> float:
    return sum(0.5 * 10 ** (-d) for d in decimals) + 1e-9


class _Collector:
    """Observations of one file: one per (index, year, entity, criterion), with every place it is printed."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, int, str, str], RawObservation] = {}
        self.observations: list[RawObservation] = []
        self.ranks: list[tuple[tuple[str, int, str, str], str, Source, ColumnRule]] = []
        self.flags: list[tuple[Flag, Source | None]] = []
        self.not_numbers: dict[str, list[str]] = {}
        self._not_province: set[tuple[int, int]] = set()

    def add(self, sheet: Sheet, r: int, c: int, target: Target, entity: str, year: int) -> None:
        t = sheet.table
        text = t.text(r, c).strip()
        src = Source(kind="sheet", sheet=t.sheet, table=t.number, row=r, col=c, snippet=text[:80])
        if not _NUMBER.match(text):
            self.not_numbers.setdefault(t.sheet or "CSV", []).append(f"'{text[:20]}' (row {r + 1}, column {c + 1})")
            return
        key = (sheet.index or "", year, entity, target.rule.code)
        if target.rule.measure == "rank":
            self.ranks.append((key, text, src, target.rule))
            return
        obs = RawObservation(index=key[0], year=year, entity=entity, label=target.label, value=float(text),
                             unit="points", source=src, decimals=_decimals(text), criterion=target.rule.code,
                             is_total=_is_total(key[0], year, target.rule.code))
        first = self.values.get(key)
        if first is None:
            self.values[key] = obs
        elif abs(first.value - obs.value) <= _tolerance(first.decimals, obs.decimals):
            first.also_at.append(src)
            return
        else:
            message = f"{first.value:g} on sheet '{first.source.sheet}', {obs.value:g} on sheet '{t.sheet}'"
            for o in (first, obs):
                o.flags.append(Flag("sheet_conflict", message))
        self.observations.append(obs)

    def not_a_province(self, sheet: Sheet, r: int, c: int) -> None:
        t = sheet.table
        if (t.number, r) in self._not_province:
            return
        self._not_province.add((t.number, r))
        name = t.text(r, c).strip()
        where = f"sheet '{t.sheet}' row {r + 1}" if t.sheet else f"row {r + 1}"
        self.flags.append((Flag("not_a_province", f"{where}: '{name[:60]}' is not a province (a summary row?): its "
                                                  "figures are not loaded", "info"),
                           Source(kind="sheet", sheet=t.sheet, table=t.number, row=r, col=c, snippet=name[:80])))

    def attach_ranks(self, warnings: list[str]) -> None:
        for key, text, src, rule in self.ranks:
            obs = self.values.get(key)
            rank = float(text)
            if obs is None or not rank.is_integer() or rank < 1:
                warnings.append(f"rank '{text}' of {key[2]} {key[1]} on sheet '{src.sheet}' row {(src.row or 0) + 1}: "
                                + ("no value to attach it to" if obs is None else "not a rank") + ": not loaded")
                continue
            if obs.rank is not None and obs.rank != int(rank):
                obs.flags.append(Flag("sheet_conflict", f"rank {obs.rank} and rank {int(rank)} on sheet '{src.sheet}'"))
                continue
            obs.rank = int(rank)
            obs.also_at.append(Source(kind="sheet", sheet=src.sheet, table=src.table, row=src.row, col=src.col,
                                      snippet=f"rank {int(rank)}"))
            if rule.flag and not any(f.code == rule.flag for f in obs.flags):
                obs.flags.append(Flag(rule.flag, rule.note or rule.flag, "info"))


@lru_cache(maxsize=4096)
def _is_total(index: str, year: int, code: str) -> bool:
    cat = catalogue()
    period = cat.period_for(index, year)
    node = cat.nodes.get((index, period, code)) if period else None
    return node is not None and node.level == "total"


def _read_sheet(sheet: Sheet, names: _Names, out: _Collector) -> None:
    t = sheet.table
    for r in range(sheet.first_row, t.n_rows):
        year = sheet.year if sheet.year_col is None else _row_year(t.text(r, sheet.year_col))
        if year is None:
            continue
        targets = _targets(sheet, year)
        for c, target in targets.items():
            e = sheet.entity_col(c)
            text = t.text(r, c).strip()
            if e is None or not text:
                continue  # blank is not zero: no observation
            province = names(t.text(r, e), year)
            if province is None:
                if t.text(r, e).strip() and _NUMBER.match(text):
                    out.not_a_province(sheet, r, e)
                continue
            if _zero_total_of_blanks(sheet, r, c, target, targets, year):
                out.flags.append((Flag("blank_total_zero", f"{province.name} {year}: {target.label} printed as 0 with "
                                                           "every component blank: read as missing, not loaded", "info"),
                                  Source(kind="sheet", sheet=t.sheet, table=t.number, row=r, col=c, snippet=text)))
                continue
            out.add(sheet, r, c, target, province.name, year)


def _zero_total_of_blanks(sheet: Sheet, r: int, c: int, target: Target, targets: dict[int, Target],
                          year: int) -> bool:
    """A total of 0 beside blank components is a spreadsheet's empty sum (PAPI 2014 Bắc Giang), not a score."""
    text = sheet.table.text(r, c).strip()
    if not _NUMBER.match(text) or float(text) != 0 or target.rule.measure != "value" or \
            not _is_total(sheet.index or "", year, target.rule.code):
        return False
    e = sheet.entity_col(c)
    parts = [k for k, t in targets.items() if k != c and t.rule.measure == "value" and sheet.entity_col(k) == e]
    return bool(parts) and not any(sheet.table.text(r, k).strip() for k in parts)


def _unmapped_columns(sheet: Sheet) -> list[str]:
    mapped = {c for y in _sheet_years(sheet) for c in _targets(sheet, y)}
    skip = set(sheet.province_cols) | {sheet.year_col} | mapped
    out = []
    for c in range(sheet.table.n_cols):
        heads = sheet.headers(c)
        if c not in skip and heads and any(sheet.table.text(r, c) for r in range(sheet.first_row, sheet.table.n_rows)):
            out.append(clean_label(heads[-1])[:50])
    return out


def _select_sheets(doc: ExtractedDocument, names: _Names) -> tuple[list[Sheet], list[str]]:
    """The data sheets of a workbook, each with its index and year; warnings for the others."""
    sheets = [s for t in doc.tables if (s := _layout(t, names)) is not None]
    texts = [doc.title or "", Path(doc.path).name] + [t.sheet or "" for t in doc.tables] + \
        [h for s in sheets for c in range(s.table.n_cols) for h in s.headers(c)]
    named = _indices_in(texts)
    default = next(iter(named)) if len(named) == 1 else None
    file_years = set(_years_in(doc.title or "")) or set(_years_in(Path(doc.path).stem))
    warnings = []
    for s in sheets:
        _prepare(s, default, file_years)
    data = [s for s in sheets if s.index and (s.year is not None or s.year_col is not None) and _is_data_sheet(s)]
    skipped = [t.sheet or "CSV" for t in doc.tables if not any(s.table is t for s in data)]
    if skipped and data:
        warnings.append(f"not province tables of {'/'.join(sorted({s.index or '' for s in data}))} criteria, not "
                        f"loaded: {', '.join(repr(n) for n in skipped[:12])}{' …' if len(skipped) > 12 else ''}")
    if data and not any(s.year_from == "sheet" for s in data):  # one edition: leftovers of an earlier one
        latest = max((s.year for s in data if s.year_from == "header" and s.year), default=None)
        for s in [s for s in data if s.year_from == "header" and latest and s.year and s.year < latest]:
            warnings.append(f"sheet '{s.table.sheet}' gives {s.index} {s.year} in a {latest} workbook (a copy "
                            f"left from the previous edition): not loaded")
            data.remove(s)
    for s in data:
        if s.year_from == "file":
            warnings.append(f"sheet '{s.table.sheet}': no year in its name or headers; {s.year} taken from the "
                            f"file name/title")
        if cols := _unmapped_columns(s):
            warnings.append(f"sheet '{s.table.sheet or 'CSV'}': {len(cols)} columns are not criteria (neither in "
                            f"national_columns.csv nor catalogue names), not loaded: "
                            f"{', '.join(repr(c) for c in cols[:8])}{' …' if len(cols) > 8 else ''}")
    return data, warnings


def interpret_national(doc: ExtractedDocument) -> Interpretation:
    """A national data file → one observation per province × year × criterion (see module docstring)."""
    names = _Names()
    sheets, warnings = _select_sheets(doc, names)
    if not sheets:
        raise ExtractionError(f"{Path(doc.path).name}: no sheet is a PAPI/PCI table with provinces in rows and "
                              f"columns this tool knows (db/catalogue/national_columns.csv); "
                              f"{len(doc.tables)} sheets read", "no_index_content")
    out = _Collector()
    for sheet in sheets:
        _read_sheet(sheet, names, out)
    out.attach_ranks(warnings)
    for sheet_name, cells in out.not_numbers.items():
        warnings.append(f"sheet '{sheet_name}': {len(cells)} cells in criterion columns are not numbers, not "
                        f"loaded: {', '.join(cells[:5])}{' …' if len(cells) > 5 else ''}")
    doc.warnings.extend(warnings)
    observations = sorted(out.observations, key=lambda o: (o.index, o.year, o.source.table or 0, o.source.row or 0,
                                                           o.source.col or 0))
    years = sorted({o.year for o in observations})
    indices = [i for i in ("SIPAS", "PAR_INDEX", "PAPI", "PCI") if any(o.index == i for o in observations)]
    span = (f"{years[0]}" if years[0] == years[-1] else f"{years[0]}–{years[-1]}") if years else ""
    title = doc.title or f"{'/'.join(indices)} national data {span}".strip()
    meta = DocumentMeta(province=None, doc_type="DATA", report_year=years[-1] if years else None, indices=indices,
                        title=title, primary_index=indices[0] if len(indices) == 1 else None,
                        source_kind="national_dataset")
    return Interpretation(meta=meta, observations=observations, flags=out.flags)
