#!/usr/bin/env python3
"""Generate a reproducible benchmark corpus of provincial governance-index publications.

Why: ``fixtures/`` holds five small, hand-checked documents -- right for correctness tests,
useless for measuring throughput.  Timing and profiling the ingest pipeline (DOCX walking,
PDF table detection, sentence extraction, catalogue linking, SQLite writes) needs many
documents of realistic size and shape.  This script writes them: by default 200 documents
of 5-40 pages (median about 15), half kept as DOCX and half converted to PDF with
LibreOffice (the DOCX twin is deleted, so every file is distinct).

The documents come from the shared real-format generator ``fixtures/realformat`` (the
masthead, tables, footnotes and PDF conversion of the fixtures; the families in
``fixtures/realformat/corpus/``), after the real reports in ``/work/shared/seeds``:

* SIPAS analysis reports -- tables of the 2024-method criteria with two year columns and a
  change column ("Năm 2024 | Năm 2023 | Tăng/giảm"), a vertically merged group column or a
  "Nội dung/tiêu chí" table whose first row is the group; decimal commas, some with dots;
* PAR INDEX decisions -- "Điều 1..4", a province score table ("STT | Lĩnh vực/Tiêu chí |
  Điểm chuẩn | Điểm tự đánh giá | Điểm thẩm định"), ranked tables of 10-25 agencies and
  districts, sometimes a landscape annex with per-area scores;
* PAPI analysis reports -- figures in prose ("tiêu chí Tri thức công dân đạt 1,0337 điểm
  tăng 0,1 điểm (năm 2018 đạt 0,93 điểm)"), survey shares in bullets, footnotes;
* letters (công văn) -- a short letter, an attached information text and a plan table.

Every document is padded with analysis, tasks-and-solutions and agency-duty sections (varied
sentences from pools) and extra annex tables until an estimated page count is reached (the
estimate adds up text-line and table-row heights while the document is built, calibrated
against LibreOffice 7.4 output; PDFs get exact counts after conversion, DOCX files keep the
estimate).  The values are random but plausible; nothing here is ground truth (that is what
fixtures/ are for).

usage:
    python benchmarks/make_corpus.py [OUTDIR] [--docs 200] [--seed 7] [--jobs 2]

OUTDIR defaults to benchmarks/corpus/ (git-ignored).  Output is deterministic for a given
seed: each document draws from its own ``random.Random(f"{seed}/{index}")``, DOCX core
properties and zip timestamps are fixed, and the PDFs' dates and IDs are normalised after
conversion (same LibreOffice + fonts => same bytes).  OUTDIR/manifest.json lists every file
with its kind, format and (for PDFs) page count.
"""
from __future__ import annotations

import argparse
import json
import math
import queue
import random
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "fixtures"))

from realformat import pdf  # noqa: E402
from realformat.corpus import build_one  # noqa: E402
from realformat.corpus.context import Spec  # noqa: E402
from realformat.corpus.places import load_provinces  # noqa: E402

DEFAULT_OUT = REPO / "benchmarks" / "corpus"
KINDS = {"SIPAS": 0.35, "PAR": 0.30, "PAPI": 0.25, "CV": 0.10}  # share of the corpus
# years the figures are about (reports come out the next year; 2024-method SIPAS tables from 2022)
YEARS = {"SIPAS": (2022, 2024), "PAR": (2017, 2024), "PAPI": (2017, 2024), "CV": (2020, 2025)}
BATCH = 25  # DOCX files per soffice invocation
MIN_PAGES, MAX_PAGES = 5, 40


# --------------------------------------------------------------------------------------
# planning
# --------------------------------------------------------------------------------------

