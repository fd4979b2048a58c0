"""PDFs made the way a local authority makes them: a Word document (python-docx) exported
to PDF by LibreOffice (`soffice --headless --convert-to pdf`).

Unlike the reportlab renderings (tests/pdf_fixtures.py), LibreOffice lets a table row break
across a page (Word's and LibreOffice's default: "allow row to break across pages"): a long
row's cells go on at the top of the next page, below the repeated header rows. That is what
real plans look like, and what the PDF reader must join back into one row.

Not part of the package: tests import it by path. Conversions are slow (seconds per
document), so the test modules cache them per session.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx_fixtures import TableLayout, layout_tables, render_docx_blocks

from pgt.extract.rows import SourceRow

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def landscape_a4(path: Path, margin_cm: float = 1.5, font_pt: float = 8.0) -> Path:
    """Lay a DOCX out as an author of a wide plan does, in place: A4 landscape, narrow
    margins, a small font, each table as wide as the text with its columns sized by how
    much they hold (never narrower than their longest word)."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = docx.Document(str(path))
    for section in document.sections:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(margin_cm))
    document.styles["Normal"].font.size = Pt(font_pt)
    available = Cm(29.7 - 2 * margin_cm)
    for table in document.tables:
        _size_columns(table, available, font_pt)
    document.save(str(path))
    return path


def _size_columns(table, available: int, largest_pt: float) -> None:
    """Column widths (EMU) proportional to the square root of the text a column holds, at
    least its longest word; a wide table gets a smaller font (down to 6 pt) rather than
    words cut in two, as an author shrinks a 17-column table to fit the page."""
    from docx.oxml.ns import qn
    from docx.shared import Pt
    from docx.text.run import Run

    texts: dict[int, list[str]] = {}
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            texts.setdefault(index, []).append(cell.text)
    count = len(table.columns)
    longest = [
        max((len(word) for text in texts.get(c, []) for word in text.split()), default=0) for c in range(count)
    ]

    def minimum(size: float) -> list[int]:  # about half an em a character, plus the padding
        return [Pt(size * 0.55 * n + 12) if n else Pt(14) for n in longest]

    size = largest_pt
    while size > 6.0 and sum(minimum(size)) > available:
        size -= 0.5
    least = minimum(size)
    weight = [sum(len(t) for t in texts.get(c, [])) ** 0.5 for c in range(count)]
    spare = max(0, available - sum(least))
    total = sum(weight) or 1.0
    widths = [int(m + spare * w / total) for m, w in zip(least, weight)]
    if sum(widths) > available:
        widths = [int(w * available / sum(widths)) for w in widths]
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = widths[min(index, count - 1)]
    for run in table._tbl.iter(qn("w:r")):
        run.get_or_add_rPr()
        Run(run, None).font.size = Pt(size)


