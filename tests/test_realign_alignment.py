"""The realigner's alignment (kept as back-pointers, cell types read once) is still the best
monotonic placement: checked against every placement of small rows."""

from __future__ import annotations

import itertools
import random

from pgt.settings.profile import default_profile
from pgt.structure.realign import _align, _fits_as_printed, _scores, _search, affinity, cell_type

THRESHOLDS = default_profile().thresholds
CHANGE_COST = THRESHOLDS.realign_change_cost
DISPLACEMENT_COST = THRESHOLDS.realign_displacement_cost
UNPLACED_COST = THRESHOLDS.realign_unplaced_cost

FIELDS = ["titre", "oo", "porteur", "public_vise", "echeances", "moyens_humains", "moyens_financiers",
          "indicateurs"]
TEXTS = ["1, 3", "Taux de fréquentation des ALSH", "année scolaire 2024-2025", "enfants de 3-6 ans",
         "subvention CAF", "2 animateurs", "Mairie de Soustons", "Je découvre le centre", "un projet commun"]


def placement_score(cells: list[tuple[int, str]], fields: list[str], assignment: list[int | None]) -> float:
    score, offset = 0.0, 0
    for (pos, text), index in zip(cells, assignment):
        if index is None:
            score -= UNPLACED_COST
            continue
        score += affinity(text, fields[index]) - DISPLACEMENT_COST * abs(index - pos)
        score -= CHANGE_COST * abs(index - pos - offset)
        offset = index - pos
    return score


def every_placement(n: int, m: int):
    for chosen in range(n + 1):
        for placed in itertools.combinations(range(n), chosen):
            for targets in itertools.combinations(range(m), chosen):
                assignment: list[int | None] = [None] * n
                for cell, target in zip(placed, targets):
                    assignment[cell] = target
                yield assignment


def test_alignment_is_the_best_placement():
    rng = random.Random(15)
    for _ in range(150):
        fields = rng.sample(FIELDS, rng.randint(2, 5))
        positions = sorted(rng.sample(range(len(fields) + 1), rng.randint(1, min(4, len(fields)))))
        cells = [(pos, rng.choice(TEXTS)) for pos in positions]
        found = _align(cells, fields)
        best = max(placement_score(cells, fields, a) for a in every_placement(len(cells), len(fields)))
        assert abs(placement_score(cells, fields, found) - best) < 1e-9, (cells, fields, found)
        placed = [i for i in found if i is not None]
        assert placed == sorted(set(placed))  # order kept, one cell a field


def test_cell_types_read_from_content():
    assert cell_type("1, 2 et 4") == ("oo", True)
    assert cell_type("Taux de réussite") == ("indicateurs", True)
    assert cell_type("rien de particulier") == (None, False)


def test_row_that_fits_as_printed_is_placed_as_the_search_places_it():
    """The shortcut for rows whose cells each score best where printed gives the search's
    answer, on rows that fit and rows that do not."""
    rng = random.Random(16)
    shortcuts = 0
    for _ in range(400):
        fields = rng.sample(FIELDS, rng.randint(1, 8))
        positions = sorted(rng.sample(range(len(fields) + 2), rng.randint(1, min(6, len(fields) + 1))))
        cells = [(pos, rng.choice(TEXTS)) for pos in positions]
        scores = _scores(cells, fields, DISPLACEMENT_COST)
        shortcuts += _fits_as_printed(cells, scores, CHANGE_COST, UNPLACED_COST)
        assert _align(cells, fields) == _search(cells, fields, scores, CHANGE_COST, UNPLACED_COST), (cells, fields)
    assert shortcuts > 20  # the shortcut was taken, not only the search
