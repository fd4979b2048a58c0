"""The page behind each record: cell boxes (page, PDF points) carried into plan.json, and the
review page showing each action's row cut from its PDF page (born-digital or scanned), two
strips when the row runs over a page break; `--no-images` leaves them out.

Test PDFs are made at test time: a slice of raw/ rendered by tests/pdf_fixtures.py (with one
page turned into a scan), and a small Word table converted by LibreOffice whose long row
breaks across the page, as Word and LibreOffice print such plans.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import DETAIL
from pdf_fixtures import mixed_copy, normalise_cell, render_rows_pdf
from test_report import CHROMIUM, CHROMIUM_ARGS
from typer.testing import CliRunner

from pgt.cli import app
from pgt.extract import read_document
from pgt.extract.page_images import PIECES_PER_WORKER, ImageSettings, page_groups, row_images, row_pieces
from pgt.extract.pdf import PAGES_PER_WORKER
from pgt.extract.pool import AUTO_MAX_WORKERS, auto_jobs, usable_cores
from pgt.pipeline import convert, source_row_images, start_row_images
from pgt.write.report import render_report

SCANNED_PAGE = 2
IMG = re.compile(r'<img class="page-image" src="data:image/webp;base64,[A-Za-z0-9+/=]+"')


@pytest.fixture(scope="session")
def slice_pdf(tmp_path_factory) -> Path:
    """Petite enfance of raw/ (a few pages of ruled tables) as a born-digital PDF."""
    rows = read_document(DETAIL).rows
    end = next(i for i, r in enumerate(rows) if r.cells[0] == "THEMATIQUE ENFANCE")
    return render_rows_pdf(rows[:end], tmp_path_factory.mktemp("images") / "petite-enfance.pdf")


@pytest.fixture(scope="session")
def slice_plan(slice_pdf):
    return convert([slice_pdf])


@pytest.fixture(scope="session")
def scanned_slice(slice_pdf):
    """The same pages with page 2 a scan (no text layer): read through OCR."""
    if shutil.which("tesseract") is None:
        pytest.fail("Tesseract is missing (scripts/setup.sh installs it)")
    pdf = mixed_copy(slice_pdf, slice_pdf.with_name("petite-enfance-scan.pdf"), [SCANNED_PAGE])
    return convert([pdf])


HEADER = ["ACTIONS", "OO", "PORTEUR DE PROJETS", "PUBLIC VISE", "ECHEANCES DE REALISATION CALENDRIER",
          "PARTENAIRES", "HUMAINS", "TECHNIQUES", "FINANCIERS", "INDICATEURS EVALUATION"]


@pytest.fixture(scope="session")
def broken_row_pdf(tmp_path_factory) -> Path:
    """A Word plan (A4 landscape, one action table) whose 4th of 5 actions holds a long
    cell, so that LibreOffice breaks the row over pages 1 and 2, as it prints real plans."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice (soffice) is missing (scripts/setup.sh installs it)")
    folder = tmp_path_factory.mktemp("broken-row")
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(12))
    document.styles["Normal"].font.size = Pt(8)
    for line in ["THEMATIQUE PETITE ENFANCE", "AXE STRATEGIQUE I", "Soutenir les familles du territoire",
                 "OBJECTIF INTERMEDIAIRE 1", "Informer les parents"]:
        document.add_paragraph(line)
    oo = document.add_table(rows=1, cols=3)
    oo.style = "Table Grid"
    for cell, text in zip(oo.rows[0].cells, ["OBJECTIFS OPERATIONNELS", "1", "OO1. Faire connaître les lieux"]):
        cell.text = text
    document.add_paragraph()
    table = document.add_table(rows=0, cols=len(HEADER))
    table.style = "Table Grid"
    long = " ".join(f"Rencontre {i} organisée au centre social avec les parents." for i in range(1, 16))
    lines = [HEADER] + [
        [f"{n}. Ouvrir un temps d'échange numéro {n}", "1", "Centre social", "Parents", "2024-2027",
         "Mairie, CAF", long if n == 4 else f"Animatrice du lieu {n}.", "Salle", "Fonds CAF",
         f"Nombre de parents venus {n}"]
        for n in range(1, 6)
    ]
    for values in lines:
        row = table.add_row()
        for cell, text in zip(row.cells, values):
            cell.text = text
    source = folder / "plan-lo.docx"
    document.save(str(source))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=120)
    return folder / "plan-lo.pdf"


# ---- boxes into plan.json ------------------------------------------------------------------


