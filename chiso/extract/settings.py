"""Layout settings of the PDF readers, in one place (as pdfplumber's `TableSettings`).

Distances are in points unless they say `× font size`. The defaults were measured on the
development corpus and the project's fixtures; changing one changes what is read, so
each says what it decides.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PdfSettings:
    # ruled tables (pdfplumber's grid algorithm on pdfium's drawn rules)
    snap_tolerance: float = 3.0  # rules this close are one rule (pdfplumber's default)
    join_tolerance: float = 3.0  # collinear rules with a gap this small are joined
    intersection_tolerance: float = 3.0
    min_edge: float = 3.0  # shorter strokes are not rules
    axis_tolerance: float = 1.0  # a segment within 1 pt of horizontal/vertical is a rule
    # page furniture
    page_number_top: float = 70.0  # a lone number above this is a running header
    page_number_bottom: float = 50.0  # … or within this of the bottom edge
    small_print_ratio: float = 0.8  # lines smaller than this × body size are footnotes / markers
    # borderless tables
    borderless_cell_gap: float = 1.0  # × font size: a value stands apart from its neighbours by this
    borderless_gutter: float = 0.6  # × font size: a strip this wide that no word crosses parts two columns
    borderless_max_line_gap: float = 1.6  # × font size: a wider vertical gap ends a table
    borderless_header_gap: float = 2.6  # × font size: … but a header may stand this far above the rows
    borderless_block_gap: float = 0.9  # × font size: a gap this wide parts two merged group labels
    borderless_min_rows: int = 2  # fewer value lines are not a table


DEFAULT = PdfSettings()
