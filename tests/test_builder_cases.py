"""Focused cases of the structure builder: each heading form, header variants, a shifted
row, a continuation row, an offer row. Small text exports built in the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgt.settings import headings as pat
from pgt.structure.realign import place_cells
from pgt.settings.headers import canonical_header
from pgt.pipeline import convert

HEADER = "ACTIONS\tOO\tPORTEUR DE PROJETS\tPUBLIC VISE\tECHANGES DE REALISATION CALENDRIER\tPARTENAIRES\tHUMAINS\tTECHNIQUES\tFINANCIERS\tINDICATEURS EVALUATION"


def plan_of(tmp_path: Path, text: str, name: str = "plan.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return convert([path]).plan


def detail(body: str, thematique: str = "THEMATIQUE PETITE ENFANCE") -> str:
    return f"{thematique}\n\nAXE STRATEGIQUE I\nTitre de l'axe\n\nOBJECTIF INTERMEDIAIRE 1\nTitre de l'OI\n\n" \
           f"OBJECTIFS OPERATIONNELS\t1\tOO1. Premier OO\t\t\n\t2\tOO2. Second OO\t\t\n{HEADER}\n{body}\n"


@pytest.mark.parametrize("text, numero, titre", [
    ("AXE STRATEGIQUE II", 2, ""),
    ("AXE STRATEGIQUE I : Favoriser l'épanouissement", 1, "Favoriser l'épanouissement"),
    ("AXE STRATÉGIQUE I . Renforcement du lien social :", 1, "Renforcement du lien social"),
    ("AXE STRATEGIQUE IV Créer les conditions favorables", 4, "Créer les conditions favorables"),
])
def test_axe_heading_forms(text, numero, titre):
    found = pat.match_axe(text)
    assert (found.numero, found.titre) == (numero, titre)


@pytest.mark.parametrize("text, numero, titre", [
    ("OBJECTIF INTERMEDIAIRE 2", 2, ""),
    ("OBJECTIF INTERMEDIAIRE 2 Maintenir une offre qualitative", 2, "Maintenir une offre qualitative"),
    ("OBJECTIF INTERMÉDIAIRE 3 : Favoriser la mixité", 3, "Favoriser la mixité"),
])
def test_oi_heading_forms(text, numero, titre):
    found = pat.match_oi_heading(text)
    assert (found.numero, found.titre) == (numero, titre)


@pytest.mark.parametrize("text, code", [
    ("THEMATIQUE PETITE ENFANCE", "petite_enfance"),
    ("PGT PETITE ENFANCE - PRIORISATION DES ACTIONS (réactualisé en décembre 21)", "petite_enfance"),
    ("ENFANCE", "enfance"),
    ("Le Thème de l'enfance de 3 à 11 ans", "enfance"),
    ("Le Thème de l'enfance de la jeunesse et de la vie étudiante 12-30 ans", "jeunesse"),
    ("THEMATIQUE JEUNESSE ET VIE ETUDIANTE 12-30 ANS", "jeunesse"),
    ("COHÉSION SOCIALE", "cohesion_sociale"),
    ("PGT PARENTALITE", "parentalite"),
    ("THEMATIQUE 3 Poursuivre le CLAS", None),  # a parentalité group, not a thématique
])
def test_thematique_heading_forms(text, code):
    assert pat.thematique_of_heading(text) == code


def test_oi_cell_forms():
    assert pat.match_oi_cell("OI 1 : Conserver un taux").titre == "Conserver un taux"
    assert pat.match_oi_cell("OI 2 Maintenir une offre").numero == 2
    assert pat.match_oo_cell("1 OO1. Garantir des moyens").numero == 1
    assert pat.match_oo_cell("OO1.Améliorer l'accès").titre == "Améliorer l'accès"


def test_action_number_versus_fiche_list():
    assert pat.match_action_number("12. Réaliser un partenariat").numero == 12
    assert pat.match_action_number("3.13.10. A l'échelle") is None
    assert pat.match_fiche_list("1,2,3,7,9,10,13. A l'échelle")[0] == [1, 2, 3, 7, 9, 10, 13]
    assert pat.match_fiche_list("12,10. A l'échelle")[0] == [12, 10]
    assert pat.split_fiches("Fiche 16 : Développer Fiche 17 : Proposer") == [(16, "Développer"), (17, "Proposer")]


@pytest.mark.parametrize("header, field", [
    ("ECHANGES DE REALISATION CALENDRIER", "echeances"),
    ("ECHANCES DE REALISATION CALENDRIER", "echeances"),
    ("ECHANES DE REALISATION CALENDRIER", "echeances"),
    ("EHEANCES DE REALISATION CALENDRIER", "echeances"),
    ("ECEANCES DE REALISATION CALENDRIER", "echeances"),
    ("INDICATEURS ÉVALUATION", "indicateurs"),
    ("MOYENS – LEVIERS D' ACTIONS", "moyens"),
    ("MOYENS", "moyens"),
    ("exemple d'offres existantes ou envisagées (liste non exhaustives)", "offre"),
    ("LISTE D' ACTIONS EXISTANTES OU A VENIR (NON EXHAUSTIVE)", "titre"),
])
def test_header_variants(header, field):
    assert canonical_header(header).field == field


def test_two_line_header_with_merged_moyens(tmp_path):
    body = "1. Une action\t1\tRPE\tfamilles\t2023\tCAF\tagents\tsalle\tsubvention\tNombre de familles"
    text = detail("", "THEMATIQUE PETITE ENFANCE").replace(
        HEADER,
        "ACTIONS\tOO\tPORTEUR DE PROJETS\tPUBLIC VISE\tECHÉANCES DE RÉALISATION CALENDRIER\tPARTENAIRES\t"
        "MOYENS – LEVIERS D'ACTIONS\t\t\tINDICATEURS EVALUATION\n\t\t\t\t\t\tHUMAINS\tTECHNIQUES\tFINANCIERS\t",
    ) + body + "\n"
    action = plan_of(tmp_path, text).all_actions()[0]
    assert (action.moyens_humains, action.moyens_techniques, action.moyens_financiers) == ("agents", "salle", "subvention")
    assert action.indicateurs == ["Nombre de familles"]


def test_action_number_in_second_cell(tmp_path):
    body = "\t3. Action décalée\t1\tRPE\tfamilles\t2022-2023\t\t\t\t\t"
    action = plan_of(tmp_path, detail(body)).all_actions()[0]
    assert (action.numero, action.titre, action.oo, action.porteur, action.echeances) == (
        3, "Action décalée", [1], "RPE", "2022-2023")


def test_shifted_row_put_back_by_content(tmp_path):
    # the OO column is missing: every cell sits one column to the left
    body = "5. Action sans OO\tRPE\tfamilles\t2022-2024\tPôle Emploi\t\t\t\tTaux de participation"
    plan = plan_of(tmp_path, detail(body))
    action = plan.all_actions()[0]
    assert action.porteur == "RPE" and action.echeances == "2022-2024"
    assert action.indicateurs == ["Taux de participation"]
    assert any(a.code == "realigned_cells" and a.record_id == action.id for a in plan.anomalies)


def test_place_cells_moves_a_period_to_echeances():
    fields = ["oo", "porteur", "public_vise", "echeances", "partenaires", "indicateurs"]
    placement = place_cells([(0, "1"), (1, "RPE"), (2, ""), (3, "Nombre de demandes"), (4, "2023-2024")], fields)
    assert placement.values["echeances"] == "2023-2024"
    assert placement.values["indicateurs"] == "Nombre de demandes"


def test_titleless_row_in_a_numbering_gap_is_an_action(tmp_path):
    body = ("1. Première\t1\tBIJ\t12-30 ans\t2022\t\t\t\t\t\n"
            "\t1\tDirection de la Jeunesse\t12-30 ans\t2022-27\t\t\t\t\t\n"
            "3. Troisième\t2\tBIJ\t12-30 ans\t2023\t\t\t\t\t")
    plan = plan_of(tmp_path, detail(body, "THEMATIQUE JEUNESSE ET VIE ETUDIANTE 12-30 ANS"))
    actions = plan.all_actions()
    assert [a.numero for a in actions] == [1, 2, 3]
    assert actions[1].titre is None and actions[1].porteur == "Direction de la Jeunesse"
    assert any(a.code == "missing_title" and a.record_id == actions[1].id for a in plan.anomalies)


def test_continuation_row_merges_into_its_action(tmp_path):
    body = ("1. Première\t1\tBIJ\t12-30 ans\t2022\t\t\t\t\t\n"
            "\t\t\t\t\t\t\t\tCRU\t\n"
            "2. Deuxième\t2\tBIJ\t12-30 ans\t2023\t\t\t\t\t")
    plan = plan_of(tmp_path, detail(body))
    actions = plan.all_actions()
    assert [a.numero for a in actions] == [1, 2]
    assert actions[0].moyens_financiers == "CRU"
    assert any(a.code == "continuation_merged" for a in plan.anomalies)


def test_offer_rows_of_enfance(tmp_path):
    header = ("ACTIONS\tOO\texemple d'offres existantes ou envisagées (liste non exhaustive)\tPORTEUR DE PROJETS\t"
              "PUBLIC VISE\tECHEANCES DE REALISATION CALENDRIER\tPARTENAIRES\tMOYENS – LEVIERS D'ACTIONS\t\t\t"
              "PARCOURS PERISCOLAIRE ET EXTRASCOLAIRE\tINDICATEURS EVALUATION\n"
              "\t\t\t\t\t\t\tHUMAINS\tTECHNIQUES\tFINANCIERS\t\t")
    body = ("8. Lire\t2\tConcours Lire sur la vague\tAssociation\tTous les enfants\tannée scolaire\tCAF\tenseignants\t"
            "matériel\tDotations des écoles\tJe m'éveille\tAdhésion des écoles\n"
            "\t\tProjet Livrodrome\tCNL\tCM2\t\tService jeunesse\tintervenants\t\tSubvention\t\tTaux de participation")
    text = detail("", "THEMATIQUE ENFANCE").replace(HEADER, header) + body + "\n"
    action = plan_of(tmp_path, text).all_actions()[0]
    assert [o.libelle for o in action.offres] == ["Concours Lire sur la vague", "Projet Livrodrome"]
    assert action.offres[1].porteur == "CNL" and action.offres[1].indicateurs == ["Taux de participation"]
    assert action.offres[0].parcours == "Je m'éveille"


def test_action_title_in_the_oo_table(tmp_path):
    text = ("THEMATIQUE ENFANCE\n\nAXE STRATEGIQUE III\nPromouvoir\n\nOBJECTIF INTERMEDIAIRE 1\nProposer\n\n"
            "63. Contribution au développement\tOO1. Créer des partenariats\t\t\n\tOO2. Favoriser la qualification\t\t\n"
            f"{HEADER}\n64. Maintien\t2\tLes écoles\t\t\t\t\t\t\t\n")
    plan = plan_of(tmp_path, text)
    first = plan.all_actions()[0]
    assert (first.numero, first.oo) == (63, [1])
    assert any(a.code == "action_in_oo_table" for a in plan.anomalies)


def test_missing_axe_heading_is_inferred(tmp_path):
    # as in the detail document: OI 1 again after OI 2, with no axe heading in between
    more = ("\nOBJECTIF INTERMEDIAIRE {n}\nOI {n}\n\nOBJECTIFS OPERATIONNELS\t1\tOO1. X\t\t\n"
            f"{HEADER}\n{{a}}. Action\t1\tRPE\t\t\t\t\t\t\t\n")
    text = detail("1. Une\t1\tRPE\t\t\t\t\t\t\t") + more.format(n=2, a=2) + more.format(n=1, a=3)
    plan = plan_of(tmp_path, text)
    assert [axe.numero for axe in plan.thematiques[0].axes] == [1, 2]
    assert [a.id for a in plan.all_actions()] == ["petite_enfance-1-1-1", "petite_enfance-1-2-2", "petite_enfance-2-1-3"]
    assert any(a.code == "inferred_axe" for a in plan.anomalies)


def test_text_without_plan_is_refused(tmp_path):
    from pgt.errors import NoPlanFound

    with pytest.raises(NoPlanFound, match="no plan found"):
        plan_of(tmp_path, "Une lettre\n\nsans tableau\tni plan\n")


def test_regression_place_cells_with_no_field_leaves_every_cell_over():
    # the pruned alignment crashed (max() of an empty sequence) on an offer row of a
    # LibreOffice PDF whose header left no field to place on
    placement = place_cells([(0, "ALSH + service jeunesse"), (1, "Enfants 10-15 ans")], [])
    assert placement.values == {} and placement.overflow == [(0, "ALSH + service jeunesse"), (1, "Enfants 10-15 ans")]
