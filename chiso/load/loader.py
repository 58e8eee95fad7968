"""Loading one interpreted document into the warehouse, in one transaction, in bulk.

`Warehouse.load_document` (warehouse.py) calls `load_document` here; this module holds what only a
writer needs (the matcher's aliases and entity kinds, the cross-source check, the catalogue's series),
so opening a warehouse to export or to check does not import them.

Rows are written with one executemany per table, the INSERT compiled once per dialect and run by the
driver (bulk.py: SQLAlchemy building each row's parameters cost as much as the insert), and each
query asks once for everything the document needs (the stored values of its criteria, the open
review items and decisions of its labels, the stored observations a new value disagrees with, the
ids of its new observations), never once per observation.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.engine import Connection, Engine

from chiso.checks.cross_source import CODE as CROSS_SOURCE
from chiso.checks.cross_source import Conflicts, StoredValue, disagrees, extend_message, find_conflicts
from chiso.db.catalogue import catalogue, criteria_version, criterion_rows
from chiso.load import dialect, schema
from chiso.load.bulk import insert_rows
from chiso.load.identity import Replaced, place_version, stored_version, supersede
from chiso.load.migrations import read_meta, write_meta
from chiso.load.schema import Alias, Document, Observation, ReviewItem, now
from chiso.match.entities import classify
from chiso.match.matching import alias_key, apply_aliases
from chiso.model import FileResult, LoadInfo, RawObservation
from chiso.model import Flag as RawFlag

CATALOGUE_META = "catalogue"  # chiso_meta key: the criteria_version() the criterion table holds
_to_json = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(…, ensure_ascii=False), one encoder


def load_document(engine: Engine, result: FileResult) -> LoadInfo | None:
    """Load one interpreted document in one transaction, replacing the versions it supersedes.

    Matching and checks were done by the worker; here reviewed aliases decided since are
    applied (read in the load's own transaction), conflicts with other documents are found,
    and rows are written in bulk.
    """
    assert result.interpretation is not None and result.sha256
    interp = result.interpretation
    key = result.source_key or Path(result.path).name
    with engine.begin() as conn:
        dialect.serialize_load(conn)  # PostgreSQL: one load at a time across machines (dialect.py)
        aliases = {(index, k, context): target for index, k, context, target in conn.execute(_ALIASES)}
        if aliases:
            apply_aliases(interp, aliases)
        stored = stored_version(conn, result.sha256)
        if stored is not None and stored[1] == "current":
            return None  # loaded meanwhile by another process (or the same bytes at another place)
        placement = place_version(conn, key, interp.meta, result.sha256, result.format or "", result.mtime)
        if placement.kept_out_by is not None:  # an older copy of a document whose newer copy is current
            if stored is not None:
                return None  # already recorded as that older copy: nothing changes
            doc_id = _document_row(conn, result, key, None, kept_out_by=placement.kept_out_by)
            return LoadInfo(doc_id, 0, kept_out_by=placement.kept_out_by)
        doc_id = _document_row(conn, result, key, stored)
        supersede(conn, placement.replaces, doc_id)
        n = _observations(conn, doc_id, result)
        _review_items(conn, doc_id, result)
        return LoadInfo(doc_id, n, placement.replaces, reinstated=stored is not None)


# statements built once (SQLAlchemy caches their compiled form; building them costs as much again)
_REVIVE_DOCUMENT = update(Document).where(Document.id == bindparam("revived_id"))
_OBSERVATION_IDS = select(Observation.uid, Observation.id).where(Observation.document_id == bindparam("doc_id"))


def _document_row(conn: Connection, result: FileResult, key: str, stored: tuple[int, str, str] | None,
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
        conn.execute(_REVIVE_DOCUMENT, {"revived_id": stored[0], **values})
        return stored[0]
    return conn.execute(insert(Document), {"sha256": result.sha256, **values}).inserted_primary_key[0]


def _disagreeing_values(conn: Connection, doc_id: int, observations: list[RawObservation],
                        province: str | None) -> list[StoredValue]:
    """The stored values `find_conflicts` needs: none when the distinct values other current documents give
    for these facts all agree with this document's (the common case: copies, twins, re-publications), else
    every such observation. The distinct values are one row a value, however many copies print it."""
    params = _fact_filter(observations, doc_id)
    if params is None:
        return []
    if not disagrees(observations, conn.execute(_STORED_DISTINCT, params), province):
        return []
    return _stored_values(conn, params)


def _observations(conn: Connection, doc_id: int, result: FileResult) -> int:
    """Observations, their flags, conflicts with other documents and the numbers not understood."""
    interp = result.interpretation
    assert interp is not None and result.sha256
    meta = interp.meta
    source = Path(result.path).name + (" (draft)" if meta.draft else "")
    conflicts = find_conflicts(interp.observations, _disagreeing_values(conn, doc_id, interp.observations,
                                                                        meta.province), source, meta.province)
    _entities(conn, meta.province, {o.entity for o in interp.observations})
    series = _series_of(interp.observations)
    rows = [_observation_row(doc_id, meta.province, o, uid, series)
            for o, uid in zip(interp.observations, observation_uids(result.sha256, interp.observations), strict=True)]
    ids = _insert_observations(conn, doc_id, rows)
    flags = [_flag_row(doc_id, oid, fl, obs.source.page, obs.source.as_dict())
             for oid, obs in zip(ids, interp.observations, strict=True) for fl in obs.flags]
    flags += [_flag_row(doc_id, None, fl, src.page if src else None, src.as_dict() if src else None)
              for fl, src in interp.flags]
    if interp.coverage:
        flags += [_flag_row(doc_id, None, RawFlag("not_understood", f"'{u.text}' in: {u.context[:200]}", "info"),
                            u.source.page, u.source.as_dict()) for u in interp.coverage.unexplained]
    flags += _mark_others(conn, conflicts)
    insert_rows(conn, schema.Flag.__table__, flags)
    return len(rows)


def _insert_observations(conn: Connection, doc_id: int, rows: list[dict]) -> list[int]:
    """Insert the document's observations in one executemany and return their ids in row order.

    Not INSERT … RETURNING: on SQLite, SQLAlchemy can only promise RETURNING in parameter order one row
    per statement (SQLite does not order RETURNING rows), a thousand statements for a thousand values.
    The ids are read back by the stable uid, unique within a document (its rows are all new: an older
    version's observations were deleted when it was superseded)."""
    if not rows:
        return []
    insert_rows(conn, Observation.__table__, rows)
    by_uid = dict(conn.execute(_OBSERVATION_IDS, {"doc_id": doc_id}).all())
    if len(by_uid) != len(rows):
        raise RuntimeError(f"document {doc_id}: {len(rows)} observations written, {len(by_uid)} found by uid")
    return [by_uid[r["uid"]] for r in rows]


# IS NOT DISTINCT FROM: a document without a province matches the entities stored without one (IS NULL)
_KNOWN_ENTITIES = select(schema.Entity.name).where(schema.Entity.province.is_not_distinct_from(bindparam("province")))


def _entities(conn: Connection, province: str | None, names: set[str]) -> None:
    have = set(conn.execute(_KNOWN_ENTITIES, {"province": province}).scalars())
    new = []
    for entity in sorted(names - have):
        info = classify(entity, province)
        new.append({"name": entity, "kind": info.kind, "province": province, "canonical": info.canonical})
    insert_rows(conn, schema.Entity.__table__, new)


_OPEN_REVIEW_ITEMS = select(ReviewItem.index, ReviewItem.key, ReviewItem.context).where(
    ReviewItem.status == "open", ReviewItem.key.in_(bindparam("keys", expanding=True)))
_DECIDED_ALIASES = select(Alias.index, Alias.key, Alias.context).where(Alias.key.in_(bindparam("keys", expanding=True)))


def _review_items(conn: Connection, doc_id: int, result: FileResult) -> None:
    """Queue the labels this document asks about, unless already queued or decided (asked once, for
    this document's labels only)."""
    if not result.review:
        return
    wanted = [(r, alias_key(r.index, r.label, r.group)) for r in result.review]
    keys = sorted({k[1] for _, k in wanted})
    open_keys = set(map(tuple, conn.execute(_OPEN_REVIEW_ITEMS, {"keys": keys})))
    decided = set(map(tuple, conn.execute(_DECIDED_ALIASES, {"keys": keys})))
    new = []
    for request, k in wanted:
        if k in open_keys or k in decided:
            continue
        open_keys.add(k)
        new.append({"kind": "criterion", "index": k[0], "key": k[1], "context": k[2], "label": request.label,
                    "candidates": json.dumps([list(c) for c in request.candidates], ensure_ascii=False),
                    "status": "open", "document_id": doc_id, "created_at": now()})
    insert_rows(conn, ReviewItem.__table__, new)


# the values other current documents give for a document's facts (its criteria, years and entities)
_FACTS_OF_OTHERS = (Observation.criterion.in_(bindparam("criteria", expanding=True)),
                    Observation.year.in_(bindparam("years", expanding=True)),
                    Observation.entity.in_(bindparam("entities", expanding=True)),
                    Observation.measure == "value", Document.status == "current", Document.id != bindparam("doc_id"))
_ALIASES = select(Alias.index, Alias.key, Alias.context, Alias.target)
_STORED_VALUES = (
    select(Observation.id, Observation.document_id, Observation.index, Observation.year, Observation.province,
           Observation.entity, Observation.criterion, Observation.value, Observation.decimals,
           Document.source_file, Document.draft)
    .join(Document, Document.id == Observation.document_id).where(*_FACTS_OF_OTHERS))
_FACT_COLUMNS = (Observation.index, Observation.year, Observation.province, Observation.entity, Observation.criterion,
                 Observation.value, Observation.decimals)
_STORED_DISTINCT = (select(*_FACT_COLUMNS).join(Document, Document.id == Observation.document_id)
                    .where(*_FACTS_OF_OTHERS).group_by(*_FACT_COLUMNS))


def _fact_filter(observations: list[RawObservation], doc_id: int) -> dict | None:
    """The query parameters for the stored values of these observations' facts (None: no fact to ask)."""
    facts = [o for o in observations if o.criterion and o.measure == "value"]
    if not facts:
        return None
    return {"criteria": sorted({o.criterion for o in facts}), "years": sorted({o.year for o in facts}),
            "entities": sorted({o.entity for o in facts}), "doc_id": doc_id}


def _stored_values(conn: Connection, params: dict) -> list[StoredValue]:
    """Values other current documents give for the facts of these observations (one query). Only values
    of the facts' criteria, years and entities are returned (find_conflicts compares values of one index,
    year, entity and criterion), not every province's and year's values of the criteria: fewer rows to
    turn into StoredValues as the warehouse grows."""
    rows = conn.execute(_STORED_VALUES, params).all()
    return [StoredValue(oid, did, index, year, province, entity, criterion, value, decimals,
                        source + (" (draft)" if draft else ""))
            for oid, did, index, year, province, entity, criterion, value, decimals, source, draft in rows]


_OTHERS = select(Observation.id, Observation.flags, Observation.value).where(
    Observation.id.in_(bindparam("ids", expanding=True)))
_THEIR_FLAGS = select(schema.Flag.observation_id, schema.Flag.id, schema.Flag.message).where(
    schema.Flag.observation_id.in_(bindparam("ids", expanding=True)), schema.Flag.code == CROSS_SOURCE).order_by(
    schema.Flag.id)
_SET_MESSAGE = update(schema.Flag.__table__).where(schema.Flag.__table__.c.id == bindparam("flag_id")).values(
    message=bindparam("new_message"))
_SET_FLAGS = update(Observation.__table__).where(Observation.__table__.c.id == bindparam("obs_id")).values(
    flags=bindparam("new_flags"))


def _mark_others(conn: Connection, conflicts: Conflicts) -> list[dict]:
    """Stored observations a new value disagrees with: their flag names the new source (one flag each).
    Two queries for all of them, and one executemany per kind of change."""
    oids = list(conflicts.others)
    if not oids:
        return []
    stored = {r.id: r for r in conn.execute(_OTHERS, {"ids": oids})}
    existing: dict[int, tuple[int, str]] = {}
    for r in conn.execute(_THEIR_FLAGS, {"ids": oids}):
        existing.setdefault(r.observation_id, (r.id, r.message))
    messages, marks, new_flags = [], [], []
    for oid, (doc_id, sources) in conflicts.others.items():
        row = stored.get(oid)
        if row is None:
            continue
        if oid in existing:
            flag_id, message = existing[oid]
            messages.append({"flag_id": flag_id, "new_message": extend_message(message, row.value, sources)})
            continue
        codes = [c for c in (row.flags or "").split(";") if c]
        marks.append({"obs_id": oid, "new_flags": ";".join([*codes, CROSS_SOURCE])})
        new_flags.append(_flag_row(doc_id, oid, RawFlag(CROSS_SOURCE, extend_message(None, row.value, sources)),
                                   None, None))
    if messages:
        conn.execute(_SET_MESSAGE, messages)
    if marks:
        conn.execute(_SET_FLAGS, marks)
    return new_flags


def _flag_row(doc_id: int, obs_id: int | None, fl: RawFlag, page: int | None, context: dict | None) -> dict:
    return {"document_id": doc_id, "observation_id": obs_id, "code": fl.code, "severity": fl.severity,
            "message": fl.message, "page": page, "context": _to_json(context) if context is not None else ""}


def sync_catalogue(conn: Connection) -> None:
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
        key = (f"{sha256}|{o.index}|{o.year}|{o.entity}|{o.label}|{o.measure}|{o.survey or ''}|"
               f"{s.kind}|{s.page}|{s.table}|{s.row}|{s.col}|{s.block}")
        digest = hashlib.sha1(key.encode()).hexdigest()[:16]
        n = seen.get(digest, 0)
        seen[digest] = n + 1
        out.append(digest if n == 0 else f"{digest}-{n}")
    return out


def _series_of(observations: list[RawObservation]) -> dict[tuple[str, str], str]:
    """The catalogue series of each (index, criterion) of the document, looked up once each."""
    cat = catalogue()
    return {key: cat.series(*key) for key in {(o.index, o.criterion) for o in observations if o.criterion}}


def _observation_row(document_id: int, province: str | None, obs: RawObservation, uid: str,
                     series: dict[tuple[str, str], str]) -> dict:
    src = obs.source
    provenance = [src.as_dict()] + [a.as_dict() for a in obs.also_at]
    return {
        "uid": uid, "document_id": document_id, "index": obs.index, "year": obs.year, "province": province,
        "entity": obs.entity, "criterion": obs.criterion,
        "series": series[obs.index, obs.criterion] if obs.criterion else None,
        "label": obs.label, "group_label": obs.group, "value": obs.value, "unit": obs.unit, "max": obs.max,
        "rank": obs.rank, "rank_of": obs.rank_of, "rank_scope": obs.rank_scope, "measure": obs.measure,
        "decimals": obs.decimals, "change": obs.change, "source_kind": src.kind, "page": src.page,
        "table_no": src.table, "row_no": src.row, "col_no": src.col, "block_no": src.block,
        "bbox": ",".join(map("{:.1f}".format, src.bbox)) if src.bbox else None,
        "provenance": _to_json(provenance), "match_score": obs.match_score, "responsible": obs.responsible,
        "ocr_confidence": src.ocr_confidence, "flags": ";".join(dict.fromkeys(f.code for f in obs.flags))}
