"""Put shifted cells back in their field by what they contain.

A row's cells are laid against the table's field sequence at the offset that best fits
their content (a period is an échéance, `Taux de…/Nombre de…` an indicator, a budget a
financial means…); then a strongly typed cell still in a wrong field moves to its own
field when that field is empty. Every decision is returned, for the anomaly log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pgt.settings.headings import parse_oo_refs
from pgt.settings.profile import ThresholdsSection, default_profile

_PERIOD = re.compile(
    r"\b(19|20)\d\d\b|\bann[ée]e\s+(scolaire|civile)\b|\bsur\s+l.ann[ée]e\b|\bvacances\b|\bmercredis?\b"
    r"|\btrimestre\b|\bsemaine\b|\b(janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre"
    r"|octobre|novembre|d[ée]cembre)\b|\bdur[ée]e du PGT\b|\bp[ée]riode\b|\bfin ann[ée]e\b",
    re.IGNORECASE,
)
_INDICATOR = re.compile(
    r"^(taux|nombres?|fr[ée]quen\w*|bilan|[ée]valuation|effectifs?|augmentation|obtention|mise à jour)\b",
    re.IGNORECASE,
)
_FINANCIAL = re.compile(
    r"\b(budget|dotations?|subventions?|financement|cr[ée]dits|facturation|gratuit|contrat de ville"
    r"|REA+P+|cotation|FSE|ANRU|fonds)\b",
    re.IGNORECASE,
)
_PARCOURS = re.compile(r"^(je |j'|j’)", re.IGNORECASE)
_PUBLIC = re.compile(
    r"\b([ée]l[èe]ves|enfants|familles|parents|jeunes|[ée]tudiants|lyc[ée]ens|coll[ée]giens|public|"
    r"\d+\s*-\s*\d+\s*ans)\b",
    re.IGNORECASE,
)
_HUMAINS = re.compile(
    r"\b([ée]quipes|enseignants|agents|animat\w*|intervenants?|coordinat\w*|r[ée]f[ée]rent\w*|"
    r"b[ée]n[ée]voles|formateurs|recrutements?|ETP)\b",
    re.IGNORECASE,
)

STRONG_TYPES = ("oo", "echeances", "indicateurs", "parcours")


@lru_cache(maxsize=1 << 14)  # asked for every (cell, field) pair of a row: read each text once
def cell_type(text: str) -> tuple[str | None, bool]:
    """(field the content suggests, strong?)."""
    stripped = text.strip()
    if parse_oo_refs(stripped) is not None:
        return "oo", True
    if _PARCOURS.match(stripped) and len(stripped) < 120:
        return "parcours", True
    if _INDICATOR.match(stripped):
        return "indicateurs", True
    financial, period, public, humains = _content_patterns()
    if financial.search(stripped):
        return "moyens_financiers", False
    if len(stripped) < 160 and period.search(stripped):  # (the length first: the search is dearer)
        return "echeances", True
    if len(stripped) < 120 and public.search(stripped):
        return "public_vise", False
    if humains.search(stripped):
        return "moyens_humains", False
    return None, False


# the characters the words of each pattern start with (each of its words follows a `\b`)
_FINANCIAL_LEADS, _PERIOD_LEADS, _PUBLIC_LEADS, _HUMAINS_LEADS = "bdsfcgra", "12asvmtjfondp", "éefpjlc\\d", "éeaicrbf"


@lru_cache(maxsize=1)
def _content_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The financial, period, public and human-means patterns `_led`, compiled at first use
    and then read at once: `_led`'s cache hashed the pattern's whole compiled code at every
    look-up (0.4-0.7 µs, four per untyped cell)."""
    return (_led(_FINANCIAL, _FINANCIAL_LEADS), _led(_PERIOD, _PERIOD_LEADS), _led(_PUBLIC, _PUBLIC_LEADS),
            _led(_HUMAINS, _HUMAINS_LEADS))


@lru_cache(maxsize=8)
def _led(pattern: re.Pattern[str], leads: str) -> re.Pattern[str]:
    """`pattern` led by a word boundary and one of the characters its words start with
    (under its own flags): the same matches, the positions where no word can start passed
    over by the regex engine at once, not tried with every word (tests/test_fast_matching.py)."""
    return re.compile(rf"\b(?=[{leads}])(?:{pattern.pattern})", pattern.flags)


def affinity(text: str, target: str) -> float:
    return type_affinity(cell_type(text), target)


def type_affinity(content_type: tuple[str | None, bool], target: str) -> float:
    """How well a cell of that content type (`cell_type`) sits in `target`."""
    kind, strong = content_type
    if kind is None:
        return -1.5 if target == "oo" else 0.0  # free text never sits in the OO column
    if kind == target:
        return 2.0 if strong else 1.0
    if target == "oo" or (strong and kind == "oo"):
        return -2.0
    return -1.0 if strong else 0.0


