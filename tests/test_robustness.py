"""Nothing lost, nothing duplicated: bad files, re-runs, new versions, crashes, concurrent loads."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from helpers import FIXTURES
from PIL import Image
from pypdf import PdfWriter

GOOD = ["quangtri-par-2022.pdf", "thanhhoa-cv-2025.docx"]


def chiso(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chiso", *args], capture_output=True, text=True, timeout=timeout)


def _docx_with(path: Path, document_xml: bytes) -> None:
    src = zipfile.ZipFile(FIXTURES / "thanhhoa-cv-2025.docx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            z.writestr(n, document_xml if n == "word/document.xml" else src.read(n))


def make_bad_files(folder: Path) -> dict[str, str]:
    """Broken and hostile files, each with the reason code chiso must give."""
    (folder / "error-page.pdf").write_text("<html><body>404 Not Found</body></html>")
    (folder / "empty.docx").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes((FIXTURES / "quangtri-par-2022.pdf").read_bytes()[:6000])
    (folder / "truncated.docx").write_bytes((FIXTURES / "thanhhoa-cv-2025.docx").read_bytes()[:3000])
    w = PdfWriter(clone_from=FIXTURES / "quangtri-par-2022.pdf")
    w.encrypt("mat-khau")
    w.write(folder / "encrypted.pdf")
    Image.new("RGB", (600, 800), "white").save(folder / "scanned.pdf")
    pdf = pdfium.PdfDocument.new()
    for _ in range(10_000):
        pdf.new_page(50, 50)
    pdf.save(folder / "ten-thousand-pages.pdf")
    _docx_with(folder / "zip-bomb.docx", b'<?xml version="1.0"?>' + b" " * 120_000_000)
    w_ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    deep = f'<w:document xmlns:w="{w_ns}"><w:body>' + "<w:p>" * 50_000 + "</w:p>" * 50_000 + "</w:body></w:document>"
    _docx_with(folder / "deeply-nested.docx", deep.encode())
    d = docx.Document()
    d.add_paragraph("Giấy mời họp giao ban tháng 10.")
    d.save(folder / "not-a-report.docx")
    (folder / "a-pdf-named.docx").write_bytes((FIXTURES / "hagiang-papi-2019.pdf").read_bytes())  # good, misnamed
    return {
        "error-page.pdf": "not_supported", "empty.docx": "not_supported", "truncated.pdf": "damaged",
        "truncated.docx": "not_supported", "encrypted.pdf": "encrypted", "scanned.pdf": "no_text",
        "ten-thousand-pages.pdf": "too_large", "zip-bomb.docx": "too_large", "deeply-nested.docx": "damaged",
        "not-a-report.docx": "no_index_content",
    }


def table_dump(db: Path) -> dict[str, list[tuple]]:
    """The warehouse's content, without run bookkeeping and generated ids/times."""
    c = sqlite3.connect(db)
    out = {
        "document": c.execute("SELECT sha256, source_file, status, province, doc_type, indices, report_year, draft "
                              "FROM document ORDER BY sha256").fetchall(),
        "observation": c.execute("SELECT d.sha256, o.year, o.entity, o.criterion, o.label, o.value, o.rank, o.flags "
                                 "FROM observation o JOIN document d ON d.id = o.document_id "
                                 "ORDER BY 1, 2, 3, 4, 5, 6").fetchall(),
        "flag": c.execute("SELECT d.sha256, f.code, f.message FROM flag f JOIN document d ON d.id = f.document_id "
                          "ORDER BY 1, 2, 3").fetchall(),
    }
    c.close()
    return out


def test_bad_files_fail_with_reasons_good_files_load_and_a_rerun_changes_nothing(tmp_path):
    folder = tmp_path / "backfill"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(FIXTURES / name, folder / name)
    reasons = make_bad_files(folder)
    db = tmp_path / "w.sqlite"
    first = chiso("ingest", str(folder), "--db", f"sqlite:///{db}", "-j", "2")
    assert first.returncode == 1  # some files failed
    assert "Traceback" not in first.stdout + first.stderr
    assert "3 loaded" in first.stdout and f"{len(reasons)} failed" in first.stdout
    c = sqlite3.connect(db)
    outcome = {Path(p).name: (s, code) for p, s, code in c.execute("SELECT path, status, reason_code FROM file_outcome")}
    for name, code in reasons.items():
        assert outcome[name] == ("failed", code), name
        assert name in first.stdout
    for name in [*GOOD, "a-pdf-named.docx"]:
        assert outcome[name][0] == "loaded"
    assert c.execute("SELECT count(*) FROM document").fetchone()[0] == 3
    assert c.execute("SELECT count(*) FROM observation o LEFT JOIN document d ON d.id = o.document_id "
                     "WHERE d.id IS NULL").fetchone()[0] == 0
    c.close()
    before = table_dump(db)
    clean = tmp_path / "clean"  # the good files alone: the hostile ones beside them change nothing of theirs
    clean.mkdir()
    for name in GOOD:
        shutil.copy(FIXTURES / name, clean / name)
    shutil.copy(folder / "a-pdf-named.docx", clean / "a-pdf-named.docx")
    assert chiso("ingest", str(clean), "--db", f"sqlite:///{tmp_path / 'clean.sqlite'}").returncode == 0
    assert table_dump(tmp_path / "clean.sqlite")["observation"] == before["observation"]
    second = chiso("ingest", str(folder), "--db", f"sqlite:///{db}")
    assert second.returncode == 1
    assert "0 loaded" in second.stdout and "3 unchanged" in second.stdout
    assert table_dump(db) == before


