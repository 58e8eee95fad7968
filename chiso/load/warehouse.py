"""The warehouse: one transaction per document, idempotent by content hash.

- A file whose sha256 is already loaded is skipped without being parsed.
- A new version of a document (same file name, different bytes) replaces the old
  version's observations in the same transaction that loads the new ones; the old
  document row stays, marked superseded, so the history is kept.
- WAL mode and a busy timeout let several `chiso ingest` processes share a warehouse.

Opening a warehouse read-only (export, check) needs only SQLAlchemy Core: the ORM models
(sqlmodel, pydantic), the loader and the matcher behind it (loader.py) are imported by the
methods that use them, so `chiso export` does not pay for them at start-up (issue 17).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from chiso.load import dialect
from chiso.load.migrations import ensure_schema, require_current_schema
from chiso.model import FileResult, LoadInfo

if TYPE_CHECKING:
    from sqlmodel import Session

DEFAULT_DB = "sqlite:///chiso-warehouse.sqlite"


def make_engine(url: str | None = None) -> Engine:
    """SQLite (WAL, BEGIN IMMEDIATE) or PostgreSQL (psycopg 3): chiso/load/dialect.py."""
    return dialect.make_engine(url or DEFAULT_DB)


class Warehouse:
    """The warehouse behind a database URL (SQLite file by default, PostgreSQL for teams).

    `read_only=True` (export, check, show, listing the review queue) never creates or changes
    the database and takes no write lock: a missing warehouse, another application's database
    or an older schema is a WarehouseError with the reason, not a new empty warehouse.
    """

    def __init__(self, url: str | None = None, read_only: bool = False):
        self.url = url or DEFAULT_DB
        self.read_only = read_only
        self.engine = dialect.make_engine(self.url, read_only)
        if not read_only:
            _require_writable(self.url)
        # one transaction, locked (IMMEDIATE on SQLite, an advisory lock on PostgreSQL): processes
        # starting together do not race on DDL; the schema version is checked (migrations.py)
        try:
            with dialect.opened(self.engine) as conn:
                if read_only:
                    require_current_schema(conn)
                else:
                    from chiso.load.loader import sync_catalogue

                    ensure_schema(conn)
                    sync_catalogue(conn)
        except DBAPIError as e:  # a file that is no database, a server that refuses: one line, no traceback
            reason = str(e.orig).strip().splitlines()[0] if e.orig is not None else str(e).splitlines()[0]
            raise dialect.WarehouseError(f"cannot use {dialect.safe_url(self.url)} as a warehouse: {reason}") from None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """An ORM session (sqlmodel) on the warehouse, for the tables of chiso/load/schema.py."""
        from sqlmodel import Session

        with Session(self.engine) as s:
            yield s

    # --- runs -------------------------------------------------------------------------------
    def start_run(self, args: str) -> int:
        from chiso.load.schema import IngestRun

        with self.session() as s:
            run = IngestRun(args=args)
            s.add(run)
            s.commit()
            return run.id  # type: ignore[return-value]

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        from chiso.load.schema import IngestRun, now

        with self.session() as s:
            run = s.get(IngestRun, run_id)
            if run is None:
                return
            run.finished_at = now()
            run.n_files = counts.get("files", 0)
            run.n_loaded = counts.get("loaded", 0)
            run.n_unchanged = counts.get("skipped_unchanged", 0)
            run.n_failed = counts.get("failed", 0)
            s.add(run)
            s.commit()

    def record_outcome(self, run_id: int, path: str, sha256: str | None, status: str,
                       reason: str | None = None, code: str | None = None, n_obs: int = 0,
                       seconds: float = 0.0) -> None:
        from chiso.load.schema import FileOutcome

        with self.session() as s:
            s.add(FileOutcome(run_id=run_id, path=path, sha256=sha256, status=status, reason=reason,
                              reason_code=code, observations=n_obs, seconds=round(seconds, 4)))
            s.commit()

    def flag_rows(self) -> list[tuple]:
        """Every flag of the current documents with its document: (flag, document), by file."""
        from sqlmodel import select

        from chiso.load import schema
        from chiso.load.schema import Document

        with self.session() as s:
            return list(s.exec(select(schema.Flag, Document).join(Document, Document.id == schema.Flag.document_id)
                               .where(Document.status == "current").order_by(Document.source_file,
                                                                            schema.Flag.id)).all())

    # --- documents --------------------------------------------------------------------------
    def known_hashes(self) -> set[str]:
        from sqlmodel import select

        from chiso.load.schema import Document

        with self.session() as s:
            return set(s.exec(select(Document.sha256).where(Document.status == "current")).all())

    def aliases(self) -> dict[tuple[str, str, str], str]:
        from sqlmodel import select

        from chiso.load.schema import Alias

        with self.session() as s:
            return {(a.index, a.key, a.context): a.target for a in s.exec(select(Alias)).all()}

    def load(self, result: FileResult) -> int | None:
        """Load one interpreted document; the number of observations written, None when its bytes are
        already current (another process loaded them meanwhile)."""
        info = self.load_document(result)
        return None if info is None else info.observations

    def load_document(self, result: FileResult) -> LoadInfo | None:
        """Load one interpreted document in one transaction, replacing the versions it supersedes
        (chiso/load/loader.py); reviewed aliases decided since it was read are applied first."""
        from chiso.load.loader import load_document

        return load_document(self.engine, result)


def _require_writable(url: str) -> None:
    """A warehouse file this process may not write (its permissions, a read-only disk) is refused when
    opened: SQLite opens it read-only without a word and fails only at the first write."""
    path = dialect.sqlite_path(url) if dialect.is_sqlite(url) else None
    if path is not None and path.is_file() and not os.access(path, os.W_OK):
        raise dialect.WarehouseError(f"cannot write to the warehouse {path}: the file is read-only (its "
                                     "permissions, or a read-only disk)")
