"""What each column of a plan's tables holds, learnt from the rows read so far.

Offer rows of the enfance tables are printed with fewer cells than the header, so a cell
often sits one or more columns away from its field, and many cells carry no typed content
(`Associations diverses, Sitcom`, `Pôle Education de l'agglomération`). Their words,
though, are the words of their column in the other rows: `Pôle`, `agglomération` are
porteurs, `élèves`, `enfants` publics, `dotation` a financial means. A column's content
profile counts the words of the cells placed in it; `guided_positions` lays a row's cells
on the fields by that profile and by the realigner's content types (a monotone alignment,
like the realigner's), and the realigner (`place_cells`) then places them at those
positions.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

from pgt.settings.headers import fold
from pgt.settings.profile import ThresholdsSection, default_profile
from pgt.structure.realign import STRONG_TYPES, cell_type, offset_penalties, spelled_path, type_affinity

_WORD = re.compile(r"[A-Z0-9]{4,}")
# words of every column: they say nothing about which one
_STOPWORDS = frozenset({"POUR", "DANS", "AVEC", "SELON", "LEUR", "LEURS", "ENTRE", "TOUS", "TOUTES", "AUTRES",
                        "PLUS", "CETTE", "SONT", "ETRE", "FAIRE"})
# how often a word must be seen to count, the weight of the column words and the costs of
# the alignment: the plan profile's [thresholds] `column_*`
UNPROFILED = ("titre", "oo")  # fields whose words are learnt from no cell


@lru_cache(maxsize=1 << 14)  # a cell's words are asked for each field it may go to, in both walks
def words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _WORD.findall(fold(text)) if w not in _STOPWORDS and not w.isdigit())


@lru_cache(maxsize=1 << 14)  # learnt from in both walks
def distinct_words(text: str) -> tuple[str, ...]:
    """A cell's words, each once (a word counts once per cell)."""
    return tuple(dict.fromkeys(words(text)))


class ColumnProfile:
    """Word counts per field, over the cells placed in each field."""

    def __init__(self, thresholds: ThresholdsSection | None = None) -> None:
        self.thresholds = thresholds or default_profile().thresholds
        self.min_word_count = self.thresholds.column_min_word_count
        self.totals: dict[str, int] = {}  # word → cells placed with it
        self.by_word: dict[str, dict[str, int]] = {}  # word → field → cells of the field placed with it

    @property
    def by_field(self) -> dict[str, Counter[str]]:
        """Word counts per field (by_word turned around)."""
        found: dict[str, Counter[str]] = defaultdict(Counter)
        for word, fields in self.by_word.items():
            for field, count in fields.items():
                found[field][word] = count
        return found

    def learn(self, values: dict[str, str]) -> None:
        totals, by_word = self.totals, self.by_word
        for field, text in values.items():
            if field in UNPROFILED:
                continue
            for word in distinct_words(text):
                totals[word] = totals.get(word, 0) + 1
                fields = by_word.get(word)
                if fields is None:
                    by_word[word] = {field: 1}
                else:
                    fields[field] = fields.get(field, 0) + 1

    def absorb(self, other: ColumnProfile) -> None:
        """Add `other`'s counts, as if the cells it learnt were learnt here after this
        profile's own (only the counts are read: `share`, `spread`)."""
        totals, by_word = self.totals, self.by_word
        for word, count in other.totals.items():
            totals[word] = totals.get(word, 0) + count
        for word, counts in other.by_word.items():
            fields = by_word.get(word)
            if fields is None:
                by_word[word] = dict(counts)
            else:
                for field, count in counts.items():
                    fields[field] = fields.get(field, 0) + count

    def share(self, text: str, field: str) -> float:
        """Mean, over the cell's known words, of the share of their uses that are in
        `field` (0 when no word of the cell is known)."""
        return self._share(self._known(text), field)

    def _known(self, text: str) -> list[str]:
        totals, least = self.totals, self.min_word_count
        return [w for w in words(text) if totals.get(w, 0) >= least]

    def _share(self, known: list[str], field: str) -> float:
        if not known:
            return 0.0
        # a field a word was never placed in adds 0 / total: 0.0, as its count did
        totals, by_word = self.totals, self.by_word
        return sum(by_word[w].get(field, 0) / totals[w] for w in known) / len(known)

    def spread(self, text: str, fields: list[str]) -> list[float]:
        """The cell's share in each field, centred on their mean: a cell whose words are
        everywhere pulls nowhere."""
        known_words = self._known(text)  # read once for every field
        n_known = len(known_words)
        if not n_known:  # no evidence: every field's spread is 0.0, as the sums below would give
            return [0.0] * len(fields)
        # _share of each field, summed word by word from the fields each word was placed in:
        # a field without the word adds 0.0 to its sum, which leaves the sum as it is, so the
        # same terms are added in the same order as `_share`'s (tests/test_offer_alignment.py)
        sums: dict[str, float] = {}
        totals, by_word = self.totals, self.by_word
        for w in known_words:
            total = totals[w]
            for field, count in by_word[w].items():
                sums[field] = sums.get(field, 0) + count / total
        shares = [sums.get(f, 0) / n_known for f in fields]
        mean = sum(shares) / len(shares) if shares else 0.0
        evidence = n_known / (n_known + 2)  # one known word is a third of the evidence of many
        return [evidence * (s - mean) for s in shares]


