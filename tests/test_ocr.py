"""Scanned PDFs read by OCR (chiso/extract/ocr.py) on real scans of the project's fixtures.

The scans (tests/scans/, made by fixtures/make_scans.py) are the text fixtures rasterised
at 200 dpi, tilted 0.3–0.8°, blurred and noisy, saved as image-only PDFs; their expected
files are the text fixtures' own. Real Tesseract runs here (tesserocr + the `vie`/`eng`
models); only the missing-Tesseract case hides the models.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from frictionless import validate
from sqlalchemy import text as sqltext

from chiso.extract import ocr, ocr_numbers
from chiso.extract.ocr_lines import deskew, ruling_edges
from chiso.extract.pdf_lines import find_tables, tables_from_edges
from chiso.extract.pdf_reader import read_pdf
from chiso.extract.pdf_words import cell_words, page_words
from chiso.load.export import CONTRACT_OBSERVATION_COLUMNS, export
from chiso.load.warehouse import Warehouse
from chiso.pipeline import process_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SCANS = Path(__file__).resolve().parent / "scans"
needs_tesseract = pytest.mark.skipif(ocr.unavailable_reason() is not None,
                                     reason=f"Tesseract missing: {ocr.unavailable_reason()}")

# values the OCR path finds (of 166, 53, 66 expected; measured 161, 43–47, 63); none may be wrong
MIN_FOUND = {"sonla-sipas-2023-scan.pdf": 155, "quangtri-par-2022-scan.pdf": 40, "hagiang-papi-2019-scan.pdf": 60}


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    """One OCR cache for this test module: the scans are read once, tests do not share the user's cache."""
    monkeypatch.setenv("CHISO_CACHE", str(tmp_path_factory.getbasetemp() / "ocr-cache"))


def _expected(path: Path) -> dict:
    return json.loads(path.with_name(path.name + ".expected.json").read_text(encoding="utf-8"))


def _compare(path: Path) -> tuple[int, list, list]:
    """(found, wrong, missing): values matched by (year, value) against the expected file."""
    result = process_file(path)
    assert result.ok, result.error
    want = _expected(path)["observations"]
    got = [o for o in result.interpretation.observations if o.measure == "value"]
    used: set[int] = set()
    wrong = []
    for o in got:
        match = [i for i, w in enumerate(want) if i not in used and w["year"] == o.year
                 and abs(w["value"] - o.value) < 0.0051 and (w["rank"] is None or o.rank in (None, w["rank"]))]
        if match:
            used.add(match[0])
        else:
            wrong.append((o.label, o.year, o.value))
    return len(used), wrong, [w for i, w in enumerate(want) if i not in used]


@needs_tesseract
@pytest.mark.parametrize("name", sorted(MIN_FOUND))
def test_scanned_report_gives_its_values_and_no_wrong_one(name):
    found, wrong, _ = _compare(SCANS / name)
    assert wrong == []
    assert found >= MIN_FOUND[name]


@needs_tesseract
def test_scanned_values_are_exact_in_table_and_sentence():
    result = process_file(SCANS / "sonla-sipas-2023-scan.pdf")
    obs = [o for o in result.interpretation.observations if o.measure == "value"]
    index = [o for o in obs if o.year == 2023 and o.value == 83.12]
    assert index and index[0].unit == "%"  # "Chỉ số SIPAS 2023 tỉnh Sơn La đạt 83,12%"
    assert any(o.source.kind == "table" and o.value == 84.12 and o.year == 2023 for o in obs)
    assert result.stats["ocr_pages"] == 7
    assert "7 pages read by OCR" in result.warnings


@needs_tesseract
def test_text_pdf_with_one_scanned_page_reads_every_value():
    path = SCANS / "quangtri-par-2022-mixed.pdf"
    found, wrong, missing = _compare(path)
    assert (wrong, missing) == ([], [])
    assert found == len(_expected(path)["observations"])
    result = process_file(path)
    assert result.stats["ocr_pages"] == 1 and "1 pages read by OCR" in result.warnings


