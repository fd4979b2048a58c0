"""The French dictionary pgt consults (pyspellchecker's word list): the typo fixer leaves
correct words alone, the PDF reader joins back words a narrow column cut with no hyphen."""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
from array import array
from bisect import bisect_left
from itertools import pairwise
from functools import lru_cache
from pathlib import Path

# A few words are looked up in the file's text itself (decompressed, 10 ms; 1.4 ms a word),
# not in the set of its 140,000 words (json parsed: 0.1 s, a tenth of converting raw/);
# past this many distinct words (a PDF's cut words) they are found by bisection among its
# lines, which the file keeps sorted (their starts found once: 45 ms, as many as 32 words
# searched): a set would hold 16 MiB (25 MiB while parsed) for a few hundred words, a
# sixth of a born-digital PDF's peak memory.
_LOOKUPS_BEFORE_INDEX = 32
_KEY_START = re.compile(rb'\n"')


class _FrenchWords:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.words: frozenset[str] | None = None
        self.keys: array | None = None  # where each line's key starts, when the lines are sorted
        self.answers: dict[str, bool] = {}
        # The file's text answers exactly when it is one `"word": count` per line with no
        # escapes: every quote opens or closes a key, every key opens a line.
        keys = data.count(b'":')
        self.searchable = (data.startswith(b"{") and b"\\" not in data
                           and data.count(b'\n"') == keys == data.count(b'"') // 2)

    def __contains__(self, word: str) -> bool:
        if self.words is not None:
            return word in self.words
        answer = self.answers.get(word)
        if answer is None:
            if not self.searchable:
                return self._in_set(word)
            if len(self.answers) >= _LOOKUPS_BEFORE_INDEX and self.keys is None:
                self.keys = self._sorted_keys()
                if self.keys is None:
                    return self._in_set(word)
            if '"' in word or "\n" in word:  # a key holds no quote nor line break
                found = False
            elif self.keys is None:
                found = b'\n"' + word.encode() + b'":' in self.data
            else:
                found = self._bisect(word.encode())
            answer = self.answers[word] = found
        return answer

    def _key(self, start: int) -> bytes:
        return self.data[start:self.data.index(b'"', start)]

    def _sorted_keys(self) -> array | None:
        """The start of each line's key, if the keys are in strictly increasing byte order
        (pyspellchecker writes them so; else None: the set answers)."""
        starts = array("I", (match.end() for match in _KEY_START.finditer(self.data)))
        if not all(a < b for a, b in pairwise(self._key(start) for start in starts)):
            return None
        return starts

    def _bisect(self, word: bytes) -> bool:
        at = bisect_left(self.keys, word, key=self._key)
        return at < len(self.keys) and self._key(self.keys[at]) == word

    def _in_set(self, word: str) -> bool:
        if self.words is None:
            self.words = frozenset(json.loads(self.data)) if self.data else frozenset()
            self.data = b""  # the set holds it all: the text is released
        return word in self.words


@lru_cache(maxsize=1)
def _dictionary() -> _FrenchWords:
    spec = importlib.util.find_spec("spellchecker")  # its data file only: the package is not imported
    if spec is None or not spec.submodule_search_locations:
        return _FrenchWords(b"")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "fr.json.gz"
    return _FrenchWords(gzip.decompress(path.read_bytes()))


def is_french_word(word: str) -> bool:
    return word.lower() in _dictionary()