def guided_positions(cells: list[tuple[int, str]], fields: list[str], profile: ColumnProfile) -> list[int | None]:
    """For `(position, text)` cells (positions relative to the row's anchor), the field
    index each is laid on, strictly increasing (None: no field fits), by the column
    profile and the realigner's content types, each column moved and each change of
    offset paying a cost (the profile's thresholds the column profile holds)."""
    n, m = len(cells), len(fields)
    if n == 0:
        return []
    costs = profile.thresholds
    weight, displacement_cost, foreign_cost = (costs.column_profile_weight, costs.column_displacement_cost,
                                               costs.column_foreign_in_typed_cost)
    change_cost, unplaced_cost = costs.column_change_cost, costs.column_unplaced_cost
    # a cell printed past the last column is at least that far off: measured from the last one
    cells = [(min(pos, m - 1), text) for pos, text in cells]
    field_key = tuple(fields)
    scores = []
    for pos, text in cells:
        typed, foreign = _typed_terms(cell_type(text), field_key, foreign_cost)
        # the same terms summed in the same order as `weight * spread + affinity - moved - foreign`
        # (moved: displacement_cost * abs(j - pos), the same products, computed once per position)
        scores.append([weight * spread + affine - moved - alien for spread, affine, moved, alien
                       in zip(profile.spread(text, fields), typed, _moved(pos, m, displacement_cost), foreign)])
    if _fits_as_printed(cells, scores, unplaced_cost):
        return [pos for pos, _ in cells]
    return _aligned(cells, scores, m, change_cost, unplaced_cost)


_CLEAR = 1e-6  # a margin (per unit of the scores' size) no rounding of the scores comes near


def _fits_as_printed(cells: list[tuple[int, str]], scores: list[list[float]], unplaced_cost: float) -> bool:
    """Each cell scores clearly best where it was printed (positions increasing, within the
    fields), and clearly better than unplaced: that placement, which changes no offset, reaches
    the bound no other can (any other lays a cell on a field it scores clearly less in, or
    leaves one out, and offset changes only cost: change_cost >= 0), so the alignment's
    answer is found without it (most offer rows of a plan; tests/test_offer_alignment.py)."""
    last = -1
    for (pos, _), row in zip(cells, scores):
        if not last < pos < len(row):
            return False
        last = pos
    size = max(max(map(abs, row)) for row in scores) + unplaced_cost
    clear = _CLEAR * (1.0 + len(cells) * size)
    for (pos, _), row in zip(cells, scores):
        threshold = row[pos] - clear
        # the cell's field is the only one above the threshold, and unplaced is below it
        if threshold < -unplaced_cost or sum(map(threshold.__lt__, row)) != 1:
            return False
    return True


