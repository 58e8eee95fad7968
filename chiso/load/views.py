"""The warehouse's SQL views: the best-value rule, written once, in SQL that SQLite and PostgreSQL share.

Why views and not Python: analysts query the warehouse directly (Datasette, psql, R's DBI), so the
rule that picks one value per fact must live in the database, and the export reads the same views.
Only standard SQL is used — window functions with a named WINDOW clause (SQLite ≥ 3.28,
PostgreSQL), subqueries with an alias, CASE instead of `power()` or `iif()`, and the column named
"index" always quoted — so the same text runs on both engines.

A *fact* is (index, year, province, entity, criterion — the printed label when no catalogue code —,
measure). The province is part of it because agencies are named without their province ("Sở Tư pháp"
of Sơn La is not the one of Lai Châu); a province's own figure printed by another province's report
stays a separate fact rather than risk merging two different entities.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlalchemy.engine import Connection

BEST_RULE = ("When documents disagree, every value stays in the warehouse, flagged cross_source_conflict. "
             "The best value of a fact (index, year, province, entity, criterion) is the one from a "
             "document without damage rather than one flagged damaged_source (a file that opens but whose "
             "bytes do not match what its format records), then from an "
             "official document rather than a draft (DỰ THẢO), then from the document with the later "
             "date, then from the document with the smaller sha256 and the value with the smaller stable id "
             "(a fixed order, so the choice does not depend on which machine loaded what first). Values agree when they differ by no more than half "
             "a unit of the coarser printed precision.")

_FACT = ('{p}"index"', "{p}year", "{p}province", "{p}entity", "COALESCE({p}criterion, {p}label)", "{p}measure")
# official before draft, newer document date first (ISO text, partial dates sort before full ones of
# the same year), then a fixed order of the documents' hashes: the same documents give the same best
# values whatever order they were loaded in, by one machine or several at once (a PDF and a DOCX of
# one report often tie up to here; "loaded last" would make the choice a race)
# A document flagged damaged_source (it opened, but its bytes do not match what its format records:
# checks/damage.py) comes after every sound one, whatever its date.
# (The damaged documents are found once, in a derived table joined to every row: a subquery per row read
# every flag of the row's document, thousands for a long report, for each of its values.)
_PREFERENCE = ("CASE WHEN dmg.document_id IS NULL THEN 0 ELSE 1 END ASC, d.draft ASC, COALESCE(d.date, '') DESC, "
               "d.sha256 ASC, o.uid ASC")
# half a unit of the coarser printed precision, as the loader's cross-source check uses
_TOLERANCE = ("CASE MIN(p.decimals) OVER fact WHEN 0 THEN 0.5 WHEN 1 THEN 0.05 WHEN 2 THEN 0.005 "
              "WHEN 3 THEN 0.0005 WHEN 4 THEN 0.00005 ELSE 0.000005 END + 0.000000001")


def _fact(prefix: str) -> str:
    return ", ".join(part.format(p=prefix) for part in _FACT)


# Every current observation with its document, its place in the preference order of its fact
# (1 = best), the id of its fact's best observation, how many documents print the fact and whether
# their values agree.
RANKED_VIEW = f"""
CREATE VIEW ranked_observation AS
SELECT p.*,
       SUM(CASE WHEN p.doc_repeat = 1 THEN 1 ELSE 0 END) OVER fact AS n_documents,
       CASE WHEN MAX(p.value) OVER fact - MIN(p.value) OVER fact <= {_TOLERANCE} THEN 1 ELSE 0 END AS agree
FROM (
  SELECT o.*, d.source_file, d.sha256, d.draft, d.date AS document_date,
         ROW_NUMBER() OVER (fact ORDER BY {_PREFERENCE}) AS preference,
         FIRST_VALUE(o.id) OVER (fact ORDER BY {_PREFERENCE}) AS best_id,
         ROW_NUMBER() OVER (PARTITION BY {_fact("o.")}, o.document_id ORDER BY o.id) AS doc_repeat
  FROM observation o JOIN document d ON d.id = o.document_id
       LEFT JOIN (SELECT DISTINCT document_id FROM flag WHERE code = 'damaged_source') AS dmg
              ON dmg.document_id = d.id
  WHERE d.status = 'current'
  WINDOW fact AS (PARTITION BY {_fact("o.")})
) AS p
WINDOW fact AS (PARTITION BY {_fact("p.")})
"""

# One value per fact: the first of the preference order.
BEST_VIEW = """
CREATE VIEW best_observation AS
SELECT * FROM ranked_observation WHERE preference = 1
"""

FIRST_YEAR = 2005  # the first PCI; no index chiso reads has earlier figures


def _wide_view(last_year: int) -> str:
    """Best values with the years side by side, as `wide.csv`, for spreadsheet users of the database
    (Datasette, BI). SQL has no dynamic pivot, so the view has a column for every year from FIRST_YEAR to
    `last_year`; its text changes once a year and the view is then recreated (ensure_schema compares)."""
    years = ",\n       ".join(f'MAX(CASE WHEN w.year = {y} THEN w.value END) AS "{y}"'
                               for y in range(FIRST_YEAR, last_year + 1))
    return f"""
CREATE VIEW wide_observation AS
SELECT w."index", w.province, w.entity, w.criterion, w.unit, MAX(w.latest_label) AS label,
       {years}
FROM (
  SELECT b."index", b.province, b.entity, COALESCE(b.criterion, b.label) AS criterion, b.unit, b.year, b.value,
         FIRST_VALUE(b.label) OVER (PARTITION BY b."index", b.province, b.entity, COALESCE(b.criterion, b.label),
                                    b.unit ORDER BY b.year DESC) AS latest_label
  FROM best_observation b WHERE b.measure = 'value'
) AS w
GROUP BY w."index", w.province, w.entity, w.criterion, w.unit
"""


# Created in this order, dropped in the reverse order (a view depends on the ones before it).
VIEWS: dict[str, str] = {"ranked_observation": RANKED_VIEW, "best_observation": BEST_VIEW,
                         "wide_observation": _wide_view(date.today().year + 1)}


def create_views(conn: Connection) -> None:
    """(Re)create every view, so a warehouse opened by a newer chiso gets the current definitions."""
    for name in reversed(VIEWS):
        conn.execute(text(f"DROP VIEW IF EXISTS {name}"))
    for sql in VIEWS.values():
        conn.execute(text(sql))
