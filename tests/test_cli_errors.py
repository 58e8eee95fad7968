"""The command's one error path (cli.friendly): a problem is one line naming the thing and the reason,
never a traceback, with the documented exit code (cli.py: 0 done, 1 some files failed, 2 bad usage or
a warehouse that cannot be used, 70 a bug, 130 interrupted); `--debug` adds the traceback.

Real files and a real SQLite warehouse; the command run in-process (typer's CliRunner) or, where the
process matters (tracebacks on stderr, file permissions), as `python -m chiso`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import FIXTURES
from typer.testing import CliRunner

import chiso
from chiso.cli import app

runner = CliRunner()
DOC = "lamdong-pci-2016.docx"  # small; its label 'Tính năng động của chính quyền tỉnh' is queued for review


def cli(*args: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output.strip().splitlines()


def chiso_process(*args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "chiso", *args], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db = tmp_path / "w.sqlite"
    report = chiso.ingest([FIXTURES / DOC], db=f"sqlite:///{db}", jobs=1)
    assert [f.status for f in report.files] == ["loaded"]
    return db


def _decisions(db: Path) -> tuple[list[tuple], list[tuple]]:
    with sqlite3.connect(db) as c:
        return (c.execute("SELECT id, status FROM review_item ORDER BY id").fetchall(),
                c.execute("SELECT target FROM alias").fetchall())


# --- the --db setting ---------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["ingest", "export", "check", "review"])
def test_a_db_that_is_no_url(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    args = {"ingest": [str(FIXTURES / DOC)], "export": ["out"]}.get(command, [])
    code, lines = cli(command, *args, "--db", "notaurl")
    assert code == 2
    assert lines == ["chiso: cannot use database URL notaurl: Could not parse SQLAlchemy URL from given URL string "
                     "(use sqlite:///FILE or postgresql://USER@HOST/DB)"]
    assert list(tmp_path.iterdir()) == []  # no default warehouse, no export folder


def test_a_db_of_an_unsupported_kind(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, lines = cli("ingest", str(FIXTURES / DOC), "--db", "mysql://x/y")
    assert code == 2 and len(lines) == 1
    # without the driver the URL is refused; with it, the server cannot be reached: one line either way
    assert re.fullmatch(r"chiso: cannot (use database URL|open the warehouse) mysql://x/y: .+", lines[0]), lines
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["ingest", "export", "check"])
def test_a_db_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path, command):
    junk = tmp_path / "junk.sqlite"
    data = os.urandom(8192)
    junk.write_bytes(data)
    url = f"sqlite:///{junk}"
    args = {"ingest": [str(FIXTURES / DOC)], "export": [str(tmp_path / "out")]}.get(command, [])
    code, lines = cli(command, *args, "--db", url)
    assert code == 2
    if command == "ingest":  # the connection's set-up (WAL) reads the file first
        assert lines == [f"chiso: cannot open the warehouse {url}: file is not a database"]
    else:  # opened read-only: the schema check reads it first
        assert lines == [f"chiso: cannot use {url} as a warehouse: file is not a database"]
    assert junk.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.sqlite"]


def test_a_missing_warehouse_is_not_created_by_a_reading_command(tmp_path):
    missing = tmp_path / "none.sqlite"
    for args in (["export", str(tmp_path / "out")], ["check"], ["review"]):
        code, lines = cli(*args, "--db", f"sqlite:///{missing}")
        assert (code, lines) == (2, [f"chiso: no warehouse at {missing}: run `chiso ingest … --db "
                                     f"sqlite:///{missing}` first"]), args
    assert list(tmp_path.iterdir()) == []


def test_a_warehouse_in_a_folder_that_does_not_exist(tmp_path):
    code, lines = cli("ingest", str(FIXTURES / DOC), "--db", f"sqlite:///{tmp_path}/nowhere/w.sqlite")
    assert (code, lines) == (2, [f"chiso: cannot create the warehouse {tmp_path}/nowhere/w.sqlite: the folder "
                                 f"{tmp_path}/nowhere does not exist"])


def _unwritable_runner(db: Path) -> tuple[str, ...] | None:
    """How to run chiso so that it may not write `db` (mode 0444): as is for a normal user; as root, which
    may write anyway, without the capabilities that let it (setpriv); None if neither holds here."""
    if not os.access(db, os.W_OK):
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = (setpriv, "--bounding-set=-dac_override,-dac_read_search")
    probe = subprocess.run([*prefix, sys.executable, "-c", f"import os; print(os.access({str(db)!r}, os.W_OK))"],
                           capture_output=True, text=True)
    return prefix if probe.returncode == 0 and probe.stdout.strip() == "False" else None


@pytest.mark.parametrize("args", [["ingest", str(FIXTURES / "lamdong-pci-2016.pdf")], ["review", "--accept", "1"]])
def test_a_read_only_warehouse_is_refused_before_anything_is_read(warehouse, args):
    warehouse.chmod(0o444)
    prefix = _unwritable_runner(warehouse)
    if prefix is None:
        pytest.skip("cannot make a file unwritable for this user here (root without setpriv)")
    before = warehouse.read_bytes()
    run = chiso_process(*args, "--db", f"sqlite:///{warehouse}", prefix=prefix)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stdout.splitlines() == [f"chiso: cannot write to the warehouse {warehouse}: the file is read-only "
                                       "(its permissions, or a read-only disk)"]
    assert run.stderr == "" and warehouse.read_bytes() == before
    # reading it still works
    listed = chiso_process("review", "--db", f"sqlite:///{warehouse}", prefix=prefix)
    assert listed.returncode == 0 and "1 labels to review" in listed.stdout


# --- export's output --------------------------------------------------------------------------------
def test_export_to_a_regular_file(warehouse, tmp_path):
    target = tmp_path / "ket-qua.csv"
    target.write_text("giữ nguyên\n", encoding="utf-8")
    code, lines = cli("export", str(target), "--db", f"sqlite:///{warehouse}")
    assert (code, lines) == (2, [f"chiso: {target}: is a file, not a folder for the export"])
    assert target.read_text(encoding="utf-8") == "giữ nguyên\n"
    code, lines = cli("export", str(target / "out"), "--db", f"sqlite:///{warehouse}")
    assert (code, lines) == (2, [f"chiso: {target / 'out'}: Not a directory"])


# --- review ----------------------------------------------------------------------------------------------
def test_review_of_an_item_that_does_not_exist(warehouse):
    before = _decisions(warehouse)
    assert before == ([(1, "open")], [])
    code, lines = cli("review", "--accept", "99999", "--db", f"sqlite:///{warehouse}")
    assert (code, lines) == (2, ["chiso: no review item 99999: `chiso review` lists the open items"])
    code, lines = cli("review", "--set", "1=pci.no_such_code", "--db", f"sqlite:///{warehouse}")
    assert (code, lines) == (2, ["chiso: 'pci.no_such_code' is not a PCI code of the catalogue (see the criterion "
                                 "table); nothing recorded"])
    code, lines = cli("review", "--set", "1", "--db", f"sqlite:///{warehouse}")
    assert (code, lines) == (2, ["chiso: --set '1': write it as ID=CODE (e.g. --set 4=sipas.services.access)"])
    assert _decisions(warehouse) == before


def test_review_csv_with_a_bad_id(warehouse, tmp_path):
    url = f"sqlite:///{warehouse}"
    queue = tmp_path / "queue.csv"
    assert cli("review", "--export", str(queue), "--db", url) == (0, [f"1 open items written to {queue}"])
    header = queue.read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",decision")
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "\nmột,PCI,x,,,,,,,,accept\n", encoding="utf-8")
    code, lines = cli("review", "--import", str(bad), "--db", url)
    assert (code, lines) == (2, [f"chiso: {bad}: a row has no valid id ('một'); nothing after it applied"])
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("id,decision\n99999,accept\n", encoding="utf-8")
    code, lines = cli("review", "--import", str(unknown), "--db", url)
    assert (code, lines) == (2, ["chiso: no review item 99999: `chiso review` lists the open items"])
    missing = tmp_path / "missing.csv"
    code, lines = cli("review", "--import", str(missing), "--db", url)
    assert (code, lines) == (2, [f"chiso: {missing}: No such file or directory"])
    assert _decisions(warehouse) == ([(1, "open")], [])


# --- ingest's inputs ---------------------------------------------------------------------------------------
def test_ingest_of_a_device(tmp_path):
    db = tmp_path / "w.sqlite"
    code, lines = cli("ingest", "/dev/zero", "--db", f"sqlite:///{db}")
    assert code == 1  # a file failed
    assert lines[0].split() == ["failed", "/dev/zero", "a", "device,", "not", "a", "file:", "not", "read"]
    assert lines[-1] == "  failed /dev/zero: a device, not a file: not read"
    assert "0 loaded (0 observations), 0 unchanged, 1 failed" in lines[1]


def test_ingest_of_a_missing_path_beside_a_good_file(tmp_path):
    db = tmp_path / "w.sqlite"
    missing = tmp_path / "khong-co" / "bao-cao.pdf"
    code, lines = cli("ingest", str(missing), str(FIXTURES / DOC), "--db", f"sqlite:///{db}")
    assert code == 1
    assert f"  failed {missing}: no such file or folder" in lines
    assert any(line.startswith("2 files: 1 loaded (22 observations), 0 unchanged, 1 failed") for line in lines)
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT source_file FROM document").fetchall() == [(DOC,)]


# --- tracebacks only when asked -------------------------------------------------------------------------
def test_debug_shows_the_traceback_and_only_then(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(os.urandom(4096))
    for args in (["export", str(tmp_path / "out"), "--db", "notaurl"],
                 ["ingest", str(FIXTURES / DOC), "--db", f"sqlite:///{junk}"]):
        plain = chiso_process(*args)
        assert plain.returncode == 2 and len(plain.stdout.splitlines()) == 1
        assert plain.stdout.startswith("chiso: cannot ")
        assert "Traceback" not in plain.stdout + plain.stderr
        debug = chiso_process("--debug", *args)
        assert debug.returncode == 2 and debug.stdout == plain.stdout
        assert debug.stderr.startswith("Traceback (most recent call last):")
        assert "chiso.load.dialect.WarehouseError: " + plain.stdout[len("chiso: "):].strip() in debug.stderr


# --- Ctrl-C ------------------------------------------------------------------------------------------------
def test_interrupted_ingest_exits_130_and_the_next_run_resumes(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    names = ["hagiang-papi-2019.pdf", "lamdong-pci-2016.pdf", "ninhthuan-sipas-2019.pdf", "quangtri-par-2022.pdf",
             "yenbai-sipas-2024.pdf"]
    for name in names:
        shutil.copy(FIXTURES / name, folder / name)
    db = tmp_path / "w.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "chiso", "ingest", str(folder), "--db", f"sqlite:///{db}", "-j", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
        try:
            with sqlite3.connect(db, timeout=1) as c:
                if c.execute("SELECT count(*) FROM document").fetchone()[0] >= 1:
                    break
        except sqlite3.OperationalError:  # not created yet, or locked by the loader
            continue
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err
    assert "interrupted — run again to resume" in out.splitlines()[-1]
    assert "Traceback" not in out + err
    with sqlite3.connect(db) as c:
        loaded = c.execute("SELECT count(*) FROM document").fetchone()[0]
    assert 1 <= loaded < len(names)
    rerun = chiso_process("ingest", str(folder), "--db", f"sqlite:///{db}", "-j", "1")
    assert rerun.returncode == 0, rerun.stdout
    assert f"{len(names)} files: {len(names) - loaded} loaded" in rerun.stdout
    assert f"{loaded} unchanged, 0 failed" in rerun.stdout
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*), sum(status = 'current') FROM document").fetchone() == (len(names),
                                                                                                  len(names))
