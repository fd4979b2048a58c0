"""report.html, the review page: escaping, placement of corrections/anomalies, the crosswalk,
the CLI wiring — and, in Debian's headless Chromium, the tree and the search filter."""

from __future__ import annotations

import dataclasses
import gc
import html
import json
import os
import re
import shutil
import subprocess
import weakref
from pathlib import Path

import pytest
from helpers import RAW, ROOT
from typer.testing import CliRunner

from pgt.cli import app
from pgt.pipeline import convert
from pgt.schema import Anomaly, Correction, Plan
from pgt.settings.text import search_key
from pgt.write.report import TEMPLATE, _environment, build_report, editing_data, render_report, roman

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path(os.environ.get("PGT_CHROMIUM", "/usr/bin/chromium"))
# Debian's chromium, offline: no first-run, sync, component or QUIC traffic.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

HEADER = ("ACTIONS\tOO\tPORTEUR DE PROJETS\tPUBLIC VISE\tECHEANCES DE REALISATION CALENDRIER\tPARTENAIRES\t"
          "HUMAINS\tTECHNIQUES\tFINANCIERS\tINDICATEURS EVALUATION")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def tiny_detail(body: str) -> str:
    return ("THEMATIQUE PETITE ENFANCE\n\nAXE STRATEGIQUE I\nTitre de l'axe\n\nOBJECTIF INTERMEDIAIRE 1\n"
            f"Titre de l'OI\n\nOBJECTIFS OPERATIONNELS\t1\tOO1. Premier OO\t\t\n{HEADER}\n{body}\n")


def test_source_text_is_escaped(tmp_path):
    # The reader strips export tags then decodes entities, so text that a document prints as
    # "<script>" arrives entity-encoded in the export and reaches the plan as a literal tag.
    encoded = html.escape(HOSTILE, quote=False)
    path = tmp_path / "hostile.txt"
    path.write_text(tiny_detail(f"1. Action {encoded}\t1\tRPE \"quoted\" & co\tfamilles\t2022-2024\t{encoded}\t\t\t\t"),
                    encoding="utf-8")
    plan = convert([path]).plan
    action = plan.all_actions()[0]
    assert HOSTILE in action.titre and HOSTILE in action.provenance.cells[0]
    page = render_report(plan)
    assert HOSTILE not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "RPE &#34;quoted&#34; &amp; co" in page
    # the page's own scripts (filter, editing…), nothing from the source
    template = (ROOT / "write" / "templates" / "report.html.j2").read_text(encoding="utf-8")
    assert page.count("<script") == template.count("<script")


def test_raw_report_is_deterministic_and_self_contained(raw_plan):
    html = render_report(raw_plan)
    assert html == render_report(raw_plan)
    assert html.count('data-action="') == len(raw_plan.all_actions())
    # opens from disk with no network: no external stylesheet, script, font or image
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    for document in raw_plan.documents:
        assert document.sha256 in html


def test_every_anomaly_and_correction_has_a_place(raw_plan):
    report = build_report(raw_plan)
    on_actions = sum(v.n_anomalies for t in report.thematiques for ax in t.axes for oi in ax.ois
                     for g in oi.groups for v in g.actions)
    on_fiches = sum(len(row.marks.anomalies) for row in report.crosswalk)
    on_nodes = sum(len(m.anomalies) for t in report.thematiques for ax in t.axes
                   for m in [ax.marks] + [oi.marks for oi in ax.ois] + [g.marks for oi in ax.ois for g in oi.groups])
    assert on_actions + on_fiches + on_nodes + len(report.unplaced_anomalies) == len(raw_plan.anomalies)
    assert on_actions > 0
    in_place = sum(v.n_corrections for t in report.thematiques for ax in t.axes for oi in ax.ois
                   for g in oi.groups for v in g.actions)
    in_place += sum(len(row.marks.corrections) + len(row.link_corrections) for row in report.crosswalk)
    in_place += sum(len(m.corrections) for t in report.thematiques for ax in t.axes
                    for m in [ax.marks] + [oi.marks for oi in ax.ois] + [g.marks for oi in ax.ois for g in oi.groups])
    assert in_place + len(report.header_corrections) + len(report.other_corrections) == len(raw_plan.corrections)


