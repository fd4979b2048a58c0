"""camelot as a second reader of one page, for the cases pdfplumber measures badly (see
`pdf_tables`). The pdfium backend renders pages for lattice without Ghostscript.
"""

from __future__ import annotations

from pgt.extract.pdf_layout import PageTable, clean_cell_text
from pgt.extract.rows import BBox


def camelot_tables(
    path: str, number: int, page_height: float, flavor: str, password: str | None
) -> list[PageTable]:
    """The tables camelot reads on page `number`, in the reader's coordinates (top-left
    origin, points), with camelot's parsing report and a coverage figure."""
    import camelot

    kwargs = {"backend": "pdfium"} if flavor == "lattice" else {}
    found = camelot.read_pdf(
        path, pages=str(number), flavor=flavor, password=password, suppress_stdout=True, **kwargs
    )
    tables: list[PageTable] = []
    for table in found:
        x0, y0, x1, y1 = table._bbox  # PDF space: origin bottom-left
        bbox: BBox = (x0, page_height - y1, x1, page_height - y0)
        texts: list[list[str]] = []
        boxes: list[list[BBox | None]] = []
        for row in table.cells:
            texts.append([])
            boxes.append([])
            for cell in row:
                texts[-1].append(clean_cell_text(cell.text or ""))
                boxes[-1].append((cell.x1, page_height - cell.y2, cell.x2, page_height - cell.y1))
        edges = sorted({round(c.x1, 1) for c in table.cells[0]} | {round(x1, 1)}) if table.cells else []
        report = dict(table.parsing_report)
        filled = sum(1 for r in texts for c in r if c)
        total = sum(len(r) for r in texts) or 1
        report.update(
            method=f"camelot-{flavor}",
            rows=len(texts),
            columns=len(texts[0]) if texts else 0,
            fill=round(filled / total, 3),
            # camelot's accuracy is the share of text it placed in cells: the same idea
            # as pdfplumber's coverage, so the two compare.
            coverage=round(report.get("accuracy", 0.0) / 100, 4),
            page=number,
        )
        tables.append(PageTable(bbox, texts, boxes, edges, f"camelot-{flavor}", report))
    return tables
