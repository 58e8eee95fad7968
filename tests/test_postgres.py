"""The shared PostgreSQL warehouse against a real server (tests/pg.py): the same commands and results as
SQLite, concurrent ingests that load each document once, and a backfill split between processes through
the claim table, surviving one of them killed."""

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from helpers import DOCUMENTS, FIXTURES, ROOT, expected, exported, interpreted
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from chiso.load.dialect import engine_url

EXPORTS = ("observations.csv", "documents.csv", "best.csv", "wide.csv", "flag_codes.csv")


def _env(lease: float | None = None) -> dict[str, str]:
    env = dict(os.environ)
    if lease is not None:
        env["CHISO_CLAIM_LEASE"] = str(lease)
    return env


def chiso(*args: str, lease: float | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chiso", *args], capture_output=True, text=True, cwd=ROOT,
                          env=_env(lease), timeout=900)


def start(*args: str, lease: float | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "chiso", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT, env=_env(lease))


def query(url: str, sql: str, **params: object) -> list[tuple]:
    engine = create_engine(engine_url(url))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def totals_line(check_output: str) -> str:
    return next(line for line in check_output.splitlines() if " errors, " in line)


def copies(folder: Path, names: list[str], n: int) -> list[Path]:
    """n copies of each document, a line appended to each so every file has its own sha256 (readers
    ignore bytes after a PDF's %%EOF or a DOCX's zip directory)."""
    folder.mkdir(parents=True)
    out = []
    for i in range(n):
        for name in names:
            path = folder / f"c{i}-{name}"
            path.write_bytes((FIXTURES / name).read_bytes() + f"\ncopy {i}\n".encode())
            out.append(path)
    return out


