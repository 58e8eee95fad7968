"""Pillow drawing shared by `show` and `report`: page crops, the red mark, captions, and
tables or paragraphs drawn from extracted text when no page can be rendered.

The mark is a thick opaque red frame with a translucent red fill, so the number stays
readable under it and the frame is the only pure red on a page of black print (tests find
it by colour). Text is set in DejaVu Sans, which matplotlib ships (it covers Vietnamese).
"""

from __future__ import annotations

import io
import textwrap
from functools import cache
from pathlib import Path

import matplotlib
from PIL import Image, ImageDraw, ImageFont

from chiso.model import Table

RED = (230, 0, 0)
FILL = (230, 0, 0, 64)
FRAME = 4  # px
PAD = 3  # px between the value and the frame
INK = (20, 20, 20)
GREY = (90, 90, 90)
WARN = (150, 0, 0)  # a dark red: never taken for the mark
BOX = tuple[float, float, float, float]


@cache
def font(size: int = 14, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name), size)


def mark(image: Image.Image, boxes: list[BOX]) -> Image.Image:
    """Frame and fill each box (pixel coordinates of `image`): the value a user asked about."""
    base = image.convert("RGBA")
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(overlay)
    for x0, y0, x1, y1 in boxes:
        d.rectangle((x0 - PAD, y0 - PAD, x1 + PAD, y1 + PAD), fill=FILL)
        d.rectangle((x0 - PAD - FRAME, y0 - PAD - FRAME, x1 + PAD + FRAME, y1 + PAD + FRAME),
                    outline=RED + (255,), width=FRAME)
    return Image.alpha_composite(base, overlay).convert("RGB")


def caption(lines: list[tuple[str, tuple[int, int, int]]], width: int, size: int = 14) -> Image.Image:
    """A strip of text lines (each with its colour), wrapped to the picture's width."""
    f = font(size)
    per_line = max(20, int(width / (0.56 * size)) - 2)
    wrapped = [(part, colour) for text, colour in lines for part in (textwrap.wrap(text, per_line) or [""])]
    step = int(size * 1.4)
    img = Image.new("RGB", (width, 8 + step * len(wrapped)), (245, 245, 240))
    d = ImageDraw.Draw(img)
    for i, (text, colour) in enumerate(wrapped):
        d.text((8, 4 + i * step), text, font=f, fill=colour)
    return img


def stack(images: list[Image.Image], gap: int = 6) -> tuple[Image.Image, list[int]]:
    """Images one under the other; returns the picture and each image's top."""
    width = max(i.width for i in images)
    height = sum(i.height for i in images) + gap * (len(images) - 1)
    out = Image.new("RGB", (width, height), (200, 200, 200))
    tops, y = [], 0
    for img in images:
        out.paste(img, (0, y))
        tops.append(y)
        y += img.height + gap
    return out, tops


def png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _wrap_cell(text: str, width_chars: int) -> list[str]:
    lines = []
    for part in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(part, width_chars) or [""])
    return lines


def _first_shown(table: Table, r: int, c: int, rows: list[int]) -> bool:
    """A merged cell's text is written once: at its origin, or in its first row drawn."""
    cell = table.cell(r, c)
    if cell is None or cell.col != c:
        return False
    return cell.row == r or cell.row not in rows and r == min(x for x in rows if table.cell(x, c) is cell)


def _window(n: int, at: int, head: int, around: int) -> list[int]:
    """The first `head` indices and those within `around` of `at`."""
    return sorted(set(range(min(head, n))) | set(range(max(0, at - around), min(n, at + around + 1))))


def draw_table(table: Table, row: int, col: int, context_rows: int = 5, context_cols: int = 3
               ) -> tuple[Image.Image, BOX]:
    """The table's header and the rows around `row` (its label columns and the columns around
    `col`), as a grid, the value's cell marked.

    Used where no page can be shown (a spreadsheet; a DOCX without LibreOffice): the reader's
    own cells, so what is drawn is exactly what was read.
    """
    f, size = font(13), 13
    rows = _window(table.n_rows, row, 2, context_rows)
    cols = _window(table.n_cols, col, 2, context_cols)
    widths = {}
    for c in cols:
        longest = max((len(table.text(r, c)) for r in rows), default=4)
        widths[c] = min(max(longest, 4), 34)
    step = int(size * 1.35)
    col_px = [int(widths[c] * size * 0.6) + 12 for c in cols]
    lines = {(r, c): _wrap_cell(table.text(r, c) if _first_shown(table, r, c, rows) else "", widths[c])
             for r in rows for c in cols}
    row_px = [max(len(lines[(r, c)]) for c in cols) * step + 8 for r in rows]
    img = Image.new("RGB", (sum(col_px) + 1, sum(row_px) + 1), "white")
    d = ImageDraw.Draw(img)
    target: BOX = (0, 0, 0, 0)
    y = 0
    for r, h in zip(rows, row_px, strict=True):
        x = 0
        for c, w in zip(cols, col_px, strict=True):
            d.rectangle((x, y, x + w, y + h), outline=GREY)
            for i, text in enumerate(lines[(r, c)]):
                d.text((x + 6, y + 4 + i * step), text, font=f, fill=INK)
            if (r, c) == (row, col):
                target = (x + 2, y + 2, x + w - 2, y + h - 2)
            x += w
        y += h
    return mark(img, [target]), target


def draw_paragraph(text: str, start: int, end: int, width_chars: int = 90) -> tuple[Image.Image, list[BOX]]:
    """A paragraph set as text, characters start..end (the number) marked."""
    f, size = font(14), 14
    step = int(size * 1.5)
    lines: list[tuple[int, str]] = []  # (offset of the line in text, line)
    offset = 0
    for line in textwrap.wrap(text, width_chars, drop_whitespace=False) or [""]:
        lines.append((offset, line))
        offset += len(line)
    width = int(max(f.getlength(line) for _, line in lines)) + 24
    img = Image.new("RGB", (width, step * len(lines) + 16), "white")
    d = ImageDraw.Draw(img)
    boxes: list[BOX] = []
    for i, (off, line) in enumerate(lines):
        y = 8 + i * step
        d.text((12, y), line, font=f, fill=INK)
        a, b = max(start, off), min(end, off + len(line))
        if a < b:
            x0 = 12 + f.getlength(line[: a - off])
            boxes.append((x0, y, 12 + f.getlength(line[: b - off]), y + size + 3))
    return mark(img, boxes), boxes
