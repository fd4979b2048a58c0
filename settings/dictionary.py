"""The French dictionary pgt consults (pyspellchecker's word list): the typo fixer leaves
correct words alone, the PDF reader joins back words a narrow column cut with no hyphen."""

from __future__ import annotations

import gzip
import importlib.util
import json
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def french_words() -> frozenset[str]:
    """The words of pyspellchecker's French dictionary (about 140,000 forms, accents kept),
    read once and only when first asked."""
    spec = importlib.util.find_spec("spellchecker")  # its data file only: the package is not imported
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "fr.json.gz"
    return frozenset(json.loads(gzip.decompress(path.read_bytes())))


def is_french_word(word: str) -> bool:
    return word.lower() in french_words()
