"""The schema version, on both backends: stored at creation, a foreign database refused untouched, a newer
chiso's warehouse refused, a warehouse older than stored versions upgraded in place."""

import pytest
from sqlalchemy import create_engine, inspect, text

from chiso.load.dialect import WarehouseError, engine_url
from chiso.load.migrations import SCHEMA_VERSION, UNVERSIONED, check_schema
from chiso.load.warehouse import Warehouse


def _sql(url: str, *statements: str) -> list:
    engine = create_engine(engine_url(url))
    out = []
    with engine.begin() as conn:
        for sql in statements:
            result = conn.execute(text(sql))
            out = result.all() if result.returns_rows else out
    engine.dispose()
    return out


def _tables(url: str) -> set[str]:
    engine = create_engine(engine_url(url))
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def test_a_new_warehouse_stores_its_schema_version_and_opens_again(db_url):
    wh = Warehouse(db_url)
    with wh.engine.connect() as conn:
        assert check_schema(conn) == SCHEMA_VERSION
    wh.engine.dispose()
    assert _sql(db_url, "SELECT value FROM chiso_meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    Warehouse(db_url).engine.dispose()
    assert _sql(db_url, "SELECT count(*) FROM chiso_meta WHERE key = 'schema_version'") == [(1,)]


def test_another_applications_database_is_refused_and_left_unchanged(db_url):
    _sql(db_url, "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT)",
         "INSERT INTO customer (id, name) VALUES (1, 'An')")
    with pytest.raises(WarehouseError, match=r"not a chiso warehouse .*customer.*refusing"):
        Warehouse(db_url)
    assert _tables(db_url) == {"customer"}
    assert _sql(db_url, "SELECT id, name FROM customer") == [(1, "An")]


def test_a_newer_chiso_warehouse_is_refused(db_url):
    Warehouse(db_url).engine.dispose()
    _sql(db_url, f"UPDATE chiso_meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'")
    with pytest.raises(WarehouseError, match=f"schema version {SCHEMA_VERSION + 1}, made by a newer chiso"):
        Warehouse(db_url)


def test_a_warehouse_from_before_versions_gets_its_missing_columns_and_keeps_its_rows(db_url):
    wh = Warehouse(db_url)
    wh.start_run("old run")
    wh.engine.dispose()
    # as chiso 0.1 left it: no chiso_meta, no observation.responsible, no document.n_numbers/source_key
    _sql(db_url, "DROP VIEW wide_observation", "DROP VIEW best_observation", "DROP VIEW ranked_observation", "DROP TABLE chiso_meta",
         "ALTER TABLE observation DROP COLUMN responsible", "ALTER TABLE document DROP COLUMN n_numbers",
         "ALTER TABLE document DROP COLUMN source_kind", "DROP INDEX ix_document_source_key",
         "ALTER TABLE document DROP COLUMN source_key",
         "INSERT INTO document (sha256, source_file, source_path, format, indices, draft, title, status, loaded_at) "
         "VALUES ('ab', 'a.pdf', '', 'pdf', '', false, '', 'current', '2024-01-01')")
    engine = create_engine(engine_url(db_url))
    with engine.connect() as conn:
        assert check_schema(conn) == UNVERSIONED
    engine.dispose()
    wh = Warehouse(db_url)
    columns = {c["name"] for c in inspect(wh.engine).get_columns("document")}
    assert {"n_numbers", "source_kind", "source_key"} <= columns
    assert "ix_document_source_key" in {i["name"] for i in inspect(wh.engine).get_indexes("document")}
    assert "responsible" in {c["name"] for c in inspect(wh.engine).get_columns("observation")}
    assert "best_observation" in inspect(wh.engine).get_view_names()
    wh.engine.dispose()
    assert _sql(db_url, "SELECT args FROM ingest_run") == [("old run",)]
    assert _sql(db_url, "SELECT value FROM chiso_meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    # the added NOT NULL column got the model's default in the rows already there
    assert _sql(db_url, "SELECT sha256, source_kind, n_numbers FROM document") == [("ab", "report", None)]


def test_an_index_added_to_the_model_is_made_at_the_next_writable_open_without_a_version(db_url):
    """A warehouse made before `ix_observation_fact` (the loader's cross-source question) gets it when next
    opened to write; its rows stay and its schema version does not change (a read-only open needs no index)."""
    wh = Warehouse(db_url)
    wh.start_run("before the index")
    wh.engine.dispose()
    _sql(db_url, "DROP INDEX ix_observation_fact", "DELETE FROM chiso_meta WHERE key = 'indexes'")
    engine = create_engine(engine_url(db_url))
    assert "ix_observation_fact" not in {i["name"] for i in inspect(engine).get_indexes("observation")}
    engine.dispose()
    wh = Warehouse(db_url)
    indexes = {i["name"]: i["column_names"] for i in inspect(wh.engine).get_indexes("observation")}
    wh.engine.dispose()
    assert indexes["ix_observation_fact"] == ["criterion", "entity", "year"]
    assert _sql(db_url, "SELECT args FROM ingest_run") == [("before the index",)]
    assert _sql(db_url, "SELECT value FROM chiso_meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
