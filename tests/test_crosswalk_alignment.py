"""The crosswalk as a one-to-one alignment per objective (issue 14): order and place pair
the paraphrased fiches, each pair has a confidence."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from helpers import actions_by_id

from pgt.normalize.crosswalk import Placed, _across_objectives, _one_to_one, match, pair_score
from pgt.settings.profile import default_profile

PLACE_CONFIDENCE = default_profile().thresholds.crosswalk_place_confidence
from pgt.schema import Action, Fiche, Offre, Provenance
from pgt.write.tables import FICHE_COLUMNS, fiche_rows

GOLDEN = Path(__file__).parent / "golden" / "raw"


def fiche(numero: int, titre: str, axe: int = 1, oi: int | None = 1) -> Fiche:
    return Fiche(id=f"enfance-f{numero}", thematique="enfance", axe=axe, oi=oi, numero=numero, titre=titre,
                 provenance=Provenance(document="resume.txt"))


def placed(numero: int, titre: str, rank: float, axe: int = 1, oi: int | None = 1, **fields) -> Placed:
    action = Action(id=f"enfance-{axe}-{oi}-{numero}", numero=numero, titre=titre,
                    provenance=Provenance(document="detail.txt"), **fields)
    return Placed(action, axe, oi, rank)


def pairs_of(result) -> list[tuple[str, str]]:
    return [(p.fiche.id, p.placed.action.id) for p in result]


def test_regression_crosswalk_fiches_84_89_paired_by_place(raw_plan):
    # OI 4 of axe III: five paraphrased fiches and five actions left over, in the same order
    fiches = {f.numero: f for f in raw_plan.fiches if f.thematique == "enfance"}
    expected = {84: "enfance-3-4-79", 85: "enfance-3-4-80", 86: "enfance-3-4-82", 88: "enfance-3-4-83",
                89: "enfance-3-4-84"}
    assert {n: fiches[n].action_id for n in expected} == expected
    assert all(fiches[n].match_confidence == PLACE_CONFIDENCE for n in expected)
    assert fiches[87].action_id == "enfance-3-4-81" and fiches[87].match_confidence >= 0.9  # same title
    assert actions_by_id(raw_plan)["enfance-3-4-82"].fiche_priorisation == 86


def test_regression_crosswalk_fiche_35_is_action_6_by_its_offers(raw_plan):
    # « sorties aux musées, à la médiathèque »: the detail lists them in action 6's offers
    fiches = {f.numero: f for f in raw_plan.fiches if f.thematique == "enfance"}
    assert fiches[35].action_id == "enfance-1-1-6"
    assert 0 < fiches[35].match_confidence < 0.7
    assert fiches[36].action_id is None  # nothing in the detail says it


def test_regression_crosswalk_fiche_47_is_the_first_print_27(raw_plan):
    # actions 27 and 31 print the same title; the fiche is the first print
    fiches = {f.numero: f for f in raw_plan.fiches if f.thematique == "enfance"}
    assert fiches[47].action_id == "enfance-1-4-27"
    actions = actions_by_id(raw_plan)
    assert actions["enfance-1-4-31"].fiche_priorisation is None
    # the reprint is not paired by place with the fiche left in its objective
    assert fiches[28].action_id is None


def test_crosswalk_confidence_in_fiches_csv(raw_plan):
    assert FICHE_COLUMNS[-1] == "confidence"
    rows = fiche_rows(raw_plan)
    for row in rows:
        if row["action_id"]:
            assert 0 < row["confidence"] <= 1
        else:
            assert row["confidence"] is None
    golden = list(csv.DictReader(open(GOLDEN / "fiches.csv", encoding="utf-8")))
    assert [r["confidence"] for r in golden] == ["" if r["confidence"] is None else str(r["confidence"])
                                                 for r in rows]


def test_monotone_alignment_keeps_the_order_of_print():
    # two fiches alike both actions: the order decides, not the greedy best score
    fiches = [fiche(1, "Ateliers de lecture et contes"), fiche(2, "Ateliers de lecture et contes pour les petits")]
    actions = [placed(1, "Ateliers de lecture et contes pour les petits", 0.0),
               placed(2, "Ateliers de lecture et contes", 1.0)]
    result = match(fiches, actions)
    assert len(result) == 2
    assert pairs_of(result) == [("enfance-f1", "enfance-1-1-1"), ("enfance-f2", "enfance-1-1-2")]


def test_place_pairs_only_when_as_many_on_both_sides():
    fiches = [fiche(1, "Créer un jardin partagé"), fiche(2, "Accueillir les familles le samedi"),
              fiche(3, "Former les bénévoles")]
    actions = [placed(1, "Créer un jardin partagé", 0.0), placed(2, "Ouverture du week-end", 0.5),
               placed(3, "Plan de formation des équipes", 1.0)]
    result = {p.fiche.id: p for p in match(fiches, actions)}
    assert result["enfance-f2"].placed.action.id == "enfance-1-1-2" and result["enfance-f2"].basis == "place"
    assert result["enfance-f3"].placed.action.id == "enfance-1-1-3"
    # one more action than fiches in the objective: the place says nothing, left unmatched
    extra = [*actions, placed(4, "Goûter annuel", 1.0)]
    assert {p.fiche.id for p in match(fiches, extra)} == {"enfance-f1"}


def test_content_pairs_within_the_axe():
    fiches = [fiche(9, "Sorties au cinéma et au théâtre", oi=3)]
    actions = [placed(4, "Découverte de la culture", 0.2, oi=1,
                      offres=[Offre(libelle="Sorties cinéma", partenaires=["Théâtre municipal"],
                                    provenance=Provenance(document="detail.txt"))]),
               placed(5, "Sorties cinéma et théâtre", 0.8, axe=2, oi=1)]
    result = match(fiches, actions[:1])
    assert pairs_of(result) == [("enfance-f9", "enfance-1-1-4")] and result[0].basis == "content"
    # another axe is never paired on content: only a title alike crosses axes
    assert pairs_of(match(fiches, actions[1:])) == [("enfance-f9", "enfance-2-1-5")]
    assert match(fiches, actions[1:])[0].basis == "title"


def test_regression_crosswalk_fiche_78_espace_famille_in_its_objective(raw_plan):
    # four fiches, two actions left in OI 2 of axe III: the place alone cannot pair them, but
    # « l'espace famille » is action 73's « espace famille sur internet »
    fiches = {f.numero: f for f in raw_plan.fiches if f.thematique == "enfance"}
    assert fiches[78].action_id == "enfance-3-2-73"
    assert [fiches[n].action_id for n in (75, 76, 77)] == [None, None, None]  # one word alike is not enough


def _across_objectives_over_every_pair(fiches, placed_actions, ranks, limits):  # noqa: ANN001, ANN202
    """The pass as first written: every fiche scored against every action."""
    candidates = [c for f in fiches for p in placed_actions if (c := pair_score(f, p, ranks[f.id], limits)) is not None]
    candidates.sort(key=lambda c: (-c.score, c.placed.rank, c.placed.action.id, c.fiche.id))
    return _one_to_one(candidates)


def test_across_objectives_prefiltered_by_title_pairs_as_every_pair_scored(raw_plan):
    """The pass across objectives scores only the untitled actions and those whose title is
    half alike (rapidfuzz's one call): the same pairs, scores and confidences as scoring
    every fiche against every action — raw/'s fiches and actions, shuffled across places."""
    rng = random.Random(15)
    limits = default_profile().thresholds
    fiches = [f.model_copy(update={"axe": rng.choice([1, 2, None]), "oi": rng.choice([1, 2, None])})
              for f in raw_plan.fiches]
    fiches += [fiche(900, "de la"), fiche(901, ""), fiche(902, "Accueil des enfants", axe=2)]
    actions = raw_plan.all_actions()
    placed_actions = [Placed(a if i % 7 else a.model_copy(update={"titre": None}), rng.choice([1, 2, None]),
                             rng.choice([1, 2]), i / len(actions)) for i, a in enumerate(actions)]
    placed_actions.append(placed(950, "des", 0.5))
    ranks = {f.id: i / len(fiches) for i, f in enumerate(fiches)}
    fast = _across_objectives(fiches, placed_actions, ranks, limits)
    assert len(fast) > 50
    assert fast == _across_objectives_over_every_pair(fiches, placed_actions, ranks, limits)
