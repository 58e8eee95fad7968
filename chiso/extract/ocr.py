"""Scanned pages read by OCR into the same words (and rules) as a text layer.

A page without a text layer (a scanned report, or one signed appendix scanned into a text
PDF) is rendered with pdfium, levelled, its ruling lines found and erased (`ocr_lines`), and
read with Tesseract's Vietnamese model. The result is the word dicts of
`pdf_words.page_words` (`text`, `x0`, `x1`, `top`, `bottom` in points with a top-left origin,
`size`, `baseline`, `bold`) plus `conf` (Tesseract's word confidence, 0–100; and `doubt` on a word
whose two readings gave other digits, see `ocr_numbers.reconcile`), and the page's
rules as pdfplumber edges, so the same paragraph, table and sentence readers serve text PDFs
and scans. Positions are those of the levelled page (within a few points of the scan's).

Binding: **tesserocr** (Tesseract's C++ API in-process), chosen by measurement here on the
fixture scans (15 pages at 200 dpi, tilted 0.3–0.8°, noisy; numbers of 2+ digits found /
wrong, of 793; 2 cores shared with other work), rules erased, psm 3:
- tesserocr (libtesseract 5.5 in its wheel): 742 / 37, 2.0 s/page;
- pytesseract (Debian's `tesseract` 5.3, a process per call, the model loaded each time):
  729 / 42, 6.4 s/page;
- OCRmyPDF 17 (`-l vie --deskew`, its text layer read back with pdfium): 712 / 72, 186 s for
  the 15 pages, and its PDF text layer keeps no word confidence.
The in-process API also makes the second reading of each number (below) cost milliseconds
instead of a process, and gives each row's height for font sizes. It installs from a PyPI
wheel that bundles libtesseract (no compiler, no binary): only the models come from Debian
(`tesseract-ocr-vie`; `tesseract-ocr` brings `eng`) or a folder named by `TESSDATA_PREFIX`.
That libtesseract is built without OpenMP: a page is read on one core, and the cores are used
by the pipeline's worker processes, one file each (pages of a file in turn).

Settings, measured on the same pages (found / wrong):
- 200 dpi, not 300: the scans are 200 dpi; rendered at 300 they are only interpolated
  (psm 3: 742 / 37 at 200, 715 / 79 at 300; psm 11: 761 / 20 at both);
- psm 11 (sparse text): 761 / 20, against psm 3 742 / 37, psm 4 717 / 76, psm 6 702 / 78 (at 300);
  reading order comes from the positions (`group_lines`), not from Tesseract;
- rules erased before OCR: without, psm 3 found 606 / 95 (at 300);
- models: `vie` + `eng` together 776 / 16 but slower; `Latin` (89 MB) no better on numbers;
- every token holding a digit is read again with `eng` on its crop enlarged 2× (`vie` drops the
  decimal comma in table cells: `275` for `2,75`), and the two readings reconciled
  (`ocr_numbers.reconcile`); the empty cells of a ruled table are read again one by one
  (Tesseract's page layout drops a lone `3` in an STT or rank column);
- numbers still in doubt (`ocr_numbers.suspicious_numbers`: split, joined, garbled, a foreign
  decimal mark, two readings with other digits) are left out of the page's words and listed in
  the file's warnings: a missing value instead of a wrong one;
- a number whose only doubt is a low confidence is kept: the confidence goes with the words
  (`conf`) into the cells and text blocks (`Cell.ocr_confidence`, `TextBlock.ocr_numbers`), the
  value's `Source.ocr_confidence`, and the warehouse; the checks flag a value read below
  `ocr_numbers.LOW_CONF` (`ocr_low_confidence`, chiso/checks/ocr.py).
End to end (`chiso ingest` + the scorer) on scans of the development corpus's SIPAS report,
made the same way: ruled P 1.000 R 0.995, borderless P 1.000 R 0.971 (text PDFs: 1.000 / 1.000),
5 of the 407 values flagged `ocr_low_confidence` (all right); leaving low-confidence numbers out
instead gave R 0.981 / 0.957. 31 pages in 133 s with 2 workers, 2.3 s on a re-run from the cache.

Results are cached on disk per (file sha256, page, settings) in `$CHISO_CACHE/ocr` (default
`~/.cache/chiso/ocr`): a re-run reads no page twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from chiso.extract import ocr_numbers
from chiso.extract.pdf_words import PageWords, group_lines
from chiso.normalize.text import nfc

INSTALL = "apt-get install tesseract-ocr tesseract-ocr-vie"
CACHE_VERSION = 5  # bump when the words produced for the same page change
CROP_ZOOM = 2.0  # a word read alone is enlarged: at 200 dpi the digits of 11 pt print are 14 px high,
# and eng read `2,75` as `2/5` (conf 62) at 1×, as `2,75` (96) at 2×
ROW_HEIGHT_PER_POINT = 0.94  # Tesseract's row height / the font size, measured on the fixture scans
TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                 "/usr/share/tessdata", "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata")


@dataclass(frozen=True)
class OcrSettings:
    dpi: int = 200
    psm: int = 11  # sparse text: every word found, wherever it stands
    lang: str = "vie"
    digits_lang: str = "eng"  # the second reading of numbers
    few_words: int = 25  # a page with fewer text-layer words than this and a page-sized image is a scan
    image_cover: float = 0.6  # share of the page an image must cover to be a scanned page


DEFAULT_OCR = OcrSettings()


def tessdata_dir(lang: str = "vie") -> Path | None:
    """The folder holding `<lang>.traineddata`: TESSDATA_PREFIX, else the usual system places."""
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = [Path(env), Path(env) / "tessdata"] if env else []
    candidates += [Path(d) for d in TESSDATA_DIRS]
    return next((d for d in candidates if (d / f"{lang}.traineddata").is_file()), None)


def unavailable_reason(settings: OcrSettings = DEFAULT_OCR) -> str | None:
    """Why scans cannot be read here (None when they can), naming what to install."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return f"OCR engine missing: pip install tesserocr (and {INSTALL})"
    if tessdata_dir(settings.lang) is None:
        return f"Tesseract's Vietnamese model ({settings.lang}.traineddata) is not installed: {INSTALL}"
    return None