@dataclass
class Placement:
    """The cells of a row put in their fields, and what moved."""
    values: dict[str, str]  # field → cell text
    shift: int  # largest offset applied to a cell (0: every cell as printed)
    moved: int = 0  # cells placed in another column than printed
    moves: list[tuple[str, str, str]] = field(default_factory=list)  # (text, from, to)
    overflow: list[tuple[int, str]] = field(default_factory=list)  # cells no field could take


# the costs of moving a cell, of changing the offset, of leaving a cell unplaced: the
# profile's [thresholds] `realign_*`
_Path = tuple  # a path of the alignment, linked: (previous path or None, field index or None)


def place_cells(cells: list[tuple[int, str]], fields: list[str],
                thresholds: ThresholdsSection | None = None) -> Placement:
    """Place `(position, text)` cells (positions relative to the first data column) on
    `fields`, keeping their order. The offset between printed column and field may change
    along the row (rows shifted from some column on), each change and each moved column
    paying a cost against what the content says (a monotonic alignment, by dynamic
    programming); then strongly typed cells still out of place move to their field."""
    costs = thresholds or default_profile().thresholds
    placed = _placed(tuple(cells), tuple(fields), (costs.realign_displacement_cost, costs.realign_change_cost,
                                                   costs.realign_unplaced_cost))
    return Placement(dict(placed.values), placed.shift, placed.moved, list(placed.moves), list(placed.overflow))


@lru_cache(maxsize=1 << 12)  # the detail builder's two walks (scout, then build) place the same rows
def _placed(cells: tuple[tuple[int, str], ...], field_tuple: tuple[str, ...],
            costs: tuple[float, float, float]) -> Placement:
    fields = list(field_tuple)
    non_empty = [(pos, text) for pos, text in cells if text.strip()]
    if not fields:  # no field to place on (a table whose header names none): all left over
        return Placement(values={}, shift=0, overflow=list(non_empty))
    assignment = _aligned(non_empty, fields, *costs)
    placement = Placement(values={}, shift=0)
    for (pos, text), index in zip(non_empty, assignment):
        if index is None:
            placement.overflow.append((pos, text))
            continue
        placement.values[fields[index]] = text
        placement.moved += index != pos
        if abs(index - pos) > abs(placement.shift):
            placement.shift = index - pos
    _move_strong_cells(placement, fields)
    return placement


def _align(cells: list[tuple[int, str]], fields: list[str],
           thresholds: ThresholdsSection | None = None) -> list[int | None]:
    """Best strictly increasing field index for each cell (None: left unplaced)."""
    costs = thresholds or default_profile().thresholds
    return _aligned(cells, fields, costs.realign_displacement_cost, costs.realign_change_cost,
                    costs.realign_unplaced_cost)


def _aligned(cells: list[tuple[int, str]], fields: list[str], displacement_cost: float, change_cost: float,
             unplaced_cost: float) -> list[int | None]:
    if not cells:
        return []
    scores = _scores(cells, fields, displacement_cost)
    if _fits_as_printed(cells, scores, change_cost, unplaced_cost):
        return [pos for pos, _ in cells]
    return _search(cells, fields, scores, change_cost, unplaced_cost)


def _scores(cells: list[tuple[int, str]], fields: list[str], displacement_cost: float) -> list[list[float]]:
    """What each cell scores in each field: its content's affinity less the columns moved."""
    field_key = tuple(fields)
    return [[affine - displacement_cost * abs(j - pos) for j, affine in enumerate(_affinities(cell_type(text), field_key))]
            for pos, text in cells]


@lru_cache(maxsize=1 << 10)  # by content type and field sequence: a handful per plan
def _affinities(content_type: tuple[str | None, bool], fields: tuple[str, ...]) -> tuple[float, ...]:
    """`affinity` of a cell of that content type in each field."""
    return tuple(type_affinity(content_type, f) for f in fields)


_CLEAR = 1e-6  # a margin no rounding of the scores comes near


def _fits_as_printed(cells: list[tuple[int, str]], scores: list[list[float]], change_cost: float,
                     unplaced_cost: float) -> bool:
    """Every cell scores its best where it was printed (in order, within the fields, clearly
    better than unplaced), and changing the offset clearly costs: that placement reaches the
    bound no other can (any other moves a cell to a field it scores less in, or leaves one
    out, or changes the offset), the search's answer found without it — most rows of a plan."""
    if change_cost < _CLEAR:
        return False
    last = -1
    for (pos, _), row in zip(cells, scores):
        if not last < pos < len(row) or row[pos] < _CLEAR - unplaced_cost or row[pos] < max(row):
            return False
        last = pos
    return True


