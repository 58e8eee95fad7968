"""`metadata.json` for Datasette: the warehouse opened in a browser, with every table explained.

Datasette (https://docs.datasette.io/en/stable/metadata.html) shows a table's `description` above it
and the `columns` descriptions in a list under it, and `facets` as suggested filters; run
`datasette warehouse.sqlite -m OUTDIR/metadata.json`. The tables and columns are read from the
warehouse itself, so a column added to the schema shows up (with its description when
chiso/db/columns.csv has one). Units are given in the descriptions, not as Datasette `units`: the
unit of `value` and `max` varies by row (the `unit` column), which Datasette's per-column units
cannot express.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import inspect

from chiso.load.columns import column, table_description
from chiso.load.views import BEST_RULE, VIEWS
from chiso.load.warehouse import Warehouse

_FACETS = {"observation": ["index", "year", "entity"], "best_observation": ["index", "year", "entity"],
           "wide_observation": ["index", "province"],
           "document": ["province", "doc_type", "status"], "flag": ["code", "severity"]}


def database_name(warehouse: Warehouse) -> str:
    """Datasette names a database after its file's stem; a server database is called 'chiso'."""
    if warehouse.url.startswith("sqlite") and ":memory:" not in warehouse.url:
        return Path(warehouse.url.split("///", 1)[-1]).stem
    return "chiso"


def _table_metadata(name: str, columns: list[str]) -> dict:
    description = table_description(name)
    if name in VIEWS:
        description = f"{description} {BEST_RULE}"
    meta: dict = {"description": description,
                  "columns": {c: column(name, c).description for c in columns if column(name, c).description}}
    if name in _FACETS:
        meta["facets"] = _FACETS[name]
    return meta


def datasette_metadata(warehouse: Warehouse) -> dict:
    found = inspect(warehouse.engine)
    names = found.get_table_names() + [v for v in found.get_view_names() if v in VIEWS]
    tables = {name: _table_metadata(name, [c["name"] for c in found.get_columns(name)]) for name in sorted(names)}
    return {
        "title": "chiso warehouse",
        "description": ("Governance-index values (SIPAS, PAR INDEX, PAPI, PCI) read from Vietnamese provinces' "
                        "published documents, each with its provenance and flags. " + BEST_RULE),
        "source": "chiso",
        "databases": {database_name(warehouse): {"tables": tables}},
    }


def write_datasette_metadata(path: Path, warehouse: Warehouse) -> Path:
    path.write_text(json.dumps(datasette_metadata(warehouse), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    return path