_local = threading.local()


def _api(lang: str, psm: int):  # noqa: ANN202 - tesserocr.PyTessBaseAPI, imported lazily
    """One Tesseract instance per (language, mode) and thread, kept for the process: loading a
    model costs more than reading a page."""
    import tesserocr

    apis = _local.__dict__.setdefault("apis", {})
    if (lang, psm) not in apis:
        apis[lang, psm] = tesserocr.PyTessBaseAPI(path=str(tessdata_dir(lang)), lang=lang, psm=psm)
    return apis[lang, psm]


def render(page: pdfium.PdfPage, dpi: int) -> np.ndarray:
    """The page as an 8-bit grayscale image."""
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    return np.asarray(bitmap.to_pil().convert("L"))


def _image_cover(page: pdfium.PdfPage) -> float:
    """The largest share of the page one image object covers."""
    width, height = page.get_size()
    best = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        best = max(best, (right - left) * (top - bottom) / max(width * height, 1.0))
    return best


def needs_ocr(page: pdfium.PdfPage, words: list[dict], settings: OcrSettings = DEFAULT_OCR) -> bool:
    """A page with no text layer and an image, or a few words (a scanner's stamp) on a page-sized image."""
    if len(words) >= settings.few_words:
        return False
    cover = _image_cover(page)
    return cover > 0.05 if not words else cover >= settings.image_cover


@dataclass
class OcrPage:
    words: list[dict]
    edges: list[dict]
    angle: float  # degrees the scan was turned to level it


