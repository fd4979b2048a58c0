"""Reader of Word documents (DOCX, and DOCM/DOTX which share the format).

A Word file is exact where a PDF is guessed: the reader walks the body XML in document
order and yields the same row stream as the text export (`extract/text.py`):

- a paragraph outside tables is a TEXT row (one per line when it holds line breaks);
- a table row is a TABLE row with one cell per grid column, empty cells included;
- a horizontally merged cell (`w:gridSpan`) gives its text in its first grid column and
  empty cells after it, a vertically merged cell (`w:vMerge` continue) is empty on its
  continuation rows: exactly how the text export shows merges, which the structure
  builder expects;
- header rows marked "repeat as header row" (`w:tblHeader`) get `repeated_header=True`;
- the paragraphs of one cell are joined with "\\n", spaces folded;
- a table nested in a cell is read into the cell text (one line per nested row) and
  reported in `ExtractedDocument.warnings` with its table/row/cell, never silently.

The text read is what Word shows with tracked changes accepted: deleted runs, hidden runs
and rows marked deleted are left out. Automatic list labels (Word numbering: "1.", "III",
bullets) are rendered before their paragraph, as a PDF shows them. Headers, footers and
footnotes are not part of the row stream. A grid column where no cell of any row starts
(it only continues spans) is left out: it is empty everywhere and invisible on the page.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from pgt.errors import UnreadableInput
from pgt.extract.docx_numbering import ListNumbering
from pgt.extract.rows import (
    ExtractedDocument,
    Provenance,
    RowKind,
    SourceRow,
    sha256_of,
)
from pgt.extract.word_tables import GridCell, GridRow, GridTable, nested_lines, table_rows
from pgt.extract.word_tables import flatten_frames, fold_lines

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT, _CUSTOM_XML = (
    _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("sdt"), _w("sdtContent"), _w("customXml")
)
_T, _TAB, _BR, _CR, _NB_HYPHEN, _PTAB = (
    _w("t"), _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen"), _w("ptab")
)
_VAL = _w("val")
_TYPE = _w("type")
# Text under these is not shown by Word: tracked deletions, the fallback copy of an
# alternate content block, paragraph/run properties.
_SKIPPED = {_w("del"), _w("moveFrom"), f"{{{_MC}}}Fallback", _w("pPr"), _w("rPr")}
_FALSE = {"0", "false", "off"}


def _on(element: object | None) -> bool:
    """An OOXML on/off property: present without `w:val`, or with a true value."""
    if element is None:
        return False
    return element.get(_VAL, "true").lower() not in _FALSE  # type: ignore[attr-defined]


def _int_attr(element: object | None, default: int) -> int:
    if element is None:
        return default
    try:
        return max(0, int(element.get(_VAL, default)))  # type: ignore[attr-defined]
    except ValueError:
        return default


# --- text of paragraphs ---------------------------------------------------------------


def _is_hidden_run(run: object) -> bool:
    rpr = run.find(_w("rPr"))  # type: ignore[attr-defined]
    return rpr is not None and _on(rpr.find(_w("vanish")))


def _run_text(run: object) -> str:
    if _is_hidden_run(run):
        return ""
    parts: list[str] = []
    for child in run:  # type: ignore[attr-defined]
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            parts.append(" ")
        elif tag == _BR:
            # A page or column break is layout, not text; a line break is a new line.
            if child.get(_TYPE, "textWrapping") == "textWrapping":
                parts.append("\n")
        elif tag == _CR:
            parts.append("\n")
        elif tag == _NB_HYPHEN:
            parts.append("-")
    return "".join(parts)


def _paragraph_text(paragraph: object, numbering: ListNumbering | None = None) -> str:
    """Visible text of a `w:p`: its list label, then its runs wherever they sit
    (hyperlinks, insertions, fields, content controls, text boxes), in document order."""
    parts: list[str] = [numbering.label(paragraph)] if numbering is not None else []
    _collect_runs(paragraph, parts, numbering)
    return "".join(parts)


def _collect_runs(element: object, parts: list[str], numbering: ListNumbering | None) -> None:
    for child in element:  # type: ignore[attr-defined]
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == _w("r"):
            parts.append(_run_text(child))
            # A run may hold a drawing with a text box: its paragraphs are text too.
            _collect_runs(child, parts, numbering)
        elif tag == _P:
            parts.append("\n" + _paragraph_text(child, numbering))
        elif tag == _TBL:  # a table in a text box: its text, one line per row
            parts.extend("\n" + line for line in _nested_table_lines(child, numbering))
        else:
            _collect_runs(child, parts, numbering)


# --- tables ----------------------------------------------------------------------------


def _grid_table(table: object, numbering: ListNumbering | None) -> GridTable:
    """A `w:tbl` as the shared table model: rows deleted with track changes left out,
    Word's leading run of "repeat as header row" rows marked."""
    width = len(table.findall(f"{_w('tblGrid')}/{_w('gridCol')}"))  # type: ignore[attr-defined]
    rows: list[GridRow] = []
    in_header_run = True
    for tr in _table_rows(table):
        trpr = tr.find(_w("trPr"))
        if trpr is not None and trpr.find(_w("del")) is not None:
            continue  # a row deleted with track changes on
        # Word repeats only the leading run of header rows; a flag further down is
        # ignored by Word, so it is ignored here too.
        is_header = in_header_run and trpr is not None and _on(trpr.find(_w("tblHeader")))
        in_header_run = is_header
        rows.append(GridRow(
            cells=[_grid_cell(tc, numbering) for tc in _row_cells(tr)],
            header=is_header,
            before=_int_attr(trpr.find(_w("gridBefore")), 0) if trpr is not None else 0,
            after=_int_attr(trpr.find(_w("gridAfter")), 0) if trpr is not None else 0,
        ))
    return GridTable(rows, width, drop_unstarted=True)


