"""`pgt export tet`: write the plan into the Territoires en Transitions import workbook.

The workbook is the platform's own template (write/templates/, MIT, see its licence file):
its sheets, group and column-name rows, hint rows, styles and checks are kept; the example
row is replaced by the plan's rows (write/tet_rows.py). openpyxl keeps the template's plain
data validations but not its *extension* ones (the drop-down lists that point at the hidden
`Listes déroulantes` sheet: Statut, Niveau de priorité, Participation citoyenne), so those
are declared again; every check and style the template sets down to its last prepared row
is carried down to the last row written.
"""

from __future__ import annotations

import io
import os
import tempfile
import warnings
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pgt.errors import OutputNotWritable, PgtError
from pgt.schema import Plan
from pgt.write.tet_rows import FILLED, PRIORITE, STATUT, AllowedValues, TetNote, tet_rows

TEMPLATE = Path(__file__).parent / "templates" / "tet_modele-import-pa.xlsx"
SHEET, LISTS_SHEET = "Fichier dimport", "Listes déroulantes"
HEADER_ROW, FIRST_ROW = 2, 5  # rows 3-4: the template's hints; row 5: its example, replaced
DATE_FORMAT = "DD/MM/YYYY"  # as the template's hint asks (`JJ/MM/AAAA`)
# the drop-down lists openpyxl drops (template column name → column of the lists sheet)
LISTS = {STATUT: "Statut", PRIORITE: "Niveau de priorité", "Participation Citoyenne": "Participation citoyenne"}


@dataclass
class TetExport:
    """The workbook written by `pgt export tet` and what it holds."""
    path: Path
    actions: int
    offres: int
    rows: int
    notes: list[TetNote]


def export_tet(plan: Plan, target: Path) -> TetExport:
    """Write `plan` as the import workbook at `target` (all or nothing)."""
    with warnings.catch_warnings():  # "Data Validation extension is not supported": declared again below
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(TEMPLATE)
    sheet, lists = book[SHEET], book[LISTS_SHEET]
    columns = template_columns(sheet)
    missing = [name for name in FILLED if name not in columns]
    if missing:  # the shipped template is pgt's own file: a mismatch is a packaging bug
        raise PgtError(f"{TEMPLATE}: the import template has no column {missing[0]!r}")
    allowed = AllowedValues(statut=list_values(lists, LISTS[STATUT]), priorite=list_values(lists, LISTS[PRIORITE]))
    written = tet_rows(plan, allowed)
    last = max(FIRST_ROW + len(written.rows) - 1, FIRST_ROW)
    prepared = prepared_rows(sheet)
    _clear_example(sheet)
    _carry_styles(sheet, prepared, last)
    for offset, row in enumerate(written.rows):
        for name, value in row.items():
            if value is None or value == "":
                continue
            cell = sheet.cell(FIRST_ROW + offset, columns[name])
            cell.value = datetime(value.year, value.month, value.day) if isinstance(value, date) else value
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
    _extend_checks(sheet, prepared, last)
    _declare_lists(sheet, lists, columns, last)
    buffer = io.BytesIO()
    book.save(buffer)
    _write_file(buffer.getvalue(), target)
    return TetExport(target, written.actions, written.offres, len(written.rows), written.notes)


def template_columns(sheet: Worksheet) -> dict[str, int]:
    """Column name (stripped: the template writes `Statut `) → column number; a repeated
    name (`Montant € HT` ×3) keeps its first column."""
    columns: dict[str, int] = {}
    for cell in sheet[HEADER_ROW]:
        if isinstance(cell.value, str) and cell.value.strip():
            columns.setdefault(cell.value.strip(), cell.column)
    return columns


def list_values(lists: Worksheet, header: str) -> tuple[str, ...]:
    """The values of one drop-down list, as spelt in the lists sheet (trailing spaces kept:
    the list check compares with them)."""
    for column in lists.iter_cols(min_row=1):
        if isinstance(column[0].value, str) and column[0].value.strip() == header:
            return tuple(c.value for c in column[1:] if isinstance(c.value, str) and c.value.strip())
    return ()


def list_range(lists: Worksheet, header: str) -> str | None:
    for column in lists.iter_cols(min_row=1):
        if isinstance(column[0].value, str) and column[0].value.strip() == header:
            filled = [c.row for c in column[1:] if isinstance(c.value, str) and c.value.strip()]
            letter = get_column_letter(column[0].column)
            return f"'{lists.title}'!${letter}${min(filled)}:${letter}${max(filled)}" if filled else None
    return None


def prepared_rows(sheet: Worksheet) -> int:
    """The last row the template prepares (styles and checks stop there: 199)."""
    ends = [r.max_row for dv in sheet.data_validations.dataValidation for r in dv.sqref.ranges]
    return max(ends, default=sheet.max_row)


def _clear_example(sheet: Worksheet) -> None:
    for cell in sheet[FIRST_ROW]:
        cell.value = None


def _carry_styles(sheet: Worksheet, prepared: int, last: int) -> None:
    """Rows past the template's prepared ones look like its last prepared row."""
    model = list(sheet[prepared])
    for row in range(prepared + 1, last + 1):
        for cell in model:
            if cell.has_style:
                sheet.cell(row, cell.column)._style = copy(cell._style)


def _extend_checks(sheet: Worksheet, prepared: int, last: int) -> None:
    """A check or a conditional format that reaches the last prepared row reaches the last
    row written."""
    if last <= prepared:
        return
    for validation in sheet.data_validations.dataValidation:
        validation.sqref = _extended(str(validation.sqref), prepared, last)
    formats = sheet.conditional_formatting
    for entry in list(formats):
        grown = _extended(str(entry.sqref), prepared, last)
        if grown != str(entry.sqref):
            for rule in entry.rules:
                formats.add(grown, rule)
            del formats._cf_rules[entry]


def _extended(sqref: str, prepared: int, last: int) -> str:
    parts = []
    for part in sqref.split():
        head, _, tail = part.partition(":")
        letters = tail.rstrip("0123456789")
        parts.append(f"{head}:{letters}{last}" if tail and tail[len(letters):] == str(prepared) else part)
    return " ".join(parts)


def _declare_lists(sheet: Worksheet, lists: Worksheet, columns: dict[str, int], last: int) -> None:
    for name, header in LISTS.items():
        source = list_range(lists, header)
        if name not in columns or source is None:
            continue
        letter = get_column_letter(columns[name])
        validation = DataValidation(type="list", formula1=source, allow_blank=True, showDropDown=False,
                                    showErrorMessage=True, showInputMessage=True,
                                    prompt="Cliquez ici et saisissez une valeur dans la liste des éléments")
        validation.add(f"{letter}{FIRST_ROW}:{letter}{last}")
        sheet.add_data_validation(validation)


def _write_file(content: bytes, target: Path) -> None:
    """All or nothing: written beside the target, then renamed over it."""
    target = Path(target)
    staging: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(staging, target)
        staging = None
    except OSError as error:
        raise OutputNotWritable(f"{target}: cannot write the workbook ({error.strerror})") from None
    finally:
        if staging is not None and os.path.exists(staging):
            os.remove(staging)
