"""What a table is, before a layout reads it: its header rows and the role of each column."""

from __future__ import annotations

from dataclasses import dataclass

from chiso.interpret.tables.columns import Column, classify, header_rows, year_column
from chiso.model import Table


@dataclass
class TableShape:
    n_head: int
    cols: list[Column]
    year_rows: Column | None  # a column of years down the rows

    @property
    def roles(self) -> list[str]:
        return [c.role for c in self.cols]

    def of(self, role: str) -> list[Column]:
        return [c for c in self.cols if c.role == role]

    def first(self, role: str) -> Column | None:
        return next((c for c in self.cols if c.role == role), None)

    @property
    def header(self) -> str:
        return " | ".join(c.header for c in self.cols)


def table_shape(t: Table) -> TableShape:
    n_head = header_rows(t)
    cols = classify(t, n_head)
    return TableShape(n_head, cols, year_column(t, cols, n_head))
