"""The SQLite warehouse: one transaction per document, idempotent by content hash.

- A file whose sha256 is already loaded is skipped without being parsed.
- A new version of a document (same file name, different bytes) replaces the old
  version's observations in the same transaction that loads the new ones; the old
  document row stays, marked superseded, so the history is kept.
- WAL mode and a busy timeout let several `chiso ingest` processes share a warehouse.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import insert, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from chiso.checks.cross_source import CODE as CROSS_SOURCE
from chiso.checks.cross_source import Conflicts, StoredValue, extend_message, find_conflicts
from chiso.db.catalogue import catalogue, criteria_version, criterion_rows
from chiso.load import dialect, schema
from chiso.load.identity import Replaced, place_version, stored_version, supersede
from chiso.load.migrations import ensure_schema, read_meta, require_current_schema, write_meta
from chiso.load.schema import Alias, Document, FileOutcome, IngestRun, Observation, ReviewItem, now
from chiso.match.entities import classify
from chiso.match.matching import alias_key, apply_aliases
from chiso.model import FileResult, LoadInfo, RawObservation
from chiso.model import Flag as RawFlag

DEFAULT_DB = "sqlite:///chiso-warehouse.sqlite"
CATALOGUE_META = "catalogue"  # chiso_meta key: the criteria_version() the criterion table holds


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
                    ensure_schema(conn)
                    _sync_catalogue(conn)
        except DBAPIError as e:  # a file that is no database, a server that refuses: one line, no traceback
            reason = str(e.orig).strip().splitlines()[0] if e.orig is not None else str(e).splitlines()[0]
            raise dialect.WarehouseError(f"cannot use {dialect.safe_url(self.url)} as a warehouse: {reason}") from None

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine) as s:
            yield s

    # --- runs -------------------------------------------------------------------------------
    def start_run(self, args: str) -> int:
        with self.session() as s:
            run = IngestRun(args=args)
            s.add(run)
            s.commit()
            return run.id  # type: ignore[return-value]

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
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
        with self.session() as s:
            s.add(FileOutcome(run_id=run_id, path=path, sha256=sha256, status=status, reason=reason,
                              reason_code=code, observations=n_obs, seconds=round(seconds, 4)))
            s.commit()

    def flag_rows(self) -> list[tuple]:
        """Every flag of the current documents with its document: (flag, document), by file."""
        with self.session() as s:
            return list(s.exec(select(schema.Flag, Document).join(Document, Document.id == schema.Flag.document_id)
                               .where(Document.status == "current").order_by(Document.source_file,
                                                                            schema.Flag.id)).all())

    # --- documents --------------------------------------------------------------------------
    def known_hashes(self) -> set[str]:
        with self.session() as s:
            return set(s.exec(select(Document.sha256).where(Document.status == "current")).all())

    def aliases(self) -> dict[tuple[str, str, str], str]:
        with self.session() as s:
            return {(a.index, a.key, a.context): a.target for a in s.exec(select(Alias)).all()}

    def load(self, result: FileResult) -> int | None:
        """Load one interpreted document; the number of observations written, None when its bytes are
        already current (another process loaded them meanwhile)."""
        info = self.load_document(result)
        return None if info is None else info.observations

    def load_document(self, result: FileResult) -> LoadInfo | None:
        """Load one interpreted document in one transaction, replacing the versions it supersedes.

        Matching and checks were done by the worker; here reviewed aliases decided since are
        applied, conflicts with other documents are found, and rows are written in bulk.
        """
        assert result.interpretation is not None and result.sha256
        interp = result.interpretation
        key = result.source_key or Path(result.path).name
        aliases = self.aliases()
        if aliases:
            apply_aliases(interp, aliases)
        with Session(self.engine) as s, s.begin():
            conn = s.connection()
            dialect.serialize_load(conn)  # PostgreSQL: one load at a time across machines (dialect.py)
            stored = stored_version(conn, result.sha256)
            if stored is not None and stored[1] == "current":
                return None  # loaded meanwhile by another process (or the same bytes at another place)
            placement = place_version(conn, key, interp.meta, result.sha256, result.format or "", result.mtime)
            if placement.kept_out_by is not None:  # an older copy of a document whose newer copy is current
                if stored is not None:
                    return None  # already recorded as that older copy: nothing changes
                doc_id = self._document_row(conn, result, key, None, kept_out_by=placement.kept_out_by)
                return LoadInfo(doc_id, 0, kept_out_by=placement.kept_out_by)
            doc_id = self._document_row(conn, result, key, stored)
            supersede(conn, placement.replaces, doc_id)
            n = self._observations(conn, doc_id, result)
            self._review_items(conn, doc_id, result)
            return LoadInfo(doc_id, n, placement.replaces, reinstated=stored is not None)

    @staticmethod
    def _document_row(conn, result: FileResult, key: str, stored: tuple[int, str, str] | None,  # noqa: ANN001
                      kept_out_by: Replaced | None = None) -> int:
        """The document's row: new, or the old row of these bytes made current again (a revert); an older
        copy of a document whose newer copy is current is recorded as superseded by it, with no values."""
        meta = result.interpretation.meta  # type: ignore[union-attr]
        cov = result.interpretation.coverage  # type: ignore[union-attr]
        values = dict(
            source_file=Path(result.path).name, source_path=str(result.path), source_key=key,
            format=result.format or "", pages=result.pages, province=meta.province, issuer=meta.issuer,
            doc_type=meta.doc_type, number=meta.number, date=meta.date, indices=";".join(meta.indices),
            report_year=meta.report_year, draft=meta.draft, title=meta.title[:1000], source_kind=meta.source_kind,
            n_numbers=cov.n_numbers if cov else None, n_unexplained=len(cov.unexplained) if cov else None,
            file_mtime=result.mtime, status="current" if kept_out_by is None else "superseded",
            superseded_by=kept_out_by.document_id if kept_out_by else None,
            supersede_reason=kept_out_by.reason if kept_out_by else None, loaded_at=now())
        if stored is not None:
            conn.execute(update(Document).where(Document.id == stored[0]).values(**values))
            return stored[0]
        return conn.execute(insert(Document).values(sha256=result.sha256, **values)).inserted_primary_key[0]

    def _observations(self, conn, doc_id: int, result: FileResult) -> int:  # noqa: ANN001
        """Observations, their flags, conflicts with other documents and the numbers not understood."""
        interp = result.interpretation
        assert interp is not None and result.sha256
        meta = interp.meta
        source = Path(result.path).name + (" (draft)" if meta.draft else "")
        conflicts = find_conflicts(interp.observations, _stored_values(conn, doc_id, interp.observations), source)
        self._entities(conn, meta.province, {o.entity for o in interp.observations})
        rows = [_observation_row(doc_id, meta.province, o, uid)
                for o, uid in zip(interp.observations, observation_uids(result.sha256, interp.observations), strict=True)]
        ids = [r[0] for r in conn.execute(insert(Observation).returning(Observation.id, sort_by_parameter_order=True),
                                          rows)] if rows else []
        flags = [_flag_row(doc_id, oid, fl, obs.source.page, obs.source.as_dict())
                 for oid, obs in zip(ids, interp.observations, strict=True) for fl in obs.flags]
        flags += [_flag_row(doc_id, None, fl, src.page if src else None, src.as_dict() if src else None)
                  for fl, src in interp.flags]
        if interp.coverage:
            flags += [_flag_row(doc_id, None, RawFlag("not_understood", f"'{u.text}' in: {u.context[:200]}", "info"),
                                u.source.page, u.source.as_dict()) for u in interp.coverage.unexplained]
        flags += _mark_others(conn, conflicts)
        if flags:
            conn.execute(insert(schema.Flag), flags)
        return len(rows)

    @staticmethod
    def _entities(conn, province: str | None, names: set[str]) -> None:  # noqa: ANN001
        have = {r[0] for r in conn.execute(select(schema.Entity.name).where(schema.Entity.province == province))}
        new = []
        for entity in sorted(names - have):
            info = classify(entity, province)
            new.append({"name": entity, "kind": info.kind, "province": province, "canonical": info.canonical})
        if new:
            conn.execute(insert(schema.Entity), new)

    @staticmethod
    def _review_items(conn, doc_id: int, result: FileResult) -> None:  # noqa: ANN001
        open_keys = {(r[0], r[1], r[2]) for r in conn.execute(
            select(ReviewItem.index, ReviewItem.key, ReviewItem.context).where(ReviewItem.status == "open"))}
        decided = {(a.index, a.key, a.context) for a in conn.execute(select(Alias.index, Alias.key, Alias.context))}
        new = []
        for request in result.review:
            label = request.label
            k = alias_key(request.index, label, request.group)
            if k in open_keys or k in decided:
                continue
            open_keys.add(k)
            new.append({"kind": "criterion", "index": k[0], "key": k[1], "context": k[2], "label": label,
                        "candidates": json.dumps([list(c) for c in request.candidates], ensure_ascii=False), "status": "open",
                        "document_id": doc_id, "created_at": now()})
        if new:
            conn.execute(insert(ReviewItem), new)


def _require_writable(url: str) -> None:
    """A warehouse file this process may not write (its permissions, a read-only disk) is refused when
    opened: SQLite opens it read-only without a word and fails only at the first write."""
    path = dialect.sqlite_path(url) if dialect.is_sqlite(url) else None
    if path is not None and path.is_file() and not os.access(path, os.W_OK):
        raise dialect.WarehouseError(f"cannot write to the warehouse {path}: the file is read-only (its "
                                     "permissions, or a read-only disk)")


def _stored_values(conn, doc_id: int, observations: list[RawObservation]) -> list[StoredValue]:  # noqa: ANN001
    """Values other current documents give for the criteria of these observations (one query)."""
    codes = sorted({o.criterion for o in observations if o.criterion and o.measure == "value"})
    if not codes:
        return []
    q = (select(Observation.id, Observation.document_id, Observation.index, Observation.year, Observation.entity,
                Observation.criterion, Observation.value, Observation.decimals, Document.source_file, Document.draft)
         .join(Document, Document.id == Observation.document_id)
         .where(Observation.criterion.in_(codes), Observation.measure == "value", Document.status == "current",
                Document.id != doc_id))
    return [StoredValue(r.id, r.document_id, r.index, r.year, r.entity, r.criterion, r.value, r.decimals,
                        r.source_file + (" (draft)" if r.draft else "")) for r in conn.execute(q)]


def _mark_others(conn, conflicts: Conflicts) -> list[dict]:  # noqa: ANN001
    """Stored observations a new value disagrees with: their flag names the new source (one flag each)."""
    new_flags = []
    for oid, (doc_id, sources) in conflicts.others.items():
        row = conn.execute(select(Observation.flags, Observation.value).where(Observation.id == oid)).first()
        if row is None:
            continue
        existing = conn.execute(select(schema.Flag.id, schema.Flag.message).where(
            schema.Flag.observation_id == oid, schema.Flag.code == CROSS_SOURCE)).first()
        if existing is not None:
            conn.execute(update(schema.Flag).where(schema.Flag.id == existing.id).values(
                message=extend_message(existing.message, row.value, sources)))
            continue
        codes = [c for c in (row.flags or "").split(";") if c]
        conn.execute(update(Observation).where(Observation.id == oid).values(flags=";".join([*codes, CROSS_SOURCE])))
        new_flags.append(_flag_row(doc_id, oid, RawFlag(CROSS_SOURCE, extend_message(None, row.value, sources)),
                                   None, None))
    return new_flags


def _flag_row(doc_id: int, obs_id: int | None, fl: RawFlag, page: int | None, context: dict | None) -> dict:
    return {"document_id": doc_id, "observation_id": obs_id, "code": fl.code, "severity": fl.severity,
            "message": fl.message, "page": page,
            "context": json.dumps(context, ensure_ascii=False) if context is not None else ""}


def _sync_catalogue(conn) -> None:  # noqa: ANN001
    """Copy db/catalogue into the `criterion` table so SQL users can join codes to names, when the
    warehouse does not hold this version of it yet (a hash of the criteria file in chiso_meta): an
    ordinary open reads no CSV, and an edited catalogue is copied again even with as many rows."""
    version = criteria_version()
    if read_meta(conn, CATALOGUE_META) == version:
        return
    conn.execute(text("DELETE FROM criterion"))
    rows = criterion_rows()
    if rows:
        conn.execute(schema.Criterion.__table__.insert(), rows)
    write_meta(conn, {CATALOGUE_META: version})


def observation_uids(sha256: str, observations: list[RawObservation]) -> list[str]:
    """Stable ids: the same bytes give the same ids on every ingest, so other tools can join on them.

    Made from the document's hash and what the value is (index, year, entity, label as printed,
    measure, survey) and where it is printed; a repeat within a document gets a counter.
    """
    seen: dict[str, int] = {}
    out = []
    for o in observations:
        s = o.source
        key = "|".join(str(x) for x in (sha256, o.index, o.year, o.entity, o.label, o.measure, o.survey or "",
                                        s.kind, s.page, s.table, s.row, s.col, s.block))
        digest = hashlib.sha1(key.encode()).hexdigest()[:16]
        n = seen.get(digest, 0)
        seen[digest] = n + 1
        out.append(digest if n == 0 else f"{digest}-{n}")
    return out


def _observation_row(document_id: int, province: str | None, obs: RawObservation, uid: str) -> dict:
    src = obs.source
    provenance = [src.as_dict()] + [a.as_dict() for a in obs.also_at]
    return dict(
        uid=uid, document_id=document_id, index=obs.index, year=obs.year, province=province, entity=obs.entity,
        criterion=obs.criterion, series=catalogue().series(obs.index, obs.criterion) if obs.criterion else None,
        label=obs.label, group_label=obs.group, value=obs.value, unit=obs.unit,
        max=obs.max, rank=obs.rank, rank_of=obs.rank_of, rank_scope=obs.rank_scope, measure=obs.measure,
        decimals=obs.decimals, change=obs.change, source_kind=src.kind, page=src.page, table_no=src.table,
        row_no=src.row, col_no=src.col, block_no=src.block,
        bbox=",".join(f"{v:.1f}" for v in src.bbox) if src.bbox else None,
        provenance=json.dumps(provenance, ensure_ascii=False), match_score=obs.match_score,
        responsible=obs.responsible, ocr_confidence=src.ocr_confidence,
        flags=";".join(dict.fromkeys(f.code for f in obs.flags)))
