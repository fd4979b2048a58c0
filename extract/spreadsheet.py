"""Spreadsheet reader: `.xlsx` / `.xlsm` (openpyxl), `.ods` (its content.xml) and `.csv`
(stdlib csv, encoding and delimiter sniffed) → the same `SourceRow` stream as every reader.

One `SourceRow` per non-blank sheet row: `table_index` is the sheet's index, the provenance
names the sheet and every cell's A1 reference (`Fichier dimport`, `D4`), `row` is the 0-based
sheet row (row 4 of the sheet is `row=3`). What is a format detail stays here:

- merged cells are resolved: every cell of a merged range holds the anchor's text, and its
  reference is the anchor's (a copy points at the cell that was really written);
- cells Excel or LibreOffice type as dates come out as ISO text (`2025-12-01`), numbers as
  their shortest text (`5000000`, `12.5`), booleans as `VRAI` / `FAUX` (as French Excel shows
  them); a number typed as a plain number stays a number (the builder reads a day count in a
  date column, since only the column says it is a date);
- a hidden sheet is a format fact: its rows are still yielded (so that its cells are counted
  and listed, never silently dropped) with `Provenance.hidden`, and a reader note says so.
Which sheet holds the plan, and which rows are headers, hints or instructions, is the
builder's business (`structure/table.py`), decided by content.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from types import ModuleType
from xml.etree import ElementTree

from pgt.errors import UnreadableInput
from pgt.extract.csv_detect import decode_csv
from pgt.extract.rows import ExtractedDocument, Provenance, RowKind, SourceRow, sha256_of

CSV_DELIMITERS = ";,\t"
_ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
}


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value: object) -> str:
    """A typed cell value as text the builder reads without knowing the format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(timespec="minutes")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")  # Excel's 15 digits
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


class Sheet:
    """One sheet as a grid of texts, merged ranges resolved."""

    def __init__(self, name: str, hidden: bool) -> None:
        self.name = name
        self.hidden = hidden
        self.cells: dict[tuple[int, int], str] = {}  # (row, column), 0-based → text
        self.refs: dict[tuple[int, int], str] = {}  # copies of a merged anchor point at the anchor

    def set(self, row: int, column: int, text: str) -> None:
        if text:
            self.cells[(row, column)] = text

    def merge(self, top: int, left: int, bottom: int, right: int) -> None:
        """Give every cell of the range the anchor's text (and the anchor's reference)."""
        text = self.cells.get((top, left))
        if not text:
            return
        anchor = f"{column_letter(left)}{top + 1}"
        for row in range(top, bottom + 1):
            for column in range(left, right + 1):
                if (row, column) != (top, left) and not self.cells.get((row, column)):
                    self.cells[(row, column)] = text
                    self.refs[(row, column)] = anchor

    def rows(self, document: str, table_index: int) -> Iterator[SourceRow]:
        if not self.cells:
            return
        width = max(column for _, column in self.cells) + 1
        by_row: dict[int, list[int]] = {}
        for row, column in self.cells:
            by_row.setdefault(row, []).append(column)
        for row in sorted(by_row):
            cells = tuple(self.cells.get((row, column), "") for column in range(width))
            refs = tuple(self.refs.get((row, column), f"{column_letter(column)}{row + 1}") for column in range(width))
            yield SourceRow(
                cells=cells,
                provenance=Provenance(document=document, table=table_index, row=row, sheet=self.name,
                                      cell_refs=refs, hidden=self.hidden),
                kind=RowKind.TABLE, table_index=table_index,
            )


def read_spreadsheet(path: Path, fmt: str) -> ExtractedDocument:
    """Read a workbook (`xlsx`, `ods`) or a CSV file (`csv`) into rows."""
    path = Path(path)
    if fmt == "csv":
        return _read_csv(path)
    warnings: list[str] = []
    sheets = _xlsx_sheets(path, warnings) if fmt == "xlsx" else _ods_sheets(path)
    rows: list[SourceRow] = []
    for index, sheet in enumerate(sheets):
        sheet_rows = list(sheet.rows(path.name, index))
        rows.extend(sheet_rows)
        if sheet.hidden and sheet_rows:
            cells = sum(len(r.non_empty) for r in sheet_rows)
            warnings.append(f"sheet '{sheet.name}' is hidden: its {cells} non-empty cell(s) are listed, "
                            f"not read as plan")
    return ExtractedDocument(path=path, rows=rows, format=fmt, sha256=sha256_of(path), warnings=warnings)


