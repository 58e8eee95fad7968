"""The number reader on every Vietnamese form the reports use, and its failure modes."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.normalize.numbers import find_numbers, format_vi, read_number, read_rank


@pytest.mark.parametrize(
    ("text", "value", "unit", "maximum"),
    [
        ("81,51%", 81.51, "%", None),
        ("81.05%", 81.05, "%", None),
        ("+3,55%", 3.55, "%", None),
        ("-2,12%", -2.12, "%", None),
        ("– 1,5", -1.5, None, None),
        ("43.4796", 43.4796, None, None),
        ("36.630 phiếu", 36630, "count", None),
        ("8 lĩnh vực", 8, "count", None),  # 'the 8 areas' of the PAR INDEX: a count, not a score
        ("3 nhóm", 3, "count", None),
        ("3.910.020", 3910020, None, None),
        ("2.285,44", 2285.44, None, None),
        ("60,642/66,5 điểm", 60.642, "points", 66.5),
        ("1,90/2.5", 1.90, None, 2.5),
        ("0,42%", 0.42, "%", None),
    ],
)
def test_reads_vietnamese_forms(text, value, unit, maximum):
    r = read_number(text)
    assert r.ok, r.error
    assert r.value == pytest.approx(value)
    assert r.unit == unit
    assert r.max == (pytest.approx(maximum) if maximum is not None else None)


@pytest.mark.parametrize("text", ["0..75", "0.0.16", "12,,5", "1.2.3,4.5"])
def test_broken_numbers_are_unreadable_with_a_reason(text):
    r = read_number(text)
    assert not r.ok
    assert r.value is None
    assert r.error


def test_cells_without_a_single_number_give_no_value():
    assert read_number("Tiêu chí hỏi mới").error == "no number"
    assert read_number("").error == "empty"
    assert read_number("81,51% và 80,2%").error == "more than one number"


def test_thousands_depend_on_what_is_counted():
    assert read_number("36.630").value == pytest.approx(36.63)  # a score or share
    assert read_number("36.630", prefer_decimal=False).value == 36630  # a count column


def test_ranks():
    assert read_rank("xếp thứ 55/63 tỉnh, thành phố") == (55, 63)
    assert read_rank("xếp hạng 12/34") == (12, 34)
    assert read_rank("giảm 04 bậc so với năm 2022 (27/63)") == (27, 63)
    assert read_rank("đạt 81,51%") is None


def test_numbers_in_a_sentence_skip_dates_and_keep_typos_visible():
    found = find_numbers("Ngày 06/4/2025 tỉnh đạt 81.51%, tăng 0.0.16 điểm; dao động từ 3.6055 – 59546 điểm.")
    texts = [(m.reading.text, m.reading.value) for m in found]
    assert ("81.51%", 81.51) in texts
    assert ("3.6055", 3.6055) in texts
    assert any(m.reading.error and "0.0.16" in m.reading.text for m in found)
    assert not any(m.reading.value in (6.0, 4.0, 2025.0) for m in found)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.,%+-–/ điểmphiếu")), max_size=24))
def test_any_input_gives_a_value_or_a_reason_never_an_exception(text):
    r = read_number(text)
    assert (r.value is not None and r.error is None) or (r.value is None and r.error)
    for m in find_numbers(text):
        assert (m.reading.value is None) == (m.reading.error is not None)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False), st.integers(min_value=1, max_value=4),
       st.sampled_from([None, "%", "points"]))
def test_print_then_read_gives_the_same_value(value, decimals, unit):
    printed = format_vi(value, decimals, unit)
    r = read_number(printed)
    assert r.ok, (printed, r.error)
    assert math.isclose(r.value, round(value, decimals), abs_tol=10 ** -decimals / 2 + 1e-9)
