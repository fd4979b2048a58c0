"""Reader of OpenDocument text files (ODT, LibreOffice Writer).

Same row stream as the DOCX reader (`extract/docx.py`), read with odfpy:

- `text:p` / `text:h` outside tables (also inside lists and sections) are TEXT rows;
- each `table:table-row` is a TABLE row, one cell per column: a spanned cell gives its text
  in its first column and its `table:covered-table-cell`s (the columns and rows it covers)
  are empty, which is how the text export shows merges;
- rows inside `table:table-header-rows` (repeated on each page) get `repeated_header=True`;
- a cell's paragraphs are joined with "\\n", a nested table is read into the cell text and
  reported in `ExtractedDocument.warnings`.

List labels (numbers, bullets, outline numbers of headings) are rendered before their
paragraph, as a PDF shows them (`odt_numbering.py`). Tracked changes, notes and comments
are left out. Without odfpy, a LibreOffice conversion
to DOCX is tried when `soffice` is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from pgt.errors import UnreadableInput
from pgt.extract.docx import read_docx
from pgt.extract.odt_numbering import ListLabels, list_styles
from pgt.extract.rows import (
    ExtractedDocument,
    Provenance,
    RowKind,
    SourceRow,
    sha256_of,
)
from pgt.extract.word_tables import GridCell, GridRow, GridTable, nested_lines, table_rows
from pgt.extract.word_tables import flatten_frames, fold_lines

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"

# Elements whose text is not part of the visible body: tracked changes (they hold the
# deleted text), notes, comments, and the marks of a change.
_SKIPPED = {
    (_TEXT, "tracked-changes"),
    (_TEXT, "note"),
    (_OFFICE, "annotation"),
    (_TEXT, "change-start"),
    (_TEXT, "change-end"),
    (_TEXT, "change"),
    (_TEXT, "soft-page-break"),
}
_PARAGRAPHS = {(_TEXT, "p"), (_TEXT, "h")}
_CONTAINERS = {  # blocks whose paragraphs and tables are read in place
    (_TEXT, "list"),
    (_TEXT, "list-item"),
    (_TEXT, "list-header"),
    (_TEXT, "section"),
    (_TEXT, "index-body"),
    (_TABLE, "table-row-group"),
}
_MAX_REPEAT = 1000  # an ODF repeat count is a compression; a huge one is empty filler


def _children(element: object) -> list[object]:
    return [c for c in element.childNodes if c.nodeType == c.ELEMENT_NODE]  # type: ignore[attr-defined]


def _int_attr(element: object, namespace: str, name: str, default: int = 1) -> int:
    value = element.attributes.get((namespace, name))  # type: ignore[attr-defined]
    try:
        return max(1, int(value)) if value is not None else default
    except ValueError:
        return default


def _paragraph_text(element: object, labels: dict[int, str] | None = None) -> str:
    """Visible text of a `text:p`/`text:h`: its list label, spans, links, spaces
    (`text:s`), tabs, breaks."""
    parts: list[str] = [labels.get(id(element), "")] if labels else []
    for node in element.childNodes:  # type: ignore[attr-defined]
        if node.nodeType == node.TEXT_NODE:
            parts.append(node.data)
            continue
        if node.nodeType != node.ELEMENT_NODE or node.qname in _SKIPPED:
            continue
        namespace, name = node.qname
        if namespace == _TEXT and name == "s":
            parts.append(" " * _int_attr(node, _TEXT, "c"))
        elif namespace == _TEXT and name == "tab":
            parts.append(" ")
        elif namespace == _TEXT and name == "line-break":
            parts.append("\n")
        elif namespace == _DRAW and name == "text-box":
            parts.extend("\n" + _paragraph_text(p) for p in _blocks(node) if p.qname in _PARAGRAPHS)
        else:
            parts.append(_paragraph_text(node))
    return "".join(parts)


def _blocks(container: object) -> Iterator[object]:
    """Paragraphs and tables of the body, a cell or a text box, in document order."""
    for child in _children(container):
        qname = child.qname  # type: ignore[attr-defined]
        if qname in _SKIPPED:
            continue
        if qname in _PARAGRAPHS or qname == (_TABLE, "table"):
            yield child
        elif qname in _CONTAINERS:
            yield from _blocks(child)


def _table_rows(table: object, header: bool = False) -> Iterator[tuple[object, bool]]:
    """Rows of a table in order, with whether they are repeated header rows."""
    for child in _children(table):
        namespace, name = child.qname  # type: ignore[attr-defined]
        if namespace != _TABLE:
            continue
        if name == "table-row":
            for _ in range(min(_int_attr(child, _TABLE, "number-rows-repeated"), _MAX_REPEAT)):
                yield child, header
        elif name == "table-header-rows":
            yield from _table_rows(child, True)
        elif name in ("table-rows", "table-row-group"):
            yield from _table_rows(child, header)


def _table_width(table: object) -> int:
    width = 0
    for child in _children(table):
        namespace, name = child.qname  # type: ignore[attr-defined]
        if namespace != _TABLE:
            continue
        if name == "table-column":
            width += _int_attr(child, _TABLE, "number-columns-repeated")
        elif name in ("table-columns", "table-header-columns", "table-column-group"):
            width += _table_width(child)
    return width


def _grid_table(table: object, labels: dict[int, str] | None) -> GridTable:
    """A `table:table` as the shared table model: a covered cell (the continuation of a
    merge) is empty, a repeated cell repeats its text, as in the text export."""
    rows = [GridRow(_grid_cells(row, labels), header) for row, header in _table_rows(table)]
    return GridTable(rows, _table_width(table))


def _grid_cells(row: object, labels: dict[int, str] | None) -> list[GridCell]:
    cells: list[GridCell] = []
    for cell in _children(row):
        namespace, name = cell.qname  # type: ignore[attr-defined]
        if namespace != _TABLE or name not in ("table-cell", "covered-table-cell"):
            continue
        repeat = min(_int_attr(cell, _TABLE, "number-columns-repeated"), _MAX_REPEAT)
        read = _grid_cell(cell, labels) if name == "table-cell" else GridCell("")
        cells.append(read)
        cells.extend([GridCell(read.text)] * (repeat - 1))
    return cells


def _grid_cell(cell: object, labels: dict[int, str] | None) -> GridCell:
    lines: list[str] = []
    nested: int | None = None
    for block in _blocks(cell):
        if block.qname in _PARAGRAPHS:  # type: ignore[attr-defined]
            lines.append(_paragraph_text(block, labels))
            continue
        found = _nested_table_lines(block, labels)
        lines.extend(found)
        nested = len(found)
    return GridCell(fold_lines("\n".join(lines)), 1, nested)


def _nested_table_lines(table: object, labels: dict[int, str] | None) -> list[str]:
    return nested_lines(_grid_table(table, labels).rows)


def _frame_cell(table: object) -> object | None:
    """The cell of a one-cell table that holds tables: a frame around the content."""
    rows = [row for row, _ in _table_rows(table)]
    cells = [c for c in _children(rows[0]) if c.qname == (_TABLE, "table-cell")] if len(rows) == 1 else []
    if len(cells) == 1 and any(b.qname == (_TABLE, "table") for b in _blocks(cells[0])):
        return cells[0]
    return None


def _odt_frame(block: object) -> object | None:
    return _frame_cell(block) if block.qname == (_TABLE, "table") else None  # type: ignore[attr-defined]


def rows_from_odf_text(
    body: object, document: str, labels: dict[int, str] | None = None
) -> tuple[list[SourceRow], list[str]]:
    rows: list[SourceRow] = []
    warnings: list[str] = []
    table_index = -1
    for block in flatten_frames(body, document, warnings, _blocks, _odt_frame):
        if block.qname in _PARAGRAPHS:  # type: ignore[attr-defined]
            for line in fold_lines(_paragraph_text(block, labels)).split("\n"):
                if line:
                    rows.append(SourceRow((line,), Provenance(document), RowKind.TEXT))
            continue
        table_index += 1
        read, table_warnings = table_rows(_grid_table(block, labels), document, table_index)
        rows.extend(read)
        warnings.extend(table_warnings)
    return rows, warnings


def _load_text_body(path: Path) -> tuple[object, dict[int, str]]:
    """The `office:text` body and the list labels of its paragraphs."""
    from odf.opendocument import load

    try:
        document = load(str(path))
    except (zipfile.BadZipFile, KeyError, EOFError, OSError) as error:
        raise UnreadableInput(f"{path}: damaged OpenDocument file ({error})") from None
    except Exception as error:  # noqa: BLE001 - odfpy's SAX parser raises many types
        raise UnreadableInput(
            f"{path}: cannot read as an OpenDocument text ({type(error).__name__}: {error})"
        ) from None
    body = document.text
    if body is None or body.qname != (_OFFICE, "text"):
        raise UnreadableInput(f"{path}: an OpenDocument file without a text body")
    styles, outline = list_styles(document.styles, document.automaticstyles)
    return body, ListLabels(styles, outline).walk(body).labels


def _via_libreoffice(path: Path) -> ExtractedDocument:
    """Convert to DOCX with LibreOffice and read that; used when odfpy is missing."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise UnreadableInput(
            f"{path}: reading ODT needs odfpy (pip install odfpy) or LibreOffice (soffice); "
            f"neither is installed"
        )
    with tempfile.TemporaryDirectory(prefix="pgt-odt-") as folder:
        try:
            subprocess.run(
                [soffice, "--headless", "--convert-to", "docx", "--outdir", folder, str(path)],
                check=True,
                capture_output=True,
                timeout=180,
            )
        except (subprocess.SubprocessError, OSError) as error:
            raise UnreadableInput(f"{path}: LibreOffice could not convert it to DOCX ({error})") from None
        converted = Path(folder) / (path.stem + ".docx")
        if not converted.exists():
            raise UnreadableInput(f"{path}: LibreOffice could not convert it to DOCX")
        extracted = read_docx(converted)
    rows = [_renamed(row, path.name) for row in extracted.rows]
    return ExtractedDocument(
        path=path,
        rows=rows,
        format="odt",
        sha256=sha256_of(path),
        warnings=[w.replace(converted.name, path.name) for w in extracted.warnings]
        + ["read through a LibreOffice conversion to DOCX (odfpy not installed)"],
    )


def _renamed(row: SourceRow, document: str) -> SourceRow:
    return replace(row, provenance=replace(row.provenance, document=document))


def read_odt(path: Path) -> ExtractedDocument:
    path = Path(path)
    try:
        import odf.opendocument  # noqa: F401
    except ImportError:
        return _via_libreoffice(path)
    body, labels = _load_text_body(path)
    rows, warnings = rows_from_odf_text(body, path.name, labels)
    return ExtractedDocument(
        path=path, rows=rows, format="odt", sha256=sha256_of(path), warnings=warnings
    )
