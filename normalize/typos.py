"""Typo fixing in cell text, with a domain lexicon and fuzzy matching — conservative.

Three passes over each text, each fix logged:
1. explicit pairs of `data/typos.csv` (before → after, whole words), what a data officer is
   sure of (`détèves` → `élèves`);
2. known names of `data/lexicon.txt` with several words (`Mont de Marsan`, `St Perdon`): a
   run of words equal to one of them but for one word a letter or two away, that word
   not itself known, is fixed (`Mont de Mersan`, `Monti de Marsan`, `St perdou`);
3. single words: a word of five letters or more that no lexicon knows, in lower case (or
   capitalised only because it opens the text or a sentence), whose closest common word of
   the lexicon is one and only one, within one edit (two from eight letters; a swap of two
   letters is one edit), same first letter, and not a mere ending of it (`conserve` /
   `conserver` are both words), is fixed (`Conservier` → `Conserver`, `Vaïdation` →
   `Validation`, `Impluser` → `Impulser`); `mobiliier` (mobilier? mobiliser?) is left.
Never touched: acronyms (all capitals), capitalised words it does not know (names), words
the lexicon knows, words with several candidates.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import OSA  # Levenshtein with transpositions (`Impluser` → `Impulser`)

from pgt.normalize import CorrectionLog
from pgt.settings.headers import fold
from pgt.settings.profile import Profile, default_profile
from pgt.settings.words import dictionary_keys_of
from pgt.normalize.records import data_lines, records
from pgt.schema import Plan

RULE_EXPLICIT = "typo_explicit"
RULE_NAME = "typo_name"
RULE_WORD = "typo_word"

_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"(?:^|[.:!?\n•*(«\"–—-])\s*$")
_NAME_TOKEN = re.compile(r"[^\W_][\w'’-]*")  # words of a name, punctuation around them left out
MIN_LENGTH = 5


def _key(word: str) -> str:
    return fold(word).replace(" ", "")


@dataclass(frozen=True)
class Lexicon:
    known: frozenset[str]  # folded keys of every known word (names, acronyms, words)
    common: dict[str, str]  # folded key → spelling, common (lower-case) words only
    names: tuple[tuple[str, ...], ...]  # names of several words, as printed
    pairs: tuple[tuple[re.Pattern[str], str, str], ...]  # explicit fixes
    by_initial: dict[str, tuple[tuple[str, str], ...]]  # common words by first letter (fuzzy candidates)

    def candidates(self, word: str) -> list[str]:
        """The common words closest to `word` (all at the same, smallest distance)."""
        key = _key(word)
        limit = 1 if len(key) < 8 else 2
        found: list[tuple[int, str]] = []
        for other, spelling in self.by_initial.get(key[:1], ()):
            if abs(len(other) - len(key)) > limit:
                continue
            if other.startswith(key) or key.startswith(other):
                continue  # an ending: another form of the word, not a typo
            distance = OSA.distance(key, other, score_cutoff=limit)
            if distance <= limit:
                found.append((distance, spelling))
        closest = min((d for d, _ in found), default=None)
        return [spelling for d, spelling in found if d == closest]


def load_lexicon(profile: Profile | None = None) -> Lexicon:
    """The lexicon: the shipped word lists, extended by the profile's `[words]`."""
    words = (profile or default_profile()).words
    return _load_lexicon(tuple(words.lexicon), tuple(words.acronymes), tuple(sorted(words.typos.items())),
                         words.dictionary)


@lru_cache(maxsize=4)
def _load_lexicon(extra_lexicon: tuple[str, ...] = (), extra_acronyms: tuple[str, ...] = (),
                  extra_typos: tuple[tuple[str, str], ...] = (), dictionary: str = "") -> Lexicon:
    from pgt.normalize.fields import known_acronyms

    known: set[str] = {_key(a) for a in known_acronyms(extra_acronyms)} | dictionary_keys_of(dictionary)
    common: dict[str, str] = {}
    names: list[tuple[str, ...]] = []
    for entry in [*data_lines("lexicon.txt"), *extra_lexicon]:
        words = _WORD.findall(entry)
        known.update(_key(w) for w in words)
        if len(entry.split()) > 1:
            names.append(tuple(entry.split()))
        elif entry.islower():
            common.setdefault(_key(entry), entry)
    text = resources.files("pgt.normalize").joinpath("data", "typos.csv").read_text(encoding="utf-8")
    pairs = []
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    rows += [{"before": before, "after": after} for before, after in extra_typos]
    for row in rows:
        before, after = row["before"].strip(), row["after"].strip()
        if before and after:
            pattern = re.compile(rf"(?<!\w){re.escape(before)}(?!\w)")
            pairs.append((pattern, before, after))
            known.update(_key(w) for w in _WORD.findall(after))
    by_initial: dict[str, list[tuple[str, str]]] = {}
    for key, spelling in sorted(common.items()):
        by_initial.setdefault(key[:1], []).append((key, spelling))
    return Lexicon(frozenset(known), dict(sorted(common.items())), tuple(names), tuple(pairs),
                   {k: tuple(v) for k, v in by_initial.items()})


