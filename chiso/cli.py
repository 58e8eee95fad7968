"""The `chiso` command: ingest, export, check, review."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from chiso.load.identity import source_key
from chiso.model import FileResult
from chiso.pipeline import SUPPORTED_SUFFIXES, process_file

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, help="Vietnamese governance-index reports → canonical SQLite warehouse.")
console = Console(stderr=False, highlight=False, soft_wrap=True)

DB_HELP = "Database URL, e.g. sqlite:///warehouse.sqlite (default: ./chiso-warehouse.sqlite)"
FILE_TIMEOUT = 300
DbOption = Annotated[str | None, typer.Option("--db", help=DB_HELP)]


def open_warehouse(db: str | None):  # noqa: ANN201
    """The warehouse, or one line saying why it cannot be opened (driver missing, server away,
    another application's database, a newer chiso's schema) and exit code 2."""
    from rich.markup import escape

    from chiso.load.dialect import WarehouseError
    from chiso.load.warehouse import Warehouse

    try:
        return Warehouse(db)
    except WarehouseError as e:
        console.print(f"[red]chiso:[/] {escape(str(e))}")
        raise typer.Exit(2) from None


def collect(paths: list[Path]) -> list[Path]:
    """Files to ingest: given files as they are, folders recursively by extension."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            out.append(p)
    return list(dict.fromkeys(out))


class _Timeout(Exception):
    pass


def _alarm(_sig, _frm):  # noqa: ANN001
    raise _Timeout()


_KNOWN: frozenset[str] = frozenset()
_ALIASES: dict[tuple[str, str, str], str] = {}


def _set_context(known: frozenset[str], aliases: dict[tuple[str, str, str], str]) -> None:
    """The warehouse's hashes (to skip unchanged files without parsing) and the reviewed
    aliases (to match labels as a person decided), given once per process."""
    global _KNOWN, _ALIASES
    _KNOWN, _ALIASES = known, aliases


def _init_worker(known: frozenset[str], aliases: dict[tuple[str, str, str], str]) -> None:
    _set_context(known, aliases)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled by the main process


