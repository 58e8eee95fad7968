"""The `show`, `plot` and `report` commands' work, behind thin wrappers in chiso/cli.py: each
prints what it wrote (or why it could not) and returns the exit code."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape

from chiso.visual import data
from chiso.visual.data import VisualError
from chiso.visual.sources import SourceError


def show(console: Console, db: str | None, ident: str, out: Path, all_places: bool = False,
         source: Path | None = None) -> int:
    from chiso.visual.show import printed_value, show_observation

    try:
        shown = show_observation(db, ident, out, all_places=all_places, source=source)
    except (VisualError, SourceError) as e:
        console.print(f"[red]cannot show {escape(ident)}[/]: {escape(str(e))}")
        return 1
    obs = shown.observation
    where = "; ".join(", ".join(x for x in (f"page {p.page}" if p.page else "", data.place_label(p.place),
                                             p.method, "LibreOffice print" if p.rendered else "") if x)
                      for p in shown.panels)
    console.print(f"wrote {escape(str(out))}: {escape(obs['index'])} {obs['year']} · {escape(obs['entity'])} · "
                  f"{escape(obs['label'])} = {escape(printed_value(obs))} — {escape(shown.document['source_file'])} "
                  f"{escape(where)}")
    for panel in shown.panels:
        if panel.note:
            console.print(f"  [yellow]note[/]: {escape(panel.note)}")
    for warning in shown.warnings:
        console.print(f"[bold yellow]warning[/]: {escape(warning)}")
    return 0


def plot(console: Console, db: str | None, province: str, index: str, out: Path, criterion: str | None) -> int:
    from chiso.visual.plot import plot_series

    try:
        plotted = plot_series(db, province, index, out, criterion)
    except VisualError as e:
        console.print(f"[red]cannot plot[/]: {escape(str(e))}")
        return 1
    years = plotted.province_series.years
    line = (f"wrote {escape(str(out))}: {escape(plotted.province)} {plotted.index} {escape(' / '.join(plotted.criteria))}"
            f", {len(years)} years {years[0]}–{years[-1]}")
    if plotted.national:
        line += f"; national figure for {len(plotted.national.points)} years"
    if plotted.others:
        line += f"; documents disagree in {', '.join(str(y) for y in sorted(plotted.others))}"
    console.print(line)
    return 0


def report(console: Console, db: str | None, out: Path) -> int:
    from chiso.visual.report import write_report

    try:
        path = write_report(db, out)
    except VisualError as e:
        console.print(f"[red]cannot write the report[/]: {escape(str(e))}")
        return 1
    console.print(f"wrote {escape(str(path))} ({path.stat().st_size // 1024} kB)")
    return 0
