"""Typo fixing in cell text, with a domain lexicon and fuzzy matching — conservative.

Three passes over each text, each fix logged:
1. explicit pairs of `settings/data/typos.csv` (before → after, whole words), what a data officer is
   sure of (`détèves` → `élèves`);
2. known names of `settings/data/lexicon.txt` with several words (`Mont de Marsan`, `St Perdon`): a
   run of words equal to one of them but for one word a letter or two away, that word
   not itself known, is fixed (`Mont de Mersan`, `Monti de Marsan`, `St perdou`);
3. single words: a word of five letters or more that no lexicon knows, in lower case (or
   capitalised only because it opens the text or a sentence), whose closest common word of
   the lexicon is one and only one, within one edit (two from eight letters; a swap of two
   letters is one edit), same first letter, and not a mere ending of it (`conserve` /
   `conserver` are both words), is fixed (`Conservier` → `Conserver`, `Vaïdation` →
   `Validation`, `Impluser` → `Impulser`); `mobiliier` (mobilier? mobiliser?) is left.
Never touched: acronyms (all capitals), capitalised words it does not know (names), words
the lexicon knows, words with several candidates, and words of the French dictionary
(pyspellchecker's list): the plan's lexicon is small, and a correct word it lacks
(`accompagnées`, `conseillers`, `revenus`) must not be "fixed" into its neighbour.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA  # Levenshtein with transpositions (`Impluser` → `Impulser`)

from pgt.normalize.log import CorrectionLog
from pgt.settings.headers import fold
from pgt.normalize.fields import known_acronyms  # fields imports no typo fixer: no cycle
from pgt.normalize.records import records
from pgt.schema import Plan
from pgt.settings.dictionary import is_french_word
from pgt.settings.profile import Profile, default_profile
from pgt.settings.words import data_text, word_list

RULE_EXPLICIT = "typo_explicit"
RULE_NAME = "typo_name"
RULE_WORD = "typo_word"

_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_OPENERS = frozenset(".:!?\n•*(«\"–—-")  # after one of these (and spaces) a capital is expected
_NAME_TOKEN = re.compile(r"[^\W_][\w'’-]*")  # words of a name, punctuation around them left out
_TEXT_CACHE_SIZE = 1 << 14


@lru_cache(maxsize=1 << 16)  # asked for every token of every text (names, then words)
def _key(word: str) -> str:
    return fold(word).replace(" ", "")


def _edit_limit(key: str) -> int:
    return 1 if len(key) < 8 else 2


@dataclass(frozen=True, eq=False)  # one per content (`build_lexicon` is cached): hashed by identity
class Lexicon:
    """The word lists in the shape the passes use, indexed once so that a word is compared
    with the few common words of its first letter and length, not with the whole lexicon."""

    known: frozenset[str]  # folded keys of every known word (names, acronyms, words)
    common: dict[str, str]  # folded key → spelling, common (lower-case) words only
    names: tuple[tuple[str, ...], ...]  # names of several words, as printed
    pairs: tuple[tuple[re.Pattern[str], str, str], ...]  # explicit fixes
    # (first letter, length) → folded keys of the common words, sorted: the fuzzy buckets
    by_initial_length: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)
    name_keys: tuple[tuple[str, ...], ...] = ()  # the names' words, folded
    # each name's folded words as a set, when no word repeats in it (else None: counted one by one)
    name_key_sets: tuple[frozenset[str] | None, ...] = ()
    # folded word → the indices of the names holding it: a name is only tried on a text that
    # holds one of its words at least (it has two or more, and may differ by one)
    names_by_key: dict[str, tuple[int, ...]] = field(default_factory=dict)
    _candidates: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def candidates(self, word: str) -> list[str]:
        """The common words closest to `word` (all at the same, smallest distance)."""
        key = _key(word)
        found = self._candidates.get(key)
        if found is None:
            found = self._candidates[key] = self._closest(key)
        return list(found)

    def _closest(self, key: str) -> tuple[str, ...]:
        # Same answer as comparing `key` with every common word of its first letter: a word
        # more than `limit` letters longer or shorter is more than `limit` edits away.
        limit = _edit_limit(key)
        found: list[tuple[str, int]] = []
        for length in range(len(key) - limit, len(key) + limit + 1):
            bucket = self.by_initial_length.get((key[:1], length))
            if not bucket:
                continue
            for other, distance, _ in process.extract(key, bucket, scorer=OSA.distance,
                                                      score_cutoff=limit, limit=None):
                if other.startswith(key) or key.startswith(other):
                    continue  # an ending: another form of the word, not a typo
                found.append((other, distance))
        closest = min((d for _, d in found), default=None)
        return tuple(self.common[other] for other, d in sorted(found) if d == closest)


def build_lexicon(*, lexicon: Iterable[str], acronyms: Iterable[str],
                  pairs: Iterable[tuple[str, str]]) -> Lexicon:
    """The indexed lexicon of word lists: lexicon entries (words and names of several words,
    as printed), acronyms, explicit (before, after) fixes. Built once per content."""
    return _build_lexicon(tuple(lexicon), tuple(sorted(acronyms)), tuple(pairs))


@lru_cache(maxsize=8)
def _build_lexicon(entries: tuple[str, ...], acronyms: tuple[str, ...],
                   explicit: tuple[tuple[str, str], ...]) -> Lexicon:
    known: set[str] = {_key(a) for a in acronyms}
    common: dict[str, str] = {}
    names: list[tuple[str, ...]] = []
    for entry in entries:
        words = _WORD.findall(entry)
        known.update(_key(w) for w in words)
        if len(entry.split()) > 1:
            names.append(tuple(entry.split()))
        elif entry.islower():
            common.setdefault(_key(entry), entry)
    pairs = []
    for before, after in explicit:
        before, after = before.strip(), after.strip()
        if before and after:
            pattern = re.compile(rf"(?<!\w){re.escape(before)}(?!\w)")
            pairs.append((pattern, before, after))
            known.update(_key(w) for w in _WORD.findall(after))
    buckets: dict[tuple[str, int], list[str]] = {}
    for key in sorted(common):
        buckets.setdefault((key[:1], len(key)), []).append(key)
    name_keys = tuple(tuple(_key(w) for w in name) for name in names)
    names_by_key: dict[str, list[int]] = {}
    for index, keys in enumerate(name_keys):
        for key in dict.fromkeys(keys):
            names_by_key.setdefault(key, []).append(index)
    return Lexicon(frozenset(known), dict(sorted(common.items())), tuple(names), tuple(pairs),
                   {k: tuple(v) for k, v in buckets.items()}, name_keys,
                   tuple(frozenset(keys) if len(set(keys)) == len(keys) else None for keys in name_keys),
                   {k: tuple(v) for k, v in names_by_key.items()})


def shipped_typo_pairs() -> list[tuple[str, str]]:
    """The sure (before, after) pairs of `settings/data/typos.csv`."""
    rows = csv.DictReader(line for line in data_text("typos.csv").splitlines() if not line.startswith("#"))
    return [(row["before"], row["after"]) for row in rows]


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The default lexicon, from the data files."""
    return build_lexicon(lexicon=word_list("lexicon.txt"), acronyms=known_acronyms(), pairs=shipped_typo_pairs())


