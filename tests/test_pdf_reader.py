"""The PDF reader yields the text export's row stream, and the plan read from a PDF
rendering of the detail document equals the plan read from its text export.

The PDFs are rendered at test time from raw/ (tests/pdf_fixtures.py): ruled tables, header
rows repeated after page breaks, the merged MOYENS header cell, A4 landscape, wrapped cells.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from helpers import DETAIL
from pdf_fixtures import RenderOptions, normalise_cell, render_rows_pdf
from plan_compare import compare_plans

from pgt.errors import EncryptedInput, UnreadableInput
from pgt.extract import read_document
from pgt.extract.pdf_layout import TextLine, join_paragraphs
from pgt.extract.rows import RowKind


def row_key(row) -> tuple:
    """What must be equal between readers: kind and cells, trailing empty cells aside (a
    ruled table pads short rows; the export may or may not end a row with a TAB)."""
    cells = [normalise_cell(c) for c in row.cells]
    while cells and not cells[-1]:
        cells.pop()
    return row.kind.value, tuple(cells)


def share_of_rows_equal(expected_rows, rows) -> float:
    import difflib

    a = [row_key(r) for r in expected_rows]
    b = [row_key(r) for r in rows if not r.repeated_header]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(a), len(b))


@pytest.fixture(scope="session")
def text_document():
    return read_document(DETAIL)


@pytest.fixture(scope="session")
def detail_pdf(tmp_path_factory, text_document) -> Path:
    return render_rows_pdf(text_document.rows, tmp_path_factory.mktemp("pdf") / "fiches.pdf")


@pytest.fixture(scope="session")
def pdf_document(detail_pdf):
    return read_document(detail_pdf)


def table_rows(document, index):
    return [r for r in document.rows if r.table_index == index]


# ---- row stream ----------------------------------------------------------------------------


def test_born_digital_rows_equal_text_export_rows(text_document, pdf_document):
    share = share_of_rows_equal(text_document.rows, pdf_document.rows)
    print(f"born-digital PDF: {share:.2%} of rows equal to the text export's")
    assert share >= 0.99
    tables_txt = {r.table_index for r in text_document.rows if r.table_index is not None}
    tables_pdf = {r.table_index for r in pdf_document.rows if r.table_index is not None}
    assert len(tables_pdf) == len(tables_txt) == 43
    assert pdf_document.format == "pdf" and pdf_document.pages >= 40


def test_rows_of_one_table_keep_their_table_index_across_page_breaks(text_document, pdf_document):
    for index in {r.table_index for r in text_document.rows if r.table_index is not None}:
        expected = [row_key(r) for r in table_rows(text_document, index)]
        got = [row_key(r) for r in table_rows(pdf_document, index) if not r.repeated_header]
        assert got == expected, f"table {index}"
    spanning = [
        i for i in {r.table_index for r in pdf_document.rows if r.table_index is not None}
        if len({r.provenance.page for r in table_rows(pdf_document, i)}) > 1
    ]
    assert len(spanning) >= 10


def test_header_repeated_after_page_break_is_flagged(pdf_document):
    repeated = [r for r in pdf_document.rows if r.repeated_header]
    assert len(repeated) >= 20
    for row in repeated:
        first_rows = table_rows(pdf_document, row.table_index)[:2]
        assert row_key(row) in {row_key(r) for r in first_rows}
        assert row.provenance.page > first_rows[0].provenance.page


def test_merged_moyens_header_cell_spans_empty_positions(pdf_document):
    moyens = [
        r for r in pdf_document.rows
        if r.kind is RowKind.TABLE and any(c.startswith("MOYENS") for c in r.cells)
    ]
    assert moyens
    row = moyens[0]
    col = next(i for i, c in enumerate(row.cells) if c.startswith("MOYENS"))
    assert row.cells[col] == "MOYENS – LEVIERS D' ACTIONS"  # the en dash survives
    assert row.cells[col + 1] == row.cells[col + 2] == ""
    boxes = row.provenance.cell_bboxes
    assert boxes[col] is not None and boxes[col + 1] is None and boxes[col + 2] is None
    below = table_rows(pdf_document, row.table_index)[1]
    assert [c for c in below.cells if c in ("HUMAINS", "TECHNIQUES", "FINANCIERS")] == [
        "HUMAINS", "TECHNIQUES", "FINANCIERS"
    ]


def test_cell_wrapped_over_lines_is_one_cell_text(text_document, pdf_document):
    longest = max((c for r in text_document.rows for c in r.cells), key=len)
    assert len(longest) >= 400
    assert longest in {c for r in pdf_document.rows for c in r.cells}
    row = next(r for r in pdf_document.rows if longest in r.cells)
    box = row.provenance.cell_bboxes[row.cells.index(longest)]
    assert box[3] - box[1] > 50  # many lines high


def test_headings_between_tables_are_text_rows_in_order(text_document, pdf_document):
    expected = [r.cells[0] for r in text_document.rows if r.kind is RowKind.TEXT]
    got = [r.cells[0] for r in pdf_document.rows if r.kind is RowKind.TEXT]
    assert got == expected


def test_provenance_has_page_and_cell_boxes(pdf_document):
    for row in pdf_document.rows:
        assert row.provenance.document == "fiches.pdf"
        assert 1 <= row.provenance.page <= pdf_document.pages
        x0, top, x1, bottom = row.provenance.bbox
        assert 0 <= x0 < x1 <= 842 and 0 <= top < bottom <= 596
        if row.kind is RowKind.TABLE:
            assert len(row.provenance.cell_bboxes) == len(row.cells)
    assert "page" in pdf_document.rows[0].provenance.location()


def test_tables_report_names_method_and_figures(pdf_document):
    report = pdf_document.tables_report
    assert report and all(t["method"] == "pdfplumber-lines" for t in report)
    assert min(t["coverage"] for t in report) >= 0.995
    assert {"page", "rows", "columns", "fill", "coverage"} <= set(report[0])


# ---- plan level ----------------------------------------------------------------------------


def test_plan_from_born_digital_pdf_equals_plan_from_text_export(detail_pdf):
    from pgt.pipeline import convert

    expected = convert([DETAIL]).plan
    found = convert([detail_pdf]).plan
    comparison = compare_plans(expected, found)
    actions = len(found.all_actions())
    print(f"born-digital PDF plan: {actions} actions, {comparison.equal}/{comparison.total} fields equal ({comparison.share:.2%})")
    assert not comparison.actions_only_in_expected and not comparison.actions_only_in_got
    assert comparison.share >= 0.99, comparison.summary()


def test_repeated_header_does_not_cut_offers_of_an_action(detail_pdf, pdf_document):
    """Regression: a header repeated after a page break inside an action's offer rows was
    read as a new header, which ended the action and lost its later offers."""
    from pgt.pipeline import plan_from_documents

    with_repeats = plan_from_documents([pdf_document])
    without = plan_from_documents(
        [dataclasses.replace(pdf_document, rows=[r for r in pdf_document.rows if not r.repeated_header])]
    )
    offers = {a.id: len(a.offres) for a in with_repeats.all_actions()}
    assert offers == {a.id: len(a.offres) for a in without.all_actions()}


# ---- layouts -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def petite_enfance_rows(text_document):
    start = next(i for i, r in enumerate(text_document.rows) if r.cells[0] == "THEMATIQUE ENFANCE")
    return text_document.rows[:start]


def test_portrait_pages_read_the_same(tmp_path, petite_enfance_rows):
    pdf = render_rows_pdf(petite_enfance_rows, tmp_path / "portrait.pdf", RenderOptions(landscape=False))
    document = read_document(pdf)
    assert share_of_rows_equal(petite_enfance_rows, document.rows) >= 0.99


def test_rotated_pages_read_the_same(tmp_path, petite_enfance_rows):
    """A landscape page stored portrait with /Rotate 90, as some Word exports make them."""
    import pikepdf

    flat = render_rows_pdf(petite_enfance_rows, tmp_path / "flat.pdf")
    rotated = tmp_path / "rotated.pdf"
    with pikepdf.open(flat) as pdf:
        for page in pdf.pages:
            width, height = float(page.mediabox[2]), float(page.mediabox[3])
            # draw the landscape content turned by -90° on a portrait page, then ask viewers
            # to turn the page by +90° for display: it shows upright.
            content = pikepdf.Stream(pdf, b"q 0 1 -1 0 %f 0 cm\n" % height)
            page.contents_add(content, prepend=True)
            page.contents_add(pikepdf.Stream(pdf, b"Q\n"))
            page.mediabox = [0, 0, height, width]
            page.Rotate = 90
        pdf.save(rotated)
    document = read_document(rotated)
    share = share_of_rows_equal(petite_enfance_rows, document.rows)
    assert share >= 0.99, share


def test_page_numbers_in_margins_do_not_break_tables(tmp_path, petite_enfance_rows):
    pdf = render_rows_pdf(
        petite_enfance_rows, tmp_path / "numbered.pdf", RenderOptions(page_numbers=True)
    )
    document = read_document(pdf)
    assert share_of_rows_equal(petite_enfance_rows, document.rows) >= 0.99
    assert any("page number" in w for w in document.warnings)


def test_pdf_without_tables_gives_text_rows(tmp_path):
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    long = "Une phrase assez longue pour passer à la ligne dans la page. " * 6
    target = tmp_path / "prose.pdf"
    SimpleDocTemplate(str(target)).build(
        [Paragraph("AXE STRATEGIQUE I", styles["Heading2"]), Paragraph(long.strip(), styles["Normal"])]
    )
    document = read_document(target)
    assert [r.kind for r in document.rows] == [RowKind.TEXT, RowKind.TEXT]
    assert document.rows[0].cells == ("AXE STRATEGIQUE I",)
    assert document.rows[1].cells == (long.strip(),)  # wrapped lines joined into one paragraph
    assert document.tables_report == []


def test_join_paragraphs_keeps_short_lines_apart():
    heading = TextLine("OBJECTIF INTERMEDIAIRE 2", (34, 100, 190, 110), 60)
    first = TextLine("Mener une réflexion autour d'alternatives pour", (34, 112, 798, 122), 30)
    second = TextLine("leurs enfants)", (34, 124, 113, 134), 28)
    joined = join_paragraphs([heading, first, second], right_edge=800)
    assert [p.text for p in joined] == [
        "OBJECTIF INTERMEDIAIRE 2",
        "Mener une réflexion autour d'alternatives pour leurs enfants)",
    ]


# ---- jobs and progress ---------------------------------------------------------------------


def test_jobs_give_the_same_rows_and_progress_counts_pages(detail_pdf, pdf_document):
    seen: list[tuple[str, int, int]] = []
    document = read_document(detail_pdf, jobs=2, on_progress=lambda *a: seen.append(a))
    assert [(r.cells, r.provenance, r.table_index, r.repeated_header) for r in document.rows] == [
        (r.cells, r.provenance, r.table_index, r.repeated_header) for r in pdf_document.rows
    ]
    assert seen[-1] == ("pages", pdf_document.pages, pdf_document.pages)
    assert [s[1] for s in seen] == sorted(s[1] for s in seen)


# ---- bad input -----------------------------------------------------------------------------


def test_truncated_pdf_is_unreadable_input(tmp_path, detail_pdf):
    broken = tmp_path / "truncated.pdf"
    broken.write_bytes(detail_pdf.read_bytes()[:5000])
    with pytest.raises(UnreadableInput) as error:
        read_document(broken)
    assert "truncated.pdf" in error.value.message and "\n" not in error.value.message


def test_garbage_after_pdf_magic_is_unreadable_input(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(UnreadableInput, match="bad.pdf"):
        read_document(bad)


def first_oi_rows(text_document):
    """The rows up to the second OI heading: whole tables only."""
    end = [i for i, r in enumerate(text_document.rows) if r.cells[0] == "OBJECTIF INTERMEDIAIRE 2"][0]
    return text_document.rows[:end]


@pytest.fixture(scope="session")
def encrypted_pdf(tmp_path_factory, text_document) -> Path:
    import pikepdf

    folder = tmp_path_factory.mktemp("encrypted")
    plain = render_rows_pdf(first_oi_rows(text_document), folder / "plain.pdf")
    target = folder / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(target, encryption=pikepdf.Encryption(user="lecture", owner="proprio", R=6))
    return target


def test_encrypted_pdf_without_password_says_use_password(encrypted_pdf):
    with pytest.raises(EncryptedInput) as error:
        read_document(encrypted_pdf)
    assert "--password" in error.value.message and "locked.pdf" in error.value.message


def test_encrypted_pdf_with_wrong_password(encrypted_pdf):
    with pytest.raises(EncryptedInput, match="wrong password"):
        read_document(encrypted_pdf, password="faux")


def test_encrypted_pdf_with_password_reads(encrypted_pdf, text_document):
    document = read_document(encrypted_pdf, password="lecture")
    assert share_of_rows_equal(first_oi_rows(text_document), document.rows) == 1.0


# ---- unruled tables: camelot stream, for a measured reason ---------------------------------


def test_unruled_table_is_read_by_camelot_stream(tmp_path):
    """No ruling for pdfplumber's lines strategy, but words aligned in columns: camelot
    stream reads the table; the heading it takes for a first row is given back as text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    rows = [
        ["ACTIONS", "PORTEUR DE PROJETS", "PUBLIC VISE", "ECHEANCES"],
        ["1. Maintenir l'offre", "Direction Pôle", "familles", "2023-2026"],
        ["2. Recruter", "RPE", "assistants maternels", "2024"],
        ["3. Communiquer", "Service communication", "parents", "2022-2023"],
    ]
    target = tmp_path / "unruled.pdf"
    SimpleDocTemplate(str(target), pagesize=A4).build([Paragraph("AXE STRATEGIQUE I"), Table(rows)])
    document = read_document(target)
    assert [r.cells for r in document.rows] == [("AXE STRATEGIQUE I",), *[tuple(r) for r in rows]]
    assert [r.kind for r in document.rows] == [RowKind.TEXT] + [RowKind.TABLE] * 4
    (report,) = document.tables_report
    assert report["method"] == "camelot-stream" and report["accuracy"] >= 90
    assert "unruled table read by camelot stream" in document.warnings[0]
