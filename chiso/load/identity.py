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

from sqlalchemy import and_, delete, select, update
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


def predecessors(conn: Connection, source_key: str, meta: DocumentMeta, sha256: str, fmt: str) -> list[Replaced]:
    """Current documents the new version replaces: at its path, or the same numbered document elsewhere in
    the same format (a DOCX and the PDF made from it are two renditions, both kept)."""
    at_path = conn.execute(select(Document.id, Document.source_key, Document.sha256).where(
        Document.source_key == source_key, Document.status == "current", Document.sha256 != sha256)).all()
    out = [Replaced(r.id, r.source_key, r.sha256, f"new version at {source_key}") for r in at_path]
    if not out and same_document_by_metadata(meta):
        same = conn.execute(select(Document.id, Document.source_key, Document.sha256).where(and_(
            Document.issuer == meta.issuer, Document.doc_type == meta.doc_type, Document.number == meta.number,
            Document.date == meta.date, Document.status == "current", Document.sha256 != sha256,
            Document.source_kind == meta.source_kind, Document.format == fmt))).all()
        out = [Replaced(r.id, r.source_key, r.sha256, f"the same document ({meta.number}, {meta.date}) "
                                                         f"now at {source_key}") for r in same]
    return out


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
    row = conn.execute(select(Document.id, Document.status, Document.source_key).where(
        Document.sha256 == sha256)).first()
    return (row.id, row.status, row.source_key) if row else None
