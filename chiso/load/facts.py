"""One row per fact: `best.csv` (the best value and every source) and `wide.csv` (years side by side).

The choice of the best value is made by the warehouse view `ranked_observation` (chiso/load/views.py);
here the view's rows are only shaped: its `best_id` names each fact, its `preference` orders the
sources, its `n_documents` and `agree` are copied.
"""

from __future__ import annotations

import json

import pandas as pd

BEST_COLUMNS = ["index", "year", "province", "entity", "criterion", "series", "label", "value", "unit", "max",
                "rank", "rank_of", "flags", "n_documents", "agree", "id", "source_file", "sha256", "page",
                "sources"]
WIDE_KEY = ["index", "province", "entity", "criterion", "unit", "label"]


_to_json = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(…, ensure_ascii=False), one encoder


def _none(value: object) -> object:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _sources(ranked: pd.DataFrame) -> dict[int, str]:
    """best_id → JSON list of every document printing the fact, best first."""
    out: dict[int, list[dict]] = {}
    used = ranked[["best_id", "preference", "source_file", "sha256", "page", "value", "draft", "id"]]
    for best_id, _, source_file, sha256, page, value, draft, oid in used.sort_values(
            ["best_id", "preference"]).itertuples(index=False, name=None):
        page = _none(page)
        out.setdefault(int(best_id), []).append({
            "file": source_file, "sha256": sha256, "page": None if page is None else int(page),
            "value": float(value), "draft": bool(draft), "id": oid})
    return {k: _to_json(v) for k, v in out.items()}


def best_table(ranked: pd.DataFrame) -> pd.DataFrame:
    """The best row of each fact (observation order kept) with its sources."""
    best = ranked[ranked["preference"] == 1].copy()
    best["sources"] = best["best_id"].map(_sources(ranked))
    return best[BEST_COLUMNS]


def wide_table(best: pd.DataFrame) -> pd.DataFrame:
    """One row per index, province, entity, criterion (its label when it has no code) and unit, with one
    column per year holding the best value; the label is the latest year's wording."""
    rows: dict[tuple, dict] = {}
    latest: dict[tuple, int] = {}
    for b in best[WIDE_KEY + ["year", "value"]].to_dict("records"):  # only the columns used: to_dict boxes each
        key = (b["index"], _none(b["province"]), b["entity"], _none(b["criterion"]) or b["label"],
               _none(b["unit"]))
        row = rows.setdefault(key, {k: _none(b[k]) for k in WIDE_KEY})
        year = int(b["year"])
        row[str(year)] = b["value"]
        if year >= latest.get(key, year):
            row["label"] = b["label"]
            latest[key] = year
    years = sorted({int(y) for y in best["year"].dropna()})
    return pd.DataFrame(list(rows.values()), columns=WIDE_KEY + [str(y) for y in years])
