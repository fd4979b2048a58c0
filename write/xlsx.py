"""`actions.xlsx`: the CSV tables as one workbook, ready for an analyst in Excel or LibreOffice.

One sheet per table, hierarchy columns first (thématique → axe → OI → OO → numéro), header
row frozen, filters on, column widths from the content. Numbers are written as numbers so
that sorting and filtering work; text is always written as text (a cell `=1+1` stays text).

Written with XlsxWriter, in memory: several times faster than building openpyxl's cell
objects, and the bytes are fixed (document dates set to a fixed date, zip entries dated
1980-01-01 by XlsxWriter in memory mode). openpyxl still reads the workbook back in the tests.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from pgt.schema import Plan
from pgt.write.datapackage import COLUMNS
from pgt.write.tables import TABLES

SHEETS = ["actions", "offres", "objectifs", "fiches", "corrections", "anomalies"]
HIERARCHY = ["thematique", "axe", "axe_titre", "oi", "oi_titre", "oo", "oo_titre", "numero", "titre", "libelle"]
FIXED_DATE = datetime(2000, 1, 1)
EXCEL_CELL_LIMIT = 32767
MIN_WIDTH, MAX_WIDTH = 6, 60
# characters XML 1.0 cannot hold
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sheet_columns(columns: list[str]) -> list[str]:
    """Hierarchy columns first, in hierarchy order; then the others in contract order."""
    first = [c for c in HIERARCHY if c in columns]
    return first + [c for c in columns if c not in first]


def cell_value(column: str, value: object) -> object:
    if value is None or value == "":
        return None
    if COLUMNS.get(column, ("string",))[0] == "integer":
        return int(value)  # type: ignore[call-overload]
    text = ILLEGAL.sub("", str(value))
    return text[:EXCEL_CELL_LIMIT]


def _longest_line(value: object) -> int:
    text = str(value)
    if "\n" not in text and "\r" not in text and text.isprintable():  # one line: its length
        return len(text)
    return max((len(line) for line in text.splitlines()), default=0)


def column_width(header: str, values: list[object]) -> float:
    longest = max([len(header)] + [_longest_line(v) for v in values if v is not None])
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


def fill_sheet(sheet: Worksheet, columns: list[str], rows: list[dict[str, object]],
               formats: dict[str, object]) -> None:
    ordered = sheet_columns(columns)
    table = [[cell_value(c, row.get(c)) for c in ordered] for row in rows]
    for index, column in enumerate(ordered):
        sheet.set_column(index, index, column_width(column, [values[index] for values in table]))
    sheet.write_row(0, 0, ordered, formats["header"])
    wrap = formats["wrap"]
    for row_index, values in enumerate(table, start=1):
        for column_index, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                # write_string: source text, never a formula, URL or number XlsxWriter would guess
                cell_format = wrap if "\n" in value or len(value) > MAX_WIDTH else None
                sheet.write_string(row_index, column_index, value, cell_format)
            else:
                sheet.write_number(row_index, column_index, value)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(1, len(table) + 1) - 1, len(ordered) - 1)


def write_workbook(plan: Plan, target: io.BytesIO, tables: dict[str, list[dict[str, object]]] | None = None) -> None:
    """The workbook of the plan's tables (`tables`: their rows, already made for the CSV files)."""
    book = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    formats = {"header": book.add_format({"bold": True}),
               "wrap": book.add_format({"text_wrap": True, "valign": "top"})}
    for name in SHEETS:
        columns, make_rows = TABLES[name]
        rows = tables[name] if tables is not None else make_rows(plan)  # type: ignore[operator]
        fill_sheet(book.add_worksheet(name), columns, rows, formats)
    book.set_properties({"author": "pgt", "created": FIXED_DATE})
    book.close()


def xlsx_bytes(plan: Plan, tables: dict[str, list[dict[str, object]]] | None = None) -> bytes:
    buffer = io.BytesIO()
    write_workbook(plan, buffer, tables)
    return buffer.getvalue()
