"""Title similarity shared by the reconciling rules: rapidfuzz token_set_ratio on folded
text (no case, accents or punctuation), French stop words left out so that `du`, `de la`
and `des` do not make unrelated titles look alike."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz

from pgt.settings.headers import fold

STOP_WORDS = frozenset(
    "A AU AUX AVEC D DANS DE DES DU EN ET L LA LE LES OU PAR POUR SUR UN UNE".split()
)


@lru_cache(maxsize=1 << 16)  # the crosswalk compares every fiche with every action: fold each title once
def significant(text: str | None) -> str:
    return " ".join(t for t in fold(text or "").split() if t not in STOP_WORDS)


@lru_cache(maxsize=1 << 14)  # the rules compare the same titles again (duplicates, then the crosswalk)
def similarity(a: str | None, b: str | None) -> float:
    """0..100; 0 when either title is missing."""
    left, right = significant(a), significant(b)
    if not left or not right:
        return 0.0
    return float(fuzz.token_set_ratio(left, right))


def containment(part: str | None, whole: str | None) -> float:
    """Share (0..1) of the significant words of `part` found in `whole`."""
    words = significant(part).split()
    if not words:
        return 0.0
    others = set(significant(whole).split())
    return sum(w in others for w in words) / len(words)
