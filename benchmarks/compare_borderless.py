"""Which reader gets borderless PDF tables right: measured, not assumed (issue 12).

    python3 benchmarks/compare_borderless.py [PDF ...] [--json] [--write docs/measurements/borderless.md]

Provincial reports often print tables without ruling lines. chiso reads them with its own
reader (chiso/extract/pdf_borderless.py and borderless_*.py); this script measures it against
the well-kept alternatives on the same files, so the choice rests on numbers:

  pdfplumber-text  pdfplumber `extract_tables` with the `text` strategy, every page;
  camelot-stream / camelot-network / camelot-hybrid   camelot flavours, pages="all";
  chiso            `chiso.extract.reader.read_document(...).tables` (what `chiso ingest` reads).

For each PDF and each reader, against the truth values of the document (NAME.pdf.truth.json,
format /work/shared/corpus/FORMAT.md, or the fixtures' NAME.pdf.expected.json):
  (a) values  truth values found in a cell that holds that number and nothing else
              (`79,46`, `79.46`, `79,46%`, `7,96/8`; a signed `+1,28%` is a change, not a value);
              each cell serves one truth value;
  (b) labelled  values found in a row whose label cells contain the first 3 words of the truth
              label (NFC, lowercase), or of the entity for an agency/district value: the label
              kept with its numbers; and, stricter, the whole label (runs of spaces and line breaks
              read as one space): many criteria share their first words (`Bộ phận Một cửa …`),
              so a label whose first line went to the row above can still pass the first test;
  (c) broken  cells with a letter torn from its word: diacritics (a lone combining mark or
              spacing accent, a cell that is one accented letter, a lone accented letter other
              than ở/ý/à) or a cut word (lowercase letters without a vowel: `Ch`, `nh`);
  (d) s/page  CPU seconds (this process and its children) and wall seconds per page.
Values printed only in sentences are in no table: no reader can reach the total, so the row
"any reader" gives the union of what the readers found.

Default input: the development corpus's borderless SIPAS report and the fixtures whose PDFs
have borderless tables (fixtures/README.md: Yên Bái, every table; Phú Thọ, its ranking table).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import sys
import time
import unicodedata
import warnings
from collections.abc import Callable
from pathlib import Path

import camelot
import pdfplumber
import pypdfium2 as pdfium

from chiso.extract.reader import read_document

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PDFS = [Path("/work/shared/corpus/dev/laichau-sipas-2024-borderless.pdf"),
                ROOT / "fixtures/yenbai-sipas-2024.pdf", ROOT / "fixtures/phutho-sipas-donvi-2022.pdf"]
MARK_START, MARK_END = "<!-- results -->", "<!-- /results -->"
Row = list[tuple[object, str]]  # (cell identity, text): a merged cell is the same identity in every row
Tables = list[list[Row]]


def read_pdfplumber(path: Path) -> Tables:
    settings = {"vertical_strategy": "text", "horizontal_strategy": "text"}
    with pdfplumber.open(path) as pdf:
        return [[[(object(), c or "") for c in row] for row in table]
                for page in pdf.pages for table in page.extract_tables(settings)]


def camelot_reader(flavor: str) -> Callable[[Path], Tables]:
    def read(path: Path) -> Tables:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no tables found on page N"
            found = camelot.read_pdf(str(path), pages="all", flavor=flavor, suppress_stdout=True)
        return [[[(object(), str(c)) for c in row] for row in t.df.values.tolist()] for t in found]
    return read


def read_chiso(path: Path) -> Tables:
    data = path.read_bytes()
    doc = read_document(path, hashlib.sha256(data).hexdigest(), data)
    return [[list({id(c): (id(c), c.text) for c in row if c is not None}.values()) for row in t.grid]
            for t in doc.tables]


READERS: dict[str, Callable[[Path], Tables]] = {
    "pdfplumber-text": read_pdfplumber, "camelot-stream": camelot_reader("stream"),
    "camelot-network": camelot_reader("network"), "camelot-hybrid": camelot_reader("hybrid"), "chiso": read_chiso}


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def cell_values(text: str) -> set[float]:
    """The number a cell holds when it holds one and nothing else (both readings of `36.630`)."""
    t = norm(text).removesuffix("%").strip()
    t = re.sub(r"^(\d[\d.,]*)\s*/\s*\d[\d.,]*$", r"\1", t)  # a score x/y holds x
    if not re.fullmatch(r"\d+(?:[.,]\d+)?", t):
        return set()
    out = {float(t.replace(",", "."))}
    if re.fullmatch(r"\d{1,3}\.\d{3}", t):
        out.add(float(t.replace(".", "")))
    return out


VOWELS = set("aeiouy")
ALLOWED_SINGLE = {"ở", "ý", "à"}


def broken(text: str) -> str | None:
    """How a cell's letters are torn (measure (c)): "mark" (a diacritic torn from its letter, or an
    accented letter torn from its word), "word" (a word cut: lowercase letters without a vowel)."""
    t = unicodedata.normalize("NFC", text)
    if any(unicodedata.combining(c) or unicodedata.category(c) == "Sk" for c in t):
        return "mark"
    t = re.sub(r"(?<!\w)[a-zđ][).](?!\w)", " ", t)  # list markers a) b. đ)
    words = re.findall(r"[^\W\d_]+", t)
    if any(len(w) == 1 and len(unicodedata.normalize("NFD", w)) > 1
           and (len(words) == 1 or w.lower() not in ALLOWED_SINGLE) for w in words):
        return "mark"
    for w in words:
        base = "".join(c for c in unicodedata.normalize("NFD", w.lower()) if not unicodedata.combining(c))
        if not VOWELS & set(base) and w != w.upper():
            return "word"
    return None


def phrases(o: dict, province: str, whole: bool) -> list[str]:
    """What a row's label must contain: the first 3 words of the label, or the whole label (spaces
    collapsed: a label wrapped over lines in one cell matches), or the same of the entity."""
    names = [o["label"]] + ([o["entity"]] if o.get("entity") not in (province, "Cả nước") else [])
    return [norm(n) if whole else " ".join(norm(n).split()[:3]) for n in names]


def match(slots: list[tuple[set[float], str]], obs: list[dict], need: Callable[[dict], list[str] | None]
          ) -> set[int]:
    """Truth values found, each in a cell of its own (a cell serves one value): greedy, in truth order."""
    used: set[int] = set()
    found: set[int] = set()
    for k, o in enumerate(obs):
        words = need(o)
        hit = next((i for i, (v, lab) in enumerate(slots) if i not in used and _same(v, o["value"])
                    and (words is None or any(w in lab for w in words))), None)
        if hit is not None:
            used.add(hit)
            found.add(k)
    return found


def measure(tables: Tables, truth: dict) -> dict:
    """Measures (a), (b), (c) of one reader's tables against one truth file."""
    slots: list[tuple[set[float], str]] = []
    seen: set[object] = set()
    kinds: list[str | None] = []
    for row in (row for table in tables for row in table):
        for ident, text in row:
            if ident in seen:
                continue
            seen.add(ident)
            kinds.append(broken(text))
            values = cell_values(text)
            if values and not text.strip().startswith(("+", "-", "−")):
                label = norm(" ".join(t for i, t in row if i is not ident and re.search(r"[^\W\d_]", t)))
                slots.append((values, label))
    obs, province = truth["observations"], truth["doc"].get("province", "")
    labelled = [o for o in obs if o.get("label")]
    found = match(slots, obs, lambda o: None)
    first3 = match(slots, obs, lambda o: phrases(o, province, False) if o.get("label") else ["\0"])
    whole = match(slots, obs, lambda o: phrases(o, province, True) if o.get("label") else ["\0"])
    return {"tables": len(tables), "cells": len(kinds), "values": len(found), "values_of": len(obs),
            "label3": len(first3), "label_whole": len(whole), "labelled_of": len(labelled),
            "broken": sum(k is not None for k in kinds), "broken_marks": kinds.count("mark"),
            "found": sorted(found), "found3": sorted(first3), "found_whole": sorted(whole)}


