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
from pgt.structure.realign import STRONG_TYPES, affinity, cell_type, spelled_path

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


class ColumnProfile:
    """Word counts per field, over the cells placed in each field."""

    def __init__(self, thresholds: ThresholdsSection | None = None) -> None:
        self.thresholds = thresholds or default_profile().thresholds
        self.min_word_count = self.thresholds.column_min_word_count
        self.by_field: dict[str, Counter[str]] = defaultdict(Counter)
        self.totals: Counter[str] = Counter()
        self.by_word: dict[str, dict[str, int]] = defaultdict(dict)  # by_field turned around, for spread

    def learn(self, values: dict[str, str]) -> None:
        for field, text in values.items():
            if field in UNPROFILED:
                continue
            for word in set(words(text)):
                self.by_field[field][word] += 1
                self.totals[word] += 1
                fields = self.by_word[word]
                fields[field] = fields.get(field, 0) + 1

    def share(self, text: str, field: str) -> float:
        """Mean, over the cell's known words, of the share of their uses that are in
        `field` (0 when no word of the cell is known)."""
        return self._share(self._known(text), field)

    def _known(self, text: str) -> list[str]:
        return [w for w in words(text) if self.totals[w] >= self.min_word_count]

    def _share(self, known: list[str], field: str) -> float:
        if not known:
            return 0.0
        counts = self.by_field.get(field)
        if counts is None:
            return 0.0
        return sum(counts[w] / self.totals[w] for w in known) / len(known)

    def spread(self, text: str, fields: list[str]) -> list[float]:
        """The cell's share in each field, centred on their mean: a cell whose words are
        everywhere pulls nowhere."""
        known_words = self._known(text)  # read once for every field
        n_known = len(known_words)
        # _share of each field, summed word by word from the fields each word was placed in:
        # a field without the word adds 0.0 to its sum, which leaves the sum as it is, so the
        # same terms are added in the same order as `_share`'s (tests/test_offer_alignment.py)
        sums: dict[str, float] = {}
        for w in known_words:
            total = self.totals[w]
            for field, count in self.by_word[w].items():
                sums[field] = sums.get(field, 0) + count / total
        shares = [sums.get(f, 0) / n_known for f in fields] if n_known else [0.0] * len(fields)
        mean = sum(shares) / len(shares) if shares else 0.0
        known = len(known_words)
        evidence = known / (known + 2)  # one known word is a third of the evidence of many
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
    scores = []
    for pos, text in cells:
        spread = profile.spread(text, fields)
        kind = cell_type(text)[0]
        scores.append([weight * spread[j] + affinity(text, f) - displacement_cost * abs(j - pos)
                       - (foreign_cost if f in STRONG_TYPES and kind != f else 0.0)
                       for j, f in enumerate(fields)])
    # best[j] = (score, path, offset) of the best alignment of the cells so far ending at field j;
    # a path is a linked (previous path, field index or None) pair, spelled out at the end
    best: dict[int, tuple[float, tuple | None, int]] = {-1: (0.0, None, 0)}
    for pos, row in zip((pos for pos, _ in cells), scores):
        step: dict[int, tuple[float, tuple | None, int]] = {}
        for last, (score, path, offset) in best.items():
            skipped = score - unplaced_cost
            held = step.get(last)
            if held is None or skipped > held[0]:
                step[last] = (skipped, (path, None), offset)
            for j in range(last + 1, m):
                total = score + row[j] - change_cost * abs((j - pos) - offset)
                held = step.get(j)
                if held is None or total > held[0]:
                    step[j] = (total, (path, j), j - pos)
        best = step
    return spelled_path(max(best.values(), key=lambda item: item[0])[1])