def _read_words(gray: np.ndarray, dpi: int, lang: str, psm: int, offset: tuple[int, int] = (0, 0)) -> list[dict]:
    """Tesseract's words on an image, as page_words dicts in points (plus `conf`)."""
    import tesserocr
    from PIL import Image

    api = _api(lang, psm)
    api.SetImage(Image.fromarray(gray))
    api.SetSourceResolution(dpi)
    api.Recognize()
    k = 72.0 / dpi
    dx, dy = offset
    words: list[dict] = []
    level = tesserocr.RIL.WORD
    for it in tesserocr.iterate_level(api.GetIterator(), level):
        try:
            text = nfc((it.GetUTF8Text(level) or "").strip())
        except RuntimeError:  # tesserocr's "No text returned": an empty page or crop
            break
        box = it.BoundingBox(level)
        if not text or box is None:
            continue
        x0, y0, x1, y1 = box
        row = it.RowAttributes()  # x-height + ascenders − descenders: the font's body height
        row_height, descenders = row["row_height"], row["descenders"]
        base = it.Baseline(level)
        baseline = (base[0][1] + base[1][1]) / 2 if base else y1
        words.append({"text": text, "x0": (x0 + dx) * k, "x1": (x1 + dx) * k,
                      "top": (y0 + dy) * k, "bottom": (y1 + dy) * k, "size": round(row_height * k, 1),
                      "baseline": (baseline + dy) * k, "bold": False, "font": "", "conf": round(it.Confidence(level), 1),
                      "_px": (x0 + dx, y0 + dy, x1 + dx, y1 + dy), "_descent": -descenders * k})
    return words


def _crop(gray: np.ndarray, box: tuple[int, int, int, int], margin: int, pad: int, zoom: float = 1.0
          ) -> np.ndarray:
    """A box of the page on a margin of paper, enlarged `zoom` times."""
    x0, y0, x1, y1 = box
    h, w = gray.shape
    crop = gray[max(y0 - margin, 0):min(y1 + margin, h), max(x0 - margin, 0):min(x1 + margin, w)]
    import cv2  # OpenCV is imported on the first scanned page, not by every run (150 ms)

    crop = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=_paper(gray))
    return crop if zoom == 1.0 else cv2.resize(crop, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_CUBIC)


def _paper(gray: np.ndarray) -> int:
    return int(np.median(gray[::8, ::8]))


def _read_line(gray: np.ndarray, lang: str, psm: int = 7) -> tuple[str, float]:
    """One crop read as a single line: its text and mean confidence."""
    from PIL import Image

    api = _api(lang, psm)
    api.SetImage(Image.fromarray(gray))
    try:
        text = nfc(" ".join(api.GetUTF8Text().split()))
    except RuntimeError:  # tesserocr's "No text returned": nothing legible in the crop
        return "", 0.0
    return text, float(api.MeanTextConf())