def docx_to_pdf(source: Path, target: Path, timeout: float = 300) -> Path:
    """Convert with LibreOffice in its own throw-away user profile (several conversions
    at once on one machine must not share the profile's lock)."""
    if SOFFICE is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory(prefix="pgt-lo-") as profile, tempfile.TemporaryDirectory(
        prefix="pgt-lo-out-"
    ) as out:
        done = subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                out,
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        produced = Path(out) / (source.stem + ".pdf")
        if done.returncode != 0 or not produced.exists():
            raise RuntimeError(f"soffice failed on {source}: {done.stderr.strip()[:300]}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), target)
    return target


def render_libreoffice_pdf(rows: list[SourceRow], folder: Path, stem: str, *, landscape: bool = True) -> Path:
    """A text export's rows → DOCX (one Word table per table, continued tables flowing over
    the page as one table, header rows repeated, rows allowed to break) → PDF."""
    folder.mkdir(parents=True, exist_ok=True)
    docx_path = render_docx_blocks(layout_tables(rows, join_continued=True), folder / f"{stem}.docx")
    if landscape:
        landscape_a4(docx_path)
    return docx_to_pdf(docx_path, folder / f"{stem}.pdf")


PAGE_BREAK = "<<page break>>"  # a text line of a block list that stands for a page break


def render_blocks_pdf(blocks: list[tuple[str, list[str] | TableLayout]], folder: Path, stem: str) -> Path:
    """Blocks as `docx_fixtures.layout_tables` makes them (text lines, tables) → DOCX → PDF;
    a text line `PAGE_BREAK` starts a new page, an empty one is an empty paragraph."""
    import docx
    from docx.enum.text import WD_BREAK

    folder.mkdir(parents=True, exist_ok=True)
    docx_path = render_docx_blocks(blocks, folder / f"{stem}.docx")
    document = docx.Document(str(docx_path))
    for paragraph in document.paragraphs:
        if paragraph.text == PAGE_BREAK:
            for run in paragraph.runs:
                run.text = ""
            paragraph.runs[0].add_break(WD_BREAK.PAGE)
    document.save(str(docx_path))
    landscape_a4(docx_path)
    return docx_to_pdf(docx_path, folder / f"{stem}.pdf")


def sliding_copies(
    heading: list[SourceRow], table: list[SourceRow], header_rows: int, fillers: range
) -> list[tuple[str, list[str] | TableLayout]]:
    """The same small plan section (heading text rows, one table) once per page, pushed down
    by `n` empty lines for each n in `fillers`: wherever a row falls, some copy breaks it
    across the page."""
    blocks: list[tuple[str, list[str] | TableLayout]] = []
    kind, layout = layout_tables(table)[0]  # its merges and header rows, as Word draws them
    assert kind == "table" and isinstance(layout, TableLayout)
    # Header cells merged down over two rows are left unmerged: LibreOffice 7.4 draws such
    # a cell cut short in the header it repeats after a break, its rest over the next row.
    merges = [m for m in layout.merges if not (m[0] < header_rows and m[2] > m[0])]
    for number, count in enumerate(fillers):
        lines = ([PAGE_BREAK] if number else []) + [""] * count + [row.cells[0] for row in heading]
        blocks.append(("text", lines))
        blocks.append(("table", TableLayout(list(layout.cells), merges, header_rows)))
    return blocks


# --- a held-out plan of other wording -----------------------------------------------------

_WORDS = (
    "accompagner les familles du territoire rural en lien avec les centres sociaux et les "
    "associations locales pour favoriser l'accès aux droits ainsi que la participation des "
    "habitants aux temps forts de la commune maison France services médiathèque intercommunale "
    "ateliers numériques permanences mensuelles diagnostic partagé comité de pilotage annuel "
    "bilan qualitatif et quantitatif réunions trimestrielles avec les partenaires financeurs"
).split()


def filler_text(seed: int, words: int) -> str:
    """Deterministic French-looking text of `words` words (a sentence every dozen words)."""
    import random

    chooser = random.Random(seed)
    out = []
    for index in range(words):
        word = chooser.choice(_WORDS)
        out.append(word.capitalize() if index % 12 == 0 else word)
        if index % 12 == 11:
            out[-1] += "."
    return " ".join(out)


def held_out_blocks(actions: int = 9) -> list[tuple[str, list[str] | TableLayout]]:
    """A plan of other wording than raw/: a grid (N°, Intitulé, Pilote, Description,
    Partenaires, Calendrier, Indicateurs de suivi) whose long cells must break across pages,
    then the same actions as fiche forms (label | value, one table per action)."""
    header = ("N°", "Intitulé de l'action", "Pilote", "Description", "Partenaires", "Calendrier", "Indicateurs de suivi")
    grid = [header]
    for n in range(1, actions + 1):
        grid.append((
            f"{n}",
            f"Action {n} : {filler_text(n, 8)}",
            f"Service enfance-jeunesse de la commune {n}",
            filler_text(100 + n, 60 + 25 * (n % 4)),
            filler_text(200 + n, 18),
            f"{2024 + n % 3} - {2027 + n % 2}",
            filler_text(300 + n, 30 + 10 * (n % 3)),
        ))
    blocks: list[tuple[str, list[str] | TableLayout]] = [
        ("text", ["CONVENTION TERRITORIALE GLOBALE – PLAN D'ACTIONS", "ENJEU 1 – Vivre ensemble sur le territoire"]),
        ("table", TableLayout(grid, [], 1)),
    ]
    for n in range(1, actions + 1):
        form = [
            (f"Fiche action n°{n} – {filler_text(n, 8)}", ""),
            ("Pilote", f"Service enfance-jeunesse de la commune {n}"),
            ("Objectifs", filler_text(400 + n, 25)),
            ("Description", filler_text(500 + n, 120 + 40 * (n % 3))),
            ("Partenaires", filler_text(600 + n, 20)),
            ("Indicateurs", filler_text(700 + n, 35)),
        ]
        blocks.append(("text", [""]))
        blocks.append(("table", TableLayout(form, [(0, 0, 0, 1)], 0)))
    return blocks


def with_long_cells(spec, fields: tuple[str, ...] = ("public_vise", "moyens_humains", "moyens_techniques",
                                                     "indicateurs", "description"), seed: int = 0):
    """`spec` (an `other_plans.PlanSpec`), in place, its actions' `fields` made long (their
    text, then 40 to 130 words of `filler_text`): rows taller than a page is left, so that
    LibreOffice breaks them across pages."""
    for thematique in spec.thematiques:
        for axe in thematique.axes:
            for objectif in axe.objectifs:
                for action in objectif.actions:
                    for name in fields:
                        if name in action.values:
                            seed += 1
                            action.values[name] += " " + filler_text(seed, 40 + 30 * (seed % 4))
    return spec


# --- scans -------------------------------------------------------------------------------


def noisy_scan(source: Path, target: Path, pages: list[int], *, dpi: int = 300, skew: float = 0.6,
               noise: float = 14.0, seed: int = 13) -> Path:
    """An image-only PDF of `pages` (1-based) of `source` as a scanner makes it: each page
    rendered in grey, turned by `skew` degrees (alternately each way), with grain (Gaussian
    noise of `noise` grey levels), a little blur and dust specks."""
    import img2pdf
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    chooser = np.random.default_rng(seed)
    document = pdfium.PdfDocument(str(source))
    images = []
    try:
        for index, number in enumerate(pages):
            page = document[number - 1]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            angle = skew if index % 2 == 0 else -skew * 0.7
            image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
            image = image.filter(ImageFilter.GaussianBlur(0.6))
            pixels = np.asarray(image, dtype=np.float32)
            pixels = pixels + chooser.normal(0.0, noise, pixels.shape)
            specks = chooser.random(pixels.shape) < 0.0004
            pixels[specks] = 0
            scanned = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
            buffer = io.BytesIO()
            scanned.save(buffer, format="PNG", dpi=(dpi, dpi))
            images.append(buffer.getvalue())
    finally:
        document.close()
    target.write_bytes(img2pdf.convert(images))
    return target


def with_scanned_pages(source: Path, target: Path, pages: list[int], **scan) -> Path:
    """`source` with `pages` (1-based) replaced by noisy scans of themselves."""
    import pikepdf

    scans = noisy_scan(source, target.with_suffix(".scans.pdf"), pages, **scan)
    with pikepdf.open(source) as pdf, pikepdf.open(scans) as scanned:
        for index, number in enumerate(pages):
            pdf.pages.insert(number - 1, scanned.pages[index])
            del pdf.pages[number]
        pdf.save(target)
    return target
