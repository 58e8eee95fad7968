"""The library API (chiso/api.py) as a Python user calls it: interpret, ingest, Warehouse, export.

Real fixture documents, a real SQLite warehouse in tmp_path, exact values taken from the
fixtures' expected files (fixtures/*.expected.json, written by fixtures/make_fixtures.py).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES, expected
from sqlalchemy import select

import chiso
from chiso.load.schema import Document, Observation
from chiso.model import RawObservation

DOCX = "lamdong-pci-2016.docx"
PDF = "quangtri-par-2022.pdf"

# (year, entity, label as printed) → (value, unit, max, rank): read from the fixtures' expected files
DOCX_PICKS = {
    (2016, "Lâm Đồng", "Chỉ số PCI"): (58.66, "points", None, 27),
    (2015, "Lâm Đồng", "Chỉ số PCI"): (59.04, "points", None, 21),
    (2016, "Lâm Đồng", "Tính minh bạch"): (6.8, "points", None, 7),
    (2015, "Lâm Đồng", "Tiếp cận đất đai"): (6.18, "points", None, 21),  # a sentence misprints it '6.,18'
}
PDF_PICKS = {
    (2022, "Ban Dân tộc", "Chỉ số CCHC"): (92.49, "%", None, 1),
    (2022, "UBND huyện Cồn Cỏ", "Chỉ số CCHC"): (76.84, "%", None, 10),
    (2022, "Quảng Trị", "Tổng điểm"): (86.23, "points", 100.0, None),
    (2022, "Quảng Trị", "Đào tạo, bồi dưỡng CBCCVC"): (4.75, "points", 4.5, None),  # planted: above its max
}
N_VALUES = {DOCX: 22, PDF: 53}  # observations with measure 'value' (the exported ones)
N_ROWS = {DOCX: 22, PDF: 106}  # every row loaded: Quảng Trị also has self-assessed and raw scores


def _truth(name: str, year: int, entity: str, label: str) -> dict:
    (row,) = [o for o in expected(name)["observations"]
              if (o["year"], o["entity"], o["label"]) == (year, entity, label)]
    return row


def _value(observations: list[RawObservation], year: int, entity: str, label: str) -> RawObservation:
    (obs,) = [o for o in observations if o.measure == "value" and (o.year, o.entity, o.label) == (year, entity, label)]
    return obs


def _copy(name: str, folder: Path, as_name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(FIXTURES / name, folder / (as_name or name)))


# --- interpret ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "picks"), [(DOCX, DOCX_PICKS), (PDF, PDF_PICKS)])
def test_interpret_gives_the_printed_values_and_writes_nothing(name, picks, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default warehouse would be ./chiso-warehouse.sqlite
    doc = chiso.interpret(FIXTURES / name)
    assert isinstance(doc, chiso.Interpretation)
    for (year, entity, label), (value, unit, max_, rank) in picks.items():
        truth = _truth(name, year, entity, label)
        assert (truth["value"], truth["unit"], truth["max"], truth["rank"]) == (value, unit, max_, rank)
        o = _value(doc.observations, year, entity, label)
        assert (o.index, o.value, o.unit, o.max, o.rank) == (expected(name)["doc"]["indices"][0], value, unit, max_,
                                                            rank), (entity, label)
    assert sum(o.measure == "value" for o in doc.observations) == N_VALUES[name] == len(expected(name)["observations"])
    assert list(tmp_path.iterdir()) == []


def test_interpret_metadata_and_flags_of_a_docx():
    doc = chiso.interpret(FIXTURES / DOCX)
    m = doc.meta
    assert (m.province, m.indices, m.report_year, m.doc_type, m.number, m.date, m.draft) == (
        "Lâm Đồng", ["PCI"], 2016, "BC", "512/BC-SKHĐT", "2017-04-20", False)
    assert m.issuer == "Sở Kế hoạch và Đầu tư tỉnh Lâm Đồng"
    assert _value(doc.observations, 2016, "Lâm Đồng", "Chỉ số PCI").criterion == "pci.total"
    # the two typos of the document are flagged, never loaded as values
    unreadable = sorted(f.message for f, _ in doc.flags if f.code == "unreadable_number")
    assert len(unreadable) == 2 and "'0..33'" in unreadable[0] and "'6.,18'" in unreadable[1]


def test_interpret_metadata_and_planted_flags_of_a_pdf():
    doc = chiso.interpret(FIXTURES / PDF)
    m = doc.meta
    assert (m.province, m.indices, m.report_year, m.doc_type, m.number, m.date, m.draft) == (
        "Quảng Trị", ["PAR_INDEX"], 2022, "QD", "456/QĐ-UBND", "2023-02-24", False)
    total = _value(doc.observations, 2022, "Quảng Trị", "Tổng điểm")
    assert total.criterion == "par.total" and total.source.kind == "table" and total.source.page == 4
    assert total.source.bbox is not None
    training = _value(doc.observations, 2022, "Quảng Trị", "Đào tạo, bồi dưỡng CBCCVC")
    assert "above_max" in {f.code for f in training.flags}
    area = _value(doc.observations, 2022, "Quảng Trị", "Cải cách thủ tục hành chính")  # printed 10,25, sums to 10
    assert area.value == 10.25 and "aggregate_mismatch" in {f.code for f in area.flags}


def test_interpret_can_be_called_again_in_the_same_process():
    """Reading a document imports the stage package `chiso.interpret`; the function must stay reachable."""
    first = chiso.interpret(FIXTURES / DOCX)
    again = chiso.interpret(FIXTURES / PDF)
    assert chiso.interpret is chiso.api.interpret
    assert (first.meta.province, again.meta.province) == ("Lâm Đồng", "Quảng Trị")
    from chiso import interpret

    assert interpret is chiso.api.interpret


def test_interpret_of_a_damaged_file_raises_a_chiso_error_naming_it(tmp_path):
    bad = tmp_path / "hong.pdf"
    bad.write_bytes((FIXTURES / PDF).read_bytes()[:6000])
    with pytest.raises(chiso.ChisoError) as err:
        chiso.interpret(bad)
    assert str(err.value).startswith(f"{bad}: damaged PDF")
    assert err.value.exit_code == 2


# --- ingest, Warehouse, export -------------------------------------------------------------------
@pytest.fixture
def backfill(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Two documents, a note that is no document and a truncated PDF; name → expected status."""
    folder = tmp_path / "reports"
    _copy(DOCX, folder)
    _copy(PDF, folder)
    (folder / "ghi-chu.txt").write_text("Ghi chú: thư mục báo cáo chỉ số năm 2022\n", encoding="utf-8")
    (folder / "hong.pdf").write_bytes((FIXTURES / PDF).read_bytes()[:6000])
    return folder, {DOCX: "loaded", PDF: "loaded", "ghi-chu.txt": "skipped", "hong.pdf": "failed"}


