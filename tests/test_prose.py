"""Figures stated in sentences, read from the project's fixtures (issue: sentences)."""

import pytest
from helpers import exported, find, interpreted


def _one(obs, *args, **kw):
    found = find(obs, *args, **kw)
    assert len(found) == 1, found
    return found[0]


def test_index_value_with_change_and_rank():
    # "Chỉ số SIPAS 2023 tỉnh Sơn La đạt 83,12%, tăng 1,05% so với năm 2022; xếp hạng 30/63 tỉnh, thành phố"
    obs = exported(interpreted("sonla-sipas-2023.docx"))
    o = _one(obs, 2023, 83.12, "Sơn La")
    assert o.criterion == "sipas.total"
    assert (o.rank, o.rank_of) == (30, 63)
    assert o.change == 1.05  # the change is kept as a check value, not an observation
    assert not find(obs, 2023, 1.05)


def test_generic_subject_takes_the_heading():
    # "c) Mức độ hài lòng … chất lượng tổ chức thực hiện chính sách" then "Mức độ hài lòng đạt 83,05%, xếp thứ 31/63"
    obs = exported(interpreted("sonla-sipas-2023.pdf"))
    o = _one(obs, 2023, 83.05, "Sơn La")
    assert o.criterion == "sipas.policy.implementation"
    assert (o.rank, o.rank_of) == (31, 63)
    assert o.source.kind == "text"


def test_papi_index_with_previous_years_and_their_ranks():
    obs = exported(interpreted("hagiang-papi-2019.docx"))
    now, y2018, y2017 = _one(obs, 2019, 42.1234), _one(obs, 2018, 42.37), _one(obs, 2017, 41.80)
    assert {o.criterion for o in (now, y2018, y2017)} == {"papi.total"}
    assert [(o.rank, o.rank_of) for o in (now, y2018, y2017)] == [(40, 63), (38, 63), (45, 63)]


def test_papi_subdimension_and_its_stated_previous_year():
    # "tiêu chí Tri thức công dân đạt 1,0337 điểm tăng 0,1 điểm (năm 2018 đạt 0,93 điểm)"
    obs = exported(interpreted("hagiang-papi-2019.pdf"))
    now, before = _one(obs, 2019, 1.0337, label="Tri thức công dân"), _one(obs, 2018, 0.93)
    assert now.criterion == before.criterion == "papi.participation.civic_knowledge"
    assert now.unit == before.unit == "points"


def test_score_out_of_a_maximum():
    # "tiêu chí Y tế công lập đạt 1,90/2.5 điểm, giảm 0,18 điểm so với năm 2018 đạt 2.08 điểm"
    obs = exported(interpreted("hagiang-papi-2019.docx"))
    o = _one(obs, 2019, 1.90, label="Y tế công lập")
    assert o.max == 2.5
    assert _one(obs, 2018, 2.08, label="Y tế công lập").max is None


def test_area_score_sentence_is_the_table_value_with_both_places():
    # "Lĩnh vực 1: Công tác chỉ đạo, điều hành CCHC: đạt 7,96/8 điểm" and the same row in Phụ lục III
    obs = exported(interpreted("quangtri-par-2022.pdf"))
    o = _one(obs, 2022, 7.96, "Quảng Trị")
    assert o.max == 8
    assert o.source.kind == "table" and [a.kind for a in o.also_at] == ["text"]


def test_named_agency_in_a_sentence_is_the_table_value():
    # "Chỉ số CCHC của cơ quan cao nhất là Ban Dân tộc (92,49%)"
    obs = exported(interpreted("quangtri-par-2022.docx"))
    o = _one(obs, 2022, 92.49, "Ban Dân tộc")
    assert o.entity == "Ban Dân tộc" and o.rank == 1 and o.rank_scope == "province"
    assert any(a.kind == "text" for a in o.also_at)


def test_year_series():
    # "… thành phố Thanh Hóa những năm trước như sau: Năm 2023 – 88,02%; 2022 – 86,30%; 2021 – 85,12%."
    obs = exported(interpreted("thanhhoa-cv-2025.docx"))
    for year, value in ((2023, 88.02), (2022, 86.30), (2021, 85.12)):
        o = _one(obs, year, value)
        assert o.entity == "Thành phố Thanh Hóa" and o.criterion == "sipas.total"


