"""Scoring tables (PAR INDEX): `Tiêu chí | Điểm chuẩn | Điểm tự đánh giá | Điểm thẩm định`.

The appraised score (Điểm thẩm định) is the value, Điểm chuẩn its maximum; the
self-assessed score is kept as another measure. Area rows (Roman numbers, `Lĩnh vực N`,
or a row spanning the whole table) head the criteria below them. A `Cơ quan chủ trì`
column names the agency responsible for a criterion: the values remain the province's,
and the agency is kept as an attribute of the observation.
"""

from __future__ import annotations

import re

from chiso.interpret.tables.cells import TableContext, attach_rank, label_at, source, unit_of, value
from chiso.interpret.tables.shape import TableShape
from chiso.interpret.tables.totals import row_role
from chiso.model import RawObservation, Table
from chiso.normalize.numbers import read_number
from chiso.normalize.text import clean_label

# "Tổng điểm tự đánh giá: 60,25/66,5" written across the whole table, as a self-assessment's annex ends
_SPANNING_SELF_TOTAL = re.compile(r"(?P<label>tổng\s+(?:số\s+)?điểm\s+(?:tỉnh\s+)?tự\s+đánh\s+giá[^:\d]{0,60}?)\s*:\s*"
                                  r"(?P<fig>\d[\d.,]*\s*/\s*\d[\d.,]*)\s*(?:điểm)?\s*\.?", re.I)


_ROMAN = re.compile(r"[IVX]+\.?")
_AREA = re.compile(r"lĩnh\s*vực", re.I)


def _is_area(stt: str, label: str) -> bool:
    """Roman numerals or 'Lĩnh vực' rows head the criteria below them."""
    return bool(_ROMAN.fullmatch(stt.strip())) or bool(_AREA.match(label))


def _spans_row(t: Table, r: int, n_cols: int) -> bool:
    cell = t.cell(r, 0) or t.cell(r, 1)
    return cell is not None and cell.colspan >= max(2, n_cols - 1)


def _points_beside_share(shape: TableShape, val_col):  # noqa: ANN001, ANN202
    """`Điểm đạt được | Chỉ số thành phần (%)`: the points an area scored beside its share in %. The share
    is the value (the index of the 2017–2020 methodology is a percentage); the points are its basis."""
    values = shape.of("value")
    if val_col is None or len(values) < 2 or "%" not in val_col.header:
        return None
    points = [c for c in values if c is not val_col and "điểm" in c.header and "%" not in c.header]
    return points[-1] if points else None


def _spanning_self_total(t: Table, r: int, label: str, ctx: TableContext, year: int) -> RawObservation | None:
    """A row across the table that states the self-assessed total with its maximum. It names the self-assessment
    itself, so it is read only as that measure, never as the appraised value; anything else across the table
    stays the heading of the rows below."""
    m = _SPANNING_SELF_TOTAL.fullmatch(label.strip())
    rd = read_number(m.group("fig"), prefer_decimal=True) if m else None
    if rd is None or not rd.ok or rd.max is None:
        return None
    col = t.cell(r, 0).col if t.cell(r, 0) is not None else 0
    return RawObservation(index=ctx.index, year=year, entity=ctx.entity, label=clean_label(m.group("label")),
                          value=rd.value, unit="points", max=rd.max, decimals=rd.decimals, measure="self_assessed",
                          source=source(t, r, col), year_stated=False)


def read_scores(t: Table, shape: TableShape, ctx: TableContext) -> list[RawObservation]:
    label_col = shape.first("label")
    max_col, self_col, rank_col = shape.first("max"), shape.first("self"), shape.first("rank")
    resp_col = shape.first("responsible")
    val_col = (shape.of("value") or [None])[-1]
    points_col = _points_beside_share(shape, val_col)
    year = next((c.year for c in shape.cols if c.year), None) or ctx.report_year
    if year is None or label_col is None:
        return []
    out: list[RawObservation] = []
    group: str | None = None
    n_cols = t.n_cols  # a property that looks at every row: asked once
    for r in range(shape.n_head, t.n_rows):
        label = label_at(t, r, label_col.index)
        if not label:
            continue
        stt = next((t.text(r, c.index).strip() for c in shape.of("stt")), "")
        if _spans_row(t, r, n_cols):  # "Lĩnh vực 1. …" across the table: the area of the rows below
            total = _spanning_self_total(t, r, label, ctx, year)
            if total is not None:
                out.append(total)
            else:
                group = label
            continue
        mx = value(t, r, max_col.index, ctx) if max_col else None
        role = row_role(label, ctx.index, mx.value if mx else None)
        if role == "sum":
            continue
        responsible = clean_label(t.text(r, resp_col.index)) or None if resp_col else None
        for col, measure in ((val_col, "value"), (self_col, "self_assessed"), (points_col, "score_points")):
            rd = value(t, r, col.index, ctx) if col is not None else None
            if rd is None:
                continue
            unit = unit_of(rd, col.header, ctx) or "points"
            if col is val_col and points_col is not None:
                unit = "%"  # the area's share of its points: Điểm tối đa is the points' maximum, not the share's
            obs = RawObservation(index=ctx.index, year=year, entity=ctx.entity, label=label,
                                 group=None if role == "total" or _is_area(stt, label) else group,
                                 value=rd.value, unit=unit, max=None if unit == "%" else (mx.value if mx else rd.max),
                                 decimals=rd.decimals, measure=measure,
                                 source=source(t, r, col.index), is_total=role == "total",
                                 responsible=responsible, number=stt or None,
                                 year_stated=any(c.year for c in shape.cols))
            if rank_col is not None and measure == "value":
                attach_rank(obs, t.text(r, rank_col.index))
            out.append(obs)
        if _is_area(stt, label):
            group = label
    return out
