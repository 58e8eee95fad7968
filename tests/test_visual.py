"""chiso show / plot / report on a real SQLite warehouse built from the project's fixtures.

The mark's place is checked from the picture itself: the pure-red pixels are found, mapped
back to PDF points at the render scale, and compared with where pdfplumber (an independent
reader) finds the printed number.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pdfplumber
import pytest
from helpers import FIXTURES
from PIL import Image
from typer.testing import CliRunner

from chiso.cli import app
from chiso.visual.show import Panel, Shown, show_observation
from chiso.visual.sources import cache_dir, find_converter

INGESTED = ["quangtri-par-2022.pdf", "hagiang-papi-2019.pdf", "sonla-sipas-2023.docx", "sonla-sipas-2023-draft.docx"]
HAS_SOFFICE = find_converter() is not None
runner = CliRunner()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("visual")
    old = os.environ.get("CHISO_CACHE")
    os.environ["CHISO_CACHE"] = str(tmp / "cache")  # a fresh render cache: LibreOffice really runs
    url = f"sqlite:///{tmp / 'w.sqlite'}"
    result = runner.invoke(app, ["ingest", *[str(FIXTURES / n) for n in INGESTED], "--db", url, "-j", "1"])
    assert result.exit_code == 0, result.output
    yield url
    if old is None:
        os.environ.pop("CHISO_CACHE", None)
    else:
        os.environ["CHISO_CACHE"] = old


def query(url: str, sql: str, *params: object) -> list[sqlite3.Row]:
    con = sqlite3.connect(url.split("///", 1)[1])
    con.row_factory = sqlite3.Row
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def one(url: str, sql: str, *params: object) -> sqlite3.Row:
    found = query(url, sql, *params)
    assert len(found) == 1, (sql, params, [dict(r) for r in found])
    return found[0]


def red_box(image: Image.Image, shown: Shown, panel: Panel) -> tuple[float, float, float, float]:
    """The pure-red pixels of one panel, as PDF points of its page."""
    later = [p.top for p in shown.panels if p.top > panel.top]
    bottom = min(later) if later else image.height
    rgb = image.convert("RGB")
    px = rgb.load()
    xs, ys = [], []
    for y in range(panel.top, bottom):
        for x in range(rgb.width):
            r, g, b = px[x, y]
            if r > 200 and g < 40 and b < 40:
                xs.append(x)
                ys.append(y)
    assert xs, "no red mark in the panel"
    return panel.to_points((min(xs), min(ys), max(xs) + 1, max(ys) + 1))


def covers(outer: tuple, inner: tuple, slack: float = 0.5) -> bool:
    return (outer[0] <= inner[0] + slack and outer[1] <= inner[1] + slack and
            outer[2] >= inner[2] - slack and outer[3] >= inner[3] - slack)


def tight(outer: tuple, inner: tuple, most: float = 8.0) -> bool:
    """The mark hugs the value: a frame around the whole page or paragraph would fail."""
    return all(abs(a - b) <= most for a, b in zip(outer, inner, strict=True))


def printed_chars(pdf_path: Path, page_no: int, text: str, within: tuple | None = None) -> list[tuple]:
    """Boxes (x0, top, x1, bottom) of the digits of every occurrence of the number `text` on a
    page, found by pdfplumber's own text search."""
    pattern = r"(?<![\d.,])" + re.escape(text) + r"(?![\d])"
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[page_no - 1]
        found = page.search(pattern, regex=True, return_chars=True)
        height = page.height
    out = []
    for hit in found:
        cs = [c for c in hit["chars"] if not c["text"].isspace()]
        # the digits' ink: from the baseline up to about a digit's height (pdfplumber's own top is
        # the font's ascent, well above the digits)
        baselines = [height - c["matrix"][5] for c in cs]
        box = (min(c["x0"] for c in cs), min(b - 0.62 * c["size"] for b, c in zip(baselines, cs, strict=True)),
               max(c["x1"] for c in cs), max(baselines))
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        if within is None or within[0] <= cx <= within[2] and within[1] <= cy <= within[3]:
            out.append(box)
    return out


