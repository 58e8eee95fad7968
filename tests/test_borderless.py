"""Borderless PDF tables: each row keeps its own label where the cells' alignment changes part-way.

A table printed without rules in parts (A, B …) may set part A's values on the first line of
their wrapped labels and part B's in the middle (part B a second Word table without a header,
or rows formatted apart). The reader decides the alignment row by row
(chiso/extract/borderless_rows.py); a reader that keeps part A's alignment gives the first line
of each of part B's labels to the row above. The fixture tests/borderless/*.pdf is made by
fixtures/make_borderless.py (LibreOffice, as the other fixtures); its rows file holds the rows
as printed.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES

from chiso.extract.reader import read_document
from chiso.model import Table

BORDERLESS = Path(__file__).resolve().parent / "borderless"
REPORT = BORDERLESS / "backan-hailong-ytegd-2023.pdf"
VALUE = re.compile(r"^\d{1,3},\d\d%$")


def _tables(path: Path) -> list[Table]:
    data = path.read_bytes()
    doc = read_document(path, hashlib.sha256(data).hexdigest(), data)
    return [t for t in doc.tables if t.origin == "borderless"]


def _text(cell) -> str:
    """A cell's text with its line breaks read as spaces (a wrapped label is one label)."""
    return " ".join(cell.text.split()) if cell is not None else ""


def _value_rows(table: Table) -> list[list[str]]:
    """The rows that hold a value (not the header), as their cells' texts."""
    rows = [[_text(c) for c in row] for row in table.grid]
    return [row for row in rows if any(VALUE.match(c) for c in row)]


def _printed() -> list[list[dict]]:
    return json.loads(Path(f"{REPORT}.rows.json").read_text(encoding="utf-8"))["tables"]


def test_row_file_is_the_generators_data():
    sys.path.insert(0, str(FIXTURES))
    import make_borderless

    assert _printed() == [make_borderless.expected_rows(parts) for parts in make_borderless.TABLES]


@pytest.mark.parametrize("k", [0, 1], ids=["top-then-centred", "centred-then-top-stacked"])
def test_each_row_has_its_own_label_and_values_where_the_alignment_changes(k):
    tables = _tables(REPORT)
    assert len(tables) == 2
    header = [_text(c) for c in tables[k].grid[0]]
    assert header == ["STT", "Nội dung đánh giá", "Năm 2023", "Năm 2022", "Tăng (+)/ giảm (-)"]
    got = _value_rows(tables[k])
    want = [[r["stt"], r["label"], *r["values"]] for r in _printed()[k]]
    assert len(got) == len(want)
    for row, printed in zip(got, want, strict=True):
        assert row == printed


def test_yenbai_part_b_labels_stay_with_their_rows():
    """Yên Bái: part B (centred, no header) right under part A (top-aligned): every row that holds
    a 2024 value is labelled as the document printed that criterion (list numbering aside)."""
    expected = json.loads((FIXTURES / "yenbai-sipas-2024.pdf.expected.json").read_text(encoding="utf-8"))
    printed = {(o["value"], o["label"]) for o in expected["observations"] if o["year"] == 2024}
    rows = [row for t in _tables(FIXTURES / "yenbai-sipas-2024.pdf") for row in _value_rows(t)]
    assert len(rows) == 62
    wrong = []
    for row in rows:
        label = re.sub(r"^\d{1,2}\.\s*", "", row[-4])
        value = float(row[-3].rstrip("%").replace(",", "."))
        if (value, label) not in printed:
            wrong.append(row[-4])
    assert wrong == []
    by_label = {row[-4]: row[-3:] for row in rows}
    assert by_label["Mức độ hài lòng đối với việc cung ứng dịch vụ hành chính công"] == ["82,52%", "81,12%", "+1,40%"]
    assert by_label["Tiếp cận dịch vụ"] == ["82,09%", "81,28%", "+0,81%"]


def test_ninhbinh_table_over_three_pages_keeps_each_row_and_ends_before_the_text():
    """Ninh Bình: one borderless table over three pages with its header on the first only; part B
    (page 3, a second Word table) sets its values on the last line of each label and its row numbers
    centred, so a label of three lines carries its number on the middle line ('25 ghế ngồi …'). Every
    printed row is one row (its number, its whole label, its two values), in order, and the paragraph
    under the table ('Xét theo nhóm tiêu chí, … (85,97%); …') stays text, not rows of the table."""
    sys.path.insert(0, str(FIXTURES))
    from documents.ninhbinh import build_rows

    parts, _total = build_rows()
    printed = [[r.stt, r.label, f"{r.v23:.2f}".replace(".", ","), f"{r.v24:.2f}".replace(".", ",")]
               for part, rows in parts for r in (part, *rows)]
    path = FIXTURES / "ninhbinh-sipas-2024.pdf"
    tables = _tables(path)
    assert len(tables) == 1 and tables[0].pages == [1, 2, 3]
    rows = [[_text(c) for c in row] for row in tables[0].grid[1:]]
    assert [row[:4] for row in rows] == printed
    data = path.read_bytes()
    texts = [b.text for b in read_document(path, hashlib.sha256(data).hexdigest(), data).blocks
             if not isinstance(b, Table)]
    assert any(t.startswith("Xét theo nhóm tiêu chí, nhóm Kết quả dịch vụ") and "(85,97%)" in t for t in texts)
