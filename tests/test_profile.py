"""The plan profile, and plans worded unlike raw/ (issue #11).

- the profile: default as data, a file extends it, errors name the key and line, `pgt profile`;
- regressions of the three failures the issue reports (renamed porteur header, an added
  thématique folded into parentalité, `AXE 1` headings);
- two made-up territories' plans (tests/other_plans.py), as text export and DOCX, scored.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from fiche_fixtures import write_text_export
from helpers import DETAIL, ROOT, actions_by_id
from other_plans import coteaux, saint_exemple, score_plan, val_d_adour
from plan_compare import compare_plans

from pgt.extract import read_document
from pgt.extract.pdf_breaks import continued_cells
from pgt.extract.pdf_tables import PdfSettings
from pgt.pipeline import convert
from pgt.settings import headings as pat
from pgt.settings.headers import canonical_header, header_cell_field
from pgt.settings.profile import ProfileError, default_profile, load_profile, profile_toml
from pgt.settings.text import fold, loose_key
from pgt.schema import DocumentKind
from pgt.structure import detect_kind
from pgt.structure.column_profile import ColumnProfile, guided_positions
from pgt.structure.fiches_actions import FichesActionsBuilder
from pgt.structure.fiche import (
    FicheBuilder, is_fiche_form, label_field, match_thematique_heading, split_inline_label, thematique_code,
)
from pgt.structure.ledger import Ledger
from pgt.structure.realign import place_cells
from pgt.structure.table import is_record_table, labelled_lines

PGT = [sys.executable, "-m", "pgt.cli"]


def run_pgt(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*PGT, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


# ---- the profile ------------------------------------------------------------------------------

def test_default_profile_holds_the_ctg_domains_and_this_plans_layouts():
    profile = default_profile()
    codes = [t.code for t in profile.thematiques]
    for code in ("petite_enfance", "enfance", "jeunesse", "parentalite", "cohesion_sociale",
                 "animation_vie_sociale", "acces_aux_droits", "inclusion_numerique", "logement", "handicap",
                 "sante", "mobilite", "insertion", "seniors", "transversal"):
        assert code in codes
    assert profile.layouts["enfance"][2] == "offre"
    assert profile.pdf.ocr_dpi == 300


def test_a_profile_file_extends_the_default(tmp_path):
    path = tmp_path / "territoire.toml"
    path.write_text('[[thematiques]]\ncode = "acces_aux_droits"\nheadings = ["Point d\'accès au droit"]\n\n'
                    '[[thematiques]]\ncode = "ruralite"\ntitre = "Ruralité"\nheadings = ["Vivre en milieu rural"]\n\n'
                    '[fields]\nporteur = ["CHEF DE FILE"]\n\n[thresholds]\nheader_fuzzy = 85\n', encoding="utf-8")
    profile = load_profile(path)
    assert "PILOTE" in profile.fields["porteur"] and "CHEF DE FILE" in profile.fields["porteur"]
    acces = next(t for t in profile.thematiques if t.code == "acces_aux_droits")
    assert "Accès aux droits" in acces.headings and "Point d'accès au droit" in acces.headings
    assert profile.thematiques[-1].code == "ruralite"
    assert profile.thresholds.header_fuzzy == 85 and profile.thresholds.header_fields_min == 3
    assert canonical_header("Chef de file", profile).field == "porteur"
    assert canonical_header("Chef de file") is None  # the default is untouched
    assert pat.thematique_of_heading("VIVRE EN MILIEU RURAL", profile) == "ruralite"
    assert pat.thematique_of_heading("Point d'accès au droit", profile) == "acces_aux_droits"


@pytest.mark.parametrize("text, message", [
    ('[thresholds]\nheader_fuzy = 80\n', "line 2: thresholds.header_fuzy: Extra inputs are not permitted"),
    ('\n\n[fieldz]\nx = 1\n', "line 3: fieldz: unknown key"),
    ('[fields]\nporteurs = ["X"]\n', "line 2: fields: unknown field 'porteurs'"),
    ('[thresholds]\nheader_fuzzy = 3\n', "line 2: thresholds.header_fuzzy: Input should be greater than or equal to 50"),
    ('[[thematiques]]\ncode = "Accès"\n', "line 2: thematiques.code: String should match pattern"),
    ('[pdf]\nocr_dpi = "high"\n', "line 2: pdf.ocr_dpi: Input should be a valid integer"),
    ('[fields\n', "not valid TOML"),
    ('[records.keywords]\nporteur = ["chef"]\n', "line 2: records.keywords: field 'porteur': keyword 'chef' is not"),
    ('[records.keywords]\n\nporteur = ["CHEF$"]\n', "line 3: records.keywords: field 'porteur': keyword 'CHEF$'"),
    ('[records.fields]\ncouleur = ["COULEUR"]\n', "line 2: records.fields: unknown field 'couleur'"),
])
def test_a_wrong_key_or_value_is_one_line_naming_it(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert message in error.value.message and str(path) in error.value.message
    assert "\n" not in error.value.message


def test_pgt_profile_prints_a_profile_that_loads_back(tmp_path):
    printed = run_pgt("profile")
    assert printed.returncode == 0
    assert "[[thematiques]]" in printed.stdout and "# ---- thématiques" in printed.stdout
    assert tomllib.loads(printed.stdout)["fields"]["porteur"][0] == "PORTEUR DE PROJETS"
    extension = tmp_path / "ext.toml"
    extension.write_text('[fields]\nporteur = ["CHEF DE FILE"]\n', encoding="utf-8")
    effective = tmp_path / "effective.toml"
    effective.write_text(run_pgt("profile", str(extension)).stdout, encoding="utf-8")
    assert load_profile(effective).fields == load_profile(extension).fields
    assert profile_toml(load_profile(extension)).count("CHEF DE FILE") == 1
    checked = run_pgt("profile", "--check", str(effective))
    assert checked.returncode == 0 and "valid profile" in checked.stdout


def test_pgt_profile_check_exits_2_on_a_bad_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[headings]\naxe_words = "AXE"\n', encoding="utf-8")
    result = run_pgt("profile", "--check", str(bad))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "line 2: headings.axe_words: Input should be a valid list" in result.stderr
    assert run_pgt("convert", str(DETAIL), "--profile", str(bad), "-o", str(tmp_path / "out")).returncode == 2
    assert not (tmp_path / "out").exists()


def test_convert_reads_a_header_only_the_profile_names(tmp_path):
    document = tmp_path / "chef.txt"
    document.write_text(DETAIL.read_text(encoding="utf-8").replace("PORTEUR DE PROJETS", "CHEF DE FILE"),
                        encoding="utf-8")
    profile = tmp_path / "p.toml"
    profile.write_text('[fields]\nporteur = ["CHEF DE FILE"]\n', encoding="utf-8")
    plan = convert([document], profile=load_profile(profile)).plan
    assert actions_by_id(plan)["petite_enfance-1-1-5"].porteur == "RPE"
    without = convert([document]).plan  # the column is still kept, by its header
    assert actions_by_id(without)["petite_enfance-1-1-5"].autres == {"CHEF DE FILE": "RPE"}
    assert any(a.code == "unknown_header" and a.cells == ["CHEF DE FILE"] for a in without.anomalies)


# ---- one fold -----------------------------------------------------------------------------------

def test_regression_fold_keeps_the_oe_ligature():
    assert fold("MISE EN ŒUVRE") == "MISE EN OEUVRE"
    assert fold("Cœur de ville") == "COEUR DE VILLE"
    assert loose_key("Œuvre") == loose_key("oeuvre") == "oeuvre"
    assert canonical_header("Modalités de mise en œuvre", default_profile()).field == "description"


# ---- heading forms ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, numero, titre", [
    ("AXE STRATEGIQUE II", 2, ""), ("AXE 2 : Développer l'offre", 2, "Développer l'offre"),
    ("Axe n°2 : Agir", 2, "Agir"), ("ENJEU 2 – Mieux accueillir", 2, "Mieux accueillir"),
    ("ORIENTATION II Améliorer", 2, "Améliorer"), ("PRIORITÉ 3. Faire", 3, "Faire"),
    ("AXE Ill Titre", 3, "Titre"), ("AXE lI", 2, ""),
])
def test_axe_heading_forms(text, numero, titre):
    found = pat.match_axe(text)
    assert found is not None and (found.numero, found.titre) == (numero, titre)


@pytest.mark.parametrize("text", ["AXE STRATEGIQUE IIII", "Axe transversal", "Axes de travail retenus"])
def test_not_axe_headings(text):
    assert pat.match_axe(text) is None


def test_objective_and_action_heading_forms():
    assert pat.match_oi_heading_number("OBJECTIF STRATÉGIQUE 1.2 : Former").numbers == (1, 2)
    assert pat.match_oi_heading_number("OBJECTIF GÉNÉRAL 1 Accueillir").numbers == (1,)
    assert pat.match_oi_heading_number("Sous-axe 3.1 Titre").numbers == (3, 1)
    assert pat.match_oo_heading("Objectif opérationnel 1.2.3 Former").numbers == (1, 2, 3)
    assert pat.match_oo_heading("Objectif spécifique n°2 : Aider").numbers == (2,)
    for text, numero in (("Fiche action n°4 – Créer", 4), ("FICHE ACTION 4 : Ouvrir", 4),
                         ("Action 2.1 Former", 1), ("FA 12 Accueillir", 12), ("12. Réaliser", 12)):
        assert pat.match_action_number(text).numero == numero, text
    assert pat.match_action_number("Actions 2 fois par an") is None
    assert pat.match_action_number("3.13.10. A l'échelle") is None


@pytest.mark.parametrize("heading, code", [
    ("THEMATIQUE ACCES AUX DROITS", "acces_aux_droits"),
    ("THÉMATIQUE VIE DES QUARTIERS", "vie_des_quartiers"),
    ("PGT PETITE ENFANCE - PRIORISATION DES ACTIONS (réactualisé en décembre 21)", "petite_enfance"),
    ("Le Thème de l'enfance de la jeunesse et de la vie étudiante 12-30 ans", "jeunesse"),
    ("Le Thème de l'enfance de 3 à 11 ans", "enfance"),
    ("COHÉSION SOCIALE", "cohesion_sociale"), ("Soutien à la parentalité", "parentalite"),
    ("Animation de la vie sociale", "animation_vie_sociale"), ("THEMATlQUE ENFANCE", "enfance"),
    ("INCLUSION NUMÉRIQUE", "inclusion_numerique"), ("Enfance (3-11 ans)", "enfance"),
    ("Accès aux droits et inclusion numérique", "acces_aux_droits"),  # one thématique: the first named
])
def test_thematique_headings(heading, code):
    assert pat.thematique_of_heading(heading) == code


@pytest.mark.parametrize("text", ["THEMATIQUE 1 Créer un COMITE LOCAL de la parentalité",
                                  "Les familles monoparentales du quartier", "Accompagner les jeunes vers l'emploi"])
def test_not_thematique_headings(text):
    assert pat.thematique_of_heading(text) is None


# ---- regressions of the issue ---------------------------------------------------------------------

@pytest.fixture(scope="session")
def original_detail():
    return convert([DETAIL]).plan


@pytest.mark.parametrize("word", ["PILOTE", "RESPONSABLE", "STRUCTURE PILOTE"])
def test_regression_renamed_porteur_header_scores_like_the_original(tmp_path, original_detail, word):
    document = tmp_path / "detail.txt"
    document.write_text(DETAIL.read_text(encoding="utf-8").replace("PORTEUR DE PROJETS", word), encoding="utf-8")
    plan = convert([document]).plan
    comparison = compare_plans(original_detail, plan)
    assert comparison.actions_only_in_expected == [] and comparison.actions_only_in_got == []
    assert comparison.share == 1.0, comparison.summary()
    assert actions_by_id(plan)["petite_enfance-1-1-5"].porteur == "RPE"


def test_regression_added_thematique_is_not_folded_into_parentalite(tmp_path, original_detail):
    header = ("ACTIONS\tPORTEUR DE PROJETS\tPUBLIC VISE\tECHEANCES DE REALISATION CALENDRIER\tPARTENAIRES\t"
              "MOYENS\t\t\tINDICATEURS EVALUATION")
    sub = "\t\t\t\t\tHUMAINS\tTECHNIQUES\tFINANCIERS\t"
    demarches = ["en ligne", "de santé", "de logement", "d'emploi", "de retraite", "de handicap", "de transport",
                 "d'énergie", "de justice"]
    rows = [f"Accompagner les familles dans leurs démarches {what}\tFrance Services\tfamilles\t2023-2026\t"
            f"CAF, CPAM\tagents d'accueil\tordinateurs\tBudget CAF\tNombre de personnes accompagnées"
            for what in demarches]
    document = tmp_path / "detail.txt"
    document.write_text(DETAIL.read_text(encoding="utf-8").rstrip("\n") + "\n\nTHEMATIQUE ACCES AUX DROITS\n\n"
                        + "\n".join([header, sub, *rows]) + "\n", encoding="utf-8")
    plan = convert([document]).plan
    assert len(plan.thematique("parentalite").all_actions()) == 23
    acces = plan.thematique("acces_aux_droits")
    assert acces is not None and acces.titre == "Accès aux droits"
    assert [a.titre for a in acces.all_actions()] == [f"Accompagner les familles dans leurs démarches {w}"
                                                       for w in demarches]
    assert all(a.porteur == "France Services" for a in acces.all_actions())
    assert plan.coverage == 1.0
    comparison = compare_plans(original_detail, plan)
    assert comparison.actions_only_in_expected == []


def test_regression_unknown_thematique_heading_opens_its_own_thematique(tmp_path):
    document = tmp_path / "detail.txt"
    text = DETAIL.read_text(encoding="utf-8").replace("\nPARENTALITE", "\nTHEMATIQUE VIE DES FAMILLES", 1)
    document.write_text(text, encoding="utf-8")
    plan = convert([document]).plan
    assert plan.thematique("parentalite") is None
    vie = plan.thematique("vie_des_familles")
    assert vie.titre == "VIE DES FAMILLES" and len(vie.all_actions()) == 23
    assert len(plan.thematique("cohesion_sociale").all_actions()) == 11
    opened = [a for a in plan.anomalies if a.code == "thematique_opened"]
    assert len(opened) == 1 and opened[0].severity == "info" and opened[0].line is not None


def test_regression_axe_1_headings_keep_their_titles(tmp_path, original_detail):
    text = DETAIL.read_text(encoding="utf-8")
    for roman, arabic in (("IV", "4"), ("III", "3"), ("II", "2"), ("I", "1")):
        text = text.replace(f"AXE STRATEGIQUE {roman}", f"AXE {arabic}")
    assert "AXE STRATEGIQUE" not in text
    document = tmp_path / "detail.txt"
    document.write_text(text, encoding="utf-8")
    plan = convert([document]).plan
    assert not [a for a in plan.anomalies if a.code == "inferred_axe" and a.code not in
                {x.code for x in original_detail.anomalies}]
    comparison = compare_plans(original_detail, plan)
    assert comparison.share == 1.0, comparison.summary()
    axe = plan.thematique("petite_enfance").axes[0]
    assert axe.titre.startswith("Améliorer la répartition de l'offre d'accueil")


# ---- plans of other territories -----------------------------------------------------------------

@pytest.mark.parametrize("make", [val_d_adour, saint_exemple, coteaux], ids=["val-d-adour", "saint-exemple", "coteaux"])
@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_other_territories_plan_converts_with_no_profile(tmp_path, make, fmt):
    spec = make()
    path = tmp_path / f"{spec.name}.{fmt}"
    spec.write_text(path) if fmt == "txt" else spec.write_docx(path)
    plan = convert([path]).plan
    score = score_plan(spec, plan)
    assert score.found_share >= 0.97 and score.fields_share >= 0.95 and score.thematique_share >= 0.99, \
        score.summary() + "\n" + "\n".join(score.misses)
    assert [t.code for t in plan.thematiques] == [t.code for t in spec.thematiques]
    unplaced = [c for a in plan.anomalies if a.code == "unplaced_cells" for c in a.cells]
    assert unplaced == spec.preamble  # only the cover line before any thématique


def test_other_plan_fields_beyond_the_contract():
    spec = saint_exemple()
    with_docx = Path(__file__).parent / "artifacts"
    with_docx.mkdir(exist_ok=True)
    plan = convert([spec.write_text(with_docx / "saint-exemple.txt")]).plan
    action = actions_by_id(plan)["jeunesse-1-1-1"]
    assert action.titre == "Créer un conseil municipal des jeunes"
    assert (action.statut, action.territoire) == ("en cours", "toute la commune")
    assert action.autres == {"Couleur du projet": "vert"}
    unknown = [a for a in plan.anomalies if a.code == "unknown_header"]
    assert unknown and all(a.cells == ["Couleur du projet"] for a in unknown)
    adour = convert([val_d_adour().write_text(with_docx / "val-d-adour.txt")]).plan
    antenne = actions_by_id(adour)["acces_aux_droits-1-1-1"]
    assert (antenne.budget, antenne.budget_texte) == (45000.0, "45 000 €")
    assert actions_by_id(adour)["acces_aux_droits-1-2-1"].budget is None  # "non chiffré": text only
    assert actions_by_id(adour)["animation_vie_sociale-1-1-2"].budget == 15000.0
    assert adour.thematique("vie_des_quartiers").titre == "VIE DES QUARTIERS"


# ---- the profile's word lists reach the normalizers; the README's example works ------------------

def test_profile_words_reach_the_normalizers(tmp_path):
    document = tmp_path / "plan.txt"
    spec = val_d_adour()
    spec.thematiques[0].axes[0].objectifs[0].actions[0].values["partenaires"] = "CCVA Maison de la Vallée CAF"
    spec.thematiques[0].axes[0].objectifs[0].actions[1].values["porteur"] = "CIAS du Val d'Adourr"
    spec.write_text(document)
    profile_file = tmp_path / "p.toml"
    profile_file.write_text('[words]\nacronymes = ["CCVA"]\npartenaires = ["Maison de la Vallée"]\n'
                            'typos = { "Adourr" = "Adour" }\n', encoding="utf-8")
    plain = actions_by_id(convert([document]).plan)
    with_profile = actions_by_id(convert([document], profile=load_profile(profile_file)).plan)
    assert plain["acces_aux_droits-1-1-1"].partenaires != ["CCVA", "Maison de la Vallée", "CAF"]
    assert with_profile["acces_aux_droits-1-1-1"].partenaires == ["CCVA", "Maison de la Vallée", "CAF"]
    assert plain["acces_aux_droits-1-1-2"].porteur == "CIAS du Val d'Adourr"
    assert with_profile["acces_aux_droits-1-1-2"].porteur == "CIAS du Val d'Adour"


def test_readme_profile_example_validates_and_reads_its_words(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("A profile for a new territory, `vallee.toml`:", 1)[1].split("```toml\n", 1)[1].split("```")[0]
    path = tmp_path / "vallee.toml"
    path.write_text(example, encoding="utf-8")
    profile = load_profile(path)
    assert pat.match_axe("CHANTIER 2 – Rapprocher les services", profile).numero == 2
    assert pat.thematique_of_heading("THÉMATIQUE VIVRE EN MILIEU RURAL", profile) == "ruralite"
    assert canonical_header("Structure référente", profile).field == "porteur"
    assert run_pgt("profile", "--check", str(path)).returncode == 0


# ---- OCR-garbled and joined headings -----------------------------------------------------------

def test_garbled_heading_words_are_read():
    assert pat.match_axe("AXF STRATEGIQUE II Titre").numero == 2
    assert pat.match_axe("AXE STRATEGIQUE Ill").numero == 3
    assert pat.match_oi_heading_number("0BJECTIF INTERMEDIAIRE 2 Titre").numbers == (2,)
    assert pat.match_oi_heading_number("OBJECTIF lNTERMEDIAIRE 3").numbers == (3,)
    assert pat.thematique_of_heading("THEMATlQUE ENFANCE") == "enfance"


def test_regression_axe_and_objective_joined_on_one_line(tmp_path, original_detail):
    text = DETAIL.read_text(encoding="utf-8").replace(
        "AXE STRATEGIQUE I\nAméliorer la répartition de l'offre d'accueil sur le territoire de MONT DE MARSAN "
        "AGGLOMERATION\n\n**OBJECTIF INTERMEDIAIRE 1\n",
        "AXE STRATEGIQUE I Améliorer la répartition de l'offre d'accueil sur le territoire de MONT DE MARSAN "
        "AGGLOMERATION OBJECTIF INTERMEDIAIRE 1\n", 1)
    assert "AGGLOMERATION OBJECTIF INTERMEDIAIRE 1" in text
    document = tmp_path / "detail.txt"
    document.write_text(text, encoding="utf-8")
    plan = convert([document]).plan
    axe = plan.thematique("petite_enfance").axes[0]
    assert axe.titre == "Améliorer la répartition de l'offre d'accueil sur le territoire de MONT DE MARSAN AGGLOMERATION"
    assert [oi.numero for oi in axe.objectifs_intermediaires] == [1, 2, 3]
    assert axe.objectifs_intermediaires[0].titre.startswith("Conservier un taux") or \
        axe.objectifs_intermediaires[0].titre.startswith("Conserver un taux")
    assert any(a.code == "joined_headings" for a in plan.anomalies)
    assert {a.id for a in plan.all_actions()} == {a.id for a in original_detail.all_actions()}


def test_regression_unread_thematique_heading_is_a_warning_at_its_line(tmp_path):
    document = tmp_path / "detail.txt"
    text = DETAIL.read_text(encoding="utf-8").replace("\nPARENTALITE", "\nPARENTALITE : ACTIONS PHARES DU TERRITOIRE", 1)
    document.write_text(text, encoding="utf-8")
    plan = convert([document]).plan
    unread = [a for a in plan.anomalies if a.code == "thematique_heading_unread"]
    assert len(unread) == 1 and unread[0].severity == "warning" and unread[0].line is not None
    assert unread[0].cells == ["PARENTALITE : ACTIONS PHARES DU TERRITOIRE"]


def test_diff_follows_other_plans_fields_and_open_thematiques(tmp_path):
    from pgt.diff import diff_sources

    spec = val_d_adour()
    old = spec.write_text(tmp_path / "old.txt")
    spec.thematiques[2].axes[0].objectifs[0].actions[0].values["budget"] = "4 000 €"
    new = spec.write_text(tmp_path / "new.txt")
    changes = diff_sources(old, new).changes
    assert {(c.kind, c.id, c.field) for c in changes} == {
        ("changed", "vie_des_quartiers-1-1-1", "budget"), ("changed", "vie_des_quartiers-1-1-1", "budget_texte")}


def test_hierarchical_numbers_place_objectives_and_oo_under_the_parents_they_name(tmp_path):
    header = "Intitulé\tPilote\tPublic cible\tCalendrier\tPartenaires\tIndicateurs de suivi"
    document = tmp_path / "plan.txt"
    document.write_text("\n".join([
        "THÉMATIQUE PETITE ENFANCE", "",
        "AXE 1 : Développer l'accueil", "",
        "OBJECTIF STRATÉGIQUE 1.1 : Créer des places", "",
        "Objectif opérationnel 1.1.2 : Ouvrir une crèche", "",
        header,
        "Action 1 – Construire la crèche de Lestelle\tCommune\tfamilles\t2025-2026\tCAF\tNombre de places",
        "",
        "OBJECTIF STRATÉGIQUE 2.1 : Informer les familles", "",  # names axe 2, never printed
        header,
        "FA 2 Publier un guide des modes d'accueil\tRPE\tparents\t2024\tPMI\tNombre de guides diffusés",
        "",
    ]), encoding="utf-8")
    plan = convert([document]).plan
    petite = plan.thematique("petite_enfance")
    assert [(a.numero, [o.numero for o in a.objectifs_intermediaires]) for a in petite.axes] == [(1, [1]), (2, [1])]
    first = petite.axes[0].objectifs_intermediaires[0]
    assert [(o.numero, o.titre) for o in first.objectifs_operationnels] == [(2, "Ouvrir une crèche")]
    creche = first.actions[0]
    assert (creche.id, creche.titre, creche.oo, creche.porteur) == (
        "petite_enfance-1-1-1", "Construire la crèche de Lestelle", [2], "Commune")
    guide = petite.axes[1].objectifs_intermediaires[0].actions[0]
    assert (guide.id, guide.titre, guide.indicateurs) == (
        "petite_enfance-2-1-2", "Publier un guide des modes d'accueil", ["Nombre de guides diffusés"])


def test_regression_clipped_repeated_header_still_names_its_field():
    # LibreOffice 7.4 clipped the repeated header row of a continued table: the offers
    # column read `exemple d'offres existantes ou`; the row was taken for data, the table
    # lost its offer column, and four actions' fields went unplaced
    assert header_cell_field("exemple d'offres existantes ou") == "offre"
    assert header_cell_field("exemple d'offres locales") is None  # not the words of a header


def test_normalizer_thresholds_are_profile_data(tmp_path):
    # the crosswalk, duplicates, hierarchy and typo thresholds sit in [thresholds]: printed
    # by `pgt profile`, bounded, and a bad one is one line naming its key
    printed = run_pgt("profile").stdout
    for key in ("crosswalk_title_alike", "duplicates_same_title", "hierarchy_same_oo", "typos_min_length"):
        assert f"{key} = " in printed
    bad = tmp_path / "bad.toml"
    bad.write_text("[thresholds]\nduplicates_same_title = 150\n", encoding="utf-8")
    result = run_pgt("profile", "--check", str(bad))
    assert result.returncode == 2 and "line 2: thresholds.duplicates_same_title" in result.stderr
    good = tmp_path / "strict.toml"
    good.write_text("[thresholds]\ncrosswalk_title_alike = 99\n", encoding="utf-8")
    assert load_profile(good).thresholds.crosswalk_title_alike == 99
    assert default_profile().thresholds.crosswalk_title_alike == 70


# ---- the builder's and the PDF reader's thresholds are profile data -----------------------------

def profile_file(tmp_path: Path, text: str):
    """The effective profile of a profile file holding `text`."""
    path = tmp_path / "seuils.toml"
    path.write_text(text, encoding="utf-8")
    return load_profile(path)


def rows_document(*rows: tuple[tuple[str, ...], int | None, int | None]):
    """A reader's row stream by hand: (cells, table index or None for a text line, page)."""
    from pgt.extract.rows import ExtractedDocument, Provenance, RowKind, SourceRow

    made = [SourceRow(cells, Provenance("fiches.pdf", page=page, table=table, row=i),
                      RowKind.TEXT if table is None else RowKind.TABLE, table)
            for i, (cells, table, page) in enumerate(rows)]
    return ExtractedDocument(Path("fiches.pdf"), made, "pdf", "0" * 64, pages=3)


