"""Document identity and history (chiso/load/identity.py): which stored document a file is.

A document is its bytes at a place (the path below the folder ingested). Same name in two
folders: two documents. Renamed and edited: the same numbered document, the old version
superseded with the reason. Old bytes put back: the old version is current again. The same
folder twice: nothing changes. Real fixtures, a real SQLite warehouse, the library API.
"""

from __future__ import annotations

import csv
import re
import shutil
import sqlite3
from functools import partial
from pathlib import Path

import pytest
from helpers import FIXTURES, expected
from pypdf import PdfWriter

import chiso

DECISION = "quangtri-par-2022.pdf"  # Quyết định 456/QĐ-UBND of 24/02/2023
SAME_NUMBER = "the same document (456/QĐ-UBND, 2023-02-24)"


def _edited_pdf(src: Path, dst: Path, page: int, old: str, new: str) -> None:
    """A copy of a PDF with one printed number changed in its page's content stream: the same numbered
    document (masthead, number, date untouched) with one value corrected, as a re-issue would be.

    Text is shown as hex glyph codes of subset fonts; each font's ToUnicode map gives the code of a
    character, and a number may be split by kerning (`[<4A0730>5<052C>]`), kept as it is."""
    assert len(old) == len(new)
    writer = PdfWriter(clone_from=src)
    target = writer.pages[page]
    content = target.get_contents()
    data = content.get_data()
    changed = 0
    for font in target["/Resources"]["/Font"].values():
        codes = _glyph_codes(font.get_object())
        if not set(old + new) <= set(codes):
            continue
        kern = rb"(>-?[0-9.]+<)?"
        pattern = re.compile(rb"<((?:[0-9A-F]{2})*?)" + kern.join(codes[c] for c in old))
        data, n = pattern.subn(partial(_respell, [codes[c] for c in new]), data)
        changed += n
    assert changed == 1, f"{old!r} printed {changed} times on page {page + 1}"
    content.set_data(data)
    target.replace_contents(content)
    writer.write(dst)


def _respell(new_codes: list[bytes], m: re.Match) -> bytes:
    """The matched glyph codes replaced one for one, the kerning between them kept."""
    seps = [sep or b"" for sep in m.groups()[1:]] + [b""]
    return b"<" + m.group(1) + b"".join(code + sep for code, sep in zip(new_codes, seps, strict=True))


def _glyph_codes(font) -> dict[str, bytes]:  # noqa: ANN001
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    codes: dict[str, bytes] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, uni in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4})>", block):
            codes.setdefault(chr(int(uni, 16)), code.upper().encode())
    return codes


def _ingest(url: str, *paths: Path) -> dict[str, chiso.FileReport]:
    report = chiso.ingest(list(paths), db=url, jobs=1)
    return {Path(f.path).name: f for f in report.files}


def _documents(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT id, source_key, source_file, sha256, status, superseded_by, supersede_reason "
                         "FROM document ORDER BY id").fetchall()


def _values(db: Path, entity: str, label: str) -> list[tuple[int, float]]:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT document_id, value FROM observation WHERE entity = ? AND label = ? "
                         "AND measure = 'value' ORDER BY document_id", (entity, label)).fetchall()


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- (a) the same name in two folders ------------------------------------------------------------
@pytest.mark.parametrize("how", ["parent folder", "two folders, one run", "two folders, two runs"])
def test_the_same_file_name_in_two_folders_is_two_documents(tmp_path, how):
    root = tmp_path / "backfill"
    a, b = root / "pci", root / "sipas"
    a.mkdir(parents=True)
    b.mkdir()
    shutil.copy(FIXTURES / "lamdong-pci-2016.pdf", a / "report.pdf")
    shutil.copy(FIXTURES / "ninhthuan-sipas-2019.pdf", b / "report.pdf")
    db = tmp_path / "w.sqlite"
    url = f"sqlite:///{db}"
    if how == "parent folder":
        outcomes = [chiso.ingest([root], db=url, jobs=1)]
    elif how == "two folders, one run":
        outcomes = [chiso.ingest([a, b], db=url, jobs=1)]
    else:
        outcomes = [chiso.ingest([a], db=url, jobs=1), chiso.ingest([b], db=url, jobs=1)]
    assert [f.status for r in outcomes for f in r.files] == ["loaded", "loaded"]
    assert all("replaces" not in f.detail for r in outcomes for f in r.files)
    keys = {"parent folder": ["backfill/pci/report.pdf", "backfill/sipas/report.pdf"]}.get(
        how, ["pci/report.pdf", "sipas/report.pdf"])
    sha_a, sha_b = _sha(a / "report.pdf"), _sha(b / "report.pdf")
    assert [(k, f, s, st, by) for _, k, f, s, st, by, _ in _documents(db)] == [
        (keys[0], "report.pdf", sha_a, "current", None), (keys[1], "report.pdf", sha_b, "current", None)]

    out = tmp_path / "out"
    chiso.export(url, out)
    assert sorted((r["source_file"], r["sha256"], r["province"]) for r in _csv(out / "documents.csv")) == sorted(
        [("report.pdf", sha_a, "Lâm Đồng"), ("report.pdf", sha_b, "Ninh Thuận")])
    rows = _csv(out / "observations.csv")
    for sha, name in ((sha_a, "lamdong-pci-2016.pdf"), (sha_b, "ninhthuan-sipas-2019.pdf")):
        got = sorted((int(r["year"]), float(r["value"])) for r in rows if r["sha256"] == sha)
        assert got == sorted((o["year"], o["value"]) for o in expected(name)["observations"]), name
    assert len(rows) == 22 + 33


