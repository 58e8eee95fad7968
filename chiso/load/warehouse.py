"""The SQLite warehouse: one transaction per document, idempotent by content hash.

- A file whose sha256 is already loaded is skipped without being parsed.
- A new version of a document (same file name, different bytes) replaces the old
  version's observations in the same transaction that loads the new ones; the old
  document row stays, marked superseded, so the history is kept.
- WAL mode and a busy timeout let several `chiso ingest` processes share a warehouse.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine, select

from chiso.checks.consistency import check_document
from chiso.interpret.model import Flag as RawFlag
from chiso.interpret.model import RawObservation
from chiso.load import schema
from chiso.load.schema import Alias, Document, FileOutcome, IngestRun, Observation, ReviewItem, now
from chiso.normalize.entities import classify
from chiso.normalize.matching import alias_key, assign_criteria, catalogue
from chiso.pipeline import FileResult

DEFAULT_DB = "sqlite:///chiso-warehouse.sqlite"


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str | None = None) -> Engine:
    url = url or DEFAULT_DB
    if _is_sqlite(url) and ":memory:" not in url:
        db_path = url.split("///", 1)[-1]
        if db_path:
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60} if _is_sqlite(url) else {})
    if _is_sqlite(url):
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _):  # noqa: ANN001
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=60000")
            # WAL is a property of the file: switch once; a concurrent first switch may report busy
            for attempt in range(50):
                try:
                    if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                        cur.execute("PRAGMA journal_mode=WAL")
                    break
                except sqlite3.OperationalError:
                    if attempt == 49:
                        raise
                    time.sleep(0.1)
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):  # noqa: ANN001
            # IMMEDIATE takes the write lock up front: two ingest processes queue (busy timeout)
            # instead of both reading "not loaded yet" and then colliding on insert.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    return engine


class Warehouse:
    def __init__(self, url: str | None = None):
        self.url = url or DEFAULT_DB
        self.engine = make_engine(self.url)
        # one transaction (IMMEDIATE on SQLite): two processes starting together do not race on DDL
        with self.engine.begin() as conn:
            SQLModel.metadata.create_all(conn)
            conn.execute(text("DROP VIEW IF EXISTS best_observation"))
            conn.execute(text(BEST_VIEW))
            _sync_catalogue(conn)

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

    # --- documents --------------------------------------------------------------------------
    def known_hashes(self) -> set[str]:
        with self.session() as s:
            return set(s.exec(select(Document.sha256)).all())

    def has_document(self, sha256: str) -> bool:
        with self.session() as s:
            return s.exec(select(Document.id).where(Document.sha256 == sha256)).first() is not None

    def aliases(self) -> dict[tuple[str, str, str], str]:
        with self.session() as s:
            return {(a.index, a.key, a.context): a.target for a in s.exec(select(Alias)).all()}

    @staticmethod
    def _cross_source(s: Session, doc: Document, observations: list[RawObservation]
                      ) -> list[tuple[int, int, str]]:
        """Same fact, different value in another current document: flag both, keep both."""
        found: list[tuple[int, int, str]] = []
        for obs in observations:
            if not obs.criterion or obs.measure != "value":
                continue
            others = s.exec(select(Observation, Document).join(Document, Document.id == Observation.document_id)
                            .where(Observation.index == obs.index, Observation.year == obs.year,
                                   Observation.entity == obs.entity, Observation.criterion == obs.criterion,
                                   Observation.measure == "value", Document.status == "current",
                                   Document.id != doc.id, Document.source_file != doc.source_file)).all()
            for other, other_doc in others:
                d = min(other.decimals, obs.decimals)
                tol = (0.5 * 10 ** (-d) if d > 0 else 0.5) + 1e-9
                if abs(other.value - obs.value) > tol:
                    msg = (f"{obs.value:g} here, {other.value:g} in {other_doc.source_file}"
                           f"{' (draft)' if other_doc.draft else ''}")
                    obs.flags.append(RawFlag("cross_source_conflict", msg))
                    found.append((other.id, other_doc.id, f"{other.value:g} here, {obs.value:g} in "
                                                          f"{doc.source_file}{' (draft)' if doc.draft else ''}"))
        return found

    def load(self, result: FileResult) -> int | None:
        """Load one interpreted document in one transaction; returns observations written,
        or None when another process loaded the same bytes meanwhile."""
        assert result.interpretation is not None and result.sha256
        interp = result.interpretation
        meta = interp.meta
        name = Path(result.path).name
        review = assign_criteria(interp, self.aliases())
        check_document(interp)
        with Session(self.engine) as s, s.begin():
            s.connection().exec_driver_sql("SELECT 1")  # open the transaction
            if s.exec(select(Document.id).where(Document.sha256 == result.sha256)).first() is not None:
                return None  # loaded meanwhile by another process
            doc = Document(
                sha256=result.sha256, source_file=name, source_path=str(result.path), format=result.format or "",
                pages=result.pages, province=meta.province, issuer=meta.issuer, doc_type=meta.doc_type,
                number=meta.number, date=meta.date, indices=";".join(meta.indices),
                report_year=meta.report_year, draft=meta.draft, title=meta.title[:1000])
            s.add(doc)
            s.flush()
            old_versions = s.exec(select(Document).where(Document.source_file == name,
                                                         Document.status == "current",
                                                         Document.id != doc.id)).all()
            for old in old_versions:
                s.exec(_delete(Observation, old.id))  # type: ignore[call-overload]
                s.exec(_delete(schema.Flag, old.id))  # type: ignore[call-overload]
                old.status, old.superseded_by = "superseded", doc.id
                s.add(old)
            conflicts = self._cross_source(s, doc, interp.observations)
            for name in sorted({o.entity for o in interp.observations}):
                info = classify(name, meta.province)
                if s.exec(select(schema.Entity.id).where(schema.Entity.name == name,
                                                         schema.Entity.province == meta.province)).first() is None:
                    s.add(schema.Entity(name=name, kind=info.kind, province=meta.province, canonical=info.canonical))
            rows = []
            for obs in interp.observations:
                row = _observation_row(doc.id, meta.province, obs)  # type: ignore[arg-type]
                s.add(row)
                rows.append((row, obs))
            s.flush()
            for row, obs in rows:
                for fl in obs.flags:
                    s.add(schema.Flag(document_id=doc.id, observation_id=row.id, code=fl.code,
                                      severity=fl.severity, message=fl.message, page=obs.source.page,
                                      context=json.dumps(obs.source.as_dict(), ensure_ascii=False)))
            for other_id, other_doc, message in conflicts:
                other = s.get(Observation, other_id)
                if other is not None:
                    codes = [c for c in other.flags.split(";") if c]
                    if "cross_source_conflict" not in codes:
                        other.flags = ";".join([*codes, "cross_source_conflict"])
                        s.add(other)
                    s.add(schema.Flag(document_id=other_doc, observation_id=other_id, code="cross_source_conflict",
                                      severity="warning", message=message, page=other.page,
                                      context=other.provenance))
            for obs, outcome in review:
                idx, key, ctx = alias_key(obs.index, obs.label, obs.group)
                exists = s.exec(select(ReviewItem.id).where(ReviewItem.index == idx, ReviewItem.key == key,
                                                            ReviewItem.context == ctx,
                                                            ReviewItem.status == "open")).first()
                if exists is None:
                    s.add(ReviewItem(index=idx, key=key, context=ctx, label=obs.label, document_id=doc.id,
                                     candidates=json.dumps([[c.code, c.name, round(c.score, 1)]
                                                            for c in outcome.candidates], ensure_ascii=False)))
                    s.flush()
            for fl, src in interp.flags:
                s.add(schema.Flag(document_id=doc.id, code=fl.code, severity=fl.severity, message=fl.message,
                                  page=src.page if src else None,
                                  context=json.dumps(src.as_dict(), ensure_ascii=False) if src else ""))
            return len(rows)


def _sync_catalogue(conn) -> None:  # noqa: ANN001
    """Copy db/catalogue into the `criterion` table so SQL users can join codes to names."""
    cat = catalogue()
    have = conn.execute(text("SELECT count(*) FROM criterion")).scalar()
    if have == len(cat.nodes):
        return
    conn.execute(text("DELETE FROM criterion"))
    conn.execute(schema.Criterion.__table__.insert(), [
        {"index": n.index, "period": n.period, "code": n.code, "parent": n.parent, "level": n.level, "name": n.name}
        for n in cat.nodes.values()])


def _delete(model, document_id: int):  # noqa: ANN001, ANN202
    from sqlmodel import delete

    return delete(model).where(model.document_id == document_id)


def _observation_row(document_id: int, province: str | None, obs: RawObservation) -> Observation:
    src = obs.source
    provenance = [src.as_dict()] + [a.as_dict() for a in obs.also_at]
    return Observation(
        document_id=document_id, index=obs.index, year=obs.year, province=province, entity=obs.entity,
        criterion=obs.criterion, series=catalogue().series(obs.index, obs.criterion) if obs.criterion else None,
        label=obs.label, group_label=obs.group, value=obs.value, unit=obs.unit,
        max=obs.max, rank=obs.rank, rank_of=obs.rank_of, rank_scope=obs.rank_scope, measure=obs.measure,
        decimals=obs.decimals, change=obs.change, source_kind=src.kind, page=src.page, table_no=src.table,
        row_no=src.row, col_no=src.col, block_no=src.block,
        bbox=",".join(f"{v:.1f}" for v in src.bbox) if src.bbox else None,
        provenance=json.dumps(provenance, ensure_ascii=False), match_score=obs.match_score,
        flags=";".join(dict.fromkeys(f.code for f in obs.flags)))


# The value a user should take when documents disagree: official over draft, then the newest
# document (by its date, then load order). Rule documented in the README.
BEST_VIEW = """
CREATE VIEW best_observation AS
SELECT * FROM (
  SELECT o.*, d.source_file, d.draft, d.date AS document_date,
         ROW_NUMBER() OVER (
           PARTITION BY o."index", o.year, o.entity, COALESCE(o.criterion, o.label), o.measure
           ORDER BY d.draft ASC, COALESCE(d.date, '') DESC, d.id DESC
         ) AS preference
  FROM observation o JOIN document d ON d.id = o.document_id
  WHERE d.status = 'current'
) WHERE preference = 1
"""
