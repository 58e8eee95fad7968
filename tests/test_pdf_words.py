"""Page words from pdfium: font names, the page text read in one call, lines and cell text.

The fast paths (one FPDFText_GetText call, a per-page index for cell text, one sorted pass
for lines) must give what the plain definitions give, on real PDFs.
"""

import ctypes
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from helpers import FIXTURES

from chiso.extract.pdf_lines import find_tables
from chiso.extract.pdf_words import (
    FAST_GLYPHS,
    PageWords,
    _page_text,
    body_size,
    cell_text,
    glyph_records,
    group_lines,
    join_words,
    lines_by_baseline,
    main_size,
    page_words,
    spaced_text,
    words_box,
)

GLYPH_ORDER = Path(__file__).parent / "pdfwords" / "glyph-order.pdf"  # tests/pdfwords/make_glyph_order.py


def _pages(name: str | Path):  # noqa: ANN202
    doc = pdfium.PdfDocument(str(FIXTURES / name))
    for i in range(len(doc)):
        page = doc[i]
        yield page, page.get_size()[1]


def test_words_carry_the_pdf_font_name():
    page, height = next(_pages("legacy/hatinh-par-2014.pdf"))
    words = page_words(page, height)
    assert {w["font"] for w in words} == {".VnTime", ".VnTimeH"}
    assert [(w["text"], w["font"]) for w in words[:3]] == [("ñY", ".VnTimeH"), ("BAN", ".VnTimeH"),
                                                          ("NH©N", ".VnTimeH")]
    page, height = next(_pages("sonla-sipas-2023.pdf"))
    fonts = {w["font"] for w in page_words(page, height)}
    assert fonts == {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic"}


@pytest.mark.parametrize("name", ["sonla-sipas-2023.pdf", "quangtri-par-2022.pdf", "legacy/hatinh-par-2014.pdf"])
def test_page_text_in_one_call_is_the_text_char_by_char(name):
    for page, _ in _pages(name):
        tp = page.get_textpage()
        n = tp.count_chars()
        handle = ctypes.c_void_p(ctypes.cast(tp.raw, ctypes.c_void_p).value)
        assert _page_text(handle, n) == "".join(chr(pdfium_c.FPDFText_GetUnicode(tp.raw, i)) for i in range(n))
        tp.close()


@pytest.mark.skipif(not FAST_GLYPHS, reason="chiso/extract/_pdfchars.c was not built (no C compiler at install)")
@pytest.mark.parametrize("name", ["sonla-sipas-2023.pdf", "quangtri-par-2022.pdf", "legacy/hatinh-par-2014.pdf",
                                  GLYPH_ORDER])
def test_the_compiled_glyph_loop_reads_what_ctypes_reads(name):
    """Boxes, origins and text objects of every char (spaces and line breaks too), bit for bit."""
    chars = 0
    for page, _ in _pages(name):
        tp = page.get_textpage()
        n = tp.count_chars()
        handle = ctypes.c_void_p(ctypes.cast(tp.raw, ctypes.c_void_p).value)
        fast, slow = glyph_records(handle, n, compiled=True), glyph_records(handle, n, compiled=False)
        assert fast.shape == slow.shape == (n,)
        assert np.array_equal(fast, slow)
        printed = fast[fast["object"] != 0]  # pdfium's generated spaces and line breaks belong to no object
        assert len(printed) > 0.7 * n and (printed["right"] >= printed["left"]).all()
        chars += n
        tp.close()
    assert chars > 300


@pytest.mark.skipif(not FAST_GLYPHS, reason="chiso/extract/_pdfchars.c was not built (no C compiler at install)")
@pytest.mark.parametrize("name", ["sonla-sipas-2023.pdf", "quangtri-par-2022.pdf", "legacy/hatinh-par-2014.pdf",
                                  GLYPH_ORDER])
def test_the_compiled_word_cutter_gives_the_words_of_the_numpy_definition(name):
    """Every word of every page: text, box, size, baseline, weight and font, in the same order (the
    glyph-order PDF takes the visual-order path, the legacy ones TCVN3 fonts)."""
    words = 0
    for page, height in _pages(name):
        fast, slow = page_words(page, height, compiled=True), page_words(page, height, compiled=False)
        assert isinstance(fast, PageWords)
        assert fast == slow
        words += len(fast)
    assert words > 50


@pytest.mark.parametrize("name", ["sonla-sipas-2023.pdf", "quangtri-par-2022.pdf", "legacy/hatinh-par-2014.pdf",
                                  GLYPH_ORDER])
def test_lines_and_their_text_are_those_of_the_python_definitions(name):
    """group_lines/join_words (compiled where built) against lines_by_baseline/spaced_text: every page,
    and handfuls of its words as a table cell gives them (any order, any mix of lines)."""
    import random

    rows = 0
    for number, (page, height) in enumerate(_pages(name)):
        words = page_words(page, height)
        lines = group_lines(words)
        assert lines == lines_by_baseline(words)
        assert [join_words(line) for line in lines] == [spaced_text(line) for line in lines]
        pick = random.Random(number)
        for _ in range(20):
            cell = pick.sample(words, min(len(words), pick.randint(1, 12)))
            assert group_lines(cell) == lines_by_baseline(cell)
        rows += len(lines)
    assert rows > 5


def test_lines_of_words_without_finite_positions_are_left_to_the_python_definition():
    """A NaN baseline: both raise as round() does; an OCR word's int positions group as floats do."""
    nan = {"text": "a", "x0": 1.0, "x1": 2.0, "baseline": float("nan"), "size": 4.0}
    ok = {"text": "b", "x0": 1.0, "x1": 2.0, "baseline": 3.0, "size": 4.0}
    with pytest.raises(ValueError):
        group_lines([nan, ok])
    ints = [{"text": t, "x0": x, "x1": x + 5, "baseline": b, "size": 10} for t, x, b in
            [("c", 30, 100), ("a", 0, 102), ("z", 0, 130), ("b", 10, 99)]]
    assert [[w["text"] for w in row] for row in group_lines(ints)] == [["a", "b", "c"], ["z"]]
    assert join_words(ints[:2]) == "ca" and spaced_text(ints[:2]) == "ca"


def test_the_box_of_words_is_the_one_min_and_max_give_each_value_its_own_object():
    """The values chosen are the words' own objects (an OCR word's int stays an int in a bbox), with
    min()'s and max()'s choice among ties, NaN and mixed types; an int past 2**53 is left to Python."""
    import random

    pick = random.Random(7)
    values = [1, 2.5, float("nan"), -3, 0.0, -0.0, 7, 2.5, 2**60]
    for _ in range(5000):
        words = [{k: pick.choice(values) for k in ("x0", "top", "x1", "bottom")} for _ in range(pick.randint(1, 5))]
        expected = (min(w["x0"] for w in words), min(w["top"] for w in words),
                    max(w["x1"] for w in words), max(w["bottom"] for w in words))
        assert all(a is b for a, b in zip(words_box(words), expected, strict=True))
    page, height = next(_pages("sonla-sipas-2023.pdf"))
    for line in group_lines(page_words(page, height)):
        assert words_box(line) == (min(w["x0"] for w in line), min(w["top"] for w in line),
                                   max(w["x1"] for w in line), max(w["bottom"] for w in line))


def _plain_body_size(words: list[dict]) -> float:
    letters: dict[float, int] = {}
    for w in words:
        letters[w["size"]] = letters.get(w["size"], 0) + len(w["text"])
    halves: dict[float, int] = {}
    for size, n in letters.items():
        halves[round(size * 2) / 2] = halves.get(round(size * 2) / 2, 0) + n
    return max(halves, key=halves.__getitem__) if halves else 12.0


def _plain_main_size(row: list[dict]) -> float:
    weight: dict[float, int] = {}
    for w in row:
        weight[round(w["size"], 1)] = weight.get(round(w["size"], 1), 0) + len(w["text"])
    return max(weight, key=weight.__getitem__)


def test_body_and_line_sizes_are_those_of_the_plain_definitions():
    """A page's body size and a line's main size (compiled where built) against the plain counts: the
    same value and type (an OCR word's int size, -0.0, ties to even at half points, first on a tie)."""
    import random

    pick = random.Random(11)
    sizes = [12.0, 12.05, 11.95, 13.0, 12.25, 12.75, 6.5, 0.0, -0.0, -0.2, 12, 13, 2.5, 3.5]
    for _ in range(20000):
        words = [{"size": pick.choice(sizes), "text": "x" * pick.randint(0, 5)} for _ in range(pick.randint(0, 6))]
        for got, want in [(body_size(words), _plain_body_size(words))] + \
                ([(main_size(words), _plain_main_size(words))] if words else []):
            assert (got, type(got), str(got)) == (want, type(want), str(want))
    page, height = next(_pages("sonla-sipas-2023.pdf"))
    words = page_words(page, height)
    assert body_size(words) == _plain_body_size(words) == 13.0
    assert [main_size(line) for line in group_lines(words)] == [_plain_main_size(line) for line in group_lines(words)]


def test_letters_stored_after_their_line_are_read_where_they_are_printed():
    """LibreOffice with a font lacking 'ư', 'ơ', 'ở'… draws them after the line from another font;
    pdfium gives them in stored order, the words come out in the order they are printed."""
    page, height = next(_pages(GLYPH_ORDER))
    stored = page.get_textpage().get_text_range()
    assert "Ph ng án c i cách" in stored and "ươ ả ủ ụ ở ơ ở ượ" in stored
    words = page_words(page, height)
    assert {w["font"] for w in words} == {"LiberationSerif", "DejaVuMathTeXGyre-Regular"}
    lines = [join_words(line) for line in group_lines(words)]
    assert lines == ["ỦY BAN NHÂN DÂN TỈNH HÒA MỸ",
                     "Chỉ số hài lòng về sự phục vụ hành chính của tỉnh năm 2024 đạt 84,56%, tăng",
                     "1,27% so với năm 2023.",
                     "Phương án cải cách thủ tục hành chính ở cơ sở được công khai.",
                     "Tiếp cận dịch vụ 85,23 86,10", "Thủ tục hành chính 83,47 84,05",
                     "Kết quả cung ứng dịch 82,90 84,38", "vụ"]
    numbers = [w for w in words if w["text"] in ("85,23", "86,10")]
    assert len(numbers) == 2 and numbers[1]["x0"] - numbers[0]["x1"] > 20  # two cells, not one word


@pytest.mark.parametrize("name", ["sonla-sipas-2023.pdf", "quangtri-par-2022.pdf"])
def test_cell_text_from_the_page_index_is_the_cell_text_of_a_scan(name):
    n_cells = 0
    for page, height in _pages(name):
        words = page_words(page, height)
        assert isinstance(words, PageWords)
        plain = list(words)
        for table in find_tables(page, height):
            for bbox in table.cells:
                assert cell_text(bbox, words) == cell_text(bbox, plain)
                n_cells += 1
    assert n_cells > 50


def test_cell_text_of_a_header_cell():
    page, height = next(_pages("sonla-sipas-2023.pdf"))
    words = page_words(page, height)
    texts = [cell_text(bbox, words) for t in find_tables(page, height) for bbox in t.cells]
    assert texts[0] == "Tiêu chí"
    assert "3. Chính sách khám, chữa bệnh ở địa\nphương," in texts


def _w(text: str, x0: float, baseline: float, size: float) -> dict:
    return {"text": text, "x0": x0, "x1": x0 + 6 * len(text), "top": baseline - size, "bottom": baseline,
            "size": size, "baseline": baseline}


def test_a_raised_superscript_stays_on_its_line_and_the_next_line_is_its_own():
    words = [_w("2025", 100, 200.0, 13), _w("1", 125, 196.5, 8), _w("Điều", 60, 200.4, 13),
             _w("tiếp", 60, 216.0, 13), _w("theo", 90, 215.8, 13)]
    assert [join_words(line) for line in group_lines(words)] == ["Điều 2025 1", "tiếp theo"]


def test_a_word_within_reach_of_two_lines_joins_the_first_line_made():
    # "a" and "b" are two lines (6 pt apart, size 10); large "x" reaches both and joins "a"
    words = [_w("a", 10, 100.0, 10), _w("b", 10, 106.0, 10), _w("x", 50, 107.0, 20)]
    assert [[w["text"] for w in line] for line in group_lines(words)] == [["a", "x"], ["b"]]