def test_builder_thresholds_are_printed_with_a_comment_each():
    printed = run_pgt("profile").stdout
    thresholds = default_profile().thresholds.model_dump()
    for key in ("label_fuzzy", "label_inside_min", "label_max_chars", "label_max_words", "label_first_word_min",
                "fiche_thematique_max_chars", "fiche_labels_min", "running_line_pages",
                "record_header_scan_rows", "record_header_min_fields", "record_thematique_axes_share", "note_label_words",
                "realign_displacement_cost", "realign_change_cost", "realign_unplaced_cost", "column_min_word_count",
                "column_profile_weight", "column_displacement_cost", "column_change_cost", "column_unplaced_cost",
                "column_foreign_in_typed_cost", "offer_libelle_doubt"):
        line = next(line for line in printed.splitlines() if line.startswith(f"{key} = "))
        assert "#" in line and tomllib.loads(line.split("#")[0])[key] == thresholds[key]
    for key in ("ocr_doubtful_confidence", "join_broken_rows", "column_tolerance", "break_page_bottom_lines",
                "break_cell_reach_lines", "row_start_patterns"):
        assert f"\n{key} = " in printed
    assert tomllib.loads(printed)["pdf"]["row_start_patterns"] == list(PdfSettings().row_start_patterns)


@pytest.mark.parametrize("text, message", [
    ("[thresholds]\nlabel_fuzy = 80\n", "line 2: thresholds.label_fuzy: Extra inputs are not permitted"),
    ("\n[thresholds]\nrealign_unplaced_cost = -1\n", "line 3: thresholds.realign_unplaced_cost: Input should be greater"),
    ("[thresholds]\nrecord_thematique_axes_share = 2\n", "line 2: thresholds.record_thematique_axes_share: Input"),
    ("[pdf]\nrow_start_patterns = ['^(unclosed']\n", "line 2: pdf.row_start_patterns: pattern '^(unclosed' is no"),
    ("[pdf]\nbreak_cell_reach_lines = 'far'\n", "line 2: pdf.break_cell_reach_lines: Input should be a valid number"),
    ("[pdf]\nocr_doubtful_confidence = 101\n", "line 2: pdf.ocr_doubtful_confidence: Input should be less than or eq"),
    ("[thresholds]\nlabel_max_words = 0\n", "line 2: thresholds.label_max_words: Input should be greater than"),
    ("[thresholds]\nlabel_first_word_min = 'six'\n", "line 2: thresholds.label_first_word_min: Input should be"),
    ("[thresholds]\nfiche_thematique_max_chars = 5\n", "line 2: thresholds.fiche_thematique_max_chars: Input should"),
    ('[phrases]\ndefault_thematique_code = "Plan"\n', "line 2: phrases.default_thematique_code: String should match"),
])
def test_a_wrong_builder_threshold_is_one_line_naming_it_exit_2(tmp_path, text, message):
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    result = run_pgt("profile", "--check", str(bad))
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.strip().count("\n") == 0


