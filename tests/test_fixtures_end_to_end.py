"""Every fixture document gives exactly its expected observations and document fields."""

import csv

import pytest
from helpers import DOCUMENTS, FIXTURES, cli, expected, exported, find, interpreted, misread, misread_fields

from chiso.normalize.text import match_key


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=misread(n)))
                                  if misread(n) else n for n in DOCUMENTS])
def test_every_expected_value_is_read_exactly(name):
    want = expected(name)["observations"]
    got = exported(interpreted(name))
    used: set[int] = set()
    for w in want:
        cands = [o for o in find(got, w["year"], w["value"], w["entity"], w["label"]) if id(o) not in used]
        assert cands, f"missing {w['year']} {w['entity']} {w['label']!r} = {w['value']}"
        o = cands[0]
        used.add(id(o))
        assert o.index == w["index"]
        assert o.unit == w["unit"], w["label"]
        assert (o.max is None) == (w["max"] is None) and (o.max is None or abs(o.max - w["max"]) < 1e-9), w
        assert (o.rank, o.rank_of) == (w["rank"], w["rank_of"]), w["label"]
    assert len(got) == len(want), [o.label for o in got if id(o) not in used]


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=misread_fields(n)))
                                  if misread_fields(n) else n for n in DOCUMENTS])
def test_document_fields(name):
    doc = expected(name)["doc"]
    meta = interpreted(name).meta
    assert match_key(meta.province) == match_key(doc["province"])
    assert meta.issuer == doc["issuer"]
    assert meta.doc_type == doc["doc_type"]
    assert sorted(meta.indices) == sorted(doc["indices"])
    assert meta.report_year == doc["report_year"]
    assert meta.draft == doc["draft"]
    assert meta.date == doc["date"]
    assert (meta.number or None) == (doc["number"] or None) or meta.number.startswith("/")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_typos_are_not_loaded_as_values(name):
    typos = expected(name).get("typos", [])
    got = exported(interpreted(name))
    for typo in typos:
        assert not any(o.source.snippet and typo["text"] in o.source.snippet and typo["text"] in
                       str(o.value) for o in got)
    if typos:
        flags = [f.code for f, _ in interpreted(name).flags]
        assert "unreadable_number" in flags


def test_pdf_provenance_has_page_and_bbox():
    interp = interpreted("sonla-sipas-2023.pdf")
    table_obs = [o for o in interp.observations if o.source.kind == "table"]
    assert table_obs and all(o.source.page and o.source.bbox and o.source.table for o in table_obs)
    assert {o.source.page for o in table_obs} >= {1, 2}


def test_cli_ingest_and_export_write_the_contract(tmp_path):
    db = f"sqlite:///{tmp_path / 'w.sqlite'}"
    read_right = [n for n in DOCUMENTS if not misread(n)]  # the top-level fixtures chiso reads exactly
    files = [str(FIXTURES / n) for n in read_right]  # (fixtures/legacy/ has its own test)
    run = cli("ingest", *files, "--db", db, "-j", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(read_right)} loaded" in run.stdout
    run = cli("export", tmp_path / "out", "--db", db)
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "out" / "observations.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:14] == ["source_file", "page", "index", "year", "province", "entity", "criterion", "label",
                             "value", "unit", "max", "rank", "rank_of", "flags"]
    assert len(rows) == sum(len(expected(n)["observations"]) for n in read_right)
    with open(tmp_path / "out" / "documents.csv", encoding="utf-8", newline="") as f:
        docs = {r["source_file"]: r for r in csv.DictReader(f)}
    assert list(next(iter(docs.values())))[:10] == ["source_file", "sha256", "province", "issuer", "doc_type", "number",
                                               "date", "indices", "report_year", "draft"]
    assert docs["sonla-sipas-2023-draft.docx"]["draft"] == "true"
    assert docs["quangtri-par-2022.pdf"]["doc_type"] == "QD"
    assert docs["hagiang-papi-2019.docx"]["indices"] == "PAPI"
