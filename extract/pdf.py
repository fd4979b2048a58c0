"""PDF reader: the same row stream as the text export, with page and cell boxes.

Steps, each a small function:
1. `survey` opens the file with pdfium (fast, C): refuses corrupt, truncated and encrypted
   files with a clear error, and tells each page with a text layer from a scanned one
   (hardly any characters, a large image).
2. Each page is read into a `PageContent` (tables + text lines in reading order):
   born-digital pages by `pdf_tables.read_text_page` (pdfplumber, camelot when measured
   better), scanned pages by `ocr.read_scanned_page` (Tesseract, grid from the image).
   With `jobs > 1` pages are read in worker processes (`pool`), in chunks of consecutive
   pages, each scanned page alone; `prepare_pdf` / `PdfJob.page_tasks` / `finish_pdf` let
   the pages of several files share one pool (`extract.read_documents`).
3. `rows_from_pages` turns the pages into rows: text lines rebuilt into paragraphs become
   TEXT rows; a table that goes on at the top of the next page with the same columns keeps
   its table index, and its header rows repeated there are flagged `repeated_header`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from pgt.errors import EncryptedInput, OcrUnavailable, PgtError, UnreadableInput
from pgt.extract.pdf_breaks import continued_cells, continued_first_cell, cut_at_break, join_text
from pgt.extract.pdf_layout import (
    WORD_CUT,
    CellExtent,
    PageContent,
    PageTable,
    TextLine,
    is_page_furniture,
    join_paragraphs,
    norm_key,
    resolve_word_cuts,
    same_columns,
    same_row,
    word_vocabulary,
)
from pgt.extract.ocr_repairs import repair_action_marks, repair_cell_text, respace_words
from pgt.extract.ocr import ensure_ocr, read_scanned_page
from pgt.extract.pdf_tables import PdfSettings, read_text_page
from pgt.extract.pool import Task, run_tasks
from pgt.extract.rows import BBox, ExtractedDocument, Provenance, RowKind, RowPiece, SourceRow, sha256_of
from pgt.settings.dictionary import is_french_word
from pgt.settings.words import domain_words

_WORD_PUNCTUATION = "\"'«»()[]{},.;:!?…%"

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PageSurvey:
    """A page surveyed before reading: its text and images, scanned or not."""
    number: int  # 1-based
    chars: int
    image_share: float  # share of the page covered by images
    scanned: bool


def _pdfium_open(path: Path, password: str | None):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as error:
        text = str(error).lower()
        if "password" in text:
            if password is None:
                raise EncryptedInput(
                    f"{path}: the PDF is encrypted; give its password with --password"
                ) from None
            raise EncryptedInput(f"{path}: wrong password for this encrypted PDF (--password)") from None
        raise UnreadableInput(f"{path}: not a readable PDF (corrupt or truncated: {error})") from None


def survey(path: Path, password: str | None, settings: PdfSettings) -> list[PageSurvey]:
    """Open the PDF, check it is readable, and classify its pages."""
    import pypdfium2 as pdfium

    document = _pdfium_open(path, password)
    try:
        if len(document) == 0:
            raise UnreadableInput(f"{path}: the PDF has no pages")
        pages = []
        for index in range(len(document)):
            try:
                page = document[index]
                width, height = page.get_size()
                textpage = page.get_textpage()
                chars = textpage.count_chars()
                area = 0.0
                for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
                    bounds = getattr(obj, "get_bounds", None) or obj.get_pos  # pypdfium2 5 / 4
                    left, bottom, right, top = bounds()
                    area += max(0.0, right - left) * max(0.0, top - bottom)
                share = min(1.0, area / max(1.0, width * height))
                textpage.close()
                page.close()
            except pdfium.PdfiumError as error:
                raise UnreadableInput(f"{path}: page {index + 1} cannot be read ({error})") from None
            scanned = chars < settings.min_text_chars and share >= settings.min_image_share
            pages.append(PageSurvey(index + 1, chars, round(share, 3), scanned))
        return pages
    finally:
        document.close()


def _iter_pages(
    path: str, password: str | None, numbers: list[int], scanned: set[int], settings: PdfSettings
) -> Iterator[PageContent]:
    """Read some pages, opening the file once."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(path, password=password or "")
    except Exception as error:  # pdfminer raises many types; none must escape raw
        raise UnreadableInput(f"{path}: not a readable PDF ({type(error).__name__})") from None
    with pdf:
        for number in numbers:
            try:
                page = pdf.pages[number - 1]
                if number in scanned:

                    content = read_scanned_page(path, password, page, number, settings)
                else:
                    content = read_text_page(page, number, settings, path, password)
                page.close()  # drop pdfplumber's per-page caches: memory stays flat
            except PgtError as error:
                if str(path) in error.message:
                    raise
                # (Tesseract failing on a page says what failed, not where)
                raise type(error)(f"{path}: page {number}: {error.message}") from None
            except Exception as error:
                raise UnreadableInput(
                    f"{path}: page {number} cannot be read ({type(error).__name__}: {error})"
                ) from None
            yield content


