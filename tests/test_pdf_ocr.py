"""Scanned pages (no text layer) are read through OCR, then the same table reading.

The scans are made at test time: pages of the PDF rendering of raw/ turned into bitmaps
(tests/pdf_fixtures.scanned_copy). Without Tesseract, the tests of the clear error run
instead of the OCR ones (never a silent skip).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import DETAIL
from pdf_fixtures import mixed_copy, normalise_cell, render_rows_pdf, scanned_copy
from plan_compare import compare_plans, flatten

from pgt.errors import OcrUnavailable
from pgt.extract import read_document
from pgt.extract.ocr import split_spaced_digits
from pgt.extract.ocr_repairs import Word, classify_dashes, fix_ocr_cell, fix_word_confusions
from pgt.extract.rows import RowKind

TESSERACT = shutil.which("tesseract") is not None
SCANNED_PAGES = [1, 2, 3]


@pytest.fixture(scope="session")
def born_digital(tmp_path_factory) -> Path:
    rows = read_document(DETAIL).rows
    return render_rows_pdf(rows, tmp_path_factory.mktemp("ocr") / "fiches.pdf")


@pytest.fixture(scope="session")
def mixed_pdf(born_digital) -> Path:
    """The whole document with its first pages replaced by scans of themselves."""
    return mixed_copy(born_digital, born_digital.with_name("fiches-scan.pdf"), SCANNED_PAGES)


@pytest.fixture(scope="session")
def mixed_document(mixed_pdf):
    if not TESSERACT:
        pytest.fail("Tesseract is missing: test_ocr_missing_* cover this environment")
    return read_document(mixed_pdf, jobs=2)


def cells_of_pages(document, pages):
    return [
        [normalise_cell(c) for c in r.cells]
        for r in document.rows
        if r.provenance.page in pages and not r.repeated_header
    ]


def share_of_cells_equal(expected_rows, rows) -> float:
    total = equal = 0
    for want, got in zip(expected_rows, rows):
        for index, cell in enumerate(want):
            if cell:
                total += 1
                equal += index < len(got) and got[index] == cell
    return equal / total


@pytest.mark.skipif(not TESSERACT, reason="replaced by test_scanned_pdf_without_tesseract_is_a_clear_error")
def test_scanned_pages_read_through_ocr(born_digital, mixed_document):
    reference = read_document(born_digital)
    expected = cells_of_pages(reference, SCANNED_PAGES)
    got = cells_of_pages(mixed_document, SCANNED_PAGES)
    assert len(got) == len(expected)
    share = share_of_cells_equal(expected, got)
    print(f"scanned pages: {share:.2%} of non-empty cells equal to the born-digital reading")
    assert share >= 0.95
    ocr_tables = [t for t in mixed_document.tables_report if t["page"] in SCANNED_PAGES]
    assert ocr_tables and {t["method"] for t in ocr_tables} == {"ocr-grid"}
    assert "OCR used on 3 scanned page(s): 1-3" in mixed_document.warnings
    # the pages after the scans are still read from their text layer
    assert cells_of_pages(mixed_document, [4, 5]) == cells_of_pages(reference, [4, 5])


@pytest.mark.skipif(not TESSERACT, reason="replaced by test_scanned_pdf_without_tesseract_is_a_clear_error")
def test_plan_from_scanned_pages_equals_plan_from_text_export(mixed_document):
    from pgt.pipeline import convert, plan_from_documents

    expected = convert([DETAIL]).plan
    found = plan_from_documents([mixed_document])
    scanned_ids = {a.id for a in found.all_actions() if a.provenance.page in SCANNED_PAGES}
    assert len(scanned_ids) >= 8
    comparison = compare_plans(expected, found)
    # the fields of the actions read from the scanned pages: paths naming one of them
    marks = [f"[id={action_id}]" for action_id in scanned_ids]
    on_scans = [p for p in flatten(expected.model_dump(mode="json")) if any(m in p for m in marks)]
    wrong = [d for d in comparison.differences if any(m in d[0] for m in marks)]
    share = 1 - len(wrong) / len(on_scans)
    print(
        f"scanned pages plan: {share:.2%} of {len(on_scans)} fields of their actions equal; "
        f"whole plan {comparison.equal}/{comparison.total} ({comparison.share:.2%})"
    )
    assert share >= 0.95, wrong[:5]
    assert not comparison.actions_only_in_expected and not comparison.actions_only_in_got


def test_scanned_pdf_without_tesseract_is_a_clear_error(tmp_path, born_digital, monkeypatch):
    scan = scanned_copy(born_digital, tmp_path / "scan.pdf", [2], dpi=100)
    monkeypatch.setattr("pgt.extract.ocr.shutil.which", lambda name: None)
    with pytest.raises(OcrUnavailable) as error:
        read_document(scan)
    message = error.value.message
    assert "scan.pdf: page 1" in message
    assert "apt-get install tesseract-ocr tesseract-ocr-fra" in message and "scripts/setup.sh" in message
    assert "\n" not in message
    assert error.value.exit_code == 6


def test_ocr_missing_french_data_is_a_clear_error(tmp_path, born_digital, monkeypatch):
    import subprocess

    scan = scanned_copy(born_digital, tmp_path / "scan.pdf", [2], dpi=100)
    monkeypatch.setattr("pgt.extract.ocr.shutil.which", lambda name: "/usr/bin/tesseract")
    monkeypatch.setattr(
        "pgt.extract.ocr.subprocess.run",
        lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout="List of languages\neng\nosd\n", stderr=""),
    )
    with pytest.raises(OcrUnavailable, match="no 'fra' language data"):
        read_document(scan)


# ---- the OCR corrections, one by one ------------------------------------------------------


def word(text, x0, x1, top=10.0, bottom=17.0, line=(1, 1, 1)):
    return Word(text, (x0, top, x1, bottom), line)


def test_dash_kind_follows_its_drawn_length():
    words = [word("CAF", 0, 15), word("-", 17, 19, 13, 14), word("PMI", 21, 35), word("-", 37, 41, 13, 14)]
    classify_dashes(words)
    assert [w.text for w in words] == ["CAF", "-", "PMI", "\u2013"]


def test_letter_l_read_for_one_and_roman_numerals():
    caps = [word("AXE", 0, 10), word("STRATEGIQUE", 12, 40), word("Il", 42, 46)]
    prose = [word("Il", 0, 5, line=(2, 1, 1)), word("ler", 6, 12, line=(2, 1, 1)), word("6-1lans", 14, 30, line=(2, 1, 1))]
    fix_word_confusions(caps + prose)
    assert [w.text for w in caps] == ["AXE", "STRATEGIQUE", "II"]
    assert [w.text for w in prose] == ["Il", "1er", "6-11ans"]


def test_oo_marker_misread_as_zeros():
    assert fix_ocr_cell("002. Proposer une offre") == "OO2. Proposer une offre"
    assert fix_ocr_cell("O0") == "OO"
    assert fix_ocr_cell("2023-2026") == "2023-2026"


def test_numbers_glued_by_tesseract_are_split_at_the_printed_space():
    """Regression: the OO cell "4 5" came out as "45" (one OO number instead of two)."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 40)
    image = Image.new("L", (200, 80), 255)
    ImageDraw.Draw(image).text((20, 10), "4 5", font=font, fill=0)
    gray = np.asarray(image)
    dark = np.where((gray < 128).any(axis=0))[0]
    rows = np.where((gray < 128).any(axis=1))[0]
    k = 72 / 300
    glued = Word("45", (dark[0] * k, rows[0] * k, dark[-1] * k, rows[-1] * k), (1, 1, 1))
    split_spaced_digits([glued], gray, 300, "fra")
    assert glued.text == "4 5"