def _search(cells: list[tuple[int, str]], fields: list[str], scores: list[list[float]], change_cost: float,
            unplaced_cost: float) -> list[int | None]:
    """The best monotonic placement, by dynamic programming over (last field, offset)."""
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
    # A state's key is one integer, (last + 1) * width + offset + reach (offsets j - pos lie
    # within ±reach): hashed and made faster than a pair, in the same order (one key a state).
    reach = m + max(abs(pos) for pos, _ in cells) + 1
    width = 2 * reach + 1
    # change_cost * abs(offset change) read from a table of the same products: a change is
    # (j - pos) - offset, within ±2 reach (a negative one read from the table's end)
    penalty = offset_penalties(change_cost, 2 * reach + 1)
    best: dict[int, tuple[float, _Path | None] | None] = {reach: (0.0, None)}  # the key of (-1, 0)
    floor = -unplaced_cost * n  # leaving every cell unplaced
    for i, (pos, _) in enumerate(cells):
        row_scores = scores[i]
        step: dict[int, tuple[float, _Path | None] | None] = {}
        base = width + reach - pos  # the key of (j, j - pos) is j * (width + 1) + base
        stride = width + 1
        met = m  # fields j >= met already have their key in `step`
        for key in best:
            step.setdefault(key, None)
            after = key // width  # the state's last field + 1
            if after < met:
                for j in range(after, met):
                    step.setdefault(j * stride + base, None)
                met = after
        for key, entry in best.items():
            if entry is None:
                continue
            score, path = entry
            skipped = score - unplaced_cost
            held = step[key]
            if held is None or skipped > held[0]:
                step[key] = (skipped, (path, None))
            last, shifted = divmod(key, width)
            turn = pos + shifted - reach  # (j - pos) - offset == j - turn
            for j in range(last, m):  # (last = the key's last field + 1)
                total = score + row_scores[j] - penalty[j - turn]
                new_key = j * stride + base
                held = step[new_key]
                if held is None or total > held[0]:
                    step[new_key] = (total, (path, j))
        floor = max(floor, _completed(step, width, reach, scores, cells, i + 1, m, unplaced_cost))
        threshold = floor - upper[i + 1] - 1e-6
        for key, entry in step.items():
            if entry is not None and entry[0] < threshold:
                step[key] = None
        best = step
    live = [entry for entry in best.values() if entry is not None]
    top = max(score for score, _ in live)
    paths = [spelled_path(path) for score, path in live if score == top]
    return max(paths, key=lambda path: [-(x if x is not None else 99) for x in path])


@lru_cache(maxsize=64)
def offset_penalties(change_cost: float, reach: int) -> tuple[float, ...]:
    """change_cost * abs(d) at index d for -reach < d < reach (a negative d read from the
    end): the products the alignments pay for an offset change, computed once (the same floats)."""
    return tuple(change_cost * abs(d) for d in range(reach)) + tuple(change_cost * abs(d) for d in range(-reach + 1, 0))


def _completed(states: dict[int, tuple[float, _Path | None] | None], width: int, reach: int,
               scores: list[list[float]], cells: list[tuple[int, str]], start: int, m: int,
               unplaced_cost: float) -> float:
    """The score of one full alignment: the best state so far, the cells after it kept at
    its offset where they fit, else left unplaced."""
    key, score = max(((key, entry[0]) for key, entry in states.items() if entry is not None),
                     key=lambda item: item[1])
    last, shifted = divmod(key, width)
    last, offset = last - 1, shifted - reach
    for k in range(start, len(cells)):
        j = cells[k][0] + offset
        if last < j < m:
            score += scores[k][j]
            last = j
        else:
            score -= unplaced_cost
    return score


def spelled_path(path: _Path | None) -> list[int | None]:
    choices: list[int | None] = []
    while path is not None:
        path, choice = path
        choices.append(choice)
    return choices[::-1]


def _misplaced(text: str, current: str) -> str | None:
    """The field a cell belongs to when it sits in a field it clearly does not fit."""
    kind, strong = cell_type(text)
    if kind is None or kind == current:
        return None
    if strong or current in STRONG_TYPES or current == "moyens_financiers":
        return kind
    return None


def _move_strong_cells(placement: Placement, fields: list[str]) -> None:
    values = placement.values
    for strong_first in (True, False):
        for source in list(values):
            if source in ("titre", "offre"):
                continue
            text = values[source]
            target = _misplaced(text, source)
            if target is None or target not in fields or target in values:
                continue
            if cell_type(text)[1] != strong_first:
                continue
            del values[source]
            values[target] = text
            placement.moves.append((text, source, target))
    for pos, text in list(placement.overflow):
        target = cell_type(text)[0]
        if target in fields and target in values and target not in ("titre", "offre"):
            _make_room(values, fields, target)
        if target not in fields or target in values:
            # a trailing cell past the last column most likely belongs to that column
            target = fields[-1] if fields[-1] not in values else None
        if target is not None:
            values[target] = text
            placement.overflow.remove((pos, text))
            placement.moves.append((text, f"column {pos}", target))


def _make_room(values: dict[str, str], fields: list[str], target: str) -> None:
    """Push an untyped cell out of `target` into the empty field on its left."""
    index = fields.index(target)
    occupant = values[target]
    if index > 0 and cell_type(occupant)[0] is None and fields[index - 1] not in values:
        values[fields[index - 1]] = occupant
        del values[target]