@needs_tesseract
def test_ocr_words_have_the_text_layer_shape_and_place():
    """The same keys as page_words plus conf; positions within 2 pt of the text PDF's words."""
    scan = pdfium.PdfDocument(SCANS / "quangtri-par-2022-mixed.pdf")
    text = pdfium.PdfDocument(FIXTURES / "quangtri-par-2022.pdf")
    page = text[1]
    truth = page_words(page, page.get_size()[1])
    words, edges = ocr.PageOcr((SCANS / "quangtri-par-2022-mixed.pdf").read_bytes()).read(scan[1], 2, [])
    assert edges is not None
    assert set(words[0]) == set(truth[0]) | {"conf"}
    assert all(0 <= w["conf"] <= 100 for w in words)
    near = 0
    for w in words:
        same = [t for t in truth if t["text"] == w["text"] and abs(t["x0"] - w["x0"]) < 2
                and abs(t["baseline"] - w["baseline"]) < 2]
        near += bool(same)
    assert near >= 0.9 * len(truth)


def test_rules_found_in_a_scan_give_the_cells_of_the_drawn_rules():
    """pdfplumber's grid algorithm on the scan's image rules finds the text PDF's table cells."""
    scan = pdfium.PdfDocument(SCANS / "sonla-sipas-2023-scan.pdf")
    text = pdfium.PdfDocument(FIXTURES / "sonla-sipas-2023.pdf")
    for i in (1, 4):
        gray = ocr.render(scan[i], 200)
        level, angle = deskew(gray)
        assert 0.3 <= abs(angle) <= 0.8
        edges, _ = ruling_edges(level, 200)
        ours = [c for t in tables_from_edges(edges) for c in t.cells]
        theirs = [c for t in find_tables(text[i], text[i].get_size()[1]) for c in t.cells]
        assert len(ours) == len(theirs)
        assert all(any(max(abs(a - b) for a, b in zip(c, d, strict=True)) < 3 for d in ours) for c in theirs)


def test_without_tesseract_a_scan_fails_with_what_to_install_and_the_rest_runs(monkeypatch):
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    monkeypatch.setattr(ocr, "TESSDATA_DIRS", ())  # no vie.traineddata anywhere
    result = process_file(SCANS / "hagiang-papi-2019-scan.pdf")
    assert not result.ok and result.error_code == "no_text"
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in result.error
    mixed = process_file(SCANS / "quangtri-par-2022-mixed.pdf")  # its text pages still load
    assert mixed.ok and mixed.interpretation.observations
    assert any("scanned pages not read (2)" in w and "tesseract-ocr-vie" in w for w in mixed.warnings)
    assert process_file(FIXTURES / "quangtri-par-2022.pdf").ok


@needs_tesseract
def test_a_rerun_reads_each_page_from_the_cache(tmp_path, monkeypatch):
    one_page = pdfium.PdfDocument.new()
    one_page.import_pages(pdfium.PdfDocument(SCANS / "quangtri-par-2022-scan.pdf"), [0])
    path = tmp_path / "one-page-scan.pdf"
    one_page.save(path)
    monkeypatch.setenv("CHISO_CACHE", str(tmp_path / "cache"))
    first = read_pdf(path, "x")
    assert (first.stats["ocr_pages"], first.stats["ocr_cache_hits"]) == (1, 0)

    def no_ocr(*args, **kwargs):
        raise AssertionError("OCR ran although the page is cached")

    monkeypatch.setattr(ocr, "ocr_image", no_ocr)
    second = read_pdf(path, "x")
    assert (second.stats["ocr_pages"], second.stats["ocr_cache_hits"]) == (1, 1)
    assert [b.text for b in second.texts] == [b.text for b in first.texts]


def _word(text: str, x0: float, conf: float | None = 96.0, baseline: float = 100.0) -> dict:
    w = {"text": text, "x0": x0, "x1": x0 + 6.0 * len(text), "top": baseline - 10, "bottom": baseline + 3,
         "size": 13.0, "baseline": baseline, "bold": False, "font": ""}
    if conf is not None:
        w["conf"] = conf
    return w


def test_suspicious_numbers_are_marked_with_their_reason():
    page = [_word("81,51%", 100, baseline=60), _word("79,03%", 100, baseline=80), _word("2,5", 100, baseline=120),
            _word("79", 100), _word("46%", 113.5),  # one number OCR split: `79 46%`
            _word("82.52%", 100, conf=75, baseline=140),  # a point on a page of commas, not sure of it
            _word("42.37", 100, conf=97, baseline=160),  # … sure of it: printed so
            _word("83,12%", 100, conf=41, baseline=180),  # low confidence only: kept (its value is flagged)
            _word("8196", 100, baseline=200), _word("2023", 200, baseline=200),  # a lost comma; a year
            _word("3,Ð", 100, conf=92, baseline=220),  # digits and junk: a reader would take `3,`
            {**_word("35,25", 100, conf=62, baseline=240), "doubt": "readings '5,25' / '35,25'"}]
    page += [_word(f"8{k},{k}5%", 300, baseline=60 + 20 * k) for k in range(8)]  # the page's decimals
    marks = ocr_numbers.suspicious_numbers(page)
    reasons = {page[i]["text"]: r.split(" ")[0] for i, r in marks.items()}
    assert reasons == {"79": "split", "46%": "split", "82.52%": "separator", "8196": "no_separator",
                       "3,Ð": "garbled", "35,25": "disagree"}
    reader = ocr.PageOcr(b"")
    kept = [w["text"] for w in reader._trusted(page, 4)]
    assert "83,12%" in kept and "2023" in kept and not set(reasons) & set(kept)
    assert reader.low_conf_numbers == 1 and len(reader.suspects) == 6
    assert any("1 numbers read by OCR with a confidence below" in w for w in reader.warnings())


def test_second_reading_of_a_number_settles_or_doubts_it():
    assert ocr_numbers.reconcile(("275", 73.0), ("2,75", 96.0)) == ("2,75", 96.0, None)  # vie lost the comma
    assert ocr_numbers.reconcile(("Uy)", 0.0), ("2,75", 96.0)) == ("2,75", 96.0, None)  # vie read letters
    text, conf, doubt = ocr_numbers.reconcile(("5,25", 95.8), ("3525", 62.0))  # other digits: not trusted
    assert conf < ocr_numbers.LOW_CONF and doubt == "readings '5,25' / '3525'"
    assert ocr_numbers.reconcile(("190/QĐ-BNV", 95.0), ("190/QD-BNV", 90.0)) == ("190/QĐ-BNV", 95.0, None)


def _stamp(page: pdfium.PdfPage, pdf: pdfium.PdfDocument, text: str) -> None:
    """Put a line of real text on a page, as a scanner's software stamps its name on a scan."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    font = pdfium_c.FPDFText_LoadStandardFont(pdf.raw, b"Helvetica")
    obj = pdfium_c.FPDFPageObj_CreateTextObj(pdf.raw, font, 9.0)
    buf = ctypes.create_string_buffer((text + "\x00").encode("utf-16-le"))
    pdfium_c.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 20, 10)
    pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    pdfium_c.FPDFPage_GenerateContent(page.raw)


@needs_tesseract
def test_a_scan_with_a_few_stamped_words_is_still_read_by_ocr(tmp_path):
    pdf = pdfium.PdfDocument.new()
    pdf.import_pages(pdfium.PdfDocument(SCANS / "quangtri-par-2022-scan.pdf"), [0])
    _stamp(pdf[0], pdf, "Scanned by OfficeScan 2016")
    pdf.save(tmp_path / "stamped.pdf")
    doc = read_pdf(tmp_path / "stamped.pdf", "x")
    assert doc.stats["ocr_pages"] == 1
    assert any("QUYẾT ĐỊNH" in b.text for b in doc.texts)


def test_blank_scanned_page_is_no_text(tmp_path):
    from PIL import Image

    Image.fromarray(np.full((800, 600), 255, np.uint8)).save(tmp_path / "blank.pdf")
    result = process_file(tmp_path / "blank.pdf")
    assert result.error_code == "no_text"


# ── word confidence in provenance, low confidence flagged, split numbers left out (issue 13) ──────────

def _values(result) -> list[tuple]:
    return [(o.label, o.year, o.value) for o in result.interpretation.observations]


@needs_tesseract
def test_a_scanned_value_keeps_the_confidence_of_its_digits_and_a_text_value_none():
    path = SCANS / "sonla-sipas-2023-scan.pdf"
    obs = process_file(path).interpretation.observations
    confs = [o.source.ocr_confidence for o in obs]
    assert all(c is not None and 0 <= c <= 100 for c in confs)
    assert len(set(confs)) > 5  # each value its own words' confidence
    pdf = pdfium.PdfDocument(path)
    page_ocr = ocr.PageOcr(path.read_bytes())
    table = next(o for o in obs if o.source.kind == "table" and o.value == 84.12 and o.year == 2023)
    words, _ = page_ocr.read(pdf[table.source.page - 1], table.source.page, [])
    in_cell = [w for w in cell_words(table.source.bbox, words) if any(ch.isdigit() for ch in w["text"])]
    assert in_cell and table.source.ocr_confidence == min(w["conf"] for w in in_cell)
    sentence = next(o for o in obs if o.source.kind == "text" and o.value == 83.12)
    words, _ = page_ocr.read(pdf[sentence.source.page - 1], sentence.source.page, [])
    tokens = set(re.findall(r"\d(?:[\d.,]*\d)?", sentence.source.snippet))
    in_snippet = [w["conf"] for w in cell_words(sentence.source.bbox, words)  # the words of its block
                  if tokens & set(re.findall(r"\d(?:[\d.,]*\d)?", w["text"]))]
    assert "83,12" in tokens and sentence.source.ocr_confidence == min(in_snippet)
    assert all(o.source.ocr_confidence is None for o in process_file(FIXTURES / "sonla-sipas-2023.pdf")
               .interpretation.observations)
    mixed = process_file(SCANS / "quangtri-par-2022-mixed.pdf").interpretation.observations  # page 2 scanned
    assert all((o.source.ocr_confidence is not None) == (o.source.page == 2) for o in mixed)


@needs_tesseract
def test_a_value_read_below_the_threshold_is_loaded_flagged_and_exported_with_its_confidence(monkeypatch, tmp_path):
    path = SCANS / "sonla-sipas-2023-scan.pdf"
    plain = process_file(path)
    confs = sorted({o.source.ocr_confidence for o in plain.interpretation.observations})
    threshold = confs[len(confs) // 2]  # a threshold above half of the values' confidences
    monkeypatch.setattr(ocr_numbers, "LOW_CONF", threshold)
    result = process_file(path)
    obs = result.interpretation.observations
    assert _values(result) == _values(plain)  # low confidence leaves no value out
    low = [o for o in obs if o.source.ocr_confidence < threshold]
    assert low and len(low) < len(obs)
    for o in obs:
        flags = [f for f in o.flags if f.code == "ocr_low_confidence"]
        assert len(flags) == (o.source.ocr_confidence < threshold)
        assert all(f.severity == "warning" and f"confidence {o.source.ocr_confidence:.0f}" in f.message
                   for f in flags)
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.sqlite'}")
    assert wh.load(result) == len(obs)
    assert wh.load(process_file(FIXTURES / "quangtri-par-2022.pdf")) > 0  # a text PDF
    with wh.engine.connect() as conn:
        stored = conn.execute(sqltext("SELECT o.ocr_confidence, o.flags, d.source_file FROM observation o "
                                      "JOIN document d ON d.id = o.document_id")).all()
    assert {round(c, 1) for c, _, f in stored if f == path.name} == {round(c, 1) for c in confs}
    assert all(c is None for c, _, f in stored if f == "quangtri-par-2022.pdf")
    assert sum("ocr_low_confidence" in flags for _, flags, _ in stored) == len(low)
    export(wh, tmp_path / "out")
    with open(tmp_path / "out" / "observations.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    assert header[:len(CONTRACT_OBSERVATION_COLUMNS)] == CONTRACT_OBSERVATION_COLUMNS
    assert header[-1] == "ocr_confidence"
    scanned = [r for r in rows if r[0] == path.name]
    assert scanned and all(0 <= float(r[-1]) <= 100 for r in scanned)
    assert all(r[-1] == "" for r in rows if r[0] == "quangtri-par-2022.pdf")
    assert sum("ocr_low_confidence" in r[header.index("flags")] for r in scanned) == \
        sum(1 for o in low if o.measure == "value")
    package = json.loads((tmp_path / "out" / "datapackage.json").read_text(encoding="utf-8"))
    field = package["resources"][0]["schema"]["fields"][-1]
    assert (field["name"], field["type"]) == ("ocr_confidence", "number") and field["description"]
    assert validate(tmp_path / "out" / "datapackage.json").valid


def _typed_scan(path: Path, lines: list[str]) -> Path:
    """A page image of typed lines (DejaVu Serif 13 pt at 200 dpi), saved as an image-only PDF."""
    import matplotlib
    from PIL import Image, ImageDraw, ImageFont

    px = round(13 * 200 / 72)
    font = ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf"), px)
    img = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(img)
    for k, line in enumerate(lines):
        draw.text((180, 200 + k * round(2.4 * px)), line, font=font, fill=0)
    img.save(path, "PDF", resolution=200)
    return path


@needs_tesseract
def test_a_number_ocr_split_in_two_is_not_loaded(tmp_path):
    path = _typed_scan(tmp_path / "split.pdf", [
        "ỦY BAN NHÂN DÂN TỈNH SƠN LA", "Số: 15/BC-UBND", "BÁO CÁO",
        "Kết quả Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) năm 2023",
        "Chỉ số SIPAS năm 2023 của tỉnh Sơn La đạt 86,25%.",
        "Chỉ số hài lòng về tiếp cận dịch vụ đạt 79 46%, tăng so với năm 2022.",  # 79,46% printed with a space
        "Chỉ số hài lòng về công chức giải quyết công việc đạt 91,35%."])
    result = process_file(path)
    assert result.ok, result.error
    values = {o.value for o in result.interpretation.observations}
    assert {86.25, 91.35} <= values  # the page is read
    assert not values & {79.46, 79.0, 46.0, 7946.0}
    assert any("left out" in w and "'79' (split" in w and "'46%,' (split" in w for w in result.warnings)


# ── a landscape page with a borderless table of districts (tiengiang-sipas-huyen-2024) ──────────────

TIENGIANG = SCANS / "tiengiang-sipas-huyen-2024-scan.pdf"


def _compare_facts(path: Path) -> tuple[list, list, list]:
    """(right, wrong, missing), matched by entity, year, value and rank: a value under a misread name is
    not its fact. A wrong one flagged `ocr_entity_spelling` (the scan spells its name two ways) is
    returned as wrong too, with its flags, for the test to tell apart."""
    from chiso.normalize.text import match_key

    want = _expected(path)["observations"]
    got = [o for o in process_file(path).interpretation.observations if o.measure == "value"]
    used: set[int] = set()
    right, wrong = [], []
    for o in got:
        match = [i for i, w in enumerate(want) if i not in used and match_key(w["entity"]) == match_key(o.entity)
                 and w["year"] == o.year and abs(w["value"] - o.value) < 0.0051 and o.rank in (None, w["rank"])]
        if match:
            used.add(match[0])
            right.append(o)
        else:
            wrong.append(o)
    return right, wrong, [w for i, w in enumerate(want) if i not in used]


@needs_tesseract
def test_tiengiang_scan_borderless_district_table_on_a_landscape_page():
    """Of 68 values, 62 are read under their district's right name (measured 62), none wrong unflagged:
    - '84,44' (Tân Phước, Công chức) is left out: vie and eng read other digits ('94,44' / '84,44');
    - the row of 'huyện Tân Phú Đông' is read 'Tân Phú Đồng' (a tone mark, conf 91): its 6 values are
      loaded flagged `ocr_entity_spelling`, as is the prose's 'Tân Phú Đông (82,16%)' (its total, right);
    - 6 single-digit ranks (1, 3, 5, 7, 8, 9) of the 11 are not read: psm 11 drops a lone digit and a
      borderless table's empty cells are not read again (a ruled table's are); no rank is wrong."""
    right, wrong, missing = _compare_facts(TIENGIANG)
    assert {(o.entity, o.value) for o in wrong} == {("huyện Tân Phú Đồng", v)
                                                     for v in (82.46, 81.85, 83.18, 82.29, 81.03, 82.16)}
    assert all(any(f.code == "ocr_entity_spelling" and "'Huyện Tân Phú Đông'" in f.message for f in o.flags)
               for o in wrong)
    assert len(right) >= 62
    assert ("huyện Tân Phước", 84.44) in {(w["entity"], w["value"]) for w in missing}
    ranks = {o.entity: (o.rank, o.rank_of) for o in right if o.rank is not None}
    assert ranks == {"thành phố Mỹ Tho": (2, 11), "thị xã Gò Công": (6, 11), "thị xã Cai Lậy": (4, 11),
                     "huyện Tân Phước": (10, 11)}
    spelled = [o for o in right if any(f.code == "ocr_entity_spelling" for f in o.flags)]
    assert [(o.entity, o.value, o.source.page) for o in spelled] == [("Huyện Tân Phú Đông", 82.16, 3)]
