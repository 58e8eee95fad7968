"""chiso as a library: the four calls the command line is made of.

    import chiso
    doc = chiso.interpret("report.pdf")           # one document: observations, flags, metadata
    report = chiso.ingest(["reports/"], db="sqlite:///w.sqlite", jobs=2)
    wh = chiso.Warehouse("sqlite:///w.sqlite", read_only=True)
    chiso.export(wh, "out/", index=["PAPI"])

Like sqlite-utils' `Database` and camelot's `read_pdf`, these are what the `chiso` command
calls too: the command parses arguments, shows progress and prints the report.

Each call loads only what it needs: `export` does not import the ingest loop (its claims,
workers and readers), `ingest` does not import pandas.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from chiso.load.warehouse import Warehouse
from chiso.model import ChisoError, Interpretation
from chiso.pipeline import process_file

if TYPE_CHECKING:
    from chiso.load.export import Exported
    from chiso.pipeline.batch import FileReport, IngestReport, ingest

__all__ = ["ChisoError", "Exported", "FileReport", "IngestReport", "Interpretation", "Warehouse", "export",
           "ingest", "interpret"]


def __getattr__(name: str) -> Any:  # the ingest loop and the export's result type: only when asked for
    if name in ("ingest", "IngestReport", "FileReport"):
        from chiso.pipeline import batch

        return getattr(batch, name)
    if name == "Exported":
        from chiso.load.export import Exported

        return Exported
    raise AttributeError(f"module 'chiso.api' has no attribute {name!r}")


def interpret(path: str | Path) -> Interpretation:
    """Read, interpret, match and check one document, with no warehouse.

    Raises ChisoError naming the file and the reason when it cannot be read (damaged,
    encrypted, scanned without OCR, not a report …).
    """
    result = process_file(path)
    if not result.ok or result.interpretation is None:
        raise ChisoError(f"{path}: {result.error or 'could not be read'}")
    return result.interpretation


def export(warehouse: Warehouse | str | None, outdir: str | Path, *, index: list[str] | None = None,
           province: list[str] | None = None, year: list[str] | None = None, excel: bool = False) -> Exported:
    """Write the export files (CSV, Parquet, best values, wide table, datapackage.json) into outdir."""
    from chiso.load.export import export as _export

    wh = warehouse if isinstance(warehouse, Warehouse) else Warehouse(warehouse, read_only=True)
    return _export(wh, outdir, index=index or [], province=province or [], year=year or [], excel=excel)
