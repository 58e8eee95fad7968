"""OCR of scans: speed and numbers found, per binding and setting (the measurements behind
chiso/extract/ocr.py's choices).

Each scan in tests/scans/ (made by fixtures/make_scans.py) is compared with the text PDF it
was made from: the numbers of 2+ digits the text layer holds, found / wrong in the OCR
words, and seconds per page. Bindings: tesserocr (in-process, what chiso uses) and, when
installed, pytesseract (a `tesseract` process per page).

    python3 benchmarks/bench_ocr.py                 # tesserocr, chiso's settings (psm 11, 200 dpi)
    python3 benchmarks/bench_ocr.py --psm 3 --dpi 300 --binding pytesseract
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from chiso.extract.ocr import _read_words, render, tessdata_dir
from chiso.extract.ocr_lines import deskew, erase, ruling_edges
from chiso.extract.pdf_words import page_words

ROOT = Path(__file__).resolve().parent.parent
PAIRS = {"sonla-sipas-2023-scan.pdf": "sonla-sipas-2023.pdf", "quangtri-par-2022-scan.pdf": "quangtri-par-2022.pdf",
         "hagiang-papi-2019-scan.pdf": "hagiang-papi-2019.pdf"}
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers(tokens: list[str]) -> Counter[str]:
    return Counter(n for t in tokens for n in NUMBER.findall(t) if len(n) >= 2 or "," in n or "." in n)


def ocr_tokens(gray, dpi: int, psm: int, binding: str, erase_rules: bool) -> list[str]:  # noqa: ANN001
    level, _ = deskew(gray)
    if erase_rules:
        _, mask = ruling_edges(level, dpi)
        level = erase(level, mask)
    if binding == "tesserocr":
        return [w["text"] for w in _read_words(level, dpi, "vie", psm)]
    import pytesseract

    data = pytesseract.image_to_data(Image.fromarray(level), lang="vie", config=f"--psm {psm}",
                                     output_type=pytesseract.Output.DICT)
    return [t.strip() for t in data["text"] if t.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binding", choices=("tesserocr", "pytesseract"), default="tesserocr")
    ap.add_argument("--psm", type=int, default=11)
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--keep-rules", action="store_true", help="do not erase the ruling lines before OCR")
    args = ap.parse_args()
    if tessdata_dir("vie") is None:
        raise SystemExit("Tesseract's vie model is missing: apt-get install tesseract-ocr tesseract-ocr-vie")
    found = total = wrong = pages = 0
    seconds = 0.0
    for scan_name, text_name in PAIRS.items():
        scan = pdfium.PdfDocument(ROOT / "tests" / "scans" / scan_name)
        text = pdfium.PdfDocument(ROOT / "fixtures" / text_name)
        for i in range(len(scan)):
            t0 = time.perf_counter()
            tokens = ocr_tokens(render(scan[i], args.dpi), args.dpi, args.psm, args.binding, not args.keep_rules)
            seconds += time.perf_counter() - t0
            truth = numbers([w["text"] for w in page_words(text[i], text[i].get_size()[1])])
            got = numbers(tokens)
            found += sum((truth & got).values())
            total += sum(truth.values())
            wrong += sum((got - truth).values())
            pages += 1
    print(f"{args.binding} psm {args.psm} {args.dpi} dpi rules {'kept' if args.keep_rules else 'erased'}: "
          f"numbers {found}/{total} found, {wrong} wrong; {seconds / pages:.2f} s/page ({pages} pages)")


if __name__ == "__main__":
    main()
