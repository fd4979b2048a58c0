"""Render the rows of a text export into a Word (DOCX) or OpenDocument (ODT) file.

Tests build their Word documents from `raw/` at test time (no committed binaries), shaped
the way a plan is written in Word:

- headings and paragraphs between tables as paragraphs, each text-export table as a table;
- the "MOYENS – LEVIERS D'ACTIONS" header cell horizontally merged over the empty cells
  that follow it (above HUMAINS / TECHNIQUES / FINANCIERS on the second header row), and
  the other cells of a two-row header vertically merged over the second row;
- full-width title rows (OBJECTIF INTERMEDIAIRE…, AXE STRATEGIQUE…) merged across the row;
- in tables with an "exemple d'offres" column, the action cell (and its OO cell) vertically
  merged over its offer rows;
- the leading header rows of each table flagged "repeat as header row";
- a table that continues the previous one (its header repeated, nothing between them) put
  after a page break: the table split in two by a page break with its header repeated;
- cells with line breaks as several paragraphs; optionally "- item" bullets of a cell too.

Every merge covers cells that are empty in the text export, so a reader that resolves
merges as "text once, empty elsewhere" gives back the text export's rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from pgt.extract.rows import RowKind, SourceRow

_TITLE_ROW = re.compile(
    r"^(OBJECTIF INTERMEDIAIRE|AXE STRATEGIQUE|THEMATIQUE|COHESION SOCIALE|PARENTALITE|SIX GRANDES)"
)
# Where Word would hold "- item" bullets as paragraphs: after the end of a sentence
# ("…structures. - Augmenter…"), or anywhere in a cell that is a bullet list ("- familles
# … - futurs parents"). A dash between two names ("Politique de la ville - CREPI") stays.
_BULLET_AFTER_SENTENCE = re.compile(r"(?<=[.:;])\s(?=- [A-Za-zÀ-ÿ])")
_BULLET_IN_LIST = re.compile(r"\s(?=- [A-Za-zÀ-ÿ])")

Merge = tuple[int, int, int, int]  # top row, left column, bottom row, right column


@dataclass
class TableLayout:
    """How one text-export table is drawn: its cells, merges and header rows."""

    cells: list[tuple[str, ...]]
    merges: list[Merge] = field(default_factory=list)
    header_rows: int = 0
    after_page_break: bool = False

    @property
    def width(self) -> int:
        return max(len(row) for row in self.cells)


def _is_header_row(cells: tuple[str, ...]) -> bool:
    text = " ".join(cells).upper()
    return (
        "PORTEUR" in text
        or "MOYENS" in text
        or any(cell.strip().upper() in ("HUMAINS", "TECHNIQUES", "FINANCIERS") for cell in cells)
        or "FICHES ACTION" in text
    )


def _header_count(cells: list[tuple[str, ...]]) -> int:
    count = 0
    while count < len(cells) and _is_header_row(cells[count]):
        count += 1
    return count


def _moyens_spans(row: tuple[str, ...]) -> list[tuple[int, int]]:
    """(first, last) columns of each MOYENS cell and the (at most two) empty cells after it."""
    spans = []
    for col, text in enumerate(row):
        if text.upper().startswith("MOYENS"):
            last = col
            while last + 1 < len(row) and last - col < 2 and not row[last + 1].strip():
                last += 1
            if last > col:
                spans.append((col, last))
    return spans


def _header_merges(cells: list[tuple[str, ...]]) -> list[Merge]:
    merges: list[Merge] = []
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(cells):
        spans = _moyens_spans(row)
        for first, last in spans:
            merges.append((r, first, r, last))
            taken.update((r, c) for c in range(first, last + 1))
        below = cells[r + 1] if r + 1 < len(cells) else None
        if spans and below is not None and "HUMAINS" in (c.strip().upper() for c in below):
            # A two-row header: every other header cell spans both rows.
            for col, text in enumerate(row):
                if text.strip() and not below[col].strip() and (r, col) not in taken:
                    merges.append((r, col, r + 1, col))
                    taken.add((r + 1, col))
    return merges


def _title_merges(cells: list[tuple[str, ...]]) -> list[Merge]:
    return [
        (r, 0, r, len(row) - 1)
        for r, row in enumerate(cells)
        if len(row) > 1 and _TITLE_ROW.match(row[0].upper()) and not any(c.strip() for c in row[1:])
    ]


def _offre_merges(cells: list[tuple[str, ...]], headers: set[int]) -> list[Merge]:
    """The action cell (and its OO cell when empty below) over the action's offer rows."""
    if not any("OFFRES" in c.upper() for row in cells for c in row):
        return []
    merges: list[Merge] = []
    r = 0
    while r < len(cells):
        row = cells[r]
        if r in headers or not row[0].strip() or not re.match(r"^\d+\.", row[0]):
            r += 1
            continue
        end = r
        while (
            end + 1 < len(cells)
            and end + 1 not in headers
            and not cells[end + 1][0].strip()
            and any(c.strip() for c in cells[end + 1][1:])
        ):
            end += 1
        if end > r:
            merges.append((r, 0, end, 0))
            if all(not cells[k][1].strip() for k in range(r + 1, end + 1)):
                merges.append((r, 1, end, 1))
        r = end + 1
    return merges


