"""The shipped word lists (settings/data/), read by the normalizers and the PDF reader."""

from __future__ import annotations

from pgt.normalize.typos import load_lexicon
from pgt.settings.words import domain_words, lexicon_words, word_list


def test_word_lists_are_read_without_comments_or_blank_lines():
    lines = word_list("lexicon.txt")
    assert "Mont de Marsan" in lines and "référente" in lines
    assert not any(line.startswith("#") or not line.strip() for line in lines)
    assert "CAF" in word_list("acronymes.txt")


def test_domain_words_are_every_word_of_the_lexicon_case_folded_and_a_profiles_lines():
    words = domain_words()
    assert {"référente", "périscolaires", "marsan", "oney"} <= words  # `St Martin d'Oney`: its words
    assert "solidatech" not in words
    assert {"solidatech", "monoparentales"} <= domain_words(["Solidatech", "familles monoparentales"])
    assert lexicon_words(["Saint-Pierre-du-Mont"]) == {"saint", "pierre", "du", "mont"}


def test_the_typo_fixer_reads_the_same_lexicon():
    assert "REFERENTE" in load_lexicon().known  # its keys are folded
