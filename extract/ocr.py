"""Scanned pages (no text layer): OCR with Tesseract, then the same table reading.

A scan of a ruled table still shows its rules. So for each scanned page:
1. render it (pdfium) to a grayscale bitmap at `ocr_dpi`;
2. find the rules in the bitmap (OpenCV morphology: long thin horizontal and vertical
   runs of dark pixels) and hand them to pdfplumber's table finder as explicit edges:
   the same grid building, merged cells included, as for born-digital pages;
3. erase the rules from the bitmap (Tesseract reads rules as "|" and "_"), OCR the page
   once (Tesseract, French, word boxes as TSV);
4. put each word in the cell holding its centre; words outside the tables become text
   lines, as on a born-digital page. What Tesseract misreads on these plans is repaired
   by the pure text functions of `ocr_repairs.py`.

Tesseract is called through its C API (`tesseract_api`: libtesseract with ctypes, the
model loaded once per process), or as a program when the library cannot be loaded: the
same TSV either way. OCRmyPDF would add a text layer we would then read back, at the cost
of a PDF rewrite per file and without the word confidences.
"""

from __future__ import annotations

import csv
import io
import math
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from pgt.errors import OcrUnavailable
from pgt.extract import tesseract_api
from pgt.extract.pdf_layout import (
    PageContent,
    PageTable,
    TextLine,
    cell_extent,
    clean_cell_text,
    join_cell_lines,
    reading_order,
)
from pgt.extract.pdf_tables import PdfSettings, grid_of, one_column_to_text, table_report
from pgt.extract.ocr_repairs import Word, classify_dashes, fix_ocr_cell, fix_ocr_word, fix_word_confusions
from pgt.extract.rows import BBox

INSTALL_HINT = "install it with `apt-get install tesseract-ocr tesseract-ocr-fra` or `bash scripts/setup.sh`"

def ensure_ocr(path: Path, pages: list[int], language: str) -> None:
    """Raise `OcrUnavailable` (with how to install) unless Tesseract and its `language`
    data are installed."""
    where = f"{path}: page {pages[0]}" + (f" (and {len(pages) - 1} more)" if len(pages) > 1 else "")
    binary = shutil.which("tesseract")
    if binary is None:
        raise OcrUnavailable(f"{where} is scanned (no text layer) and Tesseract OCR is not installed; {INSTALL_HINT}")
    try:
        listed = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.split()
    except (OSError, subprocess.SubprocessError) as error:
        raise OcrUnavailable(f"{where} is scanned and Tesseract cannot run ({error}); {INSTALL_HINT}") from None
    if language not in listed:
        raise OcrUnavailable(
            f"{where} is scanned and Tesseract has no '{language}' language data; {INSTALL_HINT}"
        )


def render_page(path: str, password: str | None, number: int, dpi: int):
    """The page as a grayscale numpy array."""
    import numpy as np
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path, password=password)
    try:
        page = document[number - 1]
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        page.close()
    finally:
        document.close()
    return np.asarray(image)


