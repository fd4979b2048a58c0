"""The one row stream every reader produces.

A reader turns a document (text export, PDF, DOCX…) into an ordered list of `SourceRow`:
the cells of one table row, or one line of running text (a heading, a paragraph between
tables), each with its provenance. Nothing downstream of `extract/` knows which format a row
came from: the structure builder only sees cells and where they were.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import Path

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points


class RowKind(str, Enum):
    TABLE = "table"  # a row of a table: several cells
    TEXT = "text"  # a line of running text outside tables (heading, paragraph)


@dataclass(frozen=True)
class RowPiece:
    """The part of a table row on a further page, when the row broke across a page break."""

    page: int  # 1-based
    bbox: BBox | None
    cell_bboxes: tuple[BBox | None, ...]  # one per cell of the row, None where nothing is


@dataclass(frozen=True)
class Provenance:
    """Where a row was read: enough for a person to find it in the source."""

    document: str  # file name as given by the user
    line: int | None = None  # 1-based line in a text export
    page: int | None = None  # 1-based page in a PDF
    table: int | None = None  # 0-based index of the table in the document
    row: int | None = None  # 0-based index of the row in its table
    bbox: BBox | None = None  # bounding box of the row on its page (PDF)
    cell_bboxes: tuple[BBox | None, ...] | None = None  # one per cell (PDF)
    sheet: str | None = None  # spreadsheet sources: the sheet's name
    cell_refs: tuple[str | None, ...] | None = None  # one per cell: its A1 reference (`D4`)
    hidden: bool = False  # spreadsheet sources: the row's sheet is hidden (its cells are listed, not read)
    # A PDF row broken across pages: every page it spans (`page` is the first) and its
    # pieces on the further pages (`bbox` and `cell_bboxes` are the first page's piece).
    pages: tuple[int, ...] | None = None
    continuation: tuple[RowPiece, ...] = ()

    def location(self) -> str:
        """Human-readable location: `file:line 12`, `file:page 3` or `file:table 2 row 5`."""
        where: list[str] = []
        if self.sheet is not None:
            first = next((ref for ref in self.cell_refs or () if ref), None)
            return f"{self.document}:{self.sheet}!{first}" if first else f"{self.document}:{self.sheet}"
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.pages and len(self.pages) > 1:
            where.append(f"pages {self.pages[0]}-{self.pages[-1]}")
        elif self.page is not None:
            where.append(f"page {self.page}")
        if not where and self.table is not None:
            where.append(f"table {self.table + 1}")
            if self.row is not None:
                where.append(f"row {self.row + 1}")
        return f"{self.document}:{' '.join(where)}" if where else self.document

    def located_boxes(self) -> list[tuple[int, int, BBox]]:
        """(cell index, page, box) of each cell whose place on a PDF page is known, in cell
        order: what the review page cuts from the page. A row read from one page has one
        piece per cell; a reader that joins a row broken across pages gives a cell one piece
        per page. A text line (no cells' boxes) is one piece: its own box."""
        if self.page is None:
            return []
        if self.cell_bboxes is None:
            first = [(0, self.page, self.bbox)] if self.bbox else []
        else:
            first = [(index, self.page, box) for index, box in enumerate(self.cell_bboxes) if box]
        further = [(index, piece.page, box) for piece in self.continuation
                   for index, box in enumerate(piece.cell_bboxes or ()) if box]
        return sorted(first + further, key=lambda located: located[0])  # cell order, pages in order


@dataclass(frozen=True)
class SourceRow:
    """One row of cells with its provenance. Cells are clean text (markup removed)."""

    cells: tuple[str, ...]
    provenance: Provenance
    kind: RowKind = RowKind.TABLE
    # Rows of the same table share a table index; a new index means a new table (a blank
    # line in a text export, a new table object in a PDF or DOCX).
    table_index: int | None = None
    # True for header rows a format marks as repeated (DOCX "repeat as header row",
    # a header repeated after a PDF page break): the builder may skip duplicates of them.
    repeated_header: bool = False

    @property
    def non_empty(self) -> list[tuple[int, str]]:
        return list(self._non_empty)  # a copy: the caller may change its list

    @cached_property  # asked for a row by every step that reads it: found once
    def _non_empty(self) -> tuple[tuple[int, str], ...]:
        return tuple((i, c) for i, c in enumerate(self.cells) if c.strip())

    @property
    def is_blank(self) -> bool:
        return not self._non_empty  # (asked of every row by each walk: the cells read once)

    def text(self) -> str:
        return " ".join(c for c in self.cells if c.strip())


@dataclass(frozen=True)
class SetAside:
    """A row the reader recognised as an artefact of the export, not content (a Markdown
    table separator `|---|---|`): kept out of `rows`, so no builder reads it, and listed at
    its place by the cell accounting with its reason."""

    row: SourceRow
    code: str  # the anomaly's code (`separator`)
    reason: str


@dataclass
class ExtractedDocument:
    """What a reader returns: the rows of one document and facts about the file."""

    path: Path
    rows: list[SourceRow]
    format: str  # "text", "pdf", "docx", "odt", "xlsx", "ods", "csv"
    sha256: str
    lines: int | None = None  # text exports
    pages: int | None = None  # PDF
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)  # reader-level notes (OCR used, …)
    # PDF: one entry per table read (page, method, rows, columns, fill, coverage…), as
    # camelot's parsing_report, so a weak table can be traced to its page and reader.
    tables_report: list[dict] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)  # export artefacts, not rows

    @property
    def rows_read(self) -> int:
        """Every row the reader read, set-aside ones included."""
        return len(self.rows) + len(self.set_aside)

    @property
    def name(self) -> str:
        return self.path.name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
