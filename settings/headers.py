"""Header canonicalization: map a printed column header (or a fiche's label) to its field.

Headers are worded differently from one plan to the next (PORTEUR DE PROJETS, Pilote,
Structure pilote, Responsable…) and misspelled from one table to the next (ECHANGES /
ECHANCES / EHEANCES DE REALISATION for *échéances*). The spellings are the profile's
`[fields]`: the longest spelling found in the folded header as whole words decides, else the
closest spelling by edit distance (rapidfuzz) above the profile's threshold; a header that
matches nothing is reported by the caller (and its values kept in `autres`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from pgt.settings.headings import is_heading_form
from pgt.settings.profile import Profile, default_profile
from pgt.settings.text import fold

__all__ = ["HEADER_VOCABULARY", "HeaderMatch", "canonical_header", "canonical_spelling", "fold", "header_cell_field",
           "header_matcher"]

# canonical field → spellings of the default profile (folded: accent-free, upper case)
HEADER_VOCABULARY: dict[str, tuple[str, ...]] = {
    field: tuple(fold(s) for s in spellings) for field, spellings in default_profile().fields.items()
}


@dataclass(frozen=True)
class HeaderMatch:
    field: str
    score: float  # 100 for a spelling found as whole words
    rule: str  # "keyword" or "fuzzy"


class HeaderMatcher:
    """The header vocabulary of one profile, with a cache of the headers already seen."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.spellings = profile.header_spellings
        # longest first: `OBJECTIFS OPERATIONNELS` (oo) before `OBJECTIFS` (objectifs)
        self.by_length = sorted(self.spellings, key=lambda p: -len(p[0]))
        self.choices = [s for s, _ in self.spellings]
        self.known = {s for s, _ in self.spellings}
        self.cache: dict[str, HeaderMatch | None] = {}
        self.cell_cache: dict[str, str | None] = {}  # header_cell_field's answers

    def match(self, text: str) -> HeaderMatch | None:
        if text not in self.cache:
            self.cache[text] = self._match(text)
        return self.cache[text]

    def _match(self, text: str) -> HeaderMatch | None:
        folded = fold(text)
        if not folded or len(folded) > self.profile.thresholds.header_max_length:
            return None
        padded = f" {folded} "
        for spelling, field in self.by_length:
            if f" {spelling} " in padded:
                return HeaderMatch(field, 100.0, "keyword")
        best = process.extractOne(folded, self.choices, scorer=fuzz.ratio)
        if best is None or best[1] < self.profile.thresholds.header_fuzzy:
            return None
        return HeaderMatch(self.spellings[best[2]][1], float(best[1]), "fuzzy")

    def is_known_spelling(self, text: str) -> bool:
        """The header is printed as one of the profile's spellings (no correction to log)."""
        return fold(text) in self.known

    def starts_with_spelling(self, text: str) -> bool:
        folded = fold(text)
        return any(folded.startswith(s) for s in self.known)

    def reference_spelling(self, field: str) -> str:
        return fold(self.profile.fields[field][0])


_MATCHERS: dict[int, tuple[Profile, HeaderMatcher]] = {}


def header_matcher(profile: Profile | None = None) -> HeaderMatcher:
    """The matcher of a profile (built once per profile object)."""
    profile = profile or default_profile()
    held = _MATCHERS.get(id(profile))
    if held is None or held[0] is not profile:
        if len(_MATCHERS) > 32:
            _MATCHERS.clear()
        held = _MATCHERS[id(profile)] = (profile, HeaderMatcher(profile))
    return held[1]


def canonical_header(text: str, profile: Profile | None = None) -> HeaderMatch | None:
    """The canonical field a header cell names, or None when it names none."""
    return header_matcher(profile).match(text)


def header_cell_field(text: str, profile: Profile | None = None) -> str | None:
    """The field a header cell names, when the cell looks like a header (upper case, or
    led by a known spelling) — data cells that merely contain a header word do
    not count (`Subvention … financement`), nor headings that name one (`OBJECTIF
    INTERMEDIAIRE 1`)."""
    matcher = header_matcher(profile)
    if text not in matcher.cell_cache:
        matcher.cell_cache[text] = _header_cell_field(text, matcher)
    return matcher.cell_cache[text]


def _header_cell_field(text: str, matcher: HeaderMatcher) -> str | None:
    match = matcher.match(text)
    if match is None or is_heading_form(text, matcher.profile):
        return None
    letters = [ch for ch in text if ch.isalpha()]
    upper = sum(ch.isupper() for ch in letters) / max(1, len(letters))
    known = matcher.starts_with_spelling(text)
    return match.field if upper >= 0.6 or known else None


def canonical_spelling(field: str, profile: Profile | None = None) -> str:
    """The reference spelling of a field's header (first in the vocabulary)."""
    return header_matcher(profile).reference_spelling(field)
