"""Which stored document a newly read file is: a document's identity and history.

A document is its content (sha256) found at a place (its path below the folder given to
ingest, `source_key`). A new version replaces an old one only when they are the same
document: new bytes at the same path, or — for a file renamed and edited — the same issuer,
kind, number and date. The bytes at a path at the last ingest are the current version there,
so putting old bytes back (a revert) makes the old version current again. Files of the same
name in different folders are different documents. Every replacement is recorded on the old
row (`superseded_by`, `supersede_reason`) and reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import Connection

from chiso.load import schema
from chiso.load.schema import Document, Observation
from chiso.model import DocumentMeta


def source_key(path: Path, roots: Sequence[Path]) -> str:
    """A file's place: its path below the folder given to ingest, with that folder's name (the same
    on every machine whatever the share is mounted as); a file given by itself, its path as given."""
    for root in roots:
        try:
            rel = path.resolve().relative_to(root.resolve())
        except (ValueError, OSError):
            continue
        if root.is_dir():
            return f"{root.resolve().name}/{rel.as_posix()}"
    return Path(path).as_posix()


@dataclass(frozen=True)
class Replaced:
    document_id: int
    source_key: str
    sha256: str
    reason: str


def same_document_by_metadata(meta: DocumentMeta) -> bool:
    """Metadata names a document only when it has a number (drafts and unnumbered letters do not)."""
    return bool(meta.issuer and meta.doc_type and meta.number and meta.date)


def _plainly_differ(row, meta: DocumentMeta) -> bool:  # noqa: ANN001
    """Two documents whose metadata name different things (province, indices, number) are two documents
    even at the same place (`2019/report.pdf` of two folders both named 2019)."""
    pairs = [(row.province, meta.province), (row.number, meta.number), (row.indices, ";".join(meta.indices))]
    return any(a and b and a != b for a, b in pairs)


def _newer(a: tuple[float | None, str], b: tuple[float | None, str]) -> bool:
    """Is copy a (file time, place) newer than copy b? Time first (a renamed and edited file is newer); the
    place breaks ties, so that the current copy does not depend on the order files were read in."""
    return ((a[0] or 0), a[1]) > ((b[0] or 0), b[1])


@dataclass(frozen=True)
class Placement:
    """Where a new version goes: the current documents it replaces, or the newer copy that keeps it out."""

    replaces: list[Replaced]
    kept_out_by: Replaced | None = None


# built once with bound parameters (a query built per call cost more Python than the query itself)
_COLUMNS = (Document.id, Document.source_key, Document.sha256, Document.province, Document.number,
            Document.indices, Document.file_mtime)
_AT_PATH = select(*_COLUMNS).where(Document.source_key == bindparam("source_key"), Document.status == "current",
                                   Document.sha256 != bindparam("sha256"))
_SAME_NUMBERED = select(*_COLUMNS).where(
    Document.issuer == bindparam("issuer"), Document.doc_type == bindparam("doc_type"),
    Document.number == bindparam("number"), Document.date == bindparam("date"), Document.status == "current",
    Document.sha256 != bindparam("sha256"), Document.source_kind == bindparam("source_kind"),
    Document.format == bindparam("format"))
_BY_SHA256 = select(Document.id, Document.status, Document.source_key).where(Document.sha256 == bindparam("sha256"))


def place_version(conn: Connection, source_key: str, meta: DocumentMeta, sha256: str, fmt: str,
                  mtime: float | None) -> Placement:
    """The new version's place in the history: at its path it replaces the current bytes there (the file
    on disk is the truth of its place, so old bytes put back are a revert); the same numbered document
    elsewhere in the same format is one document too (a DOCX and the PDF made from it are two renditions,
    both kept), and of its copies the newest file is current, whatever order they were read in."""
    at_path = conn.execute(_AT_PATH, {"source_key": source_key, "sha256": sha256}).all()
    out = [Replaced(r.id, r.source_key, r.sha256, f"new version at {source_key}") for r in at_path
           if not _plainly_differ(r, meta)]
    if out or not same_document_by_metadata(meta):
        return Placement(out)
    same = conn.execute(_SAME_NUMBERED, {"issuer": meta.issuer, "doc_type": meta.doc_type, "number": meta.number,
                                         "date": meta.date, "sha256": sha256, "source_kind": meta.source_kind,
                                         "format": fmt}).all()
    reason = f"the same document ({meta.number}, {meta.date})"
    newer = [r for r in same if _newer((r.file_mtime, r.source_key), (mtime, source_key))]
    if newer:
        r = max(newer, key=lambda r: ((r.file_mtime or 0), r.source_key))
        return Placement([], Replaced(r.id, r.source_key, r.sha256, f"{reason}: a newer copy is at {r.source_key}"))
    return Placement([Replaced(r.id, r.source_key, r.sha256, f"{reason} now at {source_key}") for r in same])


def supersede(conn: Connection, replaced: list[Replaced], by: int) -> None:
    """Old versions keep their document row (history); their values and flags leave the warehouse."""
    ids = [r.document_id for r in replaced]
    if not ids:
        return
    conn.execute(delete(schema.Flag).where(schema.Flag.document_id.in_(ids)))
    conn.execute(delete(Observation).where(Observation.document_id.in_(ids)))
    for r in replaced:
        conn.execute(update(Document).where(Document.id == r.document_id).values(
            status="superseded", superseded_by=by, supersede_reason=r.reason))


def stored_version(conn: Connection, sha256: str) -> tuple[int, str, str] | None:
    """(id, status, source_key) of the row holding these bytes, if any."""
    row = conn.execute(_BY_SHA256, {"sha256": sha256}).first()
    return (row.id, row.status, row.source_key) if row else None