def _ingest(folder: Path, url: str) -> tuple[chiso.IngestReport, list[chiso.FileReport], list[tuple[int, int]]]:
    files: list[chiso.FileReport] = []
    progress: list[tuple[int, int]] = []
    report = chiso.ingest([folder], db=url, jobs=1, on_file=files.append,
                          on_progress=lambda done, total: progress.append((done, total)))
    return report, files, progress


def test_ingest_reports_one_outcome_per_file_and_a_rerun_is_unchanged(backfill, tmp_path):
    folder, want = backfill
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    report, files, progress = _ingest(folder, url)
    assert isinstance(report, chiso.IngestReport)
    assert report.files == files  # the callback saw every report, once
    assert progress == [(1, 4), (2, 4), (3, 4), (4, 4)]
    by_name = {Path(f.path).name: f for f in report.files}
    assert {n: f.status for n, f in by_name.items()} == want
    assert {n: f.observations for n, f in by_name.items()} == {DOCX: N_ROWS[DOCX], PDF: N_ROWS[PDF],
                                                               "ghi-chu.txt": 0, "hong.pdf": 0}
    skipped, failed = by_name["ghi-chu.txt"], by_name["hong.pdf"]
    assert (skipped.code, skipped.reason) == ("not_supported", "not a document: not a PDF or DOCX (unrecognised "
                                                               "content)")
    assert failed.code == "damaged" and failed.reason.startswith("damaged PDF")
    assert report.failures == [failed] and report.exit_code == 1
    assert (report.counts["files"], report.counts["loaded"], report.observations) == (4, 2, N_ROWS[DOCX] + N_ROWS[PDF])
    assert "PCI" in by_name[DOCX].detail and "456/QĐ-UBND" not in by_name[DOCX].detail

    again, files2, progress2 = _ingest(folder, url)
    assert again.run_id > report.run_id and len(files2) == 4 and progress2[-1] == (4, 4)
    assert {Path(f.path).name: f.status for f in again.files} == {
        DOCX: "skipped_unchanged", PDF: "skipped_unchanged", "ghi-chu.txt": "skipped", "hong.pdf": "failed"}
    assert again.observations == 0 and again.exit_code == 1
    assert {f.sha256 for f in again.files if f.status == "skipped_unchanged"} == {
        by_name[DOCX].sha256, by_name[PDF].sha256}


