"""Offer rows of enfance's "exemple d'offres" tables, read by meaning (issue 14).

Each expectation is a hand reading of raw/pgt-fiches-actions.txt at the line named: what
the cell says, not which TAB it sits after.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from helpers import actions_by_id

from pgt.extract import read_document
from pgt.structure import fiches_actions
from pgt.settings.profile import default_profile
from pgt.structure import column_profile
from pgt.structure.column_profile import ColumnProfile, _aligned, _fits_as_printed, guided_positions
from pgt.structure.fiches_actions import FichesActionsBuilder
from pgt.structure.ledger import Ledger, UnrecordedLedger
from pgt.structure.realign import STRONG_TYPES, affinity, cell_type, offset_penalties

FIELDS = ("porteur", "public_vise", "echeances", "partenaires", "moyens_humains", "moyens_techniques",
          "moyens_financiers", "parcours", "indicateurs")


def offer(plan, action_id: str, libelle_start: str):
    action = actions_by_id(plan)[action_id]
    return next(o for o in action.offres if (o.libelle or "").startswith(libelle_start))


def fields_of(record) -> dict[str, object]:
    return {f: getattr(record, f) for f in FIELDS if getattr(record, f)}


def test_regression_offer_59_tri_selectif_partenaires_not_financiers(raw_plan):
    # line 308: the partners, human means and indicator are printed five columns right
    o = offer(raw_plan, "enfance-2-4-59", "Actions de sensibilisation au tri")
    assert fields_of(o) == {
        "public_vise": "Elèves des écoles Communautaires + enfants des ALSH",
        "partenaires": ["Associations diverses", "Sitcom"],
        "moyens_humains": "Les enseignants, les équipes périscolaires, extrascolaires et intervenants Sitcom",
        "indicateurs": ["Taux de participation"],
    }


def test_regression_offer_61_porteur_not_public(raw_plan):
    # line 311 (the action's first row): porteur and public printed one column right
    o = offer(raw_plan, "enfance-2-4-61", "Participer au nettoyage des plages")
    assert o.porteur == "Pôle Education De l'agglomération"
    assert o.public_vise == "élèves de St Perdon Et Campagne"
    assert o.echeances is None
    assert o.partenaires == ["ONF (St Perdon)"]
    assert o.moyens_humains == "Intervenant ONF"
    assert o.moyens_techniques == "Sacs poubelles, gants..."
    assert o.moyens_financiers == "Dotation écoles"
    assert o.indicateurs == ["Nombre d'activités organisées sur le thème", "relève de pesées"]
    action = actions_by_id(raw_plan)["enfance-2-4-61"]
    assert (action.porteur, action.public_vise) == (o.porteur, o.public_vise)


def test_regression_offer_35_sejours_fields_printed_on_the_line_above(raw_plan):
    # line 243 holds only the title, OO 4 and the libellé; its fields are on line 242,
    # beside action 34's second offer (director meetings), which has its own row already
    o = offer(raw_plan, "enfance-1-5-35", "Organisation de séjours d'été")
    assert fields_of(o) == {
        "public_vise": "Les enfants des ALSH",
        "echeances": "Grandes vacances scolaires",
        "partenaires": ["Prestataires/intervenants"],
        "moyens_humains": "Les équipes périscolaires",
        "moyens_techniques": "Bus, logement",
        "moyens_financiers": "Budget dédié",
    }
    meetings = offer(raw_plan, "enfance-1-5-34", "Réunions régulières avec les directeurs")
    assert fields_of(meetings) == {}
    assert any(a.code == "fields_from_row_above" and a.line == 243 for a in raw_plan.anomalies)


def test_regression_offer_rows_shifted_left_keep_their_fields(raw_plan):
    # lines 314, 317: rows printed one column left, untyped cells laid by their column's words
    poulliers = offer(raw_plan, "enfance-2-4-61", "Mise en place de poulliers")
    assert poulliers.moyens_techniques == "Outils de jardinage et de réalisation de poulliers"
    assert poulliers.moyens_financiers is None
    visite = offer(raw_plan, "enfance-2-4-62", "Visite du centre de biodiversité")
    assert visite.partenaires == ["Les communes"]
    sitcom = offer(raw_plan, "enfance-2-4-59", "Mise en place du projet SITCOM")
    assert (sitcom.partenaires, sitcom.parcours) == (["SITCOM"], None)


def test_regression_offer_33_libelle_one_column_right(raw_plan):
    # line 238: title in column 1, OO in 2, libellé in 4: the libellé stays the libellé
    action = actions_by_id(raw_plan)["enfance-1-5-33"]
    assert action.offres[0].libelle.startswith("Organisation de temps de médiation")
    assert action.public_vise == "Tous les enfants"
    assert action.moyens_humains == "les équipes périscolaires et extrascolaires"


def test_guided_positions_follow_the_column_words():
    profile = ColumnProfile()
    for _ in range(3):
        profile.learn({"porteur": "Service jeunesse de la ville", "partenaires": "Associations sportives, clubs",
                       "moyens_humains": "Les animateurs du service"})
    fields = ["porteur", "public_vise", "partenaires", "moyens_humains", "indicateurs"]
    # printed four columns right, past the last field: laid on partenaires and humains
    cells = [(5, "Clubs et associations"), (6, "Animateurs"), (7, "Nombre de clubs")]
    assert guided_positions(cells, fields, profile) == [2, 3, 4]
    # a cell whose words the profile does not know stays where it is printed
    assert guided_positions([(0, "Qwerty zxcv")], fields, profile) == [0]


@pytest.mark.parametrize("text,field", [("Service jeunesse", "porteur"), ("Associations", "partenaires")])
def test_column_profile_share(text, field):
    profile = ColumnProfile()
    profile.learn({"porteur": "Service jeunesse", "partenaires": "Associations locales"})
    profile.learn({"porteur": "Service jeunesse", "partenaires": "Associations"})
    assert profile.share(text, field) == 1.0
    assert profile.share(text, "indicateurs") == 0.0


def test_regression_offer_12_two_indicators_both_indicators(raw_plan):
    # line 160: `Nombre de rencontres réalisées` | `Nombre de participants à ces rencontres`
    o = offer(raw_plan, "enfance-1-1-12", "Rencontres littéraires")
    assert o.moyens_financiers is None
    assert o.indicateurs == ["Nombre de rencontres réalisées", "Nombre de participants à ces rencontres"]


def _guided_by_lists(cells, fields, profile):
    """guided_positions as first written (paths as lists, copied at each step): the reference."""
    m, costs = len(fields), profile.thresholds
    cells = [(min(pos, m - 1), text) for pos, text in cells]
    scores = []
    for pos, text in cells:
        spread = profile.spread(text, fields)
        kind = cell_type(text)[0]
        scores.append([costs.column_profile_weight * spread[j] + affinity(text, f)
                       - costs.column_displacement_cost * abs(j - pos)
                       - (costs.column_foreign_in_typed_cost if f in STRONG_TYPES and kind != f else 0.0)
                       for j, f in enumerate(fields)])
    best = {-1: (0.0, [], 0)}
    for i, (pos, _) in enumerate(cells):
        step = {}
        for last, (score, path, offset) in best.items():
            skip = (score - costs.column_unplaced_cost, [*path, None], offset)
            if last not in step or skip[0] > step[last][0]:
                step[last] = skip
            for j in range(last + 1, m):
                total = score + scores[i][j] - costs.column_change_cost * abs((j - pos) - offset)
                if j not in step or total > step[j][0]:
                    step[j] = (total, [*path, j], j - pos)
        best = step
    return max(best.values(), key=lambda item: item[0])[1]


def test_guided_positions_with_linked_paths_answer_as_the_list_paths():
    rng = random.Random(15)
    profile = ColumnProfile()
    texts = ["Service jeunesse de la ville", "Associations sportives, clubs", "Les animateurs du service",
             "Taux de fréquentation", "année scolaire", "enfants de 3-6 ans", "subvention CAF", "Qwerty", "1, 3"]
    fields = ["porteur", "public_vise", "partenaires", "moyens_humains", "moyens_financiers", "echeances",
              "indicateurs"]
    for _ in range(5):
        profile.learn({f: rng.choice(texts) for f in rng.sample(fields, 3)})
    for _ in range(300):
        chosen = rng.sample(fields, rng.randint(1, len(fields)))
        positions = sorted(rng.sample(range(len(chosen) + 3), rng.randint(0, min(6, len(chosen) + 2))))
        cells = [(pos, rng.choice(texts)) for pos in positions]
        assert guided_positions(cells, chosen, profile) == (_guided_by_lists(cells, chosen, profile) if cells else [])


def test_guided_positions_with_cells_at_negative_positions_answer_as_the_list_paths():
    """Cells left of the anchor: offset changes the penalty table must reach (both signs)."""
    rng = random.Random(16)
    profile = ColumnProfile()
    texts = ["Service jeunesse de la ville", "Associations sportives, clubs", "enfants de 3-6 ans", "subvention CAF"]
    fields = ["porteur", "public_vise", "partenaires", "moyens_financiers", "echeances"]
    for _ in range(5):
        profile.learn({f: rng.choice(texts) for f in rng.sample(fields, 3)})
    for _ in range(200):
        positions = sorted(rng.sample(range(-4, len(fields) + 3), rng.randint(1, 6)))
        cells = [(pos, rng.choice(texts)) for pos in positions]
        assert guided_positions(cells, fields, profile) == _guided_by_lists(cells, fields, profile)


def test_change_penalty_table_holds_the_products_of_the_alignment():
    for cost in (0.0, 0.35, 1.0 / 3.0, 2.7):
        for m in (1, 7, 9, 14):
            table = offset_penalties(cost, 3 * m)
            assert all(table[d] == cost * abs(d) for d in range(-3 * m + 1, 3 * m))  # exact floats


def test_guided_positions_of_the_raw_offer_rows_answer_as_the_list_paths(monkeypatch):
    """Every offer row of raw/, with the profile as it stands when the row is laid (both walks)."""
    asked = []

    def checked(cells, fields, profile):  # noqa: ANN001, ANN202
        answer = guided_positions(cells, fields, profile)
        asked.append((answer, _guided_by_lists(cells, fields, profile) if cells else []))
        return answer

    fits = []

    def fits_as_printed(*args):  # noqa: ANN002, ANN202
        fits.append(_fits_as_printed(*args))
        return fits[-1]

    monkeypatch.setattr(fiches_actions, "guided_positions", checked)
    monkeypatch.setattr(column_profile, "_fits_as_printed", fits_as_printed)
    document = read_document(Path(__file__).resolve().parent.parent / "raw" / "pgt-fiches-actions.txt")
    FichesActionsBuilder(document, Ledger(document.rows), []).build()
    assert len(asked) > 200
    assert all(answer == reference for answer, reference in asked)
    assert sum(fits) > 50  # rows laid as printed without the alignment, with its answer


def test_rows_that_fit_as_printed_are_laid_as_the_alignment_lays_them():
    """The shortcut (each cell clearly best where printed) answers as the alignment, on rows
    made to fit (their cells' words learnt in their printed column) and rows that do not."""
    rng = random.Random(18)
    fields = ["porteur", "public_vise", "partenaires", "moyens_humains", "moyens_financiers", "echeances",
              "indicateurs"]
    vocabulary = {"porteur": "Service jeunesse mairie", "public_vise": "enfants familles parents",
                  "partenaires": "Associations clubs sportifs", "moyens_humains": "animateurs bénévoles",
                  "moyens_financiers": "subvention dotation CAF", "echeances": "année scolaire 2025",
                  "indicateurs": "Taux de fréquentation"}
    thresholds = default_profile().thresholds
    shortcuts = 0
    for _ in range(400):
        profile = ColumnProfile()
        for _ in range(rng.randint(0, 6)):
            profile.learn({f: vocabulary[rng.choice(fields)] if rng.random() < 0.3 else vocabulary[f]
                           for f in rng.sample(fields, 4)})
        positions = sorted(rng.sample(range(len(fields) + 2), rng.randint(1, 6)))
        cells = [(pos, vocabulary[fields[min(pos, len(fields) - 1)]] if rng.random() < 0.8
                  else rng.choice(list(vocabulary.values()))) for pos in positions]
        answer = guided_positions(cells, fields, profile)
        assert answer == _guided_by_lists(cells, fields, profile), cells
        clipped = [(min(pos, len(fields) - 1), text) for pos, text in cells]
        scores = [[thresholds.column_profile_weight * s + affinity(text, f)
                   - thresholds.column_displacement_cost * abs(j - pos)
                   - (thresholds.column_foreign_in_typed_cost if f in STRONG_TYPES and cell_type(text)[0] != f else 0.0)
                   for j, (s, f) in enumerate(zip(profile.spread(text, fields), fields))] for pos, text in clipped]
        if _fits_as_printed(clipped, scores, thresholds.column_unplaced_cost):
            shortcuts += 1
            assert answer == _aligned(clipped, scores, len(fields), thresholds.column_change_cost,
                                      thresholds.column_unplaced_cost)
    assert 40 < shortcuts < 360  # both kinds of rows met


def _spread_by_fields(profile: ColumnProfile, text: str, fields: list[str]) -> list[float]:
    """spread as first written (each field's `_share`, one field after the other): the reference."""
    known_words = profile._known(text)
    shares = [profile._share(known_words, f) for f in fields]
    mean = sum(shares) / len(shares) if shares else 0.0
    evidence = len(known_words) / (len(known_words) + 2)
    return [evidence * (s - mean) for s in shares]


def test_spread_by_words_answers_as_the_field_by_field_shares():
    rng = random.Random(15)
    vocabulary = ["Service", "jeunesse", "Associations", "sportives", "animateurs", "enfants", "subvention",
                  "ville", "parents", "écoles", "Taux", "fréquentation", "Qwerty"]
    fields = ["porteur", "public_vise", "partenaires", "moyens_humains", "moyens_financiers", "echeances",
              "indicateurs", "titre"]
    profile = ColumnProfile()
    for _ in range(200):
        profile.learn({f: " ".join(rng.choices(vocabulary, k=rng.randint(1, 4))) for f in rng.sample(fields, 3)})
        text = " ".join(rng.choices(vocabulary, k=rng.randint(0, 5)))
        chosen = rng.sample(fields, rng.randint(0, len(fields)))
        assert profile.spread(text, chosen) == _spread_by_fields(profile, text, chosen)  # exact floats


def _walked(ledger: Ledger, document) -> tuple[FichesActionsBuilder, list]:  # noqa: ANN001
    builder = FichesActionsBuilder(document, ledger, [])
    for row in document.rows:
        builder.feed(row)
    return builder, [t.model_dump() for t in builder.cursor.thematiques.values()]


def test_scout_walk_without_accounting_learns_the_profile_of_a_recorded_walk():
    """The scout walk's ledger records nothing: the walk reads the same plan and learns the
    same column profile as with a ledger that records every cell and anomaly."""
    document = read_document(Path(__file__).resolve().parent.parent / "raw" / "pgt-fiches-actions.txt")
    recorded = Ledger(document.rows)
    plain, plain_plan = _walked(recorded, document)
    scout, scout_plan = _walked(UnrecordedLedger(), document)
    assert recorded.anomalies and scout_plan == plain_plan
    assert dict(scout.profile.by_field) == dict(plain.profile.by_field) and scout.profile.totals == plain.profile.totals
    assert FichesActionsBuilder(document, Ledger(document.rows), [])._scout_profile().totals == plain.profile.totals


def test_profile_absorbing_another_counts_as_learning_its_cells_after_its_own():
    rng = random.Random(15)
    texts = ["Service jeunesse de la ville", "Associations sportives, clubs", "Les animateurs du service",
             "Pôle Education de l'agglomération", "enfants de 3-6 ans", "subvention CAF", "Service des sports"]
    fields = ["porteur", "public_vise", "partenaires", "moyens_humains", "moyens_financiers", "offre", "titre"]
    for _ in range(50):
        first = [{f: rng.choice(texts) for f in rng.sample(fields, 3)} for _ in range(rng.randint(0, 6))]
        then = [{f: rng.choice(texts) for f in rng.sample(fields, 3)} for _ in range(rng.randint(0, 6))]
        sequential, mine, other = ColumnProfile(), ColumnProfile(), ColumnProfile()
        for values in first + then:
            sequential.learn(values)
        for values in first:
            mine.learn(values)
        for values in then:
            other.learn(values)
        mine.absorb(other)
        assert mine.totals == sequential.totals and mine.by_word == sequential.by_word
        for text in texts:
            assert mine.spread(text, fields) == sequential.spread(text, fields)  # exact floats


def _built_from_the_scouts_profile(document) -> tuple:  # noqa: ANN001
    """The detail builder as first written, the scout walk first, the walk from its profile: the reference."""
    ledger, corrections = Ledger(document.rows), []
    builder = FichesActionsBuilder(document, ledger, corrections)
    builder.profile = builder._scout_profile()
    for row in document.rows:
        builder.feed(row)
    builder._settle_titleless()
    builder._declare_referenced_oo()
    return _outcome(list(builder.cursor.thematiques.values()), ledger, corrections)


def _outcome(thematiques, ledger: Ledger, corrections) -> tuple:  # noqa: ANN001
    return ([t.model_dump() for t in thematiques], [a.model_dump() for a in ledger.anomalies],
            [c.model_dump() for c in corrections], ledger.finish())


def _scouted_build(document, monkeypatch) -> tuple[tuple, int]:  # noqa: ANN001
    scouted = []
    scout_profile = FichesActionsBuilder._scout_profile

    def counted(self):  # noqa: ANN001, ANN202
        scouted.append(self)
        return scout_profile(self)

    monkeypatch.setattr(FichesActionsBuilder, "_scout_profile", counted)
    ledger, corrections = Ledger(document.rows), []
    thematiques = FichesActionsBuilder(document, ledger, corrections).build()
    monkeypatch.setattr(FichesActionsBuilder, "_scout_profile", scout_profile)
    return _outcome(thematiques, ledger, corrections), len(scouted)


def test_scout_walk_taken_at_the_first_offers_table_builds_as_the_walk_from_the_scouts_profile(monkeypatch, tmp_path):
    """raw/'s detail (offers tables from its enfance part on), and other plans' layouts
    without offers tables: these are walked once, the scout walk never run."""
    from other_plans import coteaux, saint_exemple, val_d_adour

    raw = read_document(Path(__file__).resolve().parent.parent / "raw" / "pgt-fiches-actions.txt")
    built, scouts = _scouted_build(raw, monkeypatch)
    assert scouts == 1 and built == _built_from_the_scouts_profile(raw)
    assert any(o["porteur"] for t in built[0] for a in t["axes"] for oi in a["objectifs_intermediaires"]
               for action in oi["actions"] for o in action["offres"])  # offers laid by the profile
    for spec in (val_d_adour(), saint_exemple(), coteaux()):
        document = read_document(spec.write_text(tmp_path / f"{spec.name}.txt"))
        built, scouts = _scouted_build(document, monkeypatch)
        assert scouts == 0 and built[0] and built == _built_from_the_scouts_profile(document), spec.name
