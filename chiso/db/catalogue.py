"""The reviewed catalogue of criteria (catalogue/*.csv), loaded once.

Methodology periods, the criteria of each period with their hierarchy, names and
aliases, and the crosswalk that says which code a renamed criterion continues as.

Loading it computes a matching key for every name and alias, which is the costly part;
`criterion_rows` reads the same criteria without keys, for the warehouse's `criterion`
table (opening a warehouse to export does not need the keys); `criteria_version` is a hash of the
criteria file, so a warehouse that already holds this catalogue is not given it again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from chiso.db.reference import read_csv
from chiso.normalize.text import match_key


@dataclass
class Node:
    index: str
    period: str
    code: str
    parent: str | None
    level: str
    name: str
    keys: list[str]
    children: list[str] = field(default_factory=list)
    number: str = ""
    max: float | None = None  # the methodology's maximum, where fixed: tells an area's evidence points from its score


@dataclass
class Catalogue:
    nodes: dict[tuple[str, str, str], Node]  # (index, period, code)
    periods: dict[str, list[tuple[str, int, int | None]]]  # index -> [(period, from, to)]
    successors: dict[tuple[str, str], str] = field(default_factory=dict)  # (index, code) -> successor code
    _by_period: dict[tuple[str, str], list[Node]] = field(default_factory=dict, repr=False, compare=False)

    def series(self, index: str, code: str) -> str:
        """The newest code of a criterion: follows renames and successions (not splits/merges)."""
        seen = {code}
        while (nxt := self.successors.get((index, code))) and nxt not in seen:
            seen.add(nxt)
            code = nxt
        return code

    def period_for(self, index: str, year: int) -> str | None:
        spans = self.periods.get(index, [])
        for name, start, end in spans:
            if start <= year and (end is None or year <= end):
                return name
        if not spans:
            return None
        # outside every span: the nearest one
        return min(spans, key=lambda s: min(abs(year - s[1]), abs(year - (s[2] or s[1]))))[0]

    def in_period(self, index: str, period: str) -> list[Node]:
        """The nodes of one index and period, in catalogue order (a new list; the scan is done once)."""
        nodes = self._by_period.get((index, period))
        if nodes is None:
            nodes = self._by_period[(index, period)] = [n for (i, p, _), n in self.nodes.items()
                                                        if i == index and p == period]
        return list(nodes)

    def descendants(self, node: Node) -> list[Node]:
        out, stack = [], list(node.children)
        while stack:
            code = stack.pop()
            child = self.nodes.get((node.index, node.period, code))
            if child:
                out.append(child)
                stack.extend(child.children)
        return out


CRITERIA_FILE = "catalogue/criteria.csv"


@lru_cache(maxsize=1)
def _criteria() -> list[dict[str, str]]:
    return read_csv(CRITERIA_FILE)


def criteria_version() -> str:
    """A hash of the criteria file the `criterion` table is copied from ('' when there is none): it
    changes with any edit, even one that keeps the number of rows."""
    try:
        data = resources.files("chiso.db").joinpath(CRITERIA_FILE).read_bytes()
    except FileNotFoundError:
        return ""
    return hashlib.sha256(data).hexdigest()[:16]


def criterion_rows() -> list[dict[str, str | None]]:
    """The criteria as the warehouse's `criterion` table holds them (one row per index, period
    and code, in catalogue order), without computing matching keys."""
    rows: dict[tuple[str, str, str], dict[str, str | None]] = {}
    for row in _criteria():
        rows[(row["index"], row["period"], row["code"])] = {
            "index": row["index"], "period": row["period"], "code": row["code"],
            "parent": row.get("parent") or None, "level": row.get("level", ""), "name": row["name"]}
    return list(rows.values())


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text and text.strip() else None
    except ValueError:
        return None


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    nodes: dict[tuple[str, str, str], Node] = {}
    for row in _criteria():
        names = [row["name"]] + [a for a in row.get("aliases", "").split(";") if a.strip()]
        keys = list(dict.fromkeys(k for k in (match_key(n) for n in names) if k))
        nodes[(row["index"], row["period"], row["code"])] = Node(
            row["index"], row["period"], row["code"], row.get("parent") or None, row.get("level", ""),
            row["name"], keys, number=(row.get("number") or "").strip(), max=_float(row.get("max")))
    for node in nodes.values():
        if node.parent and (parent := nodes.get((node.index, node.period, node.parent))):
            parent.children.append(node.code)
    periods: dict[str, list[tuple[str, int, int | None]]] = {}
    for row in read_csv("catalogue/periods.csv"):
        try:
            start = int(row["valid_from"])
        except (KeyError, ValueError):
            continue
        end = int(row["valid_to"]) if row.get("valid_to", "").strip().isdigit() else None
        periods.setdefault(row["index"], []).append((row["period"], start, end))
    successors: dict[tuple[str, str], str] = {}
    for row in read_csv("catalogue/crosswalk.csv"):
        if row.get("relation") in ("same", "renamed", "replaced") and row.get("from_code") != row.get("to_code"):
            successors[(row["index"], row["from_code"])] = row["to_code"]
    return Catalogue(nodes, periods, successors)