def layout_tables(
    rows: list[SourceRow], *, join_continued: bool = False
) -> list[tuple[str, list[str] | TableLayout]]:
    """The document as a sequence of ("text", lines) and ("table", layout) blocks.

    `join_continued`: a table that continues the previous one (its header repeated,
    nothing between them) is drawn as the rest of that table, without its header copy:
    one Word table flowing over the page break, as an author writes it.
    """
    blocks: list[tuple[str, list[str] | TableLayout]] = []
    for (kind, _table), group in groupby(rows, key=lambda r: (r.kind, r.table_index)):
        group_rows = list(group)
        if kind is RowKind.TEXT:
            blocks.append(("text", [row.cells[0] for row in group_rows]))
            continue
        cells = [row.cells for row in group_rows]
        header_rows = _header_count(cells)
        header_set = {
            r for r, row in enumerate(cells) if _is_header_row(row)
        }
        merges = _header_merges(cells) + _title_merges(cells) + _offre_merges(cells, header_set)
        continues = bool(blocks) and blocks[-1][0] == "table" and header_rows > 0
        if continues and join_continued:
            _append_rows(blocks[-1][1], cells[header_rows:])  # type: ignore[arg-type]
            continue
        blocks.append(("table", TableLayout(cells, merges, header_rows, continues)))
    return blocks


def _append_rows(layout: TableLayout, cells: list[tuple[str, ...]]) -> None:
    width = max(layout.width, *(len(row) for row in cells))
    top = len(layout.cells)
    layout.cells = [row + ("",) * (width - len(row)) for row in layout.cells + cells]
    headers = {r for r, row in enumerate(layout.cells) if _is_header_row(row)}
    layout.merges += [
        (t + top, left, b + top, right)
        for t, left, b, right in _title_merges(cells) + _offre_merges(cells, set())
        if not any(r + top in headers for r in range(t, b + 1))
    ]


def split_bullets(text: str) -> list[str]:
    """A cell's paragraphs: its lines, and its "- item" bullets split off."""
    parts: list[str] = []
    for line in text.split("\n"):
        pattern = _BULLET_IN_LIST if line.startswith("- ") else _BULLET_AFTER_SENTENCE
        parts.extend(pattern.split(line))
    return parts


# --- DOCX --------------------------------------------------------------------------------


def render_docx(
    rows: list[SourceRow],
    path: Path,
    *,
    bullets_as_paragraphs: bool = False,
    join_continued: bool = False,
) -> Path:
    blocks = layout_tables(rows, join_continued=join_continued)
    return render_docx_blocks(blocks, path, bullets_as_paragraphs=bullets_as_paragraphs)


