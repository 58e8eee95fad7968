"""Text repair and matching keys."""

from hypothesis import given
from hypothesis import strategies as st

from chiso.normalize.text import (
    clean_label,
    fix_legacy_encoding,
    match_key,
    normalize_tone_marks,
    strip_numbering,
)


def test_tone_marks_one_placement():
    assert normalize_tone_marks("hoà thuỷ khoẻ") == "hòa thủy khỏe"
    assert normalize_tone_marks("Quý hoàn") == "Quý hoàn"  # qu-: mark stays; hoàn has a final consonant


def test_match_key_ignores_form_not_words():
    a = match_key("1. Chính sách  giáo dục phổ thông ở địa phương, ")
    b = match_key("Chính sách giáo dục phổ thông ở địa phương")
    assert a == b
    assert match_key("Hoà bình") == match_key("HÒA BÌNH")
    assert match_key("Qua mạng internet") != match_key("Qua loa phát thanh xã")


def test_numbering_removed_from_labels():
    assert clean_label("1. Chính sách giáo dục, ") == "Chính sách giáo dục"
    assert clean_label("3, Công chức ở Bộ phận Một cửa") == "Công chức ở Bộ phận Một cửa"
    assert clean_label("a) Mức độ hài lòng") == "Mức độ hài lòng"
    assert clean_label("II. KẾT QUẢ") == "KẾT QUẢ"
    assert strip_numbering("1.1. Mức độ quan tâm") == "Mức độ quan tâm"
    assert clean_label("Năm 2024") == "Năm 2024"


def test_legacy_tcvn3_text_is_converted_and_unicode_is_left_alone():
    assert fix_legacy_encoding("Céng hßa x· héi chñ nghÜa ViÖt Nam") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert fix_legacy_encoding("Cộng hòa xã hội chủ nghĩa Việt Nam") == "Cộng hòa xã hội chủ nghĩa Việt Nam"


@given(st.text(max_size=60))
def test_normalisers_never_raise(text):
    match_key(text)
    clean_label(text)
    fix_legacy_encoding(text)
