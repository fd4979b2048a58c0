"""The table model the Word-processor readers share (`docx.py`, `odt.py`), and the one
step turning it into rows.

Each format keeps only a small adapter reading its XML into `GridRow`s: the cells of a row
in order, each with the grid columns it spans, and whether a nested table was read into
its text. `table_rows` turns a table into TABLE rows, one cell per grid column (a merged
cell gives its text in its first column, empty cells after it, as the text export shows
merges), and reports each nested table in the warnings, never silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pgt.extract.rows import Provenance, RowKind, SourceRow

_SPACES = re.compile(r"[ \t\u00a0\u202f\u2009]+")


def fold_lines(text: str) -> str:
    """Fold spaces on each line, drop empty lines: the same cleaning as the text export."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class GridCell:
    """A cell: its folded text, the grid columns it spans, and the non-empty rows of a
    table nested in it (None: no nested table)."""

    text: str
    span: int = 1
    nested: int | None = None


@dataclass(frozen=True)
class GridRow:
    """A row read from the document (deleted rows are left out by the adapter): its cells,
    the grid columns skipped before and after them, whether it repeats as a header."""

    cells: list[GridCell]
    header: bool = False
    before: int = 0
    after: int = 0


@dataclass
class GridTable:
    """A table: its rows and its declared grid width. With `drop_unstarted`, a grid column
    where no cell of any row starts (it only continues spans, empty everywhere) is left out."""

    rows: list[GridRow]
    width: int = 0
    drop_unstarted: bool = False


def _texts(row: GridRow, starts: set[int], nested: list[tuple[int, int, int]], index: int) -> list[str]:
    texts: list[str] = [""] * row.before
    for cell in row.cells:
        starts.add(len(texts))
        if cell.nested is not None:
            nested.append((index, len(texts), cell.nested))
        texts.append(cell.text)
        texts.extend([""] * (max(1, cell.span) - 1))
    texts.extend([""] * row.after)
    return texts


def table_rows(table: GridTable, document: str, table_index: int) -> tuple[list[SourceRow], list[str]]:
    """TABLE rows of one table, all of the table's width, and the nested-table warnings."""
    starts: set[int] = {0}
    nested: list[tuple[int, int, int]] = []
    grid = [_texts(row, starts, nested, index) for index, row in enumerate(table.rows)]
    width = max([table.width, *(len(texts) for texts in grid)])
    kept = [c for c in range(width) if c in starts] if table.drop_unstarted else list(range(width))
    warnings = [
        f"nested_table: {document}:table {table_index + 1} "
        f"row {row + 1} cell {kept.index(column) + 1}: a table nested in the "
        f"cell ({count} non-empty rows) was read into the cell text"
        for row, column, count in nested
    ]
    rows = [
        SourceRow(
            cells=tuple((texts[c] if c < len(texts) else "") for c in kept),
            provenance=Provenance(document, table=table_index, row=index),
            kind=RowKind.TABLE,
            table_index=table_index,
            repeated_header=row.header,
        )
        for index, (texts, row) in enumerate(zip(grid, table.rows))
    ]
    return rows, warnings


def nested_lines(rows: list[GridRow]) -> list[str]:
    """One line per row of a nested table, its non-empty cells separated by spaces."""
    lines: list[str] = []
    for row in rows:
        text = " ".join(" ".join(cell.text.split("\n")) for cell in row.cells if cell.text)
        if text:
            lines.append(text)
    return lines


def flatten_frames(
    container: object,
    document: str,
    warnings: list[str],
    blocks: Callable[[object], Iterator[object]],
    frame_of: Callable[[object], object | None],
) -> Iterator[object]:
    """Blocks of the body, reading the content of frame tables in place (said once each):
    otherwise the whole plan would be one cell holding nested tables. `frame_of(block)` is
    the frame's cell when the block is a one-cell table framing tables, else None."""
    for block in blocks(container):
        frame = frame_of(block)
        if frame is None:
            yield block
            continue
        warnings.append(
            f"frame_table: {document}: a one-cell table framing other tables was read as "
            f"part of the body (its tables and paragraphs in order)"
        )
        yield from flatten_frames(frame, document, warnings, blocks, frame_of)