# --- show --------------------------------------------------------------------------------------
def test_a_number_is_found_as_printed_whole_with_a_dot_or_rounded() -> None:
    import pypdfium2 as pdfium

    from chiso.visual.locate import Needle, find_value, page_text

    pdf = pdfium.PdfDocument(str(FIXTURES / "hagiang-papi-2019.pdf"))
    try:
        page = pdf[0]
        pt = page_text(page)
        page.close()
    finally:
        pdf.close()
    dot = find_value(pt, Needle.number(42.37, 2))  # printed "(đạt 42.37 điểm)"
    assert dot is not None and pt.text[dot.start:dot.end] == "42.37" and not dot.rounded
    assert find_value(pt, Needle.number(2.37, 2)) is None  # not the tail of 42.37
    assert find_value(pt, Needle.number(42.3, 1)) is None  # not the head of 42.37
    fewer = find_value(pt, Needle.number(42.12344, 5))  # a value kept more precisely than printed
    assert fewer is not None and fewer.rounded and pt.text[fewer.start:fewer.end] == "42,1234"



def test_show_pdf_table_value_marks_its_cell(warehouse: str, tmp_path: Path) -> None:
    obs = one(warehouse, "SELECT o.uid, o.provenance FROM observation o JOIN document d ON d.id = o.document_id "
                         "WHERE d.source_file = 'quangtri-par-2022.pdf' AND o.entity = 'Sở Tư pháp' "
                         "AND o.criterion = 'par.total'")
    out = tmp_path / "cell.png"
    result = runner.invoke(app, ["show", obs["uid"], "-o", str(out), "--db", warehouse])
    assert result.exit_code == 0, result.output
    place = json.loads(obs["provenance"])[0]
    assert (f"quangtri-par-2022.pdf page {place['page']}, table {place['table']}, row {place['row']}, "
            f"column {place['col']}, cell") in " ".join(result.output.split())
    shown = show_observation(warehouse, obs["uid"], tmp_path / "again.png")
    image = Image.open(out)
    assert image.size == shown.size and shown.panels[0].method == "cell"
    mark = red_box(image, shown, shown.panels[0])
    [printed] = printed_chars(FIXTURES / "quangtri-par-2022.pdf", 3, "91,49")
    assert covers(mark, printed)
    cell = tuple(json.loads(obs["provenance"])[0]["bbox"])
    assert covers(mark, cell) and tight(mark, cell)


def test_show_pdf_sentence_marks_the_number_not_the_paragraph(warehouse: str, tmp_path: Path) -> None:
    obs = one(warehouse, "SELECT o.id, o.provenance FROM observation o JOIN document d ON d.id = o.document_id "
                         "WHERE d.source_file = 'hagiang-papi-2019.pdf' AND o.criterion = 'papi.total' "
                         "AND o.year = 2018 AND o.entity = 'Hà Giang'")
    place = json.loads(obs["provenance"])[0]
    assert place["kind"] == "text" and "42,37" not in place["snippet"]  # the snippet stops before the number
    shown = show_observation(warehouse, str(obs["id"]), tmp_path / "sentence.png")  # the integer id works too
    assert shown.panels[0].method == "words"
    mark = red_box(Image.open(tmp_path / "sentence.png"), shown, shown.panels[0])
    # the fixture prints this one with a decimal point: "(đạt 42.37 điểm)"
    [printed] = printed_chars(FIXTURES / "hagiang-papi-2019.pdf", place["page"], "42.37", place["bbox"])
    assert covers(mark, printed) and tight(mark, printed)
    paragraph = place["bbox"]
    assert (mark[2] - mark[0]) < (paragraph[2] - paragraph[0]) / 5


