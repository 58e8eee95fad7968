"""What every exported and warehouse column means, read from chiso/db/columns.csv and chiso/db/flags.csv.

One home for the data dictionary: the Frictionless `datapackage.json`, Datasette's `metadata.json`
and the export's types (which columns are text to escape, integers to keep nullable, dates) all read
it here, so a column is described once.

`columns.csv` rows: `table, name, type, enum, description`; table `*` is the default for a column name
in any table, a named table overrides it; an empty name describes the table itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from chiso.db.reference import read_csv


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Frictionless type: string, integer, number, boolean, date, array
    description: str
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlagCode:
    code: str
    severity: str
    meaning: str


@cache
def _rows() -> dict[tuple[str, str], dict[str, str]]:
    return {(r["table"], r["name"]): r for r in read_csv("columns.csv")}


def column(table: str, name: str) -> Column:
    """The column `name` of `table`, falling back to the column's general meaning; a year column of
    the wide table (`2023`) is the best value of that year."""
    row = _rows().get((table, name)) or _rows().get(("*", name))
    if row is None:
        if name.isdigit():
            return Column(name, "number", f"Best value for {name}, in the row's unit.")
        return Column(name, "string", "")
    general = _rows().get(("*", name), {})
    enum = row.get("enum") or general.get("enum", "")
    return Column(name, row.get("type") or general.get("type") or "string", row["description"],
                  tuple(e for e in enum.split(";") if e))


def table_description(table: str) -> str:
    row = _rows().get((table, ""))
    return row["description"] if row else ""


@cache
def flag_codes() -> tuple[FlagCode, ...]:
    """Every flag code with its severity and meaning (README's "Checks and conflicts" table)."""
    return tuple(FlagCode(r["code"], r["severity"], r["meaning"]) for r in read_csv("flags.csv"))


def flag_table_markdown() -> str:
    """The README table of flag codes, made from flags.csv so the two cannot drift apart."""
    lines = ["| code | severity | meaning |", "|---|---|---|"]
    lines += [f"| `{f.code}` | {f.severity} | {f.meaning} |" for f in flag_codes()]
    return "\n".join(lines)
