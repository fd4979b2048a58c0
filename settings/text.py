"""The one text fold: how pgt compares words whatever their accents, case and punctuation.

Every module that compares text (header and heading recognition, ids, the ledger, the typo
index, the review page's search) folds through `strip_accents` (or `unaccented`, the same
without its cache), so that they agree: `É` is `E`, `Œ` is `OE` (Unicode does not decompose
the ligatures: a bare NFKD loses them).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache
from typing import Any

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


# each ASCII character's fold (one character: itself in upper case, or a space), as a bytes table
_ASCII_FOLDED = bytes(ord(_FOLDED[code]) for code in range(128)) + bytes(range(128, 256))


def _fold_unencodable(error: UnicodeError) -> tuple[str, int]:
    """The encoder's error handler of `fold`: a run of characters ASCII has not (accents,
    ligatures, typographic punctuation), folded through `_FOLDED`."""
    assert isinstance(error, UnicodeEncodeError)
    return error.object[error.start:error.end].translate(_FOLDED), error.end


codecs.register_error("pgt.fold", _fold_unencodable)


# cells and headings come back again and again: their answers kept
strip_accents = lru_cache(maxsize=1 << 16)(unaccented)


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Upper case ASCII, accents removed, punctuation to spaces, spaces folded
    (`Échéances de réalisation :` → `ECHEANCES DE REALISATION`)."""
    # what `" ".join(text.translate(_FOLDED).split())` gives (tests/test_fast_matching.py):
    # the ASCII characters, most of a cell, folded by a bytes table in C, the others a run at
    # a time by the error handler — a str.translate looked each character up in `_FOLDED`
    # (a third of the build's fold time). Folds are made of A-Z, 0-9 and spaces only, which
    # the table keeps as they are.
    return " ".join(text.encode("ascii", "pgt.fold").translate(_ASCII_FOLDED).decode("ascii").split())


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


class LazyPattern:
    """A regular expression compiled when it is first used, not when its module is imported:
    for the patterns only some documents need (a fiche form's headings and bullets, a record
    table's dates, a shifted cell's kinds…). Compiled at import, they cost every run some
    5 ms (issue 15). It answers as its `re.Pattern` does (match, search, sub, split,
    finditer…): once compiled, the pattern's methods are its own attributes, found as fast."""

    def __init__(self, pattern: str, flags: int | re.RegexFlag = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:  # called for a name not set yet: the first use
        if name.startswith("__"):  # copy and pickle probes: not the pattern's
            raise AttributeError(name)
        compiled = re.compile(*self._source)
        for attribute in _PATTERN_ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)


_PATTERN_ATTRIBUTES = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer",
                       "pattern", "flags", "groups", "groupindex")
