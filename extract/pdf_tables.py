"""Tables and running text of a born-digital PDF page (one with a text layer).

pdfplumber finds the ruled tables from the page's drawn lines ("lines" strategy): that is
how Word and LibreOffice export tables, and it is exact and fast. Each table is scored
(the share of the characters inside its frame that landed in a cell: `coverage`; the share
of non-empty cells: `fill`). camelot is tried on the page only for a measured reason:
- a pdfplumber table lost characters (coverage under `min_coverage`: text drawn across
  rules, broken rules) → camelot lattice, kept if its own coverage is better;
- no ruled table but text laid out in aligned columns (an unruled table) → camelot stream,
  kept if its parsing report's accuracy reaches `min_camelot_accuracy`.
The method used and the figures go into each table's report.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from pgt.extract.pdf_layout import (
    CellExtent,
    PageContent,
    PageTable,
    TextLine,
    cell_extent,
    clean_cell_text,
    join_cell_lines,
    reading_order,
)
from pgt.extract.rows import BBox
from pgt.extract.pdf_camelot import camelot_tables


@dataclass(frozen=True)
class PdfSettings:
    """Every knob of the PDF reader, validated in one place."""

    # pdfplumber table finder: tables are ruled; snap nearly-aligned rules together.
    vertical_strategy: str = "lines"
    horizontal_strategy: str = "lines"
    snap_tolerance: float = 3.0
    join_tolerance: float = 3.0
    intersection_tolerance: float = 3.0
    # Characters per page under which a page with a large image is a scan to OCR.
    min_text_chars: int = 10
    min_image_share: float = 0.5
    # Quality thresholds that trigger camelot (see module doc).
    min_coverage: float = 0.995
    min_camelot_accuracy: float = 90.0
    use_camelot: bool = True
    # OCR
    ocr_language: str = "fra"
    ocr_dpi: int = 300
    ocr_doubtful_confidence: float = 80.0  # under it (0-100), a short cell is read again on its own
    # Rows broken across a page break, joined back (`pdf_breaks`). Distances in points or
    # in the table's line heights.
    join_broken_rows: bool = True
    column_tolerance: float = 3.0  # two fragments' vertical rules this close: one grid
    break_page_bottom_lines: float = 3.0  # the cut row ends this close to the text bottom
    break_cell_reach_lines: float = 2.2  # a cut cell's text ends this close to its bottom
    # What opens a row of its own (first cell with text): an action number `12.`, a bare
    # number, an OO / OI / fiche / action marker, a heading word.
    row_start_patterns: tuple[str, ...] = (
        r"^\d{1,3}\s*[.)]\s*\S",
        r"^\d{1,3}$",
        r"^(?i:OO|OI|fiche|fiche action|action|FA|N\s*°)\s*(?:n\s*°\s*)?\d",
        r"^(?:AXE|OBJECTIFS?|TH[EÉ]MATIQUE|ENJEU|ORIENTATION|PRIORIT[EÉ]|SOUS-AXE)\b",
    )
    # Lines a profile adds to the shipped lexicon (its `[words] lexicon`): a word a narrow
    # cell cut is joined back when the lexicon knows it (`settings.words.domain_words`).
    lexicon: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # a profile's [pdf] gives a list; a tuple keeps the settings hashable (compiled once)
        object.__setattr__(self, "row_start_patterns", tuple(self.row_start_patterns))
        object.__setattr__(self, "lexicon", tuple(self.lexicon))
        for name in ("snap_tolerance", "join_tolerance", "intersection_tolerance"):
            if getattr(self, name) < 0:
                raise ValueError(f"PdfSettings.{name} cannot be negative")
        if not 0 <= self.min_coverage <= 1:
            raise ValueError("PdfSettings.min_coverage is a share between 0 and 1")
        for name in ("column_tolerance", "break_page_bottom_lines", "break_cell_reach_lines"):
            if getattr(self, name) < 0:
                raise ValueError(f"PdfSettings.{name} cannot be negative")
        if self.ocr_dpi < 100:
            raise ValueError("PdfSettings.ocr_dpi under 100 makes OCR unreliable")
        if not 0 <= self.ocr_doubtful_confidence <= 100:
            raise ValueError("PdfSettings.ocr_doubtful_confidence is a Tesseract confidence between 0 and 100")

    def table_settings(self) -> dict[str, Any]:
        return {
            "vertical_strategy": self.vertical_strategy,
            "horizontal_strategy": self.horizontal_strategy,
            "snap_tolerance": self.snap_tolerance,
            "join_tolerance": self.join_tolerance,
            "intersection_tolerance": self.intersection_tolerance,
        }


def grid_of(table: Any) -> tuple[list[list[BBox | None]], list[float]]:
    """The cell boxes of a pdfplumber table, row by row (None under a merged cell), and the
    x of its vertical rules."""
    boxes = [list(row.cells) for row in table.rows]
    xs = sorted({round(c[0], 1) for row in boxes for c in row if c} | {round(table.bbox[2], 1)})
    return boxes, xs


def fill_cells(
    boxes: list[list[BBox | None]], chars: list[tuple[float, float, dict]], text_of
) -> tuple[list[list[str]], int, list[list[CellExtent | None]]]:
    """Put each character (given with its centre) in the cell holding that centre, as
    pdfplumber's Table.extract does, but found by bisection on the rows' tops and the
    cells' left edges instead of a scan of every cell; return the cell texts and extents
    (`text_of(chars, box)` gives both) and the number of characters inside the grid that
    fell in no cell."""
    row_tops = []
    row_lefts: list[list[tuple[float, int]]] = []
    for row in boxes:
        tops = [c[1] for c in row if c]
        row_tops.append(min(tops) if tops else float("inf"))
        row_lefts.append(sorted((c[0], i) for i, c in enumerate(row) if c))
    lefts_only = [[x for x, _ in lefts] for lefts in row_lefts]
    buckets: list[list[list[dict]]] = [[[] for _ in row] for row in boxes]
    lost = 0
    for x, y, char in chars:
        r = bisect.bisect_right(row_tops, y) - 1
        placed = False
        for ri in (r, r - 1):  # a row's top may sit a hair below its neighbour's
            if ri < 0 or ri >= len(boxes):
                continue
            k = bisect.bisect_right(lefts_only[ri], x) - 1
            if k >= 0:
                ci = row_lefts[ri][k][1]
                cell = boxes[ri][ci]
                if cell and cell[0] <= x < cell[2] and cell[1] <= y < cell[3]:  # the centre in the cell
                    buckets[ri][ci].append(char)
                    placed = True
                    break
        if not placed and char.get("text", "x").strip():
            lost += 1
    read = [
        [text_of(chars, box) if chars else ("", None) for chars, box in zip(row, boxes_row)]
        for row, boxes_row in zip(buckets, boxes)
    ]
    return [[text for text, _ in row] for row in read], lost, [[extent for _, extent in row] for row in read]


def _plumber_text(chars: list[dict], box: BBox | None) -> tuple[str, CellExtent | None]:
    """A cell's text as pdfplumber's `extract_text` gives it (its words, clustered into
    lines), the lines joined by `join_cell_lines` (words the layout cut in two joined),
    and where the text sits."""
    from pdfplumber.utils import cluster_objects
    from pdfplumber.utils.text import WordExtractor, get_line_cluster_key

    words = WordExtractor().extract_words(chars)
    lines = cluster_objects(words, get_line_cluster_key("ttb"), 3)
    text = join_cell_lines([[(w["text"], w["x0"], w["x1"]) for w in line] for line in lines], box)
    extent = cell_extent([[(w["x0"], w["top"], w["x1"], w["bottom"]) for w in line] for line in lines])
    return text, extent


def table_report(cells: list[list[str]], lost: int, placed: int, method: str, page: int) -> dict:
    total = sum(len(r) for r in cells) or 1
    filled = sum(1 for r in cells for c in r if c)
    return {
        "page": page,
        "method": method,
        "rows": len(cells),
        "columns": max((len(r) for r in cells), default=0),
        "fill": round(filled / total, 3),
        "coverage": round(placed / (placed + lost), 4) if placed + lost else 1.0,
    }


def plumber_tables(page: Any, settings: PdfSettings, number: int) -> list[PageTable]:
    tables: list[PageTable] = []
    found_tables = page.find_tables(settings.table_settings())
    # each character's centre, and the frame's test, written out (no call per character:
    # asked for every character of the page); a centre on the right or bottom rule is in
    # the frame (0.01 beyond)
    centred = [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2, c) for c in page.chars] if found_tables else []
    for found in found_tables:
        boxes, xs = grid_of(found)
        x0, top, x1, bottom = found.bbox
        x1, bottom = x1 + 0.01, bottom + 0.01
        chars = [item for item in centred if x0 <= item[0] < x1 and top <= item[1] < bottom]
        cells, lost, extents = fill_cells(boxes, chars, _plumber_text)
        placed = sum(1 for _, _, c in chars if c["text"].strip()) - lost
        report = table_report(cells, lost, placed, "pdfplumber-lines", number)
        tables.append(PageTable(found.bbox, cells, boxes, xs, "pdfplumber-lines", report, extents))
    return tables


def first_word_width(chars: list[dict]) -> float:
    """Width of a line's first word: up to the first space or the first gap wider than a
    fifth of the font size (pdfplumber leaves most space characters out of lines)."""
    start = chars[0]["x0"]
    for char, following in zip(chars, chars[1:]):
        size = char["bottom"] - char["top"]
        if not following["text"].strip() or following["x0"] - char["x1"] > 0.2 * size:
            return char["x1"] - start
    return chars[-1]["x1"] - start


def text_lines(page: Any, exclude: list[BBox]) -> list[TextLine]:
    """Lines of the page's text outside the tables."""

    # asked of every object of the page (120,000 characters in 57 pages): the frames are
    # made once, the test written out (a call per box and character was a tenth of reading)
    frames = [(b[0], b[1], b[2] + 0.01, b[3] + 0.01) for b in exclude]

    def outside(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        for x0, top, x1, bottom in frames:
            if x0 <= x < x1 and top <= y < bottom:
                return False
        return True

    rest = page.filter(outside) if exclude else page
    lines = []
    for line in rest.extract_text_lines(return_chars=True, strip=True):
        text = clean_cell_text(line["text"])
        if not text:
            continue
        chars = line["chars"]
        bbox = (line["x0"], line["top"], line["x1"], line["bottom"])
        lines.append(TextLine(text, bbox, first_word_width(chars)))
    return lines


def _looks_tabular(page: Any) -> bool:
    """Unruled table evidence: at least three lines whose words sit in columns far apart."""
    words = page.extract_words()
    rows: dict[int, list[dict]] = {}
    for w in words:
        rows.setdefault(round(w["top"]), []).append(w)
    wide = 0
    for ws in rows.values():
        ws.sort(key=lambda w: w["x0"])
        if any(b["x0"] - a["x1"] > 20 for a, b in zip(ws, ws[1:])):
            wide += 1
    return wide >= 3


def one_column_to_text(tables: list[PageTable]) -> tuple[list[PageTable], list[TextLine]]:
    """A one-column "table" is a framed paragraph (a boxed heading): its cells are text."""
    kept, lines = [], []
    for table in tables:
        if len(table.column_edges) <= 2:
            for row, boxes in zip(table.cells, table.cell_bboxes):
                if row and row[0] and boxes[0]:
                    lines.append(TextLine(row[0], boxes[0], 0.0, boxed=True))
        else:
            kept.append(table)
    return kept, lines


def read_text_page(page: Any, number: int, settings: PdfSettings, path: str, password: str | None) -> PageContent:
    """Tables and text lines of a page that has a text layer."""
    tables = plumber_tables(page, settings, number)
    notes: list[str] = []
    if settings.use_camelot:
        weak = [t for t in tables if t.report["coverage"] < settings.min_coverage]
        if weak:
            tables, note = _try_camelot(path, password, number, page.height, tables, "lattice", settings)
            notes += note
        elif not tables and page.chars and _looks_tabular(page):
            tables, note = _try_camelot(path, password, number, page.height, tables, "stream", settings)
            notes += note
    tables, boxed = one_column_to_text(tables)
    lines = text_lines(page, [t.bbox for t in tables]) + boxed
    return PageContent(number, float(page.width), float(page.height), reading_order([*tables, *lines]), notes=notes)


def peel_heading_rows(table: PageTable) -> PageTable:
    """camelot stream takes the heading above an unruled table for its first row (one
    filled cell). Such rows are given back to the page: the table starts below them, and
    the heading is read as a text line."""
    cells, boxes = list(table.cells), list(table.cell_bboxes)
    while len(cells) > 2 and sum(1 for c in cells[0] if c) == 1 and cells[0][0]:
        cells, boxes = cells[1:], boxes[1:]
    if len(cells) == len(table.cells):
        return table
    top = min(b[1] for b in boxes[0] if b)
    bbox = (table.bbox[0], top, table.bbox[2], table.bbox[3])
    report = {**table.report, "rows": len(cells), "peeled_heading_rows": len(table.cells) - len(cells)}
    return PageTable(bbox, cells, boxes, table.column_edges, table.method, report)


def reading_score(tables: list[PageTable]) -> float:
    """How much text a reading puts in real tables (2+ rows and columns), discounted by the
    share it lost: a reading that finds a trivial 1-column table scores nothing."""
    score = 0.0
    for table in tables:
        if table.report.get("rows", 0) >= 2 and table.report.get("columns", 0) >= 2:
            chars = sum(len(c) for row in table.cells for c in row)
            score += chars * table.report.get("coverage", 0.0)
    return score


def _try_camelot(
    path: str,
    password: str | None,
    number: int,
    height: float,
    current: list[PageTable],
    flavor: str,
    settings: PdfSettings,
) -> tuple[list[PageTable], list[str]]:

    try:
        candidates = camelot_tables(path, number, height, flavor, password)
    except Exception as error:  # camelot is a fallback: its failure keeps pdfplumber's result
        return current, [f"page {number}: camelot {flavor} failed ({type(error).__name__}), pdfplumber kept"]
    if not candidates:
        return current, []
    if flavor == "lattice":
        mine, theirs = reading_score(current), reading_score(candidates)
        if theirs > mine:
            return candidates, [f"page {number}: camelot lattice kept (score {theirs:.0f} > pdfplumber {mine:.0f})"]
        return current, []
    candidates = [peel_heading_rows(t) for t in candidates]
    good = [
        t
        for t in candidates
        if t.report.get("accuracy", 0) >= settings.min_camelot_accuracy
        and t.report["rows"] >= 2
        and t.report["columns"] >= 2
    ]
    if good:
        return good, [f"page {number}: unruled table read by camelot stream"]
    return current, []