def test_pdf_cell_boxes_reach_plan_json_and_hold_the_cells(tmp_path, slice_pdf, slice_plan):
    import pdfplumber

    result = CliRunner().invoke(app, ["convert", str(slice_pdf), "-o", str(tmp_path / "out"), "-q", "--no-report"])
    assert result.exit_code == 0, result.output
    plan = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    actions = [a for t in plan["thematiques"] for ax in t["axes"] for oi in ax["objectifs_intermediaires"]
               for a in oi["actions"]]
    assert len(actions) == len(slice_plan.plan.all_actions()) >= 20
    checked = 0
    with pdfplumber.open(slice_pdf) as pdf:
        for action in actions:
            provenance = action["provenance"]
            boxes = provenance["boxes"]
            # one box per non-empty cell, on the row's page
            assert len(boxes) == len(provenance["cells"]), action["id"]
            assert {b["page"] for b in boxes} == {provenance["page"]} and provenance["pages"] == [provenance["page"]]
            page = pdf.pages[provenance["page"] - 1]
            for box, cell in zip(boxes, provenance["cells"]):
                assert 0 <= box["x0"] < box["x1"] <= page.width and 0 <= box["top"] < box["bottom"] <= page.height
                inside = page.within_bbox((box["x0"], box["top"], box["x1"], box["bottom"])).extract_text()
                assert normalise_cell(inside) == normalise_cell(cell), (action["id"], cell)
                checked += 1
    assert checked > 100


def test_text_sources_carry_no_boxes(raw_plan):
    assert all(not a.provenance.boxes and not a.provenance.pages for a in raw_plan.all_actions())


def test_scanned_page_rows_carry_boxes(scanned_slice):
    on_scan = [a for a in scanned_slice.plan.all_actions() if a.provenance.page == SCANNED_PAGE]
    assert len(on_scan) >= 3
    for action in on_scan:
        assert action.provenance.boxes and {b.page for b in action.provenance.boxes} == {SCANNED_PAGE}
    assert scanned_slice.documents[0].warnings[0].startswith("OCR used on 1 scanned page")


def test_row_broken_across_pages_carries_both_pages(broken_row_pdf):
    plan = convert([broken_row_pdf]).plan
    actions = {a.numero: a for a in plan.all_actions()}
    assert sorted(actions) == [1, 2, 3, 4, 5]
    assert actions[4].provenance.pages == [1, 2]
    assert {b.page for b in actions[4].provenance.boxes} == {1, 2}
    assert actions[4].moyens_humains.endswith("Rencontre 15 organisée au centre social avec les parents.")
    assert all(actions[n].provenance.pages == [actions[n].provenance.page] for n in (1, 2, 3, 5))


# ---- the row images ------------------------------------------------------------------------


def _decoded(uri: str):
    from PIL import Image

    head, data = uri.split(",", 1)
    assert head == "data:image/webp;base64"
    return Image.open(io.BytesIO(base64.b64decode(data)))


def test_row_pieces_one_per_page_in_page_order():
    pieces = row_pieces([(3, (10, 500, 60, 560)), (2, (10, 40, 60, 90)), (2, (60, 40, 300, 120))])
    # the piece on page 3 holds one cell, but is cut across the row's whole width
    assert pieces == [(2, (10, 40, 300, 120)), (3, (10, 500, 300, 560))]


def test_row_images_cut_each_piece_small_and_deterministic(slice_pdf):
    # a row broken over pages 1 and 2 as a reader joining it gives it: one piece per page
    boxes = {"two": [(1, (28.0, 400.0, 400.0, 560.0)), (2, (28.0, 28.0, 200.0, 80.0))],
             "wide": [(1, (0.0, 100.0, 842.0, 200.0))]}
    images = row_images(slice_pdf, boxes)
    assert [len(images["two"]), len(images["wide"])] == [2, 1]
    first, second = (_decoded(uri) for uri in images["two"])
    scale = ImageSettings().scale
    assert abs(first.width - 376 * scale) <= 2 and abs(first.height - 164 * scale) <= 2
    assert abs(second.height - 56 * scale) <= 2
    assert _decoded(images["wide"][0]).width == ImageSettings().max_width
    assert row_images(slice_pdf, boxes) == images  # same bytes each run
    assert all(len(uri) < 40_000 for uris in images.values() for uri in uris)


def test_row_images_cut_by_worker_processes_are_the_same_bytes(slice_plan, scanned_slice):
    """With --jobs > 1 the pages are cut in worker processes, runs of pages each, while the
    data files are written: the pictures are those one process cuts, in the same order."""
    for result in (slice_plan, scanned_slice):
        alone = source_row_images(result, jobs=1)
        for jobs in (2, 3):
            shared = start_row_images(result, jobs=jobs)
            assert not shared.left_cycles  # nothing of pdfium's here to collect
            pictures = shared.result()
            assert pictures == alone and list(pictures) == list(alone)
            assert shared.result() is pictures  # waited for once


def _dies_cutting_pictures(*args, **kwargs):
    os._exit(3)  # the worker process vanishes (as when the kernel kills it)