@pytest.mark.parametrize("runs", [1, 2])
def test_the_same_name_in_two_folders_of_the_same_name_is_two_documents(tmp_path, runs):
    a, b = tmp_path / "pci" / "2019", tmp_path / "sipas" / "2019"
    a.mkdir(parents=True)
    b.mkdir(parents=True)
    shutil.copy(FIXTURES / "lamdong-pci-2016.pdf", a / "report.pdf")
    shutil.copy(FIXTURES / "ninhthuan-sipas-2019.pdf", b / "report.pdf")
    db = tmp_path / "w.sqlite"
    if runs == 1:
        chiso.ingest([a, b], db=f"sqlite:///{db}", jobs=1)
    else:
        chiso.ingest([a], db=f"sqlite:///{db}", jobs=1)
        chiso.ingest([b], db=f"sqlite:///{db}", jobs=1)
    assert [row[4] for row in _documents(db)] == ["current", "current"]


# --- (b) renamed and edited, (c) reverted ---------------------------------------------------------
def _rename_then_edit(tmp_path: Path) -> tuple[Path, Path, str, dict[str, chiso.FileReport]]:
    """bao-cao.pdf ingested; then gone, and a corrected re-issue at bao-cao-v2.pdf ingested."""
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(FIXTURES / DECISION, folder / "bao-cao.pdf")
    db = tmp_path / "w.sqlite"
    url = f"sqlite:///{db}"
    assert _ingest(url, folder)["bao-cao.pdf"].status == "loaded"
    (folder / "bao-cao.pdf").unlink()
    _edited_pdf(FIXTURES / DECISION, folder / "bao-cao-v2.pdf", 2, "86,40", "86,04")  # Sở Y tế, Phụ lục I
    return folder, db, url, _ingest(url, folder)


def test_a_renamed_and_edited_document_supersedes_its_old_version(tmp_path):
    folder, db, url, second = _rename_then_edit(tmp_path)
    new = second["bao-cao-v2.pdf"]
    reason = f"{SAME_NUMBER} now at docs/bao-cao-v2.pdf"
    assert new.status == "loaded" and f"replaces docs/bao-cao.pdf ({reason})" in new.detail
    (old_id, *old), (new_id, *current) = _documents(db)
    assert old == ["docs/bao-cao.pdf", "bao-cao.pdf", _sha(FIXTURES / DECISION), "superseded", new_id, reason]
    assert current == ["docs/bao-cao-v2.pdf", "bao-cao-v2.pdf", new.sha256, "current", None, None]
    assert _values(db, "Sở Y tế", "Chỉ số CCHC") == [(new_id, 86.04)]
    with sqlite3.connect(db) as c:
        per_doc = dict(c.execute("SELECT document_id, count(*) FROM observation GROUP BY document_id").fetchall())
        assert per_doc == {new_id: 106}  # the old version's values and flags left the warehouse
        assert c.execute("SELECT count(*) FROM flag WHERE document_id = ?", (old_id,)).fetchone()[0] == 0

    out = tmp_path / "out"
    chiso.export(url, out)
    assert [(r["source_file"], r["number"]) for r in _csv(out / "documents.csv")] == [("bao-cao-v2.pdf", "456/QĐ-UBND")]
    rows = _csv(out / "observations.csv")
    assert len(rows) == 53 and {r["sha256"] for r in rows} == {new.sha256}
    assert [r["value"] for r in rows if r["entity"] == "Sở Y tế"] == ["86.04"]