# --- the same commands on both backends -----------------------------------------------------------
def test_ingest_export_check_review_give_the_documents_values_on_each_backend(db_url, tmp_path):
    names = ["sonla-sipas-2023.docx", "sonla-sipas-2023-draft.docx", "thanhhoa-cv-2025.docx"]
    run = chiso("ingest", *(str(FIXTURES / n) for n in names), "--db", db_url, "-j", "1")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 loaded" in run.stdout
    assert chiso("export", str(tmp_path / "out"), "--db", db_url).returncode == 0
    rows = read_csv(tmp_path / "out" / "observations.csv")
    by_file = Counter(r["source_file"] for r in rows)
    assert by_file == {n: len(exported(interpreted(n))) for n in names}  # every value read is exported
    for want in expected("thanhhoa-cv-2025.docx")["observations"]:
        assert any(r["source_file"] == "thanhhoa-cv-2025.docx" and r["year"] == str(want["year"])
                   and abs(float(r["value"]) - want["value"]) < 1e-9 for r in rows), want
    # the official report is preferred to its draft for every fact they share
    best = read_csv(tmp_path / "out" / "best.csv")
    assert {r["source_file"] for r in best if r["index"] == "SIPAS" and r["province"] == "Sơn La"} \
        == {"sonla-sipas-2023.docx"}
    check = chiso("check", "--db", db_url)
    errors, warnings = (query(db_url, f"SELECT count(*) FROM flag WHERE severity = '{s}'")[0][0]
                        for s in ("error", "warning"))
    assert totals_line(check.stdout).startswith(f"{errors} errors, {warnings} warnings")
    assert check.returncode == (1 if errors else 0)
    # a review decision made through the CSV round trip becomes an alias
    queue = tmp_path / "queue.csv"
    assert chiso("review", "--db", db_url, "--export", str(queue)).returncode == 0
    items = read_csv(queue)
    if items:
        items[0]["decision"] = "none"
        with open(queue, "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(items[0]))
            w.writeheader()
            w.writerows(items[:1])
        assert chiso("review", "--db", db_url, "--import", str(queue)).returncode == 0
        assert query(db_url, "SELECT target FROM alias") == [("",)]
        assert query(db_url, "SELECT status FROM review_item WHERE id = :i", i=int(items[0]["id"])) == [("decided",)]


# --- PostgreSQL: concurrency ------------------------------------------------------------------------
def test_two_ingests_at_once_over_overlapping_folders_load_each_document_once_and_export_as_sqlite(
        pg_server, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    third = len(DOCUMENTS) // 3
    for name in DOCUMENTS[:-third]:
        shutil.copy(FIXTURES / name, a / name)
    for name in DOCUMENTS[third:]:
        shutil.copy(FIXTURES / name, b / name)
    url = pg_server.new_database()
    sqlite_url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    both = [start("ingest", str(a), "--db", url, "-j", "2"), start("ingest", str(b), "--db", url, "-j", "1")]
    reference = chiso("ingest", *(str(FIXTURES / n) for n in DOCUMENTS), "--db", sqlite_url, "-j", "1")
    outs = [p.communicate(timeout=900) for p in both]
    assert [p.returncode for p in both] == [0, 0], outs
    assert reference.returncode == 0, reference.stdout

    assert query(url, "SELECT count(*), count(DISTINCT sha256) FROM document") == [(len(DOCUMENTS), len(DOCUMENTS))]
    loaded = Counter(sha for sha, in query(url, "SELECT sha256 FROM file_outcome WHERE status = 'loaded'"))
    assert len(loaded) == len(DOCUMENTS) and set(loaded.values()) == {1}
    overlap = len(DOCUMENTS) - 2 * third
    assert query(url, "SELECT status, count(*) FROM file_outcome GROUP BY status ORDER BY status") \
        == [("loaded", len(DOCUMENTS)), ("skipped_unchanged", overlap)]

    for db, out in ((url, tmp_path / "pg"), (sqlite_url, tmp_path / "sqlite")):
        assert chiso("export", str(out), "--db", db).returncode == 0
    for name in EXPORTS:
        assert (tmp_path / "pg" / name).read_bytes() == (tmp_path / "sqlite" / name).read_bytes(), name
    assert len(read_csv(tmp_path / "pg" / "observations.csv")) > 500
    assert totals_line(chiso("check", "--db", url).stdout) == totals_line(chiso("check", "--db", sqlite_url).stdout)
    review = 'SELECT "index", key, context FROM review_item ORDER BY 1, 2, 3'
    assert query(url, review) == query(sqlite_url, review)


def test_four_processes_share_one_folder_through_the_claim_table(pg_server, tmp_path):
    files = copies(tmp_path / "share", [n for n in DOCUMENTS if n.endswith(".docx")], 4)[:40]
    for extra in list((tmp_path / "share").iterdir()):
        if extra not in files:
            extra.unlink()
    url = pg_server.new_database()
    procs = [start("ingest", str(tmp_path / "share"), "--db", url, "-j", "1") for _ in range(4)]
    outs = [p.communicate(timeout=900) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outs

    claims = query(url, "SELECT key, status, outcome, claimant, attempts, sha256 FROM claim")
    assert sorted(k for k, *_ in claims) == sorted(f"share/{f.name}" for f in files)
    assert {(s, o, a) for _, s, o, _, a, _ in claims} == {("done", "loaded", 1)}
    host = socket.gethostname()
    claimants = Counter(c for *_, c, _, _ in claims)
    assert set(claimants) <= {f"{host}:{p.pid}" for p in procs}
    assert len(claimants) >= 2, claimants  # the work was split
    # each file was read by exactly one process (one claim, one attempt) and loaded by it; a process
    # that joined late records the files finished before it joined as unchanged, without reading them
    outcomes = query(url, "SELECT path, status, sha256, seconds FROM file_outcome")
    assert sorted(Path(p).name for p, s, _, _ in outcomes if s == "loaded") == sorted(f.name for f in files)
    assert all(s == "skipped_unchanged" and sec == 0 for _, s, _, sec in outcomes if s != "loaded")
    assert query(url, "SELECT count(DISTINCT sha256), count(*) FROM document") == [(40, 40)]
    assert {s for *_, s in claims} == {s for _, st, s, _ in outcomes if st == "loaded"}
    for p, (stdout, _) in zip(procs, outs, strict=True):
        assert f": {claimants.get(f'{host}:{p.pid}', 0)} loaded" in stdout
    # a second run finds every file done: nothing is read again
    again = chiso("ingest", str(tmp_path / "share"), "--db", url, "-j", "1")
    assert again.returncode == 0 and "0 loaded" in again.stdout and "40 unchanged" in again.stdout


def _stop_while_holding_a_file(url: str, victim: subprocess.Popen, claimant: str) -> list[int]:
    """SIGSTOP the victim once it has loaded a file and holds the next one; the claims it holds."""
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            done = query(url, "SELECT count(*) FROM claim WHERE claimant = :c AND status = 'done'", c=claimant)[0][0]
        except ProgrammingError:  # the first process has not made the tables yet
            done = 0
        if done:
            victim.send_signal(signal.SIGSTOP)
            held = [i for i, in query(url, "SELECT id FROM claim WHERE claimant = :c AND status = 'working'",
                                      c=claimant)]
            if held:
                return held
            victim.send_signal(signal.SIGCONT)  # between two files: try again
        time.sleep(0.1)
    raise AssertionError("the victim never held a file")


def test_a_killed_process_files_are_taken_over_after_its_lease_and_every_document_loads_once(
        pg_server, tmp_path):
    files = copies(tmp_path / "share", [n for n in DOCUMENTS if n.endswith(".docx")], 3)[:30]
    for extra in list((tmp_path / "share").iterdir()):
        if extra not in files:
            extra.unlink()
    url = pg_server.new_database()
    procs = [start("ingest", str(tmp_path / "share"), "--db", url, "-j", "1", lease=3) for _ in range(4)]
    victim = procs[0]
    claimant = f"{socket.gethostname()}:{victim.pid}"
    held = _stop_while_holding_a_file(url, victim, claimant)
    victim.kill()
    victim.wait()
    outs = [p.communicate(timeout=900) for p in procs[1:]]
    assert [p.returncode for p in procs[1:]] == [0, 0, 0], outs

    claims = {i: (s, o, c, a) for i, s, o, c, a in query(url, "SELECT id, status, outcome, claimant, attempts "
                                                              "FROM claim")}
    assert len(claims) == 30 and {s for s, *_ in claims.values()} == {"done"}
    for i in held:  # taken over by another process once the lease ran out
        _, outcome, by, attempts = claims[i]
        # loaded, or found loaded meanwhile, or an older copy of a document whose newer copy is current
        assert by != claimant and attempts == 2 and outcome in ("loaded", "skipped_unchanged", "skipped")
    assert all(a == 1 for i, (*_, a) in claims.items() if i not in held)
    # every document once, and whole: a current document's observations are those its outcome counted
    # (the copies are one numbered document, so all but one are superseded, their values removed)
    assert query(url, "SELECT count(DISTINCT sha256), count(*) FROM document") == [(30, 30)]
    loaded = Counter(s for s, in query(url, "SELECT sha256 FROM file_outcome WHERE status = 'loaded'"))
    assert set(loaded.values()) == {1}
    whole = query(url, "SELECT f.observations, (SELECT count(*) FROM observation o WHERE o.document_id = d.id) "
                       "FROM file_outcome f JOIN document d ON d.sha256 = f.sha256 "
                       "WHERE f.status = 'loaded' AND d.status = 'current'")
    assert whole and all(want == got for want, got in whole)


# --- messages without a server ----------------------------------------------------------------------
def test_without_the_driver_one_line_names_the_extra_to_install(tmp_path):
    blocked = ("import sys; sys.modules['psycopg'] = None; from chiso.cli import app; "
               "sys.argv = ['chiso', 'export', sys.argv[1], '--db', 'postgresql://someone@db.example/chiso']; app()")
    run = subprocess.run([sys.executable, "-c", blocked, str(tmp_path / "out")], capture_output=True, text=True,
                         cwd=ROOT)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr + run.stdout
    lines = (run.stdout + run.stderr).strip().splitlines()
    assert len(lines) == 1 and 'pip install "chiso[postgres]"' in lines[0], lines


def test_an_unreachable_server_is_one_line_with_the_url_and_no_password(tmp_path):
    pytest.importorskip("psycopg")
    run = chiso("check", "--db", "postgresql://analyst:secret@127.0.0.1:9/chiso")
    assert run.returncode == 2
    out = (run.stdout + run.stderr).strip()
    assert "Traceback" not in out and len(out.splitlines()) == 1
    assert "cannot open the warehouse" in out and "127.0.0.1:9/chiso" in out and "secret" not in out