def with_crosswalk_and_corrections(plan: Plan) -> Plan:
    """The raw plan with a known crosswalk (one link each way) and known corrections, whatever
    the normalizers already did: their links and corrections are cleared first."""
    plan = plan.model_copy(deep=True)
    plan.corrections = []
    for fiche in plan.fiches:
        fiche.action_id = None
    for action in plan.all_actions():
        action.fiche_priorisation = None
    first = plan.all_actions()[0]
    fiche = next(f for f in plan.fiches if f.thematique == first.id.split("-")[0] and f.numero == first.numero)
    fiche.action_id = first.id
    with_offres = next(a for a in plan.thematique("enfance").all_actions() if a.offres)
    enfance_fiche = next(f for f in plan.fiches if f.thematique == "enfance" and f.numero)
    with_offres.fiche_priorisation = enfance_fiche.numero
    plan.corrections.append(Correction(record_id=first.id, field="porteur", before="RAM Mont de Mersan",
                                       after=first.porteur, rule="typo"))
    plan.corrections.append(Correction(record_id=f"{with_offres.id}-o1", field="libelle", before="CLAS <b>",
                                       after="CLAS", rule="markup"))
    plan.anomalies.append(Anomaly(code="test", message="on the offer", record_id=f"{with_offres.id}-o1"))
    # the ids the normalizers log for the hierarchy's nodes and for fiches
    oi = plan.thematique("enfance").axes[2].objectifs_intermediaires[1]
    node = f"enfance-3-{oi.numero}"
    plan.corrections.append(Correction(record_id=f"{node}-oo{oi.objectifs_operationnels[0].numero}", field="titre",
                                       before="Acompagner", after="Accompagner", rule="typo"))
    plan.corrections.append(Correction(record_id=fiche.id, field="action_id", before=None, after=first.id,
                                       rule="crosswalk"))
    plan.anomalies.append(Anomaly(code="test_node", message="OI only in the summary", severity="info",
                                  record_id=node))
    return Plan.model_validate(plan.model_dump())


def test_corrections_and_crosswalk_shown_in_place(raw_plan):
    plan = with_crosswalk_and_corrections(raw_plan)
    report = build_report(plan)
    views = {v.action.id: v for t in report.thematiques for ax in t.axes for oi in ax.ois
             for g in oi.groups for v in g.actions}
    first = plan.all_actions()[0]
    porteur = next(f for f in views[first.id].fields if f.name == "porteur")
    assert [c.before for c in porteur.corrections] == ["RAM Mont de Mersan"]
    linked = next(v for v in views.values() if v.action.fiche_priorisation)
    assert linked.n_corrections == 1 and "test" in [a.code for a in linked.offres[0].anomalies]
    assert views[first.id].fiche is not None and linked.fiche is not None
    assert linked.fiche.numero == linked.action.fiche_priorisation
    assert report.n_matched_fiches == 2
    assert len(report.unmatched_actions) == len(plan.all_actions()) - 2
    oi = report.thematiques[1].axes[2].ois[1]
    assert "test_node" in [a.code for a in oi.marks.anomalies]
    assert [c.before for g in oi.groups for c in g.marks.corrections] == ["Acompagner"]
    # the crosswalk's own correction is the row's link, not repeated under the title
    assert [c.field for row in report.crosswalk for c in row.link_corrections] == ["action_id"]
    assert not [c for row in report.crosswalk for c in row.marks.corrections]
    assert not report.other_corrections and not report.header_corrections
    html = render_report(plan)
    assert "<del>RAM Mont de Mersan</del>" in html and "<del>CLAS &lt;b&gt;</del>" in html
    assert html.count('<tr class="unmatched">') == len(plan.fiches) - 2 + len(plan.all_actions()) - 2


def test_report_of_one_document_alone(detail_plan):
    html = render_report(detail_plan)
    assert "No priorisation (summary) document was read" in html
    assert html.count('data-action="') == len(detail_plan.all_actions())


