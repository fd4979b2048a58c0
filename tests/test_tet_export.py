"""`pgt export tet`: the plan as the Territoires en Transitions import workbook, and back.

The real plan of raw/ (206 actions, 135 offers) and small plans built here (restricted
values, titles alike in one axis, a title over the platform's 300 characters, a plan with
no axes, fields of other plans) are exported, then read back by the spreadsheet reader:
same titles in the same places with the same fields, every difference a listed change.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from cli_run import assert_one_line_error, run_pgt
from helpers import SHARED

from pgt.pipeline import convert
from pgt.schema import (Action, Axe, ObjectifIntermediaire, ObjectifOperationnel, Offre, Plan, Provenance,
                        Thematique)
from pgt.structure.table import labelled_lines
from pgt.write.tet import SHEET, TEMPLATE, export_tet
from pgt.write.tet_rows import TITLE_MAX

CORPUS = SHARED / "corpus" / "plans-xlsx"
ACTION_FIELDS = ["numero", "titre", "porteur", "public_vise", "echeances", "annee_debut", "annee_fin", "partenaires",
                 "moyens_humains", "moyens_techniques", "moyens_financiers", "parcours", "indicateurs", "description",
                 "objectifs", "statut", "budget", "budget_texte", "territoire", "autres", "oo", "fiches_liees",
                 "fiche_priorisation"]
OFFRE_FIELDS = ["libelle", "porteur", "public_vise", "echeances", "annee_debut", "annee_fin", "partenaires",
                "moyens_humains", "moyens_techniques", "moyens_financiers", "parcours", "indicateurs", "description",
                "statut", "territoire", "autres"]


def book(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the template's extension validations
        return openpyxl.load_workbook(path)


def read_back(path: Path) -> Plan:
    return convert([path]).plan


def placed(plan: Plan) -> list[tuple[tuple[object, ...], Action]]:
    return [((t.code, t.titre, axe and axe.numero, axe and axe.titre, oi and oi.numero, oi and oi.titre), a)
            for t, axe, oi, a in plan.walk_actions()]


def differences(before: Plan, after: Plan) -> list[tuple[str, str, object, object]]:
    """(action id, what, before, after) for every place or field that differs."""
    out = []
    first, second = placed(before), placed(after)
    assert len(first) == len(second)
    for (place_a, a), (place_b, b) in zip(first, second):
        if place_a != place_b:
            out.append((a.id, "place", place_a, place_b))
        out += [(a.id, name, getattr(a, name), getattr(b, name)) for name in ACTION_FIELDS
                if getattr(a, name) != getattr(b, name)]
        if len(a.offres) != len(b.offres):
            out.append((a.id, "offres", len(a.offres), len(b.offres)))
        for rank, (oa, ob) in enumerate(zip(a.offres, b.offres), 1):
            out += [(f"{a.id}-o{rank}", name, getattr(oa, name), getattr(ob, name)) for name in OFFRE_FIELDS
                    if getattr(oa, name) != getattr(ob, name)]
    return out


def oo_titles(plan: Plan) -> dict[tuple[str, int, int, int], str | None]:
    """The titles of the objectifs opérationnels actions refer to."""
    out = {}
    for t, axe, oi, action in plan.walk_actions():
        if oi is not None:
            titles = {oo.numero: oo.titre for oo in oi.objectifs_operationnels}
            out.update({(t.code, axe.numero, oi.numero, n): titles.get(n) for n in action.oo})
    return out


# ---- the plan of raw/ ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def raw_export(raw_plan, tmp_path_factory):
    target = tmp_path_factory.mktemp("tet") / "plan-tet.xlsx"
    written = export_tet(raw_plan, target)
    return raw_plan, written, target


def test_header_rows_hints_and_sheets_are_the_templates(raw_export):
    _, _, target = raw_export
    ours, template = book(target), book(TEMPLATE)
    assert ours.sheetnames == template.sheetnames == ["Mode demploi", "Fichier dimport", "Listes déroulantes"]
    assert ours["Listes déroulantes"].sheet_state == "hidden"
    for row in (1, 2, 3, 4):  # group row, column names (trailing spaces included), hints
        assert [c.value for c in ours[SHEET][row]] == [c.value for c in template[SHEET][row]]
    assert [c.value for c in ours[SHEET][2]][:5] == ["Axe (x)", "Sous-axe (x.x)", "Sous-sous axe (x.x.x)",
                                                     "Titre de la fiche action", "Titre de la sous-action"]
    assert {str(r) for r in ours[SHEET].merged_cells.ranges} == {"H1:I1", "J1:P1"}


def test_one_row_per_action_and_per_offer_in_the_three_axis_levels(raw_export):
    _, written, target = raw_export
    assert (written.actions, written.offres, written.rows) == (206, 135, 341)
    sheet = book(target)[SHEET]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5, max_row=sheet.max_row)]
    rows = [r for r in rows if any(v is not None for v in r)]
    assert len(rows) == 341
    assert sum(1 for r in rows if r[3] and not r[4]) == 206 and sum(1 for r in rows if r[4]) == 135
    first = rows[0]  # the template's example row is gone: the plan's first action is there
    assert first[:3] == ["1. Petite enfance",
                         "1.1. Améliorer la répartition de l'offre d'accueil sur le territoire de MONT DE MARSAN "
                         "AGGLOMERATION",
                         "1.1.1. Conserver un taux de couverture de l'offre supérieur à la moyenne départementale"]
    assert first[3].startswith("1. Maintenir ou augmenter le nombre actuel de places")
    assert first[7] == "OO 1 : Pérenniser l'offre collective existante sur le territoire"  # Objectifs
    assert first[9] == "Direction Pôle Petite Enfance" and first[11] == "PMI, CAF des Landes, RPE"
    assert first[5] == "Public visé : - familles avec enfants de 2 mois 1/2 à 4 ans\nÉchéances : 2023-2026"
    assert (first[26].date(), first[27].date()) == (date(2023, 1, 1), date(2026, 12, 31))  # from the years
    assert {r[0] for r in rows} == {"1. Petite enfance", "2. Enfance (3-11 ans)",
                                    "3. Jeunesse et vie étudiante (12-30 ans)", "4. Cohésion sociale",
                                    "5. Parentalité"}
    assert all(len(r[3]) <= TITLE_MAX and (r[4] is None or len(r[4]) <= TITLE_MAX) for r in rows)
    assert all(r[24] is None and r[25] is None for r in rows)  # the plan states no Statut nor priority


def test_platform_checks_hold_and_each_change_is_listed(raw_export):
    _, written, target = raw_export
    sheet = book(target)[SHEET]
    actions = [(row[0].value, row[1].value, row[2].value, row[3].value) for row in sheet.iter_rows(min_row=5)
               if row[3].value and not row[4].value]
    axes = [(a, b, c, d.casefold()) for a, b, c, d in actions]
    assert len(set(axes)) == len(axes)  # no two actions alike in one axis
    by_code: dict[str, list[str]] = {}
    for note in written.notes:
        by_code.setdefault(note.code, []).append(note.record_id)
    assert len(by_code["title_disambiguated"]) == 2 and len(by_code["text_cut"]) == 5
    assert by_code["offre_named"] == ["enfance-3-2-72-o1", "enfance-3-4-79-o1"]
    cut = [d for *_, d in actions if d.endswith("…")]
    assert len(cut) == 5 and all(len(d) <= TITLE_MAX for d in cut)


def test_drop_down_lists_and_checks_reach_the_last_row(raw_export):
    _, _, target = raw_export
    sheet = book(target)[SHEET]
    checks = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    last = 5 + 341 - 1
    statut = checks[f"Y5:Y{last}"]
    assert statut.type == "list" and statut.formula1 == "'Listes déroulantes'!$C$2:$C$9"
    assert checks[f"Z5:Z{last}"].formula1 == "'Listes déroulantes'!$D$2:$D$4"
    assert checks[f"AA5:AB{last}"].type == "custom"  # dates: the template's check, carried down
    assert any(f"D15:E{last}" in key for key in checks)  # the 300-character title check
    assert sheet.cell(last, 4).has_style  # rows past the template's 199 styled like its own
    assert sheet["AA5"].number_format == "DD/MM/YYYY"


def test_round_trip_reads_every_title_in_its_place_with_its_fields(raw_export):
    plan, written, target = raw_export
    back = read_back(target)
    assert sum(1 for _ in back.walk_actions()) == 206
    assert sum(len(a.offres) for *_, a in back.walk_actions()) == 135
    renamed = {n.record_id for n in written.notes if n.code in ("title_disambiguated", "offre_named")}
    left = [d for d in differences(plan, back) if d[0] not in renamed]
    assert left == []
    for record_id, what, before, after in differences(plan, back):
        assert record_id in renamed
        assert (what, after) in (("titre", f"{before} (2)"), ("libelle", "Offre 1"))
    assert oo_titles(back) == oo_titles(plan)
    assert any(a.code == "thematique_axes" for a in back.anomalies)


# ---- small plans built here -----------------------------------------------------------------------
def _provenance() -> Provenance:
    return Provenance(document="plan.txt", line=1)


def _action(ident: str, titre: str, **fields: object) -> Action:
    return Action(id=ident, titre=titre, provenance=_provenance(), **fields)


def _plan(*thematiques: Thematique) -> Plan:
    return Plan(thematiques=list(thematiques))


def other_plan() -> Plan:
    """A plan with what raw/ does not have: a status of the platform's list and one not,
    a budget, dates, extra columns, a thématique without axes, titles alike in one axis."""
    long_title = "Organiser " + " ".join(f"une rencontre {n} des acteurs du territoire" for n in range(12))
    oi = ObjectifIntermediaire(numero=2, titre="Informer les familles",
                               objectifs_operationnels=[ObjectifOperationnel(numero=1, titre="Guichet unique"),
                                                        ObjectifOperationnel(numero=4, titre="Site internet")])
    oi.actions = [
        _action("acces_aux_droits-1-2-1", "Ouvrir un point d'accueil", numero=1, oo=[1, 4], statut="En cours",
                budget=12000.0, budget_texte="12 000 €", porteur="CCAS, Ville", moyens_techniques="Un local",
                territoire="Quartier nord", date_debut=date(2025, 3, 1), annee_debut=2025, annee_fin=2027,
                autres={"Financeurs": "CAF, Département", "Calendrier détaillé": "phase 1 : 2025\nphase 2 : 2026"},
                fiches_liees=[3, 5], fiche_priorisation=2,
                offres=[Offre(libelle="Permanences", porteur="CAF", provenance=_provenance(),
                              statut="Réalisé")]),
        _action("acces_aux_droits-1-2-a", "Former les agents", statut="Lancée", objectifs="Mieux orienter",
                description="Des sessions d'une journée.\nDeux par an."),
        _action("acces_aux_droits-1-2-b", "Former les agents", public_vise="Agents d'accueil"),
        _action("acces_aux_droits-1-2-c", long_title, indicateurs=["nombre de rencontres", "taux de présence"]),
    ]
    droits = Thematique(code="acces_aux_droits", titre="Accès aux droits",
                        axes=[Axe(numero=1, titre="Simplifier les démarches", objectifs_intermediaires=[oi])])
    sante = Thematique(code="sante", titre="Santé",
                       actions=[_action("sante-a", "Former les agents", moyens_humains="2 ETP",
                                        moyens_financiers="CPAM")])
    return _plan(droits, sante)


@pytest.fixture(scope="module")
def other_export(tmp_path_factory):
    plan = other_plan()
    target = tmp_path_factory.mktemp("tet-other") / "autre.xlsx"
    return plan, export_tet(plan, target), target


def test_restricted_values_only_when_the_plan_states_an_allowed_one(other_export):
    _, written, target = other_export
    sheet = book(target)[SHEET]
    by_title = {row[3].value: row for row in sheet.iter_rows(min_row=5) if row[3].value and not row[4].value}
    first = by_title["1. Ouvrir un point d'accueil"]
    assert first[24].value == "En cours" and first[23].value == 12000  # Statut, Budget (whole euros)
    assert (first[26].value.date(), first[27].value.date()) == (date(2025, 3, 1), date(2027, 12, 31))
    lancee = next(row for row in sheet.iter_rows(min_row=5) if row[3].value == "Former les agents")  # the first
    assert lancee[24].value is None and "Statut : Lancée" in lancee[5].value
    assert [n.record_id for n in written.notes if n.code == "value_not_allowed"] == ["acces_aux_droits-1-2-a"]
    offer = next(row for row in sheet.iter_rows(min_row=5) if row[4].value == "Permanences")
    assert offer[3].value == "1. Ouvrir un point d'accueil" and offer[24].value == "Réalisé"


def test_titles_alike_in_one_axis_told_apart_not_across_axes(other_export):
    _, written, target = other_export
    titles = [row[3].value for row in book(target)[SHEET].iter_rows(min_row=5) if row[3].value and not row[4].value]
    assert titles.count("Former les agents") == 2  # once in Accès aux droits' OI 1.1.2, once in Santé
    assert "Former les agents (2)" in titles
    assert [n.record_id for n in written.notes if n.code == "title_disambiguated"] == ["acces_aux_droits-1-2-b"]


def test_long_title_cut_for_the_platform_and_whole_again_when_read_back(other_export):
    plan, written, target = other_export
    cut = next(t for t in (row[3].value for row in book(target)[SHEET].iter_rows(min_row=5)) if t and t.endswith("…"))
    assert len(cut) <= TITLE_MAX and cut.startswith("Organiser une rencontre 0")
    back = read_back(target)
    long_title = next(a.titre for *_, a in plan.walk_actions() if a.id == "acces_aux_droits-1-2-c")
    assert any(a.titre == long_title for *_, a in back.walk_actions())
    assert [n.code for n in written.notes if n.record_id == "acces_aux_droits-1-2-c"] == ["text_cut"]


def test_other_plan_round_trip(other_export):
    plan, _, target = other_export
    back = read_back(target)
    assert [(t.code, t.titre) for t in back.thematiques] == [("acces_aux_droits", "Accès aux droits"),
                                                              ("sante", "Santé")]
    left = differences(plan, back)
    # the second title alike was told apart; dates the plan gave as years come back as the year's bounds
    assert left == [("acces_aux_droits-1-2-b", "titre", "Former les agents", "Former les agents (2)")]
    first = next(a for *_, a in back.walk_actions() if a.numero == 1)
    assert first.autres == {"Financeurs": "CAF, Département", "Calendrier détaillé": "phase 1 : 2025\nphase 2 : 2026"}
    assert (first.fiches_liees, first.fiche_priorisation, first.oo) == ([3, 5], 2, [1, 4])
    assert oo_titles(back) == oo_titles(plan)
    sante = next(t for t in back.thematiques if t.code == "sante")
    assert not sante.axes and sante.actions[0].moyens_humains == "2 ETP"  # an action under no axe stays so


def test_labelled_lines_of_a_free_text_cell():
    lead, blocks = labelled_lines("Deux sessions.\nPublic visé : agents\nd'accueil\nNote : à revoir", named=False)
    assert lead == ["Deux sessions."]
    assert [(b.label, b.field, b.lines) for b in blocks] == [("Public visé", "public_vise", ["agents", "d'accueil",
                                                                                             "Note : à revoir"])]
    _, named = labelled_lines("Financeurs 2024 : CAF\nle comité : se réunit", named=True)
    assert [(b.label, b.field) for b in named] == [("Financeurs 2024", None)]  # no field's spelling: a name
    assert named[0].lines == ["CAF", "le comité : se réunit"]  # a lower-case sentence is no label


def test_a_health_plan_on_the_platform_keeps_its_axes():
    """The reader's rule for thématique axes does not fire on a plan whose axes are not CTG
    domains (the platform's own test workbook, a Contrat Local de Santé)."""
    plan = read_back(CORPUS / "tet_complex_plan.xlsx")
    assert len(plan.thematiques) == 1 and plan.thematiques[0].axes
    assert not any(a.code == "thematique_axes" for a in plan.anomalies)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_the_export_and_its_ods_reads_back(other_export, tmp_path):
    plan, _, target = other_export
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                           "--convert-to", "ods", "--outdir", str(tmp_path), str(target)],
                          capture_output=True, text=True, timeout=180, check=False)
    ods = tmp_path / "autre.ods"
    assert ods.exists(), done.stderr
    back = read_back(ods)
    assert sorted(a.titre for *_, a in back.walk_actions()) == sorted(
        [*(a.titre for *_, a in plan.walk_actions() if a.id != "acces_aux_droits-1-2-b"), "Former les agents (2)"])


# ---- the command -----------------------------------------------------------------------------------
def test_command_writes_the_workbook_and_lists_its_changes(tmp_path):
    plan = other_plan()
    source = tmp_path / "out" / "plan.json"
    source.parent.mkdir()
    source.write_text(plan.model_dump_json(), encoding="utf-8")
    target = tmp_path / "plan-tet.xlsx"
    done = run_pgt("export", "tet", source.parent, "-o", target)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"{target}: 5 actions, 1 offers as sub-actions (6 rows); 3 changes for " \
                                          f"the platform's checks"
    assert "title_disambiguated acces_aux_droits-1-2-b" in done.stdout and done.stderr == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "plan-tet.xlsx"]  # no staging file left


def test_command_bad_input_is_one_line(tmp_path):
    assert_one_line_error(run_pgt("export", "tet", tmp_path / "absent", "-o", tmp_path / "x.xlsx"), 3, "absent")
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    source = tmp_path / "plan.json"
    source.write_text(other_plan().model_dump_json(), encoding="utf-8")
    assert_one_line_error(run_pgt("export", "tet", source, "-o", blocked / "x.xlsx"), 8, "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