def plan(n_docs: int, seed: int) -> list[Spec]:
    """Kinds, formats, page targets, years and provinces for the whole corpus, from the seed."""
    rng = random.Random(seed)
    provinces = load_provinces()
    kinds = rng.choices(list(KINDS), weights=list(KINDS.values()), k=n_docs)
    fmts = ["pdf"] * (n_docs // 2) + ["docx"] * (n_docs - n_docs // 2)
    rng.shuffle(fmts)
    specs = []
    for i, (kind, fmt) in enumerate(zip(kinds, fmts, strict=True)):
        # page targets: log-normal around 15, kept inside 6..36 to leave room for estimate error
        target = int(min(36, max(6, round(math.exp(rng.gauss(math.log(15), 0.5))))))
        if kind == "CV":
            target = min(target, rng.randint(6, 12))
        year = rng.randint(*YEARS[kind])
        if kind == "CV":
            issued = date(year, rng.randint(1, 12), rng.randint(1, 28))
        else:
            issued = date(year + 1, rng.randint(2, 8), rng.randint(1, 28))
        prov = rng.choice([p for p in provinces if p.valid_on(issued)])
        specs.append(Spec(i, kind, fmt, target, year, issued, prov, seed))
    return specs


# --------------------------------------------------------------------------------------
# PDF conversion (LibreOffice), page counts
# --------------------------------------------------------------------------------------

def convert_all(soffice: str, docxs: list[Path], out: Path, jobs: int) -> list[Path]:
    """Batches of ~BATCH files, up to `jobs` soffice processes at once, each with its own
    profile directory (two instances sharing a profile would hand work to each other or block).
    Converted DOCX twins are deleted; returns the DOCX files that did not convert."""
    batches = [docxs[i:i + BATCH] for i in range(0, len(docxs), BATCH)]
    root = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    slots: queue.Queue[Path] = queue.Queue()
    for k in range(max(1, jobs)):
        slots.put(root / f"lo-profile-{k}")

    def work(batch: list[Path]) -> list[Path]:
        profile = slots.get()
        try:
            missing = pdf.convert(batch, out, profile, soffice=soffice, keep_docx=False)
            for docx in list(missing):  # retry stragglers one by one
                if not pdf.convert([docx], out, profile, soffice=soffice, keep_docx=False):
                    missing.remove(docx)
            done = len(batch) - len(missing)
            print(f"  converted {done}/{len(batch)}: {batch[0].stem} .. {batch[-1].stem}", flush=True)
            return missing
        finally:
            slots.put(profile)

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return [m for res in pool.map(work, batches) for m in res]
    finally:
        shutil.rmtree(root, ignore_errors=True)


# --------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------

def _build_task(args: tuple[Spec, Path]) -> dict:
    return build_one(*args)


def clean_previous(out: Path) -> None:
    """Remove the files a previous run listed in its manifest (and nothing else)."""
    manifest = out / "manifest.json"
    if not manifest.exists():
        return
    try:
        old = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    for entry in old.get("files", []):
        name = Path(entry.get("file", "")).name
        for p in (out / name, (out / name).with_suffix(".docx")):
            if name and p.exists():
                p.unlink()


def fmt_time(s: float) -> str:
    return f"{int(s // 60)}m{s % 60:04.1f}s" if s >= 60 else f"{s:.1f}s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", nargs="?", type=Path, default=DEFAULT_OUT, help="default: benchmarks/corpus/")
    ap.add_argument("--docs", type=int, default=200, help="number of documents (default 200)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel builders / soffice processes (default 2)")
    a = ap.parse_args(argv)
    if a.docs < 1 or a.jobs < 1:
        ap.error("--docs and --jobs must be at least 1")
    soffice = pdf.soffice_path()
    if not soffice:
        print("error: LibreOffice (soffice) not found; it converts half of the corpus to PDF.\n"
              "       install it with:  apt-get install libreoffice-writer-nogui fonts-liberation",
              file=sys.stderr)
        return 2
    t0 = time.monotonic()
    out: Path = a.outdir
    out.mkdir(parents=True, exist_ok=True)
    clean_previous(out)
    specs = plan(a.docs, a.seed)
    print(f"building {len(specs)} DOCX files into {out} (seed {a.seed}, {a.jobs} jobs) ...", flush=True)
    with ProcessPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        entries = list(pool.map(_build_task, [(s, out) for s in specs], chunksize=4))
    t_build = time.monotonic() - t0
    docx_for_pdf = [out / e["file"] for e in entries if e["format"] == "pdf"]
    print(f"built in {fmt_time(t_build)}; converting {len(docx_for_pdf)} to PDF in batches of {BATCH} ...",
          flush=True)
    failed = {p.name for p in convert_all(soffice, docx_for_pdf, out, a.jobs)}
    t_conv = time.monotonic() - t0 - t_build
    for e in entries:
        if e["format"] != "pdf":
            continue
        if e["file"] in failed:
            e["format"] = "docx"  # conversion failed: keep the DOCX, say so
            e["conversion_failed"] = True
            continue
        e["file"] = e["file"].removesuffix(".docx") + ".pdf"
        e["pages"] = pdf.pdf_pages(out / e["file"])
    manifest = {"generator": "benchmarks/make_corpus.py", "seed": a.seed, "docs": a.docs, "files": entries}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")

    pages = sorted(e["pages"] for e in entries if e["pages"] is not None)
    n_docx = sum(e["format"] == "docx" for e in entries)
    kinds = {k: sum(e["kind"] == k for e in entries) for k in KINDS}
    outside = [e["file"] for e in entries
               if e["pages"] is not None and not MIN_PAGES <= e["pages"] <= MAX_PAGES]
    elapsed = time.monotonic() - t0
    print(f"\ncorpus: {out}")
    print(f"  documents : {len(entries)} = {n_docx} DOCX + {len(pages)} PDF   "
          + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    if pages:
        print(f"  PDF pages : total {sum(pages)}; per PDF min {pages[0]} / median "
              f"{statistics.median(pages):g} / max {pages[-1]}")
    est = sorted(e["est_pages"] for e in entries if e["format"] == "docx")
    if est:
        print(f"  DOCX pages: estimated median {statistics.median(est):.0f} "
              f"(min {est[0]:.0f}, max {est[-1]:.0f})")
    if failed:
        print(f"  WARNING: {len(failed)} conversions failed (kept as DOCX): {', '.join(sorted(failed))}")
    if outside:
        print(f"  WARNING: {len(outside)} PDFs outside {MIN_PAGES}-{MAX_PAGES} pages: {', '.join(outside)}")
    print(f"  time      : {fmt_time(elapsed)} (build {fmt_time(t_build)}, convert {fmt_time(t_conv)})")
    return 1 if failed or outside else 0


if __name__ == "__main__":
    sys.exit(main())
