"""The typo fixer's index answers as the scan over the whole lexicon did (same candidates,
same fixes), and a fixer built from word lists passed in behaves as the default one."""

from __future__ import annotations

import gzip
import json
import random

from rapidfuzz.distance import OSA

from pgt.normalize import typos
from pgt.normalize.typos import TypoFixer, fix_text, load_lexicon
from pgt.settings.dictionary import _FrenchWords, _word_list


def scan_candidates(lexicon: typos.Lexicon, word: str) -> list[str]:
    """The reference: every common word of the same first letter compared with `word`."""
    key = typos._key(word)
    limit = 1 if len(key) < 8 else 2
    found = []
    for other, spelling in sorted(lexicon.common.items()):
        if other[:1] != key[:1] or abs(len(other) - len(key)) > limit:
            continue
        if other.startswith(key) or key.startswith(other):
            continue
        distance = OSA.distance(key, other)
        if distance <= limit:
            found.append((distance, spelling))
    closest = min((d for d, _ in found), default=None)
    return [spelling for d, spelling in found if d == closest]


def misspelled(word: str, rng: random.Random) -> str:
    letters = list(word)
    for _ in range(rng.choice((1, 1, 2, 3))):
        at = rng.randrange(len(letters))
        operation = rng.randrange(4)
        if operation == 0 and len(letters) > 1:
            del letters[at]
        elif operation == 1:
            letters.insert(at, rng.choice("abcdeilmnorstuéè"))
        elif operation == 2:
            letters[at] = rng.choice("abcdeilmnorstuéè")
        elif at + 1 < len(letters):
            letters[at], letters[at + 1] = letters[at + 1], letters[at]
    return "".join(letters)


def test_index_gives_the_candidates_of_the_scan():
    lexicon = load_lexicon()
    rng = random.Random(15)
    words = [misspelled(w, rng) for w in rng.sample(sorted(lexicon.common.values()), 600)]
    words += ["mobiliier", "conservier", "impluser", "vaidation", "zorglub", "a", ""]
    with_candidates = 0
    for word in words:
        expected = scan_candidates(lexicon, word)
        assert lexicon.candidates(word) == expected, word
        with_candidates += bool(expected)
    assert with_candidates > 200  # the sample does reach the fuzzy matcher


def test_fixer_from_word_lists_fixes_with_those_words_only():
    fixer = TypoFixer.from_words(lexicon=["cartable", "Vieux Boucau", "gomme"], acronyms=["ALSH"],
                                 pairs=[("crayn", "crayon")])
    fixed, fixes = fixer.fix_text("un cartible et un crayn à Vieux Boucou pour ALSH")
    assert fixed == "un cartable et un crayon à Vieux Boucau pour ALSH"
    assert [(f.before, f.after, f.rule) for f in fixes] == [
        ("crayn", "crayon", "typo_explicit"), ("Boucou", "Boucau", "typo_name"), ("cartible", "cartable", "typo_word")]
    # the default lexicon does not know these words: nothing to fix them to
    assert fix_text("un cartible")[0] == "un cartible"


def test_fixer_is_one_per_word_list_content():
    words = dict(lexicon=["cartable", "gomme"], acronyms=["ALSH", "CAF"], pairs=[("crayn", "crayon")])
    same = dict(lexicon=("cartable", "gomme"), acronyms={"CAF", "ALSH"}, pairs=(("crayn", "crayon"),))
    assert TypoFixer.from_words(**words) is TypoFixer.from_words(**same)
    assert TypoFixer.from_words(**words) is not TypoFixer.from_words(**{**words, "lexicon": ["cartable"]})


def test_capital_after_a_line_break_opens_a_sentence():
    # the sentence test no longer searches the whole text before each word: a line break, a
    # bullet or the text's start still open a sentence, a capital inside one is a name
    assert fix_text("suivi\nConservier le taux")[0] == "suivi\nConserver le taux"
    assert fix_text("suivi •  Conservier le taux")[0] == "suivi •  Conserver le taux"
    assert fix_text("suivi de Conservier")[0] == "suivi de Conservier"


def test_french_dictionary_lookups_answer_as_the_parsed_word_list():
    """A few words are looked up in the dictionary file's text, without parsing its
    140,000 words (0.1 s); the answers are those of the parsed list, odd words included."""
    data = gzip.decompress(_word_list().read_bytes())  # the text (without the cache file)
    fresh = _FrenchWords(data)  # its own count of lookups
    assert fresh.searchable
    parsed = frozenset(json.loads(data))
    rng = random.Random(15)
    probes = rng.sample(sorted(parsed), 40) + ["conserver", "zzqx", "", 'a": 5', "abaisser\n", "élèves"]
    assert [w in fresh for w in probes] == [w in parsed for w in probes]
    assert fresh.words is None  # no set built for a few words
    for word in rng.sample(sorted(parsed), 80) + ["zzqy"]:  # past the lookups kept: the set
        assert (word in fresh) == (word in parsed)
    assert fresh.words == parsed