# ---- xlsx / xlsm ---------------------------------------------------------------------------
# Set (to "1") by the `pgt` command (`pgt.cli.main`) in the process it owns, and so in its
# workers: its readers may leave out of their libraries what only a host program would use.
OWNED_PROCESS = "PGT_OWNED_PROCESS"


def _openpyxl() -> ModuleType:
    """openpyxl, imported on first use (a text or PDF run never loads it); in a process pgt
    owns (`OWNED_PROCESS`), without numpy when numpy is not loaded yet. openpyxl imports
    numpy only to count numpy's number types among the values it could write
    (`openpyxl.compat.numbers`, numpy optional), which reading a workbook never meets; numpy's
    import is ~45 ms, and its OpenBLAS threads ~0.09 s of CPU (they spin at start and end)
    and keep the process from forking its second writer (`pgt.write.can_fork`). A module set
    to None in `sys.modules` is one that cannot be imported (the import system's own rule);
    the entry is removed at once, so a later `import numpy` (camelot's, for a PDF of the same
    run) loads it as usual. A library caller's process is left as it is: its own openpyxl may
    be handed numpy's numbers."""
    if os.environ.get(OWNED_PROCESS) == "1" and "openpyxl" not in sys.modules and "numpy" not in sys.modules:
        sys.modules["numpy"] = None  # type: ignore[assignment]
        try:
            import openpyxl
        finally:
            del sys.modules["numpy"]
    import openpyxl
    return openpyxl