def test_old_bytes_put_back_make_the_old_version_current_again(tmp_path):
    folder, db, url, second = _rename_then_edit(tmp_path)
    (first_id, *_), (edited_id, *_) = _documents(db)
    with sqlite3.connect(db) as c:
        uids = c.execute("SELECT uid FROM observation ORDER BY uid").fetchall()
    shutil.copy(FIXTURES / DECISION, folder / "bao-cao-v2.pdf")  # the correction withdrawn
    third = _ingest(url, folder)["bao-cao-v2.pdf"]
    assert third.status == "loaded" and third.sha256 == _sha(FIXTURES / DECISION)
    assert "replaces docs/bao-cao-v2.pdf (new version at docs/bao-cao-v2.pdf)" in third.detail
    assert "an earlier version, current again" in third.detail
    assert _documents(db) == [  # no new row: the old row is current again, at its new place
        (first_id, "docs/bao-cao-v2.pdf", "bao-cao-v2.pdf", third.sha256, "current", None, None),
        (edited_id, "docs/bao-cao-v2.pdf", "bao-cao-v2.pdf", second["bao-cao-v2.pdf"].sha256, "superseded",
         first_id, "new version at docs/bao-cao-v2.pdf")]
    assert _values(db, "Sở Y tế", "Chỉ số CCHC") == [(first_id, 86.4)]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT uid FROM observation ORDER BY uid").fetchall() != uids  # the edited one's ids
        assert c.execute("SELECT count(*) FROM observation WHERE document_id = ?", (edited_id,)).fetchone()[0] == 0
    chiso.export(url, tmp_path / "out")
    assert [r["value"] for r in _csv(tmp_path / "out" / "observations.csv") if r["entity"] == "Sở Y tế"] == ["86.4"]
    assert _ingest(url, folder)["bao-cao-v2.pdf"].status == "skipped_unchanged"


def test_a_reverted_file_gets_back_the_ids_of_its_first_load(tmp_path):
    """Observation ids are made from the bytes: the old version current again has its old ids."""
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(FIXTURES / DECISION, folder / "qd.pdf")
    db = tmp_path / "w.sqlite"
    url = f"sqlite:///{db}"

    def uids() -> list[str]:
        with sqlite3.connect(db) as c:
            return [u for (u,) in c.execute("SELECT uid FROM observation ORDER BY uid")]

    _ingest(url, folder)
    first = uids()
    _edited_pdf(FIXTURES / DECISION, folder / "qd.pdf", 2, "86,40", "86,04")
    assert _ingest(url, folder)["qd.pdf"].status == "loaded"
    edited = uids()
    assert len(edited) == len(first) == 106 and not set(edited) & set(first)
    shutil.copy(FIXTURES / DECISION, folder / "qd.pdf")
    assert _ingest(url, folder)["qd.pdf"].status == "loaded"
    assert uids() == first
    assert [(k, st, why) for _, k, _, _, st, _, why in _documents(db)] == [
        ("docs/qd.pdf", "current", None), ("docs/qd.pdf", "superseded", "new version at docs/qd.pdf")]


# --- (d) the same folder twice -----------------------------------------------------------------------
def test_the_same_folder_twice_changes_nothing_and_exports_the_same_bytes(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    names = ["lamdong-pci-2016.docx", "lamdong-pci-2016.pdf", "ninhthuan-sipas-2019.pdf", "thanhhoa-cv-2025.docx",
             DECISION]
    for name in names:
        shutil.copy(FIXTURES / name, folder / name)
    db = tmp_path / "w.sqlite"
    url = f"sqlite:///{db}"
    first = chiso.ingest([folder], db=url, jobs=1)
    assert [f.status for f in first.files] == ["loaded"] * 5 and first.exit_code == 0
    # a DOCX and the PDF made from it are two renditions of one decision: both kept
    assert [st for _, _, _, _, st, _, _ in _documents(db)] == ["current"] * 5
    chiso.export(url, tmp_path / "out1")
    docs_before = _documents(db)
    second = chiso.ingest([folder], db=url, jobs=1)
    assert {Path(f.path).name: f.status for f in second.files} == dict.fromkeys(names, "skipped_unchanged")
    assert second.observations == 0 and second.exit_code == 0
    assert _documents(db) == docs_before
    chiso.export(url, tmp_path / "out2")
    files = sorted(p.name for p in (tmp_path / "out1").iterdir())
    assert "observations.csv" in files and files == sorted(p.name for p in (tmp_path / "out2").iterdir())
    for name in files:
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes(), name
    assert len(_csv(tmp_path / "out1" / "observations.csv")) == 22 + 22 + 33 + 5 + 53


def test_two_versions_side_by_side_settle_after_one_run(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(FIXTURES / DECISION, folder / "qd-456.pdf")
    _edited_pdf(FIXTURES / DECISION, folder / "qd-456-dinh-chinh.pdf", 2, "86,40", "86,04")
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    chiso.ingest([folder], db=url, jobs=1)
    current = [row[1:5] for row in _documents(tmp_path / "w.sqlite") if row[4] == "current"]
    again = chiso.ingest([folder], db=url, jobs=1)
    assert [f.status for f in again.files] == ["skipped_unchanged"] * 2
    assert [row[1:5] for row in _documents(tmp_path / "w.sqlite") if row[4] == "current"] == current
