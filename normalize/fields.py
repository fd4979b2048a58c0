"""Field parsing: years out of échéances, OO references and fiche prefixes as numbers,
partenaires and indicateurs split into lists on their real separators.

Each parser is a pure function on text (pinned by tests on the printed forms); the rules
apply them to every action and offer and log what they change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pgt.normalize.log import CorrectionLog
from pgt.settings.headers import fold
from pgt.settings.text import LazyPattern
from pgt.settings.headings import match_fiche_list, parse_oo_refs
from pgt.normalize.records import Record, records
from pgt.schema import Plan
from pgt.settings.profile import Profile, default_profile
from pgt.settings.words import word_list

# ---- years ------------------------------------------------------------------------------
# `2023-2026`, `2022/2026`, `2021-27`, `2023 - 27`, `2022-23 : …`, `2021 à 27`, `2021/22`
_YEAR_RANGE = re.compile(r"(?<!\d)(20\d{2})\s*(?:-|–|/|à|au)\s*(20\d{2}|\d{2})(?!\d)")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def parse_years(text: str | None) -> tuple[int | None, int | None]:
    """First and last year an échéances text states; (None, None) when it states none
    (`toute la durée du PGT`, `année scolaire`). One year alone is both."""
    if not text:
        return None, None
    years: list[int] = []
    for match in _YEAR_RANGE.finditer(text):
        start = int(match.group(1))
        end_text = match.group(2)
        end = int(end_text) if len(end_text) == 4 else start // 100 * 100 + int(end_text)
        years.append(start)
        if end >= start:  # `2022-15` is not a range: keep the start only
            years.append(end)
    years.extend(int(m.group(1)) for m in _YEAR.finditer(text))
    if not years:
        return None, None
    return min(years), max(years)


def parse_years_rule(plan: Plan, log: CorrectionLog) -> None:
    """`annee_debut` / `annee_fin` from the échéances text, when it states years."""
    for record_id, record in records(plan):
        debut, fin = parse_years(record.echeances)
        for field, value in (("annee_debut", debut), ("annee_fin", fin)):
            if value is not None and getattr(record, field) != value:
                log.record(record_id, field, getattr(record, field), value, "parse_years")
                setattr(record, field, value)


# `3 000 €`, `12000 euros`, `1 500,50 €`, `15 k€`, `1,2 M€`: an amount needs its currency
_AMOUNT = LazyPattern(
    r"(?<![\d,.])(\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)(?:,(\d{1,2}))?\s*(k|K|M)?\s*(?:€|euros?\b|EUR\b)"
)


def parse_budget(text: str | None) -> float | None:
    """The amount in euros a budget cell states, when it states exactly one."""
    if not text:
        return None
    amounts = set()
    for match in _AMOUNT.finditer(text):
        whole = float(re.sub(r"[ \u00a0\u202f.]", "", match.group(1)))
        value = whole + (float(f"0.{match.group(2)}") if match.group(2) else 0.0)
        value *= {"k": 1e3, "K": 1e3, "M": 1e6}.get(match.group(3) or "", 1.0)
        amounts.add(round(value, 2))
    return amounts.pop() if len(amounts) == 1 else None


def parse_budget_rule(plan: Plan, log: CorrectionLog) -> None:
    """`budget` (euros) from the budget text as printed, when it states one amount."""
    for record_id, record in records(plan):
        value = parse_budget(record.budget_texte)
        if value is not None and record.budget != value:
            log.record(record_id, "budget", record.budget, value, "parse_budget")
            record.budget = value


# ---- OO references and fiche prefixes ---------------------------------------------------
def parse_oo(text: str) -> list[int] | None:
    """`1 2 3`, `4 5`, `1, 2` → [1, 2, 3]; None when the text is not a list of OO numbers."""
    return parse_oo_refs(text)


def parse_fiche_prefix(text: str) -> tuple[list[int], str] | None:
    """`3.13.10. A l'échelle…`, `1,2,3,7,9,10,13. …`, `12,10. …` → (fiche numbers, rest)."""
    return match_fiche_list(text)


def fiche_prefix_rule(plan: Plan, log: CorrectionLog) -> None:
    """A title still led by a list of fiche numbers: the numbers go to `fiches_liees`."""
    for record_id, record in records(plan):
        titre = getattr(record, "titre", None)
        found = parse_fiche_prefix(titre) if titre else None
        if found is None:
            continue
        numbers, rest = found
        merged = sorted(set(record.fiches_liees) | set(numbers))  # type: ignore[union-attr]
        log.record(record_id, "fiches_liees", record.fiches_liees, merged, "fiche_prefix")  # type: ignore[union-attr]
        log.record(record_id, "titre", titre, rest, "fiche_prefix")
        record.fiches_liees = merged  # type: ignore[union-attr]
        record.titre = rest  # type: ignore[union-attr]


# ---- lists ------------------------------------------------------------------------------
# a dash with a space before it separates items (`CAF des Landes – PMI`, `justice -ADIL 40`);
# a dash inside a word does not (`CAF-MSA`, `péri-scolaires`, `Mont-de-Marsan`)
_DASH = r"\s+[–—-]+\s*|^\s*[–—-]+\s*|(?<=[A-Z]{2})-\s+"
_PARTENAIRE_SEPARATORS = re.compile(rf",|;|\s\+\s|\s/\s*|\s*/\s|(?<=[A-Z])/(?=[A-Z])|{_DASH}")
_INDICATEUR_SEPARATORS = re.compile(rf",|;|(?<=\w)\.\s+(?=[A-ZÉ])|{_DASH}")
_CONNECTOR = re.compile(r"^(?:et|and|\+)\s+", re.IGNORECASE)
_TRIM = " \t\n.;:-–—"


def _split_outside_parentheses(text: str, separators: re.Pattern[str]) -> list[str]:
    """Split on the separators, never inside `( … )` (`lieux (crèches, RPE, etc)`)."""
    if "(" not in text:  # no parenthesis to keep whole: each next separator found by the regex engine
        return _split_at_separators(text, separators)
    pieces, depth, start = [], 0, 0
    position = 0
    while position < len(text):
        char = text[position]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if depth == 0:
            match = separators.match(text, position)
            if match and match.end() > position:
                pieces.append(text[start:position])
                start = position = match.end()
                continue
        position += 1
    pieces.append(text[start:])
    return pieces


def _split_at_separators(text: str, separators: re.Pattern[str]) -> list[str]:
    """What the walk above gives a text without `(`: the separators match no empty text,
    so the next one found from a position is the first the walk would meet."""
    pieces, start = [], 0
    found = separators.search(text, 0)
    while found is not None:
        pieces.append(text[start:found.start()])
        start = found.end()
        found = separators.search(text, start)
    pieces.append(text[start:])
    return pieces


def _clean_item(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(_TRIM)
    return _CONNECTOR.sub("", text).strip(_TRIM)


@lru_cache(maxsize=8)
def _known_partenaires(extra: tuple[str, ...] = ()) -> tuple[tuple[str, ...], ...]:
    """Known partner names as folded token tuples, longest first (`extra`: the profile's)."""
    names = {tuple(fold(token) for token in line.split()) for line in [*word_list("partenaires.txt"), *extra]}
    return tuple(sorted((n for n in names if n), key=lambda n: (-len(n), n)))


@lru_cache(maxsize=8)
def _partenaires_by_first_token(extra: tuple[str, ...] = ()) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The known partner names by their first folded token, longest first within each (the
    order of `_known_partenaires`): a name can only match where its first token is."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for name in _known_partenaires(extra):
        by_first.setdefault(name[0], []).append(name)
    return {first: tuple(names) for first, names in by_first.items()}


@lru_cache(maxsize=8)
def known_acronyms(extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The shipped acronyms, and the profile's (`extra`)."""
    return frozenset(line.upper() for line in [*word_list("acronymes.txt"), *extra])


@dataclass(frozen=True)
class WordLists:
    """The word lists of one profile: the shipped files plus the profile's `[words]`."""

    acronymes: tuple[str, ...] = ()
    partenaires: tuple[str, ...] = ()
    indicateurs: tuple[str, ...] = ()

    @classmethod
    def of(cls, profile: Profile | None) -> WordLists:
        words = (profile or default_profile()).words
        return cls(tuple(words.acronymes), tuple(words.partenaires), tuple(words.indicateurs))


DEFAULT_WORDS = WordLists()


def is_known_acronym(token: str, words: WordLists = DEFAULT_WORDS) -> bool:
    """`CAF`, `CAF40`, `CD40`: a known acronym, with or without a department number."""
    return re.sub(r"\d+$", "", token.strip("()[],.;:")) in known_acronyms(words.acronymes)


def _is_acronym(token: str) -> bool:
    letters = re.sub(r"[^A-Za-zÀ-ÿ]", "", token)
    return len(letters) >= 2 and letters.isupper()


def split_run_together(item: str, words: WordLists = DEFAULT_WORDS) -> list[str]:
    """Several partners printed in one run (`CRU Établissements scolaires Communes rurales
    Politique de la Ville`): cut where a known partner name starts or ends, or around an
    acronym that follows a cut. Every piece must start with a capital, else no cut."""
    tokens = item.split()
    folded = [fold(t) for t in tokens]
    cuts: set[int] = set()
    by_first = _partenaires_by_first_token(words.partenaires)
    position = 0
    while position < len(tokens):
        # the first known name (longest first) printed from here: among those starting with
        # this token only, rather than all of them at every token (tests/test_fast_matching.py)
        name = next((n for n in by_first.get(folded[position], ())
                     if tuple(folded[position:position + len(n)]) == n), None)
        if name is not None:
            cuts.update({position, position + len(name)})
            position += len(name)
            continue
        position += 1
    # known acronyms (with a department number: `PEP 04`) after a cut and before another
    # cut, another acronym or the end: `CRU CROUS CIAS`, but `SM Omnisport` stays one name
    for position in range(len(tokens) - 1, -1, -1):
        if not is_known_acronym(tokens[position], words) or not (position == 0 or position in cuts
                                                                  or is_known_acronym(tokens[position - 1], words)):
            continue
        end = position + 1
        if end < len(tokens) and tokens[end].isdigit():
            end += 1
        if end == len(tokens) or end in cuts or is_known_acronym(tokens[end], words):
            cuts.update({position, end})
    # the opening word printed again, capitalised, opens the next item (`Mairie de Bostens
    # Mairie de Pouydesseaux`)
    if tokens and tokens[0][:1].isupper() and not is_known_acronym(tokens[0], words):
        cuts.update(i for i in range(1, len(tokens)) if tokens[i] == tokens[0])
    bounds = sorted(c for c in cuts if 0 < c < len(tokens))
    if not bounds:
        return [item]
    pieces = [" ".join(tokens[a:b]) for a, b in zip([0, *bounds], [*bounds, len(tokens)])]
    merged = [pieces[0]]
    for piece in pieces[1:]:
        if not piece[:1].isupper() or merged[-1].split()[-1].lower() in _LINKS:
            merged[-1] = f"{merged[-1]} {piece}"  # a cut inside a phrase (`Services de | Mont …`): undone
        else:
            merged.append(piece)
    return merged


def split_partenaires(text: str, words: WordLists = DEFAULT_WORDS) -> list[str]:
    items: list[str] = []
    for piece in _split_outside_parentheses(text, _PARTENAIRE_SEPARATORS):
        piece = _clean_item(piece)
        if piece:
            items.extend(_clean_item(p) for p in split_run_together(piece, words))
    return [i for i in items if i]


@lru_cache(maxsize=8)
def _indicateur_heads(extra: tuple[str, ...] = ()) -> frozenset[str]:
    return frozenset(fold(line) for line in [*word_list("indicateurs.txt"), *extra])


def split_indicateurs(text: str, words: WordLists = DEFAULT_WORDS) -> list[str]:
    """On commas, dashes, sentence ends, and before a capitalised word that opens an
    indicator (`… inscrits Degrés de participation …`, `… projet Taux de …`)."""
    items: list[str] = []
    for piece in _split_outside_parentheses(text, _INDICATEUR_SEPARATORS):
        piece = _clean_item(piece)
        if not piece:
            continue
        tokens = piece.split()
        start = 0
        for index in range(1, len(tokens)):
            token = tokens[index]
            if token[:1].isupper() and not _is_acronym(token) and fold(token) in _indicateur_heads(words.indicateurs) \
                    and not tokens[index - 1].endswith(("'", "’")) and tokens[index - 1].lower() not in _LINKS:
                items.append(" ".join(tokens[start:index]))
                start = index
        items.append(" ".join(tokens[start:]))
    return [c for c in (_clean_item(i) for i in items) if c]


_LINKS = {"de", "des", "du", "la", "le", "les", "et", "à", "au", "aux", "en", "par", "pour", "sur", "d'", "l'"}


def _split_rule(field: str, splitter, rule: str):  # noqa: ANN001, ANN202 - a Rule
    def rule_function(plan: Plan, log: CorrectionLog) -> None:
        words = WordLists.of(log.profile)
        answers: dict[str, list[str]] = {}  # a text printed again (`CAF, Mairie`) is split once

        def split(text: str) -> list[str]:
            found = answers.get(text)
            if found is None:
                found = answers[text] = splitter(text, words)
            return found

        for record_id, record in records(plan):
            _split_field(record_id, record, field, split, rule, log)

    rule_function.__name__ = rule
    return rule_function


def _split_field(record_id: str, record: Record, field: str, splitter, rule: str, log: CorrectionLog) -> None:  # noqa: ANN001
    before: list[str] = getattr(record, field)
    after: list[str] = []
    for value in before:
        after.extend(item for item in splitter(value) if item not in after)
    if after != before:
        log.record(record_id, field, before, after, rule)
        setattr(record, field, after)


split_partenaires_rule = _split_rule("partenaires", split_partenaires, "split_partenaires")
split_indicateurs_rule = _split_rule("indicateurs", split_indicateurs, "split_indicateurs")
