"""What the `chiso` command prints: file lines, the progress bar, the summary, the flag report, the queue.

Kept apart from the commands (cli.py) so that each command stays a few lines over the library.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:  # the pipeline (and the database libraries under it) load only when a command runs
    from chiso.pipeline.batch import FileReport, IngestReport

# no emoji codes: a file name or message holding ':smile:' prints as written (and rich's table of
# emoji codes is not loaded at every run)
console = Console(stderr=False, highlight=False, soft_wrap=True, emoji=False)
SEVERITIES = ("error", "warning", "info")
_STYLE = {"loaded": "green", "skipped_unchanged": "dim", "skipped": "yellow", "failed": "red"}


def error(message: str) -> None:
    console.print(f"[red]chiso:[/] {escape(message)}")


def file_line(fr: FileReport) -> None:
    detail = fr.detail or fr.reason or ""
    if fr.status == "loaded":
        share = f", {100 * fr.understood:.0f}% of numbers understood" if fr.understood is not None else ""
        detail = f"{fr.observations} observations{share}  ({detail})"
    console.print(f"[{_STYLE.get(fr.status, 'white')}]{fr.status:18s}[/] {escape(fr.path)}  {escape(detail)}")


@contextmanager
def ingest_progress(quiet: bool) -> Iterator:
    """A progress bar (files, pages, observations, failures, pages/s) and the callbacks that feed it."""
    from rich.progress import (  # only ingest shows progress
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[stats]}"),
                        TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True,
                        disable=quiet or not console.is_terminal)
    totals: Counter[str] = Counter()
    started = time.perf_counter()
    task = progress.add_task("ingest", total=None, stats="")

    def on_file(fr: FileReport) -> None:
        totals["pages"] += fr.pages
        totals["ocr"] += fr.ocr_pages
        totals["observations"] += fr.observations
        totals["failed"] += fr.status == "failed"
        if not quiet or fr.status == "failed":
            file_line(fr)

    def on_progress(done: int, total: int) -> None:
        rate = totals["pages"] / max(time.perf_counter() - started, 1e-9)
        progress.update(task, completed=done, total=total,
                        stats=f"{totals['pages']} pages" + (f" ({totals['ocr']} by OCR)" if totals["ocr"] else "")
                              + f", {totals['observations']} obs, {totals['failed']} failed, {rate:.1f} pages/s")

    with progress:
        yield on_file, on_progress


def _ocr_pages(report: IngestReport) -> str:
    n = sum(fr.ocr_pages for fr in report.files)
    return f", {n} by OCR" if n else ""


def ingest_summary(report: IngestReport) -> None:
    c = report.counts
    older = sum(fr.code == "older_copy" for fr in report.files)
    skipped = (f", {c['skipped'] - older} skipped (not documents)" if c["skipped"] - older else "") + \
        (f", {older} older copies kept as history" if older else "")
    console.print(
        f"[bold]{c['files']} files[/]: {c['loaded']} loaded ({report.observations} observations), "
        f"{c['skipped_unchanged']} unchanged{skipped}, {c['failed']} failed"
        f"{'; interrupted — run again to resume' if report.interrupted else ''}  "
        f"[{report.pages} pages{_ocr_pages(report)} in {report.seconds:.1f} s]")
    if report.done_elsewhere:
        console.print(f"{report.done_elsewhere} files done by other processes sharing this warehouse")
    for fr in report.failures:
        console.print(f"  [red]failed[/] {escape(fr.path)}: {escape(fr.reason or '')}")


def flag_report(rows: list[tuple], show_info: bool) -> Counter[str]:
    """Flags by document and severity, with each document's share of numbers understood."""
    totals: Counter[str] = Counter()
    by_doc: dict[str, list] = defaultdict(list)
    docs = {}
    for flag, doc in rows:
        totals[flag.severity] += 1
        name = doc.source_file + (" (DỰ THẢO)" if doc.draft else "")
        by_doc[name].append(flag)
        docs[name] = doc
    for name, flags in by_doc.items():
        shown = [f for f in flags if show_info or f.severity != "info"]
        doc = docs[name]
        if doc.n_numbers:
            console.print(f"{escape(name)}: {100 * (1 - (doc.n_unexplained or 0) / doc.n_numbers):.1f}% of "
                          f"{doc.n_numbers} numbers understood ({doc.n_unexplained} listed as not_understood)")
        if not shown:
            continue
        table = Table(title=name, title_justify="left", show_lines=False)
        for col in ("severity", "code", "page", "message"):
            table.add_column(col, justify="right" if col == "page" else "left")
        for sev in SEVERITIES:
            style = {"error": "red", "warning": "yellow", "info": "dim"}[sev]
            for f in (f for f in shown if f.severity == sev):
                table.add_row(f"[{style}]{sev}[/]", f.code, str(f.page or ""), escape(f.message))
        console.print(table)
    console.print(f"{totals['error']} errors, {totals['warning']} warnings, {totals['info']} info "
                  f"in {len(by_doc)} documents")
    return totals


def review_queue(items: list) -> None:
    table = Table(title=f"{len(items)} labels to review")
    for col in ("id", "index", "label as printed", "context", "best candidates"):
        table.add_column(col)
    for it in items:
        cands = "\n".join(f"{c} ({sc:g}) {n[:50]}" for c, n, sc in json.loads(it.candidates or "[]")[:3])
        table.add_row(str(it.id), it.index, escape(it.label), escape(it.context), escape(cands))
    console.print(table)