def _aligned(cells: list[tuple[int, str]], scores: list[list[float]], m: int, change_cost: float,
             unplaced_cost: float) -> list[int | None]:
    """The best monotone alignment of the cells' scores on `m` fields."""
    # The alignment's states, by k = last field index + 1 (k = 0: no field used yet): the
    # best score, its path (a linked (previous path, field index or None) pair, spelled out
    # at the end) and its offset. After the first cell every k holds a state.
    (pos, _), row = cells[0], scores[0]
    best_score = [-unplaced_cost, *(row[j] - change_cost * abs(j - pos) for j in range(m))]
    best_path: list[tuple] = [(None, None), *((None, j) for j in range(m))]
    best_offset = [0, *(j - pos for j in range(m))]
    pairs, spans = _moves(m)
    # change_cost * abs(d) for every offset change d the alignment can meet, read from a table
    # of the same products: d = j - (pos + offset) with offset = j' - pos', so |d| < 2 (m + |pos|)
    penalty = offset_penalties(change_cost, 2 * (m + max(abs(pos) for pos, _ in cells)))
    for (pos, _), row in zip(cells[1:], scores[1:]):
        # state k + 1 (last field j = k) is reached from each state up to k by laying the cell
        # on j, or from state k + 1 by leaving the cell unplaced; the first best is kept, in
        # the order the states were always visited (each from state 0 up, the skip last)
        bases = [pos + offset for offset in best_offset]  # (j - pos) - offset == j - base: integers
        totals = [best_score[k] + row[j] - penalty[j - bases[k]] for k, j in pairs]
        step_score = [best_score[0] - unplaced_cost]
        step_path: list[tuple] = [(best_path[0], None)]
        step_offset = [best_offset[0]]
        for j, span in enumerate(spans):
            laid = totals[span]  # the moves onto field j, from states 0 … j
            top = max(laid)
            skipped = best_score[j + 1] - unplaced_cost
            if skipped > top:
                step_score.append(skipped)
                step_path.append((best_path[j + 1], None))
                step_offset.append(best_offset[j + 1])
            else:
                step_score.append(top)
                step_path.append((best_path[laid.index(top)], j))  # the first best
                step_offset.append(j - pos)
        best_score, best_path, best_offset = step_score, step_path, step_offset
    return spelled_path(best_path[best_score.index(max(best_score))])


@lru_cache(maxsize=64)
def _moves(m: int) -> tuple[tuple[tuple[int, int], ...], tuple[slice, ...]]:
    """The (state, field) moves of the alignment over `m` fields, field by field (states 0 …
    j onto field j), and the span of each field's moves."""
    pairs = tuple((k, j) for j in range(m) for k in range(j + 1))
    return pairs, tuple(slice(j * (j + 1) // 2, (j + 1) * (j + 2) // 2) for j in range(m))


@lru_cache(maxsize=256)
def _moved(pos: int, m: int, displacement_cost: float) -> tuple[float, ...]:
    """The cost of laying a cell printed at `pos` on each of `m` fields."""
    return tuple(displacement_cost * abs(j - pos) for j in range(m))


@lru_cache(maxsize=1 << 10)  # by content type and field sequence: a handful per plan
def _typed_terms(kind: tuple[str | None, bool], fields: tuple[str, ...],
                 foreign_cost: float) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """A cell's content-type terms in each field: the realigner's affinity, and the cost of
    sitting in a typed field of another type."""
    text_kind = kind[0]
    return (tuple(type_affinity(kind, f) for f in fields),
            tuple(foreign_cost if f in STRONG_TYPES and text_kind != f else 0.0 for f in fields))