def test_warehouse_reads_what_was_ingested_and_export_writes_it(backfill, tmp_path):
    folder, _ = backfill
    db = tmp_path / "w.sqlite"
    report, _, _ = _ingest(folder, f"sqlite:///{db}")
    sha = {Path(f.path).name: f.sha256 for f in report.files if f.status == "loaded"}

    wh = chiso.Warehouse(f"sqlite:///{db}", read_only=True)
    with wh.session() as s:
        docs = {d.source_file: d for d in s.exec(select(Document)).scalars()}
        rows = s.exec(select(Observation, Document.source_file).join(Document, Document.id == Observation.document_id)
                      ).all()
    assert set(docs) == {DOCX, PDF} and {d.status for d in docs.values()} == {"current"}
    assert {n: d.sha256 for n, d in docs.items()} == sha
    assert (docs[PDF].number, docs[PDF].province, docs[PDF].report_year) == ("456/QĐ-UBND", "Quảng Trị", 2022)
    stored = {(f, o.year, o.entity, o.label): o for o, f in rows if o.measure == "value"}
    assert len(stored) == N_VALUES[DOCX] + N_VALUES[PDF]
    for name, picks in ((DOCX, DOCX_PICKS), (PDF, PDF_PICKS)):
        for (year, entity, label), (value, unit, max_, rank) in picks.items():
            o = stored[(name, year, entity, label)]
            assert (o.value, o.unit, o.max, o.rank) == (value, unit, max_, rank)
    assert "above_max" in stored[(PDF, 2022, "Quảng Trị", "Đào tạo, bồi dưỡng CBCCVC")].flags.split(";")

    out = tmp_path / "out"
    done = chiso.export(wh, out)
    assert isinstance(done, chiso.Exported) and done.files["observations.csv"] == out / "observations.csv"
    assert done.rows["observations"] == done.rows["best"] == len(stored)
    with open(out / "observations.csv", encoding="utf-8", newline="") as f:
        exported = list(csv.DictReader(f))
    assert len(exported) == len(stored)
    got = {(r["source_file"], int(r["year"]), r["entity"], r["label"]): r for r in exported}
    assert set(got) == set(stored)
    for key, o in stored.items():
        r = got[key]
        assert (float(r["value"]), r["unit"], r["sha256"], r["id"]) == (o.value, o.unit, sha[key[0]], o.uid), key
        assert r["rank"] == ("" if o.rank is None else str(o.rank)) and r["flags"] == o.flags, key
    with open(out / "documents.csv", encoding="utf-8", newline="") as f:
        assert sorted((r["source_file"], r["sha256"]) for r in csv.DictReader(f)) == sorted(sha.items())

    # a URL instead of a Warehouse: opened read-only, the same rows, filters applied
    only_pci = chiso.export(f"sqlite:///{db}", tmp_path / "pci", index=["PCI"])
    assert only_pci.rows["observations"] == N_VALUES[DOCX] and only_pci.rows["documents"] == 1


def test_export_of_a_missing_warehouse_creates_nothing(tmp_path):
    missing = tmp_path / "none.sqlite"
    with pytest.raises(chiso.ChisoError, match="no warehouse at"):
        chiso.export(f"sqlite:///{missing}", tmp_path / "out")
    assert not missing.exists() and not (tmp_path / "out").exists()


def test_import_chiso_is_cheap():
    code = ("import sys, chiso; heavy = ('pdfplumber', 'pypdfium2', 'pandas', 'pyarrow', 'sqlalchemy', 'sqlmodel', "
            "'docx', 'rapidfuzz', 'rich', 'typer'); print(sorted(m for m in sys.modules if m.split('.')[0] in heavy)); "
            "print(sorted(m for m in sys.modules if m.startswith('chiso')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    heavy, ours = run.stdout.splitlines()
    assert heavy == "[]"
    assert ours == "['chiso']"