def process_with_limit(path: str, seconds: int = FILE_TIMEOUT, known: frozenset[str] | None = None) -> FileResult:
    """process_file with a wall-clock limit, so one hostile file cannot hang a backfill."""
    use_alarm = hasattr(signal, "SIGALRM")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return process_file(path, _KNOWN if known is None else known, _ALIASES)
    except _Timeout:
        return FileResult(path, None, error=f"took longer than {seconds} s: stopped (file too complex or hostile)",
                          error_code="timeout", seconds=float(seconds))
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders (searched recursively) of PDF/DOCX reports")],
    db: DbOption = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (default: all cores)")] = 0,
    timeout: Annotated[int, typer.Option("--timeout", help="Seconds allowed per file")] = FILE_TIMEOUT,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary")] = False,
) -> None:
    """Read every PDF/DOCX under PATHS into the warehouse; unchanged files are skipped."""
    from chiso.load.claims import claimed_paths, open_claims, pooled

    wh = open_warehouse(db)
    files = [str(f) for f in collect(paths)]
    missing = [p for p in paths if not p.exists()]
    run_id = wh.start_run(" ".join(str(p) for p in paths))
    counts: Counter[str] = Counter(files=len(files) + len(missing))
    failures: list[tuple[str, str]] = []
    started = time.perf_counter()

    def report(path: str, status: str, detail: str) -> None:
        if quiet and status != "failed":
            return
        style = {"loaded": "green", "skipped_unchanged": "dim", "failed": "red"}[status]
        console.print(f"[{style}]{status:18s}[/] {path}  {detail}")

    for p in missing:
        counts["failed"] += 1
        failures.append((str(p), "no such file or folder"))
        wh.record_outcome(run_id, str(p), None, "failed", "no such file or folder", "missing")
        report(str(p), "failed", "no such file or folder")

    known = frozenset(wh.known_hashes())
    _set_context(known, wh.aliases())
    claims = open_claims(wh, files, paths, run_id)  # chiso/load/claims.py
    n_jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    totals: Counter[str] = Counter()

    def record(path: str, sha256: str | None, status: str, reason: str | None = None, code: str | None = None,
               n_obs: int = 0, seconds: float = 0.0) -> None:
        wh.record_outcome(run_id, path, sha256, status, reason, code, n_obs, seconds)
        claims.release(path, status, sha256, reason)

    keys = {f: source_key(Path(f), paths) for f in files}

    def handle(res: FileResult) -> None:
        totals["pages"] += res.pages or 0
        res.source_key = keys.get(res.path) or Path(res.path).as_posix()
        if res.unchanged:
            counts["skipped_unchanged"] += 1
            record(res.path, res.sha256, "skipped_unchanged", seconds=res.seconds)
            report(res.path, "skipped_unchanged", "same sha256 already loaded")
            return
        if not res.ok:
            counts["failed"] += 1
            failures.append((res.path, res.error or "unknown"))
            record(res.path, res.sha256, "failed", res.error, res.error_code, seconds=res.seconds)
            report(res.path, "failed", res.error or "")
            return
        try:
            info = wh.load_document(res)
            n = None if info is None else info.observations
        except Exception as e:  # the transaction rolled back: nothing of this file is in the warehouse
            counts["failed"] += 1
            failures.append((res.path, f"could not be loaded: {e}"))
            record(res.path, res.sha256, "failed", f"load error: {e}", "load_error")
            report(res.path, "failed", f"load error: {e}")
            return
        if n is None:
            counts["skipped_unchanged"] += 1
            record(res.path, res.sha256, "skipped_unchanged", "loaded meanwhile by another run")
            report(res.path, "skipped_unchanged", "loaded meanwhile by another run")
            return
        totals["observations"] += n
        counts["loaded"] += 1
        record(res.path, res.sha256, "loaded", "; ".join(res.warnings) or None, n_obs=n, seconds=res.seconds)
        m = res.interpretation.meta  # type: ignore[union-attr]
        detail = f"{n} observations  ({m.doc_type or '?'} {m.province or '?'} {';'.join(m.indices)} {m.report_year or ''})"
        if res.warnings:
            detail += "  — " + "; ".join(res.warnings)
        for r in info.replaced:  # type: ignore[union-attr]
            detail += f"  — replaces {r.source_key} ({r.reason})"
        if info.reinstated:  # type: ignore[union-attr]
            detail += "  — an earlier version, current again"
        report(res.path, "loaded", detail)

    progress = Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[stats]}"),
                        TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True,
                        disable=quiet or not console.is_terminal)

    def stats() -> str:
        rate = totals["pages"] / max(time.perf_counter() - started, 1e-9)
        return (f"{totals['pages']} pages, {totals['observations']} obs, {counts['failed']} failed, "
                f"{rate:.1f} pages/s")

    interrupted = False
    with progress:
        task = progress.add_task("ingest", total=len(files), stats="")
        try:
            for path, sha256 in claims.done_before:  # finished by an earlier run (shared claims only)
                handle(FileResult(path, sha256, unchanged=True))
            if n_jobs <= 1 or len(files) <= 1:
                for path in claimed_paths(claims):
                    handle(process_with_limit(path, timeout, known))
                    progress.update(task, advance=1, stats=stats())
            else:
                with ProcessPoolExecutor(max_workers=n_jobs, initializer=_init_worker,
                                         initargs=(known, _ALIASES)) as pool:
                    feed = pooled(claims, lambda p: pool.submit(process_with_limit, p, timeout), 2 * n_jobs)
                    try:
                        for path, fut in feed:
                            try:
                                res = fut.result()
                            except Exception as e:  # a worker died (e.g. killed for memory)
                                res = FileResult(path, None, error=f"worker crashed ({type(e).__name__})",
                                                 error_code="crash")
                            handle(res)
                            progress.update(task, advance=1, stats=stats())
                    except KeyboardInterrupt:
                        feed.close()  # cancels what has not started
                        raise
        except KeyboardInterrupt:
            interrupted = True
        finally:
            claims.close()
    elsewhere = claims.done_elsewhere()
    wh.finish_run(run_id, counts)
    elapsed = time.perf_counter() - started
    console.print(
        f"[bold]{counts['files']} files[/]: {counts['loaded']} loaded ({totals['observations']} observations), "
        f"{counts['skipped_unchanged']} unchanged, {counts['failed']} failed"
        f"{'; interrupted — run again to resume' if interrupted else ''}  [{totals['pages']} pages in {elapsed:.1f} s]")
    if elsewhere:
        console.print(f"{elsewhere} files done by other processes sharing this warehouse")
    for path, why in failures:
        console.print(f"  [red]failed[/] {path}: {why}")
    raise typer.Exit(130 if interrupted else (1 if counts["failed"] else 0))


