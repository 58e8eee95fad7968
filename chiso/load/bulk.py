"""Many rows into one table through the driver's own `executemany`, the INSERT compiled once per dialect.

Why: `conn.execute(insert(table), rows)` makes SQLAlchemy build every row's parameters through the
compiled statement (`construct_params`, per execution), which cost the loader as much CPU as SQLite's
own insert of the ~150 values of a document. Here SQLAlchemy's compiler still writes the statement
(`insert(table).inline().compile(dialect=…, column_keys=…)`: the dialect's quoting and paramstyle,
PostgreSQL's casts), once per table, columns and dialect, and the rows go as they are to
`Connection.exec_driver_sql`, i.e. the DBAPI `cursor.executemany` (PEP 249) of the same transaction:
tuples in the statement's order for a positional paramstyle (SQLite's `?`), the rows' own dicts for a
named one (psycopg's `%(name)s`). A column whose type converts values for the dialect (a bind
processor) has it applied, so the stored values are those SQLAlchemy would store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection, Dialect


@dataclass(frozen=True)
class _Statement:
    sql: str
    as_params: Callable[[list[dict]], Sequence[Any]]  # the rows as the driver takes them


_compiled: dict[tuple, _Statement] = {}


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` into `table` in one executemany, in the order given. Every row has the keys of the
    first, and gives every column that has a default (the driver gets the rows as they are: no default is
    filled in; a row without such a column is refused with a ValueError naming the table)."""
    if not rows:
        return
    dialect = conn.dialect
    key = (table, tuple(rows[0]), type(dialect), dialect.paramstyle)
    statement = _compiled.get(key)
    if statement is None:
        statement = _compiled[key] = _compile(table, key[1], dialect)
    conn.exec_driver_sql(statement.sql, statement.as_params(rows))


def _compile(table: Table, columns: tuple[str, ...], dialect: Dialect) -> _Statement:
    # inline(): no RETURNING of the new key (PostgreSQL adds it to a single-row INSERT otherwise)
    compiled = insert(table).inline().compile(dialect=dialect, column_keys=list(columns))
    names = list(compiled.positiontup) if compiled.positional else list(compiled.binds)
    if sorted(names) != sorted(columns):
        raise ValueError(f"INSERT INTO {table.name}: compiled with {names}, rows have {list(columns)}")
    processors = {n: p for n in names
                  if (p := table.c[n].type.dialect_impl(dialect).bind_processor(dialect)) is not None}
    if compiled.positional:
        row_tuple = itemgetter(*names) if len(names) > 1 else (lambda r: (r[names[0]],))
        if not processors:
            return _Statement(compiled.string, lambda rows: list(map(row_tuple, rows)))
        converted = [(i, processors[n]) for i, n in enumerate(names) if n in processors]
        return _Statement(compiled.string, lambda rows: [_convert(row_tuple(r), converted) for r in rows])
    if not processors:
        return _Statement(compiled.string, lambda rows: rows)
    return _Statement(compiled.string, lambda rows: [
        {**r, **{n: p(r[n]) for n, p in processors.items()}} for r in rows])


def _convert(values: tuple, converted: list[tuple[int, Callable[[Any], Any]]]) -> tuple:
    """The row with the dialect's conversions applied to the columns that have one."""
    out = list(values)
    for i, process in converted:
        out[i] = process(out[i])
    return tuple(out)