@dataclass(frozen=True)
class Fix:
    """A typo fixed: the text before, after, and the rule."""
    before: str
    after: str
    rule: str


class TypoFixer:
    """Fixes the sure typos of texts against one set of word lists; each text's answer kept."""

    def __init__(self, lexicon: Lexicon, min_length: int) -> None:
        self.lexicon = lexicon
        self.min_length = min_length  # a shorter word is never fixed (`[thresholds] typos_min_length`)
        self._fixed = lru_cache(maxsize=_TEXT_CACHE_SIZE)(self._fix_frozen)

    @classmethod
    def from_words(cls, *, lexicon: Iterable[str], acronyms: Iterable[str],
                   pairs: Iterable[tuple[str, str]], min_length: int | None = None) -> TypoFixer:
        """The fixer of these word lists (one per content: the same lists give the same one)."""
        return _fixer_of(build_lexicon(lexicon=lexicon, acronyms=acronyms, pairs=pairs),
                         min_length or _default_min_length())

    def fix_text(self, text: str) -> tuple[str, list[Fix]]:
        """The text with its sure typos fixed, and the fixes (in order)."""
        fixed, fixes = self._fixed(text)
        return fixed, list(fixes)

    def _fix_frozen(self, text: str) -> tuple[str, tuple[Fix, ...]]:
        fixed, fixes = _fix_text(text, self.lexicon, self.min_length)
        return fixed, tuple(fixes)


