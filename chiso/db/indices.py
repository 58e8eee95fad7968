"""The index families (catalogue/indices.csv): one home for what chiso knows of each index.

How a text mentions an index (to tell which families a document reports), how a subject
names the index itself (so that "Chỉ số SIPAS của tỉnh đạt …" is the total, not a
criterion), its default unit, the maximum of its total, how to label the index's own
value, and the order in which families are listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from chiso.db.reference import read_csv


@dataclass(frozen=True)
class IndexFamily:
    index: str
    order: int
    name: str
    short_label: str
    default_unit: str
    total_max: float | None
    mention: re.Pattern[str]
    names_index: re.Pattern[str]
    title_label: str


@lru_cache(maxsize=1)
def families() -> dict[str, IndexFamily]:
    out: dict[str, IndexFamily] = {}
    for row in read_csv("catalogue/indices.csv"):
        out[row["index"]] = IndexFamily(
            row["index"], int(row["order"]), row["name"], row["short_label"], row["default_unit"],
            float(row["total_max"]) if row.get("total_max") else None,
            re.compile(row["mention_pattern"], re.I), re.compile(row["name_pattern"], re.I), row["title_label"])
    return dict(sorted(out.items(), key=lambda kv: kv[1].order))


def index_names() -> tuple[str, ...]:
    return tuple(families())


def detect_indices(text: str) -> list[str]:
    """The families a text mentions, in catalogue order."""
    return [name for name, fam in families().items() if fam.mention.search(text)]


def names_index(text: str, index: str) -> bool:
    """Does the text name the index itself (its full name, abbreviation or short label)?"""
    fam = families().get(index)
    return bool(fam and fam.names_index.search(text))


def strip_index_name(text: str, index: str) -> str:
    fam = families().get(index)
    return fam.names_index.sub("", text) if fam else text


def default_unit(index: str) -> str | None:
    fam = families().get(index)
    return fam.default_unit if fam else None


def sort_indices(indices: set[str] | list[str]) -> list[str]:
    order = {name: fam.order for name, fam in families().items()}
    return sorted(set(indices), key=lambda i: order.get(i, 99))
