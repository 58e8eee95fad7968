"""pdfium's rules through pdfplumber's grid algorithm find the tables pdfplumber finds."""

import pdfplumber
import pypdfium2 as pdfium
import pytest
from helpers import FIXTURES

from chiso.extract.pdf_lines import find_tables


@pytest.mark.parametrize("name", ["sonla-sipas-2023.pdf", "quangtri-par-2022.pdf"])
def test_same_table_cells_as_pdfplumber(name):
    doc = pdfium.PdfDocument(str(FIXTURES / name))
    with pdfplumber.open(FIXTURES / name) as pdf:
        for i, ppage in enumerate(pdf.pages):
            page = doc[i]
            _, height = page.get_size()
            ours = sorted((round(c[0]), round(c[1]), round(c[2]), round(c[3]))
                          for t in find_tables(page, height) for c in t.cells)
            theirs = sorted((round(c[0]), round(c[1]), round(c[2]), round(c[3]))
                            for t in ppage.find_tables() for c in t.cells)
            assert ours == theirs, f"page {i + 1}"