@lru_cache(maxsize=8)
def _fixer_of(lexicon: Lexicon, min_length: int) -> TypoFixer:
    return TypoFixer(lexicon, min_length)


def _default_min_length() -> int:
    return default_profile().thresholds.typos_min_length


def default_fixer() -> TypoFixer:
    """The fixer of the data files' word lists, built on first use."""
    return _fixer_of(load_lexicon(), _default_min_length())


def fix_text(text: str, lexicon: Lexicon | None = None) -> tuple[str, list[Fix]]:
    """The text with its sure typos fixed, and the fixes (in order)."""
    return (default_fixer() if lexicon is None else _fixer_of(lexicon, _default_min_length())).fix_text(text)


def _fix_text(text: str, lexicon: Lexicon, min_length: int) -> tuple[str, list[Fix]]:
    fixes: list[Fix] = []
    for pattern, before, after in lexicon.pairs:
        if before in text and pattern.search(text):  # the substring test spares most searches
            text = pattern.sub(after, text)
            fixes.append(Fix(before, after, RULE_EXPLICIT))
    text = _fix_names(text, lexicon, fixes)
    text = _fix_words(text, lexicon, fixes, min_length)
    return text, fixes


def _tokens(text: str) -> tuple[list[re.Match[str]], list[str]]:
    tokens = list(_NAME_TOKEN.finditer(text))
    return tokens, [_key(m.group()) for m in tokens]


def _names_sharing_a_word(present: set[str], lexicon: Lexicon, after: int) -> list[int]:
    """The indices past `after` of the names holding one of the `present` words, in order."""
    by_key = lexicon.names_by_key
    return sorted({i for key in present for i in by_key.get(key, ()) if i > after})


def _fix_names(text: str, lexicon: Lexicon, fixes: list[Fix]) -> str:
    present = set(map(_key, _NAME_TOKEN.findall(text)))  # the tokens' keys, their places only when needed
    tokens: list[re.Match[str]] = []
    keys: list[str] = []
    placed = False
    # the names in lexicon order, as if each were tried (a name sharing no word with the text
    # is skipped by the count below anyway); after a fix, the rest against the new text
    queue = _names_sharing_a_word(present, lexicon, -1)
    while queue:
        index = queue.pop(0)
        name, name_keys, key_set = lexicon.names[index], lexicon.name_keys[index], lexicon.name_key_sets[index]
        size = len(name)
        found = len(present & key_set) if key_set is not None else sum(k in present for k in name_keys)
        if found < size - 1:
            continue  # two of its words or more appear nowhere: no run can be one word away
        if not placed:
            tokens, keys = _tokens(text)
            placed = True
        for start in range(len(tokens) - size + 1):
            window = keys[start:start + size]
            odd = [i for i, (k, w) in enumerate(zip(window, name_keys)) if k != w]
            if len(odd) != 1:
                continue
            token, target = tokens[start + odd[0]].group(), name[odd[0]]
            key, target_key = window[odd[0]], name_keys[odd[0]]
            if not key.isalpha() or key in lexicon.known or key[:1] != target_key[:1]:
                continue
            if OSA.distance(key, target_key) > _edit_limit(target_key):
                continue
            span = tokens[start + odd[0]].span()
            text = text[:span[0]] + target + text[span[1]:]
            fixes.append(Fix(token, target, RULE_NAME))
            tokens, keys = _tokens(text)
            present = set(keys)
            queue = _names_sharing_a_word(present, lexicon, index)
    return text


@lru_cache(maxsize=8)
def _long_words(min_length: int) -> re.Pattern[str]:
    """The words of `min_length` letters or more (the only ones ever fixed): `_WORD`'s runs
    of letters, the shorter ones skipped by the regex engine."""
    return re.compile(rf"[^\W\d_]{{{max(min_length, 1)},}}")


