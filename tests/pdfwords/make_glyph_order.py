"""Writes glyph-order.pdf: a page whose accented letters are stored after the rest of their line.

LibreOffice writes a line this way when its font lacks some Vietnamese letters: Liberation
Serif 1.x (Debian's fonts-liberation) has no 'ở', 'ộ', 'ỉ', 'ụ', 'ư', 'ơ', so LibreOffice 7.4
draws the line in Liberation Serif with gaps, then the missing letters into the gaps from a
fallback font (DejaVu Serif) as a second text run. pdfium keeps the stored order ('ph', 'ng',
then 'ươ'), so a reader that trusts it reads 'phngươ'; chiso puts such a page into visual
order (chiso/extract/pdf_words.py). Reports made on machines with the old fonts look like this.

The DOCX is converted by LibreOffice with a fontconfig that sees only Liberation 1.x and DejaVu
(the machine may also have Liberation 2, which has the letters):

    python tests/pdfwords/make_glyph_order.py      # writes tests/pdfwords/glyph-order.pdf
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
from docx.shared import Pt

HERE = Path(__file__).parent
FONT_DIRS = ["/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/dejavu"]
LINES = [
    "ỦY BAN NHÂN DÂN TỈNH HÒA MỸ",
    "Chỉ số hài lòng về sự phục vụ hành chính của tỉnh năm 2024 đạt 84,56%, tăng 1,27% so với năm 2023.",
    "Phương án cải cách thủ tục hành chính ở cơ sở được công khai.",
]
TABLE = [("Tiếp cận dịch vụ", "85,23", "86,10"), ("Thủ tục hành chính", "83,47", "84,05"),
         ("Kết quả cung ứng dịch vụ", "82,90", "84,38")]


def build(out: Path = HERE / "glyph-order.pdf") -> Path:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        d = docx.Document()
        style = d.styles["Normal"]
        style.font.name, style.font.size = "Liberation Serif", Pt(13)
        for line in LINES:
            d.add_paragraph(line)
        table = d.add_table(rows=0, cols=3)  # no style: no rules, a borderless table
        for row in TABLE:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
        d.save(tmp / "glyph-order.docx")
        conf = tmp / "fonts.conf"
        conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                        + "".join(f"<dir>{p}</dir>" for p in FONT_DIRS)
                        + f"<cachedir>{tmp}/cache</cachedir></fontconfig>")
        env = dict(os.environ, FONTCONFIG_FILE=str(conf), HOME=str(tmp))
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp),
                        str(tmp / "glyph-order.docx")], check=True, env=env, capture_output=True, timeout=180)
        shutil.copyfile(tmp / "glyph-order.pdf", out)
    return out


if __name__ == "__main__":
    print(build())
