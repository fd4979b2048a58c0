"""Pictures of source rows cut from their PDF pages, for the review page.

A data officer checks a record read from a PDF against what the page really shows (a scan
above all: OCR may misread it). Given, for each record, the boxes of its cells (page, PDF
points), each needed page is rendered once with pdfium, the record's cells on that page are
cut as one strip (a row broken across two pages gives two strips, in page order), scaled
down to at most `max_width` pixels and encoded as a small grayscale image in a data URI, so
the page stays one self-contained file.

Reading, not writing: the writers receive the URIs as data. Same PDF and boxes → same bytes
(pdfium renders deterministically, the encoder is run with fixed settings and no metadata).
"""

from __future__ import annotations

import base64
import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pgt.extract.rows import BBox

# A strip costs ~4 ms (its share of the page's rendering, scaling, WebP), a worker a fork
# and its own pdfium document: left to pgt (`--jobs 0`), a worker is worth it from this
# many strips.
PIECES_PER_WORKER = 24

Piece = tuple[int, BBox]  # page (1-based), box in PDF points (x0, top, x1, bottom; origin top left)


@dataclass(frozen=True)
class ImageSettings:
    """How row pictures are rendered, cut and encoded."""
    scale: float = 1.5  # pixels per PDF point when rendering (108 dpi): 7-point cell text stays legible
    max_width: int = 900  # pixels: wider strips (a 17-column row) are scaled down to this
    margin: float = 2.0  # points kept around the row, so its rules show
    quality: int = 60  # WebP quality: text stays readable, a strip weighs a few kB
    # WebP effort (0-6): 2 encodes a 57-page PDF's 207 strips twice as fast as 4 (0.48 s
    # against 0.93 s, the largest cost pgt added to pdfplumber's) for 2.8 % more bytes
    # (1.48 MB against 1.44), the same quality (mean error 0.93 grey levels against 0.84)
    method: int = 2
    format: str = "WEBP"

    @property
    def mime(self) -> str:
        return f"image/{self.format.lower()}"


def row_pieces(boxes: Sequence[Piece]) -> list[Piece]:
    """One box per page, pages in order: the rows of a record's cell boxes there, across the
    width of all its cells (a row broken by a page break goes on in the same columns, even
    where its piece on the next page holds text in one cell only)."""
    by_page: dict[int, list[BBox]] = defaultdict(list)
    for page, box in boxes:
        by_page[page].append(box)
    left = min((b[0] for _, b in boxes), default=0.0)
    right = max((b[2] for _, b in boxes), default=0.0)
    return [
        (page, (left, min(b[1] for b in found), right, max(b[3] for b in found)))
        for page, found in sorted(by_page.items())
    ]


Wanted = dict[int, list[tuple[str, int, BBox]]]  # page → (record id, rank of the piece, box)


def wanted_pieces(boxes: Mapping[str, Sequence[Piece]]) -> tuple[dict[str, int], Wanted]:
    """How many pieces each record has, and the pieces to cut from each page."""
    wanted: Wanted = defaultdict(list)
    counts: dict[str, int] = {}
    for record_id, record_boxes in boxes.items():
        pieces = row_pieces(record_boxes)
        counts[record_id] = len(pieces)
        for rank, (page, box) in enumerate(pieces):
            wanted[page].append((record_id, rank, box))
    return counts, wanted


def cut_pieces(path: Path, wanted: Wanted, password: str | None = None,
               settings: ImageSettings = ImageSettings()) -> dict[tuple[str, int], str]:
    """(record id, rank) → data URI of each piece wanted, each page rendered once. A piece
    depends on its page and box alone: cut in any grouping of pages (worker processes,
    `pipeline.start_row_images`), it has the same bytes."""
    import pypdfium2 as pdfium

    cut: dict[tuple[str, int], str] = {}
    document = pdfium.PdfDocument(str(path), password=password)
    try:
        for number in sorted(wanted):
            if not 1 <= number <= len(document):
                continue
            page = document[number - 1]
            bitmap = page.render(scale=settings.scale, grayscale=True).to_pil().convert("L")
            page.close()
            for record_id, rank, box in wanted[number]:
                cut[(record_id, rank)] = _data_uri(_crop(bitmap, box, settings), settings)
    finally:
        document.close()
    return cut


def assemble_images(counts: Mapping[str, int], cut: Mapping[tuple[str, int], str]) -> dict[str, list[str]]:
    """record id → its pieces' URIs in page order, records in the order asked; a record none
    of whose pages exist is left out."""
    images = {record_id: [cut.get((record_id, rank), "") for rank in range(count)]
              for record_id, count in counts.items()}
    return {record_id: [uri for uri in uris if uri] for record_id, uris in images.items() if any(uris)}


def page_groups(wanted: Wanted, groups: int) -> list[Wanted]:
    """The pages cut into at most `groups` runs of consecutive pages with about as many
    pieces each (a worker process per run renders its pages once)."""
    pages = sorted(wanted)
    total = sum(len(wanted[p]) for p in pages)
    runs: list[Wanted] = []
    current: Wanted = {}
    done = 0
    for page in pages:
        size = len(wanted[page])
        # a run ends before the page whose middle strip lies past the run's share
        if current and len(runs) < groups - 1 and (done + size / 2) * groups > total * (len(runs) + 1):
            runs.append(current)
            current = {}
        current[page] = wanted[page]
        done += size
    if current:
        runs.append(current)
    return runs


def row_images(
    path: Path,
    boxes: Mapping[str, Sequence[Piece]],
    password: str | None = None,
    settings: ImageSettings = ImageSettings(),
) -> dict[str, list[str]]:
    """record id → data URIs of its row's pieces on the pages of the PDF at `path`."""
    counts, wanted = wanted_pieces(boxes)
    return assemble_images(counts, cut_pieces(path, wanted, password, settings))


def _crop(bitmap, box: BBox, settings: ImageSettings):
    k, m = settings.scale, settings.margin
    left = max(0, int((box[0] - m) * k))
    top = max(0, int((box[1] - m) * k))
    right = min(bitmap.width, int((box[2] + m) * k) + 1)
    bottom = min(bitmap.height, int((box[3] + m) * k) + 1)
    strip = bitmap.crop((left, top, max(right, left + 1), max(bottom, top + 1)))
    if strip.width > settings.max_width:
        from PIL import Image

        height = max(1, round(strip.height * settings.max_width / strip.width))
        strip = strip.resize((settings.max_width, height), Image.Resampling.LANCZOS)
    return strip


def _data_uri(image, settings: ImageSettings) -> str:
    buffer = io.BytesIO()
    if settings.format == "WEBP":
        image.save(buffer, format="WEBP", quality=settings.quality, method=settings.method)
    else:
        image.save(buffer, format=settings.format, quality=settings.quality, optimize=True)
    return f"data:{settings.mime};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"