def test_province_value_in_a_city_letter_and_a_target_is_not_a_value():
    obs = exported(interpreted("thanhhoa-cv-2025.docx"))
    prov = _one(obs, 2024, 84.57)
    assert prov.entity == "Thanh Hóa" and (prov.rank, prov.rank_of) == (12, 34)
    assert _one(obs, 2024, 90.15).entity == "Thành phố Thanh Hóa"
    assert not find(obs, 2025, 91) and not find(obs, 2024, 91)  # "phấn đấu … đạt trên 91%"


def test_national_value_beside_the_province_value():
    # "hình thức trực tiếp vẫn được đánh giá là phù hợp nhất với 78,35% (cả nước là 80,12%)"
    obs = exported(interpreted("sonla-sipas-2023.docx"))
    nat = _one(obs, 2023, 80.12, "Cả nước")
    local = _one(obs, 2023, 78.35, "Sơn La")
    assert nat.criterion == local.criterion


def test_broken_numbers_are_flags_not_values():
    interp = interpreted("hagiang-papi-2019.docx")
    obs = exported(interp)
    messages = [f.message for f, _ in interp.flags if f.code == "unreadable_number"]
    assert any("0..75" in m for m in messages) and any("0.0.16" in m for m in messages)
    assert not find(obs, 2019, 0.75) and not find(obs, 2019, 0.016)
    # the sub-dimension whose 2019 value is broken keeps its stated 2018 value
    assert _one(obs, 2018, 0.81).criterion == "papi.accountability.complaints"


def test_national_ranges_are_not_the_provinces_value():
    # "dao động từ 3,6055 – 5,9546 điểm"
    obs = exported(interpreted("hagiang-papi-2019.pdf"))
    assert not find(obs, 2019, 3.6055) and not find(obs, 2019, 5.9546)


def test_value_in_table_and_sentence_is_one_observation_and_gets_the_rank():
    # the group row of the table and "Mức độ hài lòng đạt 82,37%, xếp thứ 34/63" under its heading
    obs = exported(interpreted("sonla-sipas-2023.pdf"))
    o = _one(obs, 2023, 82.37, "Sơn La")
    assert o.source.kind == "table" and (o.rank, o.rank_of) == (34, 63)
    assert [a.kind for a in o.also_at] == ["text"]


def test_rank_from_a_footnote_goes_to_its_criterion():
    obs = exported(interpreted("sonla-sipas-2023.docx"))
    o = _one(obs, 2023, 83.28, label="BPMC có đủ ghế ngồi chờ")
    assert (o.rank, o.rank_of) == (42, 63)
    assert any(a.kind == "footnote" for a in o.also_at)


def test_respectively_assigns_values_in_order_and_keeps_the_provinces_own_survey_apart():
    # "… thấp nhất là A 83,28% và B 83,29%. Đây cũng là … do UBND tỉnh tổ chức khảo sát năm 2023
    #  với mức hài lòng lần lượt là 82,15% và 82,64%."
    obs = exported(interpreted("sonla-sipas-2023.pdf"))
    seat, equip = _one(obs, 2023, 82.15), _one(obs, 2023, 82.64, label="BPMC có trang thiết bị")
    assert seat.criterion == "sipas.provincial_survey.services.access.seating"
    assert equip.criterion == "sipas.provincial_survey.services.access.equipment"
    national = _one(obs, 2023, 83.28, label="BPMC có đủ ghế ngồi chờ")
    assert national.criterion == "sipas.services.access.seating" and national.rank == 42


@pytest.mark.parametrize("sentence, flagged", [
    ("Điểm các tỉnh dao động từ 3,6055 – 59546 điểm.", True),  # the upper bound lost its comma
    ("Điểm các tỉnh dao động từ 5,9 – 3,6 điểm.", True),  # bounds the wrong way round
    ("Chỉ số được chấm theo thang điểm từ 1 đến 10 điểm.", False),  # a scale, not a typo
    ("Điểm các tỉnh dao động từ 3,6055 – 5,9546 điểm.", False),
])
def test_a_range_bound_that_cannot_be_right_is_flagged(sentence, flagged):
    from chiso.interpret.prose import ProseContext, read_block
    from chiso.model import TextBlock

    ctx = ProseContext("PAPI", "Hà Giang", "Hà Giang", 2019, "points", "", "Chỉ số PAPI")
    found = read_block(TextBlock(sentence, 1), ctx)
    assert any(f.code == "implausible_number" for f, _ in found.flags) is flagged
    assert not [o for o in found.observations if o.value in (3.6055, 59546, 5.9546, 1, 10)]


