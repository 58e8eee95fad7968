"""PAPI results given as a bulleted list (fixture binhdinh-papi-2024, both formats)."""

import pytest
from helpers import exported, find, interpreted


@pytest.fixture(params=["binhdinh-papi-2024.docx", "binhdinh-papi-2024.pdf"])
def obs(request):
    return exported(interpreted(request.param))


def test_dimension_bullets_are_labelled_by_the_name_alone(obs):
    # "- Nội dung 1 “Tham gia …”: 5,12 điểm", "- Chỉ số nội dung thứ 2 “Công khai, … địa phương”: 5,35 điểm" (wrapped
    # in the PDF), "– Chỉ số nội dung 4 – Kiểm soát tham nhũng trong khu vực công: 6,98 điểm"
    for value, label, criterion in ((5.12, "Tham gia của người dân ở cấp cơ sở", "papi.participation"),
                                    (5.35, "Công khai, minh bạch trong việc ra quyết định ở địa phương",
                                     "papi.transparency"),
                                    (6.98, "Kiểm soát tham nhũng trong khu vực công", "papi.anti_corruption")):
        [o] = find(obs, 2024, value, "Bình Định")
        assert (o.label, o.criterion) == (label, criterion)


def test_total_after_a_lead_in_and_its_previous_year(obs):
    # "- Về tổng thể: Chỉ số PAPI năm 2024 … đạt 44,12 điểm, xếp thứ 21/63 … (năm 2023: 43,05 điểm, xếp thứ 30/63)"
    [now], [before] = find(obs, 2024, 44.12), find(obs, 2023, 43.05)
    assert now.criterion == before.criterion == "papi.total"
    assert [(o.rank, o.rank_of) for o in (now, before)] == [(21, 63), (30, 63)]
    assert not any(o.label.startswith("Về") for o in obs)


def test_from_to_gives_both_years_and_a_count_is_no_value(obs):
    # "– Nội dung 3 "Trách nhiệm …": tăng từ 4,41 điểm lên 4,52 điểm"; "tỉnh có 06/08 chỉ số nội dung tăng điểm"
    [now], [before] = find(obs, 2024, 4.52), find(obs, 2023, 4.41)
    assert now.criterion == before.criterion == "papi.accountability"
    assert not find(obs, 2024, 4.41) and not find(obs, 2024, 6.0)


def test_bare_national_average_is_the_country_value_and_the_difference_is_not_read(obs):
    # "nội dung Tham gia … : trung bình cả nước 4,98 điểm, tỉnh cao hơn 0,14 điểm"
    [nat] = find(obs, 2024, 4.98)
    assert (nat.entity, nat.criterion) == ("Cả nước", "papi.participation")
    assert not find(obs, 2024, 0.14)
    assert len(obs) == 12
