"""The words tested before a sentence pattern runs (interpret/prose/stated.py `NEEDS`) or a sentence reader
runs (prose/__init__.py `READERS`: `needs`, `needs_digit`) never hide a match: whenever the pattern matches a
clause, the folded clause holds one of its words, in any case and with the letters `re.I` also takes for a
letter ('İ', 'ı' for 'i'); and documents read exactly the same without the prefilters."""

import copy
import re
from dataclasses import replace

import pytest
from helpers import FIXTURES

from chiso.extract.reader import read_document
from chiso.interpret import prose
from chiso.interpret.document import interpret  # (imports the prose readers in their order)
from chiso.interpret.prose import ProseContext, prefilter, stated, subjects
from chiso.model import TextBlock

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


@pytest.mark.parametrize("pattern", list(stated.NEEDS))
@pytest.mark.parametrize("clause", CLAUSES)
def test_a_pattern_that_matches_finds_its_word(pattern: re.Pattern[str], clause: str) -> None:
    if pattern.search(clause):
        assert stated.may_match(pattern, prefilter.fold(clause))


def test_the_odd_i_letters_are_the_patterns_own():
    """The test above is not vacuous: re.I does match 'İ' and 'ı' to 'i', and the fold keeps those matches."""
    assert stated.TARGET.search("MỤC TİÊU") and stated.TARGET.search("mục tıêu")
    assert stated.may_match(stated.TARGET, prefilter.fold("MỤC TİÊU"))
    assert not stated.may_match(stated.RANGE, prefilter.fold("Mức độ hài lòng đạt 81,51%"))


# The words each sentence reader needs before it runs (prose/__init__.py `READERS`, prefilter.py).

def _all_needed_words() -> set[str]:
    return {w for r in prose.READERS for w in r.needs} | {w for ws in stated.NEEDS.values() for w in ws}