def test_fiche_label_thresholds_change_what_a_label_names(tmp_path):
    assert label_field("Calendrler") == "echeances"  # misspelt: fuzzily
    assert label_field("Calendrler", profile_file(tmp_path, "[thresholds]\nlabel_fuzzy = 99\n")) is None
    assert label_field("Coordination : structure pilote") == "porteur"  # a known label inside
    assert label_field("Coordination : structure pilote",
                       profile_file(tmp_path, "[thresholds]\nlabel_inside_min = 20\n")) is None
    assert label_field("Partenaires associés au projet") == "partenaires"
    assert label_field("Partenaires associés au projet",
                       profile_file(tmp_path, "[thresholds]\nlabel_max_chars = 20\n")) is None


def test_fiche_labels_min_decides_a_fiche_form(tmp_path):
    document = rows_document(
        (("Fiche action n°1 – Créer un relais",), None, 1),
        (("Pilote", "Mairie"), 0, 1), (("Calendrier", "2024-2026"), 0, 1), (("Partenaires", "CAF, CCAS"), 0, 1),
    )
    assert is_fiche_form(document)
    assert not is_fiche_form(document, profile_file(tmp_path, "[thresholds]\nfiche_labels_min = 4\n"))


def test_running_line_pages_tells_a_page_header(tmp_path):
    document = rows_document(
        (("CTG du Val – plan d'actions",), None, 1), (("Pilote", "Mairie"), 0, 1),
        (("CTG du Val – plan d'actions",), None, 2), (("Calendrier", "2024"), 1, 2),
    )
    header = loose_key("CTG du Val – plan d'actions")
    assert FicheBuilder(document, Ledger(document.rows), []).running_lines == set()  # 2 pages, not 3
    two = profile_file(tmp_path, "[thresholds]\nrunning_line_pages = 2\n")
    assert FicheBuilder(document, Ledger(document.rows), [], two).running_lines == {header}


