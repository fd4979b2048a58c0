"""Plans kept in spreadsheets (issue 12): the Territoires en Transitions workbooks of
`../shared/corpus/plans-xlsx/` (read in place, never copied), asserted on what their own test
suite expects (SOURCES.md), and plans the suite writes itself (workbooks, CSV in Excel's
French dialect, a Word table), scored against what was written.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from cli_run import assert_one_line_error, run_pgt
from helpers import RAW, SHARED
from sheet_fixtures import (csv_comma_utf8, csv_excel_french, docx_table, plan_spec, score, sparse, workbook_tet,
                            workbook_variant, workbook_with_columns, workbook_with_sections)
from typer.testing import CliRunner

import pgt.normalize
from pgt.accounting import audit, audit_ledger
from pgt.cli import app
from pgt.errors import ExitCode, PgtError, UnreadableInput
from pgt.extract import detect_format, read_document
from pgt.normalize.typos import RULE_EXPLICIT, RULE_NAME, RULE_WORD, fix_text
from pgt.pipeline import convert
from pgt.write.tables import ANOMALY_COLUMNS, anomaly_rows
from pgt.structure.table import is_record_table, read_amount, read_date
from pgt.write.report import render_report

CORPUS = SHARED / "corpus" / "plans-xlsx"
WORKBOOKS = sorted(p for p in CORPUS.glob("*") if p.suffix in (".xlsx", ".ods"))


def plan_of(name: str):
    return convert([CORPUS / name]).plan


def anomalies(plan, code: str):
    return [a for a in plan.anomalies if a.code == code]


@pytest.fixture(scope="module")
def complex_plan():
    return plan_of("tet_complex_plan.xlsx")


def test_the_corpus_is_there():
    assert len(WORKBOOKS) == 10, f"expected the ten workbooks of {CORPUS}"


# ---- the corpus, file by file ------------------------------------------------------------------
def test_complex_plan_29_actions_under_their_axes_and_objectives(complex_plan):
    thematique, = complex_plan.thematiques
    assert thematique.titre == "Contrat Local de Santé 2025-2030"  # the plan's title, above the header
    assert len(thematique.all_actions()) == 29 and not thematique.actions
    assert [(a.numero, a.titre) for a in thematique.axes][:2] == [
        (1, "COORDINATION DU CLS - AXE TRANSVERSAL"), (2, "ACCES AUX SOINS")]
    axe1 = thematique.axes[0]
    assert [(oi.numero, oi.titre) for oi in axe1.objectifs_intermediaires] == [
        (1, "Impulser une dynamique participative"),
        (2, "Garantir le dialogue et l'interconnaissance de chaque acteur du territoire"),
        (3, "Assurer l’évaluation du CLS")]
    assert [a.numero for a in complex_plan.all_actions()] == list(range(1, 30))
    # axes 3 to 5 print their "Objectif stratégique" in the Sous-sous axe column, Sous-axe empty:
    # the objectif moves up to be the OI (no untitled OI invented), reported once per objectif
    axe3 = thematique.axes[2]
    assert [(oi.numero, oi.titre, len(oi.actions)) for oi in axe3.objectifs_intermediaires][:2] == [
        (1, "Les publics précaires", 3), (2, "Le public jeune", 3)]
    assert not anomalies(complex_plan, "inferred_oi")
    promoted = anomalies(complex_plan, "level_promoted")
    assert len(promoted) == 10 and promoted[0].message.startswith("Fichier dimport!C13: 'Objectif stratégique 1.")


def test_complex_plan_first_action_as_the_platform_expects(complex_plan):
    first = complex_plan.all_actions()[0]
    assert first.titre == "Création d'un comité de suivi d'élus autour du CLS" and first.numero == 1
    assert first.budget == 5000000 and first.budget_texte == "5000000"
    assert first.date_debut == date(2025, 12, 1) and first.date_fin == date(2030, 9, 1)
    assert (first.annee_debut, first.annee_fin) == (2025, 2030)
    assert first.statut == "À venir" and first.porteur == "Contrat Local de Santé"
    assert first.autres["Niveau de priorité"] == "Élevé"
    financeurs = {k: v for k, v in first.autres.items() if k.startswith("Financeur") and "Montant" not in k}
    assert financeurs == {"Financeur 1": "John Doe", "Financeur 2": "Bernard", "Financeur 3": "François"}
    assert first.autres["Financeur 3 / Montant € HT"] == "666" and first.moyens_financiers == "BPI"
    assert first.objectifs.startswith("Objectif général : L’appropriation du Contrat Local de Santé")
    assert first.oo == [1]  # the Sous-sous axe column, an objectif opérationnel
    assert (first.provenance.sheet, first.provenance.cell) == ("Fichier dimport", "D4")


def test_complex_plan_date_serial_and_sheets_not_plan(complex_plan):
    second = complex_plan.all_actions()[1]
    assert second.date_fin == date(2030, 9, 1)  # the cell holds 47727, a plain number
    read = [c for c in complex_plan.corrections if c.rule == "date_read" and c.record_id == second.id]
    assert [(c.before, c.after) for c in read] == [("47727", "2030-09-01")]
    hints = anomalies(complex_plan, "hint_row")
    assert len(hints) == 1 and hints[0].row == 3 and "Champ texte\n(séparateur virgule)" in hints[0].cells
    listed = {a.message.split("'")[1] for a in anomalies(complex_plan, "sheet_not_plan")}
    assert listed == {"Mode demploi", "Listes déroulantes"}


def test_complex_plan_provenance_in_csv_json_and_review_page(complex_plan, tmp_path):
    result = CliRunner().invoke(app, ["convert", str(CORPUS / "tet_complex_plan.xlsx"), "-o", str(tmp_path / "out"),
                                      "-q"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "out" / "actions.csv").open(encoding="utf-8")))
    assert len(rows) == 29
    assert (rows[0]["source_sheet"], rows[0]["source_cell"], rows[0]["budget"]) == ("Fichier dimport", "D4", "5000000")
    assert rows[0]["date_debut"] == "2025-12-01" and rows[0]["statut"] == "À venir"
    plan = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    provenance = plan["thematiques"][0]["axes"][0]["objectifs_intermediaires"][0]["actions"][0]["provenance"]
    assert (provenance["sheet"], provenance["cell"]) == ("Fichier dimport", "D4")
    assert "tet_complex_plan.xlsx, Fichier dimport!D4" in render_report(complex_plan)


def test_plan_without_axes_46_actions_no_axe_invented():
    plan = plan_of("tet_plan_sans_axes.xlsx")
    thematique, = plan.thematiques
    assert thematique.axes == [] and len(thematique.actions) == 46
    assert not anomalies(plan, "inferred_axe")
    first = thematique.actions[0]
    assert (first.id, first.numero) == ("tet_plan_sans_axes-1", 1)
    assert first.titre == "Déroulement de l’Opération Programmée de l’Amélioration de l’Habitat Revitalisation Rurale OPAH-RR"
    assert first.porteur == "CCNS" and first.echeances.startswith("Réalisation entre 2022 et 2026")
    assert (first.annee_debut, first.annee_fin) == (2022, 2026)
    assert [a.numero for a in thematique.actions] == list(range(1, 47))


def test_plan_with_and_without_axe():
    plan = plan_of("tet_plan_with_fiche_with_and_without_axe.xlsx")
    placed = [(axe.titre if axe else None, oi.titre if oi else None) for _, axe, oi, _ in plan.walk_actions()]
    assert len(placed) == 46
    assert placed[0] == ("Axe 1", "Sous-Axe 1") and set(placed[1:]) == {(None, None)}


def test_sub_actions_stay_attached_to_their_action():
    plan = plan_of("tet_plan_with_sous_actions_valid.xlsx")
    actions = {a.titre: a for a in plan.all_actions()}
    assert sorted(actions) == ["Action 1", "Action 2", "Action 3", "Action normale"]
    action1 = actions["Action 1"]
    assert [(o.libelle, o.statut, o.date_fin, o.annee_fin) for o in action1.offres] == [
        ("Sous-action 1.1", "En cours", date(2025, 12, 31), 2025),
        ("Sous-action 1.2", "Réalisé", date(2026, 6, 30), 2026)]
    assert action1.offres[0].description == "Description sous-action 1.1"
    assert action1.offres[0].autres == {"Personne pilote": "Pilote SA1.1"}
    assert [o.libelle for o in actions["Action 3"].offres] == ["Sous-action 3.1"]
    assert not actions["Action normale"].offres and actions["Action normale"].description == "Description action normale"
    hints = anomalies(plan, "hint_row")
    assert [a.cells for a in hints] == [["Données"]]
    read = {(c.before, c.after) for c in plan.corrections if c.rule == "date_read"}
    assert ("31/12/2025", "2025-12-31") in read


def test_duplicate_titles_in_one_axe_both_kept_with_an_anomaly():
    plan = plan_of("tet_plan_with_duplicate_actions.xlsx")
    actions = plan.all_actions()
    assert [(a.titre, a.description) for a in actions] == [("Action dupliquée", "Description 1"),
                                                           ("Action dupliquée", "Description 2")]
    duplicate, = anomalies(plan, "duplicate_title")
    assert duplicate.severity == "warning" and "Plan!D4" in duplicate.message and "Plan!D5" in duplicate.message
    assert "axe 1" in duplicate.message and duplicate.row == 5


def test_budget_as_text_kept_with_an_anomaly():
    plan = plan_of("tet_plan_budget_issue.xlsx")
    by_title = {a.titre: a for a in plan.all_actions()}
    camera = by_title["Ajouter caméra de surveillance au parking à vélo 2040-2044"]
    assert camera.budget is None and camera.budget_texte == "Entre 200 et 500"
    issue, = anomalies(plan, "budget_not_a_number")
    assert issue.record_id == camera.id and "Plan daction!X4" in issue.message and issue.cells == ["Entre 200 et 500"]
    assert by_title["Arranger la piste cyclable 2040-2044"].budget == 500
    # a row declaring an axe with no action (`Axe 4 : …` alone) opens the axe; `4.1 : …` its OI 1
    axe4 = next(a for a in plan.thematiques[0].axes if a.numero == 4)
    assert axe4.titre == "Développer une culture vélo"
    assert [oi.numero for oi in axe4.objectifs_intermediaires][:2] == [1, 2]


def test_shifted_column_read_by_its_header_and_reported():
    plan = plan_of("tet_plan_column_order_issue.xlsx")
    (_, axe, oi, action), = plan.walk_actions()
    assert axe.titre == "COORDINATION DU CLS - AXE TRANSVERSAL"
    assert oi.titre == "Impulser une dynamique participative"  # column C, headed "Sous-axe (x.x)"
    assert action.oo == [] and action.statut == "À venir"
    order, = anomalies(plan, "column_order")
    assert 'column B is "Sous-sous axe (x.x.x)"' in order.message and '"Sous-axe (x.x)"' in order.message


@pytest.mark.parametrize("name", ["tet_modele-import-pa.xlsx", "tet_modele-import-pa.ods"])
def test_blank_template_reads_its_example_and_skips_guidance(name):
    plan = plan_of(name)
    action, = plan.all_actions()
    assert action.numero == 1 and action.titre.startswith("Assurer la coordination de la transition écologique")
    # the xlsx example fills "Titre de la sous-action" (with guidance text): its row is then a
    # sub-action of the action, whose fields it holds; the ODS leaves that cell empty
    holder = action.offres[0] if name.endswith(".xlsx") else action
    assert len(action.offres) == (1 if name.endswith(".xlsx") else 0)
    assert holder.budget == 124566 and holder.date_debut == date(2022, 11, 16) and holder.statut == "À venir"
    guidance = anomalies(plan, "hint_row")
    assert len(guidance) == 2  # the field types row and the guidance row
    assert any("Si vos axes sont numérotés" in c for c in guidance[1].cells)


def test_hidden_sheet_listed_with_a_reader_note():
    plan = plan_of("tet_modele-import-pa.xlsx")
    note, = [a for a in anomalies(plan, "reader_note") if "hidden" in a.message]
    assert "'Listes déroulantes' is hidden" in note.message
    hidden = anomalies(plan, "hidden_sheet")
    assert hidden and {c for a in hidden for c in a.cells} >= {"À venir", "Élevé", "Co-construction"}


def test_export_layout_without_rows_is_one_clear_line():
    result = run_pgt("convert", CORPUS / "tet_export_plan_action.xlsx", "-o", "/nonexistent/never-written")
    line = assert_one_line_error(result, ExitCode.NO_PLAN, "tet_export_plan_action.xlsx")
    assert "sheet 'Plan daction' (header at row 2) has no action row" in line


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_every_cell_of_every_workbook_placed_or_listed(path):
    try:
        result = convert([path])
    except Exception as error:  # noqa: BLE001 - only the empty export may refuse
        assert path.name == "tet_export_plan_action.xlsx", error
        return
    checked = audit(result.plan, result.documents)
    assert checked.holds, [c.text[:60] for c in checked.unaccounted]
    assert checked.total == sum(len(r.non_empty) for r in result.documents[0].rows)


# ---- plans the suite writes: held-out wording, scored ------------------------------------------
LAYOUTS = {
    "columns.xlsx": workbook_with_columns, "sections.xlsx": workbook_with_sections,
    "excel-fr.csv": csv_excel_french, "comma.csv": csv_comma_utf8, "table.docx": docx_table,
    **{f"variant-{seed}.xlsx": (lambda spec, path, seed=seed: workbook_variant(spec, path, seed)) for seed in range(4)},
}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sheets")
    spec = plan_spec(5)
    return spec, {name: writer(spec, folder / name) for name, writer in LAYOUTS.items()}


def test_held_out_tet_workbook_sparse_cells_scored(tmp_path):
    """A Territoires en Transitions workbook the suite writes, half of its cells empty: the
    target is ≥ 90 % of the fields (the workbook's cells are sparse)."""
    spec = sparse(plan_spec(8), seed=3)
    result = convert([workbook_tet(spec, tmp_path / "import.xlsx")])
    measured = score(result.plan, spec)
    assert measured.recall >= 0.97 and measured.precision >= 0.97, measured.misses[:5]
    assert measured.fields >= 0.90 and measured.years >= 0.95, measured.misses[:5]
    assert {a.code for a in result.plan.anomalies} >= {"hint_row", "sheet_not_plan", "group_header"}
    assert audit(result.plan, result.documents).holds


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_held_out_layouts_scored(written, layout):
    spec, paths = written
    result = convert([paths[layout]])
    measured = score(result.plan, spec)
    assert measured.recall >= 0.97 and measured.precision >= 0.97, measured.misses[:5]
    assert measured.fields >= 0.95, measured.misses[:5]
    assert measured.years >= 0.95, measured.misses[:5]
    assert audit(result.plan, result.documents).holds
    if layout.startswith("variant"):  # a Thématique column: one thématique per value, axes numbered as printed
        assert sorted(t.titre for t in result.plan.thematiques) == ["Solidarités", "Transition écologique"]


def test_ods_converted_by_libreoffice_reads_as_the_workbook(written, tmp_path):
    import shutil
    import subprocess

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed")
    spec, paths = written
    subprocess.run(["soffice", "--headless", "--convert-to", "ods", "--outdir", str(tmp_path), str(paths["columns.xlsx"])],
                   check=True, capture_output=True, timeout=120)
    ods = tmp_path / "columns.ods"
    assert detect_format(ods) == "ods"
    from_ods, from_xlsx = convert([ods]).plan, convert([paths["columns.xlsx"]]).plan
    strip = lambda plan: [(a.titre, a.porteur, a.budget, a.date_debut, a.date_fin, axe.numero if axe else None)  # noqa: E731
                          for _, axe, _, a in plan.walk_actions()]
    assert strip(from_ods) == strip(from_xlsx)  # merged axe cells resolved in both formats
    assert {c for a in anomalies(from_ods, "hidden_sheet") for c in a.cells} == {"À venir", "En cours", "Réalisé",
                                                                                  "En retard"}
    assert score(from_ods, spec).fields >= 0.95


def test_csv_in_excel_french_dialect(written):
    spec, paths = written
    document = read_document(paths["excel-fr.csv"])
    assert (document.format, document.encoding) == ("csv", "cp1252")
    assert any("delimiter ';'" in note for note in document.warnings)
    header, first, second = document.rows[:3]
    assert header.cells[2] == "Titre de l'action" and "\n" in first.cells[6]  # a multi-line cell, one cell
    assert (first.provenance.line, second.provenance.line) == (2, 4)  # the quoted cell spans two lines
    assert first.provenance.cell_refs[2] == "C2"
    plan = convert([paths["excel-fr.csv"]]).plan
    action = next(a for a in plan.all_actions() if a.numero == spec.actions[0].numero)
    assert action.description == spec.actions[0].description
    assert action.provenance.line == 2 and action.provenance.cell == "C2"


def test_csv_utf8_bom_semicolon(written, tmp_path):
    spec, _ = written
    path = csv_excel_french(spec, tmp_path / "export.csv", encoding="utf-8-sig")
    document = read_document(path)
    assert document.encoding == "utf-8-sig" and document.rows[0].cells[0] == "Axe"  # no BOM left in the header
    assert len(convert([path]).plan.all_actions()) == len(spec.actions)


def test_semicolon_records_without_csv_name_are_csv(written, tmp_path):
    spec, paths = written
    renamed = tmp_path / "plan-export.txt"
    renamed.write_bytes(paths["excel-fr.csv"].read_bytes())
    assert detect_format(renamed) == "csv"
    assert detect_format(RAW / "pgt-fiches-actions.txt") == "text"


def test_word_table_of_the_same_layout_goes_through_the_same_builder(written):
    _, paths = written
    place = lambda plan: [(t.code, axe.numero if axe else None, oi.numero if oi else None, a.id, a.titre, a.porteur)  # noqa: E731
                          for t, axe, oi, a in plan.walk_actions()]
    from_docx, from_csv = convert([paths["table.docx"]]).plan, convert([paths["excel-fr.csv"]]).plan
    assert from_docx.thematiques[0].titre == "Plan d'actions de la Vallée 2026-2032"  # the paragraph above the table
    drop_id = lambda places: [p[1:3] + p[4:] for p in places]  # noqa: E731 - ids start with the thématique code
    assert drop_id(place(from_docx)) == drop_id(place(from_csv)) and len(place(from_csv)) == 36


def test_unknown_header_kept_under_autres_and_reported(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("Intitulé de l'action;Pilote;Couleur du classeur;Calendrier\n"
                    "Créer un jardin partagé;CCAS;vert;2026-2028\n", encoding="utf-8")
    plan = convert([path]).plan
    action, = plan.all_actions()
    assert action.autres == {"Couleur du classeur": "vert"} and (action.annee_debut, action.annee_fin) == (2026, 2028)
    unknown, = anomalies(plan, "unknown_header")
    assert "column C" in unknown.message and unknown.cells == ["Couleur du classeur"]


def test_values_read_from_cells():
    assert read_date("2025-12-01") == date(2025, 12, 1) and read_date("31/12/2025") == date(2025, 12, 31)
    assert read_date("2020-12-14 00:00:00") == date(2020, 12, 14) and read_date("47727") == date(2030, 9, 1)
    assert read_date("fin 2025") is None and read_date("31/02/2025") is None and read_date("2500") is None
    assert read_amount("5 000 000 €") == 5000000 and read_amount("12 500,50 € HT") == 12500.5
    assert read_amount("1.000.000") == 1000000 and read_amount("Entre 200 et 500") is None


def test_legacy_xls_refused_with_what_to_do(tmp_path):
    path = tmp_path / "plan.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "Workbook".encode("utf-16-le") + b"\x00" * 64)
    with pytest.raises(UnreadableInput, match=r"legacy Excel \.xls .*--convert-to xlsx plan\.xls"):
        read_document(path)


def test_regression_text_exports_are_not_record_tables():
    """The detail document's tables name a title column and others too: they are not read as
    one-row-per-action tables, since a thématique heading comes first."""
    for name in ("pgt-fiches-actions.txt", "pgt-priorisation.txt"):
        assert not is_record_table(read_document(RAW / name))


def test_typo_rules_leave_common_french_words():
    """Held-out plans lost a third of their titles to typo_word, whose lexicon was raw/'s
    (`mixte` → `mixité`, `déplacer` → `déployer`); fixed on main by the French word list."""
    fixed, fixes = fix_text("Syndicat mixte des transports ; se déplacer autrement")
    assert fixed == "Syndicat mixte des transports ; se déplacer autrement", [(f.before, f.after) for f in fixes]
    assert not [f for f in fixes if f.rule in (RULE_EXPLICIT, RULE_NAME, RULE_WORD)]



def test_regression_uncalculated_formula_is_not_lost(tmp_path):
    """A workbook written by a program holds formulas without their result: read as empty,
    the cell vanished. It is read as its formula text, with a reader note."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Titre de l'action", "Structure pilote", "Budget", "Statut"])
    book.active.append(["Créer un jardin partagé", "CCAS", "=100*5", "En cours"])
    path = tmp_path / "calc.xlsm"  # a macro-enabled name: the content says what it is
    book.save(path)
    assert detect_format(path) == "xlsx"
    plan = convert([path]).plan
    action, = plan.all_actions()
    assert action.budget is None and action.budget_texte == "=100*5"
    assert any("Sheet!C2: formula =100*5 has no computed value" in a.message for a in anomalies(plan, "reader_note"))


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b"PK\x03\x04 broken", "damaged archive"),
])
def test_bad_spreadsheets_one_clear_line(tmp_path, content, reason):
    path = tmp_path / "plan.csv" if not content else tmp_path / "plan.xlsx"
    path.write_bytes(content)
    result = run_pgt("convert", path, "-o", tmp_path / "out")
    line = assert_one_line_error(result, ExitCode.UNREADABLE_INPUT, path.name)
    assert reason in line and not (tmp_path / "out").exists()


def test_workbook_package_damaged_inside_one_clear_line(tmp_path):
    import zipfile

    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("xl/workbook.xml", "<workbook")
    result = run_pgt("convert", path, "-o", tmp_path / "out")
    assert "not a readable Excel workbook" in assert_one_line_error(result, ExitCode.UNREADABLE_INPUT, "plan.xlsx")


def test_regression_repeated_header_with_a_stray_cell_lists_it(tmp_path):
    """A header printed again inside the table was placed whole: a stray cell in it was
    counted as placed though it is nowhere in the plan (found by test_properties)."""
    path = tmp_path / "plan.csv"
    path.write_text("Titre de l'action;Structure pilote;Statut;\n"
                    "Créer un jardin partagé;CCAS;En cours;\n"
                    "Titre de l'action;Structure pilote;Statut;**note égarée\n"
                    "Ouvrir une ressourcerie;SICTOM;À venir;\n", encoding="utf-8")
    result = convert([path])
    assert [a.titre for a in result.plan.all_actions()] == ["Créer un jardin partagé", "Ouvrir une ressourcerie"]
    assert audit(result.plan, result.documents).holds
    stray, = [a for a in result.plan.anomalies if "repeated header" in a.message]
    assert stray.cells == ["**note égarée"] and "line 3" in stray.message


_HEADS = ["Titre de l'action", "Axe (x)", "Sous-axe (x.x)", "Sous-sous axe (x.x.x)", "Thématique", "Statut", "Budget",
          "Date de début", "Date de fin", "Titre de la sous-action", "Structure pilote", "Partenaires", "Couleur", "",
          "N°", "Calendrier", "Descriptif"]
_VALUES = ["", "", "Axe 1", "Axe 2. Mobilité", "1.1 Vélo", "4.2.1 : Apprendre", "Action 1", "3. Créer", "Créer 3 places",
           "2025-12-01", "31/12/2025", "47727", "0001-01-01", "3000-01-01", "31/02/2025", "Entre 200 et 500", "-5",
           "5 000 €", "Champ texte", "THEMATIQUE ENFANCE", "Santé", "12", "VRAI", "2026-2024", "=A1",
           "Titre de l'action", "Sous-action 1.1", "AXE 3 – Habiter", "Objectif stratégique 2. X"]


def _record_csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([header, *rows])
    return buffer.getvalue()


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.sampled_from(_HEADS), min_size=2, max_size=8, unique=True),
       rows=st.lists(st.lists(st.sampled_from(_VALUES), min_size=1, max_size=8), max_size=7))
def test_any_record_table_converts_or_refuses_and_accounts_every_cell(tmp_path_factory, header, rows):
    """Odd record tables (dates out of range, reversed years, numbered garbage, repeated
    headers, lone cells): a valid plan or a clear refusal, and the ledger honest — every cell
    it counts as placed is in the plan, every other one listed at its row."""
    path = tmp_path_factory.mktemp("record") / "plan.csv"
    path.write_text(_record_csv(header, rows), encoding="utf-8")
    try:
        result = convert([path])
    except PgtError as error:
        assert "does not validate" not in error.message and "plan.csv" in error.message
        return
    checked = audit_ledger(result.documents[0])
    assert checked.honest, ([c.text for c in checked.placed_not_found], [c.text for c in checked.unplaced_not_listed])


def test_regression_two_workbooks_titled_alike_keep_all_their_actions():
    """Two workbooks with the same plan title gave one thématique code: assembled by axe
    number, the second one's axe 1 (and its action) was dropped silently."""
    result = convert([CORPUS / "tet_complex_plan.xlsx", CORPUS / "tet_plan_column_order_issue.xlsx",
                      CORPUS / "tet_plan_sans_axes.xlsx"])
    counts = {t.code: len(t.all_actions()) for t in result.plan.thematiques}
    assert counts == {"contrat_local_de_sante_2025_2030": 29, "contrat_local_de_sante_2025_2030_2": 1,
                      "tet_plan_sans_axes": 46}
    renamed, = anomalies(result.plan, "thematique_renamed")
    assert renamed.document == "tet_plan_column_order_issue.xlsx"
    assert audit(result.plan, result.documents).holds


def test_tab_text_export_of_a_record_table(written, tmp_path):
    """A workbook saved as "Text (Tab delimited)": the text reader's rows, the same builder."""
    shared, paths = written
    spec = copy.deepcopy(shared)  # the module's spec stays as written
    records = list(csv.reader(paths["comma.csv"].open(encoding="utf-8", newline="")))
    path = tmp_path / "plan.txt"
    path.write_text("\n".join("\t".join(c.replace("\n", " ") for c in r) for r in records) + "\n", encoding="utf-8")
    result = convert([path])
    assert result.documents[0].format == "text"
    for action in spec.actions:
        action.description = action.description.replace("\n", " ")
    measured = score(result.plan, spec)
    assert (measured.recall, measured.precision, measured.fields) == (1.0, 1.0, 1.0), measured.misses[:5]


def test_diff_of_two_versions_of_a_workbook(written, tmp_path):
    """Ids come from the printed numbers and titles, not from row positions: a row inserted
    above and a porteur changed show as one added and one changed action."""
    from pgt.diff import diff_plans

    shared, paths = written
    spec = copy.deepcopy(shared)
    spec.actions[5].porteur = "Syndicat des eaux"
    new = copy.deepcopy(spec.actions[0])
    new.numero, new.titre = 99, "Publier un guide des aides à la rénovation"
    spec.actions.insert(0, new)
    changes = diff_plans(convert([paths["columns.xlsx"]]).plan,
                         convert([workbook_with_columns(spec, tmp_path / "columns.xlsx")]).plan).changes
    assert sorted((c.kind, c.field) for c in changes) == [("added", None), ("changed", "porteur")]
    assert next(c for c in changes if c.kind == "changed").after == "Syndicat des eaux"


def test_regression_workbook_anomalies_name_their_sheet_and_cells(complex_plan):
    # anomalies of a workbook said `table 1 row 3`; a data officer looks for a sheet and a cell
    hint, = anomalies(complex_plan, "hint_row")
    assert hint.sheet == "Fichier dimport" and hint.cell.split()[:2] == ["A3", "B3"]
    promoted = anomalies(complex_plan, "level_promoted")
    assert promoted and all(a.sheet == "Fichier dimport" and a.cell.startswith("C") for a in promoted)
    # anomalies.csv carries both, after the columns analysts had first
    assert ANOMALY_COLUMNS[-2:] == ["sheet", "cell"]
    row = next(r for r in anomaly_rows(complex_plan) if r["code"] == "hint_row")
    assert row["sheet"] == "Fichier dimport" and row["cell"].startswith("A3 B3")


def test_regression_axe_heading_above_a_table_without_axe_column_is_the_rows_axe(tmp_path):
    # `ENJEU 2 – …` printed above a one-row-per-action table that has no Axe column was listed
    # as text above the table, and the rows sat on the thématique with no axe
    csv = tmp_path / "plan.csv"
    csv.write_text("Plan d'actions CTG de la Vallée;;\nENJEU 2 – Accompagner les familles;;\n"
                   "Titre;Pilote;Calendrier\nCréer un lieu d'accueil parents-enfants;CAF;2025\n"
                   "Ouvrir un café des parents;Centre social;2026\n", encoding="utf-8")
    plan = convert([csv]).plan
    [thematique] = plan.thematiques
    [axe] = thematique.axes
    assert (axe.numero, axe.titre) == (2, "Accompagner les familles") and not thematique.actions
    assert [(a.titre, a.porteur) for a in axe.actions] == [
        ("Créer un lieu d'accueil parents-enfants", "CAF"), ("Ouvrir un café des parents", "Centre social")]
    assert plan.documents[0].placed_cells == plan.documents[0].non_empty_cells