def _same(values: set[float], value: float) -> bool:
    return any(abs(v - value) < 5e-7 for v in values)


def truth_of(pdf: Path) -> Path | None:
    return next((p for p in (Path(f"{pdf}.truth.json"), Path(f"{pdf}.expected.json")) if p.exists()), None)


def cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run(pdfs: list[Path]) -> list[dict]:
    results = []
    for pdf in pdfs:
        truth_path = truth_of(pdf)
        if truth_path is None:
            print(f"{pdf}: skipped, no truth file beside it (NAME.pdf.truth.json or NAME.pdf.expected.json)")
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        try:
            pages = len(pdfium.PdfDocument(str(pdf)))
        except pdfium.PdfiumError as e:
            print(f"{pdf}: skipped, not a readable PDF ({e})")
            continue
        union: dict[str, set[int]] = {"found": set(), "found3": set(), "found_whole": set()}
        for name, reader in READERS.items():
            c0, w0 = cpu(), time.perf_counter()
            try:
                tables, error = reader(pdf), None
            except Exception as e:  # a reader's failure is a result to report, not a crash
                tables, error = [], f"{type(e).__name__}: {e}"
            row = {"pdf": pdf.name, "reader": name, "pages": pages, "error": error,
                   "cpu_s_per_page": round((cpu() - c0) / pages, 3),
                   "wall_s_per_page": round((time.perf_counter() - w0) / pages, 3), **measure(tables, truth)}
            for key, seen in union.items():
                seen |= set(row[key])
            results.append(row)
        results.append({"pdf": pdf.name, "reader": "any reader", "pages": pages, "values": len(union["found"]),
                        "values_of": len(truth["observations"]), "label3": len(union["found3"]),
                        "label_whole": len(union["found_whole"]), "labelled_of": results[-1]["labelled_of"]})
    return results + [total(name, [r for r in results if r["reader"] == name]) for name in READERS]


