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
    assert any(w.startswith("legacy VNI font text converted to Unicode") for w in res.warnings)
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
    assert meta.draft is True and meta.doc_type == "BC" and meta.number is None  # blank number: no number


def test_a_bold_unnumbered_heading_names_the_criterion_of_the_next_sentence(tmp_path):
    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH YÊN BÁI", "Số: 45/BC-UBND",
                 "BÁO CÁO Kết quả Chỉ số SIPAS năm 2024 của tỉnh Yên Bái"):
        d.add_paragraph(line)
    d.add_paragraph().add_run("Mức độ hài lòng của người dân đối với tiếp cận dịch vụ").bold = True
    d.add_paragraph("Mức độ hài lòng đạt 83,10%, xếp thứ 20/63 tỉnh, thành phố.")
    d.add_paragraph().add_run("Kết quả đạt 83,5% là cao nhất").bold = True  # bold, but states a figure
    d.save(tmp_path / "bold.docx")
    obs = process_file(tmp_path / "bold.docx").interpretation.observations
    (o,) = [o for o in obs if o.value == 83.10]
    assert o.criterion == "sipas.services.access" and (o.rank, o.rank_of) == (20, 63)


def test_a_department_under_the_provincial_committee_is_the_issuer(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "UBND TỈNH LAI CHÂU\nSỞ NỘI VỤ\n\nSố: 1235/SNV-CCHC\nV/v tuyên truyền Chỉ số SIPAS năm 2024"
    t.cell(0, 1).text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
                         "Lai Châu, ngày 02 tháng 7 năm 2024")
    d.add_paragraph("Kính gửi: Các sở, ban, ngành tỉnh.")
    d.add_paragraph("Chỉ số SIPAS năm 2023 của tỉnh Lai Châu đạt 79,82%, xếp thứ 50/63 tỉnh, thành phố.")
    d.save(tmp_path / "snv.docx")
    res = process_file(tmp_path / "snv.docx")
    meta = res.interpretation.meta
    assert (meta.issuer, meta.province, meta.doc_type, meta.number, meta.date) == (
        "Sở Nội vụ tỉnh Lai Châu", "Lai Châu", "CV", "1235/SNV-CCHC", "2024-07-02")
    (o,) = res.interpretation.observations
    assert (o.year, o.value, o.entity, o.rank, o.criterion) == (2023, 79.82, "Lai Châu", 50, "sipas.total")


def test_a_plan_about_an_index_without_figures_is_loaded_as_a_document(tmp_path):
    from chiso.load.export import export
    from chiso.load.warehouse import Warehouse

    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH LAI CHÂU", "Số: 1331/KH-UBND",
                 "KẾ HOẠCH Cải thiện, nâng cao Chỉ số hiệu quả quản trị và hành chính công (PAPI) của tỉnh Lai Châu"
                 " năm 2025",
                 "Căn cứ kết quả Chỉ số PAPI năm 2024 do UNDP công bố, UBND tỉnh ban hành Kế hoạch như sau:",
                 "1. Mục tiêu: nâng cao chất lượng phục vụ người dân."):
        d.add_paragraph(line)
    d.save(tmp_path / "kh.docx")
    res = process_file(tmp_path / "kh.docx")
    assert res.ok and res.interpretation.observations == []
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.sqlite'}")
    assert wh.load(res) == 0
    docs = export(wh, tmp_path / "out").files["documents.csv"]
    text = docs.read_text(encoding="utf-8")
    assert "kh.docx" in text and ",KH,1331/KH-UBND," in text and ",PAPI,2025," in text
