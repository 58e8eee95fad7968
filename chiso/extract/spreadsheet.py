"""Spreadsheets (.xlsx, legacy .xls, CSV) → the shared model: one `Table` per sheet.

National data files (PAPI, PCI) are published as workbooks and CSV tables with provinces
in rows. Each sheet becomes one `Table` whose grid positions are the sheet's own (row 0,
col 0 = cell A1), so that a value's provenance (sheet, row, col) finds the cell again.
Cell text is what the cell holds: a number cell gives Python's shortest round-trip text
(`repr`), so the interpreter reads back exactly the stored number; a date cell gives ISO
text (a date is never a figure); a blank cell gives no `Cell` at all (blank is not zero).

Readers: openpyxl (read-only, cached formula values) for .xlsx, xlrd for BIFF .xls, the
standard `csv` module (delimiter sniffed) for CSV. Merged ranges are not expanded: a
national data sheet's values are never merged, only its group headings are.

Bounded: a workbook with more than `MAX_CELLS` cells, or whose sheets inflate beyond
`MAX_XML_BYTES`, is refused with a reason (a zip bomb or an export of something else).
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from datetime import date, datetime, time
from pathlib import Path

from chiso.model import Cell, ExtractedDocument, ExtractionError, Table

MAX_CELLS = 2_000_000  # all sheets together; the largest national file has ~90,000
MAX_XML_BYTES = 300 * 1024 * 1024  # uncompressed size of an .xlsx's parts
CSV_SAMPLE = 64 * 1024


def read_spreadsheet(path: str | Path, sha256: str, data: bytes, kind: str) -> ExtractedDocument:
    """Read an .xlsx, .xls or CSV file already sniffed as `kind`."""
    name = Path(path).name
    if kind == "xlsx":
        sheets, title = _xlsx_sheets(data, name)
    elif kind == "xls":
        sheets, title = _xls_sheets(data, name), None
    elif kind == "csv":
        text = decode_text(data)
        if text is None:
            raise ExtractionError(f"{name}: CSV file in an unknown text encoding (save it as UTF-8)", "damaged")
        sheets, title = [(None, csv_rows(text, limit=MAX_CELLS, name=name))], None
    else:
        raise ExtractionError(f"{name}: not a spreadsheet ({kind})", "not_supported")
    tables = [_table(i, sheet, rows) for i, (sheet, rows) in enumerate(sheets, start=1)]
    doc = ExtractedDocument(path=str(path), sha256=sha256, format=kind, blocks=list(tables), title=title)
    doc.stats["sheets"] = len(tables)
    doc.stats["cells"] = sum(1 for t in tables for row in t.grid for c in row if c is not None)
    return doc


def _table(number: int, sheet: str | None, rows: list[list[str]]) -> Table:
    width = max((len(r) for r in rows), default=0)
    grid: list[list[Cell | None]] = []
    for r, row in enumerate(rows):
        grid.append([Cell(text, r, c) if text else None for c, text in enumerate(row)] + [None] * (width - len(row)))
    return Table(number=number, grid=grid, sheet=sheet)


def _text(value: object) -> str:
    """A cell's content as text: numbers exactly (repr round-trips), dates as ISO, blanks empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def _trim(rows: list[list[str]]) -> list[list[str]]:
    """Drop trailing blank cells of each row and trailing blank rows (formatting, not data)."""
    out = []
    for row in rows:
        end = len(row)
        while end and not row[end - 1]:
            end -= 1
        out.append(row[:end])
    while out and not out[-1]:
        out.pop()
    return out


def _too_many(name: str, cells: int, where: str) -> ExtractionError:
    return ExtractionError(f"{name}: more than {MAX_CELLS:,} cells ({where}): not a data table this tool reads "
                           f"(an export of something else, or a damaged file)", "too_large")


def _xlsx_sheets(data: bytes, name: str) -> tuple[list[tuple[str, list[list[str]]]], str | None]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            inflated = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile as e:
        raise ExtractionError(f"{name}: damaged Excel workbook ({e})", "damaged") from e
    if inflated > MAX_XML_BYTES:
        raise ExtractionError(f"{name}: the workbook inflates to {inflated // 2**20:,} MB of XML "
                              f"(limit {MAX_XML_BYTES // 2**20} MB): refused (zip bomb or not a data table)",
                              "too_large")
    try:
        with warnings.catch_warnings():  # "Unknown extension is not supported": formatting we do not need
            warnings.simplefilter("ignore", UserWarning)
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a damaged package
        raise ExtractionError(f"{name}: damaged Excel workbook ({type(e).__name__}: {e})", "damaged") from e
    try:
        out: list[tuple[str, list[list[str]]]] = []
        cells = 0
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):  # a chart sheet
                continue
            ws.reset_dimensions()  # a wrong <dimension> must not cut columns off
            rows = []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                for row in ws.iter_rows(min_row=1, min_col=1, values_only=True):
                    cells += len(row)
                    if cells > MAX_CELLS:
                        raise _too_many(name, cells, f"sheet '{ws.title}'")
                    rows.append([_text(v) for v in row])
            out.append((ws.title, _trim(rows)))
        title = (wb.properties.title or "").strip() or None
        return out, title
    finally:
        wb.close()


def _xls_sheets(data: bytes, name: str) -> list[tuple[str, list[list[str]]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except Exception as e:  # xlrd raises XLRDError, CompDocError, struct errors… for damaged files
        raise ExtractionError(f"{name}: damaged or unsupported Excel 97-2003 workbook ({type(e).__name__}: {e})",
                              "damaged") from e
    try:
        out = []
        cells = 0
        for i in range(book.nsheets):
            sh = book.sheet_by_index(i)
            cells += sh.nrows * sh.ncols
            if cells > MAX_CELLS:
                raise _too_many(name, cells, f"sheet '{sh.name}'")
            rows = [[_xls_text(sh.cell(r, c), book.datemode) for c in range(sh.row_len(r))] for r in range(sh.nrows)]
            out.append((sh.name, _trim(rows)))
            book.unload_sheet(i)
        return out
    finally:
        book.release_resources()


def _xls_text(cell, datemode: int) -> str:  # noqa: ANN001
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode).isoformat()
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return "#DATE?"
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    return _text(cell.value)


# --- CSV ----------------------------------------------------------------------------------


def decode_text(data: bytes) -> str | None:
    """UTF-8 (with or without BOM), else UTF-16 with a BOM, else Windows-1258 (Vietnamese
    Excel's 'CSV' export); None for bytes that are not text."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    for encoding in ("utf-8-sig", "utf-16"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t")
    return None if controls else text


def csv_rows(text: str, limit: int | None = None, name: str = "") -> list[list[str]]:
    """Rows of a CSV text, the delimiter (, ; tab) sniffed from its start."""
    sample = text[:CSV_SAMPLE]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    cells = 0
    for row in csv.reader(io.StringIO(text, newline=""), dialect):
        cells += len(row)
        if limit is not None and cells > limit:
            raise _too_many(name, cells, "CSV")
        rows.append([c.strip() for c in row])
    return _trim(rows)
