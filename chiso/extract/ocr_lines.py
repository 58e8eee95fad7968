"""Scanned page images: skew, and the ruling lines of tables as pdfplumber edges.

A scanned table has no drawing operations, so `pdf_lines.page_edges` finds nothing. Its rules
are found in the image instead, the way OpenCV's own tutorial extracts them ("Extract
horizontal and vertical lines by using morphological operations", docs.opencv.org): a
morphological opening with a long, thin kernel keeps only the runs of ink longer than any
glyph. Each run becomes a pdfplumber-style edge dict (the shape `pdf_lines.page_edges`
gives), so the same grid algorithm (edges → intersections → cells) finds the cells of
scans and of text PDFs. The rules are then erased from the image before OCR: Tesseract
reads a ruled table as one block and loses numbers glued to the rules, while the same table
with the rules erased is read cell by cell (measured in the module docstring of `ocr`).

Skew comes first, because a rule tilted by 0.5° over a 500 pt table drifts 4 pt, beyond the
grid algorithm's 3 pt snapping and Tesseract's line finding. It is measured by the classic
projection-profile method (Postl 1986; Leptonica's `pixFindSkew` searches the same way): the
angle at which the rows of the ink histogram are sharpest is the page's tilt.
"""

from __future__ import annotations

import cv2
import numpy as np

MAX_SKEW = 3.0  # degrees: a worse tilt is a photo, not a scan, and searching further finds false maxima
RULE_MIN_PT = {"h": 40.0, "v": 20.0}  # a rule is longer than any glyph: 40 pt across, 20 pt down


def ink(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0, by a local threshold: scans have uneven paper and toner."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _sharpness(binary: np.ndarray, angle: float) -> float:
    h, w = binary.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(binary, rot, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = turned.sum(axis=1, dtype=np.float64)
    return float(np.sum(np.diff(rows) ** 2))


def skew_angle(gray: np.ndarray) -> float:
    """The page's tilt in degrees (positive: counter-clockwise), found on a 4× smaller image
    with a coarse then a fine search; 0 for a page with too little ink to tell."""
    small = cv2.resize(gray, (gray.shape[1] // 4, gray.shape[0] // 4), interpolation=cv2.INTER_AREA)
    binary = (ink(small) > 0).astype(np.float32)
    if binary.mean() < 0.002:
        return 0.0
    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25), key=lambda a: _sharpness(binary, a))
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05)
    return -float(max(fine, key=lambda a: _sharpness(binary, a)))  # the turn that levels it, undone


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """Turn the page by `angle` degrees about its centre, filling the corners with paper."""
    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, rot, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def deskew(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The page turned level, and the angle it was turned by."""
    angle = skew_angle(gray)
    return rotate(gray, -angle), angle


def rule_mask(binary: np.ndarray, dpi: int, orientation: str) -> np.ndarray:
    """Ink that belongs to long horizontal ('h') or vertical ('v') runs: the table rules.

    A 1-pixel gap (noise, a faint scan) would cut a rule in two, so the ink is first closed
    along the rule's direction, by 0.75 pt only: more would bridge the gap between a rule and
    the stems of letters aligned above and below it (`h` of "huyện" in every row of a column)
    into a false rule. The opening then keeps only runs longer than RULE_MIN_PT.
    """
    length = max(int(RULE_MIN_PT[orientation] * dpi / 72), 10)
    gap = max(int(0.75 * dpi / 72), 2)
    if orientation == "h":
        close, kernel = (gap, 1), (length, 1)
    else:
        close, kernel = (1, gap), (1, length)
    closed = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, close))
    return cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))


def _segments(mask: np.ndarray, orientation: str, scale: float) -> list[dict]:
    """Each connected run of the mask → one edge dict in points (top-left origin)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    edges: list[dict] = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if orientation == "h":
            top = (y + h / 2) * scale
            x0, x1 = x * scale, (x + w) * scale
            edges.append({"x0": x0, "x1": x1, "top": top, "bottom": top, "width": x1 - x0, "height": 0.0,
                          "orientation": "h", "object_type": "line"})
        else:
            xc = (x + w / 2) * scale
            top, bottom = y * scale, (y + h) * scale
            edges.append({"x0": xc, "x1": xc, "top": top, "bottom": bottom, "width": 0.0,
                          "height": bottom - top, "orientation": "v", "object_type": "line"})
    return edges


def ruling_edges(gray: np.ndarray, dpi: int) -> tuple[list[dict], np.ndarray]:
    """The page's rules as pdfplumber edges (points), and the mask of their ink (to erase it).

    Horizontal rules with no vertical rule anywhere on the page are kept: an underline or a
    signature line makes no cell, and the grid algorithm needs both directions anyway.
    """
    binary = ink(gray)
    scale = 72.0 / dpi
    h_mask, v_mask = rule_mask(binary, dpi, "h"), rule_mask(binary, dpi, "v")
    edges = _segments(h_mask, "h", scale) + _segments(v_mask, "v", scale)
    mask = cv2.dilate(cv2.bitwise_or(h_mask, v_mask), cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    return edges, mask


def erase(gray: np.ndarray, mask: np.ndarray, paper: int = 255) -> np.ndarray:
    """The page with the masked ink (the rules) painted in the paper's colour."""
    out = gray.copy()
    out[mask > 0] = paper
    return out
