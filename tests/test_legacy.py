"""Legacy font text (TCVN3 .VnTime / .VnTimeH, VNI): the tables, per-run and per-word decisions,
and real-format legacy documents (fixtures/legacy, made by fixtures/make_legacy.py) read
exactly through the whole pipeline."""

from __future__ import annotations

import io
import json
import shutil
from functools import cache
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from helpers import FIXTURES, find
from hypothesis import given
from hypothesis import strategies as st

from chiso.extract.reader import read_document
from chiso.model import FileResult
from chiso.normalize.legacy_fonts import (
    TCVN3,
    TCVN3_CAPS,
    VNI,
    decode_legacy,
    decode_pdf_words,
    encode_tcvn3,
    encode_vni,
    font_encoding,
    legacy_encoding,
)
from chiso.normalize.text import clean_text, match_key
from chiso.pipeline import process_file

LEGACY = FIXTURES / "legacy"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NEEDS_SOFFICE = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) converts .doc/.rtf: apt-get install libreoffice-writer-nogui")


# --- the tables ----------------------------------------------------------------------------
# TCVN 5712:1993 VN3, the letters in code order, typed from the chart (not from the decoder).
VN3_CODES = [*range(0xA1, 0xAF), *range(0xB5, 0xBA), *range(0xBB, 0xBF), *range(0xC6, 0xCD),
             *range(0xCE, 0xD9), *range(0xDC, 0xE0), *range(0xE1, 0xF0), *range(0xF1, 0xFF)]
VN3_LETTERS = ("ĂÂÊÔƠƯĐăâêôơưđ" "àảãáạ" "ằẳẵắ" "ặầẩẫấậè" "ẻẽéẹềểễếệìỉ" "ĩíịò" "ỏõóọồổỗốộờởỡớợù"
               "ủũúụừửữứựỳỷỹýỵ")


def test_tcvn3_table_is_the_vn3_chart():
    assert len(VN3_CODES) == len(VN3_LETTERS) == 74  # 0xAF–0xB4, 0xBA, 0xBF–0xC5, 0xCD … are unused
    assert decode_legacy("".join(map(chr, VN3_CODES)), TCVN3) == VN3_LETTERS


def test_well_known_legacy_strings():
    assert decode_legacy("Céng hoµ x· héi chñ nghÜa ViÖt Nam", TCVN3) == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert decode_legacy("§éc lËp - Tù do - H¹nh phóc", TCVN3) == "Độc lập - Tự do - Hạnh phúc"
    assert decode_legacy("Uû ban nh©n d©n ng\u00adêi d©n", TCVN3) == "Uỷ ban nhân dân người dân"
    assert decode_legacy("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", VNI) == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert decode_legacy("Ñoäc laäp - Töï do - Haïnh phuùc", VNI) == "Độc lập - Tự do - Hạnh phúc"
    assert decode_legacy("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", VNI) == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def test_capitals_font_has_its_own_table():
    # what a typist stored in .VnTimeH for QUYẾT ĐỊNH, with and without Caps Lock
    for stored in ("QUYÕT ®ÞNH", "quyÕt ®Þnh"):
        assert decode_legacy(stored, TCVN3_CAPS) == "QUYẾT ĐỊNH"
    assert decode_legacy("QUYÕT ®ÞNH", TCVN3) == "QUYếT địNH"  # the defect: the lowercase table
    assert decode_legacy("Sè: 45/BC-UBND", TCVN3_CAPS) == "SỐ: 45/BC-UBND"


@pytest.mark.parametrize(("name", "encoding"), [
    (".VnTime", TCVN3), (".VnTimeH", TCVN3_CAPS), (".VnArialH", TCVN3_CAPS), (".VnArial NarrowH", TCVN3_CAPS),
    (".VnArial Narrow", TCVN3), ("ABCDEF+.VnTimeH,Bold", TCVN3_CAPS), ("VnTime-Bold", TCVN3),
    ("VNI-Times", VNI), ("VNI-Helve-Bold", VNI), ("Times New Roman", None), ("ABCDEF+TimesNewRomanPSMT", None),
    ("VNtimes new roman", None), ("Calibri", None), (None, None),
])
def test_font_names(name, encoding):
    assert font_encoding(name) == encoding