def test_same_folder_twice_gives_the_same_warehouse_row_for_row(tmp_path):
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    assert chiso("ingest", str(FIXTURES), "--db", f"sqlite:///{a}").returncode == 0
    assert chiso("ingest", str(FIXTURES), "--db", f"sqlite:///{b}", "-j", "1").returncode == 0
    assert chiso("ingest", str(FIXTURES), "--db", f"sqlite:///{b}").returncode == 0
    assert table_dump(a) == table_dump(b)


def test_a_new_version_replaces_the_old_ones_observations_and_keeps_its_record(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    target = folder / "thanhhoa-cv-2025.docx"
    shutil.copy(FIXTURES / "thanhhoa-cv-2025.docx", target)
    db = tmp_path / "w.sqlite"
    assert chiso("ingest", str(folder), "--db", f"sqlite:///{db}").returncode == 0
    d = docx.Document(target)
    para = next(p for p in d.paragraphs if "đạt 90,15%" in p.text)
    for run in para.runs:
        run.text = run.text.replace("90,15%", "90,51%")
    d.save(target)
    assert chiso("ingest", str(folder), "--db", f"sqlite:///{db}").returncode == 0
    c = sqlite3.connect(db)
    docs = c.execute("SELECT id, status, superseded_by FROM document ORDER BY id").fetchall()
    assert [(s, sup) for _, s, sup in docs] == [("superseded", docs[1][0]), ("current", None)]
    values = c.execute("SELECT document_id, value FROM observation WHERE year = 2024 "
                       "AND entity = 'Thành phố Thanh Hóa'").fetchall()
    assert values == [(docs[1][0], 90.51)]
    assert c.execute("SELECT count(*) FROM observation WHERE document_id = ?", (docs[0][0],)).fetchone()[0] == 0


def _copies(folder: Path, n: int) -> None:
    """n distinct files with the same content: bytes after %%EOF change the hash, not the document."""
    data = (FIXTURES / "sonla-sipas-2023.pdf").read_bytes()
    for i in range(n):
        (folder / f"copy-{i:02d}.pdf").write_bytes(data + f"\n% copy {i}\n".encode())


def _documents(db: Path) -> list[tuple[int, int, str]]:
    """(id, observations, status) of every document row: copies of one numbered document are one document,
    the newest copy current and the others kept as history without values."""
    c = sqlite3.connect(db, timeout=30)
    rows = c.execute("SELECT d.id, count(o.id), d.status FROM document d LEFT JOIN observation o "
                     "ON o.document_id = d.id GROUP BY d.id").fetchall()
    c.close()
    return rows


def test_killed_in_the_middle_leaves_whole_documents_and_a_rerun_completes(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    n = 12
    _copies(folder, n)
    db = tmp_path / "w.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "chiso", "ingest", str(folder), "--db", f"sqlite:///{db}",
                             "-j", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        time.sleep(0.2)
        if db.exists():
            try:
                if len(_documents(db)) >= 2:
                    break
            except sqlite3.OperationalError:
                continue
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    c = sqlite3.connect(db)
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    c.close()
    partial = _documents(db)
    assert 2 <= len(partial) < n
    current = [count for _, count, status in partial if status == "current"]
    assert len(current) == 1 and current[0] > 100  # the current copy is complete
    assert all(count == 0 for _, count, status in partial if status == "superseded")  # history only
    rerun = chiso("ingest", str(folder), "--db", f"sqlite:///{db}")
    assert rerun.returncode == 0, rerun.stdout
    final = _documents(db)
    assert len(final) == n and [count for _, count, status in final if status == "current"] == current


def test_two_processes_on_one_warehouse_both_finish_correctly(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    _copies(folder, 6)
    for name in GOOD:
        shutil.copy(FIXTURES / name, folder / name)
    db = tmp_path / "w.sqlite"
    cmd = [sys.executable, "-m", "chiso", "ingest", str(folder), "--db", f"sqlite:///{db}", "-j", "1"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    docs = _documents(db)
    assert len(docs) == 8 and sum(status == "current" for *_, status in docs) == 3  # 6 copies are one document
    c = sqlite3.connect(db)
    done = c.execute("SELECT count(*) FROM file_outcome WHERE status = 'loaded' OR "
                     "(status = 'skipped' AND reason LIKE 'an older copy%')").fetchone()[0]
    assert done == 8  # each file taken by exactly one of the two runs
    assert c.execute("SELECT count(DISTINCT sha256) FROM document").fetchone()[0] == 8
    c.close()


def test_legacy_doc_is_converted_or_refused_with_a_reason(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    folder = tmp_path / "docs"
    folder.mkdir()
    if soffice is None:
        (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
        run = chiso("ingest", str(folder), "--db", f"sqlite:///{tmp_path / 'w.sqlite'}")
        assert run.returncode == 1 and "convert it to DOCX first" in run.stdout
        return
    subprocess.run([soffice, "--headless", "--convert-to", "doc", "--outdir", str(folder),
                    str(FIXTURES / "thanhhoa-cv-2025.docx")], check=True, capture_output=True, timeout=180)
    run = chiso("ingest", str(folder), "--db", f"sqlite:///{tmp_path / 'w.sqlite'}")
    assert run.returncode == 0, run.stdout
    assert "5 observations" in run.stdout


@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="needs SIGALRM")
def test_per_file_time_limit(tmp_path, monkeypatch):
    from chiso.pipeline import workers

    def slow(*args):  # noqa: ANN002, ANN202
        time.sleep(5)

    monkeypatch.setattr(workers, "process_file", slow)
    res = workers.process_with_limit(str(FIXTURES / GOOD[0]), seconds=1)
    assert res.error_code == "timeout" and "1 s" in res.error