def _xlsx_sheets(path: Path, notes: list[str]) -> list[Sheet]:
    openpyxl = _openpyxl()
    try:
        with warnings.catch_warnings():  # "Data Validation extension is not supported": not our concern
            warnings.simplefilter("ignore")
            # not read-only: merged ranges are only known in the full mode; data_only: the
            # cached results of formulas, what the user sees
            book = openpyxl.load_workbook(path, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a damaged package: one clear line
        raise UnreadableInput(f"{path}: not a readable Excel workbook ({type(error).__name__}: {error})") from None
    formulas = _uncached_formulas(path) if _has_formulas(path) else {}
    sheets = []
    for worksheet in book.worksheets:
        sheet = Sheet(worksheet.title, worksheet.sheet_state != "visible")
        for row in worksheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    sheet.set(cell.row - 1, cell.column - 1, cell_text(cell.value))
        for (row, column), formula in formulas.get(worksheet.title, {}).items():
            if (row, column) not in sheet.cells:
                sheet.set(row, column, formula)
                notes.append(f"{worksheet.title}!{column_letter(column)}{row + 1}: formula {formula} has no computed "
                             f"value (the file was never opened in a spreadsheet program): read as its text")
        for merged in worksheet.merged_cells.ranges:
            sheet.merge(merged.min_row - 1, merged.min_col - 1, merged.max_row - 1, merged.max_col - 1)
        sheets.append(sheet)
    return sheets


def _has_formulas(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        return any(b"<f>" in archive.read(name) or b"<f " in archive.read(name)
                   for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml"))


def _uncached_formulas(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Formulas whose result the file does not hold (written by a program, never calculated):
    without them the cell would read as empty, and be lost silently."""
    openpyxl = _openpyxl()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path, data_only=False)
    found: dict[str, dict[tuple[int, int], str]] = {}
    for worksheet in book.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    found.setdefault(worksheet.title, {})[(cell.row - 1, cell.column - 1)] = cell.value
    return found


# ---- ods -------------------------------------------------------------------------------------
def _q(prefix: str, name: str) -> str:
    return f"{{{_ODS[prefix]}}}{name}"


def _ods_sheets(path: Path) -> list[Sheet]:
    try:
        with zipfile.ZipFile(path) as archive:
            content = archive.read("content.xml")
        root = ElementTree.fromstring(content)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as error:
        raise UnreadableInput(f"{path}: not a readable OpenDocument spreadsheet ({error})") from None
    hidden_styles = {
        style.get(_q("style", "name"))
        for style in root.iter(_q("style", "style"))
        if any(props.get(_q("table", "display")) == "false" for props in style.iter(_q("style", "table-properties")))
    }
    sheets = []
    for table in root.iter(_q("table", "table")):
        sheet = Sheet(table.get(_q("table", "name")) or f"Sheet{len(sheets) + 1}",
                      table.get(_q("table", "style-name")) in hidden_styles)
        merges: list[tuple[int, int, int, int]] = []
        row_index = 0
        for row in _ods_rows(table):
            repeat = int(row.get(_q("table", "number-rows-repeated"), "1"))
            texts = list(_ods_cells(row, row_index, merges))
            if any(text for _, text in texts):
                for offset in range(min(repeat, 1000)):  # a repeated non-empty row (rare) is expanded
                    for column, text in texts:
                        sheet.set(row_index + offset, column, text)
            row_index += repeat
        for merge in merges:
            sheet.merge(*merge)
        sheets.append(sheet)
    return sheets


def _ods_rows(table: ElementTree.Element) -> Iterator[ElementTree.Element]:
    """The table's rows, header-rows and row-groups included, in order."""
    for child in table:
        if child.tag == _q("table", "table-row"):
            yield child
        elif child.tag in (_q("table", "table-header-rows"), _q("table", "table-row-group"), _q("table", "table-rows")):
            yield from _ods_rows(child)


def _ods_cells(row: ElementTree.Element, row_index: int, merges: list[tuple[int, int, int, int]]
               ) -> Iterator[tuple[int, str]]:
    column = 0
    for cell in row:
        if cell.tag not in (_q("table", "table-cell"), _q("table", "covered-table-cell")):
            continue
        repeat = int(cell.get(_q("table", "number-columns-repeated"), "1"))
        text = _ods_value(cell) if cell.tag == _q("table", "table-cell") else ""
        if text:
            for offset in range(min(repeat, 1000)):
                yield column + offset, text
            rows_spanned = int(cell.get(_q("table", "number-rows-spanned"), "1"))
            columns_spanned = int(cell.get(_q("table", "number-columns-spanned"), "1"))
            if rows_spanned > 1 or columns_spanned > 1:
                merges.append((row_index, column, row_index + rows_spanned - 1, column + columns_spanned - 1))
        column += repeat


def _ods_value(cell: ElementTree.Element) -> str:
    kind = cell.get(_q("office", "value-type"))
    if kind == "date":
        value = cell.get(_q("office", "date-value"), "")
        return value[:10] if value.endswith("T00:00:00") or len(value) == 10 else value[:16]
    if kind == "boolean":
        return "VRAI" if cell.get(_q("office", "boolean-value")) == "true" else "FAUX"
    if kind in ("float", "currency", "percentage"):
        raw = cell.get(_q("office", "value"), "")
        try:
            return cell_text(float(raw))
        except ValueError:
            return raw
    paragraphs = ["".join(_ods_text(p)) for p in cell if p.tag in (_q("text", "p"), _q("text", "h"))]
    return cell_text("\n".join(paragraphs))


def _ods_text(element: ElementTree.Element) -> Iterable[str]:
    if element.text:
        yield element.text
    for child in element:
        if child.tag == _q("text", "s"):
            yield " " * int(child.get(_q("text", "c"), "1"))
        elif child.tag == _q("text", "tab"):
            yield "\t"
        elif child.tag == _q("text", "line-break"):
            yield "\n"
        elif child.tag not in (_q("office", "annotation"),):
            yield from _ods_text(child)
        if child.tail:
            yield child.tail


# ---- csv (its encoding, and whether a file is one: csv_detect.py) ----------------------------
def sniff_delimiter(text: str) -> str:
    sample = text[:16384]
    try:
        return csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        return max(CSV_DELIMITERS, key=first.count)


def _read_csv(path: Path) -> ExtractedDocument:
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableInput(f"{path}: empty file")
    if b"\x00" in data[:4096]:
        raise UnreadableInput(f"{path}: binary content (NUL bytes), not a CSV file")
    text, encoding = decode_csv(data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[SourceRow] = []
    line = 1
    try:
        for index, record in enumerate(reader):
            start, line = line, reader.line_num + 1
            cells = tuple(cell_text(value) for value in record)
            if not any(cells):
                continue
            refs = tuple(f"{column_letter(c)}{index + 1}" for c in range(len(cells)))
            rows.append(SourceRow(cells=cells, kind=RowKind.TABLE, table_index=0, provenance=Provenance(
                document=path.name, line=start, table=0, row=index, cell_refs=refs)))
    except csv.Error as error:
        raise UnreadableInput(f"{path}: line {reader.line_num}: not a readable CSV file ({error})") from None
    note = f"CSV read as {encoding}, delimiter {_DELIMITER_NAMES.get(delimiter, repr(delimiter))}"
    return ExtractedDocument(path=path, rows=rows, format="csv", sha256=sha256_of(path), encoding=encoding,
                             lines=text.count("\n") + (not text.endswith("\n")), warnings=[note])


_DELIMITER_NAMES = {";": "';'", ",": "','", "\t": "TAB"}