VIET_LOWER = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
VIET = VIET_LOWER + VIET_LOWER.upper()


@given(st.text(alphabet=VIET_LOWER + "ĐĂÂÊÔƠƯ 0123456789,.%/-()", max_size=80))
def test_tcvn3_round_trip(text):
    assert decode_legacy(encode_tcvn3(text), TCVN3) == text


@given(st.text(alphabet=VIET + " 0123456789,.%/-", max_size=80))
def test_tcvn3_capitals_and_vni_round_trip(text):
    assert decode_legacy(encode_tcvn3(text, caps=True), TCVN3_CAPS) == text.upper()
    assert decode_legacy(encode_vni(text), VNI) == text


def test_an_uppercase_letter_the_lowercase_font_cannot_hold_is_refused():
    with pytest.raises(ValueError, match="'Ế'"):
        encode_tcvn3("QUYẾT")


def test_text_is_converted_only_by_readers_never_silently_in_clean_text():
    assert clean_text("ChØ  sè hµi lßng") == "ChØ sè hµi lßng"


# --- PDF words -----------------------------------------------------------------------------
def test_pdf_words_are_decoded_by_their_font_and_the_hyphen_that_is_u_horn():
    words = [{"text": t, "font": f} for t, f in [
        ("Ng-êi", ".VnTime"), ("-u", ".VnTime"), ("nh-", ".VnTime"), ("tr-êng", "ABCDEF+.VnTime"),
        ("56/BC-UBND", ".VnTime"), ("2012-2016", ".VnTime"), ("TR-êNG", ".VnTimeH"), ("kinh-tÕ", ".VnTime"),
        ("Ng\u00adêi", ".VnTime"), ("Coäng", "VNI-Times"), ("người", "TimesNewRomanPSMT"), ("Céng", None)]]
    stats: dict[str, int] = {}
    decode_pdf_words(words, stats)
    assert [w["text"] for w in words] == [
        "Người", "ưu", "như", "trường", "56/BC-UBND", "2012-2016", "TRƯỜNG", "kinh-tế", "Người", "Cộng",
        "người", "Céng"]
    assert stats == {"legacy_font:tcvn3:.VnTime": 8, "legacy_font:tcvn3_caps:.VnTimeH": 1,
                     "legacy_font:vni:VNI-Times": 1, "legacy_font_text": 10}


def test_a_legacy_named_pdf_font_holding_unicode_is_left_alone():
    words = [{"text": t, "font": ".VnTime"} for t in ("Người", "dân", "được", "thông", "báo", "kết", "quả")]
    stats: dict[str, int] = {}
    decode_pdf_words(words, stats)
    assert [w["text"] for w in words] == ["Người", "dân", "được", "thông", "báo", "kết", "quả"]
    assert stats == {"legacy_font_unicode:.VnTime": 7, "legacy_font_text": 7}


# --- DOCX runs -----------------------------------------------------------------------------
def _read(d: docx.document.Document, tmp_path: Path, name: str = "t.docx"):  # noqa: ANN202
    path = tmp_path / name
    d.save(path)
    data = path.read_bytes()
    return read_document(path, "0" * 64, data)


def _run(p, text: str, font: str | None):  # noqa: ANN001, ANN202
    r = p.add_run(text)
    if font:
        r.font.name = font
    return r


def test_each_run_is_decoded_by_its_own_font(tmp_path):
    d = docx.Document()
    p = d.add_paragraph()
    _run(p, "Cộng hòa xã hội ", "Times New Roman")
    _run(p, encode_tcvn3("người dân được "), ".VnTime")
    _run(p, encode_tcvn3("QUYẾT ĐỊNH ".lower(), caps=True), ".VnTimeH")
    _run(p, "Chæ soá", "VNI-Times")
    doc = _read(d, tmp_path)
    assert doc.texts[0].text == "Cộng hòa xã hội người dân được QUYẾT ĐỊNH Chỉ số"
    assert doc.warnings == ["legacy TCVN3 font text converted to Unicode: 1 runs in .VnTime, "
                            "1 runs in .VnTimeH (capitals)",
                            "legacy VNI font text converted to Unicode: 1 runs in VNI-Times"]


def test_a_run_takes_its_font_from_its_style_then_the_document_defaults(tmp_path):
    d = docx.Document()
    style = d.styles.add_style("BodyVn", 1)  # paragraph style
    style.font.name = ".VnTime"
    heading = d.styles.add_style("HeadVnH", 1)
    heading.base_style = style
    heading.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:hAnsi"), ".VnTimeH")
    d.add_paragraph(encode_tcvn3("tăng cường"), style="BodyVn")
    d.add_paragraph(encode_tcvn3("báo cáo", caps=True), style="HeadVnH")
    d.add_paragraph("Plain paragraph, no font named")
    doc = _read(d, tmp_path)
    assert [b.text for b in doc.texts] == ["tăng cường", "BÁO CÁO", "Plain paragraph, no font named"]
    # the document defaults
    d = docx.Document()
    rpr = d.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), ".VnTime")
    rfonts.set(qn("w:hAnsi"), ".VnTime")
    d.add_paragraph(encode_tcvn3("Tr\u01b0ởng phòng"))
    assert _read(d, tmp_path, "defaults.docx").texts[0].text == "Trưởng phòng"


def test_soft_hyphen_element_is_u_horn_in_a_tcvn3_run_and_invisible_elsewhere(tmp_path):
    d = docx.Document()
    for font, parts in ((".VnTime", ("ng", "êi d©n")), ("Times New Roman", ("Ti", "ếp cận"))):
        r = _run(d.add_paragraph(), parts[0], font)
        r._r.append(OxmlElement("w:softHyphen"))
        t = OxmlElement("w:t")
        t.text = parts[1]
        r._r.append(t)
    assert [b.text for b in _read(d, tmp_path).texts] == ["người dân", "Tiếp cận"]


def test_a_legacy_font_typed_in_unicode_is_left_as_it_is(tmp_path):
    d = docx.Document()
    _run(d.add_paragraph(), "Người dân đánh giá cao việc thực hiện cơ chế một cửa", ".VnTime")
    _run(d.add_paragraph(), "Bác", ".VnTime")  # Latin-1 letters only, in a font used for Unicode
    doc = _read(d, tmp_path)
    assert [b.text for b in doc.texts] == ["Người dân đánh giá cao việc thực hiện cơ chế một cửa", "Bác"]
    assert doc.warnings == ["2 runs in legacy font .VnTime are already Unicode: left as they are"]


def test_without_font_names_the_text_decides_and_unicode_lines_stay(tmp_path):
    d = docx.Document()  # no font anywhere (theme fonts): fonts lost in a conversion
    d.add_paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    for line in ("UÛY BAN NHAÂN DAÂN TÆNH YEÂN BAÙI", "Soá: 45/BC-UBND",
                 "Chæ soá haøi loøng cuûa ngöôøi daân naêm 2019 ñaït 82,45%, xeáp thöù 20/63."):
        d.add_paragraph(line)
    doc = _read(d, tmp_path)
    assert [b.text for b in doc.texts] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ỦY BAN NHÂN DÂN TỈNH YÊN BÁI", "Số: 45/BC-UBND",
        "Chỉ số hài lòng của người dân năm 2019 đạt 82,45%, xếp thứ 20/63."]
    assert doc.warnings == ["legacy VNI font text converted to Unicode, guessed from the text (no legacy font "
                            "named): 3 text blocks and table cells, 1 already in Unicode left as they are"]


def test_unicode_text_with_old_style_tone_marks_is_never_guessed_legacy(tmp_path):
    d = docx.Document()
    d.add_paragraph("Chỉ số hài lòng của người dân các tỉnh năm 2023")
    t = d.add_table(rows=4, cols=2)
    for r, (name, v) in enumerate([("Hoà Bình", "81,2%"), ("Khánh Hoà", "80,5%"), ("Thanh Hoá", "82,0%"),
                                   ("Cà Mau", "79,9%")]):
        t.cell(r, 0).text, t.cell(r, 1).text = name, v
    assert legacy_encoding("Hoà Bình Khánh Hoà Thanh Hoá Cà Mau") == "vni"  # alone, the text would mislead
    doc = _read(d, tmp_path)
    assert [doc.tables[0].text(r, 0) for r in range(4)] == ["Hoà Bình", "Khánh Hoà", "Thanh Hoá", "Cà Mau"]
    assert doc.warnings == []


# --- real-format legacy documents, through the whole pipeline ------------------------------
FILES = sorted(p.name for p in LEGACY.iterdir() if p.suffix in (".doc", ".rtf", ".docx", ".pdf"))


def _params() -> list:
    return [pytest.param(n, marks=NEEDS_SOFFICE) if n.endswith((".doc", ".rtf")) else n for n in FILES]


@cache
def _processed(name: str) -> FileResult:
    res = process_file(LEGACY / name)
    assert res.ok, res.error
    return res


def _expected(name: str) -> dict:
    return json.loads((LEGACY / f"{name}.expected.json").read_text(encoding="utf-8"))


def _texts(name: str) -> list[str]:
    path = LEGACY / name
    doc = read_document(path, "0" * 64, path.read_bytes())
    cells = [c.text for t in doc.tables for row in t.grid for c in row if c is not None]
    return [b.text for b in doc.texts] + cells


def test_every_legacy_format_has_a_fixture():
    assert {Path(n).suffix for n in FILES} == {".doc", ".rtf", ".docx", ".pdf"} and len(FILES) == 7


@pytest.mark.parametrize("name", _params())
def test_document_fields_are_exact(name):
    want = _expected(name)["doc"]
    meta = _processed(name).interpretation.meta
    got = {"province": meta.province, "issuer": meta.issuer, "doc_type": meta.doc_type, "number": meta.number,
           "date": meta.date, "report_year": meta.report_year, "draft": meta.draft, "indices": sorted(meta.indices)}
    assert got == {**want, "indices": sorted(want["indices"])}


@pytest.mark.parametrize("name", _params())
def test_values_are_exact(name):
    want = _expected(name)["observations"]
    got = [o for o in _processed(name).interpretation.observations if o.measure == "value"]
    used: set[int] = set()
    for w in want:
        cands = [o for o in find(got, w["year"], w["value"], w["entity"], w["label"]) if id(o) not in used]
        assert cands, f"missing {w['year']} {w['entity']} {w['label']!r} = {w['value']}"
        o = cands[0]
        used.add(id(o))
        assert (o.index, o.unit, o.max, o.rank, o.rank_of) == (w["index"], w["unit"], w["max"], w["rank"],
                                                              w["rank_of"]), w
        assert match_key(o.label) == match_key(w["label"]) or w["label"] in o.label, (o.label, w["label"])
    assert len(got) == len(want)


@NEEDS_SOFFICE
@pytest.mark.parametrize("name", ["nghean-par-2013.doc", "nghean-par-2013.rtf"])
def test_no_u_horn_is_lost_in_a_word_file_converted_by_libreoffice(name):
    data = (LEGACY / name).read_bytes()
    if name.endswith(".doc"):  # the file really holds TCVN3's ư, 0xAD (UTF-16 text piece)
        assert "Trung \u00ad¬ng".encode("utf-16-le") in data and "Trung \x1f¬ng".encode("utf-16-le") not in data
    else:
        assert b"Trung \\'ad\\'acng" in data.replace(b"\\u172", b"")
    text = "\n".join(_texts(name))
    for phrase in ("thành phố trực thuộc Trung ương", "Người dân, tổ chức", "được thường xuyên quan tâm",
                   "tăng cường ứng dụng", "hướng tới phục vụ người dân"):
        assert phrase in text
    assert "Ngời" not in text and "đợc" not in text
    assert "QUYẾT ĐỊNH" not in text and "BÁO CÁO" in text and "I. KẾT QUẢ CHUNG" in text
    kind = "legacy Word .doc" if name.endswith(".doc") else "RTF"
    assert _processed(name).warnings == [
        f"converted from {kind} with LibreOffice",
        "legacy TCVN3 font text converted to Unicode: 28 runs in .VnTime, 6 runs in .VnTimeH (capitals)"]


