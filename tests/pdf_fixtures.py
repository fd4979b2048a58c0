"""Render the rows of a text export as a PDF a Word export would look like, for tests and
the benchmark: real ruled tables (grid lines), the header rows repeated after a page break,
the "MOYENS – LEVIERS D'ACTIONS" header cell merged over the columns it heads, A4 landscape,
long cells wrapped over several lines, headings as paragraphs between tables.

Also makes an image-only ("scanned") copy of some pages, for the OCR path.

Not part of the package: tests and `scripts/bench_pdf.py` import it by path.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pgt.extract.rows import RowKind, SourceRow

_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
CELL_FONT_SIZE = 7.0
MARGIN = 28.0


def _register_fonts() -> None:
    # Helvetica is Latin-1 only: ’ – œ « » need a TrueType font.
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(_FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_FONT_DIR / "DejaVuSans-Bold.ttf")))


@dataclass(frozen=True)
class RenderOptions:
    landscape: bool = True
    repeat_header: bool = True
    merge_moyens: bool = True
    cell_font_size: float = CELL_FONT_SIZE
    page_numbers: bool = False  # a page number centred in the bottom margin


def _blocks(rows: list[SourceRow]) -> list[tuple[str, list[SourceRow]]]:
    """Consecutive rows grouped: ("text", [one row]) or ("table", [rows of one table])."""
    blocks: list[tuple[str, list[SourceRow]]] = []
    for row in rows:
        if row.kind == RowKind.TEXT:
            blocks.append(("text", [row]))
        elif blocks and blocks[-1][0] == "table" and blocks[-1][1][0].table_index == row.table_index:
            blocks[-1][1].append(row)
        else:
            blocks.append(("table", [row]))
    return blocks


def _header_row_count(rows: list[SourceRow]) -> int:
    """Header rows to repeat after a page break: the first row, and the second when it
    holds the HUMAINS / TECHNIQUES / FINANCIERS sub-headers of a merged MOYENS cell."""
    if len(rows) < 3:
        return 0
    first = " ".join(rows[0].cells).upper()
    if not any(word in first for word in ("PORTEUR", "MOYENS", "OBJECTIFS", "ACTIONS")):
        return 0
    second = " ".join(rows[1].cells).upper()
    return 2 if "HUMAINS" in second and len(rows) > 3 else 1


def _moyens_spans(rows: list[SourceRow]) -> list[tuple[int, int, int]]:
    """(row, first column, last column) of each MOYENS cell to merge over the empty cells
    after it, as Word does for the two-line header."""
    spans = []
    for index, row in enumerate(rows):
        for col, cell in enumerate(row.cells):
            if cell.upper().startswith("MOYENS"):
                last = col
                while last + 1 < len(row.cells) and not row.cells[last + 1].strip() and last - col < 2:
                    last += 1
                if last > col:
                    spans.append((index, col, last))
    return spans


def _minimum_widths(rows: list[SourceRow], font_size: float) -> list[float]:
    ncols = max(len(r.cells) for r in rows)
    out = []
    for col in range(ncols):
        words = [w for r in rows if col < len(r.cells) for w in r.cells[col].split()]
        longest = max((pdfmetrics.stringWidth(w, FONT, font_size) for w in words), default=0.0)
        out.append(max(8.0, longest + 6.0))
    return out


def fitting_font_size(rows: list[SourceRow], available: float, largest: float) -> float:
    """The largest cell font size (by half points) at which every column holds its longest
    word: wide tables (17 columns) get a smaller font rather than words cut in two."""
    size = largest
    while size > 4.0 and sum(_minimum_widths(rows, size)) > available:
        size -= 0.5
    return size


def _column_widths(rows: list[SourceRow], available: float, font_size: float) -> list[float]:
    """Widths proportional to how much text a column holds, never narrower than its
    longest word (so no word is cut in two by the wrapping)."""
    ncols = max(len(r.cells) for r in rows)
    minimum = _minimum_widths(rows, font_size)
    weight = [sum(len(r.cells[c]) for r in rows if c < len(r.cells)) ** 0.5 for c in range(ncols)]
    spare = available - sum(minimum)
    if spare <= 0:
        scale = available / sum(minimum)
        return [m * scale for m in minimum]
    total = sum(weight) or 1.0
    return [m + spare * w / total for m, w in zip(minimum, weight)]


def render_rows_pdf(rows: list[SourceRow], target: Path, options: RenderOptions = RenderOptions()) -> Path:
    """Write `rows` (a text export's row stream) as a PDF at `target`."""
    _register_fonts()
    pagesize = landscape(A4) if options.landscape else A4
    available = pagesize[0] - 2 * MARGIN
    heading_style = ParagraphStyle(
        "heading", fontName=FONT_BOLD, fontSize=10, leading=12, spaceBefore=6, spaceAfter=3
    )
    story = []
    for kind, block in _blocks(rows):
        if kind == "text":
            story.append(Paragraph(escape(block[0].cells[0]), heading_style))
            continue
        ncols = max(len(r.cells) for r in block)
        size = fitting_font_size(block, available, options.cell_font_size)
        cell_style = ParagraphStyle(f"cell{size}", fontName=FONT, fontSize=size, leading=size * 1.2)
        data = [
            [Paragraph(escape(c), cell_style) for c in r.cells] + [""] * (ncols - len(r.cells))
            for r in block
        ]
        style = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ]
        if options.merge_moyens:
            style += [("SPAN", (c0, r), (c1, r)) for r, c0, c1 in _moyens_spans(block)]
        repeat = _header_row_count(block) if options.repeat_header else 0
        table = Table(
            data,
            colWidths=_column_widths(block, available, size),
            repeatRows=repeat,
            style=TableStyle(style),
        )
        story += [table, Spacer(1, 6)]
    document = SimpleDocTemplate(
        str(target),
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title="PGT fiches actions",
        invariant=1,  # same bytes each run
    )

    def number_page(canvas, doc) -> None:
        if options.page_numbers:
            canvas.setFont(FONT, 8)
            canvas.drawCentredString(pagesize[0] / 2, MARGIN / 2, str(doc.page))

    document.build(story, onFirstPage=number_page, onLaterPages=number_page)
    return target


