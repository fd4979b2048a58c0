"""Table rows broken across a page break, joined back into one row.

Word and LibreOffice let a table row break across pages by default: the cells' text that
does not fit goes on at the top of the next page, below the repeated header rows, as a
row of its own in the PDF. A reader that takes it for a row gets two rows: the porteur
`Direction de la` and, on the next page, a junk action titled `(travail avec l'IME…)`.

Whether the first row of a page continues the previous page's last row is decided from
the geometry and the text of the two pieces, whatever made the PDF (born-digital or OCR):
- the table goes on: the page starts with a table with the same column grid as the table
  that ended the previous page, which reached the bottom of the text area;
- the row is no repeated header (those are skipped before) and carries no row-start mark
  in its first column (an action number, an `OO 2` / `Fiche 8` marker, a heading word);
- every cell the row has text in continues a cell of the previous page whose text reached
  the bottom of the row (a cell whose text ended higher had nothing left to carry over);
  the cell above may belong to an earlier row (a cell merged down);
- and at least one of those cells was cut mid-paragraph: the first word after the break
  would not have fitted on its last line (a one-line row at the page's end reaches its
  bottom in every cell, and is whole).

`continued_cells` answers for one pair of tables, its thresholds the `PdfSettings`; `pdf.rows_from_pages` applies it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from pgt.extract.pdf_layout import WORD_CUT, CellExtent, PageTable, cut_word, same_columns
from pgt.extract.pdf_tables import PdfSettings
from pgt.extract.rows import BBox


@lru_cache(maxsize=8)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def has_row_start_mark(cells: Sequence[str], previous: Sequence[str], patterns: tuple[str, ...]) -> bool:
    """A row that starts a row of its own: its first cell with text opens a row (a number,
    a marker, a heading word) and sits no further right than where the row above began.
    (A cell further right holding `Fiche 14 : …` may well be the rest of a cell that held
    `Fiche 13 : …` above the break.)"""
    first = next(((i, c.strip()) for i, c in enumerate(cells) if c.strip()), None)
    if first is None:
        return False
    began = next((i for i, c in enumerate(previous) if c.strip()), len(previous))
    if first[0] > began:
        return False
    return any(p.search(first[1]) for p in _compiled(patterns))


def _covering_cell(table: PageTable, x: float, bottom: float, slack: float) -> tuple[int, int] | None:
    """(row, column) of the cell of `table` holding x at the table's bottom edge: the cell
    the break cut (possibly merged down from an earlier row)."""
    for r in range(len(table.cell_bboxes) - 1, -1, -1):
        for k, box in enumerate(table.cell_bboxes[r]):
            if box and box[0] - slack <= x < box[2] + slack and box[3] >= bottom - slack:
                return r, k
    return None


def continued_cells(
    previous: PageTable,
    following: PageTable,
    row: int,
    text_bottom: float,
    rules: PdfSettings,
) -> dict[int, tuple[int, int]] | None:
    """Which cells of `previous` (the part of a table ending a page) the cells of
    `following`'s row `row` (the first row under the repeated headers at the top of the
    next page) continue: {column in `following`: (row, column) in `previous`}. None when
    that row is a row of its own (see module doc). `text_bottom` is the lowest table
    bottom of the document: where the text area ends."""
    if not previous.cells or row >= len(following.cells):
        return None
    if not same_columns(previous, following, rules.column_tolerance):
        return None
    if not previous.extents or not following.extents:
        return None  # a reader that gives no text extents (camelot): never join blindly
    cells = following.cells[row]
    if not any(c.strip() for c in cells):
        return None
    line = previous.line_height or 10.0
    bottom = previous.bbox[3]
    if bottom < text_bottom - rules.break_page_bottom_lines * line:
        return None  # the table stopped short of the page's end: its last row is whole
    if has_row_start_mark(cells, previous.cells[-1], rules.row_start_patterns):
        return None
    found: dict[int, tuple[int, int]] = {}
    wrapped = False
    for c, text in enumerate(cells):
        if not text.strip():
            continue
        went_on = _continued_cell(previous, following, row, c, rules)
        if went_on is None:
            return None  # that cell's text ended higher: nothing of it was carried over
        if not went_on[1] and text.strip()[:1].isupper():
            return None  # a line that ended its paragraph, then a capital: a row's start
        found[c] = went_on[0]
        wrapped = wrapped or went_on[1]
    # A short row at the page's end reaches its bottom in every cell: one of its cells
    # must also have been cut mid-paragraph (its last line full) for the row to go on.
    return found if wrapped else None


def continued_first_cell(
    previous: PageTable, following: PageTable, row: int, text_bottom: float, rules: PdfSettings
) -> tuple[int, int] | None:
    """When `following`'s row `row` is a row of its own, whether its first cell still
    holds the end of a cell merged down over it from the previous page (an action's cell
    merged over its offer rows, its text running over the break beside the next offer):
    the cell of `previous` it continues, else None. Only a first cell that goes on in
    lower case from a line cut mid-paragraph counts."""
    if not previous.cells or row >= len(following.cells) or not following.extents or not previous.extents:
        return None
    if not same_columns(previous, following, rules.column_tolerance):
        return None
    if previous.bbox[3] < text_bottom - rules.break_page_bottom_lines * (previous.line_height or 10.0):
        return None
    first = following.cells[row][0].strip() if following.cells[row] else ""
    if not first[:1].islower():
        return None
    went_on = _continued_cell(previous, following, row, 0, rules)
    return went_on[0] if went_on is not None and went_on[1] else None


def _continued_cell(
    previous: PageTable, following: PageTable, row: int, column: int, rules: PdfSettings
) -> tuple[tuple[int, int], bool] | None:
    """The cell of `previous` that `following`'s cell (row, column) would continue — the
    one holding it at the cut, whose text reached the cut — and whether that cell's last
    line was full; None when there is no such cell."""
    line = previous.line_height or 10.0
    slack = max(2.0, rules.column_tolerance)
    box = following.cell_bboxes[row][column] if column < len(following.cell_bboxes[row]) else None
    after = following.extents[row][column] if column < len(following.extents[row]) else None
    if box is None or after is None:
        return None
    target = _covering_cell(previous, (box[0] + box[2]) / 2, previous.bbox[3], slack)
    if target is None:
        return None
    r, k = target
    before = previous.extents[r][k] if k < len(previous.extents[r]) else None
    cut = previous.cell_bboxes[r][k]
    if before is None or cut is None or before.bottom < cut[3] - rules.break_cell_reach_lines * line:
        return None
    return target, _line_was_full(before, after, cut)


def _line_was_full(before: CellExtent, after: CellExtent, cut: BBox) -> bool:
    """The first word after the break would not have fitted at the end of the cell's last
    line before it: the text wrapped there (else the line ended its paragraph)."""
    padding = max(0.0, before.left - cut[0])
    space = 0.3 * before.line_height
    return before.last_right + space + after.first_word > cut[2] - padding


def cut_at_break(before: str, before_extent: CellExtent, cut: BBox, after: str, after_extent: CellExtent) -> bool:
    """Whether the break also cut a word: the cell's last line before it holds one word that
    the cell's edge cut, going on at the top of the next page (`Dire` / `ctio` | `n des
    sports`), as `pdf_layout.cut_word` tells of two lines of a page. `before` and `after`
    are the pieces' texts as read (their own cuts unsettled)."""
    if before_extent.last_words != 1 or not before.strip() or not after.strip():
        return False
    word = before.split()[-1].rsplit(WORD_CUT, 1)[-1]
    next_word = after.split()[0].split(WORD_CUT, 1)[0]
    padding = max(0.0, before_extent.left - cut[0])
    return cut_word(word, before_extent.last_right, next_word, after_extent.first_word, cut[2] - padding)


def join_text(before: str, after: str, cut: bool = False) -> str:
    """A cell's text before and after the break: one more wrapped line, or the rest of a
    word the break cut (`WORD_CUT`, settled against the document's words: `cut_at_break`)."""
    if not before.strip():
        return after
    if not after.strip():
        return before
    return f"{before}{WORD_CUT if cut else ' '}{after}"