def test_capitals_font_headings_read_as_capitals():
    texts = _texts("quangbinh-par-2015.docx")
    for heading in ("QUYẾT ĐỊNH", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH", "QUYẾT ĐỊNH:", "PHỤ LỤC",
                    "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2015 CỦA CÁC SỞ, BAN, NGÀNH", "TÊN CƠ QUAN, ĐƠN VỊ"):
        assert heading in texts
    assert not any("QUYếT" in t or "địNH" in t for t in texts)
    assert _processed("quangbinh-par-2015.docx").warnings == [
        "legacy TCVN3 font text converted to Unicode: 29 runs in .VnTime, 13 runs in .VnTimeH (capitals)"]


def test_mixed_encodings_keep_the_unicode_lines_and_fill_the_fields():
    res = _processed("thaibinh-papi-2015.docx")
    meta = res.interpretation.meta
    assert all((meta.issuer, meta.doc_type, meta.number, meta.date, meta.province))
    texts = _texts("thaibinh-papi-2015.docx")
    assert "(Tài liệu phục vụ hội nghị giao ban tháng 6 năm 2016)" in texts
    assert any(t.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc") for t in texts)
    assert res.warnings == [
        "legacy TCVN3 font text converted to Unicode: 23 runs in .VnTime, 3 runs in .VnTimeH (capitals)"]


def test_a_tcvn3_pdf_is_decoded_by_its_font_names():
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(LEGACY / "hatinh-par-2014.pdf")
    raw = pdf[0].get_textpage().get_text_range()
    assert "Sè: 56/BC-UBND" in raw and "ng-êi d©n" in raw  # pdfium gives the raw codes, ư as '-'
    texts = _texts("hatinh-par-2014.pdf")
    joined = "\n".join(texts)
    assert "người dân, doanh nghiệp" in joined and "như sau:" in joined and "tăng cường" in joined
    assert "Số: 56/BC-UBND" in joined and "BÁO CÁO" in texts
    (warning,) = _processed("hatinh-par-2014.pdf").warnings
    assert warning.startswith("legacy TCVN3 font text converted to Unicode: ") and \
        warning.endswith(" words in .VnTimeH (capitals)") and " words in .VnTime, " in warning


def test_vni_document():
    texts = _texts("binhdinh-par-2016.docx")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nBình Định, ngày 25 tháng 4 năm 2017" \
        in texts
    assert _processed("binhdinh-par-2016.docx").warnings == [
        "legacy VNI font text converted to Unicode: 25 runs in VNI-Times"]


def test_an_rtf_is_not_refused_any_more():
    from chiso.extract.detect import sniff

    assert sniff(b"{\\rtf1\\ansi\\deff0 {\\fonttbl{\\f0 .VnTime;}} ...}") == ("rtf", None)


def test_the_mixed_fixture_names_its_fonts_run_by_run():
    d = docx.Document(io.BytesIO((LEGACY / "thaibinh-papi-2015.docx").read_bytes()))
    fonts = {r.font.name for p in d.paragraphs for r in p.runs}
    assert {".VnTime", ".VnTimeH", "Times New Roman"} <= fonts


@NEEDS_SOFFICE
def test_word_files_converted_in_parallel_workers_all_succeed():
    from concurrent.futures import ProcessPoolExecutor

    names = [str(LEGACY / "nghean-par-2013.doc"), str(LEGACY / "nghean-par-2013.rtf")]
    with ProcessPoolExecutor(2) as pool:  # one LibreOffice profile per worker: no clash
        results = list(pool.map(process_file, names))
    assert [r.error for r in results] == [None, None]
    assert [r.interpretation.meta.number for r in results] == ["45/BC-UBND", "45/BC-UBND"]
