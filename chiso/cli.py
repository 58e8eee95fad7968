"""The `chiso` command: a few lines per command over the library (chiso/api.py).

Exit codes: 0 done; 1 some files failed (ingest) or errors found (check); 2 bad usage or a
warehouse that cannot be used; 130 interrupted. A problem is one line naming the file or the
setting and the reason; `--debug` shows the traceback too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer

from chiso.console import console, error

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                  help="Vietnamese governance-index reports → canonical warehouse (SQLite, PostgreSQL).")

DB_HELP = "Database URL, e.g. sqlite:///warehouse.sqlite or postgresql://user@host/db (default: ./chiso-warehouse.sqlite)"
DbOption = Annotated[str | None, typer.Option("--db", help=DB_HELP)]
_DEBUG = {"on": False}


@app.callback()
def main_options(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks")] = False) -> None:
    _DEBUG["on"] = debug


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """One error path: a ChisoError or an OS error is one line and exit 2; anything else is a bug, said so."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as e:
            code = _report(e)
            if _DEBUG["on"]:  # the failure's own traceback
                import traceback

                traceback.print_exception(e)
        raise typer.Exit(code)

    return run


def _report(e: Exception) -> int:
    """Say what went wrong in one line; the exit code. (chiso.model is imported here, when a command
    fails, not when the command line is parsed: `chiso --help` does not need it.)"""
    from chiso.model import ChisoError

    if isinstance(e, ChisoError):
        error(str(e))
        return e.exit_code
    if isinstance(e, OSError):
        error(f"{e.filename or ''}: {e.strerror or e}".lstrip(": "))
        return 2
    error(f"internal error ({type(e).__name__}: {e}); run again with --debug for the traceback")  # a bug
    return 70


@app.command()
@friendly
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders (searched recursively)")],
    db: DbOption = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (default: all cores)")] = 0,
    timeout: Annotated[int, typer.Option("--timeout", help="Seconds allowed per file")] = 300,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only failures and the summary")] = False,
) -> None:
    """Read every document under PATHS into the warehouse; unchanged files are skipped."""
    from chiso.console import ingest_progress, ingest_summary
    from chiso.pipeline import ingest as run_ingest

    with ingest_progress(quiet) as (on_file, on_progress):
        report = run_ingest(paths, db, jobs=jobs, timeout=timeout, on_file=on_file, on_progress=on_progress)
    ingest_summary(report)
    raise typer.Exit(report.exit_code)


@app.command("export")
@friendly
def export_cmd(
    outdir: Annotated[Path, typer.Argument(help="Folder for the export files (CSV, Parquet, datapackage.json)")],
    db: DbOption = None,
    index: Annotated[list[str] | None, typer.Option("--index", help="Only this index (SIPAS, PAR_INDEX, PAPI, "
                                                    "PCI); repeat or comma-separate")] = None,
    province: Annotated[list[str] | None, typer.Option("--province", help="Only this province; repeat or "
                                                       "comma-separate")] = None,
    year: Annotated[list[str] | None, typer.Option("--year", help="Only this year or range (2019-2023); repeat "
                                                   "or comma-separate")] = None,
    excel: Annotated[bool, typer.Option("--excel", help="UTF-8 with a byte-order mark, for Excel")] = False,
) -> None:
    """Write observations, documents, best values and a wide table (CSV and Parquet), datapackage.json
    and Datasette's metadata.json."""
    from chiso.api import export

    if outdir.exists() and not outdir.is_dir():
        from chiso.model import ChisoError

        raise ChisoError(f"{outdir}: is a file, not a folder for the export")
    try:
        done = export(db, outdir, index=index, province=province, year=year, excel=excel)
    except ValueError as e:
        from chiso.model import ChisoError

        raise ChisoError(f"export: {e}") from None
    console.print(f"wrote {len(done.files)} files to {done.outdir}: "
                  + ", ".join(f"{n} {t}" for t, n in done.rows.items() if t != "flag_codes"))


