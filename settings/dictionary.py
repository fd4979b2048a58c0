"""The French dictionary pgt consults (pyspellchecker's word list): the typo fixer leaves
correct words alone, the PDF reader joins back words a narrow column cut with no hyphen."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import os
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path

from pgt import __version__

# Without the cache file (below), a few words are looked up in the file's text itself
# (decompressed, 10 ms), not in the set of its 140,000 words (json parsed: 0.1 s, a tenth of
# converting raw/); past this many distinct words (a PDF's cut words) the set is built once.
_LOOKUPS_BEFORE_SET = 64

# The words are also kept, sorted, one a line, in a file of the user's cache folder: a run
# reads it (1.5 MB, under a millisecond) instead of decompressing and checking the word list
# (some 20 ms of every run that looks a word up). Its name holds the word list's content
# hash, pgt's version and this format's, so another pyspellchecker or another pgt uses
# another file; it is written whole then renamed (concurrent runs each write the same bytes),
# and without a writable cache folder nothing is kept and the answers are the same.
_CACHE_FORMAT = 1
CACHE_ENV = "PGT_CACHE_DIR"  # the cache folder; empty: no cache (default: $XDG_CACHE_HOME/pgt, ~/.cache/pgt)


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


class _CachedWords:
    """The cache file's words: `\\n`, then the words sorted, each followed by `\\n` (no word
    of the list holds a line break, else there is no cache file); looked up by bisection."""

    def __init__(self, text: bytes) -> None:
        self.text = text

    def __contains__(self, word: str) -> bool:
        key = word.encode()
        if b"\n" in key:
            return False
        text = self.text
        # the line of `key`, if any, follows a line break at q with low <= q < high
        low, high = 0, len(text) - 1  # text[low] is a line break, text[high] the last one
        while low < high:
            middle = (low + high) // 2
            start = text.rfind(b"\n", low, middle + 1)  # found: text[low] is one
            end = text.index(b"\n", start + 1)
            line = text[start + 1:end]
            if line == key:
                return True
            if line < key:
                low = end
            else:
                high = start
        return False


def _word_list() -> Path | None:
    spec = importlib.util.find_spec("spellchecker")  # its data file only: the package is not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "fr.json.gz"


def cache_folder() -> Path | None:
    """Where derived data is kept between runs (None: nowhere)."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        return Path(base) / "pgt" if base else Path.home() / ".cache" / "pgt"
    except RuntimeError:  # no home folder
        return None


def _cache_file(compressed: bytes) -> Path | None:
    folder = cache_folder()
    digest = hashlib.sha256(compressed).hexdigest()[:32]
    return folder / f"fr-words-{__version__}-{_CACHE_FORMAT}-{digest}.txt" if folder else None


def _cached(path: Path | None) -> _CachedWords | None:
    if path is None:
        return None
    try:
        text = path.read_bytes()
    except OSError:
        return None
    return _CachedWords(text) if text.startswith(b"\n") and text.endswith(b"\n") else None


def _keep(path: Path | None, words: _FrenchWords) -> None:
    """Write the cache file of `words` (their list is parsed for it: the run that writes it
    pays json's 0.1 s once, and only when the folder takes the file). Any failure (a
    read-only or full disk…) leaves no file."""
    if path is None or not words.data:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            keys = json.loads(words.data)
            if not keys or any("\n" in key for key in keys):
                raise OSError("no word list to keep")
            out.write(("\n" + "".join(f"{key}\n" for key in sorted(keys))).encode())
        os.replace(temporary, path)
    except BaseException as error:
        os.unlink(temporary)
        if not isinstance(error, OSError):
            raise


@lru_cache(maxsize=1)
def _dictionary() -> _FrenchWords | _CachedWords:
    source = _word_list()
    if source is None:
        return _FrenchWords(b"")
    compressed = source.read_bytes()
    path = _cache_file(compressed)
    cached = _cached(path)
    if cached is not None:
        return cached
    words = _FrenchWords(_gunzip(compressed))
    _keep(path, words)
    return words


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