def test_worker_dying_while_cutting_pictures_is_one_line(tmp_path, slice_pdf, monkeypatch):
    """The row pictures are cut by workers while the data files are written: one that dies
    is the one-line error of a page-reading worker, and no output folder is left."""
    monkeypatch.setattr("pgt.extract.page_images.cut_pieces", _dies_cutting_pictures)  # workers are forked: patched
    monkeypatch.setattr("pgt.extract.page_images.PIECES_PER_WORKER", 1)  # the default --jobs shares a few strips
    monkeypatch.setattr("pgt.extract.pool.usable_cores", lambda: 2)
    result = CliRunner().invoke(app, ["convert", str(slice_pdf), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 4, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "worker process reading it stopped unexpectedly" in lines[0], result.stderr
    assert "petite-enfance.pdf: page " in lines[0] and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_page_groups_are_runs_of_pages_with_as_many_strips():
    wanted = {page: [(f"a{page}.{i}", 0, (0.0, 0.0, 1.0, 1.0)) for i in range(count)]
              for page, count in {1: 5, 2: 1, 4: 3, 5: 4, 7: 2, 8: 5}.items()}
    for groups in (1, 2, 3, 4, 10):
        runs = page_groups(wanted, groups)
        assert [p for run in runs for p in run] == sorted(wanted)  # every page once, in order
        assert 1 <= len(runs) <= min(groups, len(wanted))
        if groups == 2:
            assert [sum(len(v) for v in run.values()) for run in runs] == [9, 11]
    assert page_groups({}, 2) == []


def test_auto_jobs_one_core_or_small_work_is_one_worker():
    assert auto_jobs(57, PAGES_PER_WORKER, cores=1) == 1
    assert auto_jobs(57, PAGES_PER_WORKER, cores=2) == 2
    assert auto_jobs(57, PAGES_PER_WORKER, cores=64) == min(57 // PAGES_PER_WORKER, AUTO_MAX_WORKERS)
    assert auto_jobs(400, PAGES_PER_WORKER, cores=64) == AUTO_MAX_WORKERS == 4  # not 50 workers
    assert auto_jobs(PAGES_PER_WORKER - 1, PAGES_PER_WORKER, cores=4) == 1
    assert auto_jobs(0, PIECES_PER_WORKER, cores=4) == 1
    assert 1 <= usable_cores() <= (os.cpu_count() or 1)


def test_every_action_of_a_pdf_gets_its_row_image(slice_plan, scanned_slice):
    for result in (slice_plan, scanned_slice):
        images = source_row_images(result)
        assert set(images) == {a.id for a in result.plan.all_actions()}
        assert all(len(uris) == 1 for uris in images.values())
        page = render_report(result.plan, images)
        assert len(IMG.findall(page)) == len(images)
        assert render_report(result.plan, source_row_images(result)) == page  # deterministic


def test_no_images_leaves_them_out_and_sizes(tmp_path, slice_pdf, slice_plan):
    runner = CliRunner()
    for flag, folder in (([], "with"), (["--no-images"], "without")):
        result = runner.invoke(app, ["convert", str(slice_pdf), "-o", str(tmp_path / folder), "-q", *flag])
        assert result.exit_code == 0, result.output
    with_images = (tmp_path / "with" / "report.html").read_text(encoding="utf-8")
    without = (tmp_path / "without" / "report.html").read_text(encoding="utf-8")
    assert len(IMG.findall(with_images)) == len(slice_plan.plan.all_actions())
    assert "<img" not in without and "page-images" not in without.split("</style>", 1)[1]
    actions = len(slice_plan.plan.all_actions())
    growth = (len(with_images) - len(without)) / actions
    print(f"report.html {len(without) / 1024:.0f} KiB without images, {len(with_images) / 1024:.0f} KiB with "
          f"({actions} actions, {growth / 1024:.1f} KiB per action)")
    assert growth < 20_000  # light: a strip of a few kB per action


# ---- in the browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: the report test needs Debian's chromium (scripts/setup.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_report_shows_loaded_row_images_in_chromium(browser, tmp_path, scanned_slice, broken_row_pdf):
    from helpers import ROOT

    for name, result in (("scanned", scanned_slice), ("broken-row", convert([broken_row_pdf]))):
        path = tmp_path / f"{name}.html"
        path.write_text(render_report(result.plan, source_row_images(result)), encoding="utf-8")
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path.as_uri())
        per_action = page.locator("[data-action]").evaluate_all(
            """els => els.map(e => [e.dataset.action,
                 Array.from(e.querySelectorAll('img.page-image')).map(i => i.complete ? i.naturalWidth : 0)])""")
        widths = dict(per_action)
        assert set(widths) == {a.id for a in result.plan.all_actions()}
        for action in result.plan.all_actions():
            assert len(widths[action.id]) == len(action.provenance.pages), action.id
            assert all(w > 0 for w in widths[action.id]), (action.id, widths[action.id])
        if name == "broken-row":
            broken = next(a for a in result.plan.all_actions() if a.numero == 4)
            assert len(widths[broken.id]) == 2
            entry = page.locator(f'[data-action="{broken.id}"]')
            entry.evaluate("e => { for (let d = e; d; d = d.parentElement) if (d.tagName === 'DETAILS') d.open = true; }")
            assert entry.locator("img.page-image").nth(1).is_visible()
            (ROOT / "tests" / "artifacts").mkdir(parents=True, exist_ok=True)
            entry.screenshot(path=str(ROOT / "tests" / "artifacts" / "report-row-images.png"))
        assert not errors, errors
        page.close()