@app.command()
@friendly
def check(
    db: DbOption = None,
    show_info: Annotated[bool, typer.Option("--info", help="Also list info-level findings")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit non-zero on warnings too")] = False,
) -> None:
    """Report every flag by document and severity; exit 1 when there are errors (a pipeline gate)."""
    from chiso.console import flag_report
    from chiso.load.warehouse import Warehouse

    totals = flag_report(Warehouse(db, read_only=True).flag_rows(), show_info)
    raise typer.Exit(1 if totals["error"] or (strict and totals["warning"]) else 0)


def _set_spec(spec: str) -> tuple[int, str]:
    from chiso.model import ChisoError

    item, sep, code = spec.partition("=")
    if not sep or not item.strip().isdigit() or not code.strip():
        raise ChisoError(f"--set {spec!r}: write it as ID=CODE (e.g. --set 4=sipas.services.access)")
    return int(item), code.strip()


@app.command()
@friendly
def review(
    db: DbOption = None,
    accept: Annotated[list[int] | None, typer.Option("--accept", help="Accept the best candidate of item ID")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="ID=CODE: link item ID to a catalogue code")] = None,
    reject: Annotated[list[int] | None, typer.Option("--reject", help="Item ID is not a catalogued criterion")] = None,
    export_csv: Annotated[Path | None, typer.Option("--export", help="Write the queue to a CSV to decide")] = None,
    import_csv: Annotated[Path | None, typer.Option("--import", help="Apply the 'decision' column of a CSV")] = None,
) -> None:
    """List labels queued for review, or record decisions (replayed on every later ingest)."""
    from chiso.console import review_queue
    from chiso.load.review import decide, export_queue, import_decisions, open_items
    from chiso.load.warehouse import Warehouse

    decisions = [(i, "accept") for i in accept or []] + [_set_spec(x) for x in set_ or []] + \
        [(i, "none") for i in reject or []]
    writes = bool(decisions or import_csv)
    wh = Warehouse(db, read_only=not writes)
    for item, target in decisions:
        console.print(f"item {item}: → {target}, {decide(wh, item, target)} observations updated")
    if import_csv:
        n, m = import_decisions(wh, import_csv)
        console.print(f"{n} decisions applied from {import_csv}, {m} observations updated")
    if export_csv:
        console.print(f"{export_queue(wh, export_csv)} open items written to {export_csv}")
    if not (writes or export_csv):
        review_queue(open_items(wh))


def main() -> None:  # pragma: no cover
    sys.exit(app())


# --- pictures (chiso/visual): thin wrappers ------------------------------------------------
@app.command()
def show(
    ident: Annotated[str, typer.Argument(help="Observation uid (16 hex digits) or integer id")],
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG to write")],
    db: DbOption = None,
    all_places: Annotated[bool, typer.Option("--all", help="Every place the value is printed, stacked")] = False,
    source: Annotated[Path | None, typer.Option("--source", help="The document's file, if it moved")] = None,
) -> None:
    """Draw a value on the page it was printed on, marked in red (DOCX via LibreOffice)."""
    from chiso.visual import commands

    raise typer.Exit(commands.show(console, db, ident, out, all_places, source))


@app.command()
def plot(
    province: Annotated[str, typer.Option("--province", help="Province, e.g. 'Lai Châu'")],
    index: Annotated[str, typer.Option("--index", help="SIPAS, PAR_INDEX, PAPI or PCI")],
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG or SVG to write")],
    criterion: Annotated[str | None, typer.Option("--criterion", help="Criterion code (default: the index total)")] = None,
    db: DbOption = None,
) -> None:
    """Draw a province's index over the years, with the national figure and disagreements marked."""
    from chiso.visual import commands

    raise typer.Exit(commands.plot(console, db, province, index, out, criterion))


@app.command("report")
def report_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write")],
    db: DbOption = None,
) -> None:
    """Write one self-contained HTML page: runs, documents, flags with pictures, review queue."""
    from chiso.visual import commands

    raise typer.Exit(commands.report(console, db, out))
