"""`actions.xlsx`: the CSV tables as one workbook, ready for an analyst in Excel or LibreOffice.

One sheet per table, hierarchy columns first (thématique → axe → OI → OO → numéro), header
row frozen, filters on, column widths from the content. Numbers are written as numbers so
that sorting and filtering work.

Same plan → same bytes: openpyxl stamps the save time in the document properties and in
every zip entry, so the properties get a fixed date and the archive is rewritten with a
fixed entry date.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pgt.schema import Plan
from pgt.write.datapackage import COLUMNS
from pgt.write.tables import TABLES

SHEETS = ["actions", "offres", "objectifs", "fiches", "corrections", "anomalies"]
HIERARCHY = ["thematique", "axe", "axe_titre", "oi", "oi_titre", "oo", "oo_titre", "numero", "titre", "libelle"]
FIXED_DATE = datetime(2000, 1, 1)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
EXCEL_CELL_LIMIT = 32767
MIN_WIDTH, MAX_WIDTH = 6, 60
# characters XML 1.0 cannot hold (openpyxl refuses them)
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


def column_width(header: str, values: list[object]) -> float:
    longest = max([len(header)] + [max((len(line) for line in str(v).splitlines()), default=0)
                                   for v in values if v is not None])
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


def fill_sheet(sheet: Worksheet, columns: list[str], rows: list[dict[str, object]]) -> None:
    ordered = sheet_columns(columns)
    sheet.append(ordered)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    table = [[cell_value(c, row.get(c)) for c in ordered] for row in rows]
    for values in table:
        sheet.append(values)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            if cell.value.startswith("="):
                cell.data_type = "s"  # source text, never a formula openpyxl would write as one
            if "\n" in cell.value or len(cell.value) > MAX_WIDTH:
                cell.alignment = wrap
    for index, column in enumerate(ordered, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width(
            column, [values[index - 1] for values in table])
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(ordered))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(table) + 1)}"


def workbook(plan: Plan) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for name in SHEETS:
        columns, make_rows = TABLES[name]
        fill_sheet(book.create_sheet(name), columns, make_rows(plan))  # type: ignore[operator]
    book.properties.creator = "pgt"
    book.properties.created = FIXED_DATE
    book.properties.modified = FIXED_DATE
    return book


def _fixed_dates(data: bytes) -> bytes:
    """The same archive with a fixed date on every entry (and the save time removed)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl sets `modified` to now when saving, whatever the workbook says
                content = re.sub(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>",
                                 rb"<dcterms:modified\1>2000-01-01T00:00:00Z</dcterms:modified>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return target_buffer.getvalue()


def xlsx_bytes(plan: Plan) -> bytes:
    buffer = io.BytesIO()
    workbook(plan).save(buffer)
    return _fixed_dates(buffer.getvalue())