def total(name: str, rows: list[dict]) -> dict:
    """One reader over all the PDFs: counts summed, seconds per page over all pages."""
    out = {"pdf": "**all**", "reader": name, "error": "; ".join(r["error"] for r in rows if r["error"]) or None}
    for key in ("pages", "tables", "cells", "values", "values_of", "label3", "label_whole", "labelled_of",
                "broken", "broken_marks"):
        out[key] = sum(r[key] for r in rows)
    for key in ("cpu_s_per_page", "wall_s_per_page"):
        out[key] = round(sum(r[key] * r["pages"] for r in rows) / max(out["pages"], 1), 3)
    return out


def table_md(results: list[dict]) -> str:
    lines = ["| PDF | reader | tables | (a) values in a cell | (b) + label, 3 words | (b) + whole label "
             "| (c) broken cells | of which diacritics | (d) CPU s/page | wall s/page |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        a = f"{r['values']}/{r['values_of']} | {r['label3']}/{r['labelled_of']} | {r['label_whole']}/{r['labelled_of']}"
        if r["reader"] == "any reader":
            lines.append(f"| {r['pdf']} | *any reader* | | {a} | | | | |")
            continue
        err = f" (failed: {r['error']})" if r["error"] else ""
        pct = f" ({100 * r['broken'] / r['cells']:.0f}%)" if r["cells"] else ""
        lines.append(f"| {r['pdf']} | {r['reader']}{err} | {r['tables']} | {a} | {r['broken']}/{r['cells']}{pct} | "
                     f"{r['broken_marks']} | {r['cpu_s_per_page']:.3f} | {r['wall_s_per_page']:.3f} |")
    return "\n".join(lines)


def write_md(path: Path, command: str, results: list[dict]) -> None:
    """Replace the measured block of the page; the hand-written conclusion around it stays."""
    block = (f"{MARK_START}\nCommand: `{command}`\n\nMachine: {os.cpu_count()} cores, {platform.machine()}, "
             f"Python {platform.python_version()}, camelot {camelot.__version__}, pdfplumber "
             f"{pdfplumber.__version__}, run at {time.strftime('%Y-%m-%d %H:%M')}; CPU shared with other work.\n\n"
             f"{table_md(results)}\n{MARK_END}")
    old = path.read_text(encoding="utf-8") if path.exists() else f"# Borderless PDF tables\n\n{MARK_START}\n{MARK_END}\n"
    head, _, rest = old.partition(MARK_START)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + block + rest.partition(MARK_END)[2], encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path, help="borderless PDFs with a truth file beside them")
    ap.add_argument("--json", action="store_true", help="also print the results as JSON")
    ap.add_argument("--write", type=Path, help="write the table into this Markdown page (between its markers)")
    args = ap.parse_args()
    pdfs = args.pdfs or [p for p in DEFAULT_PDFS if p.exists()]
    results = run(pdfs)
    print(table_md(results))
    if args.json:
        print(json.dumps([{k: v for k, v in r.items() if not k.startswith("found")} for r in results],
                         ensure_ascii=False, indent=1))
    if args.write:
        write_md(args.write, " ".join(["python3", "benchmarks/compare_borderless.py", *sys.argv[1:]]), results)


if __name__ == "__main__":
    main()
