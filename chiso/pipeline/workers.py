"""Files read in worker processes, each within a time and a memory limit; a dead worker costs only its file.

A hostile file must not hang or sink a backfill of thousands: each file gets a wall-clock
limit (SIGALRM in the worker) and each worker an address-space limit, so a runaway parse
ends as "too large" instead of waking the kernel's out-of-memory killer. When a worker
dies anyway, every file then in the pool fails with the same broken-pool error, whichever
killed it: those files are read again one at a time, each in a fresh process, so only the
file that kills its worker is reported as such.
"""

from __future__ import annotations

import functools
import gc
import importlib
import os
import resource
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from chiso.load.claims import Claims, claimed_paths
from chiso.model import FileResult
from chiso.pipeline.process import process_file

FILE_TIMEOUT = 300
WORKER_MEMORY = int(os.environ.get("CHISO_WORKER_MEMORY", str(6 * 1024**3)))  # bytes of address space

_KNOWN: frozenset[str] = frozenset()
_ALIASES: dict[tuple[str, str, str], str] = {}


class Timeout(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` of a reader swallows it."""


def _alarm(_sig, _frm):  # noqa: ANN001
    raise Timeout()


def set_context(known: frozenset[str], aliases: dict[tuple[str, str, str], str]) -> None:
    """The warehouse's current hashes (to skip unchanged files unparsed) and the reviewed aliases."""
    global _KNOWN, _ALIASES
    _KNOWN, _ALIASES = known, aliases


def _init_worker(known: frozenset[str], aliases: dict[tuple[str, str, str], str]) -> None:
    set_context(known, aliases)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled by the main process
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = WORKER_MEMORY if hard == resource.RLIM_INFINITY else min(WORKER_MEMORY, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # a platform without the limit: the pool's crash recovery still holds
        pass


def process_with_limit(path: str, seconds: int = FILE_TIMEOUT) -> FileResult:
    """process_file with a wall-clock limit, so one hostile file cannot hang a backfill."""
    use_alarm = hasattr(signal, "SIGALRM")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return process_file(path, _KNOWN, _ALIASES)
    except Timeout:
        return FileResult(path, None, error=f"took longer than {seconds} s (the --timeout): stopped; the file is "
                                            "too complex or hostile", error_code="timeout", seconds=float(seconds))
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


# what process_file imports on its first file (chiso/pipeline/process.py `_interpret_bytes`)
_READERS = ("chiso.extract.reader", "chiso.interpret.document", "chiso.interpret.merge", "chiso.match.matching",
            "chiso.checks.consistency", "chiso.checks.damage")


@functools.cache
def _preload_readers() -> None:
    """Import the readers here once before the pool forks its workers: each worker starts with them
    (fork shares the parent's memory) instead of importing them itself on its first file. Done at the
    first file handed to the pool: a run of files that are all unchanged pays it once (~0.3 s) where
    every worker reading new files saves it."""
    for name in _READERS:
        importlib.import_module(name)


@functools.cache
def _settle_memory() -> None:
    """Garbage collection tuned for a batch of documents, once the readers are imported.

    Reading a page makes thousands of short-lived dicts (words, cells); at Python's default
    threshold (a collection every 700 net allocations) the collector ran ~300 times on the dev
    corpus's 64 pages, and each full pass walked every object of the imported libraries too (7 % of
    the CPU of a run; 6-8 % less CPU with this, measured on copies of the dev corpus). A higher first threshold makes the passes rare (the data of one document is
    small), and `gc.freeze()` puts what the imports made out of the collector's reach, which also
    keeps the forked workers from copying those pages when a pass touches them (the Python docs'
    advice for a process that forks). Source: the `gc` module docs (freeze, set_threshold).
    Called once the readers are imported (after the first file read in this process, or before the
    pool forks): an ingest of unchanged files imports and tunes nothing."""
    gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(max(gen0, 50_000), max(gen1, 20), max(gen2, 20))
    gc.freeze()


def _alone(path: str, timeout: int, known: frozenset[str], aliases: dict) -> FileResult:
    """One file in a fresh one-worker pool: if it kills its worker, the crash is its own."""
    try:
        with ProcessPoolExecutor(max_workers=1, initializer=_init_worker, initargs=(known, aliases)) as pool:
            return pool.submit(process_with_limit, path, timeout).result()
    except BrokenProcessPool:
        return FileResult(path, None, error="the process reading it died (killed, most likely for memory): the "
                                            "file is too large or hostile", error_code="crash")


def run(claims: Claims, jobs: int, timeout: int, known: frozenset[str], aliases: dict,
        on_result: Callable[[FileResult], None]) -> None:
    """Read every claimed file, in `jobs` worker processes (or in this one), calling on_result for each."""
    set_context(known, aliases)
    if jobs <= 1:
        for path in claimed_paths(claims):
            result = process_with_limit(path, timeout)
            if not result.unchanged:
                _settle_memory()
            on_result(result)
        return
    suspects: list[str] = []
    for path, result in _pooled_results(claims, jobs, timeout, known, aliases):
        if result is None:
            suspects.append(path)
        else:
            on_result(result)
    for path in suspects:
        on_result(_alone(path, timeout, known, aliases))


def _pooled_results(claims: Claims, jobs: int, timeout: int, known: frozenset[str], aliases: dict
                    ) -> Iterator[tuple[str, FileResult | None]]:
    """(path, result) as files complete; result None for the files in the pool when a worker died.
    A broken pool is replaced by a fresh one and the remaining files go on."""
    in_flight = 2 * jobs
    while True:
        running: dict[Future, str] = {}
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(known, aliases)) as pool:
            try:
                while True:
                    for path in claims.claim_next(in_flight - len(running)):
                        _preload_readers()
                        _settle_memory()
                        running[pool.submit(process_with_limit, path, timeout)] = path
                    if not running:
                        if claims.finished():
                            return
                        claims.wait()
                        continue
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for fut in done:
                        path = running.pop(fut)
                        try:
                            yield path, fut.result()
                        except BrokenProcessPool:
                            raise _Broken(path) from None
            except _Broken as broken:
                yield broken.path, None
                for path in running.values():  # every file then in the pool: read again alone
                    yield path, None
            except KeyboardInterrupt:
                for fut in running:
                    fut.cancel()
                raise


class _Broken(Exception):
    def __init__(self, path: str):
        self.path = path