@app.command("export")
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
    from chiso.load.export import export

    wh = open_warehouse(db)
    try:
        done = export(wh, outdir, index=index or [], province=province or [], year=year or [],
                      excel=excel)
    except ValueError as e:
        from rich.markup import escape

        console.print(f"[red]export:[/] {escape(str(e))}")
        raise typer.Exit(2) from None
    console.print(f"wrote {len(done.files)} files to {done.outdir}: "
                  + ", ".join(f"{n} {t}" for t, n in done.rows.items() if t != "flag_codes"))


@app.command()
def check(
    db: DbOption = None,
    show_info: Annotated[bool, typer.Option("--info", help="Also list info-level findings")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit non-zero on warnings too")] = False,
) -> None:
    """Report every flag by document and severity; exit 1 when there are errors (a pipeline gate)."""
    from chiso.checks.report import flag_report

    totals = flag_report(open_warehouse(db), console, show_info)
    raise typer.Exit(1 if totals["error"] or (strict and totals["warning"]) else 0)


@app.command()
def review(
    db: DbOption = None,
    accept: Annotated[list[int] | None, typer.Option("--accept", help="Accept the best candidate of item ID")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="ID=CODE: link item ID to a catalogue code")] = None,
    reject: Annotated[list[int] | None, typer.Option("--reject", help="Item ID is not a catalogued criterion")] = None,
    export_csv: Annotated[Path | None, typer.Option("--export", help="Write the queue to a CSV to decide")] = None,
    import_csv: Annotated[Path | None, typer.Option("--import", help="Apply the 'decision' column of a CSV")] = None,
) -> None:
    """List labels queued for review, or record decisions (replayed on every later ingest)."""
    import json

    from rich.table import Table

    from chiso.load.review import decide, export_queue, import_decisions, open_items

    wh = open_warehouse(db)
    acted = False
    for item in accept or []:
        console.print(f"item {item}: accepted, {decide(wh, item, 'accept')} observations updated")
        acted = True
    for spec in set_ or []:
        item, _, code = spec.partition("=")
        console.print(f"item {item}: → {code}, {decide(wh, int(item), code.strip())} observations updated")
        acted = True
    for item in reject or []:
        console.print(f"item {item}: not in the catalogue, {decide(wh, item, 'none')} observations updated")
        acted = True
    if import_csv:
        n, m = import_decisions(wh, import_csv)
        console.print(f"{n} decisions applied from {import_csv}, {m} observations updated")
        acted = True
    if export_csv:
        console.print(f"{export_queue(wh, export_csv)} open items written to {export_csv}")
        acted = True
    if acted:
        return
    items = open_items(wh)
    table = Table(title=f"{len(items)} labels to review")
    for col in ("id", "index", "label as printed", "context", "best candidates"):
        table.add_column(col)
    for it in items:
        cands = "\n".join(f"{c} ({sc:g}) {n[:50]}" for c, n, sc in json.loads(it.candidates or "[]")[:3])
        table.add_row(str(it.id), it.index, it.label, it.context, cands)
    console.print(table)


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
