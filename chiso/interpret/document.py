"""A whole document → metadata + observations (tables, then prose), one per fact.

The document is read in order, keeping what the text says each figure is about: the index
of the current section (a heading naming one family switches to it), the nearest heading
(a generic `Mức độ hài lòng đạt …` takes its criterion from it), the document's subject
and report year. Tables go through the table layouts, text blocks through the sentence
readers; the two are then merged into one observation per fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chiso.db.indices import default_unit, detect_indices, families, sort_indices
from chiso.interpret.coverage import measure
from chiso.interpret.merge import merge_prose
from chiso.interpret.meta import read_meta
from chiso.interpret.national import SPREADSHEET_FORMATS, interpret_national
from chiso.interpret.old_provinces import old_province_lead, old_province_of
from chiso.interpret.prose import Findings, ProseContext, read_block
from chiso.interpret.tables import TableContext, TableReading, interpret_table
from chiso.model import (
    DocumentMeta,
    ExtractedDocument,
    Flag,
    Interpretation,
    RawObservation,
    Source,
    Table,
    TextBlock,
)

_HEADING = re.compile(
    r"^\s*(?:[IVX]{1,5}\s*[.)]|\d{1,2}(?:\.\d{1,2}){0,3}\s*[.)]?\s+(?=\D)|[a-zđ]\s*\)|[A-ZĐ]\s*[.)])\s*\S")
_NOT_HEADING = re.compile(r"^\s*(BÁO\s+CÁO|QUYẾT\s+ĐỊNH|KẾ\s+HOẠCH|CÔNG\s+VĂN|TỜ\s+TRÌNH|THÔNG\s+BÁO|DỰ\s+THẢO"
                          r"|ỦY\s+BAN|UỶ\s+BAN|CỘNG\s+HÒA|Số\s*:)", re.I)


_STATES_SCORE = re.compile(r"\d\s*%|\d\s*/\s*\d+[.,]?\d*\s*điểm|\bđạt\b")
_STATES_FIGURE = re.compile(r"\d\s*%|\d\s*điểm|\bđạt\b|xếp\s+(?:thứ|hạng)")


def is_heading(block: TextBlock) -> bool:
    text = block.text.strip()
    if block.kind != "paragraph" or len(text) > 260 or not text or _NOT_HEADING.match(text):
        return False
    if _HEADING.match(text) and not _STATES_SCORE.search(text):
        return True
    if block.emphasis and len(text) < 200 and not _STATES_FIGURE.search(text):
        return True
    if len(text) >= 160:
        return False  # too long for a heading in capitals (letters not counted)
    letters = "".join(filter(str.isalpha, text))  # counted in C: every paragraph is asked
    return bool(letters) and sum(map(str.isupper, letters)) >= 0.8 * len(letters)


@dataclass
class _Reading:
    """The document read so far: where we are and what was found."""

    meta: DocumentMeta
    entity: str
    primary: str
    title_label: str
    section_index: str
    heading: str = ""
    section_entity: str | None = None  # a section about one old province ("1. Tỉnh Yên Bái (cũ)")
    tables: list[RawObservation] = field(default_factory=list)
    prose: Findings = field(default_factory=Findings)
    flags: list[tuple[Flag, Source | None]] = field(default_factory=list)
    table_layouts: dict[int, str | None] = field(default_factory=dict)
    table_readings: dict[int, TableReading] = field(default_factory=dict)
    memory: dict = field(default_factory=dict)  # sentence readers' state carried between blocks


def interpret(doc: ExtractedDocument) -> Interpretation:
    if doc.format in SPREADSHEET_FORMATS:  # a national data file: provinces in rows, its own interpreter
        return interpret_national(doc)
    meta = read_meta(doc)
    primary = meta.primary_index or _dominant_index(doc) or "SIPAS"
    state = _Reading(meta, meta.subject or meta.province or "", primary, _title_label(meta.title, primary), primary)
    for block in doc.blocks:
        if isinstance(block, Table):
            _read_table(block, state)
        elif block.kind != "header":
            _read_text(block, state)
    found = state.prose
    observations = merge_prose(state.tables, found.observations, found.ranks, state.entity, meta.report_year,
                               found.nationals)
    _flag_guessed_years(meta, observations)
    # the families the document reports: those it gives figures for, and those its title names
    meta.indices = sort_indices({o.index for o in observations} | set(detect_indices(meta.title)))
    return Interpretation(meta=meta, observations=observations, flags=state.flags + found.flags,
                          table_layouts=state.table_layouts,
                          coverage=measure(doc, observations, state.table_readings))


_ROMAN_NUMBERED = re.compile(r"^\s*[IVX]{1,5}\s*[.)]")


def _read_text(block: TextBlock, state: _Reading) -> None:
    if block.kind == "paragraph" and is_heading(block):
        state.heading = block.text
        state.section_entity = old_province_of(block.text, state.meta)
        named = detect_indices(block.text)
        if len(named) == 1:
            state.section_index = named[0]
        elif _ROMAN_NUMBERED.match(block.text):
            state.section_index = named[0] if named else state.primary
        return
    meta = state.meta
    entity = old_province_lead(block.text, meta) or state.section_entity or state.entity
    ctx = ProseContext(index=state.section_index, entity=entity, province=meta.province,
                       report_year=meta.report_year, unit=default_unit(state.section_index),
                       heading=state.heading if block.kind == "paragraph" else "", title_label=state.title_label,
                       memory=state.memory)
    state.prose.extend(read_block(block, ctx))


def _read_table(block: Table, state: _Reading) -> None:
    ctx = TableContext(index=state.section_index, entity=state.section_entity or state.entity,
                       report_year=state.meta.report_year,
                       heading=state.heading, unit=default_unit(state.section_index))
    reading = interpret_table(block, ctx)
    state.tables += reading.observations
    state.table_layouts[block.number] = reading.layout
    state.table_readings[block.number] = reading
    state.flags += ctx.flags


def _title_label(title: str, index: str) -> str:
    """How the document names its index ('Chỉ số … (PAPI)'), the label for the index's own value."""
    m = re.search(r"Chỉ\s+số\s+[^;()]{0,140}?\((?:SIPAS|PAPI|PCI|PAR\s*INDEX)\)", title, re.I)
    if m:
        return m.group(0)
    return families()[index].title_label


def _dominant_index(doc: ExtractedDocument) -> str | None:
    counts: dict[str, int] = {}
    for b in doc.texts[:200]:
        for name in detect_indices(b.text):
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _flag_guessed_years(meta: DocumentMeta, observations: list[RawObservation]) -> None:
    """A value whose year is the report year, when that year came only from the issue date, may be a
    year off (a 2024 report issued in 2025): it says so."""
    if meta.year_source != "date":
        return
    for o in observations:
        if not o.year_stated and o.year == meta.report_year:
            o.flags.append(Flag("year_guessed", f"year {o.year} taken from the issue date ({meta.date}): the "
                                                "text does not say which year this value describes", "warning"))
