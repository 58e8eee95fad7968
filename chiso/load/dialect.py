"""What differs between the embedded SQLite warehouse and a shared PostgreSQL one, in one place.

Everything else (tables, views, the loader, the export) is written once in SQL both engines share.
What cannot be shared lives here:

- the URL: `postgresql://` (and `postgres://`) use psycopg 3 (`postgresql+psycopg://`), the driver of
  the `postgres` extra; without it the user gets one line naming `pip install "chiso[postgres]"`;
- the connection setup: SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE` (its file lock
  serialises writers); PostgreSQL sessions run in UTC, so the warehouse's naive timestamps mean the
  same on every machine;
- serialising writers: SQLite already holds its write lock from `BEGIN IMMEDIATE`; on PostgreSQL a
  transaction-scoped advisory lock (`pg_advisory_xact_lock`, released at COMMIT/ROLLBACK, see
  https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS) makes the check "is this
  sha256 loaded?", the supersede step, the cross-source check and the inserts one unit, so two
  machines loading the same document load it once, and readers (MVCC) are never blocked.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, exc, text
from sqlalchemy.engine import Connection, Engine, make_url

from chiso.model import ChisoError

POSTGRES_EXTRA = 'pip install "chiso[postgres]"'
# advisory lock keys (any 64-bit numbers no other application of the database is likely to use)
LOAD_LOCK = 0x63686973_6F01  # one document load at a time
SCHEMA_LOCK = 0x63686973_6F02  # creating / upgrading the schema


class WarehouseError(ChisoError):
    """The warehouse cannot be opened or used as asked: the message says why, in one line."""


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql", "postgres:"))


def engine_url(url: str) -> str:
    """The URL SQLAlchemy is given: PostgreSQL through psycopg 3 unless the user named a driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return url


def make_engine(url: str, read_only: bool = False) -> Engine:
    """An engine for the warehouse; `read_only` never creates, changes or locks it (export, check, show)."""
    if is_postgres(url):
        return _postgres_engine(url, read_only)
    if is_sqlite(url):
        return _sqlite_readonly_engine(url) if read_only else _sqlite_engine(url)
    try:
        return create_engine(url)
    except (exc.ArgumentError, exc.NoSuchModuleError, ImportError) as e:
        raise WarehouseError(f"cannot use database URL {safe_url(url)}: {e} "
                             f"(use sqlite:///FILE or postgresql://USER@HOST/DB)") from None


def _postgres_engine(url: str, read_only: bool = False) -> Engine:
    real = engine_url(url)
    if real.startswith("postgresql+psycopg:"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise WarehouseError(f"PostgreSQL needs the psycopg driver: {POSTGRES_EXTRA}") from None
    try:
        # sessions in UTC on every client; a user's own `?options=` (e.g. -csearch_path=chiso) is kept
        options = " ".join(filter(None, [str(make_url(real).query.get("options") or ""), "-c timezone=UTC",
                                          "-c default_transaction_read_only=on" if read_only else ""]))
        return create_engine(real, pool_pre_ping=True, connect_args={"options": options})
    except (exc.ArgumentError, exc.NoSuchModuleError, ImportError) as e:
        raise WarehouseError(f"cannot use database URL {safe_url(url)}: {e}") from None


def sqlite_path(url: str) -> Path | None:
    path = url.split("///", 1)[-1] if "///" in url else ""
    return Path(path) if path and ":memory:" not in url else None


def _sqlite_readonly_engine(url: str) -> Engine:
    """The file opened read-only (SQLite's `mode=ro`): no write lock, no WAL switch, nothing created."""
    path = sqlite_path(url)
    if path is None:
        raise WarehouseError(f"{url}: a read-only command needs a warehouse file")
    if not path.is_file():
        raise WarehouseError(f"no warehouse at {path}: run `chiso ingest … --db {url}` first")
    engine = create_engine("sqlite:///file:" + str(path.resolve()) + "?mode=ro&uri=true",
                           connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _):  # noqa: ANN001
        dbapi_conn.execute("PRAGMA busy_timeout=60000")

    return engine


def _sqlite_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is not None and not path.resolve().parent.is_dir():
        raise WarehouseError(f"cannot create the warehouse {path}: the folder {path.parent} does not exist")
    if path is not None and path.is_dir():
        raise WarehouseError(f"cannot use {path} as the warehouse: it is a folder")
    engine = create_engine(url, connect_args={"timeout": 60})

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


@contextmanager
def opened(engine: Engine) -> Iterator[Connection]:
    """A transaction on the warehouse; a server that cannot be reached or a file that is no database
    becomes a WarehouseError naming the URL and the driver's reason (no traceback for the user)."""
    try:
        conn = engine.connect()
    except exc.DBAPIError as e:
        reason = str(e.orig).strip().splitlines()[0] if e.orig is not None else str(e)
        raise WarehouseError(f"cannot open the warehouse {safe_url(str(engine.url))}: {reason}") from None
    with conn, conn.begin():
        yield conn


def lock(conn: Connection, key: int) -> None:
    """Serialise this transaction with every other one taking the same key (PostgreSQL); on SQLite
    the transaction already holds the file's write lock (BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def serialize_load(conn: Connection) -> None:
    """Called first in a document's load transaction: one load at a time across every machine, so
    the "already loaded?" answer holds until COMMIT and cross-source conflicts see every document."""
    lock(conn, LOAD_LOCK)


def snapshot(engine: Engine) -> Connection:
    """A connection whose reads all see one moment of the warehouse, while other machines load: on
    PostgreSQL a REPEATABLE READ transaction (its default, READ COMMITTED, gives each statement its
    own snapshot); a SQLite read transaction already keeps one snapshot (WAL)."""
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn
