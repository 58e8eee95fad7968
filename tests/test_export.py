"""The export other tools read: the CSV contract, Parquet twins, best values, the data package, Datasette."""

import asyncio
import csv
import json
import math
import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import docx
import pandas as pd
import pyarrow.parquet as pq
import pytest
from frictionless import validate
from helpers import DOCUMENTS, FIXTURES, expected
from sqlalchemy import text
from typer.testing import CliRunner

from chiso.cli import app
from chiso.load.columns import column, flag_codes
from chiso.load.export import (
    CONTRACT_DOCUMENT_COLUMNS,
    CONTRACT_OBSERVATION_COLUMNS,
    DOCUMENT_COLUMNS,
    OBSERVATION_COLUMNS,
    escape_formula,
    export,
    iso_date,
    write_csv,
)
from chiso.load.views import BEST_RULE
from chiso.load.warehouse import Warehouse
from chiso.pipeline import process_file

runner = CliRunner()
SONLA = ("sonla-sipas-2023-draft.docx", "sonla-sipas-2023.docx", "sonla-sipas-2023.pdf")


def _cli(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """The fixture documents ingested through the CLI into a fresh SQLite file, and exported."""
    root = tmp_path_factory.mktemp("export")
    db = f"sqlite:///{root / 'w.sqlite'}"
    _cli("ingest", *(str(FIXTURES / name) for name in DOCUMENTS), "--db", db, "-j", "1")
    _cli("export", str(root / "out"), "--db", db)
    return root / "w.sqlite", root / "out"


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _fact(row: dict) -> tuple:
    return row["index"], row["year"], row["province"], row["entity"], row["criterion"] or row["label"]


def test_csv_contract_columns_come_first_in_their_order(ingested):
    db, out = ingested
    with open(out / "observations.csv", encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header[:len(CONTRACT_OBSERVATION_COLUMNS)] == CONTRACT_OBSERVATION_COLUMNS
    assert header == OBSERVATION_COLUMNS and header[14:16] == ["id", "sha256"]
    with open(out / "documents.csv", encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header[:len(CONTRACT_DOCUMENT_COLUMNS)] == CONTRACT_DOCUMENT_COLUMNS
    assert header == DOCUMENT_COLUMNS and "date_precision" in header
    obs, docs = _csv(out / "observations.csv"), _csv(out / "documents.csv")
    with Warehouse(f"sqlite:///{db}").engine.connect() as conn:
        values = conn.execute(text("SELECT count(*) FROM observation o JOIN document d ON d.id = o.document_id "
                                   "WHERE o.measure = 'value' AND d.status = 'current'")).scalar()
    assert len(obs) == values > 0 and len(docs) == len(DOCUMENTS)
    assert len({o["id"] for o in obs}) == len(obs)
    shas = {d["source_file"]: d["sha256"] for d in docs}
    assert all(o["sha256"] == shas[o["source_file"]] for o in obs)


def test_document_dates_are_iso_with_their_precision_and_a_blank_number_is_empty(ingested):
    _, out = ingested
    docs = {d["source_file"]: d for d in _csv(out / "documents.csv")}
    assert (docs["sonla-sipas-2023.pdf"]["date"], docs["sonla-sipas-2023.pdf"]["date_precision"]) == (
        "2024-03-20", "day")
    draft = docs["sonla-sipas-2023-draft.docx"]  # "ngày … tháng 3 năm 2024", "Số: /BC-UBND"
    assert (draft["date"], draft["date_precision"], draft["number"], draft["doc_type"]) == (
        "2024-03-01", "month", "", "BC")
    assert docs["sonla-sipas-2023.docx"]["number"] == "123/BC-UBND"
    assert iso_date("2025") == (date(2025, 1, 1), "year")
    assert iso_date("2024-02-30") == (None, None) and iso_date(None) == (None, None)


def _as_csv_text(value, kind: str) -> str:
    """A Parquet value written the way the CSV writes it."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "date":
        return value.isoformat()
    if kind == "integer":
        return str(int(value))
    return str(value)


@pytest.mark.parametrize("name", ["observations", "documents", "best"])
def test_parquet_equals_csv_row_for_row_with_real_types(ingested, name):
    _, out = ingested
    from_csv = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
    from_parquet = pd.read_parquet(out / f"{name}.parquet")
    assert list(from_parquet.columns) == list(from_csv.columns) and len(from_parquet) == len(from_csv) > 0
    for col in from_csv.columns:
        kind = column(name, col).type
        got = [_as_csv_text(v, kind) for v in from_parquet[col].astype(object)]
        if kind == "number":  # floats compare as numbers: the CSV prints the shortest repr
            assert [float(v) if v else None for v in got] == [float(v) if v else None for v in from_csv[col]], col
        else:
            assert got == list(from_csv[col]), col
    arrow = pq.read_schema(out / f"{name}.parquet")
    want = {"integer": "int64", "number": "double", "boolean": "bool", "date": "date32[day]", "string": "string",
            "array": "string"}
    assert {f.name: str(f.type) for f in arrow} == {c: want[column(name, c).type] for c in from_csv.columns}


def test_parquet_keeps_empty_integers_as_nullable_integers(ingested):
    _, out = ingested
    obs = pd.read_parquet(out / "observations.parquet")
    assert obs["rank"].dtype == "Int64" and obs["rank"].isna().any() and obs["rank"].notna().any()
    assert obs["year"].dtype == "Int64" and obs["value"].dtype == "float64" and obs["is_best"].dtype == "boolean"
    docs = pd.read_parquet(out / "documents.parquet")
    assert isinstance(docs["date"].dropna().iloc[0], date) and docs["draft"].dtype == "boolean"


def test_ids_are_stable_across_fresh_ingests_in_any_order(ingested, tmp_path):
    _, out = ingested
    wh = Warehouse(f"sqlite:///{tmp_path / 'again.sqlite'}")
    for name in reversed(SONLA):
        assert wh.load(process_file(FIXTURES / name)) > 0
    again = _csv(export(wh, tmp_path / "out").files["observations.csv"])
    first = [o for o in _csv(out / "observations.csv") if o["source_file"] in SONLA]

    def key(rows):
        return sorted((o["id"], o["source_file"], o["year"], o["entity"], o["label"], o["value"]) for o in rows)
    assert key(again) == key(first) and len(again) == 3 * 166


def test_best_has_one_row_per_fact_with_its_sources(ingested):
    _, out = ingested
    obs, best = _csv(out / "observations.csv"), _csv(out / "best.csv")
    facts: dict[tuple, set[str]] = {}
    for o in obs:
        facts.setdefault(_fact(o), set()).add(o["sha256"])
    assert len(best) == len(facts) and len({_fact(b) for b in best}) == len(best)
    assert all(int(b["n_documents"]) == len(facts[_fact(b)]) for b in best)
    assert {b["id"] for b in best} == {o["id"] for o in obs if o["is_best"] == "true"}
    sonla = [b for b in best if b["province"] == "Sơn La"]
    assert len(sonla) == 166 and all(b["n_documents"] == "3" for b in sonla)
    (differs,) = [b for b in sonla if b["agree"] == "false"]  # the draft prints 84,6 instead of 84,06
    assert (differs["criterion"], differs["year"], differs["value"]) == (
        "sipas.services.procedures.documents", "2023", "84.06")
    sources = json.loads(differs["sources"])
    assert [s["value"] for s in sources] == [84.06, 84.06, 84.6] and sources[-1]["draft"] is True
    assert {s["file"] for s in sources} == set(SONLA) and differs["source_file"] == sources[0]["file"]
    assert all(s["sha256"] in {o["sha256"] for o in obs} and s["page"] for s in sources if s["file"].endswith("pdf"))
    agreeing = next(b for b in sonla if b["criterion"] == "sipas.total" and b["year"] == "2023")
    assert agreeing["agree"] == "true" and len(json.loads(agreeing["sources"])) == 3


def test_wide_has_one_row_per_criterion_with_a_column_per_year(ingested):
    _, out = ingested
    best, wide = _csv(out / "best.csv"), _csv(out / "wide.csv")
    keys = {(b["index"], b["province"], b["entity"], b["criterion"] or b["label"], b["unit"]) for b in best}
    assert len(wide) == len(keys)
    years = sorted({b["year"] for b in best})
    assert list(wide[0])[6:] == years
    total = next(w for w in wide if w["province"] == "Sơn La" and w["criterion"] == "sipas.total")
    for b in best:
        if b["province"] == "Sơn La" and b["criterion"] == "sipas.total":
            assert float(total[b["year"]]) == float(b["value"])
    assert sum(1 for w in wide for y in years if w[y]) == len(best)


def test_the_wide_view_in_the_warehouse_equals_wide_csv(ingested):
    """Datasette and BI users read the same wide table from the database as spreadsheet users from the CSV."""
    db, out = ingested
    wide = _csv(out / "wide.csv")
    years = list(wide[0])[6:]
    with sqlite3.connect(db) as c:
        c.row_factory = sqlite3.Row
        view = [dict(r) for r in c.execute('SELECT * FROM wide_observation')]
    assert len(view) == len(wide)
    by_key = {(v["index"], v["province"], v["entity"], v["criterion"], v["unit"]): v for v in view}
    for w in wide:
        v = by_key[(w["index"], w["province"], w["entity"], w["criterion"] or w["label"], w["unit"])]
        assert v["label"] == w["label"]
        assert [v[y] for y in years] == [float(w[y]) if w[y] else None for y in years]
    assert all(v[str(y)] is None for v in view for y in range(2005, 2026) if str(y) not in years)


def _errors(report) -> list:
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_data_package_validates_with_frictionless(ingested, tmp_path):
    _, out = ingested
    report = validate(out / "datapackage.json")
    assert report.valid, _errors(report)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert {r["path"] for r in package["resources"]} >= {"observations.csv", "observations.parquet",
                                                         "documents.csv", "best.csv", "wide.csv"}
    fields = {f["name"]: f for f in resources["observations"]["schema"]["fields"]}
    assert fields["page"]["type"] == "integer" and fields["unit"]["constraints"]["enum"] == ["%", "points",
                                                                                             "count"]
    assert set(fields["index"]["constraints"]["enum"]) == {"SIPAS", "PAR_INDEX", "PAPI", "PCI"}
    assert all(f["description"] for f in fields.values())
    assert resources["observations"]["schema"]["primaryKey"] == ["id"]
    assert "single quote" in resources["observations"]["description"]
    assert "not escaped" in resources["observations-parquet"]["description"]
    assert BEST_RULE in package["description"]
    # the validation is real: an unknown flag code and a dangling document hash are found
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    with open(broken / "observations.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[1][13], rows[2][15] = "no_such_flag", "0" * 64
    with open(broken / "observations.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    bad = {(e[1], e[2]) for e in _errors(validate(broken / "datapackage.json"))}
    assert ("flags", "constraint-error") in bad and any(kind == "foreign-key" for _, kind in bad)


def test_every_flag_code_in_the_warehouse_and_the_code_is_listed(ingested):
    db, _ = ingested
    listed = {f.code for f in flag_codes()}
    with Warehouse(f"sqlite:///{db}").engine.connect() as conn:
        used = {r[0] for r in conn.execute(text("SELECT DISTINCT code FROM flag"))}
    assert used and used <= listed
    source = "\n".join(p.read_text(encoding="utf-8") for p in (FIXTURES.parent / "chiso").rglob("*.py"))
    raised = set(re.findall(r'Flag\(\s*"([a-z_]+)"', source)) | set(re.findall(r'_flag\(\w+, "([a-z_]+)"', source))
    assert raised and raised <= listed, raised - listed


def test_formula_cells_are_escaped_in_csv_only(tmp_path):
    assert [escape_formula(v) for v in ("=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "Sở Nội vụ", "", -5)] == [
        "'=1+1", "'+1", "'-x", "'@SUM(A1)", "'\tx", "'\rx", "Sở Nội vụ", "", -5]
    frame = pd.DataFrame({"label": ["=cmd|' /C calc'!A0", "ok"], "value": [-1.5, 2.0]})
    write_csv(frame, tmp_path / "t.csv", "observations")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines() == [
        "label,value", "'=cmd|' /C calc'!A0,-1.5", "ok,2.0"]


def _report_with_formulas(path: Path) -> None:
    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH YÊN BÁI", "Số: 45/BC-UBND",
                 "BÁO CÁO Kết quả Chỉ số hài lòng (SIPAS) năm 2023 của tỉnh Yên Bái", "1. Kết quả các tiêu chí"):
        d.add_paragraph(line)
    t = d.add_table(rows=3, cols=4)
    for r, row in enumerate([("TT", "Tiêu chí", "Năm 2023 (%)", "Năm 2022 (%)"),
                             ("1", '=HYPERLINK("http://x.example","Tiếp cận dịch vụ")', "80,52", "79,10"),
                             ("2", "@SUM(1+1) Thủ tục hành chính", "81,30", "80,00")]):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    d.save(path)


def test_a_report_with_formula_text_is_escaped_end_to_end(tmp_path):
    _report_with_formulas(tmp_path / "=yenbai.docx")
    db = f"sqlite:///{tmp_path / 'w.sqlite'}"
    _cli("ingest", str(tmp_path / "=yenbai.docx"), "--db", db)
    _cli("export", str(tmp_path / "out"), "--db", db)
    obs = _csv(tmp_path / "out" / "observations.csv")
    assert {o["source_file"] for o in obs} == {"'=yenbai.docx"}
    assert {o["label"] for o in obs} == {"'=HYPERLINK(\"http://x.example\",\"Tiếp cận dịch vụ\")",
                                         "'@SUM(1+1) Thủ tục hành chính"}
    assert {w["label"] for w in _csv(tmp_path / "out" / "wide.csv")} == {o["label"] for o in obs}
    assert _csv(tmp_path / "out" / "documents.csv")[0]["source_file"] == "'=yenbai.docx"
    raw = pd.read_parquet(tmp_path / "out" / "observations.parquet")
    assert set(raw["source_file"]) == {"=yenbai.docx"} and "@SUM(1+1) Thủ tục hành chính" in set(raw["label"])
    assert validate(tmp_path / "out" / "datapackage.json").valid


def test_filters_and_excel_option(ingested, tmp_path):
    db, _ = ingested
    out = tmp_path / "sonla"
    _cli("export", str(out), "--db", f"sqlite:///{db}", "--index", "sipas", "--province", "son la",
         "--year", "2023", "--excel")
    raw = (out / "observations.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfsource_file,")
    obs = pd.read_csv(out / "observations.csv", encoding="utf-8-sig")
    want = sum(1 for n in SONLA for o in expected(n)["observations"] if o["year"] == 2023 and o["index"] == "SIPAS")
    assert len(obs) == want > 0 and set(obs["index"]) == {"SIPAS"} and set(obs["province"]) == {"Sơn La"}
    assert set(obs["year"]) == {2023}
    docs = pd.read_csv(out / "documents.csv", encoding="utf-8-sig")
    assert sorted(docs["source_file"]) == sorted(SONLA)
    assert validate(out / "datapackage.json").valid
    years = tmp_path / "years"
    _cli("export", str(years), "--db", f"sqlite:///{db}", "--year", "2018-2019,2022", "--index", "PAPI,SIPAS")
    got = pd.read_csv(years / "observations.csv")
    assert set(got["year"]) <= {2018, 2019, 2022} and set(got["index"]) == {"PAPI", "SIPAS"} and len(got) > 0
    nothing = tmp_path / "nothing"  # a selection with no values: header rows only, still a valid package
    _cli("export", str(nothing), "--db", f"sqlite:///{db}", "--year", "1999")
    assert (nothing / "documents.csv").read_text(encoding="utf-8").splitlines() == [",".join(DOCUMENT_COLUMNS)]
    assert pd.read_parquet(nothing / "observations.parquet").empty
    assert validate(nothing / "datapackage.json").valid


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--index", "PAPY", "unknown index 'PAPY'"), ("--year", "20x3", "not a year"),
    ("--province", "Sơn La,Atlantis", "unknown province 'Atlantis'"), ("--year", "2023-2019", "empty range")])
def test_bad_filters_get_a_clear_message(ingested, tmp_path, option, value, message):
    db, _ = ingested
    result = runner.invoke(app, ["export", str(tmp_path / "o"), "--db", f"sqlite:///{db}", option, value])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_datasette_serves_the_views_with_their_descriptions(ingested):
    from datasette.app import Datasette

    db, out = ingested
    metadata = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    ds = Datasette([str(db)], metadata=metadata)

    async def fetch():
        rows = await ds.client.get(f"/{db.stem}/best_observation.json?_shape=array&_size=max"
                                   "&criterion=sipas.services.procedures.documents&year=2023&province=S%C6%A1n+La")
        page = await ds.client.get(f"/{db.stem}/best_observation")
        table = await ds.client.get(f"/{db.stem}/observation")
        return rows, page, table

    rows, page, table = asyncio.run(fetch())
    assert rows.status_code == 200
    ((best,),) = [rows.json()]
    assert (best["value"], best["n_documents"], best["agree"], best["draft"]) == (84.06, 3, 0, 0)
    assert page.status_code == 200 and "official document rather than a draft" in page.text
    assert "How many documents (distinct files by sha256) print this fact" in page.text
    assert table.status_code == 200 and "Stable id of the observation" in table.text
