"""Reading one table cell: its figure (or why not), its unit, its place in the file, a rank."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chiso.interpret.tables.columns import WORD, looks_numeric
from chiso.model import Flag, RawObservation, Source, Table
from chiso.normalize.numbers import Reading, read_number, read_rank
from chiso.normalize.text import clean_label

_TOTAL_HEADER = re.compile(r"^(?:chỉ\s*số|điểm\s*số|tổng\s*điểm|kết\s*quả)(?:\s+(?:SIPAS|PAPI|PCI|PAR\s*INDEX|CCHC|"
                           r"cải\s*cách\s*hành\s*chính|hài\s*lòng))?(?:\s+của\s+tỉnh)?$", re.I)

_BARE_RESULT = re.compile(r"^kết\s*quả$", re.I)


_DIGIT = re.compile(r"\d")
_FIGURE_CHARS = re.compile(r"[\d.,%\s+\-–/]+")
_UNIT_ASIDE = re.compile(r"\(\s*%\s*\)|\(điểm\)")
_RANK_OF = re.compile(r"(\d{1,3})\s*/\s*(\d{1,3})")
_BARE_RANK = re.compile(r"\d{1,3}")


@dataclass
class TableContext:
    """What a table's figures are about when its cells do not say: set by the document reader."""

    index: str  # index family the table reports
    entity: str  # whom the document's own figures are about
    report_year: int | None
    heading: str = ""  # nearest heading before the table
    unit: str | None = None  # default unit for the index
    flags: list[tuple[Flag, Source]] = field(default_factory=list)  # findings (out: appended by the readers)


def source(t: Table, r: int, c: int) -> Source:
    """The cell's place, and for a scan the OCR confidence of the figure it holds (`Cell.ocr_confidence`)."""
    cell = t.cell(r, c)
    return Source(kind="table", page=cell.page if cell else t.page, table=t.number, row=r, col=c,
                  bbox=cell.bbox if cell else None, snippet=(cell.text if cell else "")[:80],
                  ocr_confidence=cell.ocr_confidence if cell else None)


def value(t: Table, r: int, c: int, ctx: TableContext) -> Reading | None:
    """The reading of a value cell, or None when the cell holds no figure (blank, note, merge)."""
    cell = t.cell(r, c)
    if cell is None or cell.row != r:
        return None  # covered by a merge from above: not this row's figure
    if cell.colspan > 1 and cell.col != c:
        return None
    text = cell.text.strip()
    if not text or not _DIGIT.search(text):
        return None
    if WORD.search(text) and not looks_numeric(text):
        return None  # a note written in a value column ("Đây là 2 hình thức …"), not a figure
    rd = read_number(text, prefer_decimal=True)
    if rd.ok:
        return rd
    if looks_numeric(text) or _FIGURE_CHARS.fullmatch(text):
        ctx.flags.append((Flag("unreadable_number", f"could not read '{text}': {rd.error}", "warning"),
                          source(t, r, c)))
    return None


def unit_of(rd: Reading, header: str, ctx: TableContext) -> str | None:
    if rd.unit in ("%", "points", "count"):
        return rd.unit
    if "%" in header and "điểm" in header:
        return ctx.unit  # "Điểm/%": a column of several indices, each in its own unit
    if "%" in header:
        return "%"
    if "điểm" in header:
        return "points"
    return ctx.unit


def label_at(t: Table, r: int, c: int) -> str:
    return clean_label(t.text(r, c))


def header_label(t: Table, n_head: int, c: int, fallback: str) -> str:
    """A value column's header as the criterion label ("Chỉ số CCHC (%)" → "Chỉ số CCHC")."""
    return clean_label(_UNIT_ASIDE.sub("", t.text(n_head - 1, c))) or fallback


def names_total(label: str, alone: bool = True) -> bool:
    """A column or row headed by the index itself ("Chỉ số", "Tổng điểm", "Kết quả SIPAS").

    A bare "Kết quả" is the index only where it is the table's one figure (`alone`): beside other
    figures ('Tiếp cận dịch vụ | Thủ tục hành chính | Công chức | Kết quả | … | Chỉ số hài lòng
    chung', a satisfaction survey of agencies) it is the group "Kết quả dịch vụ"."""
    if not alone and _BARE_RESULT.match(label):
        return False
    return bool(_TOTAL_HEADER.search(label))


def attach_rank(obs: RawObservation, text: str) -> None:
    text = text.strip()
    rk = read_rank(text)
    if rk is None and (m := _RANK_OF.fullmatch(text)):
        rk = int(m.group(1)), int(m.group(2))
    if rk:
        obs.rank, obs.rank_of = rk
    elif _BARE_RANK.fullmatch(text):
        obs.rank = int(text)
