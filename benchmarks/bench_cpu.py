"""CPU cost per page of `chiso ingest` against the cost of just reading the text (pypdfium2).

    python benchmarks/bench_cpu.py [FOLDER] [--copies N] [--json results.json]

A national backfill is bound by CPU per page, so this measures process CPU time (user +
system, of the child processes, via `resource.getrusage(RUSAGE_CHILDREN)` around each
subprocess), not wall time, on the same files in the same run:

  chiso      `chiso ingest --jobs 1 -q` into a fresh SQLite file: the whole pipeline
             (read, interpret, match, check, load), start-up included;
  bare       a bare pypdfium2 loop: open each PDF, `get_textpage().get_text_range()` for
             every page (the floor: reading the text and nothing else);
  steady     the cost of one more page, start-up and first-use costs cancelled: chiso on the
             files once and on --copies copies of each (CPU difference / page difference),
             the bare loop over the files once and --bare-passes times in one process. A
             backfill of thousands of pages pays the fixed costs once, so this is the ratio
             the issue tracks; the "one run" figures (start-up included) are printed too;
  new docs   copies repeat texts, which caches keyed on text (numbers of a sentence, a label's
             match) answer at once. A page of new documents: in a fresh process, chiso's library
             ingests the files (imports and every first use paid), then other documents it has not
             seen (--new, default the repository's 38 fixture PDFs: other provinces, forms and
             wordings), timed in the process (`time.process_time`, no start-up in the figure),
             with the bare loop over the same other documents just before and after; the median
             ratio of --repeat such processes (a difference of two whole runs was too noisy here);
  start-up   `chiso ingest` of an empty folder, `chiso export` of the small run's warehouse,
             `chiso --help`;
  DOCX       the same difference for the DOCX files: CPU ms per more document;
  wall       wall-clock seconds of `chiso ingest` of the copies with --jobs 1 and --jobs 2;
  conflicts  k documents (k = 2, 4, 8, 16) each printing other values for the same facts: the number
             of cross_source_conflict flags and the warehouse size (one flag per value, so linear in k;
             flagging pairs grew as k·(k−1)).

Input: FOLDER's PDF and DOCX files, default the development corpus (/work/shared/corpus/dev).
They are copied to a temporary folder with a few bytes appended so that each copy has a new
sha256 (chiso never sees them as already loaded); nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

DEV_CORPUS = Path("/work/shared/corpus/dev")
REPO_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

BARE = """
import sys, pypdfium2 as pdfium
for _ in range(int(sys.argv[1])):
    for f in sys.argv[2:]:
        pdf = pdfium.PdfDocument(f)
        for page in pdf:
            page.get_textpage().get_text_range()
