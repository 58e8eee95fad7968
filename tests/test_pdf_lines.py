"""pdfium's rules through our copy of pdfplumber's grid algorithm find the tables pdfplumber finds."""

import ctypes
import random

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from helpers import FIXTURES, ROOT
from pdfplumber.table import (
    Table,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)
from pdfplumber.utils import filter_edges

from chiso.extract.pdf_lines import (
    INTERSECT,
    JOIN,
    MIN_EDGE,
    SNAP,
    find_tables,
    page_edges,
    page_segments,
    tables_from_edges,
)
from chiso.extract.pdf_lines import _path_objects as path_objects

REPO_PDFS = sorted(str(p.relative_to(ROOT)) for p in [*FIXTURES.glob("*.pdf"), *(ROOT / "tests").rglob("*.pdf")])


@pytest.mark.parametrize("name", ["sonla-sipas-2023.pdf", "quangtri-par-2022.pdf"])
def test_same_table_cells_as_pdfplumber(name):
    doc = pdfium.PdfDocument(str(FIXTURES / name))
    with pdfplumber.open(FIXTURES / name) as pdf:
        for i, ppage in enumerate(pdf.pages):
            page = doc[i]
            _, height = page.get_size()
            ours = sorted((round(c[0]), round(c[1]), round(c[2]), round(c[3]))
                          for t in find_tables(page, height) for c in t.cells)
            theirs = sorted((round(c[0]), round(c[1]), round(c[2]), round(c[3]))
                            for t in ppage.find_tables() for c in t.cells)
            assert ours == theirs, f"page {i + 1}"


def _pdfplumber_lattice(edges: list[dict]) -> list[Table]:
    """pdfplumber's own functions on the same edges: what `tables_from_edges` must give."""
    if len(edges) < 4:
        return []
    merged = filter_edges(merge_edges(edges, SNAP, SNAP, JOIN, JOIN), min_length=MIN_EDGE)
    cells = intersections_to_cells(edges_to_intersections(merged, INTERSECT, INTERSECT))
    return [Table(None, group) for group in cells_to_tables(cells)]  # type: ignore[arg-type]


def _assert_same_lattice(edges: list[dict], where: str) -> int:
    ours, theirs = tables_from_edges(edges), _pdfplumber_lattice(edges)
    # repr: the same floats to the last bit, in the same order (the reader numbers rows and columns from it)
    assert repr([t.cells for t in ours]) == repr([t.cells for t in theirs]), where
    assert [t.rows for t in ours] == [[row.cells for row in t.rows] for t in theirs], where
    assert [t.bbox for t in ours] == [t.bbox for t in theirs], where
    return sum(len(t.cells) for t in ours)


def test_every_repo_pdf_page_same_cells_in_same_order_as_pdfplumber_functions():
    cells = 0
    for name in REPO_PDFS:
        doc = pdfium.PdfDocument(str(ROOT / name))
        for i, page in enumerate(doc):
            cells += _assert_same_lattice(page_edges(page, page.get_size()[1]), f"{name} page {i + 1}")
    assert len(REPO_PDFS) >= 40
    assert cells > 3000  # the fixtures' ruled tables were compared, not only empty pages


def test_the_compiled_rule_walk_gives_the_segments_of_the_ctypes_definition():
    """Every page of the repo's PDFs (and the form XObject pages below): the same segments, bit for
    bit, in the same order, from one compiled call as from the ctypes calls object by object."""
    from chiso.extract.pdf_lines import _pdfchars

    if _pdfchars is None:
        pytest.skip("chiso/extract/_pdfchars.c was not built (no C compiler at install)")
    segments = 0
    for name in REPO_PDFS:
        doc = pdfium.PdfDocument(str(ROOT / name))
        for i in range(len(doc)):
            fast, slow = page_segments(doc[i], compiled=True), page_segments(doc[i], compiled=False)
            assert fast == slow
            segments += len(fast)
    assert segments > 1000