def test_show_all_places_of_a_value(warehouse: str, tmp_path: Path) -> None:
    """Ban Dân tộc's 92,49% is printed in the appendix table (page 3) and in Điều 1 (page 1)."""
    obs = one(warehouse, "SELECT o.uid FROM observation o JOIN document d ON d.id = o.document_id "
                         "WHERE d.source_file = 'quangtri-par-2022.pdf' AND o.entity = 'Ban Dân tộc' "
                         "AND o.criterion = 'par.total'")
    out = tmp_path / "all.png"
    shown = show_observation(warehouse, obs["uid"], out, all_places=True)
    assert [(p.page, p.method) for p in shown.panels] == [(3, "cell"), (1, "words")]
    image = Image.open(out)
    for panel in shown.panels:
        mark = red_box(image, shown, panel)
        printed = printed_chars(FIXTURES / "quangtri-par-2022.pdf", panel.page, "92,49")
        assert any(covers(mark, p) and tight(mark, p, 40.0) for p in printed), (panel.page, mark, printed)


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed: DOCX pages cannot be printed")
def test_show_docx_table_value_on_the_libreoffice_print(warehouse: str, tmp_path: Path) -> None:
    """'Qua chính quyền, công chức' prints 22,18% (2023) and 19,47% (2022): the 2022 cell is marked."""
    obs = one(warehouse, "SELECT o.uid, d.sha256 FROM observation o JOIN document d ON d.id = o.document_id "
                         "WHERE d.source_file = 'sonla-sipas-2023.docx' AND o.label LIKE 'Qua chính quyền%' "
                         "AND o.year = 2022 AND o.value = 19.47 AND o.source_kind = 'table'")
    shown = show_observation(warehouse, obs["uid"], tmp_path / "docx.png")
    panel = shown.panels[0]
    assert panel.rendered and panel.method == "words"
    rendered = cache_dir() / f"{obs['sha256']}.pdf"
    assert rendered.is_file() and str(rendered).startswith(os.environ["CHISO_CACHE"])
    mark = red_box(Image.open(tmp_path / "docx.png"), shown, panel)
    hits = [b for b in printed_chars(rendered, panel.page, "19,47") if covers(mark, b) and tight(mark, b)]
    assert len(hits) == 1
    with pdfplumber.open(rendered) as pdf:
        label = pdf.pages[panel.page - 1].search("Qua chính quyền, công chức")
    assert any(abs(lb["bottom"] - hits[0][3]) < 4 for lb in label)  # on the row of its label


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed: DOCX pages cannot be printed")
def test_show_docx_sentence_on_the_libreoffice_print(warehouse: str, tmp_path: Path) -> None:
    obs = one(warehouse, "SELECT o.uid, d.sha256 FROM observation o JOIN document d ON d.id = o.document_id "
                         "WHERE d.source_file = 'sonla-sipas-2023.docx' AND o.entity = 'Cả nước'")
    shown = show_observation(warehouse, obs["uid"], tmp_path / "docx-text.png")
    panel = shown.panels[0]
    mark = red_box(Image.open(tmp_path / "docx-text.png"), shown, panel)
    rendered = cache_dir() / f"{obs['sha256']}.pdf"
    assert any(covers(mark, b) and tight(mark, b) for b in printed_chars(rendered, panel.page, "80,12"))


def _ocr(image: Image.Image) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "crop.png"
        image.resize((image.width * 3, image.height * 3)).save(path)
        done = subprocess.run(["tesseract", str(path), "-", "--psm", "7"], capture_output=True, text=True,
                              timeout=60)
        return done.stdout.strip()


