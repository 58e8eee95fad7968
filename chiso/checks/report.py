"""`chiso check`: the flags of the warehouse, grouped by document and severity."""

from __future__ import annotations

from collections import Counter, defaultdict

from rich.console import Console
from rich.table import Table
from sqlmodel import select

from chiso.load.schema import Document, Flag
from chiso.load.warehouse import Warehouse

SEVERITIES = ("error", "warning", "info")


def flag_report(wh: Warehouse, console: Console, show_info: bool = False) -> Counter[str]:
    with wh.session() as s:
        rows = s.exec(select(Flag, Document).join(Document, Document.id == Flag.document_id)
                      .where(Document.status == "current").order_by(Document.source_file, Flag.id)).all()
    rows = sorted(rows, key=lambda r: (r[1].source_file, r[0].id))  # code-point order on every engine
    totals: Counter[str] = Counter()
    by_doc: dict[str, list[Flag]] = defaultdict(list)
    for flag, doc in rows:
        totals[flag.severity] += 1
        by_doc[doc.source_file + (" (DỰ THẢO)" if doc.draft else "")].append(flag)
    for name, flags in by_doc.items():
        shown = [f for f in flags if show_info or f.severity != "info"]
        if not shown:
            continue
        table = Table(title=name, title_justify="left", show_lines=False)
        table.add_column("severity")
        table.add_column("code")
        table.add_column("page", justify="right")
        table.add_column("message")
        for sev in SEVERITIES:
            for f in shown:
                if f.severity == sev:
                    style = {"error": "red", "warning": "yellow", "info": "dim"}[sev]
                    table.add_row(f"[{style}]{sev}[/]", f.code, str(f.page or ""), f.message)
        console.print(table)
    console.print(f"{totals['error']} errors, {totals['warning']} warnings, {totals['info']} info "
                  f"in {len(by_doc)} documents")
    return totals
