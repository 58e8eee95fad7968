"""The pieces a borderless table is rebuilt from: lines, columns, regions, line pieces per column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chiso.extract.pdf_words import join_words

NUMBER = re.compile(r"^[+\-–−]?\d{1,3}(?:[.,]\d{3})*(?:[.,]\d+)?\s*%?$|^[+\-–−]?\d+(?:[.,]\d+)?%?$"
                     r"|^\d{1,3}(?:[.,]\d+)?/\d{1,3}(?:[.,]\d+)?$")
YEAR = re.compile(r"^(?:19|20)\d\d$")
NUMBERED = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.,)]|[a-zđ]\)|[IVX]{1,5}\.|[-+•–])(?:\s|$|(?=[A-ZĐÀ-Ỹ]))")


@dataclass
class Line:
    words: list[dict]
    top: float
    bottom: float
    baseline: float
    size: float
    numbers: list[dict] = field(default_factory=list)  # words that stand alone as numbers

    @property
    def x0(self) -> float:
        return min(w["x0"] for w in self.words)

    @property
    def x1(self) -> float:
        return max(w["x1"] for w in self.words)


@dataclass
class Column:
    x0: float
    x1: float
    numeric: bool

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Region:
    lines: list[Line]
    header: list[Line]
    body: list[Line]
    anchors: list[Line]  # the value lines, one per row




def column_of(word: dict, cols: list[Column]) -> int:
    mid = (word["x0"] + word["x1"]) / 2
    for k, c in enumerate(cols):
        if c.x0 - 1 <= mid <= c.x1 + 1:
            return k
    return min(range(len(cols)), key=lambda k: abs(cols[k].centre - mid))


@dataclass
class Piece:
    """The words of one line inside one column."""

    line: Line
    words: list[dict]

    @property
    def text(self) -> str:
        return join_words(self.words)

    @property
    def y(self) -> float:
        return self.line.baseline


def pieces_by_column(lines: list[Line], cols: list[Column]) -> dict[int, list[Piece]]:
    out: dict[int, list[Piece]] = {k: [] for k in range(len(cols))}
    for ln in lines:
        by_col: dict[int, list[dict]] = {}
        for w in ln.words:
            by_col.setdefault(column_of(w, cols), []).append(w)
        for k, ws in by_col.items():
            out[k].append(Piece(ln, ws))
    return out