def test_show_docx_without_libreoffice_draws_the_cells(warehouse: str, tmp_path: Path) -> None:
    obs = one(warehouse, "SELECT o.uid FROM observation o JOIN document d ON d.id = o.document_id "
                         "WHERE d.source_file = 'sonla-sipas-2023.docx' AND o.flags LIKE '%change_mismatch%' "
                         "AND o.value = 80.74")
    out = tmp_path / "drawn.png"
    shown = show_observation(warehouse, obs["uid"], out, converter=None)
    panel = shown.panels[0]
    assert panel.method == "drawn" and "LibreOffice is not installed" in panel.note
    image = Image.open(out)
    x0, y0, x1, y1 = red_box(image, shown, panel)  # a drawn panel's "points" are its own pixels
    assert (x1 - x0) < image.width / 4  # one cell, not the table
    if shutil.which("tesseract"):
        inside = image.crop((int(x0) + 6, int(y0) + panel.top + 6, int(x1) - 6, int(y1) + panel.top - 6))
        assert "80,74" in _ocr(inside).replace(" ", "")


def test_show_says_what_is_wrong(warehouse: str, tmp_path: Path) -> None:
    copy = tmp_path / "quangtri-copy.pdf"
    shutil.copyfile(FIXTURES / "quangtri-par-2022.pdf", copy)
    url = f"sqlite:///{tmp_path / 'own.sqlite'}"
    assert runner.invoke(app, ["ingest", str(copy), "--db", url]).exit_code == 0
    uid = query(url, "SELECT uid FROM observation WHERE criterion = 'par.total' LIMIT 1")[0]["uid"]
    result = runner.invoke(app, ["show", "0123456789abcdef", "-o", str(tmp_path / "x.png"), "--db", url])
    assert result.exit_code == 1 and "no observation with uid or id '0123456789abcdef'" in result.output
    with copy.open("ab") as f:
        f.write(b"\n% edited after loading\n")
    result = runner.invoke(app, ["show", uid, "-o", str(tmp_path / "changed.png"), "--db", url])
    assert result.exit_code == 0 and "has changed since it was loaded" in result.output
    copy.unlink()
    result = runner.invoke(app, ["show", uid, "-o", str(tmp_path / "gone.png"), "--db", url])
    assert result.exit_code == 1 and f"not at {copy}" in result.output and "Traceback" not in result.output
    moved = tmp_path / "elsewhere.pdf"
    shutil.copyfile(FIXTURES / "quangtri-par-2022.pdf", moved)
    result = runner.invoke(app, ["show", uid, "-o", str(tmp_path / "moved.png"), "--db", url, "--source", str(moved)])
    assert result.exit_code == 0 and "changed" not in result.output
    result = runner.invoke(app, ["show", uid, "-o", str(tmp_path / "x.png"), "--db", f"sqlite:///{tmp_path}/no.sqlite"])
    assert result.exit_code == 1 and "no warehouse at" in result.output


# --- plot --------------------------------------------------------------------------------------
def best(url: str, entity: str, index: str, criterion: str) -> list[tuple[int, float]]:
    """The view's best value of each year (a national file's row, which names no province, is a
    fact of its own beside the province's report: the view's preference order decides)."""
    rows = query(url, "SELECT year, value FROM best_observation WHERE entity = ? AND \"index\" = ? "
                      "AND criterion = ? AND measure = 'value' "
                      "ORDER BY year, draft, COALESCE(document_date, '') DESC, document_id DESC",
                 entity, index, criterion)
    first: dict[int, float] = {}
    for r in rows:
        first.setdefault(r["year"], r["value"])
    return list(first.items())


def test_plot_draws_the_best_values(warehouse: str, tmp_path: Path) -> None:
    from chiso.visual.plot import plot_series

    out = tmp_path / "papi.png"
    result = runner.invoke(app, ["plot", "--province", "tỉnh Hà Giang", "--index", "papi", "-o", str(out),
                                 "--db", warehouse])
    assert result.exit_code == 0, result.output
    assert Image.open(out).size == (900, 480)
    plotted = plot_series(warehouse, "Hà Giang", "PAPI", tmp_path / "papi.svg")
    expected = best(warehouse, "Hà Giang", "PAPI", "papi.total")
    assert len(expected) == 3
    assert list(zip(plotted.province_series.years, plotted.province_series.values, strict=True)) == expected
    assert ET.parse(tmp_path / "papi.svg").getroot().tag.endswith("svg")
    assert plotted.national is None and plotted.others == {}


