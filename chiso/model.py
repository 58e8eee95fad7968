"""The shared model: what each stage hands to the next.

Every stage may import this module and no stage imports a stage above it (dlt keeps its
`ExtractInfo`/`NormalizeInfo`/`LoadInfo` in one common module the same way). Readers
produce an `ExtractedDocument` (text blocks and tables with provenance, the same shape for
PDF, DOCX and OCR), interpretation turns it into an `Interpretation` (document metadata
and `RawObservation`s), matching and checks annotate those, and the loader writes them.

A merged table cell is one `Cell` object referenced from every grid position it covers
(its origin knows its span), so nothing downstream has to guess whether repeated text is
a merge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# The closed vocabularies the stages hand each other (one home; the warehouse stores them as text).
TableOrigin = Literal["", "docx", "ruled", "borderless", "masthead", "sheet"]
BlockKind = Literal["paragraph", "footnote", "header"]
SourceKind = Literal["table", "text", "footnote", "sheet"]
Severity = Literal["info", "warning", "error"]
RankScope = Literal["national", "province"]
Measure = Literal["value", "self_assessed", "score_points"]
DocumentKind = Literal["report", "national_dataset"]

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
    ocr_confidence: float | None = None  # scans: the lowest OCR confidence (0–100) of its words holding a digit


@dataclass
class Table:
    number: int  # 1-based order of the table in the document
    grid: list[list[Cell | None]]
    page: int | None = None  # first page the table is on
    pages: list[int] = field(default_factory=list)
    bbox: BBox | None = None
    origin: TableOrigin = ""  # how it was found ("" before a reader says)
    col_x: list[tuple[float, float]] | None = None  # column extents (borderless: to join page parts)
    sheet: str | None = None  # worksheet name: a spreadsheet gives one Table per sheet

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
    kind: BlockKind = "paragraph"
    emphasis: bool = False  # set in bold or a heading style: a heading when it states no figure
    # scans: each number's digits → the lowest OCR confidence it was read with (None: a text layer);
    # sentence readers give a value the confidence of its snippet's numbers (extract/ocr_numbers.py)
    ocr_numbers: dict[str, float] | None = None


@dataclass
class ExtractedDocument:
    path: str
    sha256: str
    format: str  # pdf | docx | xlsx | xls | csv
    blocks: list[TextBlock | Table]
    pages: int | None = None
    title: str | None = None  # file metadata title, when present
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    # why the file is damaged though it opened (extract/integrity.py; [] = sound, or a format not checked):
    # its values are flagged damaged_source and lose the best-value rule to a sound document's
    damage: list[str] = field(default_factory=list)

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


INDICES = ("SIPAS", "PAR_INDEX", "PAPI", "PCI")


@dataclass
class Source:
    """Where a value was printed: enough to find it again in the file."""

    kind: SourceKind  # sheet: a spreadsheet cell
    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    block: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    snippet: str = ""
    sheet: str | None = None  # worksheet name (kind "sheet"; row/col are 0-based: row 0, col 0 is A1)
    reader: str | None = None  # the table layout or sentence construction that read it
    ocr_confidence: float | None = None  # scans: lowest OCR confidence (0–100) of the digits it was read from

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


@dataclass
class Flag:
    code: str
    message: str
    severity: Severity = "warning"


@dataclass
class RawObservation:
    index: str
    year: int
    entity: str
    label: str
    value: float
    unit: str | None
    source: Source
    group: str | None = None  # enclosing group/area/dimension label as printed
    max: float | None = None
    rank: int | None = None
    rank_of: int | None = None
    rank_scope: RankScope = "national"  # province: a ranking of agencies/districts
    decimals: int = 2
    change: float | None = None  # printed change vs previous year (a check, not a value)
    change_decimals: int = 2
    measure: Measure = "value"
    survey: str | None = None  # "provincial": from the province's own survey, not the national one
    is_total: bool = False  # the index itself, not one of its criteria
    criterion: str | None = None  # canonical code, set by matching
    match_score: float | None = None
    responsible: str | None = None  # the agency a scoring table names as responsible (not the entity)
    number: str | None = None  # the criterion's number as printed (STT "6.1.1"), for sentences that cite it
    year_stated: bool = True  # False: the year is the document's report year, not printed with the value
    flags: list[Flag] = field(default_factory=list)
    also_at: list[Source] = field(default_factory=list)
    stated_elsewhere: list[float] = field(default_factory=list)  # other figures printed for this fact (flagged)


@dataclass
class DocumentMeta:
    province: str | None = None
    issuer: str | None = None
    doc_type: str | None = None
    number: str | None = None
    date: str | None = None
    report_year: int | None = None
    draft: bool = False
    indices: list[str] = field(default_factory=list)
    title: str = ""
    subject: str | None = None  # entity the document's own figures are about
    primary_index: str | None = None
    source_kind: DocumentKind = "report"
    year_source: str = ""  # where report_year came from: title | subject | date | '' (unknown)


@dataclass
class Interpretation:
    meta: DocumentMeta
    observations: list[RawObservation]
    flags: list[tuple[Flag, Source | None]] = field(default_factory=list)  # document-level findings
    table_layouts: dict[int, str | None] = field(default_factory=dict)  # table number → layout that read it
    coverage: Coverage | None = None  # which printed numbers were understood


@dataclass
class Unexplained:
    """A number printed in the document that became neither a value nor a known non-value."""

    text: str
    context: str  # its sentence or cell
    source: Source


@dataclass
class Coverage:
    n_numbers: int = 0  # numbers printed in the text and tables
    unexplained: list[Unexplained] = field(default_factory=list)

    @property
    def share_unexplained(self) -> float:
        return len(self.unexplained) / self.n_numbers if self.n_numbers else 0.0


@dataclass(frozen=True)
class ReviewRequest:
    """A label matched with middling confidence: a person decides which criterion it is (chiso review)."""

    index: str
    label: str
    group: str | None
    candidates: tuple[tuple[str, str, float], ...]  # (code, name, score), best first


@dataclass
class FileResult:
    path: str
    sha256: str | None
    format: str | None = None
    pages: int | None = None
    interpretation: Interpretation | None = None
    error: str | None = None
    error_code: str | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    unchanged: bool = False  # same bytes already in the warehouse: not parsed
    source_key: str | None = None  # the file's place: its path below the folder given to ingest
    mtime: float | None = None  # the file's modification time (s): the newer of two copies of a document wins
    stats: dict[str, int] = field(default_factory=dict)
    review: list[ReviewRequest] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and self.interpretation is not None


@dataclass
class LoadInfo:
    """What loading one document did: its row, the values written, the versions it replaced."""

    document_id: int
    observations: int
    replaced: list = field(default_factory=list)  # chiso.load.identity.Replaced
    reinstated: bool = False  # its bytes were an older version, current again (a revert)
    kept_out_by: object | None = None  # Replaced: a newer copy of the same document is current; none loaded


class ChisoError(Exception):
    """A request chiso cannot carry out, with a reason a person can act on (shown without a traceback).

    `exit_code` is the command's exit status: 2 for bad usage or an unusable warehouse.
    """

    exit_code = 2
