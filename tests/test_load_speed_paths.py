"""The loader's fast paths on both backends (a real SQLite file, a real PostgreSQL server): rows written by
chiso/load/bulk.py through the driver's executemany are stored exactly as SQLAlchemy's own INSERT stores them
(the dialect's conversions applied: an integer in a float column, a timestamp), a row that leaves out a column
is refused, and the statements built once (the known entities of a province, or of no province) find what
is stored."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select, text

from chiso.load import loader, schema
from chiso.load.bulk import insert_rows
from chiso.load.warehouse import Warehouse


def _observation(uid: str, doc_id: int, value: float, change: float | None) -> dict:
    row = {c.name: None for c in schema.Observation.__table__.c if c.name != "id"}
    row.update(uid=uid, document_id=doc_id, index="SIPAS", year=2023, province="Lai Châu", entity="Lai Châu",
               criterion="sipas.total", series="sipas.total", label="Chỉ số hài lòng", value=value, rank_scope="national",
               measure="value", decimals=2, change=change, source_kind="table", page=3, provenance='[{"page": 3}]',
               flags="")
    return row


def _stored(conn, table: str, key: str, like: str) -> list[tuple]:
    """Every column of the rows whose `key` starts with `like`, with the type the database stored, `key` and id left out."""
    typeof = "typeof" if conn.dialect.name == "sqlite" else "pg_typeof"
    cols = [c.name for c in schema.SQLModel.metadata.tables[table].c if c.name not in ("id", key)]
    sel = ", ".join(f'"{c}", {typeof}("{c}")' for c in cols)
    return [tuple(r) for r in conn.execute(text(f'SELECT {sel} FROM {table} WHERE "{key}" LIKE :p ORDER BY id'),
                                           {"p": like + "%"})]


def test_bulk_rows_are_stored_as_sqlalchemy_stores_them(db_url):
    wh = Warehouse(db_url)
    created = datetime(2024, 5, 17, 8, 30, 12, 345678, tzinfo=UTC)
    with wh.engine.begin() as conn:
        doc_id = conn.execute(insert(schema.Document), {"sha256": "ab" * 32, "source_file": "a.pdf"}).inserted_primary_key[0]
        values = [(7, None), (7.25, -1), (0.1, 2.5)]  # an int and a float in the Float columns `value` and `change`
        conn.execute(insert(schema.Observation), [_observation(f"sa-{i}", doc_id, v, c) for i, (v, c) in enumerate(values)])
        insert_rows(conn, schema.Observation.__table__,
                    [_observation(f"bulk-{i}", doc_id, v, c) for i, (v, c) in enumerate(values)])
        review = {"kind": "criterion", "index": "SIPAS", "context": "", "label": "Nhãn", "candidates": "[]",
                  "status": "open", "document_id": doc_id, "created_at": created}
        conn.execute(insert(schema.ReviewItem), [{**review, "key": "sa-nhãn"}])
        insert_rows(conn, schema.ReviewItem.__table__, [{**review, "key": "bulk-nhãn"}])
    with wh.engine.connect() as conn:
        by_sqlalchemy, by_bulk = _stored(conn, "observation", "uid", "sa-"), _stored(conn, "observation", "uid", "bulk-")
        assert len(by_bulk) == 3 and by_bulk == by_sqlalchemy
        value_at = [c.name for c in schema.Observation.__table__.c if c.name not in ("id", "uid")].index("value") * 2
        assert [r[value_at] for r in by_bulk] == [7.0, 7.25, 0.1]
        if conn.dialect.name == "sqlite":  # stored as REAL, as SQLAlchemy's Float stores it, not as INTEGER
            assert [r[value_at + 1] for r in by_bulk] == ["real"] * 3
        assert _stored(conn, "review_item", "key", "bulk-") == _stored(conn, "review_item", "key", "sa-")
        stored_at = conn.execute(select(schema.ReviewItem.created_at).where(schema.ReviewItem.key == "bulk-nhãn")).scalar()
        assert stored_at.replace(tzinfo=None) == created.replace(tzinfo=None)


def test_bulk_rows_in_the_order_given_get_ascending_ids(db_url):
    wh = Warehouse(db_url)
    with wh.engine.begin() as conn:
        doc_id = conn.execute(insert(schema.Document), {"sha256": "cd" * 32, "source_file": "b.pdf"}).inserted_primary_key[0]
        uids = [f"u{n:03d}" for n in (5, 1, 4, 2, 3)]
        insert_rows(conn, schema.Observation.__table__, [_observation(u, doc_id, 1.5, None) for u in uids])
        stored = conn.execute(select(schema.Observation.uid).where(schema.Observation.document_id == doc_id)
                              .order_by(schema.Observation.id)).scalars().all()
    assert stored == uids


def test_a_row_without_a_column_that_has_a_default_is_refused(tmp_path):
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.sqlite'}")
    with wh.engine.begin() as conn, pytest.raises(ValueError, match="INSERT INTO flag"):
        insert_rows(conn, schema.Flag.__table__, [{"document_id": 1, "code": "x"}])  # no severity, message, context


def test_known_entities_of_a_province_and_of_no_province(db_url):
    wh = Warehouse(db_url)
    with wh.engine.begin() as conn:
        for _ in range(2):  # the second time every name is known: nothing is added
            loader._entities(conn, None, {"Bộ Nội vụ"})
            loader._entities(conn, "Lai Châu", {"Lai Châu", "Sở Tư pháp"})
            loader._entities(conn, "Sơn La", {"Sở Tư pháp"})
        rows = conn.execute(select(schema.Entity.name, schema.Entity.province).order_by(schema.Entity.id)).all()
    assert [tuple(r) for r in rows] == [("Bộ Nội vụ", None), ("Lai Châu", "Lai Châu"), ("Sở Tư pháp", "Lai Châu"),
                                        ("Sở Tư pháp", "Sơn La")]
