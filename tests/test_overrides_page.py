"""The review page's editing loop, in Debian's headless Chromium: edit fields in place,
download pgt-overrides.csv (a Blob from a file:// page), run `pgt convert` again with it,
find the new values in the CSV tables — and remove an applied override the same way."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from cli_run import run_pgt
from override_docs import write_plan
from test_report import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

from pgt.normalize.overrides import read_overrides
from pgt.write.report import render_report


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def downloaded_rows(path: Path) -> list[tuple[str, str, str, str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")  # Excel opens the accents right
    return [(r["record_id"], r["field"], r["value"], r["note"]) for r in csv.DictReader(io.StringIO(text[1:]))]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: the page test needs Debian's chromium (scripts/setup.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_report(browser, path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    return page, errors, requests


def cell(page, record_id: str, field: str):
    return page.locator(f'[data-edit-record="{record_id}"][data-edit-field="{field}"]')


def edit(page, record_id: str, field: str, value: str, note: str = "") -> None:
    # the link the crosswalk uses opens the folds around the record: an action, or an offer's row
    anchor = record_id if re.search(r"-o\d+$", record_id) else f"a-{record_id}"
    page.evaluate("id => { location.hash = '#' + id; }", anchor)
    target = cell(page, record_id, field)
    target.click()
    target.locator(".editor textarea").fill(value)
    if note:
        target.locator(".editor input.note").fill(note)
    target.locator(".editor button.keep").click()


def download(page, path: Path) -> Path:
    with page.expect_download() as info:
        page.click("#overrides-download")
    assert info.value.suggested_filename == "pgt-overrides.csv"
    info.value.save_as(str(path))
    return path


def test_edit_download_rerun_loop(browser, tmp_path):
    docs = write_plan(tmp_path / "docs")
    fixes = tmp_path / "fixes.csv"
    fixes.write_text("record_id,field,value,note\n"
                     "enfance-1-2-3-o1,libelle,Séjour en forêt des Landes,name of the stay\n"
                     "enfance-1-9-3,porteur,ONF,\n", encoding="utf-8")
    first = run_pgt("convert", docs, "--overrides", fixes, "-o", tmp_path / "out1", "-q")
    assert first.returncode == 0, first.stderr
    page, errors, requests = open_report(browser, tmp_path / "out1" / "report.html")

    # the overrides already applied are listed with what became of them, the applied one marked in place
    statuses = page.locator("#overrides-rows .ostatus").all_inner_texts()
    assert [s.lower() for s in statuses] == ["applied", "orphan"]
    assert "overridden" in (cell(page, "enfance-1-2-3-o1", "libelle").get_attribute("class") or "")
    assert page.locator("#edit-count").inner_text() == "0 edits · 2/2 overrides kept"

    # outside edit mode a click edits nothing
    page.evaluate("location.hash = '#a-jeunesse-2-3-4'")
    cell(page, "jeunesse-2-3-4", "porteur").click()
    assert page.locator(".editor").count() == 0

    # edit mode: the porteur of an action, an empty field of an offer; the orphan is removed
    page.check("#edit-mode")
    edit(page, "jeunesse-2-3-4", "porteur", "Bureau Information Jeunesse", note="misread in the scan")
    assert cell(page, "jeunesse-2-3-4", "porteur").locator(".edit-new").inner_text() == "✎ Bureau Information Jeunesse"
    # an empty field of an offer, from the keyboard: focus, Enter, type, Ctrl+Enter
    page.evaluate("location.hash = '#enfance-1-2-3-o2'")
    cell(page, "enfance-1-2-3-o2", "moyens_techniques").focus()
    page.keyboard.press("Enter")
    page.keyboard.type("outils de jardinage, graines")
    page.keyboard.press("Control+Enter")
    assert cell(page, "enfance-1-2-3-o2", "moyens_techniques").locator(".editor").count() == 0
    page.locator("#overrides-rows tr", has_text="enfance-1-9-3").locator("button").click()
    assert page.locator("#edit-count").inner_text() == "2 edits · 1/2 overrides kept"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#overrides").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "report-overrides.png"))

    # downloaded beside the documents, the file is found there by the next run
    saved = download(page, docs / "pgt-overrides.csv")
    assert downloaded_rows(saved) == [
        ("enfance-1-2-3-o1", "libelle", "Séjour en forêt des Landes", "name of the stay"),
        ("jeunesse-2-3-4", "porteur", "Bureau Information Jeunesse", "misread in the scan"),
        ("enfance-1-2-3-o2", "moyens_techniques", "outils de jardinage, graines", ""),
    ]
    # for Excel in a French locale: the same lines, `;`-separated, read back alike
    page.check("#overrides-excel")
    excel = download(page, tmp_path / "excel.csv")
    assert excel.read_bytes().decode("utf-8").splitlines()[0] == "\ufeffrecord_id;field;value;note"
    assert [(o.record_id, o.field, o.value, o.note or "") for o in read_overrides(excel)] == downloaded_rows(saved)
    assert not errors, errors
    assert all(url.startswith(("file://", "blob:")) for url in requests), requests
    page.close()

    second = run_pgt("convert", docs, "-o", tmp_path / "out2")
    assert second.returncode == 0, second.stderr
    assert "pgt-overrides.csv (found beside the documents): 3 applied" in second.stdout
    actions = {r["id"]: r for r in table(tmp_path / "out2" / "actions.csv")}
    offres = {r["id"]: r for r in table(tmp_path / "out2" / "offres.csv")}
    assert actions["jeunesse-2-3-4"]["porteur"] == "Bureau Information Jeunesse"
    assert offres["enfance-1-2-3-o2"]["moyens_techniques"] == "outils de jardinage, graines"
    assert offres["enfance-1-2-3-o1"]["libelle"] == "Séjour en forêt des Landes"
    overrides = [(r["record_id"], r["field"], r["before"], r["after"], r["note"])
                 for r in table(tmp_path / "out2" / "corrections.csv") if r["rule"] == "override"]
    assert overrides == [
        ("enfance-1-2-3-o1", "libelle", "Séjour en forêt landaise", "Séjour en forêt des Landes", "name of the stay"),
        ("jeunesse-2-3-4", "porteur", "Point Information Jeunesse de Tartas", "Bureau Information Jeunesse",
         "misread in the scan"),
        ("enfance-1-2-3-o2", "moyens_techniques", "", "outils de jardinage, graines", ""),
    ]
    assert not [r for r in table(tmp_path / "out2" / "anomalies.csv") if r["code"].startswith("override")]

    # the new page marks the three; removing one and downloading again gives the source value back
    page, errors, _ = open_report(browser, tmp_path / "out2" / "report.html")
    assert [s.lower() for s in page.locator("#overrides-rows .ostatus").all_inner_texts()] == ["applied"] * 3
    assert "overridden" in (cell(page, "jeunesse-2-3-4", "porteur").get_attribute("class") or "")
    page.locator("#overrides-rows tr", has_text="jeunesse-2-3-4").locator("button").click()
    assert "override-removed" in (cell(page, "jeunesse-2-3-4", "porteur").get_attribute("class") or "")
    saved = download(page, docs / "pgt-overrides.csv")
    assert [r[:2] for r in downloaded_rows(saved)] == [("enfance-1-2-3-o1", "libelle"),
                                                        ("enfance-1-2-3-o2", "moyens_techniques")]
    assert not errors, errors
    page.close()
    third = run_pgt("convert", docs, "-o", tmp_path / "out3", "-q")
    assert third.returncode == 0, third.stderr
    actions = {r["id"]: r for r in table(tmp_path / "out3" / "actions.csv")}
    assert actions["jeunesse-2-3-4"]["porteur"] == "Point Information Jeunesse de Tartas"


def test_edits_are_text_never_markup(browser, tmp_path):
    """A value typed (or read from the overrides file) is shown and written as text."""
    from pgt.normalize.overrides import Override

    docs = write_plan(tmp_path / "docs", enfance=False)
    result = run_pgt("convert", docs, "-o", tmp_path / "out", "-q")
    assert result.returncode == 0, result.stderr
    from pgt.pipeline import convert

    plan = convert([docs]).plan
    hostile = '<img src=x onerror="window.hacked=1">'
    line = Override("jeunesse-2-3-5", "porteur", hostile, "</script><b>x</b>", "fixes.csv", 2)
    path = tmp_path / "report.html"
    path.write_text(render_report(plan, overrides=[(line, "applied", "")]), encoding="utf-8")
    page, errors, _ = open_report(browser, path)
    page.check("#edit-mode")
    edit(page, "jeunesse-2-3-4", "public_vise", '<b onmouseover="window.hacked=1">jeunes</b>')
    page.locator("#overrides").scroll_into_view_if_needed()
    assert page.evaluate("window.hacked") is None
    assert page.locator("#overrides-rows img, #overrides-rows b, .edit-new b, .edit-new img").count() == 0
    assert hostile in page.locator("#overrides-rows").inner_text()
    rows = downloaded_rows(download(page, tmp_path / "pgt-overrides.csv"))
    assert rows[0] == ("jeunesse-2-3-5", "porteur", hostile, "</script><b>x</b>")
    assert rows[1][2] == '<b onmouseover="window.hacked=1">jeunes</b>'
    assert not errors, errors
    page.close()