def _fix_words(text: str, lexicon: Lexicon, fixes: list[Fix], min_length: int) -> str:
    pieces: list[str] = []
    last = 0
    for match in _long_words(min_length).finditer(text):
        word = match.group()
        replacement = _word_fix(word, text, match.start(), lexicon, min_length)
        if replacement is not None:
            pieces.append(text[last:match.start()])
            pieces.append(replacement)
            last = match.end()
            fixes.append(Fix(word, replacement, RULE_WORD))
    pieces.append(text[last:])
    return "".join(pieces)


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` opens the text or a sentence (spaces before it skipped)."""
    position = start
    while position > 0 and text[position - 1].isspace():
        if text[position - 1] == "\n":
            return True  # a line break opens a sentence
        position -= 1
    return position == 0 or text[position - 1] in _SENTENCE_OPENERS


def _word_fix(word: str, text: str, start: int, lexicon: Lexicon, min_length: int) -> str | None:
    if len(word) < min_length or _key(word) in lexicon.known:
        return None
    if word.isupper():
        return None  # an acronym, or a heading in capitals: never touched
    capitalised = word[:1].isupper()
    if capitalised and (not _opens_sentence(text, start) or not word[1:].islower()):
        return None  # a capitalised word inside a sentence: a name we do not know
    candidates = lexicon.candidates(word)
    if len(candidates) != 1 or is_french_word(word):
        return None
    fixed = candidates[0]
    return fixed[:1].upper() + fixed[1:] if capitalised else fixed


# ---- the rule -----------------------------------------------------------------------------
_TEXT_FIELDS = ("titre", "libelle", "porteur", "public_vise", "echeances", "moyens_humains",
                "moyens_techniques", "moyens_financiers", "parcours")
_LIST_FIELDS = ("partenaires", "indicateurs")


def profile_fixer(profile: Profile) -> TypoFixer | None:
    """The fixer of a profile whose `[words]` extend the lists (None: the default one)."""
    words = profile.words
    min_length = profile.thresholds.typos_min_length
    if not (words.lexicon or words.acronymes or words.typos):
        return None if min_length == _default_min_length() else _fixer_of(load_lexicon(), min_length)
    return TypoFixer.from_words(lexicon=[*word_list("lexicon.txt"), *words.lexicon],
                                acronyms=known_acronyms(tuple(words.acronymes)),
                                pairs=[*shipped_typo_pairs(), *words.typos.items()], min_length=min_length)


def fix_typos_rule(plan: Plan, log: CorrectionLog) -> None:
    """Every text of the plan: hierarchy titles, actions, offers, fiches."""
    fix_one = (profile_fixer(log.profile) or default_fixer()).fix_text  # found once, not per text
    for record_id, node in _titled_nodes(plan):
        _fix_field(record_id, node, "titre", log, fix_one)
    for record_id, record in records(plan):
        for field in _TEXT_FIELDS:
            if hasattr(record, field):
                _fix_field(record_id, record, field, log, fix_one)
        for field in _LIST_FIELDS:
            values = getattr(record, field)
            fixed_values = []
            for value in values:
                fixed, fixes = fix_one(value)
                fixed_values.append(fixed)
                for fix in fixes:
                    log.record(record_id, field, fix.before, fix.after, fix.rule)
            if fixed_values != values:
                setattr(record, field, fixed_values)
    for fiche in plan.fiches:
        _fix_field(fiche.id, fiche, "titre", log, fix_one)


def _fix_field(record_id: str, record: object, field: str, log: CorrectionLog, fix_one=None) -> None:  # noqa: ANN001
    value = getattr(record, field)
    if not value:
        return
    fixed, fixes = (fix_one or fix_text)(value)
    for fix in fixes:
        log.record(record_id, field, fix.before, fix.after, fix.rule)
    if fixed != value:
        setattr(record, field, fixed)


def _titled_nodes(plan: Plan):  # noqa: ANN202 - iterator of (record id, node)
    for thematique in plan.thematiques:
        code = thematique.code
        for axe in thematique.axes:
            yield f"{code}-{axe.numero}", axe
            for oi in axe.objectifs_intermediaires:
                yield f"{code}-{axe.numero}-{oi.numero}", oi
                for oo in oi.objectifs_operationnels:
                    yield f"{code}-{axe.numero}-{oi.numero}-oo{oo.numero}", oo
