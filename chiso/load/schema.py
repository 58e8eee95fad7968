"""Warehouse tables (sqlmodel). One row per published value, with its provenance and flags."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def now() -> datetime:
    return datetime.now(UTC)


class IngestRun(SQLModel, table=True):
    __tablename__ = "ingest_run"
    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=now)
    finished_at: datetime | None = None
    args: str = ""
    n_files: int = 0
    n_loaded: int = 0
    n_unchanged: int = 0
    n_failed: int = 0


class FileOutcome(SQLModel, table=True):
    """What happened to each file in each run: loaded, skipped-unchanged or failed (and why)."""

    __tablename__ = "file_outcome"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="ingest_run.id", index=True)
    path: str
    sha256: str | None = Field(default=None, index=True)
    status: str  # loaded | skipped_unchanged | failed
    reason: str | None = None
    reason_code: str | None = None
    observations: int = 0
    seconds: float = 0.0
    at: datetime = Field(default_factory=now)


class Document(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(index=True, unique=True)
    source_file: str = Field(index=True)  # file name: a new version keeps the name
    source_path: str = ""
    source_key: str = Field(default="", index=True)  # path below the folder given to ingest: the document's place
    format: str = ""
    pages: int | None = None
    province: str | None = None
    issuer: str | None = None
    doc_type: str | None = None
    number: str | None = None
    date: str | None = None
    indices: str = ""
    report_year: int | None = None
    draft: bool = False
    title: str = ""
    source_kind: str = "report"  # report | national_dataset
    n_numbers: int | None = None  # numbers printed in the document's text and tables
    n_unexplained: int | None = None  # of those, neither an observation nor a known non-observation
    status: str = Field(default="current", index=True)  # current | superseded
    superseded_by: int | None = None
    supersede_reason: str | None = None  # why a newer version replaced it
    file_mtime: float | None = None  # the file's modification time when read (which copy is newer)
    loaded_at: datetime = Field(default_factory=now)


class Observation(SQLModel, table=True):
    # a fact's values in other documents (the loader's cross-source question, asked for every document):
    # found by criterion, entity and year together, not by scanning a whole year of the warehouse
    __table_args__ = (Index("ix_observation_fact", "criterion", "entity", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default="", index=True)  # stable id: the same for the same document ingested again
    document_id: int = Field(foreign_key="document.id", index=True)
    index: str = Field(index=True)
    year: int = Field(index=True)
    province: str | None = None
    entity: str = Field(index=True)
    criterion: str | None = None  # indexed first in ix_observation_fact (a prefix serves criterion alone)
    series: str | None = Field(default=None, index=True)  # newest code of the criterion (crosswalk)
    label: str = ""
    group_label: str | None = None
    value: float
    unit: str | None = None
    max: float | None = None
    rank: int | None = None
    rank_of: int | None = None
    rank_scope: str = "national"
    measure: str = "value"
    decimals: int = 2
    change: float | None = None
    source_kind: str = ""
    page: int | None = None
    table_no: int | None = None
    row_no: int | None = None
    col_no: int | None = None
    block_no: int | None = None
    bbox: str | None = None
    provenance: str = ""  # JSON: every place the value is printed
    match_score: float | None = None
    responsible: str | None = None  # agency named responsible in a scoring table
    flags: str = ""  # ';'-separated flag codes
    ocr_confidence: float | None = None  # scans: lowest OCR confidence (0–100) of its digits; None: text layer


class Flag(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    observation_id: int | None = Field(default=None, index=True)
    code: str = Field(index=True)
    severity: str = "warning"  # info | warning | error
    message: str = ""
    page: int | None = None
    context: str = ""  # JSON provenance


class Criterion(SQLModel, table=True):
    """The canonical catalogue, copied from db/ so that SQL users can join on it."""

    id: int | None = Field(default=None, primary_key=True)
    index: str = Field(index=True)
    period: str = ""
    code: str = Field(index=True)
    parent: str | None = None
    level: str = ""
    name: str = ""
    unit: str | None = None
    max: float | None = None


class Entity(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    kind: str = ""  # province | agency | district | city | national
    province: str | None = None
    canonical: str | None = None


class Alias(SQLModel, table=True):
    """A reviewed decision: this label (match key) in this context means that code."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = "criterion"
    index: str = ""
    key: str = Field(index=True)
    context: str = ""
    target: str = ""  # canonical code, or '' for "not a catalogued criterion"
    decided_by: str = ""
    decided_at: datetime = Field(default_factory=now)


class ReviewItem(SQLModel, table=True):
    __tablename__ = "review_item"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = "criterion"
    index: str = ""
    key: str = Field(index=True)
    context: str = ""
    label: str = ""
    candidates: str = ""  # JSON [[code, name, score], ...]
    status: str = Field(default="open", index=True)  # open | decided
    document_id: int | None = None
    created_at: datetime = Field(default_factory=now)


# --- shared warehouse: schema version, file claims (chiso/load/migrations.py, chiso/load/claims.py) ----
class Meta(SQLModel, table=True):
    """chiso's own facts about the database: `schema_version` (migrations.SCHEMA_VERSION), `views`
    (hash of the view definitions), `catalogue` (hash of the criteria the `criterion` table holds).
    Its presence is what marks a database as a chiso warehouse."""

    __tablename__ = "chiso_meta"
    key: str = Field(primary_key=True)
    value: str = ""


class Claim(SQLModel, table=True):
    """One file of a shared backfill (PostgreSQL): who reads it, until when, and how it ended.

    A file version is (key, size, mtime): `key` is the path below the folder given to `chiso ingest`,
    so machines that mount the shared folder at different places claim the same rows."""

    __table_args__ = (UniqueConstraint("key", "size", "mtime", name="uq_claim_file"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    mtime: int = Field(sa_column=Column(BigInteger, nullable=False))  # whole seconds
    path: str = ""  # the path as the last claimant saw it
    status: str = Field(default="pending", index=True)  # pending | working | done
    claimant: str | None = None  # host:pid
    attempts: int = 0  # how many claimants took it (more than 1: a lease expired)
    lease_until: datetime | None = None  # server time (UTC)
    outcome: str | None = None  # loaded | skipped_unchanged | failed
    reason: str | None = None
    sha256: str | None = Field(default=None, index=True)
    run_id: int | None = None  # the claimant's ingest_run
    claimed_at: datetime | None = None
    finished_at: datetime | None = None
