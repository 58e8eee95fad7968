"""DOCX reading: merged cells are one cell with a span; footnotes are read."""

from pathlib import Path

import docx

from chiso.extract.docx_reader import read_docx


def _merged_table_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("1.1. Mức độ quan tâm của người dân đối với chính sách")
    t = d.add_table(rows=4, cols=5)
    head = ["Tiêu chí", "", "Năm\n2024", "Năm\n2023", "Tăng/\ngiảm"]
    for c, txt in enumerate(head):
        t.cell(0, c).text = txt
    t.cell(0, 0).merge(t.cell(0, 1))
    group = t.cell(1, 0).merge(t.cell(3, 0))
    group.text = "Mức độ quan tâm"
    rows = [("1. Chính sách giáo dục", "82,49%", "78,94%", "+3,55%"),
            ("2. Chính sách điện", "81,13%", "80,51%", "+0,62%"),
            ("3. Chính sách nước", "80,62%", "78,68%", "+1,94%")]
    for r, vals in enumerate(rows, start=1):
        for c, v in enumerate(vals, start=1):
            t.cell(r, c).text = v
    d.save(path)
    return path


def test_vertical_and_horizontal_merges_are_one_cell(tmp_path):
    p = _merged_table_docx(tmp_path / "merged.docx")
    doc = read_docx(p, "test")
    (table,) = doc.tables
    assert table.n_rows == 4 and table.n_cols == 5
    head = table.cell(0, 0)
    assert head is table.cell(0, 1) and head.colspan == 2
    group = table.cell(1, 0)
    assert group.text == "Mức độ quan tâm"
    assert group.rowspan == 3
    assert table.cell(2, 0) is group and table.cell(3, 0) is group
    assert table.text(2, 2) == "81,13%"
    assert doc.texts[0].text.startswith("1.1. Mức độ quan tâm")