def _grid_cell(tc: object, numbering: ListNumbering | None) -> GridCell:
    """A `w:tc`: its paragraphs, a nested table read into its text. A vertical merge
    continuation (`w:vMerge` without "restart") holds an empty paragraph: its own (empty)
    text is what the text export shows there."""
    tcpr = tc.find(_w("tcPr"))  # type: ignore[attr-defined]
    span = _int_attr(tcpr.find(_w("gridSpan")) if tcpr is not None else None, 1) or 1
    lines: list[str] = []
    nested: int | None = None
    for block in _blocks(tc):
        if block.tag == _P:
            lines.append(_paragraph_text(block, numbering))
        else:  # a table nested in the cell: keep its text, say so
            found = _nested_table_lines(block, numbering)
            lines.extend(found)
            nested = len(found)
    return GridCell(fold_lines("\n".join(lines)), span, nested)


def _nested_table_lines(table: object, numbering: ListNumbering | None) -> list[str]:
    return nested_lines(_grid_table(table, numbering).rows)


def _unwrap(element: object) -> Iterator[object]:
    """Children of a container, looking through content controls and custom XML."""
    for child in element:  # type: ignore[attr-defined]
        if child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _unwrap(content)
        elif child.tag == _CUSTOM_XML:
            yield from _unwrap(child)
        else:
            yield child


def _blocks(container: object) -> Iterator[object]:
    """Paragraphs and tables of a body or cell, in document order."""
    return (child for child in _unwrap(container) if child.tag in (_P, _TBL))  # type: ignore[attr-defined]


def _table_rows(table: object) -> Iterator[object]:
    return (child for child in _unwrap(table) if child.tag == _TR)  # type: ignore[attr-defined]


def _row_cells(tr: object) -> Iterator[object]:
    return (child for child in _unwrap(tr) if child.tag == _TC)  # type: ignore[attr-defined]


# --- the document ----------------------------------------------------------------------