def read_page_run(
    path: str, password: str | None, numbers: list[int], scanned: set[int], settings: PdfSettings
) -> list[PageContent]:
    """Read some pages in a worker process (jobs > 1): one pool task."""
    return list(_iter_pages(path, password, numbers, scanned, settings))


def _chunks(numbers: list[int], size: int, scanned: set[int]) -> Iterator[list[int]]:
    """Runs of at most `size` consecutive pages; a scanned page (seconds of OCR) alone."""
    chunk: list[int] = []
    for number in numbers:
        if number in scanned:
            if chunk:
                yield chunk
                chunk = []
            yield [number]
            continue
        chunk.append(number)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class PdfJob:
    """A PDF surveyed and ready to read: its pages become pool tasks (`page_tasks`), and
    the pages read become the document (`finish_pdf`)."""

    path: Path
    password: str | None
    surveys: list[PageSurvey]
    settings: PdfSettings
    warnings: list[str]

    @property
    def scanned(self) -> set[int]:
        return {s.number for s in self.surveys if s.scanned}

    def page_tasks(self, chunk_size: int, document: object = None) -> list[Task]:
        """Tasks of consecutive born-digital pages (at most `chunk_size`), each scanned page
        alone; a task's key is (document, its first page)."""
        scanned = self.scanned
        numbers = [s.number for s in self.surveys]
        return [
            Task(
                key=(document, chunk[0]),
                function=read_page_run,
                args=(str(self.path), self.password, chunk, scanned & set(chunk), self.settings),
                where=f"{self.path}: page {chunk[0]}" + (f"-{chunk[-1]}" if len(chunk) > 1 else ""),
                pages=len(chunk),
                ocr_pages=len(scanned & set(chunk)),
                document=document,
            )
            for chunk in _chunks(numbers, chunk_size, scanned)
        ]


# A born-digital page reads in ~0.05 s, a worker costs ~0.2 s of CPU to start (its own
# pdfplumber import): left to pgt (`--jobs 0`), a worker is worth it from this many pages.
PAGES_PER_WORKER = 8


def pool_work(jobs: Iterable[PdfJob]) -> int:
    """The PDFs' pages as units of `PAGES_PER_WORKER`'s scale (`pool.auto_jobs`' `work`): a
    born-digital page one, a scanned page a worker's worth alone — its OCR takes a second or
    more, five times a worker's start (two scanned pages took 2.99 s on one process, 2.06 s
    on two)."""
    return sum(len(job.surveys) + (PAGES_PER_WORKER - 1) * len(job.scanned) for job in jobs)