def test_rules_drawn_inside_a_form_xobject_are_found_as_pypdfium2_walks_them():
    """A page that draws another page as a Form XObject has the same rules and tables; a form
    inside that form is not opened (pypdfium2's `get_objects(max_depth=2)`)."""
    src = pdfium.PdfDocument(str(FIXTURES / "sonla-sipas-2023.pdf"))
    width, height = src[1].get_size()
    dst = pdfium.PdfDocument.new()
    for source, index in ((src, 1), (dst, 0)):  # page 1: src page 2 as a form; page 2: page 1 as a form
        page = dst.new_page(width, height)
        page.insert_obj(source.page_as_xobject(index, dst).as_pageobject())
        page.gen_content()
    drawn, as_form, nested = src[1], dst[0], dst[1]
    assert [o.type for o in as_form.get_objects(max_depth=1)] == [pdfium_c.FPDF_PAGEOBJ_FORM]
    assert len(page_edges(drawn, height)) == 39
    assert page_edges(as_form, height) == page_edges(drawn, height)
    assert [t.cells for t in find_tables(as_form, height)] == [t.cells for t in find_tables(drawn, height)]
    assert page_edges(nested, height) == []
    for page in (drawn, as_form, nested):
        assert page_segments(page) == page_segments(page, compiled=False)  # compiled where built
        theirs = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2))
        assert [h.value for h in path_objects(page)] == [ctypes.cast(o.raw, ctypes.c_void_p).value for o in theirs]


def _h(x0: float, x1: float, top: float) -> dict:
    x0, x1 = sorted((x0, x1))
    return {"x0": x0, "x1": x1, "top": top, "bottom": top, "width": x1 - x0, "height": 0.0,
            "orientation": "h", "object_type": "line"}


def _v(x: float, top: float, bottom: float) -> dict:
    top, bottom = sorted((top, bottom))
    return {"x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0.0, "height": bottom - top,
            "orientation": "v", "object_type": "line"}


def _ruling(rnd: random.Random) -> list[dict]:
    """A grid drawn in pieces, with gaps (merged cells), rules off by up to a few points (snapped
    or not), pieces to join or not, stray rules, duplicates, in any order."""
    xs = sorted(round(rnd.uniform(0, 500), rnd.choice([0, 1, 3])) for _ in range(rnd.randint(1, 7)))
    ys = sorted(round(rnd.uniform(0, 700), rnd.choice([0, 1, 3])) for _ in range(rnd.randint(1, 7)))
    jitter = rnd.choice([0.0, 0.3, 1.0, 2.5, 4.0])

    def off() -> float:
        return rnd.uniform(-jitter, jitter)

    edges = []
    for y in ys:
        for a, b in zip(xs, [*xs[1:], xs[-1] + rnd.uniform(0, 10)], strict=True):
            if rnd.random() < 0.85:
                edges.append(_h(a + off(), b + off(), y + off()))
    for x in xs:
        for a, b in zip(ys, ys[1:], strict=False):
            if rnd.random() < 0.85:
                edges.append(_v(x + off(), a + off(), b + off()))
    for _ in range(rnd.randint(0, 4)):
        if rnd.random() < 0.5:
            edges.append(_h(rnd.uniform(0, 500), rnd.uniform(0, 500), rnd.choice([*ys, rnd.uniform(0, 700)])))
        else:
            edges.append(_v(rnd.choice([*xs, rnd.uniform(0, 500)]), rnd.uniform(0, 700), rnd.uniform(0, 700)))
    if rnd.random() < 0.2:
        edges += [dict(e) for e in rnd.sample(edges, min(3, len(edges)))]
    rnd.shuffle(edges)
    return edges


def test_drawn_grids_of_every_kind_same_cells_as_pdfplumber_functions():
    rnd = random.Random(17)
    cells = sum(_assert_same_lattice(_ruling(rnd), f"grid {k}") for k in range(1500))
    assert cells > 5000
