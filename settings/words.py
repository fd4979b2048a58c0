"""Word lists of the profile that live outside the package: the system's French dictionary.

A plan of another territory uses words the shipped lexicon (built from one plan) never saw:
`simulation`, `communaux`, `polyvalente`. Without them the typo rule would "fix" correct
words into the closest lexicon word (`simulation` → `situation`). The dictionary only tells
which words exist — it never proposes a correction.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from pgt.settings.profile import Profile, default_profile
from pgt.settings.text import LIGATURES


def dictionary_key(word: str) -> str:
    """A word as the typo index keys it: upper case, no accent, no apostrophe nor hyphen."""
    return _keys_of_lines(word)[0] if word.strip() else ""


_NOT_ALNUM_LINE = re.compile(r"[^A-Za-z0-9\n]+")


def _keys_of_lines(text: str) -> list[str]:
    """`dictionary_key` of every line, the whole text folded at once (346 000 words: fast)."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(LIGATURES)).encode("ascii", "ignore").decode()
    return [line for line in _NOT_ALNUM_LINE.sub("", ascii_text).upper().split("\n") if line]


@lru_cache(maxsize=4)
def _read_dictionary(path: str) -> frozenset[str]:
    file = Path(path)
    if not path or not file.is_file():
        return frozenset()
    return frozenset(_keys_of_lines(file.read_text(encoding="utf-8", errors="replace")))


def dictionary_keys(profile: Profile | None = None) -> frozenset[str]:
    """Keys of the words of the profile's dictionary (`words.dictionary`); empty when the
    file is not installed (Debian package `wfrench`)."""
    return _read_dictionary((profile or default_profile()).words.dictionary)


def dictionary_keys_of(path: str) -> frozenset[str]:
    """Keys of the words of the dictionary file at `path` (empty when none)."""
    return _read_dictionary(path)
