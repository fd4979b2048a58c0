"""Word lists of the profile that live outside the package: the system's French dictionary.

A plan of another territory uses words the shipped lexicon (built from one plan) never saw:
`simulation`, `communaux`, `polyvalente`. Without them the typo rule would "fix" correct
words into the closest lexicon word (`simulation` → `situation`). The dictionary only tells
which words exist — it never proposes a correction.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from pgt.settings.profile import Profile, default_profile
from pgt.settings.text import LIGATURES


def dictionary_key(word: str) -> str:
    """A word as the typo index keys it: upper case, no accent, no apostrophe nor hyphen."""
    decomposed = unicodedata.normalize("NFKD", word.translate(LIGATURES))
    bare = "".join(ch for ch in decomposed if ch.isalnum() and ord(ch) < 128)
    return bare.upper()


@lru_cache(maxsize=4)
def _read_dictionary(path: str) -> frozenset[str]:
    file = Path(path)
    if not path or not file.is_file():
        return frozenset()
    words = file.read_text(encoding="utf-8", errors="replace").split()
    return frozenset(dictionary_key(w) for w in words)


def dictionary_keys(profile: Profile | None = None) -> frozenset[str]:
    """Keys of the words of the profile's dictionary (`words.dictionary`); empty when the
    file is not installed (Debian package `wfrench`)."""
    return _read_dictionary((profile or default_profile()).words.dictionary)


def dictionary_keys_of(path: str) -> frozenset[str]:
    """Keys of the words of the dictionary file at `path` (empty when none)."""
    return _read_dictionary(path)
