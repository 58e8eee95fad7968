"""Document-level reading: legacy font encodings, draft stamps, letters by a city."""

import docx

from chiso.normalize.text import fix_legacy_encoding, legacy_encoding
from chiso.pipeline import process_file


def test_vni_and_tcvn3_text_is_recognised_and_converted():
    assert legacy_encoding("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == "vni"
    assert fix_legacy_encoding("Chæ soá haøi loøng cuûa ngöôøi daân ñaït 81,51%") == \
        "Chỉ số hài lòng của người dân đạt 81,51%"
    assert legacy_encoding("ChØ sè hµi lßng cña ng\u00adêi d©n ®¹t 81,51%") == "tcvn3"
    assert legacy_encoding("Café au lait, crème brûlée à la mode") is None
    assert legacy_encoding("Chỉ số hài lòng") is None


def test_a_report_typed_with_a_vni_font_is_read_like_a_unicode_one(tmp_path):
    d = docx.Document()
    for line in ("UÛY BAN NHAÂN DAÂN TÆNH YEÂN BAÙI", "Soá: 45/BC-UBND",
                 "BAÙO CAÙO Keát quaû Chæ soá haøi loøng (SIPAS) naêm 2019 cuûa tænh Yeân Baùi",
                 "Chæ soá SIPAS naêm 2019 cuûa tænh Yeân Baùi ñaït 82,45%, xeáp thöù 20/63 tænh, thaønh phoá."):
        d.add_paragraph(line)
    t = d.add_table(rows=2, cols=4)
    for r, row in enumerate([("Noäi dung/tieâu chí", "Naêm 2019", "Naêm 2018", "Taêng/giaûm"),
                             ("Tieáp caän dòch vuï", "83,12%", "82,01%", "+1,11%")]):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    d.save(tmp_path / "vni.docx")
    res = process_file(tmp_path / "vni.docx")
    meta, obs = res.interpretation.meta, res.interpretation.observations
    assert "legacy VNI font text converted to Unicode" in res.warnings
    assert (meta.province, meta.issuer, meta.report_year) == ("Yên Bái", "UBND tỉnh Yên Bái", 2019)
    assert sorted((o.year, o.value, o.label) for o in obs) == [
        (2018, 82.01, "Tiếp cận dịch vụ"), (2019, 82.45, "Chỉ số SIPAS năm 2019 của tỉnh Yên Bái"),
        (2019, 83.12, "Tiếp cận dịch vụ")]


def test_draft_stamp_in_the_page_header(tmp_path):
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "DỰ THẢO"
    for line in ("ỦY BAN NHÂN DÂN TỈNH YÊN BÁI", "Số: /BC-UBND",
                 "BÁO CÁO Kết quả Chỉ số SIPAS năm 2019 của tỉnh Yên Bái",
                 "Chỉ số SIPAS năm 2019 của tỉnh Yên Bái đạt 82,45%, xếp thứ 20/63 tỉnh, thành phố."):
        d.add_paragraph(line)
    d.save(tmp_path / "draft.docx")
    meta = process_file(tmp_path / "draft.docx").interpretation.meta
    assert meta.draft is True and meta.doc_type == "BC" and meta.number == "/BC-UBND"