def _district_report(tmp_path, *paragraphs):
    """A district's own PAR INDEX report (UBND huyện Trạm Tấu, tỉnh Yên Bái), as DOCX, interpreted."""
    import docx

    from chiso.pipeline import process_file

    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN", "HUYỆN TRẠM TẤU", "Số: 41/BC-UBND",
                 "BÁO CÁO Kết quả Chỉ số cải cách hành chính năm 2023 của huyện Trạm Tấu",
                 "Ngày 20/02/2024, Ủy ban nhân dân tỉnh Yên Bái công bố Chỉ số cải cách hành chính năm 2023 của "
                 "các huyện, thị xã, thành phố.", "I. KẾT QUẢ CHỈ SỐ CCHC NĂM 2023 CỦA HUYỆN", *paragraphs):
        d.add_paragraph(line)
    d.save(tmp_path / "tramtau.docx")
    return process_file(tmp_path / "tramtau.docx").interpretation


def test_district_report_gives_the_districts_block_average_to_the_province(tmp_path):
    interp = _district_report(tmp_path, "Chỉ số CCHC năm 2023 của huyện đạt 86,02%, xếp thứ 3/9 huyện, thị xã, "
                              "thành phố. Tuy nhiên, Chỉ số CCHC của huyện thấp hơn 0,51% so với Chỉ số CCHC bình "
                              "quân của khối huyện, thị xã, thành phố (86,53%).")
    assert interp.meta.province == "Yên Bái"
    obs = exported(interp)
    block = _one(obs, 2023, 86.53)
    assert block.entity == "Yên Bái" and block.label == "khối huyện, thị xã, thành phố"
    assert _one(obs, 2023, 86.02).entity != "Yên Bái"  # the district's own value stays the district's
    assert not find(obs, 2023, 0.51)


def test_points_beside_their_rate_and_zero_padded_counts_are_not_values(tmp_path):
    """'đạt 5,5/7 điểm (78,57%)': the rate is the area's value, its points only the basis (not exported,
    as a table's 'Điểm đạt được' beside 'Tỷ lệ đạt'); '… năm 2022: 08 lĩnh vực' is a count."""
    interp = _district_report(tmp_path, "Chỉ số CCHC năm 2023 của huyện đạt 86,02%.",
                              "Lĩnh vực có điểm thấp nhất là Cải cách tài chính công, đạt 5,5/7 điểm (78,57%), do "
                              "việc giao quyền tự chủ cho đơn vị sự nghiệp còn chậm.",
                              "Bộ Chỉ số cải cách hành chính của các huyện ban hành ngày 15/7/2022: 08 lĩnh vực, "
                              "thang điểm 100.")
    obs = exported(interp)
    assert not find(obs, 2023, 5.5) and not find(obs, 2022, 8.0) and not find(obs, 2023, 8.0)
    points = [o for o in interp.observations if o.measure == "score_points"]
    assert [(o.label, o.value, o.max) for o in points] == [("Cải cách tài chính công", 5.5, 7.0)]


@pytest.mark.parametrize("compared", [True, False], ids=["year-compared-printed", "no-year-printed"])
def test_from_to_without_years_is_from_the_compared_year_to_the_reports(tmp_path, compared):
    """'01 tiêu chí giảm là “…” (từ 80,10% xuống 79,94%)': the years are those the report compares (printed in
    an earlier paragraph, 'so với năm 2023'); where no year compared with is printed, neither is read (their years
    would be a guess)."""
    import docx

    from chiso.pipeline import process_file

    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH HÀ NAM", "Số: 88/BC-UBND",
                 "BÁO CÁO Kết quả Chỉ số hài lòng (SIPAS) năm 2024 của tỉnh Hà Nam",
                 "Chỉ số SIPAS năm 2024 của tỉnh đạt 83,40%" + (", tăng 1,02% so với năm 2023." if compared else "."),
                 "Có 38/39 tiêu chí tăng, 01 tiêu chí giảm là “Đường giao thông ở địa phương tốt hơn” (từ 80,10% "
                 "xuống 79,94%)."):
        d.add_paragraph(line)
    d.save(tmp_path / "hanam.docx")
    obs = exported(process_file(tmp_path / "hanam.docx").interpretation)
    got = sorted((o.year, o.value) for o in obs if "giao thông" in o.label)
    assert got == ([(2023, 80.10), (2024, 79.94)] if compared else [])
