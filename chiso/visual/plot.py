"""`chiso plot`: one province's index over the years, the national figure beside it, and the
years where documents disagree marked — what a user backfilling a decade looks at first.

Values come from the `best_observation` view (one per index, year, entity, criterion),
so the line is what an analyst would take. A missing year is a gap, never interpolated.
The national figure is the published one (entity "Cả nước"); where a national dataset
(`document.source_kind = 'national_dataset'`) gives every province's value, its median
and range are drawn too. Methodology periods (db/catalogue/periods.csv) are marked,
because a jump at a period boundary is a change of method, not of governance.
Drawn with matplotlib's object API (`Figure`, no pyplot state, no display needed): png or svg
by the file suffix.
"""

from __future__ import annotations

import math
import re
import statistics
import textwrap
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sqlalchemy.engine import Engine

from chiso.db.catalogue import catalogue
from chiso.db.reference import resolve_province
from chiso.match.entities import classify
from chiso.model import INDICES
from chiso.normalize.numbers import format_vi
from chiso.normalize.text import match_key
from chiso.visual import data

FIGSIZE = (9.0, 4.8)  # inches
DPI = 100
_INDEX_NAMES = {"PAR": "PAR_INDEX", "PARINDEX": "PAR_INDEX", "CCHC": "PAR_INDEX", "CHISOCCHC": "PAR_INDEX"}


@dataclass
class Point:
    year: int
    value: float
    source_file: str
    uid: str
    decimals: int = 2
    conflict: bool = False  # another document gives another value for this fact


@dataclass
class Series:
    label: str
    points: list[Point]

    @property
    def years(self) -> list[int]:
        return [p.year for p in self.points]

    @property
    def values(self) -> list[float]:
        return [p.value for p in self.points]


@dataclass
class Plotted:
    path: Path | None
    index: str
    province: str
    criteria: list[str]
    name: str  # the criterion as the catalogue names it
    unit: str
    province_series: Series
    national: Series | None = None  # published "Cả nước" values
    dataset_median: Series | None = None  # median of a national dataset's provinces
    others: dict[int, list[tuple[float, str]]] = field(default_factory=dict)  # year → disagreeing values
    size: tuple[int, int] = (int(FIGSIZE[0] * DPI), int(FIGSIZE[1] * DPI))


def canonical_index(name: str) -> str:
    key = re.sub(r"[^A-Z]", "", name.upper())
    found = _INDEX_NAMES.get(key) or next((i for i in INDICES if i.replace("_", "") == key), None)
    if found is None:
        raise data.VisualError(f"unknown index {name!r}: use one of {', '.join(INDICES)}")
    return found


def _is_national(entity: str) -> bool:
    return classify(entity, None).kind == "national"


def entity_matcher(province: str) -> Callable[[str], bool]:
    """Which printed entities are this province: by its code (any of its names, with or without
    "tỉnh"), never a city of the same name; a name that is no province must match as printed."""
    prov = resolve_province(province)
    if prov is None:
        key = match_key(province)
        return lambda entity: match_key(entity) == key

    def same(entity: str) -> bool:
        info = classify(entity, None)
        return info.kind == "province" and info.canonical == prov.code
    return same


def total_criteria(engine: Engine, index: str) -> list[str]:
    """The index's own total (the catalogue's level 'total'), in every methodology period."""
    found = data.rows(engine, 'SELECT DISTINCT code FROM criterion WHERE "index" = :i AND level = \'total\'', i=index)
    return [r["code"] for r in found] or [f"{index.lower()}.total"]


def _best_rows(engine: Engine, index: str, criteria: list[str]) -> list[dict]:
    marks = ", ".join(f":c{i}" for i in range(len(criteria)))
    return data.rows(engine, f"""
        SELECT b.year, b.value, b.decimals, b.unit, b.entity, b.uid, b.flags, b.source_file, b.criterion, b.series,
               b.draft, b.document_date, b.document_id, d.source_kind
        FROM best_observation b JOIN document d ON d.id = b.document_id
        WHERE b."index" = :index AND b.measure = 'value'
          AND (b.criterion IN ({marks}) OR b.series IN ({marks}))
        ORDER BY b.year, b.draft, b.document_date DESC, b.document_id DESC""",
                     index=index, **{f"c{i}": c for i, c in enumerate(criteria)})


def _disagreeing(engine: Engine, index: str, is_mine: Callable[[str], bool], criteria: list[str]
                 ) -> dict[int, list]:
    """Values of other current documents for the same facts, where a conflict was flagged."""
    marks = ", ".join(f":c{i}" for i in range(len(criteria)))
    found = data.rows(engine, f"""
        SELECT o.year, o.value, o.entity, o.uid, d.source_file FROM observation o
        JOIN document d ON d.id = o.document_id
        WHERE d.status = 'current' AND o."index" = :index AND o.measure = 'value'
          AND (o.criterion IN ({marks}) OR o.series IN ({marks}))
          AND o.flags LIKE :conflict""", index=index, conflict="%cross_source_conflict%",
                       **{f"c{i}": c for i, c in enumerate(criteria)})
    out: dict[int, list] = defaultdict(list)
    for r in found:
        if is_mine(r["entity"]):
            out[r["year"]].append(r)
    return out


def _series(label: str, rows: list[dict]) -> Series:
    """One value per year: rows come in the view's preference order, the first of a year wins."""
    by_year: dict[int, Point] = {}
    for r in rows:
        if r["year"] not in by_year:
            by_year[r["year"]] = Point(r["year"], r["value"], r["source_file"], r["uid"], r["decimals"] or 0,
                                       "cross_source_conflict" in (r["flags"] or ""))
    return Series(label, [by_year[y] for y in sorted(by_year)])