def test_french_dictionary_of_another_layout_answers_as_its_parsed_words():
    """Each answer checked where the word is found: a key not opening a line, or a word
    printed as a value, is not decided by the text (the set is built); an escape anywhere
    and the text answers nothing."""
    one_line = b'{"maison": 1, "arbre": 2}'
    assert "arbre" in _FrenchWords(one_line) and "chat" not in _FrenchWords(one_line)
    valued = b'{\n"maison": "arbre",\n"chat": 1\n}'
    words = _FrenchWords(valued)
    assert "maison" in words and "chat" in words and words.words is None
    assert "arbre" not in words and words.words == {"maison", "chat"}
    escaped = b'{\n"\\u00e9cole": 1\n}'
    assert not _FrenchWords(escaped).searchable and "école" in _FrenchWords(escaped)


def test_names_one_word_off_are_fixed_wherever_the_text_prints_them():
    """A name of the lexicon printed one word off is fixed, whatever comes before and after."""
    lexicon = load_lexicon()
    rng = random.Random(15)
    fixed = 0
    for name in lexicon.names:
        words = list(name)
        at = max(range(len(words)), key=lambda i: len(words[i]))  # its longest word, garbled
        if len(words[at]) < 4 or not words[at].isalpha():
            continue
        letters = list(words[at])
        letters[len(letters) // 2] = "x" if letters[len(letters) // 2] != "x" else "z"
        words[at] = "".join(letters)
        for before, after in (("Au ", ", l'accueil"), ("", ""), ("- ", "-Sud")):
            text = before + " ".join(words) + after
            fixes: list[typos.Fix] = []
            result = typos._fix_names(text, lexicon, fixes)
            if fixes:
                fixed += 1
                assert result == before + " ".join(name) + after, text
    assert fixed >= 3
    plain = "Accompagner les familles dans leurs démarches"
    assert typos._fix_names(plain, lexicon, []) == plain


def _fix_names_trying_every_name(text: str, lexicon: typos.Lexicon) -> tuple[str, list]:
    """The reference: every name of the lexicon tried in order against the text (the names
    index only skips those sharing no word with it)."""
    fixes: list = []
    present = set(map(typos._key, typos._NAME_TOKEN.findall(text)))
    for name, name_keys in zip(lexicon.names, lexicon.name_keys):
        size = len(name)
        if sum(k in present for k in name_keys) < size - 1:
            continue
        tokens, keys = typos._tokens(text)
        for start in range(len(tokens) - size + 1):
            window = keys[start:start + size]
            odd = [i for i, (k, w) in enumerate(zip(window, name_keys)) if k != w]
            if len(odd) != 1:
                continue
            key, target_key = window[odd[0]], name_keys[odd[0]]
            if not key.isalpha() or key in lexicon.known or key[:1] != target_key[:1]:
                continue
            if OSA.distance(key, target_key) > typos._edit_limit(target_key):
                continue
            token, target = tokens[start + odd[0]].group(), name[odd[0]]
            span = tokens[start + odd[0]].span()
            text = text[:span[0]] + target + text[span[1]:]
            fixes.append(typos.Fix(token, target, typos.RULE_NAME))
            tokens, keys = typos._tokens(text)
            present = set(keys)
    return text, fixes


def test_names_found_by_their_words_as_by_trying_every_name(raw_plan):
    """Names are tried only on texts holding one of their words (an index by word): the
    same fixes, in the same order, as trying every name of the lexicon on every text."""
    lexicon = load_lexicon()
    rng = random.Random(7)
    texts = [a.titre for a in raw_plan.all_actions()] + [a.porteur or "" for a in raw_plan.all_actions()]
    for name in lexicon.names * 3:
        words = list(name)
        at = rng.randrange(len(words))
        word = words[at]
        if len(word) > 4 and word[2].isalpha():  # one letter changed inside: one edit away
            words[at] = word[:2] + ("x" if word[2] != "x" else "z") + word[3:]
        texts.append(f"avec {' '.join(words)} et {' '.join(rng.choice(lexicon.names))}")
    changed = 0
    for text in texts:
        fixes: list = []
        fixed = typos._fix_names(text, lexicon, fixes)
        assert (fixed, fixes) == _fix_names_trying_every_name(text, lexicon), text
        changed += fixed != text
    assert changed >= len(lexicon.names)  # the made-up texts do exercise fixes