@pytest.mark.skipif(not TESSERACT, reason="replaced by test_scanned_pdf_without_tesseract_is_a_clear_error")
def test_text_rows_of_scanned_page_keep_reading_order(mixed_document):
    texts = [r.cells[0] for r in mixed_document.rows if r.kind is RowKind.TEXT and r.provenance.page == 1]
    assert texts[:3] == [
        "THEMATIQUE PETITE ENFANCE",
        "AXE STRATEGIQUE I",
        "Améliorer la répartition de l'offre d'accueil sur le territoire de MONT DE MARSAN AGGLOMERATION",
    ]


def test_bar_read_for_capital_i_in_a_heading_is_a_roman_numeral():
    """Regression: "AXE STRATEGIQUE I Renforcement…" came out without its numeral (the
    bar Tesseract read for "I" was dropped) and the axe lost its number."""
    line = [word(t, i * 10, i * 10 + 8) for i, t in enumerate(["AXE", "STRATEGIQUE", "|", "Renforcement"])]
    prose = [word(t, i * 10, i * 10 + 8, line=(3, 1, 1)) for i, t in enumerate(["Il", "est", "CAF", "Il", "va"])]
    fix_word_confusions(line + prose)
    assert [w.text for w in line] == ["AXE", "STRATEGIQUE", "I", "Renforcement"]
    assert [w.text for w in prose] == ["Il", "est", "CAF", "Il", "va"]


def test_oo_marker_with_noise_between_letters_and_number():
    assert fix_ocr_cell("O0O!2. Créer et animer") == "OO2. Créer et animer"
    assert fix_ocr_cell("3 003. Déployer") == "3 OO3. Déployer"
    assert fix_ocr_cell("OOl.Rendre les enfants") == "OO1. Rendre les enfants"
    assert fix_ocr_cell("(oJe)") == fix_ocr_cell("(eJe)") == "OO"
    assert fix_ocr_cell("en 2003. Puis") == "en 2003. Puis"
