"""The warehouse's schema version: checked on every open, upgraded in place, the same on SQLite and PostgreSQL.

Why plain SQL and not Alembic: the warehouse has a dozen tables that only ever gain columns and
tables; Alembic would add two packages (alembic, Mako) and a migration environment to say
`ALTER TABLE … ADD COLUMN`. A version number in the `chiso_meta` table and a list of SQL statements
per version do the same, in the same transaction as the open (both engines have transactional DDL
for these statements).

`check_schema` is the one gate: a database holding another application's tables is refused, never
altered; a warehouse made by a newer chiso is refused (this chiso would not know its columns); an
empty database becomes a warehouse; a chiso warehouse made before versions were stored is upgraded.
`ensure_schema` runs it under a lock (the SQLite write lock, a PostgreSQL advisory lock) so machines
opening one database together create it once.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import MetaData, inspect, literal, text
from sqlalchemy.engine import Connection

from chiso.load.dialect import SCHEMA_LOCK, WarehouseError, lock
from chiso.load.views import VIEWS, create_views

SCHEMA_VERSION = 4
UNVERSIONED = 0  # a chiso warehouse made before the version was stored
META_TABLE = "chiso_meta"
# what makes a database without chiso_meta a chiso warehouse: these tables with these columns
_CORE = {"document": {"sha256", "source_file", "status"}, "observation": {"document_id", "criterion", "value"}}

# version → the statements that bring a warehouse at the version before it there, in order. Version 1
# is the baseline: an unversioned warehouse gets the columns it lacks (_add_missing_columns). New
# tables need no statement (create_all makes them); a new column needs an ALTER TABLE here.
# 2: document.source_key, supersede_reason; 3: document.file_mtime; 4: observation.ocr_confidence (added columns)
MIGRATIONS: dict[int, list[str]] = {1: [], 2: [], 3: [], 4: []}


def check_schema(conn: Connection) -> int | None:
    """The schema version of the database behind `conn`: None when it is empty, UNVERSIONED for a
    chiso warehouse older than stored versions. Raises WarehouseError, changing nothing, for another
    application's database or a newer chiso's warehouse."""
    found = inspect(conn)
    tables = set(found.get_table_names())
    if META_TABLE in tables:
        row = conn.execute(text(f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'")).first()
        version = int(row[0]) if row and str(row[0]).isdigit() else UNVERSIONED
        if version > SCHEMA_VERSION:
            raise WarehouseError(f"this warehouse has schema version {version}, made by a newer chiso; this chiso "
                                 f"knows versions up to {SCHEMA_VERSION}: upgrade chiso (pip install -U chiso)")
        return version
    if not tables:
        return None
    if all(t in tables and cols <= {c["name"] for c in found.get_columns(t)} for t, cols in _CORE.items()):
        return UNVERSIONED
    shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
    raise WarehouseError(f"this database is not a chiso warehouse (it holds other tables: {shown}); "
                         f"refusing to change it: give chiso an empty database (or schema) or a new file")


def ensure_schema(conn: Connection) -> int:
    """Check, create or upgrade the schema in the caller's transaction; returns the version found
    (0 for a new database). Views are recreated when their definitions or the tables change."""
    lock(conn, SCHEMA_LOCK)
    found = check_schema(conn)
    upgrade = found is not None and found < SCHEMA_VERSION
    if upgrade:
        _drop_views(conn)  # a view pins the columns of its tables on PostgreSQL
        _add_missing_columns(conn)  # versions so far only add columns
        for version in range(max(found or 0, 1) + 1, SCHEMA_VERSION + 1):
            for sql in MIGRATIONS[version]:
                conn.execute(text(sql))
    _tables().create_all(conn)
    indexes = _indexes_hash()
    if found is not None and (upgrade or read_meta(conn, "indexes") != indexes):
        _create_missing_indexes(conn)
    views = _views_hash()
    if upgrade or found is None or read_meta(conn, "views") != views:
        create_views(conn)
    write_meta(conn, {"schema_version": str(SCHEMA_VERSION), "views": views, "indexes": indexes})
    return found or 0


def _indexes_hash() -> str:
    """The indexes the model declares: a warehouse made before one was added gets it at its next writable
    open (an index changes no column, so it needs no schema version: a read-only open works without it)."""
    spec = sorted(f"{t.name}.{i.name}({','.join(c.name for c in i.columns)})"
                  for t in _tables().sorted_tables for i in t.indexes)
    return hashlib.sha256("\n".join(spec).encode()).hexdigest()[:16]


def _create_missing_indexes(conn: Connection) -> None:
    for table in _tables().sorted_tables:
        for index in table.indexes:
            index.create(conn, checkfirst=True)


def _tables() -> MetaData:
    """Every table of chiso/load/schema.py, imported only to create or upgrade them: a read-only open
    (export, check) needs no ORM models (sqlmodel, pydantic)."""
    from sqlmodel import SQLModel

    from chiso.load import schema  # noqa: F401  (registers every table on SQLModel.metadata)

    return SQLModel.metadata


def _views_hash() -> str:
    return hashlib.sha256("\n".join(VIEWS.values()).encode()).hexdigest()[:16]


def read_meta(conn: Connection, key: str) -> str | None:
    """One of chiso's facts about the database (the `chiso_meta` table), None when not stored."""
    row = conn.execute(text(f"SELECT value FROM {META_TABLE} WHERE key = :k"), {"k": key}).first()
    return row[0] if row else None


def write_meta(conn: Connection, values: dict[str, str]) -> None:
    for key, value in values.items():
        if read_meta(conn, key) == value:
            continue
        conn.execute(text(f"DELETE FROM {META_TABLE} WHERE key = :k"), {"k": key})
        conn.execute(text(f"INSERT INTO {META_TABLE} (key, value) VALUES (:k, :v)"), {"k": key, "v": value})


def _drop_views(conn: Connection) -> None:
    for name in reversed(VIEWS):
        conn.execute(text(f"DROP VIEW IF EXISTS {name}"))


def _add_missing_columns(conn: Connection) -> None:
    """Columns the tables of an older warehouse lack, added with the model's type and default (nullable
    when the default is computed, such as a time)."""
    found = inspect(conn)
    quote = conn.dialect.identifier_preparer.quote
    for table in _tables().sorted_tables:
        if not found.has_table(table.name):
            continue
        have = {c["name"] for c in found.get_columns(table.name)}
        for col in table.columns:
            if col.name in have:
                continue
            sql = f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(col.name)} {col.type.compile(conn.dialect)}"
            default = getattr(col.default, "arg", None)
            if default is not None and not callable(default):
                value = literal(default, col.type).compile(dialect=conn.dialect,
                                                           compile_kwargs={"literal_binds": True})
                sql += f" DEFAULT {value}" + ("" if col.nullable else " NOT NULL")
            conn.execute(text(sql))  # an added column's index comes with the others (_create_missing_indexes)


def require_current_schema(conn: Connection) -> None:
    """For read-only use: the database must be a chiso warehouse of this version (nothing is changed)."""
    found = check_schema(conn)
    if found is None:
        raise WarehouseError("this database is empty, not a chiso warehouse: run `chiso ingest` into it first")
    if found < SCHEMA_VERSION:
        raise WarehouseError(f"this warehouse has schema version {found}; this chiso needs {SCHEMA_VERSION}: "
                             "run any `chiso ingest` on it once to upgrade it")
