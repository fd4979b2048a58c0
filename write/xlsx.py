"""`actions.xlsx`: the CSV tables as one workbook, ready for an analyst in Excel or LibreOffice.

One sheet per table, hierarchy columns first (thématique → axe → OI → OO → numéro), header
row frozen, filters on, column widths from the content. Numbers are written as numbers so
that sorting and filtering work; text is always written as text (a cell `=1+1` stays text).

Written with XlsxWriter, in memory: several times faster than building openpyxl's cell
objects, and the bytes are fixed (document dates set to a fixed date, zip entries dated
1980-01-01 by XlsxWriter in memory mode). openpyxl still reads the workbook back in the tests.
The cells' XML is written by `RowSheet` (XlsxWriter's per-cell objects and calls were most
of the time); tests/test_spreadsheet_outputs.py checks it against XlsxWriter's own bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from datetime import datetime

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from pgt.schema import Plan
from pgt.write.datapackage import COLUMNS
from pgt.write.tables import TABLES, SharedTables

SHEETS = ["actions", "offres", "objectifs", "fiches", "corrections", "anomalies"]
HIERARCHY = ["thematique", "axe", "axe_titre", "oi", "oi_titre", "oo", "oo_titre", "numero", "titre", "libelle"]
FIXED_DATE = datetime(2000, 1, 1)
EXCEL_CELL_LIMIT = 32767
MIN_WIDTH, MAX_WIDTH = 6, 60
XML_CHUNK = 1 << 18  # characters of a sheet's rows joined into one string
# characters XML 1.0 cannot hold
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sheet_columns(columns: list[str]) -> list[str]:
    """Hierarchy columns first, in hierarchy order; then the others in contract order."""
    first = [c for c in HIERARCHY if c in columns]
    return first + [c for c in columns if c not in first]


class RowSheet(Worksheet):
    """A worksheet whose cells are written as XML when the sheet is filled (`fill`), a row
    at a time, instead of stored as one XlsxWriter cell object each and written at `close`:
    the same bytes (the same shared strings in the same order, formats, dimensions and row
    spans as XlsxWriter's `write_string`/`write_number` then `_write_rows`), in less than half
    the time and a fraction of the memory. Only `fill` writes cells; the rest is XlsxWriter's."""

    def __init__(self) -> None:
        super().__init__()
        # the rows' XML as written, joined some 256 K characters a string: a large sheet's
        # rows are not held as many small strings until the workbook is packed (their memory
        # could serve only other small objects then, not the packed sheets)
        self._chunks: list[str] = []
        self._finished: list[str] = []  # rows written, not joined yet
        self._finished_length = 0
        self._block_rows: list[tuple[int, str]] = []  # (row index, its cells' XML) of the block of 16 rows
        self._block = -1
        self._block_span = [0, 0]  # the block's first and last column with a cell

    def fill(self, columns: list[str], rows: Iterable[Mapping[str, object]], header: Format, wrap: Format) -> list[int]:
        """The header row (`columns`, in `header` format), then a row per record from the
        sheet's second row; return each column's longest line. A value of an integer column
        (datapackage) is a number; any other value is text, never a formula, URL or number
        XlsxWriter would guess, without the characters XML cannot hold, cut at Excel's limit;
        multi-line or long text (over MAX_WIDTH) wraps. Empty values (None, "") write no cell."""
        shared = self.str_table._get_shared_string_index
        half_limit = self.xls_strmax // 2
        letters = [xl_col_to_name(index) for index in range(len(columns))]
        integer = [COLUMNS.get(c, ("string",))[0] == "integer" for c in columns]
        longest = [len(c) for c in columns]
        header_style = f' s="{header._get_xf_index()}"'
        self._add_row(0, "".join(f'<c r="{letters[i]}1"{header_style} t="s"><v>{shared(c)}</v></c>'
                                 for i, c in enumerate(columns)), 0, len(columns) - 1)
        wrap_style = ""  # its index is given when first used, as XlsxWriter gives it
        number = 1
        for row in rows:
            number += 1
            if number > self.xls_rowmax:
                break  # past Excel's last row: XlsxWriter drops such cells
            parts = []
            first = last = -1
            for index, column in enumerate(columns):
                value = row.get(column)
                if value is None or value == "":
                    continue
                if integer[index]:
                    value = int(value)  # type: ignore[call-overload]
                    length = len(str(value))
                    parts.append(f'<c r="{letters[index]}{number}"><v>{value:.16G}</v></c>')
                else:
                    text = value if value.__class__ is str else str(value)
                    if text.isprintable():
                        text = text[:EXCEL_CELL_LIMIT]
                        length = len(text)
                    else:  # a line break, a tab, or a character XML 1.0 cannot hold
                        text = ILLEGAL.sub("", text)[:EXCEL_CELL_LIMIT]
                        length = max((len(line) for line in text.splitlines()), default=0)
                    style = ""
                    if len(text) > MAX_WIDTH or "\n" in text:
                        style = wrap_style = wrap_style or f' s="{wrap._get_xf_index()}"'
                    if len(text) > half_limit:  # may be over Excel's limit in UTF-16 units: XlsxWriter cuts it
                        Worksheet._write_string(self, number - 1, index, text)
                        shared_index = self.table[number - 1].pop(index).string
                    else:
                        shared_index = shared(text)
                    parts.append(f'<c r="{letters[index]}{number}"{style} t="s"><v>{shared_index}</v></c>')
                if length > longest[index]:
                    longest[index] = length
                if first < 0:
                    first = index
                last = index
            if parts:
                self._add_row(number - 1, "".join(parts), first, last)
        return longest

    def _add_row(self, row_index: int, cells: str, first: int, last: int) -> None:
        block = row_index // 16  # rows come in order: a block is finished when the next begins
        if block != self._block:
            self._finish_block()
            self._block, self._block_span = block, [first, last]
        else:
            span = self._block_span
            span[0], span[1] = min(span[0], first), max(span[1], last)
        self._block_rows.append((row_index, cells))
        self._check_dimensions(row_index, first)
        self._check_dimensions(row_index, last)

    def _finish_block(self) -> None:
        """The rows of the block as XlsxWriter writes them: its <row> element for a row of
        cells with no row format, height or comment, spanning the block's columns."""
        if not self._block_rows:
            return
        described = ' x14ac:dyDescent="0.25"' if self.excel_version == 2010 else ""
        spans = f"{self._block_span[0] + 1}:{self._block_span[1] + 1}"
        for row_index, cells in self._block_rows:
            row = f'<row r="{row_index + 1}" spans="{spans}"{described}>{cells}</row>'
            self._finished.append(row)
            self._finished_length += len(row)
        self._block_rows = []
        if self._finished_length >= XML_CHUNK:
            self._chunks.append("".join(self._finished))
            self._finished, self._finished_length = [], 0

    def _assemble_xml_file(self) -> None:
        super()._assemble_xml_file()
        # the sheet's XML is the packager's to zip: not kept with the workbook, whose reference
        # cycles wait for the collector (paused while the output folder is written)
        self.fh = None  # type: ignore[assignment]

    def _write_rows(self) -> None:
        self._finish_block()
        self._chunks.append("".join(self._finished))
        self._finished, self._finished_length = [], 0
        write = self.fh.write
        self._chunks.reverse()
        while self._chunks:  # each let go once written
            write(self._chunks.pop())


def fill_sheet(sheet: RowSheet, columns: list[str], rows: list[Mapping[str, object]],
               formats: dict[str, Format]) -> None:
    """One table on `sheet`: its header row, then a row per record, widths from the content."""
    ordered = sheet_columns(columns)
    longest = sheet.fill(ordered, rows, formats["header"], formats["wrap"])
    for index, length in enumerate(longest):
        sheet.set_column(index, index, float(min(MAX_WIDTH, max(MIN_WIDTH, length + 2))))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(1, len(rows) + 1) - 1, len(ordered) - 1)


def write_workbook(plan: Plan, target: io.BytesIO, tables: SharedTables | None = None) -> None:
    """The workbook of the plan's tables (`tables`: their rows, shared with the CSV files)."""
    tables = tables or SharedTables(plan)
    book = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    formats = {"header": book.add_format({"bold": True}),
               "wrap": book.add_format({"text_wrap": True, "valign": "top"})}
    for name in SHEETS:
        columns = TABLES[name][0]
        rows = tables.rows(name)
        fill_sheet(book.add_worksheet(name, worksheet_class=RowSheet), columns, rows, formats)
        tables.done(name)
    book.set_properties({"author": "pgt", "created": FIXED_DATE})
    book.close()
    # the workbook's objects refer to each other: they wait for the collector (paused while
    # the output folder is written), and with them the packed bytes, unless let go here
    book.filename = None


def xlsx_bytes(plan: Plan, tables: SharedTables | None = None) -> bytes:
    buffer = io.BytesIO()
    write_workbook(plan, buffer, tables)
    return buffer.getvalue()