def scanned_copy(source: Path, target: Path, pages: list[int] | None = None, dpi: int = 300) -> Path:
    """An image-only PDF of `pages` (1-based, default all) of `source`: each page rendered
    to a grayscale bitmap and wrapped as a page with no text layer, as a scanner makes."""
    import img2pdf
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(source))
    try:
        numbers = pages or list(range(1, len(document) + 1))
        images = []
        for number in numbers:
            page = document[number - 1]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            buffer = io.BytesIO()
            bitmap.to_pil().save(buffer, format="PNG", dpi=(dpi, dpi))
            images.append(buffer.getvalue())
    finally:
        document.close()
    target.write_bytes(img2pdf.convert(images))
    return target


def mixed_copy(source: Path, target: Path, pages: list[int], dpi: int = 300) -> Path:
    """`source` with `pages` (1-based) replaced by image-only scans of themselves."""
    import pikepdf

    scan = scanned_copy(source, target.with_suffix(".scans.pdf"), pages, dpi)
    with pikepdf.open(source) as pdf, pikepdf.open(scan) as scans:
        for index, number in enumerate(pages):
            pdf.pages.insert(number - 1, scans.pages[index])
            del pdf.pages[number]
        pdf.save(target)
    return target


def rows_of_pages(rows: list[SourceRow], first_heading: str, count: int) -> list[SourceRow]:
    """A slice of the row stream starting at the TEXT row `first_heading` (for small fixtures)."""
    start = next(i for i, r in enumerate(rows) if r.kind == RowKind.TEXT and r.cells[0] == first_heading)
    return rows[start : start + count]


_SPACES = re.compile(r"\s+")


def normalise_cell(text: str) -> str:
    return _SPACES.sub(" ", text).strip()
