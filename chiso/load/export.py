"""The export: the files other tools (pandas, R, BI, spreadsheets, Datasette, the scorer) rely on.

`observations.csv` and `documents.csv` are a contract: their first columns keep their names and
order (CONTRACT_*), new columns are only ever appended. Beside them: Parquet twins with real types,
`best.csv`/`best.parquet` (one row per fact by the best-value rule of chiso/load/views.py), `wide.csv`
for spreadsheets, `flag_codes.csv`, a Frictionless `datapackage.json` describing every file, and a
Datasette `metadata.json` for the warehouse itself.

Text cells of the CSVs that a spreadsheet would run as a formula are escaped as OWASP's CSV
injection guidance says (https://owasp.org/www-community/attacks/CSV_Injection, ASVS 5.0 V1.2.10):
a cell beginning with `=`, `+`, `-`, `@`, tab or carriage return gets a leading single quote. The
Parquet files hold the text unchanged: they are read by programs, not spreadsheets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import text

from chiso.load.columns import column, flag_codes
from chiso.load.datapackage import write_datapackage
from chiso.load.datasette_meta import write_datasette_metadata
from chiso.load.dialect import snapshot
from chiso.load.facts import BEST_COLUMNS, best_table, wide_table
from chiso.load.filters import ExportFilter
from chiso.load.warehouse import Warehouse

CONTRACT_OBSERVATION_COLUMNS = ["source_file", "page", "index", "year", "province", "entity", "criterion",
                                "label", "value", "unit", "max", "rank", "rank_of", "flags"]
CONTRACT_DOCUMENT_COLUMNS = ["source_file", "sha256", "province", "issuer", "doc_type", "number", "date",
                             "indices", "report_year", "draft"]
OBSERVATION_COLUMNS = CONTRACT_OBSERVATION_COLUMNS + ["id", "sha256", "series", "decimals", "is_best",
                                                      "ocr_confidence"]
DOCUMENT_COLUMNS = CONTRACT_DOCUMENT_COLUMNS + ["date_precision", "title", "pages"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# every exported value with its fact's ranking (views.py): the best-value rule is not repeated here
_OBS_SQL = """
SELECT source_file, page, "index", year, province, entity, criterion, label, value, unit, max, rank, rank_of,
       flags, uid AS id, sha256, series, decimals, preference, best_id, id AS row_id, n_documents, agree, draft,
       ocr_confidence