def render_docx_blocks(
    blocks: list[tuple[str, list[str] | TableLayout]], path: Path, *, bullets_as_paragraphs: bool = False
) -> Path:
    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement

    document = docx.Document()
    for kind, block in blocks:
        if kind == "text":
            for line in block:  # type: ignore[union-attr]
                document.add_paragraph(line)
            continue
        layout: TableLayout = block  # type: ignore[assignment]
        # Word glues two tables with nothing between them: a paragraph keeps them apart,
        # holding the page break when the second table continues the first.
        if layout.after_page_break:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif len(document.element.body) > 1 and document.element.body[-2].tag.endswith("}tbl"):
            # (the body's last element is its sectPr)
            document.add_paragraph()
        table = document.add_table(rows=len(layout.cells), cols=layout.width)
        table.style = "Table Grid"
        for r, row_cells in enumerate(layout.cells):
            word_row = table.rows[r]
            for cell, text in zip(word_row.cells, row_cells):
                parts = split_bullets(text) if bullets_as_paragraphs else text.split("\n")
                parts = [part for part in parts if part]
                if parts:
                    cell.paragraphs[0].add_run(parts[0])
                    for part in parts[1:]:
                        cell.add_paragraph(part)
            if r < layout.header_rows:
                word_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for top, left, bottom, right in layout.merges:
            table.cell(top, left).merge(table.cell(bottom, right))
    document.save(str(path))
    return path


# --- ODT ---------------------------------------------------------------------------------


def render_odt(rows: list[SourceRow], path: Path, *, bullets_as_paragraphs: bool = False) -> Path:
    return render_odt_blocks(layout_tables(rows), path, bullets_as_paragraphs=bullets_as_paragraphs)


def render_odt_blocks(
    blocks: list[tuple[str, list[str] | TableLayout]], path: Path, *, bullets_as_paragraphs: bool = False
) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.style import ParagraphProperties, Style
    from odf.table import (
        CoveredTableCell,
        Table,
        TableCell,
        TableColumn,
        TableHeaderRows,
        TableRow,
    )
    from odf.text import P

    document = OpenDocumentText()
    page_break = Style(name="PageBreak", family="paragraph")
    page_break.addElement(ParagraphProperties(breakbefore="page"))
    document.automaticstyles.addElement(page_break)

    def paragraphs(text: str) -> list[P]:
        parts = split_bullets(text) if bullets_as_paragraphs else text.split("\n")
        return [P(text=part) for part in parts if part] or [P()]

    previous = ""
    for number, (kind, block) in enumerate(blocks):
        if kind == "text":
            for line in block:  # type: ignore[union-attr]
                document.text.addElement(P(text=line))
            previous = kind
            continue
        layout: TableLayout = block  # type: ignore[assignment]
        if layout.after_page_break:
            document.text.addElement(P(stylename=page_break))
        elif previous == "table":
            document.text.addElement(P())
        previous = kind
        table = Table(name=f"Table{number}")
        table.addElement(TableColumn(numbercolumnsrepeated=layout.width))
        covered: set[tuple[int, int]] = set()
        origins: dict[tuple[int, int], tuple[int, int]] = {}
        for top, left, bottom, right in layout.merges:
            origins[(top, left)] = (bottom - top + 1, right - left + 1)
            covered.update(
                (r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)
            )
            covered.discard((top, left))
        header = TableHeaderRows() if layout.header_rows else None
        if header is not None:
            table.addElement(header)
        for r, row_cells in enumerate(layout.cells):
            odf_row = TableRow()
            for c, text in enumerate(row_cells):
                if (r, c) in covered:
                    odf_row.addElement(CoveredTableCell())
                    continue
                spans = origins.get((r, c))
                attributes = {"valuetype": "string"}
                if spans:
                    attributes.update(numberrowsspanned=spans[0], numbercolumnsspanned=spans[1])
                cell = TableCell(**attributes)
                for paragraph in paragraphs(text):
                    cell.addElement(paragraph)
                odf_row.addElement(cell)
            (header if header is not None and r < layout.header_rows else table).addElement(odf_row)
        document.text.addElement(table)
    document.save(str(path))
    return path
