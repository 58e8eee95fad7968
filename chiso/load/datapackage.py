"""`datapackage.json`: a Frictionless Data Package describing every exported file.

Frictionless (https://specs.frictionlessdata.io/data-package/, Table Schema) is what `frictionless
validate`, R's `frictionless`, Datasette plugins and many BI importers read: field types, primary and
foreign keys, enumerations and descriptions travel with the files, so a reader need not guess that
`page` is an integer or that `flags` holds codes from a fixed list. Descriptions come from the data
dictionary (chiso/db/columns.csv, via chiso/load/columns.py); the enumerations from their own homes
(the catalogue's indices, the document kinds read from numbers, flags.csv).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from chiso.interpret.meta import DOC_KINDS
from chiso.load.columns import column, flag_codes, table_description
from chiso.load.filters import known_indices
from chiso.load.views import BEST_RULE

CSV_NOTE = ("Text cells beginning with =, +, -, @, a tab or a carriage return are prefixed with a single "
            "quote (') so that spreadsheets do not run them as formulas (OWASP CSV injection); strip one "
            "leading quote from such cells to get the printed text, or read the Parquet file.")
PARQUET_NOTE = "The same rows and columns as {csv}, with real types; text is stored as printed (not escaped)."

_KEYS = {
    "observations": (["id"], [("sha256", "documents", "sha256")]),
    "documents": (["sha256"], []),
    "best": (["id"], [("id", "observations", "id"), ("sha256", "documents", "sha256")]),
    "flag_codes": (["code"], []),
}
PARQUET_TABLES = ("observations", "documents", "best")


def _list_pattern(codes: list[str]) -> str:
    """A ';'-separated list of known codes, e.g. 'above_max;cross_source_conflict'."""
    one = "(" + "|".join(codes) + ")"
    return f"{one}(;{one})*"


def _constraints(table: str, name: str) -> dict:
    col = column(table, name)
    if col.enum:
        return {"enum": list(col.enum)}
    if name == "index":
        return {"enum": known_indices()}
    if name == "doc_type":
        return {"enum": sorted(set(DOC_KINDS.values()))}
    if name == "flags":
        return {"pattern": _list_pattern([f.code for f in flag_codes()])}
    if name == "indices":
        return {"pattern": _list_pattern(known_indices())}
    if name == "sha256":
        return {"pattern": "[0-9a-f]{64}"}
    return {}


def _field(table: str, name: str) -> dict:
    col = column(table, name)
    field = {"name": name, "type": col.type, "description": col.description}
    constraints = _constraints(table, name)
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(table: str, columns: list[str], suffix: str = "") -> dict:
    schema: dict = {"fields": [_field(table, c) for c in columns], "missingValues": [""]}
    primary, foreign = _KEYS.get(table, ([], []))
    if primary:
        schema["primaryKey"] = primary
    if foreign:
        schema["foreignKeys"] = [{"fields": [f], "reference": {"resource": f"{res}{suffix}", "fields": [ref]}}
                                 for f, res, ref in foreign]
    return schema


def package_descriptor(tables: dict[str, pd.DataFrame], excel: bool = False) -> dict:
    resources = []
    for name, frame in tables.items():
        columns = [str(c) for c in frame.columns]
        resources.append({
            "name": name, "path": f"{name}.csv", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8-sig" if excel else "utf-8", "profile": "tabular-data-resource",
            "description": f"{table_description(name)} {CSV_NOTE}",
            "schema": table_schema(name, columns)})
        if name in PARQUET_TABLES:
            resources.append({
                "name": f"{name}-parquet", "path": f"{name}.parquet", "format": "parquet",
                "mediatype": "application/vnd.apache.parquet", "profile": "tabular-data-resource",
                "description": f"{table_description(name)} {PARQUET_NOTE.format(csv=name + '.csv')}",
                "schema": table_schema(name, columns, "-parquet")})
    return {
        "name": "chiso-export",
        "title": "Vietnamese provincial governance indices (SIPAS, PAR INDEX, PAPI, PCI) from published reports",
        "description": ("Values read from provinces' published decisions, reports and letters, with their "
                        "provenance and flags, exported by chiso. " + BEST_RULE),
        "profile": "tabular-data-package",
        "resources": resources,
    }


def write_datapackage(outdir: Path, tables: dict[str, pd.DataFrame], excel: bool = False) -> Path:
    path = Path(outdir) / "datapackage.json"
    path.write_text(json.dumps(package_descriptor(tables, excel), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    return path
