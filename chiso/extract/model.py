"""What the readers hand to interpretation: text blocks and tables with provenance.

Both formats end up in the same shape so that one interpreter serves PDF and DOCX:
a document is a list of blocks in reading order; a table is a grid in which a merged
cell is one `Cell` object referenced from every position it covers (its origin knows
its span), so nothing downstream has to guess whether repeated text is a merge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]


@dataclass
class Cell:
    text: str
    row: int  # origin row in the table grid
    col: int  # origin column
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None
    bbox: BBox | None = None


@dataclass
class Table:
    number: int  # 1-based order of the table in the document
    grid: list[list[Cell | None]]
    page: int | None = None  # first page the table is on
    pages: list[int] = field(default_factory=list)
    bbox: BBox | None = None

    @property
    def n_rows(self) -> int:
        return len(self.grid)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.grid), default=0)

    def cell(self, r: int, c: int) -> Cell | None:
        row = self.grid[r]
        return row[c] if c < len(row) else None

    def text(self, r: int, c: int) -> str:
        cell = self.cell(r, c)
        return cell.text if cell else ""

    def is_origin(self, r: int, c: int) -> bool:
        cell = self.cell(r, c)
        return cell is not None and cell.row == r and cell.col == c


@dataclass
class TextBlock:
    text: str
    number: int  # 1-based order among the document's text blocks
    page: int | None = None
    bbox: BBox | None = None
    kind: str = "paragraph"  # paragraph | footnote | header
    emphasis: bool = False  # set in bold or a heading style: a heading when it states no figure


@dataclass
class ExtractedDocument:
    path: str
    sha256: str
    format: str  # pdf | docx
    blocks: list[TextBlock | Table]
    pages: int | None = None
    title: str | None = None  # file metadata title, when present
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def texts(self) -> list[TextBlock]:
        return [b for b in self.blocks if isinstance(b, TextBlock)]


class ExtractionError(Exception):
    """A file that cannot be read, with a reason a person can act on."""

    def __init__(self, reason: str, code: str = "damaged"):
        super().__init__(reason)
        self.reason = reason
        self.code = code
