"""The one text fold: how pgt compares words whatever their accents, case and punctuation.

Every module that compares text (header and heading recognition, ids, the ledger, the typo
index, the review page's search) folds through `strip_accents` (or `unaccented`, the same
without its cache), so that they agree: `É` is `E`, `Œ` is `OE` (Unicode does not decompose
the ligatures: a bare NFKD loses them).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# letters Unicode does not decompose into base letter + accent
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O",
                            "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "’": "'", "ʼ": "'"})
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")


class _CombiningDropped(dict[int, int | None]):
    """str.translate table dropping combining marks, filled as characters are met (a
    character at a time in Python was most of the review page's search index cost)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_DROP_COMBINING = _CombiningDropped()


class _Folded(dict[int, str]):
    """str.translate table of `fold`, filled as characters are met: each character's fold
    (ligature spelt out, NFKD, combining marks dropped, upper-case ASCII letters and digits
    kept, anything else a space). Folding is character by character — NFKD decomposes each
    character alone and only reorders the combining marks, which are dropped — so one
    translate does what the accent strip, the punctuation regex and `upper` did in turn."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code).translate(LIGATURES))
        kept = "".join(ch.upper() if ch.isascii() and ch.isalnum() else " "
                       for ch in decomposed if not unicodedata.combining(ch))
        self[code] = kept
        return kept


_FOLDED = _Folded()
_NOT_WORD = re.compile(r"[\W_]+")


def unaccented(text: str) -> str:
    """Accents removed, ligatures spelt out; case and punctuation kept (`strip_accents`
    without its cache: for texts met once, such as all of an action's text joined)."""
    if text.isascii():  # no accent nor ligature: most cells, answered without a look at each letter
        return text
    return unicodedata.normalize("NFKD", text.translate(LIGATURES)).translate(_DROP_COMBINING)


# cells and headings come back again and again: their answers kept
strip_accents = lru_cache(maxsize=1 << 16)(unaccented)


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Upper case ASCII, accents removed, punctuation to spaces, spaces folded
    (`Échéances de réalisation :` → `ECHEANCES DE REALISATION`)."""
    return " ".join(text.translate(_FOLDED).split())


def loose_key(text: str) -> str:
    """Text compared loosely: accents, case, punctuation and spacing ignored (any script
    kept). Empty for a cell with no letter or digit — callers then compare exactly."""
    return " ".join(_NOT_WORD.sub(" ", strip_accents(text)).split()).casefold()


SEARCH_CACHED_LENGTH = 200  # characters


def search_key(text: str) -> str:
    """Lower-case ASCII words without accents or punctuation (the review page's search:
    officers type "echeances" as often as "échéances", "l'accueil" as "accueil"; the page's
    script folds the query the same way, with the same LIGATURES)."""
    # a long text (an action's whole text, met once) is not kept in strip_accents' cache,
    # where a large plan's texts were held to the end (1.7 MB at 10× raw/); a short one (a
    # porteur, partners) comes back from action to action
    unaccent = strip_accents if len(text) <= SEARCH_CACHED_LENGTH else unaccented
    return " ".join(_NOT_ALNUM.sub(" ", unaccent(text).lower()).split())


def slug(text: str) -> str:
    """`Accès aux droits` → `acces_aux_droits`: a thématique code (letters and `_` only,
    so that it stays a valid first part of an action id)."""
    words = [w for w in fold(text).lower().split() if not w.isdigit()]
    return "_".join("".join(ch for ch in w if ch.isalpha()) for w in words if any(ch.isalpha() for ch in w))
