"""The French word list kept in the cache folder (settings/dictionary.py) answers as the
parsed list, is written once and read by the next runs, and a cache folder that cannot be
written changes nothing but the time."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from pgt.settings import dictionary
from pgt.settings.dictionary import CACHE_ENV, _CachedWords, _dictionary, _FrenchWords, _word_list


@pytest.fixture(scope="module")
def parsed() -> frozenset[str]:
    return frozenset(json.loads(gzip.decompress(_word_list().read_bytes())))


def probes(words: frozenset[str]) -> list[str]:
    rng = random.Random(15)
    listed = sorted(words)
    return (rng.sample(listed, 300) + [w + "x" for w in rng.sample(listed, 100)]
            + [w[:-1] for w in rng.sample(listed, 100)]
            + [listed[0], listed[-1], listed[-1] + "z", "", "conserver", "zzqx", 'a": 5', "abaisser\n", "élèves"])


def test_cached_words_answer_as_the_parsed_word_list(tmp_path, monkeypatch, parsed):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    first = _dictionary.__wrapped__()  # no cache file yet: the text, and the file written
    assert isinstance(first, _FrenchWords)
    (kept,) = tmp_path.glob("fr-words-*.txt")
    second = _dictionary.__wrapped__()
    assert isinstance(second, _CachedWords)
    assert [w in second for w in probes(parsed)] == [w in parsed for w in probes(parsed)]
    assert kept.read_bytes() == ("\n" + "".join(f"{w}\n" for w in sorted(parsed))).encode()
    assert [p.name for p in tmp_path.iterdir()] == [kept.name]  # no temporary file left


def test_bisection_of_small_lists():
    for words in ([], ["a"], ["a", "b"], ["", "b"], ["ab", "abc", "b", "é"]):
        cached = _CachedWords(("\n" + "".join(f"{w}\n" for w in sorted(words))).encode())
        for probe in ["", "a", "ab", "abc", "abd", "b", "c", "é", "a\nb"]:
            assert (probe in cached) == (probe in words), (words, probe)


def test_unwritable_cache_folder_changes_no_answer(tmp_path, monkeypatch, parsed):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "pgt"))  # a folder under a file: cannot be made
    words = _dictionary.__wrapped__()
    assert isinstance(words, _FrenchWords)
    assert [w in words for w in probes(parsed)] == [w in parsed for w in probes(parsed)]


def test_empty_cache_setting_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert dictionary.cache_folder() is None
    assert isinstance(_dictionary.__wrapped__(), _FrenchWords)
    assert list(tmp_path.iterdir()) == []


def test_another_word_list_uses_another_cache_file(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    assert dictionary._cache_file(b"one list") != dictionary._cache_file(b"another list")
    assert dictionary._cache_file(b"one list").parent == tmp_path


def test_read_only_cache_folder_is_not_parsed_for(tmp_path, monkeypatch):
    """A cache folder that takes no file: the word list is not parsed for nothing (0.1 s)."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path))

    parsed_lists = []
    monkeypatch.setattr(dictionary.tempfile, "mkstemp", read_only)
    monkeypatch.setattr(dictionary.json, "loads", lambda *a, **k: parsed_lists.append(1) or {})
    words = _dictionary.__wrapped__()
    assert isinstance(words, _FrenchWords) and words.searchable
    assert parsed_lists == [] and list(tmp_path.iterdir()) == []