@dataclass(frozen=True)
class Fix:
    before: str
    after: str
    rule: str


def fix_text(text: str, lexicon: Lexicon | None = None) -> tuple[str, list[Fix]]:
    """The text with its sure typos fixed, and the fixes (in order)."""
    if lexicon is None:
        fixed, fixes = _fix_text_cached(text)
        return fixed, list(fixes)
    return _fix_text(text, lexicon)


@lru_cache(maxsize=8192)
def _fix_text_cached(text: str) -> tuple[str, tuple[Fix, ...]]:
    fixed, fixes = _fix_text(text, load_lexicon())
    return fixed, tuple(fixes)


def _fix_text(text: str, lexicon: Lexicon) -> tuple[str, list[Fix]]:
    fixes: list[Fix] = []
    for pattern, before, after in lexicon.pairs:
        if pattern.search(text):
            text = pattern.sub(after, text)
            fixes.append(Fix(before, after, RULE_EXPLICIT))
    text = _fix_names(text, lexicon, fixes)
    text = _fix_words(text, lexicon, fixes)
    return text, fixes


def _fix_names(text: str, lexicon: Lexicon, fixes: list[Fix]) -> str:
    for name in lexicon.names:
        size = len(name)
        tokens = list(_NAME_TOKEN.finditer(text))
        for start in range(len(tokens) - size + 1):
            window = tokens[start:start + size]
            odd = [i for i, (m, w) in enumerate(zip(window, name)) if _key(m.group()) != _key(w)]
            if len(odd) != 1:
                continue
            token, target = window[odd[0]].group(), name[odd[0]]
            key, target_key = _key(token), _key(target)
            if not key.isalpha() or key in lexicon.known or key[:1] != target_key[:1]:
                continue
            if OSA.distance(key, target_key) > (1 if len(target_key) < 8 else 2):
                continue
            span = window[odd[0]].span()
            text = text[:span[0]] + target + text[span[1]:]
            fixes.append(Fix(token, target, RULE_NAME))
            tokens = list(_NAME_TOKEN.finditer(text))
    return text


def _fix_words(text: str, lexicon: Lexicon, fixes: list[Fix]) -> str:
    pieces: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        word = match.group()
        replacement = _word_fix(word, text[:match.start()], lexicon)
        if replacement is not None:
            pieces.append(text[last:match.start()])
            pieces.append(replacement)
            last = match.end()
            fixes.append(Fix(word, replacement, RULE_WORD))
    pieces.append(text[last:])
    return "".join(pieces)


def _word_fix(word: str, before: str, lexicon: Lexicon) -> str | None:
    if len(word) < MIN_LENGTH or _key(word) in lexicon.known:
        return None
    if word.isupper():
        return None  # an acronym, or a heading in capitals: never touched
    capitalised = word[:1].isupper()
    if capitalised and (not _SENTENCE_END.search(before) or not word[1:].islower()):
        return None  # a capitalised word inside a sentence: a name we do not know
    candidates = lexicon.candidates(word)
    if len(candidates) != 1:
        return None
    fixed = candidates[0]
    return fixed[:1].upper() + fixed[1:] if capitalised else fixed


# ---- the rule -----------------------------------------------------------------------------
_TEXT_FIELDS = ("titre", "libelle", "porteur", "public_vise", "echeances", "moyens_humains",
                "moyens_techniques", "moyens_financiers", "parcours")
_LIST_FIELDS = ("partenaires", "indicateurs")


def fix_typos_rule(plan: Plan, log: CorrectionLog) -> None:
    """Every text of the plan: hierarchy titles, actions, offers, fiches."""
    # the default profile's lexicon goes through fix_text's cache; another one is passed
    lexicon = None if log.profile is default_profile() else load_lexicon(log.profile)
    for record_id, node in _titled_nodes(plan):
        _fix_field(record_id, node, "titre", log, lexicon)
    for record_id, record in records(plan):
        for field in _TEXT_FIELDS:
            if hasattr(record, field):
                _fix_field(record_id, record, field, log, lexicon)
        for field in _LIST_FIELDS:
            values = getattr(record, field)
            fixed_values = []
            for value in values:
                fixed, fixes = fix_text(value, lexicon)
                fixed_values.append(fixed)
                for fix in fixes:
                    log.record(record_id, field, fix.before, fix.after, fix.rule)
            if fixed_values != values:
                setattr(record, field, fixed_values)
    for fiche in plan.fiches:
        _fix_field(fiche.id, fiche, "titre", log, lexicon)


def _fix_field(record_id: str, record: object, field: str, log: CorrectionLog, lexicon: Lexicon | None = None) -> None:
    value = getattr(record, field)
    if not value:
        return
    fixed, fixes = fix_text(value, lexicon)
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
