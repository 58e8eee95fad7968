"""The words tested before a sentence pattern runs (interpret/prose/stated.py `_NEEDS`) never hide a match:
whenever the pattern matches a clause, the folded clause holds one of its words, in any case and with the
two letters `re.I` also takes for 'i' ('İ', 'ı')."""

import re

import pytest

import chiso.interpret.document  # noqa: F401  (imports the prose readers in their order)
from chiso.interpret.prose import stated

CLAUSES = [
    "Chỉ số SIPAS năm 2024 dao động từ 78,5% đến 86,2%",
    "CHỈ SỐ DAO ĐỘNG TỪ 78,5% ĐẾN 86,2%",
    "các tiêu chí lần lượt đạt 81,2%, 79,4% và 80,1%",
    "CÁC TIÊU CHÍ LẦN LƯỢT ĐẠT 81,2%, 79,4% VÀ 80,1%",
    "tăng 1,2 điểm so với năm 2023 (đạt 43,68 điểm)",
    "Tăng 1,2 điểm (Năm 2023 đạt 43,68 điểm)",
    "phấn đấu đạt trên 91%",
    "Mục Tiêu đạt 90%",
    "MỤC TİÊU đạt 90%",  # a capital dotted I
    "mục tıêu đạt 90%",  # a dotless i
    "chỉ tiêu đề ra là 85%",
    "kế hoạch đề ra 80%",
    "DỰ KİẾN đạt 80%",
    "Mức độ hài lòng đạt 81,51%",
]


@pytest.mark.parametrize("pattern", list(stated._NEEDS))
@pytest.mark.parametrize("clause", CLAUSES)
def test_a_pattern_that_matches_finds_its_word(pattern: re.Pattern[str], clause: str) -> None:
    if pattern.search(clause):
        assert stated._may_match(pattern, stated._fold(clause))


def test_the_odd_i_letters_are_the_patterns_own():
    """The test above is not vacuous: re.I does match 'İ' and 'ı' to 'i', and the fold keeps those matches."""
    assert stated.TARGET.search("MỤC TİÊU") and stated.TARGET.search("mục tıêu")
    assert stated._may_match(stated.TARGET, stated._fold("MỤC TİÊU"))
    assert not stated._may_match(stated.RANGE, stated._fold("Mức độ hài lòng đạt 81,51%"))
