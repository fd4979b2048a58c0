"""The real documents of raw/: figures a reader can check by eye."""

from __future__ import annotations

from collections import Counter

from helpers import actions_by_id


def numbers(plan, code):
    return sorted(a.numero for a in plan.thematique(code).all_actions() if a.numero is not None)


def test_document_kinds_detected_from_content(raw_plan):
    kinds = {d.name: d.kind.value for d in raw_plan.documents}
    assert kinds == {"pgt-fiches-actions.txt": "fiches_actions", "pgt-priorisation.txt": "priorisation"}
    assert all(len(d.sha256) == 64 for d in raw_plan.documents)


def test_five_thematiques_in_order(raw_plan):
    assert [t.code for t in raw_plan.thematiques] == [
        "petite_enfance", "enfance", "jeunesse", "cohesion_sociale", "parentalite"]


def test_petite_enfance_axes_and_actions(raw_plan):
    thematique = raw_plan.thematique("petite_enfance")
    assert [axe.numero for axe in thematique.axes] == [1, 2, 3, 4]
    assert numbers(raw_plan, "petite_enfance") == list(range(1, 24))
    # axe III has no heading in the detail document: inferred, and reported
    assert any(a.code == "inferred_axe" and a.line == 91 for a in raw_plan.anomalies)
    axe3 = thematique.axes[2]
    assert [a.numero for oi in axe3.objectifs_intermediaires for a in oi.actions] == [20, 21, 22]


def test_enfance_three_axes_up_to_88(raw_plan):
    thematique = raw_plan.thematique("enfance")
    assert [axe.numero for axe in thematique.axes] == [1, 2, 3]
    assert max(numbers(raw_plan, "enfance")) == 88
    assert set(numbers(raw_plan, "enfance")) == set(range(1, 89))


def test_jeunesse_four_axes_actions_1_to_61(raw_plan):
    thematique = raw_plan.thematique("jeunesse")
    assert [axe.numero for axe in thematique.axes] == [1, 2, 3, 4]
    assert numbers(raw_plan, "jeunesse") == list(range(1, 62))


def test_cohesion_sociale_four_axes_with_unnumbered_actions(raw_plan):
    thematique = raw_plan.thematique("cohesion_sociale")
    assert [axe.numero for axe in thematique.axes] == [1, 2, 3, 4]
    actions = thematique.all_actions()
    assert len(actions) == 11 and all(a.numero is None for a in actions)
    first = actions[0]
    assert first.titre.startswith("A l'échelle de l'Agglomération Cafés partenariats")
    assert first.fiches_liees == [10, 12]
    assert first.oo == [1, 2, 3]


def test_parentalite_six_groups(raw_plan):
    thematique = raw_plan.thematique("parentalite")
    assert [axe.numero for axe in thematique.axes] == [1, 2, 3, 4, 5, 6]
    assert thematique.axes[2].titre.startswith("Poursuivre le CLAS")
    assert [a.titre for a in thematique.axes[2].actions] == [
        "CLAS 3 écoles en REP + école des Arènes", "Clubs Coup de Pouce"]


def test_action_fields_in_the_right_columns(raw_plan):
    actions = actions_by_id(raw_plan)
    action = actions["petite_enfance-1-1-4"]
    assert action.titre.startswith("Organiser un forum de la petite enfance")
    assert action.oo == [4, 5]
    assert action.porteur == "Pôle Petite Enfance CCAS/CIAS"
    assert action.echeances == "2023"
    assert action.moyens_techniques == "location salle, supports de communication"
    assert action.moyens_financiers == "Subvention appel à projet CAF"
    assert action.indicateurs[0].startswith("taux de participation")
    action = actions["jeunesse-2-3-22"]
    assert action.porteur == "Développement économique"
    assert action.moyens_humains == "1 coordinatrice campus connecté"


def test_enfance_actions_carry_their_offers(raw_plan):
    action = actions_by_id(raw_plan)["enfance-1-1-1"]
    assert [o.libelle for o in action.offres] == [
        "Festival Atout cœur", "Festival Les culturelles", "La grande lessive", "Carnaval",
        "Appel à projet chant choral", "Mont de Marsan Sculptures"]
    assert action.offres[1].porteur == "Fédération Départementale des Foyers Ruraux des Landes"
    assert action.offres[0].parcours.startswith("Je m'éveille aux arts")
    assert sum(len(a.offres) for a in raw_plan.thematique("enfance").all_actions()) > 120


def test_summary_fiches(raw_plan):
    by_thematique = Counter(f.thematique for f in raw_plan.fiches)
    enfance = sorted(f.numero for f in raw_plan.fiches if f.thematique == "enfance")
    assert enfance == list(range(1, 94))
    assert by_thematique["petite_enfance"] == 23
    fiche = next(f for f in raw_plan.fiches if f.id == "enfance-f72")
    assert fiche.titre.startswith("Pérennisation du CLAS")
    assert (fiche.axe, fiche.oi, fiche.oo) == (3, 2, [2])
    jeunesse = next(f for f in raw_plan.fiches if f.id == "jeunesse-f1")
    assert jeunesse.titre == "Recensement/ actualisation des dispositifs locaux"
    annexed = [f for f in raw_plan.fiches if f.thematique == "cohesion_sociale"]
    assert annexed[1].fiches_annexees == [1, 2, 3, 7, 9, 13, 10]


def test_no_cell_dropped_silently(raw_plan):
    for document in raw_plan.documents:
        unplaced = document.non_empty_cells - document.placed_cells
        listed = sum(len(a.cells) for a in raw_plan.anomalies
                     if a.document == document.name and a.code in ("unplaced_cells", "separator"))
        assert listed >= unplaced, document.name
    assert raw_plan.coverage > 0.99
    separator = next(a for a in raw_plan.anomalies if a.code == "separator")
    assert (separator.document, separator.line) == ("pgt-priorisation.txt", 99)


def test_ids_unique_and_stable(raw_plan):
    ids = [a.id for a in raw_plan.all_actions()]
    assert len(ids) == len(set(ids))
    assert "enfance-3-2-69" in ids and "jeunesse-1-1-2" in ids
