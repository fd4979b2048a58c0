"""Header canonicalization: map a printed column header to its canonical field.

Headers are misspelled from one table to the next (ECHANGES / ECHANCES / ECHANES /
EHEANCES / ECEANCES DE REALISATION for *échéances*). Each header is matched against a
vocabulary of known spellings, first by keyword, then by fuzzy similarity (rapidfuzz)
above a threshold; a header that matches nothing is reported by the caller.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from pgt.settings.headings import is_heading_form
from pgt.settings.profile import PerProfile, Profile, default_profile
from pgt.settings.text import fold

# Record-table fields spelt apart in `[records.fields]` so that the fiches actions builder's own
# columns keep their meaning: each reads as the field it names (STRUCTURE PILOTE is the porteur,
# CIBLES the public…).
TABLE_FIELD_ALIASES: dict[str, str] = {
    "titre_action": "titre", "porteur_table": "porteur", "public_table": "public_vise",
    "moyens_humains_table": "moyens_humains", "moyens_financiers_table": "moyens_financiers",
    "echeances_table": "echeances", "indicateurs_table": "indicateurs",
}


class Spellings:
    """Header spellings, with those of a near length found once per length for `closest`."""

    def __init__(self, spellings: list[str]) -> None:
        self.spellings = spellings
        self.by_length = sorted((len(spelling), i) for i, spelling in enumerate(spellings))
        self.near: dict[tuple[int, float], tuple[list[int], list[str]]] = {}

    def closest(self, folded: str, cutoff: float) -> tuple[float, int] | None:
        """(score, index) of the spelling closest to `folded` by `fuzz.ratio` (the first of
        ties), None below `cutoff`. Only spellings of a near length are compared: the ratio
        is at most 200 × the shorter length / both lengths, and most cells are far longer
        or shorter than every header."""
        key = (len(folded), cutoff)
        if key not in self.near:
            self.near[key] = self._near(*key)
        indices, near = self.near[key]
        if not near:
            return None
        best = process.extractOne(folded, near, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is None or best[1] < cutoff:
            return None
        return float(best[1]), indices[best[2]]

    def _near(self, size: int, cutoff: float) -> tuple[list[int], list[str]]:
        """The spellings whose length lets them reach `cutoff` against a text of `size` letters, in order."""
        margin = min(cutoff, 100.0) - 1e-6
        shortest = math.ceil(size * margin / (200 - margin))
        longest = math.floor(size * (200 - margin) / margin) if margin > 0 else size + max(self.by_length)[0]
        indices = sorted(i for _, i in self.by_length[bisect_left(self.by_length, (shortest, -1)):
                                                      bisect_right(self.by_length, (longest, len(self.spellings)))])
        return indices, [self.spellings[i] for i in indices]


@dataclass(frozen=True)
class HeaderMatch:
    """The field a header cell names, how surely and by which rule."""
    field: str
    score: float  # 100 for a keyword match
    rule: str  # "exact", "keyword" or "fuzzy"


def keyword_pattern(entries: Iterable[str]) -> re.Pattern[str]:
    """The pattern of a field's `[records.keywords]` entries, on a folded header: `X` held as
    whole words, `^X` leading it, `^X$` the whole of it."""
    parts = []
    for entry in entries:
        words = re.escape(entry.strip("^$"))
        parts.append(f"^{words}$" if entry.endswith("$") else f"^{words}\\b" if entry.startswith("^")
                     else f"\\b{words}\\b")
    return re.compile("|".join(parts))


class RecordVocabulary:
    """The record-table vocabulary of one profile (`[records]`), with a cache of the headers
    already seen."""

    def __init__(self, profile: Profile) -> None:
        records, thresholds = profile.records, profile.thresholds
        self.max_length, self.fuzzy = thresholds.header_max_length, thresholds.header_fuzzy
        self.choices = [(folded, field) for field, spellings in records.fields.items()
                        for folded in map(fold, spellings) if folded]
        self.spellings = Spellings([spelling for spelling, _ in self.choices])
        self.exact = {spelling: field for spelling, field in reversed(self.choices)}  # first field of a spelling wins
        self.keywords = [(keyword_pattern(entries), field) for field, entries in records.keywords.items() if entries]
        # words one of which each keyword needs: a header holding none is matched by none of
        # them, told without running them (most cells; tests/test_fast_matching.py)
        self.keyword_words = tuple(sorted({entry.strip("^$") for entries in records.keywords.values()
                                           for entry in entries}))
        self.note_headers = frozenset(map(fold, records.note_headers))
        self.group_headers = frozenset(map(fold, records.group_headers))
        self.hint_openings = tuple(records.hint_openings)  # as the folded cell begins, spaces included
        self.cache: dict[str, HeaderMatch | None] = {}

    def match(self, text: str) -> HeaderMatch | None:
        """The field a record table's header cell names, or None when it names none."""
        found = self.cache.get(text, _UNSEEN)
        if found is _UNSEEN:
            found = self.cache[text] = self._match(text)
        return found  # type: ignore[return-value]

    def _match(self, text: str) -> HeaderMatch | None:
        folded = fold(text)
        if not folded or len(folded) > self.max_length:
            return None
        if folded in self.exact:  # a spelling as printed decides first (ACTIONS LIEES is not ACTIONS)
            return HeaderMatch(self.exact[folded], 100.0, "exact")
        if any(word in folded for word in self.keyword_words):
            for pattern, field in self.keywords:
                if pattern.search(folded):
                    return HeaderMatch(field, 100.0, "keyword")
        best = self.spellings.closest(folded, self.fuzzy)
        if best is None:
            return None
        return HeaderMatch(self.choices[best[1]][1], best[0], "fuzzy")

    def is_hint(self, text: str) -> bool:
        """A cell of field hints or filling guidance (`Champ texte`, `Saisissez…`)."""
        return fold(text).startswith(self.hint_openings)


