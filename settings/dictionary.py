"""The French dictionary pgt consults (pyspellchecker's word list): the typo fixer leaves
correct words alone, the PDF reader joins back words a narrow column cut with no hyphen."""

from __future__ import annotations

import gzip
import importlib.util
import json
import zlib
from functools import lru_cache
from pathlib import Path

# A few words are looked up in the file's text itself (decompressed, 10 ms), not in the set
# of its 140,000 words (json parsed: 0.1 s, a tenth of converting raw/); past this many
# distinct words (a PDF's cut words) the set is built once.
_LOOKUPS_BEFORE_SET = 64


class _FrenchWords:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.words: frozenset[str] | None = None
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
            if not self.searchable or len(self.answers) >= _LOOKUPS_BEFORE_SET:
                self.words = frozenset(json.loads(self.data)) if self.data else frozenset()
                self.data = b""  # the set holds it all: the text is released
                return word in self.words
            # a key holds no quote nor line break: such a word is in no key
            answer = self.answers[word] = ('"' not in word and "\n" not in word
                                           and b'\n"' + word.encode() + b'":' in self.data)
        return answer


@lru_cache(maxsize=1)
def _dictionary() -> _FrenchWords:
    spec = importlib.util.find_spec("spellchecker")  # its data file only: the package is not imported
    if spec is None or not spec.submodule_search_locations:
        return _FrenchWords(b"")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "fr.json.gz"
    return _FrenchWords(_gunzip(path.read_bytes()))


def _gunzip(data: bytes) -> bytes:
    """gzip.decompress's answer, by zlib in one call when the file is one gzip member (a
    third quicker than gzip's member loop); any other file by gzip itself."""
    inflater = zlib.decompressobj(wbits=31)  # 31: a gzip header and trailer
    try:
        text = inflater.decompress(data)
    except zlib.error:
        return gzip.decompress(data)
    return text if inflater.eof and not inflater.unused_data else gzip.decompress(data)


def is_french_word(word: str) -> bool:
    return word.lower() in _dictionary()