def skew_angle(gray, dpi: int) -> float:
    """The angle (degrees, counter-clockwise positive) by which a scan is turned, from its
    long horizontal rules (table borders): the median slope of the runs of dark pixels
    longer than a quarter of the page, each fitted with a straight line. 0 when the page
    has none."""

    import cv2
    import numpy as np

    # read at half size: four times fewer pixels, the same slope
    small = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA)
    dark = (small < 200).astype(np.uint8)
    # short horizontal opening: keeps rules (even turned a few degrees), drops letters
    runs = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((1, max(10, dpi // 20)), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    angles: list[float] = []
    for label in range(1, count):
        x, y, w, h, _area = stats[label]
        if w < small.shape[1] // 4 or h > w * 0.05 + 6:
            continue  # not a long, nearly horizontal run
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == label)
        vx, vy, _, _ = cv2.fitLine(np.column_stack([xs, ys]).astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        angles.append(math.degrees(math.atan2(vy, vx)))
    if not angles:
        return 0.0
    angles = [a - 180 if a > 90 else a + 180 if a < -90 else a for a in angles]
    return -float(np.median(angles))  # image y goes down


def deskew(gray, dpi: int, least: float = 0.05):
    """The scan turned upright (rules horizontal), and the angle it was turned by."""
    import cv2

    angle = skew_angle(gray, dpi)
    if abs(angle) < least:
        return gray, 0.0
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    upright = cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
    return upright, angle


def find_rules(gray, dpi: int) -> tuple[list[BBox], list[BBox], Any]:
    """Horizontal and vertical rules of the bitmap, in points, and the mask of their pixels.

    A horizontal rule is a run of dark pixels at least 1/4 inch long, far longer than any
    glyph. A vertical rule may be as short as one table row (a header row cut by a page
    break), so vertical runs from 1/10 inch are kept, but only those that reach a
    horizontal rule at both ends: a glyph's stem does not.
    """
    import cv2
    import numpy as np

    dark = (gray < 160).astype(np.uint8)
    h_run = max(20, dpi // 4)
    v_run = max(10, dpi // 10)
    horizontal = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((1, h_run), np.uint8))
    vertical = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((v_run, 1), np.uint8))
    scale = 72.0 / dpi

    def boxes(mask) -> list[tuple[int, int, int, int]]:
        # The bounding boxes of the mask's 8-connected components: their outer contours
        # (RETR_CCOMP lists every outer boundary at the top level, one inside another's
        # hole included), 40 times faster than connectedComponentsWithStats on a page.
        contours, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
        if hierarchy is None:
            return []
        outer = [c for c, h in zip(contours, hierarchy[0]) if h[3] < 0]
        return sorted(((x, y, x + w, y + h) for x, y, w, h in map(cv2.boundingRect, outer)), key=lambda b: (b[1], b[0]))

    h_boxes = boxes(horizontal)
    reach = max(3, dpi // 50)  # how far a stem may stop short of a rule, in pixels

    def touches(x0: int, x1: int, y: int) -> bool:
        return any(hx0 - reach <= x1 and x0 <= hx1 + reach and hy0 - reach <= y <= hy1 + reach for hx0, hy0, hx1, hy1 in h_boxes)

    v_boxes = [b for b in boxes(vertical) if touches(b[0], b[2], b[1]) and touches(b[0], b[2], b[3])]
    # A run shorter than two lines of text joining two rules may be a letter's stem in a
    # tight one-line row (the J of `OBJECTIF` touching both rules): kept only in line with
    # another vertical rule (a divider goes on in the rows above or below).
    short = dpi // 5
    v_boxes = [
        b for b in v_boxes
        if b[3] - b[1] >= short or any(o is not b and abs(o[0] - b[0]) <= reach and o[3] - o[1] >= short for o in v_boxes)
    ]
    kept = np.zeros_like(vertical)
    for x0, y0, x1, y1 in v_boxes:
        kept[y0:y1, x0:x1] = vertical[y0:y1, x0:x1]
    mask = cv2.dilate(horizontal | kept, np.ones((3, 3), np.uint8))

    def points(items: list[tuple[int, int, int, int]]) -> list[BBox]:
        return [(x0 * scale, y0 * scale, x1 * scale, y1 * scale) for x0, y0, x1, y1 in items]

    return points(h_boxes), points(v_boxes), mask


def _edges(horizontal: list[BBox], vertical: list[BBox]) -> tuple[list[dict], list[dict]]:
    """Rules as pdfplumber edge objects (a rule is drawn along its middle)."""
    h_edges = []
    for x0, top, x1, bottom in horizontal:
        y = (top + bottom) / 2
        h_edges.append(
            {"object_type": "h_edge", "orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0}
        )
    v_edges = []
    for x0, top, x1, bottom in vertical:
        x = (x0 + x1) / 2
        v_edges.append(
            {"object_type": "v_edge", "orientation": "v", "x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0, "height": bottom - top}
        )
    return h_edges, v_edges


def run_tesseract(gray, dpi: int, language: str, psm: int = 3) -> list[Word]:
    """OCR the bitmap once; words with their boxes in points."""
    scale = 72.0 / dpi
    # The library keeps the model loaded between calls (tesseract_api): the same TSV as
    # the command, without loading the model again for each of a page's calls.
    output = tesseract_api.tsv(gray, dpi, language, psm)
    if output is None:
        output = _tesseract_command(gray, dpi, language, psm)
    words = []
    reader = csv.DictReader(io.StringIO(output), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        text = fix_ocr_word(row.get("text") or "")
        if not text or row.get("level") != "5":
            continue
        left, top, width, height = (int(row[k]) for k in ("left", "top", "width", "height"))
        bbox = (left * scale, top * scale, (left + width) * scale, (top + height) * scale)
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        words.append(Word(text, bbox, key, float(row.get("conf") or 0)))
    return words


def _tesseract_command(gray, dpi: int, language: str, psm: int) -> str:
    """The `tesseract` command's TSV for the bitmap (when libtesseract cannot be loaded)."""
    from PIL import Image

    env = dict(os.environ)
    # Tesseract's own threads spin on a busy machine: parallelism comes from --jobs instead.
    env.setdefault("OMP_THREAD_LIMIT", "1")
    with tempfile.TemporaryDirectory(prefix="pgt-ocr-") as folder:
        # PGM: no compression to spend time on (a PNG of a 300 dpi page costs 0.1 s to write)
        image_path = Path(folder) / "page.pgm"
        Image.fromarray(gray).save(image_path)
        done = subprocess.run(
            ["tesseract", str(image_path), "stdout", "-l", language, "--dpi", str(dpi), "--psm", str(psm),
             *(arg for name, value in tesseract_api.VARIABLES.items() for arg in ("-c", f"{name}={value}")), "tsv"],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
    if done.returncode != 0:
        raise OcrUnavailable(f"Tesseract failed: {done.stderr.strip()[:200]}")
    return done.stdout


def split_spaced_digits(words: list[Word], gray, dpi: int, language: str) -> None:
    """Tesseract glues numbers printed with a space between them ("4 5", the OO numbers
    of an action) into one ("45", even "435"). The bitmap shows the space: the word's ink
    falls into glyphs separated by blank columns, and a gap wider than a third of the
    glyph height is a space. With as many glyphs as digits read, the digits are regrouped
    at the spaces; otherwise each group is read again on its own."""
    import numpy as np

    k = dpi / 72.0
    for word in words:
        if not (word.text.isdigit() and len(word.text) >= 2):
            continue
        x0, y0, x1, y1 = (int(word.bbox[0] * k), int(word.bbox[1] * k), int(word.bbox[2] * k) + 1, int(word.bbox[3] * k) + 1)
        crop = gray[y0:y1, x0:x1]
        if crop.size == 0:
            continue
        inked = (crop < 128).any(axis=0)
        runs: list[list[int]] = []
        for x, on in enumerate(inked):
            if on and (not runs or runs[-1][1] != x - 1):
                runs.append([x, x])
            elif on:
                runs[-1][1] = x
        height = max(1, y1 - y0)
        gaps = [b[0] - a[1] - 1 for a, b in zip(runs, runs[1:])]
        if not any(g > height / 3 for g in gaps):
            continue
        groups: list[list[list[int]]] = [[runs[0]]]
        for run, gap in zip(runs[1:], gaps):
            if gap > height / 3:
                groups.append([run])
            else:
                groups[-1].append(run)
        if len(runs) == len(word.text):
            digits = iter(word.text)
            word.text = " ".join("".join(next(digits) for _ in group) for group in groups)
            continue
        parts = []
        for group in groups:
            piece = crop[:, max(0, group[0][0] - 2) : group[-1][1] + 3]
            padded = np.pad(piece, 20, constant_values=255)
            read = run_tesseract(padded, dpi, language, psm=8 if len(group) > 1 else 10)
            parts.append("".join(w.text for w in read))
        if all(p.isdigit() for p in parts):
            word.text = " ".join(parts)


def words_to_text(words: list[Word], box: BBox | None = None) -> str:
    """Words of one cell in reading order: lines by vertical position, then left to right;
    with the cell's box, a word cut at its right edge is marked (`join_cell_lines`)."""
    lines = cell_lines(words)
    if box is None:
        return clean_cell_text("\n".join(join_words(line) for line in lines))
    return join_cell_lines([[(join_words(line), line[0].bbox[0], line[-1].bbox[2])] for line in lines], box)


def cell_lines(words: list[Word]) -> list[list[Word]]:
    """A cell's words as lines, top to bottom, each left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.bbox[1], w.bbox[0])):
        middle = (word.bbox[1] + word.bbox[3]) / 2
        for line in lines:
            top = min(w.bbox[1] for w in line)
            bottom = max(w.bbox[3] for w in line)
            if top <= middle <= bottom:
                line.append(word)
                break
        else:
            lines.append([word])
    lines.sort(key=lambda line: min(w.bbox[1] for w in line))
    return [sorted(line, key=lambda w: w.bbox[0]) for line in lines]


def join_words(words: list[Word]) -> str:
    """One line's words, left to right, with a space between them, except where Tesseract
    cut a word in two pieces it put in different lines ("condit" + "ions"): no gap there."""
    words = sorted(words, key=lambda w: w.bbox[0])
    height = max(w.bbox[3] - w.bbox[1] for w in words)
    text = words[0].text
    for before, word in zip(words, words[1:]):
        glued = word.line_key != before.line_key and word.bbox[0] - before.bbox[2] < 0.12 * height
        text += ("" if glued else " ") + word.text
    return text


def _center(bbox: BBox) -> tuple[float, float]:
    return (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2


def _inside(point: tuple[float, float], bbox: BBox) -> bool:
    return bbox[0] <= point[0] < bbox[2] and bbox[1] <= point[1] < bbox[3]


def read_scanned_page(path: str, password: str | None, page: Any, number: int, settings: PdfSettings) -> PageContent:
    dpi = settings.ocr_dpi
    gray, angle = deskew(render_page(path, password, number, dpi), dpi)
    horizontal, vertical, mask = find_rules(gray, dpi)
    tables: list[PageTable] = []
    found = []
    if len(horizontal) >= 2 and len(vertical) >= 2:
        h_edges, v_edges = _edges(horizontal, vertical)
        table_settings = {
            **settings.table_settings(),
            "vertical_strategy": "explicit",
            "horizontal_strategy": "explicit",
            "explicit_vertical_lines": v_edges,
            "explicit_horizontal_lines": h_edges,
        }
        found = page.find_tables(table_settings)
    clean = gray.copy()
    clean[mask > 0] = 255  # rules erased before OCR
    words = run_tesseract(clean, dpi, settings.ocr_language)
    classify_dashes(words)
    fix_word_confusions(words)
    split_spaced_digits(words, clean, dpi, settings.ocr_language)
    used: set[int] = set()
    for table in found:
        boxes, xs = grid_of(table)
        buckets: list[list[list[Word]]] = [[[] for _ in row] for row in boxes]
        lost = placed = 0
        for index, word in enumerate(words):
            point = _center(word.bbox)
            if not _inside(point, table.bbox):
                continue
            used.add(index)
            cell_at = next(
                ((r, c) for r, row in enumerate(boxes) for c, box in enumerate(row) if box and _inside(point, box)),
                None,
            )
            if cell_at is None:
                lost += len(word.text)
                continue
            placed += len(word.text)
            buckets[cell_at[0]][cell_at[1]].append(word)
        cells = [[words_to_text(ws, box) if box else "" for ws, box in zip(row, brow)] for row, brow in zip(buckets, boxes)]
        confidence = [[min((w.conf for w in ws), default=0.0) for ws in row] for row in buckets]
        _reread_doubtful_cells(clean, dpi, settings.ocr_language, boxes, cells, confidence,
                               settings.ocr_doubtful_confidence)
        cells = [[fix_ocr_cell(c) for c in row] for row in cells]
        report = table_report(cells, lost, placed, "ocr-grid", number)
        extents = [[cell_extent([[w.bbox for w in line] for line in cell_lines(ws)]) for ws in row] for row in buckets]
        tables.append(PageTable(table.bbox, cells, boxes, xs, "ocr-grid", report, extents))
    tables, boxed = one_column_to_text(tables)
    lines = _text_lines([w for i, w in enumerate(words) if i not in used]) + boxed
    width, height = float(page.width), float(page.height)
    return PageContent(number, width, height, reading_order([*tables, *lines]), ocr=True)


def _glyph_ink(crop):
    """The dark pixels of a crop that belong to strokes: isolated specks of dust (a pixel
    or two, no neighbour) left out, as a scanner's grain has them."""
    import cv2
    import numpy as np

    ink = (crop < 128).astype(np.uint8)
    neighbours = cv2.filter2D(ink, -1, np.ones((3, 3), np.float32), borderType=cv2.BORDER_CONSTANT)
    return (ink > 0) & (neighbours >= 3)  # itself and two neighbours at least


def _reread_doubtful_cells(
    gray,
    dpi: int,
    language: str,
    boxes: list[list[BBox | None]],
    cells: list[list[str]],
    confidence: list[list[float]],
    doubtful_confidence: float,
) -> None:
    """Second look at cells left empty although ink is in them, and at short cells read
    with a confidence under `doubtful_confidence` (the profile's `[pdf]`).

    Page-level OCR drops or garbles short isolated text (the "1" of an OO column, "OO" in
    a narrow header). Those cells are cut out, stacked into one strip with white space
    between them, and read in a single Tesseract call as a uniform block (psm 6); each
    word goes back to the cell whose band holds it, and replaces the first reading when
    Tesseract is more confident of it.
    """
    import numpy as np

    k = dpi / 72.0
    crops = []
    for r, row in enumerate(boxes):
        for c, box in enumerate(row):
            doubtful = not cells[r][c] or (len(cells[r][c]) <= 12 and confidence[r][c] < doubtful_confidence)
            if box is None or not doubtful:
                continue
            x0, y0, x1, y1 = (int(box[0] * k) + 3, int(box[1] * k) + 3, int(box[2] * k) - 3, int(box[3] * k) - 3)
            if x1 - x0 < 4 or y1 - y0 < 4:
                continue
            crop = gray[y0:y1, x0:x1]
            ink = _glyph_ink(crop)
            if ink.sum() < 12:
                continue  # blank, or only dust: Tesseract would read letters in the grain
            rows_ink = np.where(ink.any(axis=1))[0]
            cols_ink = np.where(ink.any(axis=0))[0]
            crop = crop[rows_ink[0] : rows_ink[-1] + 1, cols_ink[0] : cols_ink[-1] + 1]
            crops.append((r, c, crop))
    if not crops:
        return
    gap = int(0.25 * dpi)
    width = max(crop.shape[1] for _, _, crop in crops) + 2 * gap
    height = sum(crop.shape[0] + gap for _, _, crop in crops) + gap
    strip = np.full((height, width), 255, dtype=np.uint8)
    bands = []
    y = gap
    for r, c, crop in crops:
        strip[y : y + crop.shape[0], gap : gap + crop.shape[1]] = crop
        bands.append((y - gap / 2, y + crop.shape[0] + gap / 2, r, c))
        y += crop.shape[0] + gap
    found: dict[tuple[int, int], list[Word]] = {}
    reread = run_tesseract(strip, dpi, language, psm=6)
    classify_dashes(reread)
    fix_word_confusions(reread)
    split_spaced_digits(reread, strip, dpi, language)
    for word in reread:
        middle = (word.bbox[1] + word.bbox[3]) / 2 * k
        for top, bottom, r, c in bands:
            if top <= middle < bottom:
                found.setdefault((r, c), []).append(word)
                break
    for (r, c), words in found.items():
        if not cells[r][c] or min(w.conf for w in words) > confidence[r][c]:
            cells[r][c] = words_to_text(words)


def _text_lines(words: list[Word]) -> list[TextLine]:
    """Words outside tables as lines: Tesseract's own lines (block, paragraph, line), two of
    them put together only when they sit at the same height (Tesseract sometimes splits
    one printed line in two of its lines: a wide gap, two columns). A line's height is that
    of most of its words, so a tall box (a bar, a speck joined to a letter) does not
    swallow the next printed line — a heading stays apart from the text under it."""
    by_key: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        by_key.setdefault(word.line_key, []).append(word)
    bands: list[tuple[float, float, list[Word]]] = []
    for group in by_key.values():
        tops = sorted(w.bbox[1] for w in group)
        bottoms = sorted(w.bbox[3] for w in group)
        # the band most of its words share (of two words, the narrower)
        bands.append((tops[len(tops) // 2], bottoms[(len(bottoms) - 1) // 2], group))
    bands.sort(key=lambda band: band[0])
    lines: list[list[Word]] = []
    line_bands: list[tuple[float, float]] = []
    for top, bottom, group in bands:
        for index, (line_top, line_bottom) in enumerate(line_bands):
            overlap = min(bottom, line_bottom) - max(top, line_top)
            if overlap >= 0.5 * min(bottom - top, line_bottom - line_top):
                lines[index] += group
                break
        else:
            lines.append(list(group))
            line_bands.append((top, bottom))
    out = []
    for group in lines:
        group.sort(key=lambda w: w.bbox[0])
        bbox = (
            min(w.bbox[0] for w in group),
            min(w.bbox[1] for w in group),
            max(w.bbox[2] for w in group),
            max(w.bbox[3] for w in group),
        )
        text = clean_cell_text(join_words(group))
        if text:
            out.append(TextLine(text, bbox, group[0].bbox[2] - group[0].bbox[0]))
    return out
