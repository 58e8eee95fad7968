#!/usr/bin/env python3
"""N `chiso ingest` processes sharing one folder through one PostgreSQL warehouse (the claim table).

Starts PROCS processes over the same folder, optionally kills one with SIGKILL while it holds a file,
waits for the others, and checks what a team needs from a shared backfill:

* every file has one claim row, done, with its claimant (host:pid) and outcome;
* every file was read by one process only: each claim taken once (attempts = 1), except the files the
  killed process held, taken over once its lease expired (attempts = 2, another claimant);
* every document is in the warehouse once: one `document` row per distinct sha256 of the folder's files,
  one 'loaded' file_outcome per sha256, and each document whole (its observations are the number its
  outcome row counted).

usage:
    python benchmarks/make_corpus.py /tmp/corpus200          # 200 documents, needs LibreOffice
    python benchmarks/shared_backfill.py /tmp/corpus200 --procs 4 --kill-after 30 --lease 5
    python benchmarks/shared_backfill.py DIR --db postgresql://USER@HOST/DB   # an empty database of yours

Without --db a throw-away server is started with tests/pg.py (initdb + pg_ctl).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from chiso.load.dialect import engine_url  # noqa: E402
from chiso.pipeline.files import collect  # noqa: E402


def query(url: str, sql: str, **params: object) -> list[tuple]:
    engine = create_engine(engine_url(url))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def stop_while_holding(url: str, victim: subprocess.Popen, claimant: str, after: int) -> list[int]:
    """SIGSTOP the victim once `after` files are done in all and it holds one; the claims it holds."""
    while victim.poll() is None:
        try:
            done = query(url, "SELECT count(*) FROM claim WHERE status = 'done'")[0][0]
        except ProgrammingError:
            done = 0
        if done >= after:
            victim.send_signal(signal.SIGSTOP)
            held = [i for i, in query(url, "SELECT id FROM claim WHERE claimant = :c AND status = 'working'",
                                      c=claimant)]
            if held:
                return held
            victim.send_signal(signal.SIGCONT)
        time.sleep(0.2)
    raise SystemExit("the victim finished before it could be killed: lower --kill-after")


def check(url: str, files: list[Path], victim: str | None, held: list[int]) -> list[str]:
    """What went wrong (empty when the backfill is right)."""
    problems = []
    hashes = {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    claims = query(url, "SELECT id, status, outcome, claimant, attempts FROM claim")
    if len(claims) != len(files):
        problems.append(f"{len(claims)} claim rows for {len(files)} files")
    if {s for _, s, *_ in claims} != {"done"}:
        problems.append(f"claims not done: {Counter(s for _, s, *_ in claims)}")
    for cid, _, _, by, attempts in claims:
        if cid in held and (by == victim or attempts != 2):
            problems.append(f"claim {cid} held by the killed process: {by}, {attempts} attempts")
        if cid not in held and attempts != 1:
            problems.append(f"claim {cid} taken {attempts} times")
    docs = query(url, "SELECT count(*), count(DISTINCT sha256) FROM document")[0]
    failed = {s for s, in query(url, "SELECT sha256 FROM claim WHERE outcome = 'failed'")}
    if docs[0] != docs[1] or docs[1] != len(hashes - failed):
        problems.append(f"{docs[0]} document rows, {docs[1]} distinct, {len(hashes - failed)} expected")
    loaded = Counter(s for s, in query(url, "SELECT sha256 FROM file_outcome WHERE status = 'loaded'"))
    if any(n != 1 for n in loaded.values()):
        problems.append(f"sha256 loaded more than once: {[s for s, n in loaded.items() if n > 1]}")
    partial = query(url, "SELECT f.path FROM file_outcome f JOIN document d ON d.sha256 = f.sha256 "
                         "WHERE f.status = 'loaded' AND d.status = 'current' AND f.observations <> "
                         "(SELECT count(*) FROM observation o WHERE o.document_id = d.id)")
    if partial:
        problems.append(f"documents not whole: {partial}")
    return problems


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--db", help="an empty PostgreSQL database (default: a throw-away server)")
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument("--jobs", type=int, default=1, help="--jobs of each process")
    ap.add_argument("--kill-after", type=int, default=0, help="kill one process once this many files are done")
    ap.add_argument("--lease", type=float, default=10.0, help="CHISO_CLAIM_LEASE seconds")
    args = ap.parse_args()
    server = None
    url = args.db
    if url is None:
        import pg

        server = pg.start_server()
        url = server.new_database("backfill")
    files = [Path(f.path) for f in collect([args.folder])[0]]
    env = dict(os.environ, CHISO_CLAIM_LEASE=str(args.lease))
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "chiso", "ingest", str(args.folder), "--db", url, "-j",
                               str(args.jobs), "-q"], env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)
             for _ in range(args.procs)]
    host = socket.gethostname()
    victim, held = None, []
    try:
        if args.kill_after:
            victim = f"{host}:{procs[0].pid}"
            held = stop_while_holding(url, procs[0], victim, args.kill_after)
            procs[0].kill()
            print(f"killed {victim} at {time.perf_counter() - t0:.1f} s holding claims {held}")
        outs = [p.communicate()[0] for p in procs]
        wall = time.perf_counter() - t0
        for p, out in zip(procs, outs, strict=True):
            summary = [line for line in (out or "").splitlines() if " files: " in line or "other processes" in line]
            print(f"{host}:{p.pid} exit {p.returncode}: {' / '.join(summary) or '(killed)'}")
        by = Counter(c for c, in query(url, "SELECT claimant FROM claim"))
        print(f"{len(files)} files, {args.procs} processes x --jobs {args.jobs}: {wall:.1f} s wall")
        print("claims per claimant:", dict(sorted(by.items())))
        print("outcomes:", dict(Counter(o for o, in query(url, "SELECT outcome FROM claim"))))
        print("attempts:", dict(Counter(a for a, in query(url, "SELECT attempts FROM claim"))))
        problems = check(url, files, victim, held)
        print("\n".join(problems) if problems else "OK: every file claimed by one process, every document loaded once")
    finally:
        if server is not None:
            server.stop()
    raise SystemExit(1 if problems else 0)


if __name__ == "__main__":
    main()
