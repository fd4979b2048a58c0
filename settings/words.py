"""The word lists pgt ships (`settings/data/`: lexicon.txt, acronymes.txt, partenaires.txt,
indicateurs.txt, typos.csv), read by the normalizers and, for the lexicon, by the PDF
reader (a word a narrow cell cut is joined back when the lexicon knows it). A profile's
`[words]` add lines to them."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

_SPLIT_AT = str.maketrans({"-": " ", "'": " ", "’": " ", "/": " "})


def word_list(name: str) -> list[str]:
    """Lines of a word list of `settings/data/`, comments (`#`) and blank lines dropped."""
    lines = []
    for line in data_text(name).splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            lines.append(line)
    return lines


def data_text(name: str) -> str:
    return resources.files("pgt.settings").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _shipped_lexicon_words() -> frozenset[str]:
    return lexicon_words(word_list("lexicon.txt"))


def lexicon_words(lines: Iterable[str]) -> frozenset[str]:
    """Every word of lexicon lines (a name's words each: `Mont de Marsan`), case folded."""
    return frozenset(word.casefold() for line in lines for word in line.translate(_SPLIT_AT).split())


def domain_words(extra_lines: Iterable[str] = ()) -> frozenset[str]:
    """The words of the shipped lexicon and of `extra_lines` (a profile's `[words] lexicon`)."""
    extra = lexicon_words(extra_lines)
    return _shipped_lexicon_words() | extra if extra else _shipped_lexicon_words()