def chunk_size(pages: int, jobs: int) -> int:
    """Small chunks keep the cores busy to the end and the progress bar moving; each task
    opens the file once (cheap next to reading its pages)."""
    return max(1, min(8, pages // (jobs * 4) or 1))


def prepare_pdf(path: Path, password: str | None = None, settings: PdfSettings | None = None) -> PdfJob:
    """Open and survey the PDF (refusing corrupt, encrypted and OCR-less cases with their
    one-line error), before any page is read."""
    path = Path(path)
    settings = settings or PdfSettings()
    # pdfminer logs malformed-but-readable structures (odd font dictionaries…) as warnings
    # on stderr; the reader copes with them, and the CLI must stay quiet.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if path.stat().st_size == 0:
        raise UnreadableInput(f"{path}: empty file")
    surveys = survey(path, password, settings)
    scanned = [s.number for s in surveys if s.scanned]
    warnings: list[str] = []
    if scanned:

        ensure_ocr(path, scanned, settings.ocr_language)
        warnings.append(f"OCR used on {len(scanned)} scanned page(s): {_ranges(scanned)}")
    return PdfJob(path, password, surveys, settings, warnings)


def read_pages(job: PdfJob, jobs: int = 1, on_progress: Progress | None = None) -> list[PageContent]:
    """The pages of one PDF in page order, on `jobs` workers (see `pool`)."""
    total, ocr_total = len(job.surveys), len(job.scanned)
    if max(1, min(jobs, total)) == 1:
        pages: list[PageContent] = []
        ocr_done = 0
        for content in _iter_pages(str(job.path), job.password, [s.number for s in job.surveys], job.scanned,
                                   job.settings):
            pages.append(content)
            if on_progress:
                on_progress("pages", len(pages), total)
                if content.ocr:
                    ocr_done += 1
                    on_progress("ocr", ocr_done, ocr_total)
        return pages
    results = run_tasks(job.page_tasks(chunk_size(total, jobs)), jobs, on_progress)
    return [content for key in sorted(results, key=lambda k: k[1]) for content in results[key]]


def _union(boxes: list[BBox | None]) -> BBox | None:
    real = [b for b in boxes if b]
    if not real:
        return None
    return (
        min(b[0] for b in real),
        min(b[1] for b in real),
        max(b[2] for b in real),
        max(b[3] for b in real),
    )


def _round_box(box: BBox | None) -> BBox | None:
    return None if box is None else tuple(round(v, 2) for v in box)  # type: ignore[return-value]


def rows_from_pages(
    pages: list[PageContent], document: str, settings: PdfSettings | None = None
) -> tuple[list[SourceRow], list[str]]:
    """The row stream of the whole document (see module doc, step 3)."""
    settings = settings or PdfSettings()
    vocabulary = resolve_cuts(pages, settings.lexicon)
    repaired = repair_scanned_marks(pages)
    text_bottom = max(
        (i.bbox[3] for page in pages for i in page.items if isinstance(i, PageTable)), default=0.0
    )
    rows: list[SourceRow] = []
    joins = _BreakJoins(rows, pages, vocabulary, settings.lexicon)
    notes: list[str] = []
    table_index = -1
    open_table: PageTable | None = None  # the table a next page may continue
    # For each cell (row, column) of `open_table`: the row of `rows` and the cell its text
    # went to (a row broken across pages puts its next piece's text into the first one).
    owners: dict[tuple[int, int], tuple[int, int]] = {}
    header_rows: list[int] = []  # positions in `rows` of the table's first two rows
    next_row = 0
    joined_pages: list[int] = []
    for page in pages:
        items = [
            i for i in page.items if not (isinstance(i, TextLine) and is_page_furniture(i, page.height))
        ]
        furniture = len(page.items) - len(items)
        if furniture:
            notes.append(f"page {page.number}: page number left out of the rows")
        right_edge = max((i.bbox[2] for i in items), default=page.width)
        # Group consecutive text lines into paragraphs, tables stay as they are.
        grouped: list[PageTable | TextLine] = []
        pending: list[TextLine] = []
        for item in items:
            if isinstance(item, TextLine):
                pending.append(item)
                continue
            grouped += join_paragraphs(pending, right_edge)
            pending = []
            grouped.append(item)
        grouped += join_paragraphs(pending, right_edge)

        for position, item in enumerate(grouped):
            if isinstance(item, TextLine):
                open_table = None
                prov = Provenance(document, page=page.number, bbox=_round_box(item.bbox))
                rows.append(SourceRow((item.text,), prov, RowKind.TEXT))
                continue
            continues = (
                position == 0 and open_table is not None and same_columns(open_table, item, settings.column_tolerance)
            )
            if not continues:
                table_index += 1
                next_row = 0
                header_rows = []
            header_keys = [norm_key(list(rows[i].cells)) for i in header_rows]
            new_owners: dict[tuple[int, int], tuple[int, int]] = {}
            top_row = continues  # still at the top of the page, under the repeated headers
            merged_owner: tuple[int, int] | None = None
            first_data_row = -1
            for r, (cells, boxes) in enumerate(zip(item.cells, item.cell_bboxes)):
                repeated = (
                    continues
                    and r < len(header_keys)
                    and same_row(norm_key(cells), header_keys[r])
                    and (r == 0 or rows[-1].repeated_header)
                )
                if top_row and not repeated:
                    top_row, first_data_row = False, r
                    joined = (
                        continued_cells(open_table, item, r, text_bottom, settings)  # type: ignore[arg-type]
                        if settings.join_broken_rows
                        else None
                    )
                    if joined:
                        for c, cell in joined.items():
                            new_owners[(r, c)] = joins.join(owners, open_table, cell, item, (r, c), page.number)
                        joined_pages.append(page.number)
                        continue
                    merged = (
                        continued_first_cell(open_table, item, r, text_bottom, settings)  # type: ignore[arg-type]
                        if settings.join_broken_rows
                        else None
                    )
                    if merged:  # the rest of a cell merged down: to its row; the row goes on
                        merged_owner = joins.join(owners, open_table, merged, item, (r, 0), page.number)
                        joined_pages.append(page.number)
                        cells, boxes = ["", *cells[1:]], [None, *boxes[1:]]
                prov = Provenance(
                    document,
                    page=page.number,
                    table=table_index,
                    row=next_row,
                    bbox=_round_box(_union(boxes)),
                    cell_bboxes=tuple(_round_box(b) for b in boxes),
                )
                rows.append(SourceRow(tuple(cells), prov, RowKind.TABLE, table_index, repeated))
                if len(header_rows) < 2 and not continues:
                    header_rows.append(len(rows) - 1)
                new_owners.update({(r, c): (len(rows) - 1, c) for c in range(len(cells))})
                if merged_owner is not None and r == first_data_row:
                    new_owners[(r, 0)] = merged_owner  # that cell may run on over the next break
                next_row += 1
            open_table, owners = item, new_owners
        if grouped and isinstance(grouped[-1], TextLine):
            open_table = None
    if repaired:
        notes.append(f"{repaired} action number(s) garbled by OCR repaired from the numbers around them")
    if joined_pages:
        notes.append(
            f"{len(joined_pages)} table row(s) broken by a page break joined to the row they continue "
            f"(at the top of page {_ranges(joined_pages)})"
        )
    return rows, notes


def finish_pdf(job: PdfJob, pages: list[PageContent]) -> ExtractedDocument:
    """The document from its pages read (in page order)."""
    rows, notes = rows_from_pages(pages, job.path.name, job.settings)
    warnings = list(job.warnings) + [note for page in pages for note in page.notes] + notes
    reports = [dict(t.report) for page in pages for t in page.items if isinstance(t, PageTable)]
    if not rows:
        warnings.append("no text found in the PDF")
    return ExtractedDocument(
        path=job.path,
        rows=rows,
        format="pdf",
        sha256=sha256_of(job.path),
        pages=len(job.surveys),
        warnings=warnings,
        tables_report=reports,
    )


def repair_scanned_marks(pages: list[PageContent]) -> int:
    """What OCR misread in scanned pages' cells (`ocr_repairs`), in place: strokes, braces,
    commas, words cut at the wrong letter (against the dictionary and the words the
    document prints three times or more); the action numbers OCR garbled in first cells,
    repaired from the sequence of the document's numbers. How many numbers were."""
    tables = [(page, t) for page in pages for t in page.items if isinstance(t, PageTable)]
    first = [(table, r) for _, table in tables for r, row in enumerate(table.cells) if row]
    if not any(page.ocr for page, _ in tables):
        return 0
    counts = Counter(token.strip(_WORD_PUNCTUATION).casefold() for _, table in tables for row in table.cells
                     for cell in row for token in cell.split())

    def known(word: str) -> bool:
        key = word.casefold()
        return counts[key] >= 3 or is_french_word(key)

    def count(word: str) -> int:
        return counts[word.casefold()]

    for page, table in tables:
        if page.ocr:
            table.cells = [[respace_words(repair_cell_text(c), known, count) for c in row] for row in table.cells]
    scanned = [page.ocr for page, table in tables for row in table.cells if row]
    before = [table.cells[r][0] for table, r in first]
    after = repair_action_marks(before, scanned)
    for (table, r), old, new in zip(first, before, after):
        if new != old:
            table.cells[r] = [new, *table.cells[r][1:]]
    return sum(old != new for old, new in zip(before, after))


def _page_texts(pages: list[PageContent]) -> list[str]:
    tables = [i for page in pages for i in page.items if isinstance(i, PageTable)]
    lines = [i.text for page in pages for i in page.items if isinstance(i, TextLine)]
    return [c for t in tables for row in t.cells for c in row] + lines


def resolve_cuts(pages: list[PageContent], lexicon: tuple[str, ...] = ()) -> set[str] | None:
    """Settle the words a cell's edge may have cut (`pdf_layout.WORD_CUT`) against the
    words the whole document prints and the lexicon's (the shipped one and `lexicon`'s
    lines), in place (a born-digital cell's text as read kept in its table's `uncut`).
    Those words, or None when nothing was cut."""
    texts = _page_texts(pages)
    if not any(WORD_CUT in c for c in texts):
        return None
    vocabulary = word_vocabulary(texts, domain_words(lexicon))
    for page in pages:
        for table in page.items:
            if not isinstance(table, PageTable):
                continue
            if not page.ocr:
                table.uncut = {(r, c): text for r, row in enumerate(table.cells)
                               for c, text in enumerate(row) if WORD_CUT in text}
            table.cells = [[resolve_word_cuts(c, vocabulary) for c in row] for row in table.cells]
    for page in pages:  # a one-column table's cells became text lines (a boxed heading)
        for item in page.items:
            if isinstance(item, TextLine) and WORD_CUT in item.text:
                item.text = resolve_word_cuts(item.text, vocabulary)
    return vocabulary


class _BreakJoins:
    """Rows broken across a page break joined back into the rows they continue: a cell's
    text from the top of a page appended to the cell it continues, its box to that row's
    provenance. The joined cells' text as read (cut words unsettled, see `PageTable.uncut`)
    is kept, so that a word cut by the break too is settled whole (`cut_at_break`)."""

    def __init__(
        self, rows: list[SourceRow], pages: list[PageContent], vocabulary: set[str] | None, lexicon: tuple[str, ...]
    ) -> None:
        self.rows, self.pages, self.vocabulary, self.lexicon = rows, pages, vocabulary, lexicon
        self.as_read: dict[tuple[int, int], str] = {}  # (row in rows, column): joined text as read

    def join(
        self,
        owners: dict[tuple[int, int], tuple[int, int]],
        previous: PageTable,
        cell: tuple[int, int],
        following: PageTable,
        at: tuple[int, int],
        page: int,
    ) -> tuple[int, int]:
        """Append `following`'s cell `at` to the cell of `previous` it continues (`cell`,
        found in `rows` through `owners`); return where it went."""
        position, column = owners[cell]
        row = self.rows[position]
        text, box = following.cells[at[0]][at[1]], following.cell_bboxes[at[0]][at[1]]
        before = self.as_read.get((position, column)) or previous.uncut.get(cell) or row.cells[column]
        after = following.uncut.get(at) or text
        joined = join_text(before, after, self._cut(previous, cell, before, following, at, after))
        self.as_read[(position, column)] = joined
        cells = list(row.cells)
        cells[column] = resolve_word_cuts(joined, self._words()) if WORD_CUT in joined else joined
        prov = row.provenance
        pieces = list(prov.continuation)
        width = len(cells)
        if not pieces or pieces[-1].page != page:
            pieces.append(RowPiece(page, None, (None,) * width))
        piece = pieces[-1]
        boxes = list(piece.cell_bboxes)
        boxes[column] = _round_box(_union([boxes[column], box]))
        pieces[-1] = RowPiece(page, _round_box(_union([piece.bbox, box])), tuple(boxes))
        pages = tuple(dict.fromkeys((*(prov.pages or (prov.page,)), page)))
        self.rows[position] = replace(
            row, cells=tuple(cells), provenance=replace(prov, pages=pages, continuation=tuple(pieces))
        )
        return position, column

    @staticmethod
    def _cut(
        previous: PageTable, cell: tuple[int, int], before: str, following: PageTable, at: tuple[int, int], after: str
    ) -> bool:
        def extent(table: PageTable, r: int, c: int) -> CellExtent | None:
            return table.extents[r][c] if r < len(table.extents) and c < len(table.extents[r]) else None

        before_extent, after_extent = extent(previous, *cell), extent(following, *at)
        box = previous.cell_bboxes[cell[0]][cell[1]]
        if before_extent is None or after_extent is None or box is None:
            return False
        return cut_at_break(before, before_extent, box, after, after_extent)

    def _words(self) -> set[str]:
        if self.vocabulary is None:
            self.vocabulary = word_vocabulary(_page_texts(self.pages), domain_words(self.lexicon))
        return self.vocabulary


def read_pdf(
    path: Path,
    password: str | None = None,
    *,
    jobs: int = 1,
    on_progress: Progress | None = None,
    settings: PdfSettings | None = None,
) -> ExtractedDocument:
    """Read a PDF into the row stream (see module doc)."""
    job = prepare_pdf(path, password, settings)
    return finish_pdf(job, read_pages(job, jobs, on_progress))


def _ranges(numbers: list[int]) -> str:
    parts: list[str] = []
    start = prev = numbers[0]
    for n in numbers[1:] + [None]:  # type: ignore[list-item]
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(f"{start}" if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)
