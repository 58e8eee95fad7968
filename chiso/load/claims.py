"""Several machines share one backfill through the database: each file is claimed by one of them.

`chiso ingest --db postgresql://…` started on N machines over the same shared folder splits the files
with no coordinator of our own: every process registers the files it sees in the `claim` table (one
row per file version: path below the folder given, size, mtime), then takes free rows a few at a time
with `SELECT … FOR UPDATE SKIP LOCKED` (the queue pattern PostgreSQL documents for this, see
https://www.postgresql.org/docs/15/sql-select.html#SQL-FOR-UPDATE-SHARE): two machines never take
the same row, and neither waits for the other. A claim is a lease (`lease_until`, server time), renewed
by a background thread while the file is read; a claimant that crashed or lost the network stops
renewing, and its files are taken over when the lease has expired. `release` records the file's one
outcome on its row (loaded / skipped_unchanged / failed, with the reason, sha256 and run). A process
ends when every file it registered has an outcome, by itself or by another machine.

A file done by an earlier run (same path, size and mtime) is not read again; a file that failed in an
earlier run is tried again (the fault may be fixed). The document itself is loaded once whatever the
claims say: the loader's advisory lock and the sha256 check (warehouse.py, dialect.py) guard that.

On SQLite one process owns the file; `LocalClaims` hands out the files in order (today's behaviour).

The ingest loop (chiso/pipeline) plugs in through `open_claims(...)`, then `claimed_paths` (one file at a
time) or `claim_next(n)` / `finished()` / `wait()` (to keep a pool fed); it calls `release` once per
file it was given, and `close()` at the end.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlalchemy import text

from chiso.load.warehouse import Warehouse

LEASE_SECONDS = float(os.environ.get("CHISO_CLAIM_LEASE", "60"))  # a crashed machine's files wait this long
DONE_OK = ("loaded", "skipped_unchanged")


def claimant_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def file_key(path: Path, roots: Sequence[Path]) -> str:
    """The path below the folder given on the command line, with that folder's name: the same on every
    machine whatever the share is mounted as (`/mnt/share/reports/2019/a.pdf` and
    `Z:/reports/2019/a.pdf` are both `reports/2019/a.pdf`); a file given by itself is its name."""
    for root in roots:
        try:
            rel = path.resolve().relative_to(root.resolve())
        except ValueError:
            continue
        if root.is_dir():
            return f"{root.resolve().name}/{rel.as_posix()}"
    return path.name


class LocalClaims:
    """One process, one warehouse file: every file is ours, in order."""

    def __init__(self, files: Sequence[str]):
        self._todo = list(files)
        self.done_before: list[tuple[str, str | None]] = []

    def claim_next(self, batch: int = 1) -> list[str]:
        taken, self._todo = self._todo[:batch], self._todo[batch:]
        return taken

    def renew(self) -> None:
        pass

    def release(self, path: str, outcome: str, sha256: str | None = None, reason: str | None = None) -> None:
        pass

    def finished(self) -> bool:
        return not self._todo

    def done_elsewhere(self) -> int:
        return 0

    def wait(self) -> None:
        pass

    def close(self) -> None:
        pass


class SharedClaims:
    """The claim table of a PostgreSQL warehouse (see the module docstring)."""

    def __init__(self, wh: Warehouse, files: Sequence[str], roots: Sequence[Path], run_id: int | None = None,
                 lease: float = LEASE_SECONDS):
        self.engine = wh.engine
        self.run_id = run_id
        self.lease = lease
        self.me = claimant_id()
        self._held: dict[str, tuple[int, int]] = {}  # path → (claim id, attempt)
        self._path: dict[int, str] = {}  # claim id → our path
        self.done_before: list[tuple[str, str | None]] = []  # (path, sha256) done by an earlier run
        self._loose: list[str] = []  # files that could not be stat'ed: ours, without a row
        self._register(files, roots)
        self._stop = threading.Event()
        self._beat = threading.Thread(target=self._heartbeat, name="claim-lease", daemon=True)
        self._beat.start()

    # --- registering -----------------------------------------------------------------------
    def _register(self, files: Sequence[str], roots: Sequence[Path]) -> None:
        """Insert a row for every file not known yet; note which ones an earlier run finished."""
        from sqlalchemy.dialects.postgresql import insert as pg_insert  # PostgreSQL only: not at start-up

        from chiso.load.schema import Claim

        rows: dict[tuple[str, int, int], str] = {}
        for f in files:
            try:
                st = os.stat(f)
            except OSError:  # vanished or unreadable: handed out unclaimed, the reader says why
                self._loose.append(f)
                continue
            key = (file_key(Path(f), roots), st.st_size, int(st.st_mtime))
            if key in rows:  # two folders of the same name holding look-alike files: keep them apart
                key = (Path(f).resolve().as_posix(), st.st_size, int(st.st_mtime))
            rows.setdefault(key, f)
        with self.engine.begin() as conn:
            self.started = conn.execute(text("SELECT now()")).scalar()
            values = [{"key": k, "size": s, "mtime": m, "path": p, "status": "pending"}
                      for (k, s, m), p in sorted(rows.items())]  # one order everywhere: no deadlock
            for i in range(0, len(values), 1000):
                conn.execute(pg_insert(Claim).values(values[i:i + 1000]).on_conflict_do_nothing(
                    index_elements=["key", "size", "mtime"]))
        with self.engine.begin() as conn:
            found = conn.execute(text(
                "SELECT id, key, size, mtime, status, outcome, sha256, finished_at < :t AS earlier "
                "FROM claim WHERE key = ANY(:keys)"), {"keys": sorted({k for k, _, _ in rows}), "t": self.started})
            for r in found:
                path = rows.get((r.key, r.size, r.mtime))
                if path is None:
                    continue
                self._path[r.id] = path
                if r.status == "done" and r.outcome in DONE_OK and r.earlier:
                    self.done_before.append((path, r.sha256))
        self._ids = sorted(self._path)

    # --- the API the ingest loop calls -------------------------------------------------------
    def claim_next(self, batch: int = 1) -> list[str]:
        """Up to `batch` of our files that nobody holds: free, failed in an earlier run, or held by a
        claimant whose lease expired. Never waits for another machine's rows (SKIP LOCKED)."""
        if batch <= 0:
            return []
        if self._loose:
            taken, self._loose = self._loose[:batch], self._loose[batch:]
            return taken
        with self.engine.begin() as conn:
            picked = conn.execute(text(
                "SELECT id FROM claim WHERE id = ANY(:ids) AND (status = 'pending' "
                "OR (status = 'working' AND lease_until < now()) "
                "OR (status = 'done' AND outcome = 'failed' AND finished_at < :t)) "
                "ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED"),
                {"ids": self._ids, "t": self.started, "n": batch}).scalars().all()
            if not picked:
                return []
            rows = conn.execute(text(
                "UPDATE claim SET status = 'working', claimant = :me, attempts = attempts + 1, "
                "lease_until = now() + :lease * interval '1 second', claimed_at = now(), outcome = NULL, "
                "reason = NULL, finished_at = NULL WHERE id = ANY(:ids) RETURNING id, attempts"),
                {"me": self.me, "lease": self.lease, "ids": list(picked)}).all()
        taken = []
        for claim_id, attempt in sorted(rows):
            path = self._path[claim_id]
            self._held[path] = (claim_id, attempt)
            taken.append(path)
        return taken

    def renew(self) -> None:
        """Push back the lease of every file this process holds (called by the heartbeat thread)."""
        with self.engine.begin() as conn:
            conn.execute(text("UPDATE claim SET lease_until = now() + :lease * interval '1 second' "
                              "WHERE claimant = :me AND status = 'working'"), {"lease": self.lease, "me": self.me})

    def release(self, path: str, outcome: str, sha256: str | None = None, reason: str | None = None) -> None:
        """The file's outcome, on its row; ignored if our lease expired and another machine took it."""
        held = self._held.pop(path, None)
        if held is None:
            return
        with self.engine.begin() as conn:
            conn.execute(text(
                "UPDATE claim SET status = 'done', outcome = :o, reason = :r, sha256 = :s, run_id = :run, "
                "path = :p, finished_at = now(), lease_until = NULL "
                "WHERE id = :id AND claimant = :me AND attempts = :a AND status = 'working'"),
                {"o": outcome, "r": reason, "s": sha256, "run": self.run_id, "p": path, "id": held[0],
                 "me": self.me, "a": held[1]})

    def finished(self) -> bool:
        """Every file we registered has its outcome (from us or another machine)."""
        if self._loose:
            return False
        with self.engine.connect() as conn:
            left = conn.execute(text(
                "SELECT count(*) FROM claim WHERE id = ANY(:ids) AND (status <> 'done' "
                "OR (outcome = 'failed' AND finished_at < :t))"), {"ids": self._ids, "t": self.started}).scalar()
        return not left

    def done_elsewhere(self) -> int:
        """Our files that another process finished during this run."""
        with self.engine.connect() as conn:
            return conn.execute(text(
                "SELECT count(*) FROM claim WHERE id = ANY(:ids) AND status = 'done' AND claimant <> :me "
                "AND finished_at >= :t"), {"ids": self._ids, "me": self.me, "t": self.started}).scalar() or 0

    def wait(self) -> None:
        """Nothing free now, but another machine still holds some of our files: look again soon."""
        time.sleep(min(1.0, self.lease / 3))

    def close(self) -> None:
        """Stop renewing; files still held (an interrupted run) are handed back at once."""
        self._stop.set()
        self._beat.join(timeout=5)
        if self._held:
            with self.engine.begin() as conn:
                conn.execute(text("UPDATE claim SET status = 'pending', claimant = NULL, lease_until = NULL "
                                  "WHERE claimant = :me AND status = 'working'"), {"me": self.me})
            self._held.clear()

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.lease / 3):
            try:
                self.renew()
            except Exception:  # the server is away for a moment: the next beat tries again
                continue


Claims = LocalClaims | SharedClaims


def open_claims(wh: Warehouse, files: Sequence[str], roots: Sequence[Path], run_id: int | None = None) -> Claims:
    """Shared claims on PostgreSQL, the plain list of files on SQLite."""
    if wh.engine.dialect.name == "postgresql":
        return SharedClaims(wh, files, roots, run_id)
    return LocalClaims(files)


def claimed_paths(claims: Claims) -> Iterator[str]:
    """One claimed file at a time, until every file has an outcome; the caller releases each."""
    while True:
        taken = claims.claim_next(1)
        if taken:
            yield taken[0]
        elif claims.finished():
            return
        else:
            claims.wait()