_RECORD_VOCABULARIES = PerProfile(RecordVocabulary)


def record_vocabulary(profile: Profile | None = None) -> RecordVocabulary:
    """The record-table vocabulary of a profile (built once per profile object)."""
    return _RECORD_VOCABULARIES.get(profile)


class HeaderMatcher:
    """The header vocabulary of one profile, with a cache of the headers already seen."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.spellings = profile.header_spellings
        # longest first: `OBJECTIFS OPERATIONNELS` (oo) before `OBJECTIFS` (objectifs)
        by_length = sorted(self.spellings, key=lambda p: -len(p[0]))
        # (rank, spelling as whole words, field) under the spelling's first word: a header is
        # compared with the spellings of its own words only, still in that order
        self.by_first_word: dict[str, list[tuple[int, str, str]]] = {}
        for rank, (spelling, field) in enumerate(by_length):
            self.by_first_word.setdefault(spelling.split(" ")[0], []).append((rank, f" {spelling} ", field))
        self.choices = Spellings([s for s, _ in self.spellings])
        self.known = {s for s, _ in self.spellings}
        self.known_tuple = tuple(sorted(self.known))
        self.cache: dict[str, HeaderMatch | None] = {}
        self.cell_cache: dict[str, str | None] = {}  # header_cell_field's answers
        # the spellings this profile adds to the default's, longest first
        self.added = [(s, f) for s, f in by_length if s not in _default_spellings()]
        self.added_fields = dict(self.added)

    def match(self, text: str) -> HeaderMatch | None:
        if text not in self.cache:
            self.cache[text] = self._match(text)
        return self.cache[text]

    def _match(self, text: str) -> HeaderMatch | None:
        folded = fold(text)
        if not folded or len(folded) > self.profile.thresholds.header_max_length:
            return None
        padded = f" {folded} "
        candidates = sorted(c for word in set(folded.split()) for c in self.by_first_word.get(word, ()))
        for _, spelling, field in candidates:
            if spelling in padded:
                return HeaderMatch(field, 100.0, "keyword")
        best = self.choices.closest(folded, self.profile.thresholds.header_fuzzy)
        if best is None:
            return None
        return HeaderMatch(self.spellings[best[1]][1], best[0], "fuzzy")

    def added_spelling(self, text: str) -> HeaderMatch | None:
        """The field of a spelling the profile adds, when `text` holds it as whole words."""
        if not self.added:
            return None
        padded = f" {fold(text)} "
        return next((HeaderMatch(field, 100.0, "keyword") for spelling, field in self.added
                     if f" {spelling} " in padded), None)

    def added_label(self, text: str) -> str | None:
        """The field of a spelling the profile adds, when `text` is that spelling, whole (a
        `Label : value` line's label)."""
        return self.added_fields.get(fold(text)) if self.added_fields else None

    def is_known_spelling(self, text: str) -> bool:
        """The header is printed as one of the profile's spellings (no correction to log)."""
        return fold(text) in self.known

    def starts_with_spelling(self, text: str) -> bool:
        """Led by a known spelling, or the first words (three or more) of one: a repeated
        header row that the page clipped (`exemple d'offres existantes ou`)."""
        folded = fold(text)
        if folded.startswith(self.known_tuple):  # str.startswith tries them all at once
            return True
        if len(folded.split()) < 3:
            return False
        # a spelling led by `clipped` sorts at or after it, before any that is not: the first
        # spelling from there is led by it when any is
        clipped = folded + " "
        at = bisect_left(self.known_tuple, clipped)
        return at < len(self.known_tuple) and self.known_tuple[at].startswith(clipped)

    def reference_spelling(self, field: str) -> str:
        return fold(self.profile.fields[field][0])


@lru_cache(maxsize=1)
def _default_spellings() -> frozenset[str]:
    return frozenset(spelling for spelling, _ in default_profile().header_spellings)


_MATCHERS = PerProfile(HeaderMatcher)


def header_matcher(profile: Profile | None = None) -> HeaderMatcher:
    """The matcher of a profile (built once per profile object)."""
    return _MATCHERS.get(profile)


def canonical_header(text: str, profile: Profile | None = None) -> HeaderMatch | None:
    """The canonical field a header cell names, or None when it names none. Without a
    profile: the default profile's record-table vocabulary (`[records]`: spreadsheets,
    fiches); with one: the profile's `[fields]` (what the fiches actions builder reads)."""
    if profile is None:
        return record_vocabulary().match(text)
    return header_matcher(profile).match(text)


def record_header(text: str, profile: Profile | None = None) -> HeaderMatch | None:
    """The field a header of a one-row-per-action table names: the profile's record-table
    vocabulary (`[records]`) first; else a spelling that its `[fields]` adds to the default
    ones (a territory's `Chef de file`), so a profile file reads its workbooks as its documents."""
    match = record_vocabulary(profile).match(text)
    if match is not None or profile is None:
        return match
    return header_matcher(profile).added_spelling(text)


def header_cell_field(text: str, profile: Profile | None = None) -> str | None:
    """The field a header cell names, when the cell looks like a header (upper case, or
    led by a known spelling) — data cells that merely contain a header word do
    not count (`Subvention … financement`), nor headings that name one (`OBJECTIF
    INTERMEDIAIRE 1`)."""
    matcher = header_matcher(profile)
    if text not in matcher.cell_cache:
        matcher.cell_cache[text] = _header_cell_field(text, matcher)
    return matcher.cell_cache[text]


def header_cell_fields(texts: Iterable[str], profile: Profile | None = None) -> list[str | None]:
    """`header_cell_field` of each text (a row's cells), the profile's matcher found once."""
    matcher = header_matcher(profile)
    cache = matcher.cell_cache
    fields = []
    for text in texts:
        field = cache.get(text, _UNSEEN)
        if field is _UNSEEN:
            field = cache[text] = _header_cell_field(text, matcher)
        fields.append(field)
    return fields


_UNSEEN = object()  # a text header_cell_field was not asked yet


def _header_cell_field(text: str, matcher: HeaderMatcher) -> str | None:
    # the tests from the cheapest: each is pure and any failing one answers None, so their
    # order changes no answer — a cell too long for a header (what `match` asks first), then
    # a cell neither upper case nor led by a spelling (most data cells: the fuzzy match of
    # `match` is not run for them), then the match, then the heading forms
    folded = fold(text)
    if not folded or len(folded) > matcher.profile.thresholds.header_max_length:
        return None
    letters = "".join(filter(str.isalpha, text))  # (a Ⅻ or Ⓐ is upper case, not a letter: letters first)
    upper = sum(map(str.isupper, letters)) / max(1, len(letters))
    if not (upper >= 0.6 or matcher.starts_with_spelling(text)):
        return None
    match = matcher.match(text)
    if match is None:
        return None
    return None if is_heading_form(text, matcher.profile) else match.field


def canonical_spelling(field: str, profile: Profile | None = None) -> str:
    """The reference spelling of a field's header (first in the vocabulary)."""
    return header_matcher(profile).reference_spelling(field)
