"""Observations as interpretation produces them, before catalogue matching and loading."""

from __future__ import annotations

from dataclasses import dataclass, field

INDICES = ("SIPAS", "PAR_INDEX", "PAPI", "PCI")


@dataclass
class Source:
    """Where a value was printed: enough to find it again in the file."""

    kind: str  # table | text | footnote
    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    block: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    snippet: str = ""

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


@dataclass
class Flag:
    code: str
    message: str
    severity: str = "warning"  # info | warning | error


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
    rank_scope: str = "national"  # national | province (ranking of agencies/districts)
    decimals: int = 2
    change: float | None = None  # printed change vs previous year (a check, not a value)
    change_decimals: int = 2
    measure: str = "value"  # value | self_assessed | score_points
    survey: str | None = None  # "provincial": from the province's own survey, not the national one
    is_total: bool = False  # the index itself (set from the "__total__" group marker at the end of interpretation)
    criterion: str | None = None  # canonical code, set by matching
    match_score: float | None = None
    flags: list[Flag] = field(default_factory=list)
    also_at: list[Source] = field(default_factory=list)


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


@dataclass
class Interpretation:
    meta: DocumentMeta
    observations: list[RawObservation]
    flags: list[tuple[Flag, Source | None]] = field(default_factory=list)  # document-level findings
