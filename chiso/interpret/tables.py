"""Tables → observations.

Reports print the same kind of content in a handful of layouts; we recognise the role of
each column from its header, then read rows by the layout's rule:
- year tables: label column(s) + `Năm 2024 | Năm 2023 | Tăng/giảm` (a merged first
  column, or a valued row heading numbered sub-rows, gives the group);
- paired tables: `Tiêu chí | Năm 2024 | Tiêu chí | Năm 2023` (two rankings side by side);
- score tables (PAR INDEX): `Điểm chuẩn | Điểm tự đánh giá | Điểm thẩm định`;
- entity tables: one row per agency/district with its score and rank inside the province.
The change column is kept only to check the values; it is never an observation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chiso.db.reference import resolve_province
from chiso.model import Flag, RawObservation, Source, Table
from chiso.normalize.numbers import Reading, read_number, read_rank
from chiso.normalize.text import clean_label, clean_text

YEAR = re.compile(r"(?<!\d)(19[9]\d|20[0-4]\d)(?!\d)")
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}(?:[.,]\d{1,2})*\s*[.,)]|[a-zđ]\s*\)|\d{1,2}\s+\D)")

ROLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("stt", re.compile(r"^(stt|tt|số\s*tt|số\s*thứ\s*tự)$")),
    ("change", re.compile(r"tăng\s*(\(\+\))?\s*/\s*giảm|tăng,\s*giảm|chênh\s*lệch|so\s*sánh|^\+\s*/\s*-$|^\(\+/-\)|biến\s*động")),
    ("max", re.compile(r"điểm\s*(chuẩn|tối\s*đa)|thang\s*điểm|điểm\s*tối\s*đa")),
    ("self", re.compile(r"tự\s*(đánh\s*giá|chấm)")),
    ("rank", re.compile(r"xếp\s*(hạng|thứ)|thứ\s*hạng|^hạng$")),
    ("entity", re.compile(r"tên\s*(cơ\s*quan|đơn\s*vị|địa\s*phương|huyện|sở)|^(cơ\s*quan|đơn\s*vị|địa\s*phương)"
                          r"|sở,\s*ban,\s*ngành|^(huyện|tỉnh|tỉnh,\s*thành\s*phố|đơn\s*vị\s*hành\s*chính)")),
    ("value", re.compile(r"thẩm\s*định|điểm\s*(đạt|số)|kết\s*quả|^điểm|chỉ\s*số|tỷ\s*lệ|\(%\)|^%$|giá\s*trị")),
    ("label", re.compile(r"tiêu\s*chí|nội\s*dung|lĩnh\s*vực|chỉ\s*tiêu|nhóm|trục|hạng\s*mục")),
]


@dataclass
class Column:
    index: int
    header: str
    role: str  # stt | label | year | change | max | self | value | rank | entity | place | text
    year: int | None = None
    place: str | None = None  # for a 'place' column: the province or "Cả nước" its figures belong to


@dataclass
class TableContext:
    index: str  # index family the table reports
    entity: str  # whom the document's own figures are about
    report_year: int | None
    heading: str = ""  # nearest heading before the table
    unit: str | None = None  # default unit for the index
    flags: list[tuple[Flag, Source]] = field(default_factory=list)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", clean_text(text)).strip().lower()


def _reading(text: str) -> Reading:
    return read_number(text, prefer_decimal=True)


def _looks_numeric(text: str) -> bool:
    t = text.strip()
    return bool(t) and bool(re.fullmatch(r"[+\-–−]?\s*\d[\d.,\s]*(/\s*\d[\d.,]*)?\s*(%|điểm)?", t))


def _header_rows(t: Table) -> int:
    """Rows at the top that hold no figures (1–3)."""
    for r in range(min(t.n_rows, 4)):
        numeric = 0
        for c in range(t.n_cols):
            if t.is_origin(r, c) or (t.cell(r, c) and t.cell(r, c).row == r):
                txt = t.text(r, c)
                if _looks_numeric(txt) and not YEAR.fullmatch(txt.strip()):
                    numeric += 1
        if numeric:
            return max(r, 1)
    return 1


def _classify(t: Table, n_head: int) -> list[Column]:
    cols: list[Column] = []
    for c in range(t.n_cols):
        parts: list[str] = []
        for r in range(n_head):
            txt = _norm(t.text(r, c))
            if txt and txt not in parts:
                parts.append(txt)
        header = " ".join(parts)
        role, year = "text", None
        ym = YEAR.search(header)
        for name, pat in ROLE_PATTERNS:
            if pat.search(header):
                role = name
                break
        if ym and role in ("text", "value", "label") and not re.search(r"tiêu\s*chí|nội\s*dung|lĩnh\s*vực", header):
            role, year = "year", int(ym.group(1))
        elif ym and role in ("rank", "max", "self"):
            year = int(ym.group(1))
        cols.append(Column(c, header, role, year))
    # A column headed by a place ("Lai Châu", "Cả nước", "Trung bình cả nước") holds that place's figures.
    for col in cols:
        if col.role in ("text", "value") and not col.year:
            place = _place(col.header)
            if place:
                col.role, col.place = "place", place
    # Columns the header does not name, or names ambiguously ("Chỉ số" heads both criteria
    # names and index values): the cells decide — mostly figures, a value column; else labels.
    data = range(n_head, t.n_rows)
    for col in cols:
        if col.role not in ("text", "value"):
            continue
        texts = [t.text(r, col.index).strip() for r in data if t.text(r, col.index).strip()]
        if texts and sum(_looks_numeric(x) for x in texts) >= 0.6 * len(texts):
            col.role = "value"
        elif texts and sum(bool(re.search(r"[^\W\d_]{3}", x)) for x in texts) >= 0.6 * len(texts):
            col.role = "label"
    return cols


def interpret_table(t: Table, ctx: TableContext) -> list[RawObservation]:
    if t.n_rows < 2 or t.n_cols < 2:
        return []
    n_head = _header_rows(t)
    cols = _classify(t, n_head)
    roles = [c.role for c in cols]
    years = [c for c in cols if c.role == "year"]
    labels = [c for c in cols if c.role == "label"]
    year_rows = _year_row_column(t, cols, n_head)
    if year_rows is not None:
        return _year_rows(t, ctx, cols, n_head, year_rows)
    if len(years) >= 2 and len(labels) >= 2 and _alternating(cols):
        return _paired(t, ctx, cols, n_head)
    if "entity" in roles and any(r in roles for r in ("value", "year")):
        return _entity_table(t, ctx, cols, n_head)
    if years and labels:
        return _year_table(t, ctx, cols, n_head)
    if labels and "place" in roles:
        return _place_table(t, ctx, cols, n_head)
    if labels and any(r in roles for r in ("value", "self")):
        return _score_table(t, ctx, cols, n_head)
    return []


_YEAR_CELL = re.compile(r"^(?:năm\s*)?(19[9]\d|20[0-4]\d)$", re.I)


def _year_row_column(t: Table, cols: list[Column], n_head: int) -> Column | None:
    """A column listing years down the rows ("Năm | Chỉ số CCHC (%) | Xếp hạng")."""
    for col in cols[:2]:
        cells = [clean_text(t.text(r, col.index)) for r in range(n_head, t.n_rows)]
        cells = [c for c in cells if c]
        if len(cells) >= 2 and all(_YEAR_CELL.match(c) for c in cells):
            return col
    return None


def _year_rows(t: Table, ctx: TableContext, cols: list[Column], n_head: int, ycol: Column) -> list[RawObservation]:
    """One row per year; each other column is a criterion named by its header."""
    value_cols = [c for c in cols if c is not ycol and c.role not in ("stt", "rank", "change", "max", "self")]
    rank_col = next((c for c in cols if c.role == "rank"), None)
    out: list[RawObservation] = []
    for r in range(n_head, t.n_rows):
        m = _YEAR_CELL.match(clean_text(t.text(r, ycol.index)))
        if not m:
            continue
        year = int(m.group(1))
        for vc in value_cols:
            rd = _value(t, r, vc.index, ctx)
            if rd is None:
                continue
            label = clean_label(re.sub(r"\(\s*%\s*\)|\(điểm\)", "", t.text(n_head - 1, vc.index))) or vc.header
            obs = RawObservation(index=ctx.index, year=year, entity=ctx.entity, label=label, value=rd.value,
                                 unit=_unit(rd, vc.header, ctx), max=rd.max, decimals=rd.decimals,
                                 source=_source(t, r, vc.index))
            if _TOTAL_HEADER.search(label):
                obs.group = "__total__"
            if rank_col is not None and vc is value_cols[-1]:
                _attach_rank(obs, t.text(r, rank_col.index))
            out.append(obs)
    return out


_TOTAL_HEADER = re.compile(r"^(?:chỉ\s*số|điểm\s*số|tổng\s*điểm|kết\s*quả)(?:\s+(?:SIPAS|PAPI|PCI|PAR\s*INDEX|CCHC|"
                           r"cải\s*cách\s*hành\s*chính|hài\s*lòng))?(?:\s+của\s+tỉnh)?$", re.I)


def _place(header: str) -> str | None:
    h = re.sub(r"\s+", " ", header).strip(" .:()")
    if re.fullmatch(r"(?:trung\s*bình\s*|bình\s*quân\s*)?(?:cả\s*nước|toàn\s*quốc)", h, re.I):
        return "Cả nước"
    h = re.sub(r"^(?:tỉnh|thành\s*phố|tp\.?)\s+", "", h, flags=re.I)
    if not h or len(h) > 40:
        return None
    prov = resolve_province(h)
    return prov.name if prov is not None else None


def _place_table(t: Table, ctx: TableContext, cols: list[Column], n_head: int) -> list[RawObservation]:
    """Criteria down the rows, one column per place (the province, the country)."""
    label_col = next(c for c in cols if c.role == "label")
    year = ctx.report_year
    if year is None:
        return []
    out: list[RawObservation] = []
    for r in range(n_head, t.n_rows):
        label = _label_at(t, r, label_col.index)
        if not label:
            continue
        for col in (c for c in cols if c.role == "place"):
            rd = _value(t, r, col.index, ctx)
            if rd is None:
                continue
            entity = ctx.entity if col.place == ctx.entity or (ctx.entity and col.place in ctx.entity) else col.place
            out.append(RawObservation(index=ctx.index, year=year, entity=entity or "", label=label, value=rd.value,
                                      unit=_unit(rd, col.header, ctx), max=rd.max, decimals=rd.decimals,
                                      source=_source(t, r, col.index)))
    return out


def _alternating(cols: list[Column]) -> bool:
    seq = [c.role for c in cols if c.role in ("label", "year")]
    return len(seq) >= 4 and all(seq[i] == ("label" if i % 2 == 0 else "year") for i in range(len(seq)))


def _source(t: Table, r: int, c: int) -> Source:
    cell = t.cell(r, c)
    return Source(kind="table", page=cell.page if cell else t.page, table=t.number, row=r, col=c,
                  bbox=cell.bbox if cell else None, snippet=(cell.text if cell else "")[:80])


def _value(t: Table, r: int, c: int, ctx: TableContext) -> Reading | None:
    """The reading of a value cell, or None when the cell holds no figure (blank, note)."""
    cell = t.cell(r, c)
    if cell is None or cell.row != r:
        return None  # covered by a merge from above: not this row's figure
    if cell.colspan > 1 and cell.col != c:
        return None
    text = cell.text.strip()
    if not text or not re.search(r"\d", text):
        return None
    if re.search(r"[^\W\d_]{3}", text) and not _looks_numeric(text):
        return None  # a note written in a value column ("Đây là 2 hình thức …"), not a figure
    rd = _reading(text)
    if rd.ok:
        return rd
    if _looks_numeric(text) or re.fullmatch(r"[\d.,%\s+\-–/]+", text):
        ctx.flags.append((Flag("unreadable_number", f"could not read '{text}': {rd.error}", "warning"),
                          _source(t, r, c)))
    return None


def _unit(rd: Reading, header: str, ctx: TableContext) -> str | None:
    if rd.unit in ("%", "points", "count"):
        return rd.unit
    if "%" in header:
        return "%"
    if "điểm" in header:
        return "points"
    return ctx.unit


def _label_at(t: Table, r: int, c: int) -> str:
    return clean_label(t.text(r, c))


def _year_table(t: Table, ctx: TableContext, cols: list[Column], n_head: int) -> list[RawObservation]:
    year_cols = [c for c in cols if c.role == "year"]
    change_col = next((c for c in cols if c.role == "change"), None)
    label_cols = [c for c in cols if c.role == "label" and c.index < year_cols[0].index] or \
        [c for c in cols if c.role == "label"]
    crit_col = label_cols[-1]
    group_col = label_cols[0] if len(label_cols) >= 2 else None
    rank_cols = {c.year: c for c in cols if c.role == "rank"}
    out: list[RawObservation] = []
    current_group: str | None = None  # a valued un-numbered row heading numbered rows
    for r in range(n_head, t.n_rows):
        crit_cell = t.cell(r, crit_col.index)
        raw_label = crit_cell.text if crit_cell else ""
        group = None
        if group_col is not None:
            gcell = t.cell(r, group_col.index)
            if gcell is not None and gcell is not crit_cell:
                group = clean_label(gcell.text) or None
            elif gcell is crit_cell:
                raw_label = gcell.text  # a group row spanning both label columns
        label = clean_label(raw_label)
        if not label:
            continue
        numbered = bool(_NUMBERED.match(clean_text(raw_label)))
        readings = {yc.year: _value(t, r, yc.index, ctx) for yc in year_cols}
        if group_col is None:
            if not numbered and any(readings.values()):
                current_group = label
                group = None
            elif numbered:
                group = current_group
        if crit_cell is not None and crit_cell.row != r:
            continue  # label merged from the row above: its figures were read there
        change = _value(t, r, change_col.index, ctx) if change_col else None
        first_year = max(readings) if readings else None
        for yc in year_cols:
            rd = readings.get(yc.year)
            if rd is None:
                continue
            obs = RawObservation(
                index=ctx.index, year=yc.year, entity=ctx.entity, label=label, group=group,
                value=rd.value, unit=_unit(rd, yc.header, ctx), max=rd.max, decimals=rd.decimals,
                source=_source(t, r, yc.index))
            if yc.year == first_year and change is not None and len(year_cols) >= 2:
                obs.change, obs.change_decimals = change.value, change.decimals
            rc = rank_cols.get(yc.year) or (rank_cols.get(None) if yc.year == first_year else None)
            if rc is not None:
                _attach_rank(obs, t.text(r, rc.index))
            out.append(obs)
    return out


def _attach_rank(obs: RawObservation, text: str) -> None:
    text = text.strip()
    rk = read_rank(text) or (lambda m: (int(m.group(1)), int(m.group(2))) if m else None)(
        re.fullmatch(r"(\d{1,3})\s*/\s*(\d{1,3})", text))
    if rk:
        obs.rank, obs.rank_of = rk
    elif re.fullmatch(r"\d{1,3}", text):
        obs.rank = int(text)


def _paired(t: Table, ctx: TableContext, cols: list[Column], n_head: int) -> list[RawObservation]:
    out: list[RawObservation] = []
    pairs: list[tuple[Column, Column]] = []
    pending: Column | None = None
    for c in cols:
        if c.role == "label":
            pending = c
        elif c.role == "year" and pending is not None:
            pairs.append((pending, c))
            pending = None
    for r in range(n_head, t.n_rows):
        for lc, yc in pairs:
            label = _label_at(t, r, lc.index)
            rd = _value(t, r, yc.index, ctx)
            if not label or rd is None:
                continue
            out.append(RawObservation(index=ctx.index, year=yc.year, entity=ctx.entity, label=label,
                                      value=rd.value, unit=_unit(rd, yc.header, ctx), max=rd.max,
                                      decimals=rd.decimals, source=_source(t, r, yc.index)))
    return out


def _score_table(t: Table, ctx: TableContext, cols: list[Column], n_head: int) -> list[RawObservation]:
    """PAR INDEX style: Điểm chuẩn (max) | Điểm tự đánh giá | Điểm thẩm định (the value)."""
    label_col = next(c for c in cols if c.role == "label")
    max_col = next((c for c in cols if c.role == "max"), None)
    self_col = next((c for c in cols if c.role == "self"), None)
    value_cols = [c for c in cols if c.role == "value"]
    val_col = value_cols[-1] if value_cols else None
    rank_col = next((c for c in cols if c.role == "rank"), None)
    year = next((c.year for c in cols if c.year), None) or ctx.report_year
    if year is None:
        return []
    out: list[RawObservation] = []
    group: str | None = None
    for r in range(n_head, t.n_rows):
        label = _label_at(t, r, label_col.index)
        if not label:
            continue
        stt = next((t.text(r, c.index).strip() for c in cols if c.role == "stt"), "")
        mx = _value(t, r, max_col.index, ctx) if max_col else None
        for col, measure in ((val_col, "value"), (self_col, "self_assessed")):
            if col is None:
                continue
            rd = _value(t, r, col.index, ctx)
            if rd is None:
                continue
            total_row = bool(re.fullmatch(r"(tổng\s*(điểm|cộng|số)?|cộng)(\s*\(.*\))?", label, re.I))
            obs = RawObservation(index=ctx.index, year=year, entity=ctx.entity, label=label,
                                 group="__total__" if total_row else (group if not _is_area(stt, label) else None),
                                 value=rd.value, unit=_unit(rd, col.header, ctx) or "points",
                                 max=(mx.value if mx else rd.max), decimals=rd.decimals,
                                 measure=measure, source=_source(t, r, col.index))
            if rank_col is not None and measure == "value":
                _attach_rank(obs, t.text(r, rank_col.index))
            out.append(obs)
        if _is_area(stt, label):
            group = label
    return out


def _is_area(stt: str, label: str) -> bool:
    """Roman numerals or 'Lĩnh vực' rows head the criteria below them."""
    return bool(re.fullmatch(r"[IVX]+\.?", stt.strip())) or bool(re.match(r"lĩnh\s*vực", label, re.I))


def _entity_table(t: Table, ctx: TableContext, cols: list[Column], n_head: int) -> list[RawObservation]:
    """One row per agency/district: each value column is a criterion, ranks are within the province."""
    ent_col = next(c for c in cols if c.role == "entity")
    value_cols = [c for c in cols if c.role in ("value", "year")]
    rank_col = next((c for c in cols if c.role == "rank"), None)
    rows = [r for r in range(n_head, t.n_rows) if clean_label(t.text(r, ent_col.index))]
    entity_rows = [r for r in rows if any(_value(t, r, c.index, TableContext(ctx.index, "", None)) for c in value_cols)]
    # Both raw points and the index (%) for each entity: the index is the value, the points its basis.
    has_index = any(re.search(r"chỉ\s*số|%", c.header) for c in value_cols)
    measure = {c.index: ("score_points" if has_index and re.search(r"điểm", c.header)
                         and not re.search(r"chỉ\s*số|%", c.header) else "value") for c in value_cols}
    out: list[RawObservation] = []
    for r in entity_rows:
        entity = clean_label(t.text(r, ent_col.index))
        if re.match(r"(tổng|trung\s*bình|bình\s*quân)", entity, re.I):
            continue
        for vc in value_cols:
            rd = _value(t, r, vc.index, ctx)
            if rd is None:
                continue
            label = clean_label(re.sub(r"\(\s*%\s*\)|\(điểm\)", "", t.text(n_head - 1, vc.index))) or vc.header
            obs = RawObservation(index=ctx.index, year=vc.year or ctx.report_year or 0, entity=entity,
                                 label=label, value=rd.value, unit=_unit(rd, vc.header, ctx), max=rd.max,
                                 decimals=rd.decimals, source=_source(t, r, vc.index), rank_scope="province",
                                 measure=measure[vc.index])
            if _TOTAL_HEADER.search(label) and measure[vc.index] == "value":
                obs.group = "__total__"
            if rank_col is not None and vc is value_cols[-1]:
                _attach_rank(obs, t.text(r, rank_col.index))
                if obs.rank is not None and obs.rank_of is None:
                    obs.rank_of = len(entity_rows)
            out.append(obs)
    return out
