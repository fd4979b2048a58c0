"""The realigner's alignment (kept as back-pointers, cell types read once) is still the best
monotonic placement: checked against every placement of small rows."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

from pgt.extract import read_document
from pgt.settings.profile import default_profile
from pgt.structure import realign
from pgt.structure.fiches_actions import FichesActionsBuilder
from pgt.structure.ledger import Ledger
from pgt.structure.realign import _align, _fits_as_printed, _scores, _search, affinity, cell_type, spelled_path

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


def _search_by_pairs(cells: list[tuple[int, str]], fields: list[str], scores: list[list[float]], change_cost: float,
            unplaced_cost: float) -> list[int | None]:
    """_search as it was written, its states keyed by (last field, offset) pairs: the reference."""
    n, m = len(cells), len(fields)
    # What the cells from i on can add at most (each its best field, no offset change).
    upper = [0.0] * (n + 1)
    for i in range(n - 1, -1, -1):
        upper[i] = upper[i + 1] + max(max(scores[i]), -unplaced_cost)
    # state: (last field used j or -1, last offset) → (best score, its path); a dict DP.
    # A path is a linked (previous, choice) pair, spelled out only at the end. A state that
    # cannot reach the score of an alignment already in hand (`floor`) is pruned: it stays
    # as a key (None), so that states are visited in the order of the full search and ties
    # are settled as they would be; only its successors are not computed.
    best: dict[tuple[int, int], tuple[float, _Path | None] | None] = {(-1, 0): (0.0, None)}
    floor = -unplaced_cost * n  # leaving every cell unplaced
    for i, (pos, _) in enumerate(cells):
        row_scores = scores[i]
        step: dict[tuple[int, int], tuple[float, _Path | None] | None] = {}
        met = m  # fields j >= met already have their key in `step`
        for last, offset in best:
            step.setdefault((last, offset), None)
            for j in range(last + 1, met):
                step.setdefault((j, j - pos), None)
            met = min(met, last + 1)
        for (last, offset), entry in best.items():
            if entry is None:
                continue
            score, path = entry
            skip_key = (last, offset)
            skipped = score - unplaced_cost
            held = step[skip_key]
            if held is None or skipped > held[0]:
                step[skip_key] = (skipped, (path, None))
            for j in range(last + 1, m):
                new_offset = j - pos
                total = score + row_scores[j] - change_cost * abs(new_offset - offset)
                key = (j, new_offset)
                held = step[key]
                if held is None or total > held[0]:
                    step[key] = (total, (path, j))
        floor = max(floor, _completed_by_pairs(step, scores, cells, i + 1, m, unplaced_cost))
        threshold = floor - upper[i + 1] - 1e-6
        for key, entry in step.items():
            if entry is not None and entry[0] < threshold:
                step[key] = None
        best = step
    live = [entry for entry in best.values() if entry is not None]
    top = max(score for score, _ in live)
    paths = [spelled_path(path) for score, path in live if score == top]
    return max(paths, key=lambda path: [-(x if x is not None else 99) for x in path])


def _completed_by_pairs(states: dict[tuple[int, int], tuple[float, _Path | None] | None],
               scores: list[list[float]], cells: list[tuple[int, str]], start: int, m: int,
               unplaced_cost: float) -> float:
    """_completed as it was written, over pair keys."""
    (last, offset), score = max(((key, entry[0]) for key, entry in states.items() if entry is not None),
                                key=lambda item: item[1])
    for k in range(start, len(cells)):
        j = cells[k][0] + offset
        if last < j < m:
            score += scores[k][j]
            last = j
        else:
            score -= unplaced_cost
    return score


def test_search_by_integer_keys_answers_as_the_search_by_pairs():
    """Random rows (cells left of the first column and past the last one too), all costs."""
    rng = random.Random(17)
    for _ in range(600):
        fields = rng.sample(FIELDS, rng.randint(1, 8))
        positions = sorted(rng.sample(range(-3, len(fields) + 4), rng.randint(1, min(7, len(fields) + 3))))
        cells = [(pos, rng.choice(TEXTS)) for pos in positions]
        change, unplaced = rng.choice([(CHANGE_COST, UNPLACED_COST), (0.0, 1.0), (0.35, 0.2), (2.0, 5.0)])
        scores = _scores(cells, fields, rng.choice([DISPLACEMENT_COST, 0.0, 0.7]))
        assert _search(cells, fields, scores, change, unplaced) == _search_by_pairs(cells, fields, scores, change,
                                                                                    unplaced), (cells, fields)


def test_search_of_the_raw_rows_answers_as_the_search_by_pairs(monkeypatch):
    asked = []

    def checked(cells, fields, scores, change_cost, unplaced_cost):  # noqa: ANN001, ANN202
        answer = _search(cells, fields, scores, change_cost, unplaced_cost)
        asked.append((answer, _search_by_pairs(cells, fields, scores, change_cost, unplaced_cost)))
        return answer

    monkeypatch.setattr(realign, "_search", checked)
    realign._placed.cache_clear()  # the rows placed by other tests are placed again
    document = read_document(Path(__file__).resolve().parent.parent / "raw" / "pgt-fiches-actions.txt")
    FichesActionsBuilder(document, Ledger(document.rows), []).build()
    realign._placed.cache_clear()
    assert len(asked) > 40
    assert all(answer == reference for answer, reference in asked)