FROM ranked_observation WHERE measure = 'value'
ORDER BY source_file, row_id
"""
_DOC_SQL = """
SELECT source_file, sha256, province, issuer, doc_type, number, date, indices, report_year, draft, title, pages
FROM document WHERE status = 'current' ORDER BY source_file
"""


@dataclass
class Exported:
    """What an export wrote: file name → path, and rows per table."""

    outdir: Path
    files: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def export(warehouse: Warehouse, outdir: str | Path, *, index: Sequence[str] = (), province: Sequence[str] = (),
           year: Sequence[str] = (), excel: bool = False) -> Exported:
    """Write every export file to `outdir`; `index`, `province`, `year` restrict it to those facts
    (each item may be a comma list, years may be ranges `2019-2023`); `excel` adds a UTF-8 byte-order
    mark to the CSVs so Excel reads the Vietnamese text right.

    Raises ValueError with a readable message for an unknown index, province or year.
    """
    wanted = ExportFilter.parse(index, province, year)
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    with snapshot(warehouse.engine) as conn:  # observations and documents as of one moment
        ranked = pd.read_sql(text(_OBS_SQL), conn)
        docs = pd.read_sql(text(_DOC_SQL), conn)
    # the row order of the SQL, in code-point order on every engine (a PostgreSQL collation such as
    # en_US orders file names otherwise)
    ranked = ranked.sort_values(["source_file", "row_id"], kind="stable", ignore_index=True)
    docs = docs.sort_values("source_file", kind="stable", ignore_index=True)
    ranked = ranked[wanted.observation_mask(ranked)]
    docs = docs[wanted.document_mask(docs, set(ranked["sha256"]))]
    tables = {
        "observations": typed(_observations(ranked), "observations"),
        "documents": typed(_documents(docs), "documents"),
        "best": typed(best_table(ranked)[BEST_COLUMNS], "best"),
    }
    tables["wide"] = typed(wide_table(tables["best"]), "wide")
    tables["flag_codes"] = typed(pd.DataFrame([vars(f) for f in flag_codes()]), "flag_codes")
    done = Exported(out)
    for name, frame in tables.items():
        done.files[f"{name}.csv"] = write_csv(frame, out / f"{name}.csv", name, excel)
        done.rows[name] = len(frame)
    for name in ("observations", "documents", "best"):
        done.files[f"{name}.parquet"] = write_parquet(tables[name], out / f"{name}.parquet", name)
    done.files["datapackage.json"] = write_datapackage(out, tables, excel)
    done.files["metadata.json"] = write_datasette_metadata(out / "metadata.json", warehouse)
    return done


def _observations(ranked: pd.DataFrame) -> pd.DataFrame:
    obs = ranked.copy()
    obs["is_best"] = obs["preference"] == 1
    return obs[OBSERVATION_COLUMNS]


def _documents(docs: pd.DataFrame) -> pd.DataFrame:
    docs = docs.copy()
    dates = [iso_date(v) for v in docs["date"]]
    docs["date"] = [d for d, _ in dates]
    docs["date_precision"] = [p for _, p in dates]
    return docs[DOCUMENT_COLUMNS]


def iso_date(printed: str | None) -> tuple[date | None, str | None]:
    """'2024-03-20' → day, '2024-03' → 1 March (month), '2024' → 1 January (year): one ISO date type
    for the column, with the precision beside it so no reader mistakes the 1st for a printed day."""
    if not printed:
        return None, None
    parts = str(printed).split("-")
    try:
        numbers = [int(p) for p in parts[:3]]
        return date(numbers[0], *(numbers[1:] + [1, 1])[:2]), ("year", "month", "day")[len(numbers) - 1]
    except (ValueError, IndexError):
        return None, None


def typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Give each column the type the data dictionary declares: nullable integers stay integers,
    empty text is missing (as an empty CSV cell is), booleans are booleans, dates are dates."""
    frame = frame.reset_index(drop=True).copy()
    for name in frame.columns:
        kind = column(table, str(name)).type
        values = frame[name]
        if kind == "integer":
            frame[name] = pd.to_numeric(values).round().astype("Int64")
        elif kind == "number":
            frame[name] = pd.to_numeric(values).astype("float64")
        elif kind == "boolean":
            frame[name] = _each(values, lambda v: None if v is None or pd.isna(v) else bool(v)).astype("boolean")
        elif kind == "date":
            frame[name] = _each(values, lambda v: v if isinstance(v, date) else None)
        elif kind in ("string", "array"):
            frame[name] = _each(values, _text)
    return frame


def _each(values: pd.Series, f: Callable[[Any], Any]) -> pd.Series:
    """`f` of every value, as an object column. A list comprehension: `Series.map` calls `f` the same
    way but then looks for a narrower type for the result, which costs as much again."""
    return pd.Series([f(v) for v in values.tolist()], index=values.index, dtype=object)


def _text(value: object) -> str | None:
    """Text as text, None for a missing value or an empty string."""
    if type(value) is str:
        return value or None
    return None if value is None or pd.isna(value) else str(value)


def escape_formula(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading single quote (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(frame: pd.DataFrame, path: Path, table: str, excel: bool = False) -> Path:
    out = frame.copy()
    for name in out.columns:
        kind = column(table, str(name)).type
        if kind == "string":
            out[name] = _each(out[name], escape_formula)
        elif kind == "boolean":
            out[name] = _each(out[name], lambda v: "" if pd.isna(v) else ("true" if v else "false"))
        elif kind == "date":
            out[name] = _each(out[name], lambda v: v.isoformat() if isinstance(v, date) else "")
    out.to_csv(path, index=False, encoding="utf-8-sig" if excel else "utf-8", lineterminator="\n")
    return path


_ARROW = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "date": pa.date32(),
          "string": pa.string(), "array": pa.string()}


def write_parquet(frame: pd.DataFrame, path: Path, table: str) -> Path:
    """Parquet with the declared types (an `array` column, `sources`, is its JSON text, as in the CSV)."""
    schema = pa.schema([pa.field(str(n), _ARROW[column(table, str(n)).type]) for n in frame.columns])
    pq.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False), path)
    return path
