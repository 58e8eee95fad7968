"""Time `chiso ingest` against the plain libraries on the same generated corpus.

    python benchmarks/make_corpus.py benchmarks/corpus          # once (needs LibreOffice)
    python benchmarks/run_benchmark.py benchmarks/corpus [--jobs N] [--camelot-pages N]

Measured, each in a fresh process, on the corpus's PDF files:
  (a)  chiso ingest end to end (extract, interpret, match, check, load into SQLite)
  (b)  pdfplumber extract_tables() on every page
  (c)  camelot lattice on every page (on the first --camelot-pages pages if given)
  (d)  pypdfium2 text extraction of every page (a floor: reading the text, nothing else)
and (a) once more on the whole corpus (PDF and DOCX). Prints pages per second, the
ratios, and the peak memory (RSS) of each run; writes benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

HERE = Path(__file__).resolve().parent

PLUMBER = """
import sys, pdfplumber
for f in sys.argv[1:]:
    with pdfplumber.open(f) as pdf:
        for page in pdf.pages:
            page.extract_tables()
"""
CAMELOT = """
import sys, camelot
limit = int(sys.argv[1]); done = 0
for f in sys.argv[2:]:
    import pypdfium2 as pdfium
    n = len(pdfium.PdfDocument(f))
    take = n if limit <= 0 else min(n, limit - done)
    if take <= 0:
        break
    camelot.read_pdf(f, pages=f"1-{take}", flavor="lattice")
    done += take
"""
PDFIUM = """
import sys, pypdfium2 as pdfium
for f in sys.argv[1:]:
    pdf = pdfium.PdfDocument(f)
    for page in pdf:
        page.get_textpage().get_text_range()
"""


def run(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB (the process and the children it waited for), exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.stderr.write(proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else "")
    return seconds, usage.ru_maxrss / 1024, code


def pages_of(files: list[Path]) -> int:
    return sum(len(pdfium.PdfDocument(str(f))) for f in files)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(HERE / "corpus"))
    ap.add_argument("--jobs", type=int, default=0, help="chiso --jobs (default: all cores)")
    ap.add_argument("--camelot-pages", type=int, default=0, help="limit camelot to the first N pages (0: all)")
    ap.add_argument("--skip-camelot", action="store_true")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    if not corpus.exists():
        print(f"{corpus} does not exist: generate it with python benchmarks/make_corpus.py {corpus}")
        return 2
    pdfs = sorted(corpus.rglob("*.pdf"))
    docx = sorted(corpus.rglob("*.docx"))
    n_pages = pages_of(pdfs)
    print(f"corpus: {len(pdfs)} PDF ({n_pages} pages), {len(docx)} DOCX; {os.cpu_count()} cores; "
          f"python {platform.python_version()}")
    results: dict[str, dict] = {}
    chiso = [sys.executable, "-m", "chiso"]
    with tempfile.TemporaryDirectory() as tmp:
        pdf_dir = Path(tmp) / "pdf"
        pdf_dir.mkdir()
        for f in pdfs:  # hard links (or copies): chiso does not follow symbolic links out of a folder
            try:
                os.link(f.resolve(), pdf_dir / f.name)
            except OSError:
                shutil.copy(f, pdf_dir / f.name)
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        runs = {
            "a_chiso_ingest": chiso + ["ingest", str(pdf_dir), "--db", f"sqlite:///{tmp}/a.sqlite", "-q", *jobs],
            "b_pdfplumber_tables": [sys.executable, "-c", PLUMBER, *map(str, pdfs)],
            "c_camelot_lattice": [sys.executable, "-c", CAMELOT, str(args.camelot_pages), *map(str, pdfs)],
            "d_pypdfium2_text": [sys.executable, "-c", PDFIUM, *map(str, pdfs)],
            "a_chiso_ingest_whole_corpus": chiso + ["ingest", str(corpus), "--db", f"sqlite:///{tmp}/all.sqlite",
                                                    "-q", *jobs],
        }
        if args.skip_camelot or not shutil.which(sys.executable):
            runs.pop("c_camelot_lattice")
        for name, cmd in runs.items():
            pages = n_pages
            if name == "c_camelot_lattice" and args.camelot_pages:
                pages = min(n_pages, args.camelot_pages)
            seconds, rss, code = run(cmd)
            results[name] = {"pages": pages, "seconds": round(seconds, 2), "pages_per_s": round(pages / seconds, 2),
                             "peak_rss_mb": round(rss, 1), "exit": code}
            extra = " (PDF pages; DOCX files too)" if name.endswith("whole_corpus") else ""
            print(f"{name:30s} {pages:6d} pages {seconds:8.1f} s {pages / seconds:8.1f} pages/s "
                  f"peak {rss:7.1f} MB{extra}")
    a, b, d = results["a_chiso_ingest"], results["b_pdfplumber_tables"], results["d_pypdfium2_text"]
    ratios = {"a_over_b_speed": round(a["pages_per_s"] / b["pages_per_s"], 2),
              "a_over_d_speed": round(a["pages_per_s"] / d["pages_per_s"], 3)}
    if "c_camelot_lattice" in results:
        ratios["a_over_c_speed"] = round(a["pages_per_s"] / results["c_camelot_lattice"]["pages_per_s"], 2)
    print("ratios (pages/s of (a) divided by the other):", ", ".join(f"{k} = {v}" for k, v in ratios.items()))
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps({"corpus": str(corpus), "pdf_files": len(pdfs),
                                                 "docx_files": len(docx), "cores": os.cpu_count(),
                                                 "results": results, "ratios": ratios}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
