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
        # The file's text answers when it is JSON with no escapes (a key is printed as it
        # reads); each answer is checked where it is found (`_search`), so the file is not
        # scanned beforehand for its layout (three scans: most of the cost of a few lookups).
        self.searchable = data.startswith(b"{") and b"\\" not in data

    def __contains__(self, word: str) -> bool:
        if self.words is not None:
            return word in self.words
        answer = self.answers.get(word)
        if answer is None:
            if self.searchable and len(self.answers) < _LOOKUPS_BEFORE_SET:
                answer = self._search(word)
            if answer is None:
                self.words = frozenset(json.loads(self.data)) if self.data else frozenset()
                self.data = b""  # the set holds it all: the text is released
                return word in self.words
            self.answers[word] = answer
        return answer

    def _search(self, word: str) -> bool | None:
        """Whether `word` is a key, by the text: a key opening a line (`\\n"word":`) is one;
        a word printed nowhere between quotes is none (no escapes: a key is printed as it
        reads); None when it is printed otherwise (the text alone does not tell)."""
        if '"' in word or "\n" in word or "\\" in word:
            return False  # a key holds no quote nor line break, and this text no backslash
        quoted = b'"' + word.encode() + b'"'
        data, size = self.data, len(quoted)
        at = data.find(quoted)
        if at < 0:
            return False
        while at >= 0:
            if data[at - 1:at] == b"\n" and data[at + size:at + size + 1] == b":":
                return True
            at = data.find(quoted, at + 1)
        return None


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