def test_every_letter_re_i_takes_folds_to_the_word_letter():
    """Whatever character `re.I` matches to a letter of a needed word, `fold` makes that letter: a pattern that
    matches a text means its folded text holds the word (checked for every code point)."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    letters = {ch for w in _all_needed_words() for ch in w}
    assert letters >= {"t", "i", "đ", "ư", "ợ"}  # the check below covers the words' letters, not nothing
    for ch in letters:
        for other in re.findall(re.escape(ch), every, re.I):
            assert prefilter.fold(other) == ch, (ch, other, hex(ord(other)))


def test_the_fold_keeps_what_re_i_takes_for_i():
    assert prefilter.fold("MỤC TİÊU") == "mục tiêu" and prefilter.fold("mục tıêu") == "mục tiêu"
    assert prefilter.holds_any(prefilter.fold("KẾT QUẢ XÉT THEO NHÓM TIÊU CHÍ"), ("xét",))


# One sentence each reader reads (wording of our own, in upper case too): the reader's words are in it.
READ_BY = {
    "list_item": "- Lĩnh vực 2: Xây dựng và tổ chức thực hiện văn bản: đạt 8,25/9 điểm;",
    "components_listed": "Trong 03 chỉ số thành phần, Hiệu quả tương tác: 1,91 điểm; Ban Thanh tra nhân dân: 2,05 điểm.",
    "expectations": "Các nội dung người dân mong đợi nhiều nhất là Thủ tục đơn giản (71,5%), Phí thấp (64,2%).",
    "quoted_values": "Các chỉ số “Công bằng trong tuyển dụng” (1,31 điểm) và “Quyết tâm phòng chống” (1,77 điểm).",
    "ranked_list": "Kết quả năm 2023 lần lượt là: Tham gia (5,02 điểm; 33/63), Công khai (5,31 điểm; 35/63).",
    "criterion_extremes": "Trong đó yếu tố Tiếp cận dịch vụ có mức độ hài lòng cao nhất (87,11%).",
    "from_to": "Chỉ số nội dung Thủ tục hành chính giảm nhiều nhất, từ 7,12 điểm năm 2022 xuống 6,95 điểm năm 2023.",
    "year_series": "Chỉ số SIPAS của tỉnh qua các năm: năm 2021 – 84,10%; năm 2022 – 85,35%; năm 2023 – 86,02%.",
    "respectively": "Tiếp cận dịch vụ 81,96% và Thủ tục hành chính 80,92%. Năm 2022 lần lượt là 79,95% và 78,14%.",
    "named_extremes": "Chỉ số SIPAS cao nhất là Sở Tư pháp (97,49%).",
    "rank_statement": "Chỉ số PAPI của tỉnh xếp thứ 41/63 tỉnh, thành phố.",
    "national_value": "Mức độ hài lòng đạt 78,21% (cả nước là 80,46%).",
    "national_named": "Nội dung Tham gia của người dân ở cấp cơ sở là điểm sáng: trung bình cả nước 4,98 điểm.",
}


def _reading(name: str, text: str):
    reader = next(r for r in prose.READERS if r.name == name)
    ctx = ProseContext(index="PAPI" if "PAPI" in text or "Tham gia" in text else "SIPAS", entity="Hà Giang",
                       province="Hà Giang", report_year=2023, unit="%", heading="", title_label="Chỉ số")
    block = TextBlock(text=text, number=1)
    return reader, reader.read(text, ctx, prose.Sources(block, name))


@pytest.mark.parametrize("name", sorted(READ_BY))
@pytest.mark.parametrize("case", [str, str.upper])
def test_a_sentence_a_reader_reads_holds_its_words(name: str, case) -> None:  # noqa: ANN001
    text = READ_BY[name]
    reader, found = _reading(name, text)
    assert found.observations or found.ranks or found.nationals, name  # the sentence is one the reader reads
    assert reader.needs and prefilter.holds_any(prefilter.fold(case(text)), reader.needs)
    assert reader.needs_digit and prefilter.DIGIT.search(text)


def test_every_reader_with_words_has_a_sentence_here():
    assert {r.name for r in prose.READERS if r.needs} == set(READ_BY)


def _fixture_documents() -> list:
    return [read_document(str(p), p.name, p.read_bytes()) for p in sorted(FIXTURES.glob("*.docx"))]


def test_documents_read_the_same_without_the_prefilters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fixture document (DOCX) interprets to exactly the same with the readers' prefilters as with every
    reader run on every block."""
    docs = _fixture_documents()
    assert len(docs) >= 30
    with_prefilters = [repr(interpret(copy.deepcopy(d))) for d in docs]
    monkeypatch.setattr(prose, "READERS", [replace(r, needs=(), needs_digit=False) for r in prose.READERS])
    assert [repr(interpret(copy.deepcopy(d))) for d in docs] == with_prefilters


# End-anchored patterns searched only from `last_words_start` (stated._ends_with, subjects.subject_before).
ENDINGS = ["Chỉ số SIPAS tăng 1,2% so với năm trước, chênh lệch là", "Mức độ hài lòng đạt", "Tỷ lệ đạt mức",
           "Lĩnh vực 1: Công tác chỉ đạo:", "cao hơn   \n thêm  ", "phấn đấu đạt trên", "tỉnh chỉ  đạt\n mức :\n",
           "x\n", "", " ", "đạt", "giảm", "Năm 2024, kết quả của tỉnh là  ", "khoảng", "Sở Tư pháp với"]


@pytest.mark.parametrize(("pattern", "words"), [(stated._CHANGE_BEFORE, 3), (stated._THRESHOLD_BEFORE, 3),
                                                (stated._STATE, 3), (subjects._VERB_TAIL, 4)])
def test_an_end_anchored_pattern_finds_the_same_in_the_last_words(pattern: re.Pattern[str], words: int) -> None:
    found = 0
    for text in ENDINGS:
        for before in (text[:i] for i in range(len(text) + 1)):
            start = prefilter.last_words_start(before, words)
            assert (pattern.search(before) is None) == (pattern.search(before, start) is None), before
            assert pattern.sub("", before) == before[:start] + pattern.sub("", before[start:]), before
            found += pattern.search(before) is not None
    assert found >= 5  # the texts hold matches to find