def test_plot_marks_disagreeing_documents_and_the_national_figure(warehouse: str, tmp_path: Path) -> None:
    from chiso.visual.plot import plot_series

    conflict = one(warehouse, "SELECT o.criterion, o.year, o.value FROM observation o JOIN document d ON "
                              "d.id = o.document_id WHERE d.draft = 1 AND o.entity = 'Sơn La' AND o.measure = 'value' "
                              "AND o.flags LIKE '%cross_source_conflict%'")
    plotted = plot_series(warehouse, "Sơn La", "SIPAS", tmp_path / "c.png", conflict["criterion"])
    expected = best(warehouse, "Sơn La", "SIPAS", conflict["criterion"])
    assert list(zip(plotted.province_series.years, plotted.province_series.values, strict=True)) == expected
    assert plotted.others == {conflict["year"]: [(conflict["value"], "sonla-sipas-2023-draft.docx")]}
    assert [p.conflict for p in plotted.province_series.points if p.year == conflict["year"]] == [True]

    national = query(warehouse, "SELECT DISTINCT criterion, year, value FROM observation WHERE entity = 'Cả nước'")
    assert len(national) == 1
    plotted = plot_series(warehouse, "Sơn La", "SIPAS", tmp_path / "n.png", national[0]["criterion"])
    assert plotted.national is not None
    assert list(zip(plotted.national.years, plotted.national.values, strict=True)) == \
        [(national[0]["year"], national[0]["value"])]


def test_plot_says_what_is_missing(warehouse: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["plot", "--province", "Hà Nội", "--index", "PAPI", "-o", str(tmp_path / "x.png"),
                                 "--db", warehouse])
    assert result.exit_code == 1 and "no PAPI values" in result.output and "Hà Giang" in result.output
    result = runner.invoke(app, ["plot", "--province", "Hà Giang", "--index", "CPI", "-o", str(tmp_path / "x.png"),
                                 "--db", warehouse])
    assert result.exit_code == 1 and "unknown index 'CPI'" in result.output
    assert not (tmp_path / "x.png").exists()


# --- report ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def report(warehouse: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("report")
    db = tmp / "w.sqlite"
    with sqlite3.connect(warehouse.split("///", 1)[1]) as src, sqlite3.connect(db) as dst:
        src.backup(dst)  # (a plain file copy would miss what is still in the WAL file)
    con = sqlite3.connect(db)  # a label that would run as script if it were not escaped
    con.execute("UPDATE review_item SET label = '<script>document.title=\"pwned\"</script><b>x</b>' "
                "WHERE id = (SELECT min(id) FROM review_item)")
    con.commit()
    con.close()
    out = tmp / "report.html"
    result = runner.invoke(app, ["report", "-o", str(out), "--db", f"sqlite:///{db}"])
    assert result.exit_code == 0, result.output
    return out, f"sqlite:///{db}"


def test_report_lists_every_document_flag_and_run(report: tuple[Path, str]) -> None:
    out, url = report
    page = out.read_text(encoding="utf-8")
    for r in query(url, "SELECT source_file FROM document"):
        assert f">{r['source_file']}</a>" in page
    pictured = query(url, "SELECT count(*) AS n FROM flag WHERE severity IN ('error', 'warning')")[0]["n"]
    assert pictured > 0 and page.count("src='data:image/png;base64,") == pictured
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "src='http" not in page and "href='http" not in page  # self-contained
    n_runs = query(url, "SELECT count(*) AS n FROM ingest_run")[0]["n"]
    assert page.count("<h3 id='run-") == n_runs
    docs = query(url, "SELECT n_numbers, n_unexplained FROM document WHERE n_numbers > 0")
    assert docs and "understood" in page
    for d in docs:  # each document's share of its printed numbers that were accounted for
        share = 100 * (d["n_numbers"] - d["n_unexplained"]) / d["n_numbers"]
        assert f"{share:.0f}% ({d['n_unexplained']} of {d['n_numbers']} unexplained)" in page


