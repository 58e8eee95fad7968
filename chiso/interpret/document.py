"""A whole document → metadata + observations (tables, then prose), deduplicated."""

from __future__ import annotations

import re

from chiso.interpret.merge import merge_prose
from chiso.interpret.meta import detect_indices, read_meta
from chiso.interpret.prose import ProseContext, read_national, read_prose, read_ranks
from chiso.interpret.tables import TableContext, interpret_table
from chiso.model import ExtractedDocument, Interpretation, RawObservation, Table, TextBlock

DEFAULT_UNIT = {"SIPAS": "%", "PAR_INDEX": "points", "PAPI": "points", "PCI": "points"}
_HEADING = re.compile(
    r"^\s*(?:[IVX]{1,5}\s*[.)]|\d{1,2}(?:\.\d{1,2}){0,3}\s*[.)]?\s+(?=\D)|[a-zđ]\s*\)|[A-ZĐ]\s*[.)])\s*\S")


_NOT_HEADING = re.compile(r"^\s*(BÁO\s+CÁO|QUYẾT\s+ĐỊNH|KẾ\s+HOẠCH|CÔNG\s+VĂN|TỜ\s+TRÌNH|THÔNG\s+BÁO|DỰ\s+THẢO"
                          r"|ỦY\s+BAN|UỶ\s+BAN|CỘNG\s+HÒA|Số\s*:)", re.I)


def is_heading(block: TextBlock) -> bool:
    text = block.text.strip()
    if block.kind != "paragraph" or len(text) > 260 or not text or _NOT_HEADING.match(text):
        return False
    if _HEADING.match(text):
        return True
    if block.emphasis and len(text) < 200 and not re.search(r"\d\s*%|\d\s*điểm|\bđạt\b|xếp\s+(?:thứ|hạng)", text):
        return True
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters) and len(text) < 160


def interpret(doc: ExtractedDocument) -> Interpretation:
    meta = read_meta(doc)
    primary = meta.primary_index or _dominant_index(doc) or "SIPAS"
    entity = meta.subject or meta.province or ""
    observations: list[RawObservation] = []
    prose: list[RawObservation] = []
    ranks = []
    national = []
    flags = []
    heading = ""
    section_index = primary
    title_label = _title_label(meta.title, primary)
    for block in doc.blocks:
        if isinstance(block, TextBlock):
            if block.kind == "header":
                continue
            if block.kind == "paragraph" and is_heading(block):
                heading = block.text
                named = detect_indices(block.text)
                if len(named) == 1:
                    section_index = named[0]
                elif re.match(r"^\s*[IVX]{1,5}\s*[.)]", block.text):
                    section_index = named[0] if named else primary
                continue
            pctx = ProseContext(index=section_index, entity=entity, province=meta.province,
                                report_year=meta.report_year, unit=DEFAULT_UNIT.get(section_index),
                                heading=heading if block.kind == "paragraph" else "", title_label=title_label)
            prose.extend(read_prose(block, pctx, flags))
            ranks.extend(read_ranks(block, pctx))
            national.extend(read_national(block))
            continue
        if isinstance(block, Table):
            ctx = TableContext(index=section_index, entity=entity, report_year=meta.report_year,
                               heading=heading, unit=DEFAULT_UNIT.get(section_index))
            observations.extend(interpret_table(block, ctx))
            flags.extend(ctx.flags)
    observations = merge_prose(observations, prose, ranks, entity, meta.report_year, national)
    for o in observations:
        if o.group == "__total__":
            o.is_total, o.group = True, None
    # the families the document reports: those it gives figures for, and those its title names
    named = set(detect_indices(meta.title))
    order = ["SIPAS", "PAR_INDEX", "PAPI", "PCI"]
    meta.indices = sorted({o.index for o in observations} | named, key=order.index)
    return Interpretation(meta=meta, observations=observations, flags=flags)


def _title_label(title: str, index: str) -> str:
    """How the document names its index ('Chỉ số … (PAPI)'), the label for the index's own value."""
    m = re.search(r"Chỉ\s+số\s+[^;()]{0,140}?\((?:SIPAS|PAPI|PCI|PAR\s*INDEX)\)", title, re.I)
    if m:
        return m.group(0)
    return {"SIPAS": "Chỉ số SIPAS", "PAPI": "Chỉ số PAPI", "PAR_INDEX": "Chỉ số CCHC", "PCI": "Chỉ số PCI"}[index]


def _dominant_index(doc: ExtractedDocument) -> str | None:
    counts: dict[str, int] = {}
    for b in doc.texts[:200]:
        for name in detect_indices(b.text):
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None