"""


def cpu_of(cmd: list[str], cwd: str) -> tuple[float, float, int]:
    """(CPU seconds of the child: user + system, wall seconds, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:  # a failed run measures nothing: say so
        sys.stderr.write(f"exit {proc.returncode}: {' '.join(cmd[:4])} …\n" + proc.stderr.decode(errors="replace")[-2000:])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, proc.returncode


def best_of(cmd_for: callable, cwd: str, repeat: int) -> tuple[float, float, int]:  # type: ignore[valid-type]
    """The lowest CPU of `repeat` runs (the least disturbed by other work on the machine).
    `cmd_for(i)` gives the i-th run's command (each run needs its own fresh warehouse)."""
    runs = [cpu_of(cmd_for(i), cwd) for i in range(repeat)]
    return min(runs, key=lambda r: r[0])


def copy_inputs(files: list[Path], dest: Path, copies: int) -> list[Path]:
    """Copies with a few bytes appended (a new sha256 each; PDF and DOCX readers ignore them)."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for n in range(copies):
        for f in files:
            target = dest / f"{f.stem}-{n}{f.suffix}"
            target.write_bytes(f.read_bytes() + f"\n%copy {n} {time.time_ns()}\n".encode())
            out.append(target)
    return out


NEW_DOCS = """
import json, sys, time
from pathlib import Path
import pypdfium2 as pdfium
import chiso

warm, new, db = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

def bare():
    start, pages = time.process_time(), 0
    for f in sorted(new.glob("*.pdf")):
        for page in pdfium.PdfDocument(str(f)):
            page.get_textpage().get_text_range()
            pages += 1
    return (time.process_time() - start) * 1000 / pages

chiso.ingest([warm], db=db, jobs=1)
before = bare()
start = time.process_time()
report = chiso.ingest([new], db=db, jobs=1)
used = (time.process_time() - start) * 1000 / report.pages
print(json.dumps({"chiso": used, "bare": (before + bare()) / 2, "pages": report.pages}))
"""


def new_documents(warm: Path, new: Path, tmp: Path, repeat: int) -> dict[str, float]:
    """Median chiso and bare CPU ms/page on documents new to a process that has read others (NEW_DOCS)."""
    runs = []
    for i in range(repeat):
        out = subprocess.run([sys.executable, "-c", NEW_DOCS, str(warm), str(new), f"sqlite:///{tmp}/new-{i}.sqlite"],
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.stderr.write(out.stderr[-2000:])
            continue
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    if not runs:
        return {"chiso": float("nan"), "bare": float("nan"), "ratio": float("nan"), "pages": 0}
    ratios = sorted(r["chiso"] / r["bare"] for r in runs)
    return {"chiso": statistics.median(r["chiso"] for r in runs), "bare": statistics.median(r["bare"] for r in runs),
            "ratio": ratios[len(ratios) // 2], "pages": runs[0]["pages"], "ratios": [round(x, 2) for x in ratios]}


def conflict_flags(ks: tuple[int, ...] = (2, 4, 8, 16), facts: int = 5) -> dict[int, dict[str, int]]:
    """Flags and warehouse bytes when k different documents print different values for the same facts."""
    import docx as python_docx
    from sqlalchemy import text

    import chiso

    out: dict[int, dict[str, int]] = {}
    for k in ks:
        with tempfile.TemporaryDirectory(prefix="chiso-conflicts-") as tmp_name:
            tmp = Path(tmp_name)
            for i in range(k):
                d = python_docx.Document()
                d.add_paragraph("ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN")
                d.add_paragraph(f"Số: {100 + i}/BC-UBND")
                d.add_paragraph("BÁO CÁO Kết quả Chỉ số PAPI năm 2023 của tỉnh Điện Biên")
                names = ["Tham gia của người dân ở cấp cơ sở", "Công khai, minh bạch trong việc ra quyết định ở địa "
                         "phương", "Trách nhiệm giải trình với người dân", "Kiểm soát tham nhũng trong khu vực công",
                         "Thủ tục hành chính công"][:facts]
                for j, name in enumerate(names):
                    d.add_paragraph(f"Chỉ số nội dung {name} đạt {4 + j},{10 + i} điểm.")
                d.save(tmp / f"bc-{i}.docx")
            db = tmp / "w.sqlite"
            chiso.ingest([tmp], db=f"sqlite:///{db}", jobs=1)
            with chiso.Warehouse(f"sqlite:///{db}", read_only=True).engine.connect() as c:
                n = c.execute(text("SELECT count(*) FROM flag WHERE code = 'cross_source_conflict'")).scalar()
            size = sum(f.stat().st_size for f in tmp.glob("w.sqlite*"))  # the file and its write-ahead log
            out[k] = {"flags": int(n or 0), "values": k * facts, "db_bytes": size}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", default=str(DEV_CORPUS), help="PDF/DOCX files to measure on")
    ap.add_argument("--copies", type=int, default=3, help="copies of each file in the larger run (the smaller has 1)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the lowest CPU counts")
    ap.add_argument("--bare-passes", type=int, default=5, help="passes of the bare loop in its larger run")
    ap.add_argument("--new", default=str(REPO_FIXTURES),
                    help="PDFs new to a process that has read the files, for the new-documents figure "
                         "(default: the repo's fixtures)")
    ap.add_argument("--json", help="write the results to this JSON file")
    args = ap.parse_args(argv)
    folder = Path(args.folder)
    pdfs = sorted(folder.glob("*.pdf"))
    docx = sorted(folder.glob("*.docx"))
    if not pdfs:
        print(f"no PDF files in {folder}")
        return 2
    k = max(args.copies, 2)
    chiso = [sys.executable, "-m", "chiso"]
    with tempfile.TemporaryDirectory(prefix="chiso-bench-") as tmp_name:
        tmp = Path(tmp_name)
        one = copy_inputs(pdfs, tmp / "pdf1", 1)
        copy_inputs(pdfs, tmp / "pdfk", k)
        docx_one = copy_inputs(docx, tmp / "docx1", 1)
        copy_inputs(docx, tmp / "docxk", k)
        (tmp / "empty").mkdir()
        pages1 = sum(len(pdfium.PdfDocument(str(f))) for f in one)
        new_pdfs = sorted(Path(args.new).glob("*.pdf"))
        copy_inputs(new_pdfs, tmp / "new", 1)
        pagesk = pages1 * k

        def ingest(src: str, jobs: int = 1) -> callable:  # type: ignore[valid-type]
            return lambda i: chiso + ["ingest", str(tmp / src), "--db", f"sqlite:///{tmp}/{src}-j{jobs}-{i}.sqlite",
                                      "-q", "--jobs", str(jobs)]

        def bare(passes: int) -> callable:  # type: ignore[valid-type]
            return lambda i: [sys.executable, "-c", BARE, str(passes), *map(str, one)]

        r = args.repeat
        passes = max(args.bare_passes, 2)
        startup = best_of(ingest("empty"), tmp_name, r)
        bare1, bare_n = best_of(bare(1), tmp_name, r), best_of(bare(passes), tmp_name, r)
        chiso1, chisok = best_of(ingest("pdf1"), tmp_name, r), best_of(ingest("pdfk"), tmp_name, r)
        new = new_documents(tmp / "pdf1", tmp / "new", tmp, r)
        jobs1 = min((cpu_of(ingest("pdfk", 1)(f"w{i}"), tmp_name) for i in range(r)), key=lambda x: x[1])
        jobs2 = min((cpu_of(ingest("pdfk", 2)(f"w{i}"), tmp_name) for i in range(r)), key=lambda x: x[1])
        docx1 = best_of(ingest("docx1"), tmp_name, r) if docx else None
        docxk = best_of(ingest("docxk"), tmp_name, r) if docx else None
        export = best_of(lambda i: chiso + ["export", str(tmp / f"out-{i}"), "--db", f"sqlite:///{tmp}/pdf1-j1-0.sqlite"],
                         tmp_name, r)
        help_ = best_of(lambda i: chiso + ["--help"], tmp_name, r)

    ms = 1000.0
    res = {
        "pdf_files": len(one), "pages": pages1, "copies": k, "docx_files": len(docx_one),
        # one run over the files once, start-up included, per page
        "chiso_ms_per_page": round(chiso1[0] / pages1 * ms, 2),
        "bare_ms_per_page": round(bare1[0] / pages1 * ms, 2),
        # the cost of one more page: (larger run - smaller run) / the pages between them
        "chiso_ms_per_page_steady": round((chisok[0] - chiso1[0]) / (pagesk - pages1) * ms, 2),
        # new documents: other documents then the files, against the other documents alone (a copy's
        # texts hit caches keyed on text that a new document's do not)
        "chiso_ms_per_page_new": round(new["chiso"], 2), "bare_ms_per_page_new": round(new["bare"], 2),
        "ratio_new": round(new["ratio"], 2), "ratios_new": new.get("ratios"), "new_files": len(new_pdfs),
        "new_pages": new["pages"],
        "bare_ms_per_page_steady": round((bare_n[0] - bare1[0]) / ((passes - 1) * pages1) * ms, 2),
        "startup_chiso_ingest_ms": round(startup[0] * ms), "startup_chiso_help_ms": round(help_[0] * ms),
        "startup_chiso_export_ms": round(export[0] * ms),
        "wall_jobs1_s": round(jobs1[1], 2), "wall_jobs2_s": round(jobs2[1], 2), "cpu_jobs2_s": round(jobs2[0], 2),
        "docx_ms_per_doc_steady": round((docxk[0] - docx1[0]) / ((k - 1) * len(docx_one)) * ms, 1) if docx else None,
        "exit_codes": {"chiso": chisok[2], "jobs2": jobs2[2], "docx": docxk[2] if docxk else None},
    }
    res["conflict_flags"] = conflict_flags()
    res["ratio"] = round(res["chiso_ms_per_page"] / res["bare_ms_per_page"], 2)
    res["ratio_steady"] = round(res["chiso_ms_per_page_steady"] / max(res["bare_ms_per_page_steady"], 1e-9), 2)
    flags = res["conflict_flags"]
    res["flags_8_over_4"] = round(flags[8]["flags"] / max(flags[4]["flags"], 1), 2)

    print(f"{len(one)} PDF ({pages1} pages; ×{k} in the larger run), {len(docx_one)} DOCX; {os.cpu_count()} cores; "
          f"python {platform.python_version()}; CPU = user+sys of the child, best of {r}")
    print(f"{'':34s}{'one run':>12s}{'steady':>12s}")
    print(f"{'chiso ingest -j1, CPU ms/page':34s}{res['chiso_ms_per_page']:12.2f}{res['chiso_ms_per_page_steady']:12.2f}")
    print(f"{'bare pypdfium2, CPU ms/page':34s}{res['bare_ms_per_page']:12.2f}{res['bare_ms_per_page_steady']:12.2f}")
    print(f"{'ratio chiso / bare':34s}{res['ratio']:12.2f}{res['ratio_steady']:12.2f}")
    print(f"new documents ({len(new_pdfs)} other PDFs, {res['new_pages']} pages, after the files, in-process): chiso "
          f"{res['chiso_ms_per_page_new']:.2f} CPU ms/page, bare {res['bare_ms_per_page_new']:.2f}, median ratio "
          f"{res['ratio_new']:.2f} (runs: {res['ratios_new']})")
    print(f"start-up CPU ms: ingest (empty) {res['startup_chiso_ingest_ms']}, --help {res['startup_chiso_help_ms']}, "
          f"export {res['startup_chiso_export_ms']}")
    print(f"wall s ({pagesk} pages): --jobs 1 {res['wall_jobs1_s']}, --jobs 2 {res['wall_jobs2_s']} "
          f"(CPU {res['cpu_jobs2_s']} s)")
    if docx:
        print(f"DOCX: {res['docx_ms_per_doc_steady']} CPU ms per more document ({len(docx_one)} files ×1 and ×{k})")
    print("conflicts: " + ", ".join(f"{n} documents → {v['flags']} flags ({v['values']} values)"
                                     for n, v in flags.items()) + f"; 8 vs 4: ×{res['flags_8_over_4']}")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
