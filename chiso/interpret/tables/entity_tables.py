"""Tables with one row per agency, district or place: each value column is a criterion.

    STT | Tên đơn vị | Điểm tự đánh giá | Điểm thẩm định | … | Chỉ số CCHC (%) | Xếp hạng
    Đơn vị | Tiếp cận dịch vụ | Thủ tục hành chính | … | Chỉ số hài lòng …   (rows: the province, Cả nước)

Rows are not all entities. A row without figures (`I. Khối sở, ban, ngành`) opens a block, and
a decision ranks each block on its own (rank_of is the block's size). A `Điểm tối đa` row gives
the maximum of each column. A `Chênh lệch (+/-)` row only checks the others and is no value. A
`Xếp hạng của tỉnh` row gives the ranks of the document's own province's values. A row naming a
place (`Tỉnh Quảng Ninh`, `Cả nước`) is that place: the document's province by its plain name.
"""

from __future__ import annotations

import re

from chiso.interpret.tables.cells import (
    TableContext,
    attach_rank,
    header_label,
    names_total,
    source,
    unit_of,
    value,
)
from chiso.interpret.tables.columns import ROLE_PATTERNS, norm, place_of
from chiso.interpret.tables.shape import TableShape
from chiso.model import RawObservation, Table
from chiso.normalize.numbers import read_rank
from chiso.normalize.text import clean_label

_MAX_ROW = re.compile(r"^(?:điểm\s*(?:tối\s*đa|chuẩn)|thang\s*điểm|điểm\s*tối\s*đa)", re.I)
_RANK_ROW = re.compile(r"^(?:xếp\s*(?:hạng|thứ)|thứ\s*hạng|hạng)\b", re.I)
_CHANGE_ROW = dict(ROLE_PATTERNS)["change"]
_AGGREGATE_ROW = re.compile(r"^(?:tổng|trung\s*bình|bình\s*quân)", re.I)


_INDEX_HEADER = re.compile(r"chỉ\s*số|%")
_RANK_CELL = re.compile(r"\s*(\d{1,3})\s*/\s*(\d{1,3})\s*")


def read_entities(t: Table, shape: TableShape, ctx: TableContext) -> list[RawObservation]:
    ent_col = shape.first("entity")
    assert ent_col is not None
    value_cols = [c for c in shape.cols if c.role in ("value", "year")]
    rank_col = shape.first("rank")
    rows = [r for r in range(shape.n_head, t.n_rows) if clean_label(t.text(r, ent_col.index))]
    probe = TableContext(ctx.index, "", None)
    kind = {r: _row_kind(clean_label(t.text(r, ent_col.index))) for r in rows}
    entity_rows = [r for r in rows if kind[r] == "entity" and any(value(t, r, c.index, probe) for c in value_cols)]
    maxima = {c.index: rd.value for r in rows if kind[r] == "max" for c in value_cols
              if (rd := value(t, r, c.index, probe)) is not None}
    ranks = {c.index: rk for r in rows if kind[r] == "rank" for c in value_cols if (rk := read_rank_cell(t.text(r, c.index)))}
    # Both raw points and the index (%) for each entity: the index is the value, the points its basis.
    has_index = any(_INDEX_HEADER.search(c.header) for c in value_cols)
    measure = {c.index: ("score_points" if has_index and "điểm" in c.header
                         and not _INDEX_HEADER.search(c.header) else "value") for c in value_cols}
    block_size = _block_sizes([r for r in rows if kind[r] in ("entity", "heading")], entity_rows)
    out: list[RawObservation] = []
    for r in entity_rows:
        entity = _entity_name(clean_label(t.text(r, ent_col.index)), ctx)
        if _AGGREGATE_ROW.match(entity):
            continue
        own = entity == ctx.entity
        for vc in value_cols:
            rd = value(t, r, vc.index, ctx)
            if rd is None:
                continue
            label = header_label(t, shape.n_head, vc.index, vc.header)
            unit = unit_of(rd, vc.header, ctx)
            obs = RawObservation(index=ctx.index, year=vc.year or ctx.report_year or 0, entity=entity,
                                 label=label, value=rd.value, unit=unit,
                                 max=rd.max if rd.max is not None or unit == "%" else maxima.get(vc.index),
                                 decimals=rd.decimals, source=source(t, r, vc.index),
                                 rank_scope="national" if own or entity == "Cả nước" else "province",
                                 measure=measure[vc.index], year_stated=vc.year is not None,
                                 is_total=names_total(label, alone=len(value_cols) == 1) and
                                 measure[vc.index] == "value")
            if own and vc.index in ranks:
                obs.rank, obs.rank_of = ranks[vc.index]  # the "Xếp hạng của tỉnh" row
            if rank_col is not None and vc is value_cols[-1]:
                attach_rank(obs, t.text(r, rank_col.index))
                if obs.rank is not None and obs.rank_of is None:
                    obs.rank_of = block_size[r]
            out.append(obs)
    return out


def read_rank_cell(text: str) -> tuple[int, int] | None:
    """`3/63` in a rank row's cell."""
    m = _RANK_CELL.fullmatch(text)
    return (int(m.group(1)), int(m.group(2))) if m else read_rank(text)


def _row_kind(name: str) -> str:
    """entity | max | rank | change (the row's role by its first cell); 'heading' rows have no figures."""
    key = norm(name)
    if _MAX_ROW.match(key):
        return "max"
    if _RANK_ROW.match(key):
        return "rank"
    if _CHANGE_ROW.search(key):
        return "change"
    return "entity"


def _entity_name(name: str, ctx: TableContext) -> str:
    """A place row by its canonical name (`Tỉnh Quảng Ninh` → the document's `Quảng Ninh`, `Toàn quốc` →
    `Cả nước`); any other row (an agency, a district) as printed."""
    place = place_of(name)
    if place is None:
        return name
    return ctx.entity if ctx.entity and place == ctx.entity else place


def _block_sizes(rows: list[int], entity_rows: list[int]) -> dict[int, int]:
    """How many entities are ranked with each row's: a row without figures (`I. Khối sở, ban, ngành`,
    `II. Khối UBND huyện`) opens a block, and a decision ranks each block on its own."""
    blocks: list[list[int]] = [[]]
    has_values = set(entity_rows)
    for r in rows:
        if r not in has_values:
            if blocks[-1]:
                blocks.append([])
            continue
        blocks[-1].append(r)
    return {r: len(block) for block in blocks for r in block}