def record_csv(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "actions.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_record_table_thresholds_change_the_plan_read(tmp_path):
    csv = record_csv(tmp_path, "Plan d'actions de la CTG;;;", "Version de travail;;;", "Axe;Titre;Pilote;Calendrier",
                     "1. Petite enfance;Créer un RPE;Mairie;2024", "2. Jeunesse;Ouvrir un local;CCAS;2025",
                     "3. Agir ensemble;Former les agents;Agglo;2026", "4. Vivre mieux;Aider les aidants;CIAS;2026")
    document = read_document(csv)
    assert is_record_table(document)
    assert not is_record_table(document, profile_file(tmp_path, "[thresholds]\nrecord_header_scan_rows = 2\n"))
    assert not is_record_table(document, profile_file(tmp_path, "[thresholds]\nrecord_header_min_fields = 5\n"))
    # two of four axes name a domain: under the share, they are axes of one plan
    assert [t.code for t in convert([csv]).plan.thematiques] == ["plan_d_actions_de_la_ctg"]
    share = profile_file(tmp_path, "[thresholds]\nrecord_thematique_axes_share = 0.5\n")
    assert [t.code for t in convert([csv], profile=share).plan.thematiques] == [
        "petite_enfance", "jeunesse", "agir_ensemble", "vivre_mieux"]


REALIGN_FIELDS = ["titre", "oo", "porteur", "public_vise", "echeances", "indicateurs"]
REALIGN_CELLS = [(0, "1"), (1, "RPE"), (2, ""), (3, "Nombre de demandes"), (4, "2023-2024")]


@pytest.mark.parametrize("setting, values", [
    ("", {"oo": "1", "porteur": "RPE", "echeances": "2023-2024", "indicateurs": "Nombre de demandes"}),
    ("realign_displacement_cost = 5", {"titre": "1", "oo": "RPE", "echeances": "2023-2024",
                                       "indicateurs": "Nombre de demandes"}),
    ("realign_change_cost = 5", {"titre": "1", "oo": "RPE", "echeances": "2023-2024",
                                 "indicateurs": "Nombre de demandes"}),
    ("realign_unplaced_cost = 0", {"oo": "1", "echeances": "2023-2024", "indicateurs": "RPE"}),
])
def test_realign_costs_change_where_cells_go(tmp_path, setting, values):
    thresholds = profile_file(tmp_path, f"[thresholds]\n{setting}\n").thresholds
    assert place_cells(REALIGN_CELLS, REALIGN_FIELDS, thresholds).values == values


OFFER_FIELDS = ["porteur", "public_vise", "partenaires", "moyens_humains", "indicateurs"]


def learnt_columns(thresholds) -> ColumnProfile:  # noqa: ANN001
    columns = ColumnProfile(thresholds)
    for _ in range(3):
        columns.learn({"porteur": "Service jeunesse de la ville", "partenaires": "Associations sportives, clubs",
                       "moyens_humains": "Les animateurs du service"})
    return columns


@pytest.mark.parametrize("setting, cells, default, changed", [
    ("column_min_word_count = 4", [(0, "Clubs et associations"), (1, "Animateurs")], [2, 3], [0, 3]),
    ("column_profile_weight = 0", [(0, "Clubs et associations"), (1, "Animateurs")], [2, 3], [0, 3]),
    ("column_displacement_cost = 5", [(0, "Clubs et associations"), (1, "Animateurs")], [2, 3], [0, 1]),
    ("column_change_cost = 5", [(5, "Clubs et associations"), (6, "Animateurs"), (7, "Nombre de clubs")],
     [2, 3, 4], [None, None, 4]),
    ("column_unplaced_cost = 0", [(4, "Mairie")], [3], [None]),
    ("column_foreign_in_typed_cost = 0", [(4, "Mairie")], [3], [4]),
])
def test_column_profile_thresholds_change_where_offer_cells_go(tmp_path, setting, cells, default, changed):
    assert guided_positions(cells, OFFER_FIELDS, learnt_columns(None)) == default
    thresholds = profile_file(tmp_path, f"[thresholds]\n{setting}\n").thresholds
    assert guided_positions(cells, OFFER_FIELDS, learnt_columns(thresholds)) == changed


def test_offer_libelle_doubt_decides_a_cell_after_the_offer_column(tmp_path):
    def is_libelle(profile) -> bool:  # noqa: ANN001
        document = rows_document((("x",), None, 1))
        builder = FichesActionsBuilder(document, Ledger(document.rows), [], profile)
        for _ in range(3):
            builder.profile.learn({"porteur": "Atelier municipal"})
        for _ in range(2):
            builder.profile.learn({"offre": "Atelier"})
        return builder._is_libelle(3, "Atelier théâtre", 2)  # 3/5 of `Atelier` are porteurs

    assert not is_libelle(None)
    assert is_libelle(profile_file(tmp_path, "[thresholds]\noffer_libelle_doubt = 0.7\n"))


def test_pdf_row_break_knobs_are_profile_data(tmp_path):
    from test_pdf_page_breaks import CUT, table

    def settings(text: str) -> PdfSettings:
        return PdfSettings(**profile_file(tmp_path, f"[pdf]\n{text}\n").pdf.model_dump())

    following = table([[("en matière de santé", 10.0), ("", None), ("Jeunesse CROUS", 10.0)]], 40, 30)
    joined = {0: (0, 0), 2: (0, 2)}
    assert continued_cells(CUT, following, 0, 560, settings("")) == joined
    assert continued_cells(CUT, following, 0, 560, settings("break_page_bottom_lines = 1.0")) is None
    assert continued_cells(CUT, following, 0, 540, settings("break_cell_reach_lines = 0.1")) is None
    assert continued_cells(CUT, following, 0, 540, settings("row_start_patterns = ['^en ']")) is None
    shifted = table([[("en matière de santé", 10.0), ("", None), ("Jeunesse CROUS", 10.0)]], 40, 30,
                    edges=(0, 106, 206, 300))
    assert continued_cells(CUT, shifted, 0, 540, settings("")) is None
    assert continued_cells(CUT, shifted, 0, 540, settings("column_tolerance = 8.0")) == joined
    assert not settings("join_broken_rows = false").join_broken_rows


# ---- a summary document is told by the shape of its header and the profile's words -------------

def summary_rows(*header: str):
    return rows_document(
        (("PGT JEUNESSE – PRIORISATION DES ACTIONS",), None, 1),
        (header, 0, 1),
        (("Favoriser l'autonomie", "Informer les jeunes", "OO1. Ouvrir un point info", "1. Point information jeunesse"), 0, 1),
        (("", "", "OO2. Aller vers", "2. Animateur de rue"), 0, 1),
    )


@pytest.mark.parametrize("word", ["FICHES ACTIONS", "Fiches actions", "ACTIONS", "Fiche action", "Liste des actions"])
def test_regression_summary_told_by_its_fiches_column_in_other_words(word):
    # the summary was told only by a literal `FICHES ACTION…` cell: `ACTIONS` → no plan found
    document = summary_rows("AXE STRATEGIQUE I", "OBJECTIFS INTERMÉDIAIRES", "OBJECTIFS OPÉRATIONNELS", word)
    assert detect_kind(document) is DocumentKind.priorisation


def test_summary_list_header_needs_the_summary_shape(tmp_path):
    # `ACTIONS` beside no axe or objective column is no summary's header
    assert detect_kind(summary_rows("THÈME", "PUBLIC", "COMMENTAIRE", "ACTIONS")) is None
    mesures = summary_rows("AXE 1", "OBJECTIF GÉNÉRAL", "OBJECTIF OPÉRATIONNEL", "MESURES")
    assert detect_kind(mesures) is None
    profile = profile_file(tmp_path, '[summary]\nlist_headers = ["MESURES"]\n')
    assert "ACTIONS" in profile.summary.list_headers  # the default's words are kept
    assert detect_kind(mesures, profile) is DocumentKind.priorisation


# ---- fiche-form labels are profile data ---------------------------------------------------------

def test_fiche_labels_are_profile_data_a_file_extends(tmp_path):
    # a label only the territory uses names its field; the default's labels still read
    profile = profile_file(tmp_path, '[labels.leading]\nstatut = ["PRIORITE"]\ndescription = ["CONTEXTE"]\n')
    assert "PILOTE" in profile.labels.leading["porteur"] and "PRIORITE" in profile.labels.leading["statut"]
    assert label_field("Priorité") is None and label_field("Priorité", profile) == "statut"
    assert label_field("Structure pilote", profile) == "porteur"
    document = write_text_export(tmp_path / "fiches.txt")
    default = {a.numero: a for t in convert([document]).plan.thematiques for a in t.all_actions()}
    assert default[6].autres == {"Priorité": "Haute"} and default[6].statut is None
    read = {a.numero: a for t in convert([document], profile=profile).plan.thematiques for a in t.all_actions()}
    assert read[6].statut == "Haute" and read[6].autres == {}
    assert read[10].description.endswith("\nRenouvellement difficile des bureaux associatifs") and read[10].autres == {}


def test_the_longest_label_entry_decides(tmp_path):
    # `OBJECTIF` (objectifs) leads `Objectif de développement`; a longer entry the profile adds wins
    assert label_field("Objectif de développement") == "objectifs"
    profile = profile_file(tmp_path, '[labels.leading]\noi = ["OBJECTIF DE DEVELOPPEMENT"]\n')
    assert label_field("Objectifs de développement", profile) == "oi"
    assert label_field("Moyens humains", profile) == "moyens_humains" and label_field("Moyens", profile) == "moyens_techniques"


@pytest.mark.parametrize("text, message", [
    ('[labels.leading]\nporteurs = ["CHEF DE FILE"]\n', "line 2: labels.leading: unknown field 'porteurs'"),
    ('[labels]\nwhole = ["ACTION"]\n', "line 2: labels.whole: Input should be a valid dictionary"),
    ('[labels.whole]\ntitre = ["--"]\n', "line 2: labels.whole.titre: '--' has no letter or digit"),
])
def test_a_wrong_label_is_one_line_naming_it(tmp_path, text, message):
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    result = run_pgt("profile", "--check", str(bad))
    assert result.returncode == 2 and message in result.stderr and result.stderr.strip().count("\n") == 0


@pytest.mark.parametrize("command", [
    ["convert", "raw/", "-o", "{tmp}/out"],
    ["check", "raw/"],
    ["diff", "raw/", "raw/"],
    ["diff", "raw/", "raw/", "--overrides", "{tmp}/fixes.csv"],
    ["export", "tet", "raw/", "-o", "{tmp}/plan-tet.xlsx"],
])
def test_every_command_reading_a_plan_takes_the_profile(tmp_path, command):
    # a wrong profile is refused the same way by each, before anything is read or written
    (tmp_path / "fixes.csv").write_text("record_id,field,value,note\n", encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text("[thresholds]\nlabel_fuzzy = 101\n", encoding="utf-8")
    result = run_pgt(*[part.format(tmp=tmp_path) for part in command], "--profile", str(bad))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and "bad.toml: line 2: thresholds.label_fuzzy" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "fixes.csv"]


# ---- `pgt profile FILE` prints the effective profile, commented, and it loads back --------------

EXTENSION = """[[thematiques]]
code = "acces_aux_droits"
headings = ["Point d'accès au droit"]

[[thematiques]]
code = "ruralite"
titre = "Ruralité"
headings = ["Vivre en milieu rural"]

[fields]
porteur = ["CHEF DE FILE", "STRUCTURE RÉFÉRENTE"]

[labels.leading]
statut = ["PRIORITE"]
parcours = ["PARCOURS"]

[headings]
axe_words = ["CHANTIER"]

[summary]
list_headers = ["MESURES"]

[layouts]
jeunesse = ["titre", "porteur"]

[words]
acronymes = ["CCVA"]
typos = {"Vaidation" = "Validation"}

[thresholds]
header_fuzzy = 85
label_fuzzy = 90.0

[pdf]
ocr_dpi = 400
row_start_patterns = ['^MESURE \\d']
"""


def test_regression_pgt_profile_file_prints_the_effective_profile_commented(tmp_path):
    # `pgt profile FILE` printed the merged values with the section comments only: no comment
    # of a key, none between the thématiques; it must read like the default, values merged
    extension = tmp_path / "vallee.toml"
    extension.write_text(EXTENSION, encoding="utf-8")
    printed = run_pgt("profile", str(extension))
    assert printed.returncode == 0, printed.stderr
    text = printed.stdout
    assert text.startswith(f"# pgt plan profile: the effective profile (the built-in default extended by {extension})")
    default = (ROOT / "settings" / "data" / "default.toml").read_text(encoding="utf-8")
    comments = [line.split("#", 1)[1] for line in default.splitlines()[1:] if "#" in line]
    assert all(comment in text for comment in comments)  # every comment kept, trailing ones too
    assert "header_fuzzy = 85.0        # rapidfuzz ratio (0-100) from which a misspelt header is its field" in text
    assert "ocr_dpi = 400\n" in text and '"CO PILOTE", "CHEF DE FILE", "STRUCTURE RÉFÉRENTE"]' in text
    assert "[[thematiques]]\ncode = \"ruralite\"\ntitre = \"Ruralité\"" in text
    assert text.index('code = "ruralite"') < text.index("# ---- columns and labels")  # with the other thématiques
    assert "parcours = [\"PARCOURS\"]" in text and "jeunesse = [\"titre\", \"porteur\"]" in text
    assert "'^MESURE \\d']" in text and "typos = {Vaidation = \"Validation\"}" in text
    assert max(len(line) for line in text.splitlines()[1:] if line not in default.splitlines()) <= 120  # wrapped
    effective = tmp_path / "effective.toml"
    effective.write_text(text, encoding="utf-8")
    checked = run_pgt("profile", "--check", str(effective))
    assert checked.returncode == 0 and "valid profile (16 thématiques" in checked.stdout
    assert load_profile(effective) == load_profile(extension)  # the same profile, extended again
    again = run_pgt("profile", str(effective)).stdout
    assert again.split("\n", 1)[1] == text.split("\n", 1)[1]  # a fixed point (but the file it names)
    assert run_pgt("profile").stdout == default  # no file: the default as shipped


def test_regression_fiche_forms_and_record_tables_read_the_profiles_thematiques(tmp_path):
    # the fiche-form and record-table builders named thématiques by the default profile only:
    # a heading the territory's profile names became a slug of its own
    profile = profile_file(tmp_path, '[[thematiques]]\ncode = "acces_aux_droits"\nheadings = ["Point justice"]\n\n'
                                     '[[thematiques]]\ncode = "ruralite"\ntitre = "Ruralité"\nheadings = ["Vivre au pays"]\n')
    assert thematique_code("Point justice") == "point_justice"
    assert thematique_code("Point justice", profile) == "acces_aux_droits"
    csv = record_csv(tmp_path, "Thématique;Titre;Pilote;Calendrier", "Vivre au pays;Ouvrir une épicerie;CCAS;2025",
                     "Point justice;Tenir une permanence;CDAD;2026")
    assert [t.code for t in convert([csv]).plan.thematiques] == ["vivre_au_pays", "point_justice"]
    plan = convert([csv], profile=profile).plan
    assert [(t.code, t.titre) for t in plan.thematiques] == [("ruralite", "Ruralité"),
                                                              ("acces_aux_droits", "Accès aux droits")]


def test_long_fiche_thematique_title_is_coded_by_the_profiles_headings(tmp_path):
    # a title too long for a heading was coded by a list of domain words in fiche.py, apart
    # from the profile: a territory's heading did not count
    long = "Vie des familles du territoire et point justice pour les habitants des communes rurales de la vallée"
    assert thematique_code(long) == "vie_des_familles_du_territoire_et_point_justice_pour_les_hab"  # its slug
    profile = profile_file(tmp_path, '[[thematiques]]\ncode = "acces_aux_droits"\nheadings = ["Point justice"]\n')
    assert thematique_code(long, profile) == "acces_aux_droits"
    assert thematique_code("Espaces de vie sociale, centres sociaux et vie associative des communes rurales du "
                           "territoire de la vallée") == "animation_vie_sociale"


def test_note_label_words_bounds_a_notes_cells_named_value(tmp_path):
    text = "Financeurs 2024 de la commune : CAF"
    assert [b.label for b in labelled_lines(text, named=True)[1]] == ["Financeurs 2024 de la commune"]
    short = profile_file(tmp_path, "[thresholds]\nnote_label_words = 3\n").thresholds
    assert labelled_lines(text, named=True, thresholds=short) == ([text], [])


def test_regression_profile_header_spelling_read_in_a_workbook(tmp_path):
    # a territory's `[fields]` spelling was read in its documents but not in its workbooks:
    # the record-table vocabulary ignored the profile (the column went to `autres`)
    csv = record_csv(tmp_path, "Titre;Chef de file;Public cible;Calendrier", "Créer un RPE;Mairie de Vallée;Familles;2024",
                     "Ouvrir un local jeunes;CCAS;11-17 ans;2025")
    plain = convert([csv]).plan
    action = next(plain.walk_actions())[3]
    assert action.porteur is None and action.autres == {"Chef de file": "Mairie de Vallée"}
    assert any(a.code == "unknown_header" for a in plain.anomalies)
    profile = profile_file(tmp_path, '[fields]\nporteur = ["Chef de file"]\n')
    plan = convert([csv], profile=profile).plan
    actions = [a for *_, a in plan.walk_actions()]
    assert [(a.titre, a.porteur, a.autres) for a in actions] == [
        ("Créer un RPE", "Mairie de Vallée", {}), ("Ouvrir un local jeunes", "CCAS", {})]
    assert not any(a.code == "unknown_header" for a in plan.anomalies)


def test_record_table_words_are_profile_data(tmp_path):
    """A record table's header spellings, keywords, hint openings, group and notes headers are
    `[records]` data: a territory's workbook says `Chef de projet`, `Portage politique` above
    its header, `À compléter` in its row of hints, `Suivi` for its notes."""
    csv = record_csv(tmp_path, "Portage politique;;;;", "Titre;Chef de projet;Public cible;Calendrier;Suivi",
                     "À compléter;À compléter;À compléter;À compléter;À compléter",
                     "Créer un RPE;Mairie de Vallée;Familles;2024;Statut : en cours",
                     "Ouvrir un local jeunes;CCAS;11-17 ans;2025;Élu référent : M. Dupont")
    plain = convert([csv]).plan
    assert [t.titre for t in plain.thematiques] == ["Portage politique"]  # taken for the plan's title
    assert [a.titre for a in plain.all_actions()] == ["À compléter", "Créer un RPE", "Ouvrir un local jeunes"]
    assert plain.all_actions()[1].autres == {"Chef de projet": "Mairie de Vallée", "Suivi": "Statut : en cours"}
    profile = profile_file(tmp_path, """
[records]
group_headers = ["PORTAGE POLITIQUE"]
hint_openings = ["A COMPLETER"]
note_headers = ["SUIVI"]

[records.fields]
porteur_table = ["CHEF DE PROJET"]
autres = ["SUIVI"]
""")
    plan = convert([csv], profile=profile).plan
    first, second = plan.all_actions()
    assert (first.titre, first.porteur, first.statut, first.autres) == ("Créer un RPE", "Mairie de Vallée", "en cours", {})
    assert second.autres == {"Élu référent": "M. Dupont"}  # a label of the notes column names its value
    codes = [a.code for a in plan.anomalies]
    assert "group_header" in codes and "hint_row" in codes and "unknown_header" not in codes
    # a keyword: a header holding the word names the field, however the rest reads
    keyword = record_csv(tmp_path, "Titre;Structure cheffe de file;Public cible;Calendrier",
                         "Créer un RPE;Mairie;Familles;2024")
    assert convert([keyword]).plan.all_actions()[0].porteur is None
    profile = profile_file(tmp_path, '[records.keywords]\nporteur_table = ["CHEFFE"]\n')
    assert convert([keyword], profile=profile).plan.all_actions()[0].porteur == "Mairie"


def test_pgt_profile_prints_a_profiles_record_words_that_load_back(tmp_path):
    path = tmp_path / "records.toml"
    path.write_text('[records]\nnote_headers = ["SUIVI"]\n[records.keywords]\nporteur_table = ["CHEFFE"]\n',
                    encoding="utf-8")
    printed = run_pgt("profile", str(path))
    assert printed.returncode == 0, printed.stderr
    data = tomllib.loads(printed.stdout)
    assert data["records"]["note_headers"][-1] == "SUIVI"
    assert data["records"]["keywords"]["porteur_table"] == ["CHEFFE"]
    assert list(data["records"]["keywords"])[:2] == ["titre", "oo"]  # the default's order kept: it decides
    effective = tmp_path / "effective.toml"
    effective.write_text(printed.stdout, encoding="utf-8")
    assert load_profile(effective).records == load_profile(path).records


# ---- issue 11's leftovers: the OCR, fiche-form and labelled-line values as profile data ---------

def test_ocr_doubtful_confidence_is_profile_data(tmp_path, monkeypatch):
    """A short cell OCR read under `[pdf] ocr_doubtful_confidence` is read again on its own
    (one more Tesseract call); at a lower setting, the same cell is trusted."""
    import numpy as np

    from pgt.extract import ocr

    calls: list[int] = []
    monkeypatch.setattr(ocr, "run_tesseract", lambda gray, dpi, language, psm=3: calls.append(psm) or [])
    gray = np.full((200, 200), 255, dtype=np.uint8)
    gray[80:120, 90:110] = 0  # the ink of a short cell (`1`)

    def reread(text: str) -> int:
        settings = PdfSettings(**profile_file(tmp_path, f"[pdf]\n{text}\n").pdf.model_dump())
        calls.clear()
        ocr._reread_doubtful_cells(gray, 72, "fra", [[(40.0, 40.0, 160.0, 160.0)]], [["1"]], [[60.0]],
                                   settings.ocr_doubtful_confidence)
        return len(calls)

    assert PdfSettings().ocr_doubtful_confidence == default_profile().pdf.ocr_doubtful_confidence == 80.0
    assert reread("") == 1  # read at 60 %: doubtful under the default 80
    assert reread("ocr_doubtful_confidence = 50") == 0


def test_fiche_label_numbers_are_profile_thresholds(tmp_path):
    assert label_field("Structure pilote de l'action") == "porteur"
    few_words = profile_file(tmp_path, "[thresholds]\nlabel_max_words = 3\n")
    assert label_field("Structure pilote de l'action", few_words) is None
    # a misspelt first word matched alone (the whole label is too far from any)
    assert label_field("Calendrler des actions envisagées") == "echeances"
    assert label_field("Calendrler des actions envisagées",
                       profile_file(tmp_path, "[thresholds]\nlabel_first_word_min = 11\n")) is None
    long = "Thématique : Jeunesse et " + "vie étudiante " * 8
    assert match_thematique_heading(long) is None  # longer than 120 characters: text
    wide = profile_file(tmp_path, "[thresholds]\nfiche_thematique_max_chars = 200\n")
    assert match_thematique_heading(long, wide).titre.startswith("Jeunesse et vie étudiante")
    # `Label : value` in one cell: the label as long as `label_max_chars` allows
    label = "Structure pilote " + "x" * 50
    assert split_inline_label(f"{label} : CCAS") is None
    assert split_inline_label(f"{label} : CCAS", profile_file(tmp_path, "[thresholds]\nlabel_max_chars = 90\n")) == (
        label, "porteur", "CCAS")


def test_default_thematique_of_fiche_forms_is_profile_data(tmp_path):
    path = tmp_path / "fiches.txt"
    path.write_text("Fiche action n°1 – Créer un lieu d'accueil parents-enfants\n\nPilote\tCentre social\n"
                    "Public cible\tFamilles\nCalendrier\t2024-2026\n", encoding="utf-8")
    [thematique] = convert([path]).plan.thematiques
    assert (thematique.code, thematique.titre) == ("plan", "Plan d'actions")
    profile = profile_file(tmp_path, '[phrases]\ndefault_thematique_code = "fiches"\n'
                                     'default_thematique = "Fiches actions de la CTG"\n')
    plan = convert([path], profile=profile).plan
    [thematique] = plan.thematiques
    assert (thematique.code, thematique.titre) == ("fiches", "Fiches actions de la CTG")
    assert thematique.all_actions()[0].porteur == "Centre social"
    assert any(a.code == "inferred_thematique" and "Fiches actions de la CTG" in a.message for a in plan.anomalies)


def test_regression_profile_field_spelling_read_in_a_labelled_line(tmp_path):
    """A free-text cell's `Chef de file : Mairie` line: the profile's `[fields]` spelling of
    the porteur was honoured in record-table headers (`record_header`) but not in labelled
    lines, which matched the built-in vocabulary only: the line stayed in the description."""
    csv = record_csv(tmp_path, "Axe;Titre;Calendrier;Descriptif",
                     '1. Petite enfance;Créer un RPE;2024;"Ouvrir un relais\nChef de file : Mairie"',
                     '2. Jeunesse;Ouvrir un local;2025;"Un local\nPublic visé : jeunes"')
    before = convert([csv]).plan.all_actions()
    assert before[0].porteur is None and before[0].description == "Ouvrir un relais\nChef de file : Mairie"
    profile = profile_file(tmp_path, '[fields]\nporteur = ["CHEF DE FILE"]\n')
    actions = convert([csv], profile=profile).plan.all_actions()
    assert (actions[0].porteur, actions[0].description) == ("Mairie", "Ouvrir un relais")
    assert (actions[1].public_vise, actions[1].description) == ("jeunes", "Un local")
    lead, blocks = labelled_lines("Intro\nChef de file : CCAS", profile=profile)
    assert lead == ["Intro"] and [(b.label, b.field) for b in blocks] == [("Chef de file", "porteur")]


def test_headerless_table_layout_is_chosen_by_the_profiles_layouts(tmp_path):
    """A table no header names takes the `[layouts]` entry named by its thématique's code,
    else `standard` (it was `enfance` / `parentalite` by code, written in the builder)."""
    from test_builder_cases import detail

    text = detail("1. Créer un RPE\t1\tMairie\tFamilles\t2024\tCAF\t1 ETP\tSalle\t5000\tNombre de familles") + (
        "\nTHEMATIQUE JEUNESSE\n\nAXE STRATEGIQUE I\nTitre de l'axe\n\nOBJECTIF INTERMEDIAIRE 1\nTitre de l'OI\n\n"
        "1. Ouvrir un local jeunes\tCentre social\tLycéens du territoire\t2025-2026\n")
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    expected = ("Centre social", "Lycéens du territoire", "2025-2026")
    standard = convert([path]).plan  # the standard layout (titre, oo, porteur…): its cells realigned
    local = next(a for a in standard.all_actions() if a.id == "jeunesse-1-1-1")
    assert (local.porteur, local.public_vise, local.echeances) == expected
    assert [a.record_id for a in standard.anomalies if a.code == "realigned_cells"] == ["jeunesse-1-1-1"]
    profile = profile_file(tmp_path, '[layouts]\njeunesse = ["titre", "porteur", "public_vise", "echeances"]\n')
    own = convert([path], profile=profile).plan  # the thématique's own layout: read in place
    local = next(a for a in own.all_actions() if a.id == "jeunesse-1-1-1")
    assert (local.porteur, local.public_vise, local.echeances) == expected
    assert not any(a.code == "realigned_cells" for a in own.anomalies)
    bad = tmp_path / "bad.toml"
    bad.write_text('[layouts]\njeunesse = ["titre", "porteurs"]\n', encoding="utf-8")
    result = run_pgt("profile", "--check", str(bad))
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0
    assert "layouts: layout 'jeunesse': unknown field 'porteurs'" in result.stderr
