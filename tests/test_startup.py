"""Opening a warehouse does only the work that is due: the catalogue is copied into the `criterion` table
when the warehouse does not hold this version of it, not on every open (issue 17), on both backends."""

import shutil
import subprocess
import sys

from helpers import FIXTURES, cli
from sqlalchemy import create_engine, text

from chiso.db.catalogue import criteria_version, criterion_rows
from chiso.load.dialect import engine_url
from chiso.load.loader import CATALOGUE_META
from chiso.load.warehouse import Warehouse


def _sql(url: str, *statements: str) -> list:
    engine = create_engine(engine_url(url))
    out: list = []
    with engine.begin() as conn:
        for sql in statements:
            result = conn.execute(text(sql))
            out = result.all() if result.returns_rows else out
    engine.dispose()
    return out


def _open(url: str, read_only: bool = False) -> None:
    Warehouse(url, read_only=read_only).engine.dispose()


def _first_row(url: str) -> tuple[int, str, str, str]:
    return tuple(_sql(url, 'SELECT id, "index", period, code FROM criterion ORDER BY id LIMIT 1')[0])


def test_a_new_warehouse_holds_the_catalogue_and_its_version(db_url):
    _open(db_url)
    rows = criterion_rows()
    assert len(rows) > 100
    assert _sql(db_url, "SELECT count(*) FROM criterion") == [(len(rows),)]
    got = {(r[0], r[1], r[2]): r[3] for r in _sql(db_url, 'SELECT "index", period, code, name FROM criterion')}
    assert got == {(r["index"], r["period"], r["code"]): r["name"] for r in rows}
    assert _sql(db_url, f"SELECT value FROM chiso_meta WHERE key = '{CATALOGUE_META}'") == [(criteria_version(),)]


def test_the_same_catalogue_is_not_copied_again(db_url):
    _open(db_url)
    row_id = _first_row(db_url)[0]
    # a row changed behind chiso's back stays as it is: an open with the same catalogue version writes nothing
    _sql(db_url, f"UPDATE criterion SET name = 'marked' WHERE id = {row_id}")
    _open(db_url)
    _open(db_url, read_only=True)
    assert _sql(db_url, "SELECT id, name FROM criterion WHERE name = 'marked'") == [(row_id, "marked")]


def test_another_catalogue_version_is_copied_even_with_as_many_rows(db_url):
    _open(db_url)
    row_id, index, period, code = _first_row(db_url)
    name = next(r["name"] for r in criterion_rows() if (r["index"], r["period"], r["code"]) == (index, period, code))
    where = f"\"index\" = '{index}' AND period = '{period}' AND code = '{code}'"
    # as a warehouse made by a chiso whose catalogue spelt one name otherwise (the same number of rows)
    _sql(db_url, f"UPDATE criterion SET name = 'old wording' WHERE id = {row_id}",
         f"UPDATE chiso_meta SET value = 'older' WHERE key = '{CATALOGUE_META}'")
    _open(db_url, read_only=True)  # a read-only open changes nothing
    assert _sql(db_url, f"SELECT name FROM criterion WHERE {where}") == [("old wording",)]
    _open(db_url)
    assert _sql(db_url, f"SELECT name FROM criterion WHERE {where}") == [(name,)]
    assert _sql(db_url, "SELECT count(*) FROM criterion") == [(len(criterion_rows()),)]
    assert _sql(db_url, f"SELECT value FROM chiso_meta WHERE key = '{CATALOGUE_META}'") == [(criteria_version(),)]


def test_a_warehouse_without_a_catalogue_version_gets_it(db_url):
    _open(db_url)
    _sql(db_url, f"DELETE FROM chiso_meta WHERE key = '{CATALOGUE_META}'", "DELETE FROM criterion")
    _open(db_url)
    assert _sql(db_url, "SELECT count(*) FROM criterion") == [(len(criterion_rows()),)]
    assert _sql(db_url, f"SELECT value FROM chiso_meta WHERE key = '{CATALOGUE_META}'") == [(criteria_version(),)]


def test_a_file_name_with_an_emoji_code_is_printed_as_written(tmp_path):
    """The console prints user data as it is: ':smile:' in a file name is no emoji (and rich's emoji
    table is not loaded at start-up)."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "angiang-pci-2019.pdf", folder / "pci :smile: 2019.pdf")
    run = cli("ingest", folder, "--db", f"sqlite:///{tmp_path / 'w.sqlite'}", "--jobs", "1")
    assert run.returncode == 0, run.stdout
    assert "pci :smile: 2019.pdf  22 observations" in run.stdout
    assert "\N{SMILING FACE WITH OPEN MOUTH AND SMILING EYES}" not in run.stdout


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code`."""
    run = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, timeout=300, check=True)
    return set(run.stdout.split())


def test_export_and_an_unchanged_ingest_load_only_what_they_use(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "angiang-pci-2019.docx", folder)
    db = f"sqlite:///{tmp_path / 'w.sqlite'}"
    assert cli("ingest", folder, "--db", db, "--jobs", "1").returncode == 0
    # an export reads the warehouse with SQLAlchemy Core: no ORM models, loader, matcher or readers
    exported = _modules_after(f"import chiso; print(chiso.export({db!r}, {str(tmp_path / 'out')!r}).rows)")
    assert (tmp_path / "out" / "observations.csv").is_file()
    assert not {"sqlmodel", "chiso.load.schema", "chiso.load.loader", "chiso.match.matching",
                "chiso.extract.reader", "chiso.pipeline.batch"} & exported
    # an ingest with nothing new to read (its files hashed, found in the warehouse) imports no reader
    again = _modules_after(f"import chiso; r = chiso.ingest([{str(folder)!r}], db={db!r}, jobs=1); "
                           "assert r.counts['skipped_unchanged'] == 1, r.counts")
    assert "chiso.load.schema" in again
    assert not {"chiso.extract.reader", "chiso.interpret.document"} & again
