"""A backfill: every file under the paths given read, loaded once, and given one outcome.

This is the library function the `chiso ingest` command and Python users call alike
(`chiso.ingest(paths, db=…)`); the command only prints what it reports. Files are read in
worker processes (workers.py) and loaded by this one writer; on a PostgreSQL warehouse
several machines share the work through the claim table (load/claims.py).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from chiso.load.claims import open_claims
from chiso.load.warehouse import Warehouse
from chiso.model import FileResult
from chiso.pipeline import workers
from chiso.pipeline.files import NotRead, collect, named_like_a_document

FileStatus = Literal["loaded", "skipped_unchanged", "skipped", "failed"]


@dataclass
class FileReport:
    """One file's outcome in a run."""

    path: str
    status: FileStatus
    reason: str | None = None
    code: str | None = None
    sha256: str | None = None
    observations: int = 0
    pages: int = 0
    seconds: float = 0.0
    detail: str = ""  # what was loaded, replacements, warnings
    understood: float | None = None  # share of the document's printed numbers understood
    ocr_pages: int = 0  # pages read by OCR (scans are slow: the progress shows them)


@dataclass
class IngestReport:
    run_id: int
    files: list[FileReport] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    done_elsewhere: int = 0  # files another machine sharing the warehouse finished

    @property
    def counts(self) -> Counter[str]:
        c = Counter(f.status for f in self.files)
        c["files"] = len(self.files)
        return c

    @property
    def observations(self) -> int:
        return sum(f.observations for f in self.files)

    @property
    def pages(self) -> int:
        return sum(f.pages for f in self.files)

    @property
    def failures(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def exit_code(self) -> int:
        """0 all done, 1 some files failed, 130 interrupted."""
        return 130 if self.interrupted else (1 if self.failures else 0)


def ingest(paths: Sequence[str | Path], db: str | Warehouse | None = None, *, jobs: int = 0,
           timeout: int = workers.FILE_TIMEOUT, on_file: Callable[[FileReport], None] | None = None,
           on_progress: Callable[[int, int], None] | None = None) -> IngestReport:
    """Read every PDF/DOCX/… under `paths` into the warehouse; unchanged files are skipped.

    `on_file` is called with each file's report as it is known; `on_progress(done, total)`
    after each. Ctrl-C stops the run: what is loaded stays, and the next run resumes.
    """
    wh = db if isinstance(db, Warehouse) else Warehouse(db)
    roots = [Path(p) for p in paths]
    found, not_read = collect(roots)
    run_id = wh.start_run(" ".join(str(p) for p in paths))
    report = IngestReport(run_id)
    started = time.perf_counter()
    total = len(found) + len(not_read)
    keys = {f.path: f.key for f in found}
    in_folder = {f.path for f in found if f.in_folder}
    claims = open_claims(wh, [f.path for f in found], roots, run_id)

    def done(fr: FileReport) -> None:
        report.files.append(fr)
        wh.record_outcome(run_id, fr.path, fr.sha256, fr.status, fr.reason, fr.code, fr.observations, fr.seconds)
        if on_file:
            on_file(fr)
        if on_progress:
            on_progress(len(report.files), total)

    for nr in not_read:
        done(_not_read(nr))

    def on_result(res: FileResult) -> None:
        res.source_key = keys.get(res.path) or Path(res.path).as_posix()
        res.mtime = _mtime(res.path)
        fr = _load(wh, res, res.path in in_folder)
        claims.release(res.path, fr.status, fr.sha256, fr.reason)
        done(fr)

    known = frozenset(wh.known_hashes())
    try:
        for path, sha256 in claims.done_before:  # finished by an earlier run (shared claims only)
            on_result(FileResult(path, sha256, unchanged=True))
        workers.run(claims, jobs if jobs > 0 else (os.cpu_count() or 1), timeout, known, wh.aliases(), on_result)
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        claims.close()
    report.done_elsewhere = claims.done_elsewhere()
    report.seconds = time.perf_counter() - started
    wh.finish_run(run_id, report.counts)
    return report


def _not_read(nr: NotRead) -> FileReport:
    return FileReport(nr.path, nr.status, nr.reason, nr.code)


def _load(wh: Warehouse, res: FileResult, in_folder: bool) -> FileReport:
    """The file's outcome: skipped (unchanged, or not a document found in a folder), failed, or loaded."""
    base = dict(path=res.path, sha256=res.sha256, pages=res.pages or 0, seconds=res.seconds,
                ocr_pages=res.stats.get("ocr_pages", 0))
    if res.unchanged:
        return FileReport(status="skipped_unchanged", reason="same sha256 already loaded", **base)
    if not res.ok:
        if res.error_code == "not_supported" and in_folder and not named_like_a_document(res.path):
            return FileReport(status="skipped", reason=f"not a document: {res.error}", code=res.error_code, **base)
        return FileReport(status="failed", reason=res.error or "unknown", code=res.error_code, **base)
    try:
        info = wh.load_document(res)
    except Exception as e:  # the transaction rolled back: nothing of this file is in the warehouse
        return FileReport(status="failed", reason=f"could not be loaded: {e}", code="load_error", **base)
    if info is None:
        return FileReport(status="skipped_unchanged", reason="the same bytes are already loaded (another run, or "
                                                             "another copy of the file)", **base)
    if info.kept_out_by is not None:
        return FileReport(status="skipped", reason=f"an older copy, kept as history: {info.kept_out_by.reason}",
                          code="older_copy", **base)
    return FileReport(status="loaded", reason="; ".join(res.warnings) or None, observations=info.observations,
                      detail=_detail(res, info), understood=_understood(res), **base)


def _mtime(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def _understood(res: FileResult) -> float | None:
    cov = res.interpretation.coverage if res.interpretation else None
    return None if cov is None or not cov.n_numbers else 1 - cov.share_unexplained


def _detail(res: FileResult, info) -> str:  # noqa: ANN001
    m = res.interpretation.meta  # type: ignore[union-attr]
    parts = [f"{m.doc_type or '?'} {m.province or '?'} {';'.join(m.indices)} {m.report_year or ''}".strip()]
    parts += [f"replaces {r.source_key} ({r.reason})" for r in info.replaced]
    if info.reinstated:
        parts.append("an earlier version, current again")
    parts += res.warnings
    return "  — ".join(parts)