def rows_from_body(
    body: object, document: str, numbering: ListNumbering | None = None
) -> tuple[list[SourceRow], list[str]]:
    """The row stream of a `w:body`: TEXT rows for paragraphs, TABLE rows for tables."""
    rows: list[SourceRow] = []
    warnings: list[str] = []
    table_index = -1
    alt_chunks = sum(1 for _ in body.iter(_w("altChunk")))  # type: ignore[attr-defined]
    if alt_chunks:
        # Content a tool pasted as an embedded HTML/RTF/DOCX part: Word shows it, the
        # package keeps it apart from the body. Not read: say so.
        warnings.append(
            f"alt_chunk: {document}: {alt_chunks} embedded document part(s) (altChunk) not "
            f"read; open the file in Word and save it again to make them part of the body"
        )
    for block in flatten_frames(body, document, warnings, _blocks, _docx_frame):
        if block.tag == _P:
            # One TEXT row per line, as the text export has one line per heading.
            for line in fold_lines(_paragraph_text(block, numbering)).split("\n"):
                if line:
                    rows.append(SourceRow((line,), Provenance(document), RowKind.TEXT))
        else:
            table_index += 1
            table_rows_read, table_warnings = table_rows(
                _grid_table(block, numbering), document, table_index
            )
            rows.extend(table_rows_read)
            warnings.extend(table_warnings)
    return rows, warnings


def _frame_cell(table: object) -> object | None:
    """The cell of a one-cell table that holds tables: a frame drawn around the content
    (a page border made with a table), not a table of the plan."""
    rows = list(_table_rows(table))
    cells = list(_row_cells(rows[0])) if len(rows) == 1 else []
    if len(cells) == 1 and any(block.tag == _TBL for block in _blocks(cells[0])):
        return cells[0]
    return None


def _docx_frame(block: object) -> object | None:
    return _frame_cell(block) if block.tag == _TBL else None  # type: ignore[attr-defined]


def _load_body(path: Path) -> tuple[object, ListNumbering]:
    """The `w:body` element of a Word file and its list numbering, or a one-line
    `UnreadableInput`."""
    from lxml.etree import XMLSyntaxError

    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.exceptions import PackageNotFoundError
    from docx.package import Package

    try:
        # Package.open accepts every Word main-document type (.docx, .docm, .dotx), where
        # docx.Document() refuses templates and macro-enabled files.
        part = Package.open(str(path)).main_document_part
        element = _part_xml(part)
        numbering = ListNumbering(
            _related_xml(part, RT.NUMBERING), _related_xml(part, RT.STYLES)
        )
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise UnreadableInput(f"{path}: damaged Word file ({error})") from None
    except XMLSyntaxError as error:
        raise UnreadableInput(f"{path}: damaged Word file, invalid XML ({error})") from None
    except (PackageNotFoundError, KeyError) as error:
        raise UnreadableInput(f"{path}: damaged Word file, a part is missing ({error})") from None
    except Exception as error:  # noqa: BLE001 - python-docx raises many types on bad input
        raise UnreadableInput(
            f"{path}: cannot read as a Word file ({type(error).__name__}: {error})"
        ) from None
    body = element.find(_w("body"))
    if body is None:
        raise UnreadableInput(
            f"{path}: no document body found (Strict Open XML? save it as a standard "
            f"Word document .docx)"
        )
    return body, numbering


def _part_xml(part: object) -> object:
    # python-docx builds its own parts only for the content types it knows (not for a
    # template's main part, say): the XML of any other part is parsed here.
    from docx.oxml import parse_xml

    return part.element if hasattr(part, "element") else parse_xml(part.blob)  # type: ignore[attr-defined]


def _related_xml(part: object, relationship: str) -> object | None:
    try:
        return _part_xml(part.part_related_by(relationship))  # type: ignore[attr-defined]
    except KeyError:
        return None


def read_docx(path: Path, *, format_name: str = "docx") -> ExtractedDocument:
    path = Path(path)
    body, numbering = _load_body(path)
    rows, warnings = rows_from_body(body, path.name, numbering)
    return ExtractedDocument(
        path=path,
        rows=rows,
        format=format_name,
        sha256=sha256_of(path),
        warnings=warnings,
    )
