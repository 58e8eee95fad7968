"""Table layouts: merged groups, tables cut by page breaks, years down the rows."""

import docx
from helpers import FIXTURES, exported, interpreted

from chiso.extract.pdf_reader import read_pdf
from chiso.pipeline import process_file


def test_table_cut_by_a_page_break_is_one_table_with_its_group_label_joined():
    doc = read_pdf(FIXTURES / "sonla-sipas-2023.pdf", "x")
    spanning = [t for t in doc.tables if len(t.pages) > 1]
    assert spanning, "the fixture has tables that continue on the next page"
    first = spanning[0]
    header = [first.text(0, c) for c in range(first.n_cols)]
    assert sum("Năm" in h for h in header) == 2
    # the repeated header row of the continuation is not read as data
    assert sum(1 for r in range(first.n_rows) if first.text(r, first.n_cols - 2).startswith("Năm")) == 1
    # the merged group cell covers the rows of both pages, with its text joined
    group = first.cell(1, 0)
    assert group.rowspan == first.n_rows - 1 and first.cell(first.n_rows - 1, 0) is group


def test_merged_group_column_gives_the_group_to_every_row():
    obs = exported(interpreted("sonla-sipas-2023.docx"))
    rows = [o for o in obs if o.criterion and o.criterion.startswith("sipas.interest.")]
    assert len(rows) == 18  # 9 policies × 2 years
    assert len({o.group for o in rows}) == 1


def test_years_down_the_rows(tmp_path):
    d = docx.Document()
    d.add_paragraph("ỦY BAN NHÂN DÂN TỈNH YÊN BÁI")
    d.add_paragraph("Số: 45/BC-UBND")
    d.add_paragraph("BÁO CÁO Kết quả Chỉ số cải cách hành chính (PAR INDEX) năm 2023 của tỉnh Yên Bái")
    d.add_paragraph("1. Kết quả Chỉ số CCHC của tỉnh qua các năm")
    t = d.add_table(rows=5, cols=3)
    rows = [("Năm", "Chỉ số CCHC (%)", "Xếp hạng"), ("2020", "85,12", "25/63"), ("2021", "86,40", "20/63"),
            ("2022", "87,05", "18/63"), ("2023", "88,23", "12/63")]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    d.save(tmp_path / "yenbai.docx")
    res = process_file(tmp_path / "yenbai.docx")
    obs = res.interpretation.observations
    assert [(o.year, o.value, o.rank, o.rank_of) for o in obs] == [
        (2020, 85.12, 25, 63), (2021, 86.40, 20, 63), (2022, 87.05, 18, 63), (2023, 88.23, 12, 63)]
    assert res.interpretation.meta.province == "Yên Bái" and res.interpretation.meta.indices == ["PAR_INDEX"]


def test_two_rankings_side_by_side_are_linked_by_label():
    obs = exported(interpreted("sonla-sipas-2023.pdf"))
    expectations = [o for o in obs if o.criterion and o.criterion.startswith("sipas.expectations.")]
    by_code = {}
    for o in expectations:
        by_code.setdefault(o.criterion, set()).add(o.year)
    assert len(by_code) == 10 and all(years == {2022, 2023} for years in by_code.values())


def test_columns_named_by_place_give_each_place_its_own_value(tmp_path):
    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH LAI CHÂU", "Số: 12/BC-UBND",
                 "BÁO CÁO Phân tích Chỉ số PAPI năm 2024 của tỉnh Lai Châu", "1. Kết quả các chỉ số nội dung"):
        d.add_paragraph(line)
    t = d.add_table(rows=3, cols=3)
    for r, row in enumerate([("Chỉ số nội dung", "Lai Châu", "Cả nước"),
                             ("Tham gia của người dân ở cấp cơ sở", "5,2363", "5,0021"),
                             ("Quản trị môi trường", "3,6816", "3,5412")]):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    d.save(tmp_path / "place.docx")
    obs = process_file(tmp_path / "place.docx").interpretation.observations
    assert sorted((o.entity, o.criterion, o.value) for o in obs) == [
        ("Cả nước", "papi.environment", 3.5412), ("Cả nước", "papi.participation", 5.0021),
        ("Lai Châu", "papi.environment", 3.6816), ("Lai Châu", "papi.participation", 5.2363)]


def test_change_column_with_the_unit_above_it_is_a_change_not_an_entity(tmp_path):
    """'Đơn vị tính: %' printed over the last column joins its header ('Đơn vị tính: % Tăng (+), giảm (-)'):
    the column is the change (not values, not an entity column 'Đơn vị …'), and the rows are the province's
    criteria for the two years."""
    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", "Số: 77/BC-UBND",
                 "BÁO CÁO Kết quả Chỉ số hài lòng (SIPAS) năm 2024 của tỉnh Ninh Bình", "2. Kết quả theo tiêu chí"):
        d.add_paragraph(line)
    t = d.add_table(rows=3, cols=5)
    for r, row in enumerate([("TT", "Nội dung", "Năm 2023", "Năm 2024", "Đơn vị tính: %\nTăng (+), giảm (-)"),
                             ("I", "Tiếp cận dịch vụ", "83,69", "85,06", "+1,37"),
                             ("II", "Thủ tục hành chính", "84,22", "85,52", "+1,30")]):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    d.save(tmp_path / "change.docx")
    obs = exported(process_file(tmp_path / "change.docx").interpretation)
    assert sorted((o.entity, o.year, o.label, o.value) for o in obs) == [
        ("Ninh Bình", 2023, "Thủ tục hành chính", 84.22), ("Ninh Bình", 2023, "Tiếp cận dịch vụ", 83.69),
        ("Ninh Bình", 2024, "Thủ tục hành chính", 85.52), ("Ninh Bình", 2024, "Tiếp cận dịch vụ", 85.06)]


def test_lettered_row_opening_the_next_page_is_a_row_of_its_own():
    """Cà Mau: a ruled table whose page 2 opens (under the repeated header) with 'd) Quyết tâm chống tham nhũng …':
    a lower-case start continues a cell cut by the page break, but a list letter opens the next row."""
    doc = read_pdf(FIXTURES / "camau-papi-2020.pdf", "x")
    t = next(t for t in doc.tables if len(t.pages) > 1)
    labels = [" ".join(t.text(r, 0).split()) for r in range(t.n_rows)]
    c = labels.index("c) Công bằng trong tuyển dụng nhân lực vào khu vực công")
    assert labels[c + 1] == "d) Quyết tâm chống tham nhũng của chính quyền địa phương"
    assert [t.text(c + 1, k) for k in (1, 2)] == ["2,01", "2,02"]
    assert sum(label.startswith("Năm") or label == "Nội dung" for label in labels) == 1  # the header once