def test_helpers():
    assert [roman(n) for n in (1, 4, 6, 9)] == ["I", "IV", "VI", "IX"]
    assert search_key("  Échéances  DU CLAS ") == "echeances du clas"
    assert search_key("l'accueil (CLAS), Cœur") == "l accueil clas coeur"


FOLD_SAMPLES = ["  Échéances  DU CLAS ", "l’accueil (CLAS), Cœur", "ÆSOP Straße Øre Łódź Đà",
                "ﬁnance n° 2² İzmir"]


@pytest.mark.skipif(shutil.which("node") is None, reason="no node to run the page's script")
def test_page_search_folds_a_query_as_python_folds_the_actions(detail_plan, tmp_path):
    """Bug: the page's script folded œ/æ by hand and missed the other ligatures (ß, ø, ł…)
    and the compatibility forms (ﬁ, ²) that the Python fold of the actions' text spells out."""
    page = render_report(detail_plan)
    script = "\n".join(re.findall(r"^  var (?:ligatures|fold) = .*$", page, flags=re.M))
    program = tmp_path / "fold.js"
    program.write_text(f"{script}\nconsole.log(JSON.stringify({json.dumps(FOLD_SAMPLES)}.map(fold)));\n",
                       encoding="utf-8")
    result = subprocess.run(["node", str(program)], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == [search_key(s) for s in FOLD_SAMPLES]
    assert search_key(FOLD_SAMPLES[2]) == "aesop strasse ore lodz da"


def test_convert_writes_report_unless_told_not_to(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["convert", str(RAW), "-o", str(tmp_path / "with"), "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "with" / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = runner.invoke(app, ["convert", str(RAW), "-o", str(tmp_path / "without"), "-q", "--no-report"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "without" / "report.html").exists()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: the report test needs Debian's chromium "
                    f"(apt-get install chromium, done by scripts/setup.sh); PGT_CHROMIUM may point elsewhere")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_report_in_chromium(browser, raw_plan, tmp_path):
    path = tmp_path / "report.html"
    path.write_text(render_report(raw_plan), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())

    # the tree lists every action, once
    total = len(raw_plan.all_actions())
    entries = page.locator("[data-action]")
    assert entries.count() == total
    assert sorted(entries.evaluate_all("els => els.map(e => e.dataset.action)")) == sorted(
        a.id for a in raw_plan.all_actions())
    assert page.locator("#shown").inner_text() == f"{total} / {total} actions"

    # typing filters: only actions containing CLAS stay, and they are opened up to be seen
    page.fill("#q", "CLAS")
    shown = page.locator("[data-action]:not([hidden])")
    texts = shown.evaluate_all("els => els.map(e => e.dataset.text)")
    assert 0 < len(texts) < total and all(" clas" in f" {t}" for t in texts)
    expected = [a.id for a in raw_plan.all_actions() if " clas" in f" {plain_text(a)}"]
    assert sorted(shown.evaluate_all("els => els.map(e => e.dataset.action)")) == sorted(expected)
    assert all(shown.nth(i).is_visible() for i in range(shown.count()))
    assert page.locator("#shown").inner_text() == f"{len(texts)} / {total} actions"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-search-clas.png"))

    # accents, case and ligatures do not matter, as in Python's folding
    page.fill("#q", "Atout cœur")
    with_accents = page.locator("[data-action]:not([hidden])").count()
    page.fill("#q", "atout COEUR")
    assert page.locator("[data-action]:not([hidden])").count() == with_accents > 0

    # porteur and year narrow further; clearing everything brings every action back
    page.fill("#q-porteur", "zzz-nobody")
    assert page.locator("[data-action]:not([hidden])").count() == 0
    page.fill("#q-porteur", "")
    page.fill("#q", "")
    year = page.locator("#q-year option").nth(1).get_attribute("value") or page.locator("#q-year option").nth(1).inner_text()
    page.select_option("#q-year", year)
    by_year = page.locator("[data-action]:not([hidden])").evaluate_all("els => els.map(e => e.dataset.years)")
    assert by_year and all(year in y.split() for y in by_year)
    page.select_option("#q-year", "")
    assert page.locator("[data-action]:not([hidden])").count() == total
    page.select_option("#q-show", "error warning")
    flags = page.locator("[data-action]:not([hidden])").evaluate_all("els => els.map(e => e.dataset.flags)")
    assert 0 < len(flags) < total and all({"error", "warning"} & set(f.split()) for f in flags)
    page.select_option("#q-show", "")

    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)

    # printed, every entry is expanded and the controls are gone
    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()
    assert page.locator(".abody").last.is_visible() and page.locator("details.oi").last.locator(".oo").first.is_visible()
    page.emulate_media(media="screen")
    assert not page.locator(".abody").last.is_visible()
    assert not errors, errors
    assert all(url.startswith("file://") for url in requests), requests
    page.close()


def plain_text(action) -> str:
    """Every value of an action and its offers (not the source cells), folded: what a search sees."""
    data = action.model_dump(exclude={"provenance": True, "offres": {"__all__": {"provenance"}}})

    def values(node: object) -> list[str]:
        if isinstance(node, dict):
            return [v for item in node.values() for v in values(item)]
        if isinstance(node, list):
            return [v for item in node for v in values(item)]
        return [] if node is None else [str(node)]

    return search_key(" ".join(values(data)))


def test_action_entries_are_what_the_macros_wrote(raw_plan):
    """The action entries, the marks of the tree's nodes and the crosswalk's rows are written in
    Python (the macros were most of a large page's time): byte for byte what the template's
    macros wrote (tests/report_macros_before.j2),
    on every action of raw/ and on awkward values (markup in the text, no number, a year
    range, an empty offer, pictures over two pages, anomalies with cells, ∅ corrections)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from pgt.write.report import (_e, _replaced, action_entry, crosswalk_row, editable, node_badges, node_marks,
                                  plural, roman, unmatched_row, where)
    from markupsafe import Markup, escape

    plan = raw_plan.model_copy(deep=True)
    actions = plan.all_actions()
    actions[0].titre, actions[0].numero, actions[0].porteur = "<b>l'accueil</b> & \"co\"", None, None
    actions[1].annee_debut, actions[1].annee_fin = 2023, 2026
    actions[2].annee_debut, actions[2].annee_fin = None, 2025
    for field in ("porteur", "moyens_humains", "parcours", "indicateurs"):
        setattr(next(a for a in actions if a.offres).offres[0], field, None if field != "indicateurs" else [])
    plan.anomalies.append(Anomaly(code="odd", severity="warning", message="a <cell> & more", record_id=actions[0].id,
                                  cells=["x < y", ""], document="d.txt", line=3))
    plan.corrections.append(Correction(record_id=actions[0].id, field="statut", before=None, after="<new>",
                                       rule="r&d"))
    plan.corrections.append(Correction(record_id=actions[1].id, field="titre", before="a'b", after=None, rule="r"))
    with_offres = next(a for a in actions if a.offres)
    plan.corrections.append(Correction(record_id=f"{with_offres.id}-o1", field="libelle", before="CLAS <b>",
                                       after="CLAS", rule="markup"))  # on an offer, with an anomaly
    plan.anomalies.append(Anomaly(code="o", severity="info", message="m", record_id=f"{with_offres.id}-o1"))
    node = f"{plan.thematiques[0].code}-{plan.thematiques[0].axes[0].numero}"
    plan.corrections.append(Correction(record_id=node, field="titre", before="<x>", after="y", rule="r"))
    plan.anomalies.append(Anomaly(code="n", severity="error", message="on a node", record_id=node, cells=["c"]))
    plan.fiches[0].titre, plan.fiches[0].match_confidence, plan.fiches[0].axe = "Fiche <1> & 'co'", 0.875, None
    plan.fiches[0].action_id = actions[5].id
    plan.fiches[1].numero, plan.fiches[1].oi, plan.fiches[1].oo = None, None, [1, 3]
    plan.corrections.append(Correction(record_id=plan.fiches[2].id, field="titre", before="a", after="b", rule="t"))
    plan.corrections.append(Correction(record_id=plan.fiches[0].id, field="action_id", before=None,
                                       after=actions[5].id, rule="crosswalk"))
    images = {actions[0].id: ["data:image/webp;base64,AAA=", "data:x"], actions[3].id: ["data:y"]}
    actions[0].provenance.pages = [4]
    environment = Environment(loader=FileSystemLoader(ROOT / "tests"), autoescape=True, undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    environment.filters.update(where=where, plural=plural, roman=roman)
    environment.globals["editable"] = editable
    macros = environment.get_template("report_macros_before.j2").module
    report = build_report(plan, images)
    views = [v for t in report.thematiques for ax in t.axes for oi in ax.ois for g in oi.groups for v in g.actions]
    assert len(views) == len(actions) and any(v.images for v in views) and any(v.corrections for v in views)
    assert any(o.corrections and o.anomalies for v in views for o in v.offres)
    for view in views:
        assert str(action_entry(view)) == str(macros.action_entry(view)), view.action.id
    marks = [m for t in report.thematiques for ax in t.axes
             for m in [ax.marks, *(oi.marks for oi in ax.ois), *(g.marks for oi in ax.ois for g in oi.groups)]]
    marks += [row.marks for row in report.crosswalk]
    assert any(m.corrections and m.anomalies for m in marks) and report.unmatched_actions
    for m in marks:
        assert str(node_marks(m)) == str(macros.node_marks(m)) and str(node_badges(m)) == str(macros.node_badges(m))
    assert any(row.link_corrections for row in report.crosswalk) and any(not row.action for row in report.crosswalk)
    for row in report.crosswalk:
        assert str(crosswalk_row(row)) == str(macros.crosswalk_row(row)), row.fiche.id
    for view in report.unmatched_actions:
        assert str(unmatched_row(view)) == str(macros.unmatched_row(view))
    for value in ["a<b>&'\"", "", 12, None, 1.5, Markup("<i>safe</i>"), "l’été &amp; <€>"]:
        assert _e(value) == str(escape(value))
        assert isinstance(value, Markup) or _replaced(str(value)) == str(escape(value))  # without markupsafe's C


def test_views_made_on_use_give_the_page_of_views_made_at_once(raw_plan):
    """The thématiques' and unmatched actions' views are made as the page goes through them
    (`MadeOnUse`: a large plan's views are never all held): the page is the one that views
    made at once give, and a thématique's views are let go once it is written."""
    lazy = build_report(raw_plan)
    eager = dataclasses.replace(lazy, thematiques=list(lazy.thematiques), unmatched_actions=list(lazy.unmatched_actions))
    page = "".join(_environment().get_template(TEMPLATE).generate(report=eager, plan=raw_plan, editing=editing_data([])))
    assert page == render_report(raw_plan)
    codes = [t.code for t in raw_plan.thematiques]
    assert len(lazy.thematiques) == len(codes) == 5 and bool(lazy.thematiques)
    assert [v.thematique.code for v in lazy.thematiques] == codes
    assert lazy.thematiques[1].thematique is raw_plan.thematiques[1] and lazy.thematiques[-1].thematique.code == codes[-1]
    assert [v.thematique.code for v in lazy.thematiques[1:3]] == codes[1:3]
    with pytest.raises(IndexError):
        lazy.thematiques[len(codes)]
    first, again = lazy.thematiques[0], lazy.thematiques[0]
    assert first is not again and first == again  # made anew each time, the same
    views = iter(lazy.thematiques)
    gone = weakref.ref(next(views))
    next(views)
    gc.collect()
    assert gone() is None  # the first thématique's views, once gone through, are not held
    unmatched = list(lazy.unmatched_actions)
    assert len(lazy.unmatched_actions) == len(unmatched) == 12
    assert {v.action.id for v in unmatched} == {v.action.id for v in eager.unmatched_actions}
    assert not build_report(raw_plan.model_copy(update={"thematiques": []})).thematiques
