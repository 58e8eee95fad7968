"""Read-only queries on the warehouse for the pictures and the report (SQLAlchemy Core)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from chiso.load.warehouse import DEFAULT_DB, Warehouse


class VisualError(Exception):
    """Something the user asked for that cannot be drawn, with the reason."""


def open_warehouse(url: str | None) -> Warehouse:
    """An existing warehouse: a mistyped SQLite path is an error, not a new empty file."""
    url = url or DEFAULT_DB
    if url.startswith("sqlite") and ":memory:" not in url:
        path = Path(url.split("///", 1)[-1])
        if not path.is_file():
            raise VisualError(f"no warehouse at {path} (run `chiso ingest` first, or pass --db)")
    try:
        return Warehouse(url)
    except Exception as e:  # a driver missing, a server away, another application's database
        raise VisualError(f"cannot open the warehouse {url}: {type(e).__name__}: {e}") from e


def rows(engine: Engine, sql: str, **params: object) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql), params)]


def observation(engine: Engine, ident: str) -> dict:
    """An observation by its stable uid (16 hex digits) or its integer id."""
    ident = ident.strip()
    found = rows(engine, "SELECT * FROM observation WHERE uid = :u", u=ident.lower())
    if not found and re.fullmatch(r"\d{1,15}", ident):
        found = rows(engine, "SELECT * FROM observation WHERE id = :i", i=int(ident))
    if not found:
        raise VisualError(f"no observation with uid or id {ident!r} in the warehouse")
    return found[0]


def document(engine: Engine, document_id: int) -> dict:
    found = rows(engine, "SELECT * FROM document WHERE id = :i", i=document_id)
    if not found:
        raise VisualError(f"document {document_id} is not in the warehouse")
    return found[0]


def places(obs: dict) -> list[dict]:
    """Every place the value is printed (provenance JSON), the first being where it was read."""
    try:
        found = json.loads(obs.get("provenance") or "[]")
    except json.JSONDecodeError:
        found = []
    if isinstance(found, dict):
        found = [found]
    found = [p for p in found if isinstance(p, dict)]
    if not found:  # an older row: the columns hold the first place
        bbox = [float(v) for v in obs["bbox"].split(",")] if obs.get("bbox") else None
        found = [{k: v for k, v in {"kind": obs.get("source_kind") or "table", "page": obs.get("page"),
                                    "table": obs.get("table_no"), "row": obs.get("row_no"),
                                    "col": obs.get("col_no"), "block": obs.get("block_no"),
                                    "bbox": bbox}.items() if v is not None}]
    return found


def cell_name(row: int, col: int) -> str:
    """A spreadsheet cell as a spreadsheet names it: row 0, column 0 is A1."""
    letters, n = "", col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def place_label(place: dict) -> str:
    """`table 1, row 3, column 2` / `paragraph 7` / `sheet 'PAPI', cell L2`, as a person reads it."""
    if place.get("kind") == "sheet":
        sheet = f"sheet {place['sheet']!r}" if place.get("sheet") else f"sheet {place.get('table', '?')}"
        if place.get("row") is None or place.get("col") is None:
            return sheet
        return f"{sheet}, cell {cell_name(place['row'], place['col'])}"
    if place.get("kind") == "table":
        return f"table {place.get('table', '?')}, row {place.get('row', '?')}, column {place.get('col', '?')}"
    what = "footnote" if place.get("kind") == "footnote" else "paragraph"
    return f"{what} {place.get('block', '?')}"