def test_report_in_a_real_browser(report: tuple[Path, str], tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium): the report's browser test needs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[dev])")
    out, url = report
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=chromium,
                                                       args=args, headless=True,
                                                       viewport={"width": 1280, "height": 900})
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(out.as_uri())
            page.wait_for_load_state("load")
            names = page.locator("table.docs a.doc").all_inner_texts()
            broken = page.evaluate("Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
                                   ".length")
            title = page.title()
            script_text = page.locator("#review").inner_text()
            page.screenshot(path=str(tmp_path / "report.png"))
        finally:
            browser.close()
    assert errors == []
    assert sorted(names) == sorted(r["source_file"] for r in query(url, "SELECT source_file FROM document"))
    assert broken == 0
    assert title == "chiso warehouse report" and "<script>" in script_text  # shown as text, not run
    shot = Image.open(tmp_path / "report.png").convert("L")
    assert shot.size == (1280, 900)
    histogram = shot.histogram()
    assert sum(histogram[:128]) > 0.01 * shot.width * shot.height  # dark text drawn, not a blank page


def test_plot_and_show_with_a_national_dataset(tmp_path: Path) -> None:
    """A national CSV (every province, every year) beside a provincial report: the province's
    line takes the best value of each year, the other document's value is marked where they
    disagree, and the provinces' median is drawn; a spreadsheet value is shown as its cells."""
    from chiso.visual.plot import plot_series

    data = {"Hà Giang": {2018: 43.7286, 2019: 42.4186, 2020: 42.6758},
            "Cao Bằng": {2018: 44.5, 2019: 41.0, 2020: 40.25},
            "Lào Cai": {2018: 45.5, 2019: 46.0, 2020: 46.5}}
    national = tmp_path / "papi-national.csv"
    national.write_text("province,year,D1,D2,total_papi\n" + "".join(
        f"{p},{y},5.1,5.2,{v}\n" for p, years in data.items() for y, v in years.items()), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'n.sqlite'}"
    result = runner.invoke(app, ["ingest", str(FIXTURES / "hagiang-papi-2019.pdf"), str(national), "--db", url])
    assert result.exit_code == 0, result.output
    plotted = plot_series(url, "Hà Giang", "PAPI", tmp_path / "n.png")
    expected = best(url, "Hà Giang", "PAPI", "papi.total")
    assert list(zip(plotted.province_series.years, plotted.province_series.values, strict=True)) == expected
    assert (2020, 42.6758) in expected and (2018, 42.37) in expected  # the dated report is preferred
    assert plotted.others[2018] == [(43.7286, "papi-national.csv")]
    assert plotted.dataset_median is not None
    assert dict(zip(plotted.dataset_median.years, plotted.dataset_median.values, strict=True)) == {
        y: sorted(years[y] for years in data.values())[1] for y in (2018, 2019, 2020)}

    uid = one(url, "SELECT o.uid FROM observation o JOIN document d ON d.id = o.document_id WHERE "
                   "d.source_kind = 'national_dataset' AND o.entity = 'Hà Giang' AND o.year = 2020 "
                   "AND o.criterion = 'papi.total'")["uid"]
    out = tmp_path / "sheet.png"
    shown = show_observation(url, uid, out)
    panel = shown.panels[0]
    assert panel.method == "drawn" and panel.place["kind"] == "sheet"
    image = Image.open(out)
    x0, y0, x1, y1 = red_box(image, shown, panel)
    if shutil.which("tesseract"):
        inside = image.crop((int(x0) + 6, int(y0) + panel.top + 6, int(x1) - 6, int(y1) + panel.top - 6))
        assert "42.6758" in _ocr(inside).replace(" ", "")