def _second_readings(gray: np.ndarray, words: list[dict], settings: OcrSettings) -> None:
    """Words read again on their own enlarged crop, in place: every word that may be a number
    with the digits model (reconciled with the first reading), and any other word Tesseract
    was unsure of (conf < 50: a speck glued to it, `-'Về`) with the Vietnamese model."""
    margin = max(settings.dpi // 50, 2)
    has_digits_model = tessdata_dir(settings.digits_lang) is not None
    for w in words:
        if ocr_numbers.wants_second_reading(w["text"], w["conf"]):
            if has_digits_model:
                eng = _read_line(_crop(gray, w["_px"], margin, 30, CROP_ZOOM), settings.digits_lang)
                w["text"], w["conf"], doubt = ocr_numbers.reconcile((w["text"], w["conf"]), eng)
                if doubt:
                    w[ocr_numbers.DOUBT] = doubt
        elif w["conf"] < 50:
            text, conf = _read_line(_crop(gray, w["_px"], margin, 30, CROP_ZOOM), settings.lang)
            if text and conf > w["conf"] + 20:  # `- Về`: one word box, two printed words
                w["text"], w["conf"] = text, conf


def _settle_sizes(words: list[dict]) -> None:
    """Font sizes a text layer would give: one per line, body lines all the same.

    Tesseract's row height (x-height + ascenders − descenders) is 0.94 × the font size on
    the fixture scans, but varies by ±7 % from line to line (a line of capitals, a line of
    digits). Each line takes the median of its words, and a line within 12 % of the page's
    most common size takes that size exactly, so body text is one size and footnotes
    (10 pt under 13 pt) stay apart.
    """
    for w in words:
        w["size"] = round(w["size"] / ROW_HEIGHT_PER_POINT, 1)
    lines = group_lines(words)
    for line in lines:
        size = float(np.median([w["size"] for w in line]))
        for w in line:
            w["size"] = round(size, 1)
    weight: Counter[float] = Counter()
    for w in words:
        weight[round(w["size"] * 2) / 2] += len(w["text"])
    if not weight:
        return
    body = weight.most_common(1)[0][0]
    for w in words:
        if abs(w["size"] - body) <= 0.12 * body:
            w["size"] = body


def _cells_without_words(edges: list[dict], words: list[dict]) -> list[tuple[float, float, float, float]]:
    from chiso.extract.pdf_lines import tables_from_edges

    empty = []
    for table in tables_from_edges(edges):
        for x0, top, x1, bottom in table.cells:
            if not any(x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom
                       for w in words):
                empty.append((x0, top, x1, bottom))
    return empty


def _read_empty_cells(gray: np.ndarray, binary: np.ndarray, edges: list[dict], words: list[dict],
                      settings: OcrSettings) -> list[dict]:
    """A ruled cell with ink but no word: Tesseract's page layout dropped a lone `3` or `x`.
    The cell alone is read as a block, and its words go through the second reading."""
    k = settings.dpi / 72.0
    found: list[dict] = []
    for x0, top, x1, bottom in _cells_without_words(edges, words):
        box = (int(x0 * k) + 3, int(top * k) + 3, int(x1 * k) - 3, int(bottom * k) - 3)
        if box[2] - box[0] < 4 or box[3] - box[1] < 4:
            continue
        if np.count_nonzero(binary[box[1]:box[3], box[0]:box[2]]) < 0.1 * k * k:  # < 0.1 pt² of ink: empty
            continue
        pad = 20
        crop = _crop(gray, box, 0, pad)
        cell_words = _read_words(crop, settings.dpi, settings.lang, 6, offset=(box[0] - pad, box[1] - pad))
        for w in cell_words:
            w["_px"] = tuple(int(v) for v in (w["x0"] * k, w["top"] * k, w["x1"] * k, w["bottom"] * k))
        _second_readings(gray, cell_words, settings)
        found.extend(cell_words)
    return found


def ocr_image(gray: np.ndarray, settings: OcrSettings = DEFAULT_OCR) -> OcrPage:
    """A page image → words and rules, in points of the levelled page."""
    from chiso.extract.ocr_lines import deskew, erase, ink, ruling_edges  # OpenCV: on the first scanned page

    level, angle = deskew(gray)
    edges, rule_ink = ruling_edges(level, settings.dpi)
    clean = erase(level, rule_ink, _paper(level))
    words = _read_words(clean, settings.dpi, settings.lang, settings.psm)
    _second_readings(clean, words, settings)
    words += _read_empty_cells(clean, ink(clean), edges, words, settings)
    _settle_sizes(words)
    for w in words:  # a text layer's box is the font's ascent..descent: the same for all words of a line
        w["bottom"] = max(w["bottom"], w["baseline"] + w.pop("_descent"))
        del w["_px"]
    words = [w for w in words if w["text"]]
    return OcrPage(words, edges, angle)


class OcrCache:
    """OCR results on disk, one JSON file per (file sha256, page, settings), with hit counters."""

    def __init__(self, root: Path | None = None):
        base = os.environ.get("CHISO_CACHE")
        self.root = root or (Path(base) if base else Path.home() / ".cache" / "chiso") / "ocr"
        self.hits = self.misses = 0

    def key(self, sha256: str, page_no: int, settings: OcrSettings) -> str:
        tag = json.dumps({**asdict(settings), "v": CACHE_VERSION}, sort_keys=True)
        return f"{sha256}-p{page_no}-{hashlib.sha256(tag.encode()).hexdigest()[:12]}"

    def get(self, key: str) -> OcrPage | None:
        path = self.root / key[:2] / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return OcrPage(data["words"], data["edges"], data["angle"])

    def put(self, key: str, result: OcrPage) -> None:
        path = self.root / key[:2] / f"{key}.json"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(asdict(result), ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)  # atomic: parallel workers never read half a file
        except OSError:
            pass  # a read-only home: OCR still works, only the re-run is not free


class PageOcr:
    """OCR for the scanned pages of one PDF, as `read_pdf` meets them (cache, counts, reasons)."""

    def __init__(self, data: bytes, settings: OcrSettings = DEFAULT_OCR, cache: OcrCache | None = None):
        self.data = data  # hashed on the first scanned page only: a text PDF costs nothing
        self._sha256: str | None = None
        self.settings = settings
        self.cache = cache or OcrCache()
        self.pages: list[int] = []  # read by OCR
        self.unread: list[int] = []  # scanned, but no OCR here
        self.low_conf_words = 0
        self.suspects: list[str] = []  # numbers left out, as "p4 '3,79' (split (digit groups a space apart))"
        self.low_conf_numbers = 0  # numbers kept although read below ocr_numbers.LOW_CONF (their values flagged)

    def read(self, page: pdfium.PdfPage, page_no: int, words: list[dict]) -> tuple[list[dict], list[dict] | None]:
        """The page's words and, for a scan, its rules (None: take the rules from the PDF)."""
        if not needs_ocr(page, words, self.settings):
            return words, None
        if unavailable_reason(self.settings) is not None:
            self.unread.append(page_no)
            return words, None
        if self._sha256 is None:
            self._sha256 = hashlib.sha256(self.data).hexdigest()
        key = self.cache.key(self._sha256, page_no, self.settings)
        result = self.cache.get(key)
        if result is None:
            result = ocr_image(render(page, self.settings.dpi), self.settings)
            self.cache.put(key, result)
        self.pages.append(page_no)
        self.low_conf_words += sum(1 for w in result.words if w["conf"] < ocr_numbers.LOW_CONF)
        return PageWords(self._trusted(result.words, page_no)), [dict(e) for e in result.edges]

    def _trusted(self, words: list[dict], page_no: int) -> list[dict]:
        """The page's words without the numbers OCR may have misread (`ocr_numbers.suspicious_numbers`):
        a cell or sentence then lacks that figure instead of holding a wrong one. Each one left out
        is listed in the file's warnings, with its reading and reason. A year stays: without it a
        table's columns lose their meaning. Numbers read with low confidence stay (and are counted):
        the checks flag their values."""
        suspects = ocr_numbers.suspicious_numbers(words)
        kept = []
        for i, w in enumerate(words):
            if i in suspects and not re.fullmatch(r"(19|20)\d\d", w["text"].strip(".,:;()")):
                self.suspects.append(f"p{page_no} '{w['text']}' ({suspects[i]})")
                continue
            if ocr_numbers.digits(w["text"]) and w["conf"] < ocr_numbers.LOW_CONF:
                self.low_conf_numbers += 1
            kept.append({k: v for k, v in w.items() if k != ocr_numbers.DOUBT})
        return kept

    def no_text_reason(self) -> str:
        """Why a file gave no text at all."""
        if self.unread:
            return f"no text layer (scanned PDF) and no OCR here: {unavailable_reason(self.settings)}"
        if self.pages:
            return "no text layer (scanned PDF), and OCR found no text on its pages"
        return "no text layer (scanned PDF): needs OCR before it can be read"

    def warnings(self) -> list[str]:
        out = []
        if self.pages:
            out.append(f"{len(self.pages)} pages read by OCR")
        if self.suspects:
            shown = "; ".join(self.suspects[:20]) + (" …" if len(self.suspects) > 20 else "")
            out.append(f"{len(self.suspects)} numbers read by OCR not trusted, left out: {shown}")
        if self.low_conf_numbers:
            out.append(f"{self.low_conf_numbers} numbers read by OCR with a confidence below "
                       f"{ocr_numbers.LOW_CONF:g} kept: values read from them are flagged ocr_low_confidence")
        if self.unread:
            out.append(f"{len(self.unread)} scanned pages not read ({', '.join(map(str, self.unread))}): "
                       f"{unavailable_reason(self.settings)}")
        return out

    def stats(self) -> dict[str, int]:
        return {"ocr_pages": len(self.pages), "ocr_cache_hits": self.cache.hits,
                "ocr_low_conf_words": self.low_conf_words, "ocr_numbers_left_out": len(self.suspects),
                "ocr_low_conf_numbers_kept": self.low_conf_numbers} if self.pages or self.unread else {}