def series_for(engine: Engine, province: str, index: str, criterion: str | None = None) -> Plotted:
    """The data of the plot (no drawing): the province's values, the national ones, conflicts."""
    index = canonical_index(index)
    criteria = [criterion] if criterion else total_criteria(engine, index)
    rows = _best_rows(engine, index, criteria)
    is_mine = entity_matcher(province)
    mine = [r for r in rows if is_mine(r["entity"])]
    if not mine:
        provinces = sorted({r["entity"] for r in rows if classify(r["entity"], None).kind == "province"})
        hint = f"; provinces with values: {', '.join(provinces[:20])}" if provinces else ""
        raise data.VisualError(f"no {index} values of {' / '.join(criteria)} for {province!r} in the warehouse{hint}")
    names = data.rows(engine, "SELECT name FROM criterion WHERE code = :c", c=mine[0]["series"] or mine[0]["criterion"])
    out = Plotted(None, index, mine[0]["entity"], criteria, names[0]["name"] if names else criteria[0],
                  mine[0]["unit"] or "",
                  _series(mine[0]["entity"], mine))
    national = [r for r in rows if _is_national(r["entity"])]
    if national:
        out.national = _series("Cả nước (published)", national)
    dataset: dict[int, list[float]] = defaultdict(list)
    for r in rows:
        if r["source_kind"] == "national_dataset" and not _is_national(r["entity"]):
            dataset[r["year"]].append(r["value"])
    if dataset:
        out.dataset_median = Series("median of provinces (national dataset)", [
            Point(y, statistics.median(v), "", "", 2) for y, v in sorted(dataset.items()) if len(v) >= 3])
    chosen = {p.year: p.value for p in out.province_series.points}
    for year, others in _disagreeing(engine, index, is_mine, criteria).items():
        differing = [(r["value"], r["source_file"]) for r in others if r["value"] != chosen.get(year)]
        if differing:
            out.others[year] = differing
    return out


def _gapped(series: Series, years: list[int]) -> list[float]:
    """Values on every year of the axis, NaN where a year is missing: a gap, not a guess."""
    by_year = {p.year: p.value for p in series.points}
    return [by_year.get(y, math.nan) for y in years]


def _mark_periods(ax, index: str, years: list[int]) -> None:  # noqa: ANN001
    for name, start, _end in catalogue().periods.get(index, []):
        if years[0] < start <= years[-1]:
            ax.axvline(start - 0.5, color="#999999", linestyle=":", linewidth=1)
            ax.annotate(f"methodology {name}", (start - 0.45, 0.02), xycoords=("data", "axes fraction"),
                        rotation=90, va="bottom", fontsize=7, color="#777777")


def _mark_conflicts(ax, plotted: Plotted) -> None:  # noqa: ANN001
    flagged = [p for p in plotted.province_series.points if p.conflict or p.year in plotted.others]
    if not flagged:
        return
    ax.scatter([p.year for p in flagged], [p.value for p in flagged], s=260, facecolors="none",
               edgecolors="#d62728", linewidths=2, zorder=4, label="documents disagree")
    for i, (year, others) in enumerate(sorted(plotted.others.items())):
        ax.scatter([year] * len(others), [v for v, _ in others], marker="x", color="#d62728", zorder=4,
                   label="another document's value" if i == 0 else None)
        for value, source in others:
            ax.annotate(f"{format_vi(value, 2)} ({source})", (year, value), textcoords="offset points",
                        xytext=(8, -3), fontsize=7, color="#d62728")


def draw(plotted: Plotted, out: Path) -> None:
    """The figure, png or svg by the file's suffix."""
    if out.suffix.lower() not in (".png", ".svg"):
        raise data.VisualError(f"{out}: the picture must be a .png or .svg file")
    everything = [plotted.province_series, plotted.national, plotted.dataset_median]
    years = list(range(min(min(s.years) for s in everything if s and s.points),
                       max(max(s.years) for s in everything if s and s.points) + 1))
    fig = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    mine = plotted.province_series
    ax.plot(years, _gapped(mine, years), marker="o", color="#1f5fa8", linewidth=2, label=mine.label, zorder=3)
    for p in mine.points:
        ax.annotate(format_vi(p.value, p.decimals), (p.year, p.value), textcoords="offset points",
                    xytext=(0, 8), ha="center", fontsize=8, color="#1f5fa8")
    if plotted.national:
        ax.plot(years, _gapped(plotted.national, years), marker="s", color="#555555", linestyle="--",
                label=plotted.national.label)
    if plotted.dataset_median:
        ax.plot(years, _gapped(plotted.dataset_median, years), marker=".", color="#888888", linestyle=":",
                label=plotted.dataset_median.label)
    _mark_conflicts(ax, plotted)
    _mark_periods(ax, plotted.index, years)
    ax.set_title(textwrap.shorten(f"{plotted.index} · {plotted.name} · {plotted.province}", 110), fontsize=11)
    ax.set_xlabel("year the value describes")
    ax.set_ylabel({"%": "%", "points": "points (điểm)"}.get(plotted.unit, plotted.unit))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    ax.margins(y=0.18)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=DPI)


def plot_series(warehouse_url: str | None, province: str, index: str, out: Path,
                criterion: str | None = None) -> Plotted:
    """Draw the series and return exactly what was drawn."""
    wh = data.open_warehouse(warehouse_url)
    plotted = series_for(wh.engine, province, index, criterion)
    draw(plotted, out)
    plotted.path = out
    return plotted
