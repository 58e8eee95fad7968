"""A whole document → metadata + observations (tables, then prose), deduplicated."""

from __future__ import annotations

import re

from chiso.extract.model import ExtractedDocument, Table, TextBlock
from chiso.interpret.meta import detect_indices, read_meta
from chiso.interpret.model import Interpretation, RawObservation
from chiso.interpret.tables import TableContext, interpret_table

DEFAULT_UNIT = {"SIPAS": "%", "PAR_INDEX": "points", "PAPI": "points", "PCI": "points"}
_HEADING = re.compile(
    r"^\s*(?:[IVX]{1,5}\s*[.)]|\d{1,2}(?:\.\d{1,2}){0,3}\s*[.)]?\s+(?=\D)|[a-zđ]\s*\)|[A-ZĐ]\s*[.)])\s*\S")


def is_heading(block: TextBlock) -> bool:
    text = block.text.strip()
    if block.kind != "paragraph" or len(text) > 260 or not text:
        return False
    if _HEADING.match(text):
        return True
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters) and len(text) < 160


def interpret(doc: ExtractedDocument) -> Interpretation:
    meta = read_meta(doc)
    primary = meta.primary_index or _dominant_index(doc) or "SIPAS"
    entity = meta.subject or meta.province or ""
    observations: list[RawObservation] = []
    flags = []
    heading = ""
    section_index = primary
    for block in doc.blocks:
        if isinstance(block, TextBlock):
            if is_heading(block):
                heading = block.text
                named = detect_indices(block.text)
                if len(named) == 1:
                    section_index = named[0]
                elif re.match(r"^\s*[IVX]{1,5}\s*[.)]", block.text):
                    section_index = named[0] if named else primary
            continue
        if isinstance(block, Table):
            ctx = TableContext(index=section_index, entity=entity, report_year=meta.report_year,
                               heading=heading, unit=DEFAULT_UNIT.get(section_index))
            observations.extend(interpret_table(block, ctx))
            flags.extend(ctx.flags)
    found = sorted({o.index for o in observations}, key=lambda i: ["SIPAS", "PAR_INDEX", "PAPI", "PCI"].index(i))
    meta.indices = found or ([primary] if meta.primary_index else [])
    return Interpretation(meta=meta, observations=observations, flags=flags)


def _dominant_index(doc: ExtractedDocument) -> str | None:
    counts: dict[str, int] = {}
    for b in doc.texts[:200]:
        for name in detect_indices(b.text):
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None
