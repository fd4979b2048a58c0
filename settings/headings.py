"""Recognisers for the printed forms of headings and cells. Pure functions, no state.

The heading words come from the plan profile (`[headings]`: `AXE STRATÉGIQUE`, `AXE`,
`ENJEU`, `ORIENTATION`, `OBJECTIF STRATÉGIQUE`…); numbers are roman or arabic, OCR's
`Ill` / `lI` read as `III` / `II`, and a hierarchical number (`1.2.3`) names its parents.
Each recogniser takes an optional profile (the default CTG profile when None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from pgt.settings.profile import Profile, default_profile
from pgt.settings.text import LazyPattern, fold, slug

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}

_OI_CELL = re.compile(r"^OI\s*(\d+)\s*[.:–-]?\s*(.*)$", re.IGNORECASE | re.DOTALL)
_OO_CELL = re.compile(r"^(?:\d+\s+)?OO\s*(\d+)\s*[.:–-]?\s*(.*)$", re.IGNORECASE | re.DOTALL)
_OO_THREE_DIGITS = re.compile(r"(?:^|\n)\s*(\d{3})\s*:\s*")
_ROMAN_TITLE = re.compile(r"^([IVX]+)\s*[-–.]\s*(\S.*)$", re.DOTALL)
_ACTION_NUMBER = re.compile(r"^(\d{1,3})\s*\.\s*(\S.*)$", re.DOTALL)
_FICHE_LIST = re.compile(r"^((?:\d{1,2}\s*[.,]\s*){2,})(\S.*)$", re.DOTALL)
_FICHE = re.compile(r"Fiche\s+(\d{1,3})\s*(?::\s*)?", re.IGNORECASE)
_ANNEXES = re.compile(r"^N\s*°")
_OO_REFS = re.compile(r"^\d{1,2}(?:\s*(?:[ ,;/]|et)\s*\d{1,2})*$")


@dataclass(frozen=True)
class Numbered:
    """A numbered heading or cell: its number and its title."""
    numero: int
    titre: str


def _numbered(found: re.Match[str] | None) -> Numbered | None:
    """(number, title) of a match; None for number 0 — plan numbers start at 1."""
    if not found or int(found.group(1)) < 1:
        return None
    return Numbered(int(found.group(1)), _clean_title(found.group(2)))


def _clean_title(text: str) -> str:
    # (the words joined by single spaces: what collapsing the `\s+` runs, then strip, gave)
    return " ".join(text.split()).lstrip(":.–- ").rstrip(" :") if text else ""


def thematique_of_heading(text: str, profile: Profile | None = None) -> str | None:
    """The code of the thematique a heading opens (`THEMATIQUE ENFANCE`, `COHÉSION SOCIALE`,
    `PGT PARENTALITE`, `Le Thème de l'enfance de 3 à 11 ans`, `THÉMATIQUE VIE DES QUARTIERS`
    → `vie_des_quartiers`), or None."""
    found = match_thematique(text, profile)
    return found.code if found else None


@dataclass(frozen=True)
class ThematiqueHeading:
    """The thématique a heading names."""
    code: str
    titre: str  # the heading's own words, for a thématique the profile does not know
    known: bool  # a thématique of the profile (else opened from its heading's slug)


_LINK_WORDS = {"ET", "DE", "DU", "DES", "LA", "LE", "LES", "L", "D", "A", "AU", "AUX", "ANS", "EN", "SUR", "POUR"}


def match_thematique(text: str, profile: Profile | None = None) -> ThematiqueHeading | None:
    """A heading that opens a thématique: led by a thématique word (`THÉMATIQUE …`, `PGT …`)
    or made of the profile's thématique headings alone. The longest heading named decides; a
    led heading naming none opens a thématique coded by its slug."""
    profile = profile or default_profile()
    answers = _words(profile).answers
    key = ("thematique", text)
    if key not in answers:
        if len(answers) >= _ANSWERS_KEPT:
            answers.clear()
        answers[key] = _match_thematique(text, profile)
    return answers[key]  # type: ignore[return-value]


def _match_thematique(text: str, profile: Profile) -> ThematiqueHeading | None:
    folded = fold(text)
    if not folded or len(folded) > profile.thresholds.heading_max_length:
        return None
    if match_group(text, profile):  # "THEMATIQUE 3 …": a group of one thématique, not a thématique
        return None
    words = _words(profile)
    prefix = _leading_words(folded, words.thematique_prefixes, profile.thresholds.heading_fuzzy)
    rest = folded[prefix:].strip() if prefix is not None else folded
    padded = f" {rest} "
    known = [(heading, code) for heading, code in profile.thematique_headings if f" {heading} " in padded]
    # the heading of most words decides, the first printed on a tie: `Accès aux droits et
    # inclusion numérique` → accès aux droits; `… de l'enfance, de la jeunesse et de la vie
    # étudiante 12-30 ans` → jeunesse (`vie étudiante`, `12-30 ans` outweigh `enfance`)
    known.sort(key=lambda item: (-len(item[0].split()), padded.index(f" {item[0]} ")))
    if known:
        if prefix is None:
            leftover = padded
            for heading, _ in known:
                leftover = leftover.replace(f" {heading} ", " ")
            if any(not w.isdigit() and w not in _LINK_WORDS for w in leftover.split()):
                return None  # a sentence that merely names a domain, not a heading
        return ThematiqueHeading(known[0][1], "", True)
    if prefix is None or not rest or rest[0].isdigit():
        return None
    code = slug(_before_noise(rest))
    if not code or len(rest.split()) > 12:
        return None
    titre = _clean_title(_strip_leading_words(text, prefix))
    return ThematiqueHeading(code, titre, False)


def names_thematique(text: str, profile: Profile | None = None) -> bool:
    """A short line in capitals naming a thématique of the profile (a heading pgt did
    not read as one: worded otherwise, garbled)."""
    profile = profile or default_profile()
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or len(text) > 80 or sum(ch.isupper() for ch in letters) / len(letters) < 0.8:
        return False
    padded = f" {fold(text)} "
    return any(f" {heading} " in padded for heading, _ in profile.thematique_headings)


def _before_noise(folded: str) -> str:
    """`VIE DES QUARTIERS PRIORISATION DES ACTIONS` → its first words (a code stays short)."""
    return " ".join(folded.split()[:5])


def _strip_leading_words(text: str, folded_length: int) -> str:
    """The original text after the words whose fold is `folded_length` characters long."""
    for cut in range(len(text) + 1):
        if len(fold(text[:cut])) >= folded_length and (cut == len(text) or not text[cut].isalnum()):
            return text[cut:]
    return ""


@dataclass(frozen=True)
class HeadingWords:
    """The profile's heading words, folded, longest first."""

    thematique_prefixes: tuple[str, ...]
    group_words: tuple[str, ...]
    axe_words: tuple[str, ...]
    oi_words: tuple[str, ...]
    oo_words: tuple[str, ...]
    action_words: tuple[str, ...]
    patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False)
    # (level, text) → match_numbered's (match_thematique's: level "thematique") answer: the
    # builders ask again for the same cells
    answers: dict[tuple[str, str], HeadingNumber | ThematiqueHeading | None] = field(default_factory=dict,
                                                                                   compare=False)


_WORDS: dict[int, tuple[Profile, HeadingWords]] = {}
_ANSWERS_KEPT = 1 << 15  # answers kept per profile (then forgotten: a very large plan)


def _words(profile: Profile) -> HeadingWords:
    held = _WORDS.get(id(profile))
    if held is None or held[0] is not profile:
        h = profile.headings

        def folded(words: list[str]) -> tuple[str, ...]:
            return tuple(sorted({fold(w) for w in words if fold(w)}, key=lambda w: (-len(w), w)))

        words = HeadingWords(folded(h.thematique_prefixes), folded(h.group_words), folded(h.axe_words),
                             folded(h.oi_words), folded(h.oo_words), folded(h.action_words))
        for level in ("group_words", "axe_words", "oi_words", "oo_words", "action_words"):
            words.patterns[level] = _numbered_heading(getattr(words, level), plural=level != "action_words")
        if len(_WORDS) > 32:
            _WORDS.clear()
        held = _WORDS[id(profile)] = (profile, words)
    return held[1]


def _leading_words(folded: str, candidates: tuple[str, ...], fuzzy: float) -> int | None:
    """Length of the candidate words `folded` starts with (exactly, or its first word
    garbled by OCR when the candidate is one long word), else None."""
    for candidate in candidates:
        if folded == candidate or folded.startswith(candidate + " "):
            return len(candidate)
    first = folded.split(" ", 1)[0]
    for candidate in candidates:
        if " " not in candidate and len(candidate) >= 6 and fuzz.ratio(first, candidate) >= fuzzy:
            return len(first)
    return None


_ACCENTS = {"A": "AÀÂÄ", "E": "EÉÈÊË", "I": "IÎÏ", "O": "OÔÖ", "U": "UÙÛÜ", "C": "CÇ"}
_NUMBER = r"(?P<number>(?:\d{1,3}(?:\s*[.,]\s*\d{1,3}){0,3})|[IVXLl1]{1,6}(?![a-zà-ÿ]))"


def _word_regex(folded: str, plural: bool = True) -> str:
    """A folded heading word as a regex over printed text (accents, case, apostrophes).
    The pattern ignores case: a letter stands for its lower case too, as `[Ee]` did (the
    classes of both cases took an eighth of the patterns' compile time; tests/test_fast_matching.py)."""
    parts = []
    for ch in folded:
        if ch == " ":
            parts.append(r"[\s'’\-]+")
        elif ch in _ACCENTS:
            parts.append(f"[{_ACCENTS[ch]}]")
        else:
            parts.append(ch)  # (a fold holds letters, digits and spaces only)
    return "".join(parts) + "S?" if plural and not folded.endswith("S") else "".join(parts)


def _numbered_heading(words: tuple[str, ...], plural: bool = True) -> re.Pattern[str]:
    """`<word> [n°] <number> [:.–-] <title>` for any of `words` (`AXES` too when `plural`)."""
    alternatives = "|".join(_word_regex(w, plural) for w in words) or "(?!)"
    return re.compile(
        rf"^\**\s*(?P<word>{alternatives})\s*(?:n\s*[°º]|no\.?|n\.)?\s*{_NUMBER}(?![\d])"
        r"\s*(?:\)|\.(?!\d)|:|–|—|-)?\s*(?P<title>.*)$",
        re.IGNORECASE | re.DOTALL,
    )


_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def roman(number: int) -> str:
    """3 → `III` (the inverse of roman_value); a number below 1 as digits."""
    if number <= 0:
        return str(number)
    parts = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        parts.append(letters * count)
    return "".join(parts)


def roman_value(token: str) -> int | None:
    """`III` → 3, OCR's `Ill` / `lI` / `1I` → 3 / 2 / 2; None when not a numeral of 1..39."""
    upper = token.upper().replace("L", "I").replace("1", "I")
    if not re.fullmatch(r"X{0,3}(IX|IV|V?I{0,3})", upper) or not upper:
        return None
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for i, ch in enumerate(upper):
        value = values[ch]
        total += -value if i + 1 < len(upper) and values[upper[i + 1]] > value else value
    return total or None


@dataclass(frozen=True)
class HeadingNumber:
    """A heading's (dotted) number and the title after it."""
    numbers: tuple[int, ...]  # `1.2.3` → (1, 2, 3): the parents first
    titre: str

    @property
    def numero(self) -> int:
        return self.numbers[-1]


def _number_of(token: str) -> tuple[int, ...] | None:
    token = token.strip()
    if re.fullmatch(r"\d{1,3}(?:\s*[.,]\s*\d{1,3})*", token):
        numbers = tuple(int(n) for n in re.findall(r"\d+", token))
        return numbers if all(n >= 1 for n in numbers) else None
    if token.isdigit():
        return None
    value = roman_value(token)
    return (value,) if value else None


_AFTER_WORD = re.compile(
    rf"^\s*(?:n\s*[°º]|no\.?|n\.)?\s*{_NUMBER}(?![\d])\s*(?:\)|\.(?!\d)|:|–|—|-)?\s*(?P<title>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def match_numbered(text: str, level: str, profile: Profile | None = None) -> HeadingNumber | None:
    """`AXE 2 – …`, `ENJEU II :`, `OBJECTIF STRATÉGIQUE 1.2 : …` for a level of the
    profile's heading words (`axe_words`, `oi_words`, `oo_words`, `action_words`); a heading
    word garbled by OCR (`AXF STRATEGIQUE`, `0BJECTIF INTERMEDIAIRE`) is read as the word
    from the profile's `heading_fuzzy` score."""
    profile = profile or default_profile()
    words = _words(profile)
    key = (level, text)
    if key not in words.answers:
        if len(words.answers) >= _ANSWERS_KEPT:
            words.answers.clear()
        words.answers[key] = _match_numbered(text, level, profile, words)
    return words.answers[key]  # type: ignore[return-value]


def _match_numbered(text: str, level: str, profile: Profile, words: HeadingWords) -> HeadingNumber | None:
    stripped = text.strip()
    found = words.patterns[level].match(stripped)
    if not found:  # (action cells are data: `Actions 2 fois par an` is no garbled `ACTION 2`)
        if level == "action_words":
            return None
        return _fuzzy_numbered(stripped, getattr(words, level), profile.thresholds.heading_fuzzy)
    numbers = _number_of(found.group("number"))
    if numbers is None:
        return None
    return HeadingNumber(numbers, _clean_title(found.group("title")))


def _fuzzy_numbered(text: str, candidates: tuple[str, ...], fuzzy: float) -> HeadingNumber | None:
    if len(text) > 400 or not text[:1].isalnum():
        return None
    tokens = text.split(maxsplit=4)
    heads: dict[int, str] = {}  # the text's first `size` words folded, once per size
    for candidate, size in _sized(candidates):
        if len(tokens) <= size:
            continue
        head = heads.get(size)
        if head is None:
            head = heads[size] = fold(" ".join(tokens[:size]))
        if abs(len(head) - len(candidate)) > 2 or fuzz.ratio(head, candidate) < fuzzy:
            continue
        rest = text.split(maxsplit=size)[size] if len(text.split(maxsplit=size)) > size else ""
        found = _AFTER_WORD.match(rest)
        numbers = _number_of(found.group("number")) if found else None
        if numbers is not None:
            return HeadingNumber(numbers, _clean_title(found.group("title")))  # type: ignore[union-attr]
    return None


@lru_cache(maxsize=64)
def _sized(candidates: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """The candidates a garbled heading word may be (six letters or more), in order, with their word counts."""
    return tuple((candidate, candidate.count(" ") + 1) for candidate in candidates if len(candidate) >= 6)


def split_joined_heading(title: str, level: str, profile: Profile | None = None) -> tuple[str, str] | None:
    """A heading's title that holds the next heading (a line joined by OCR or the export:
    `Améliorer l'accueil OBJECTIF INTERMEDIAIRE 1 Conserver …`) → (its own title, the next
    heading), cut at the next level's heading words followed by a number."""
    profile = profile or default_profile()
    pattern = _words(profile).patterns[level]
    for match in re.finditer(r"(?<=\s)\S", title):
        start = match.start()
        if title[start].isupper() and pattern.match(title[start:]) and match_numbered(title[start:], level, profile):
            return _clean_title(title[:start]), title[start:].strip()
    return None


def match_axe(text: str, profile: Profile | None = None) -> Numbered | None:
    """`AXE STRATEGIQUE II`, `AXE 2 : …`, `Axe n°2 –`, `ENJEU 2`, `ORIENTATION II`."""
    found = match_numbered(text, "axe_words", profile)
    if found is None or len(found.numbers) > 1:
        return None
    return Numbered(found.numero, found.titre)


def match_oi_heading_number(text: str, profile: Profile | None = None) -> HeadingNumber | None:
    """`OBJECTIF INTERMEDIAIRE 1`, `OBJECTIF STRATÉGIQUE 1.2 :` (axe 1, objective 2)."""
    found = match_numbered(text, "oi_words", profile)
    return found if found is not None and len(found.numbers) <= 2 else None


def match_oo_heading(text: str, profile: Profile | None = None) -> HeadingNumber | None:
    """`OBJECTIF OPÉRATIONNEL 1.2.3` (axe 1, objective 2, OO 3), `Objectif spécifique n°2`."""
    found = match_numbered(text, "oo_words", profile)
    return found if found is not None and len(found.numbers) <= 3 else None


def match_action_heading(text: str, profile: Profile | None = None) -> HeadingNumber | None:
    """`Fiche action n°4 – …`, `FICHE ACTION 4 :`, `Action 2.1 …`, `FA 12 …`."""
    found = match_numbered(text, "action_words", profile)
    return found if found is not None and len(found.numbers) <= 4 else None


def is_heading_form(text: str, profile: Profile | None = None) -> bool:
    """An axe, objective or OO heading (not a column header even if it names a field)."""
    return any(match_numbered(text, level, profile) for level in ("axe_words", "oi_words", "oo_words"))


def match_roman_title(text: str) -> Numbered | None:
    """`I - Améliorer …`, `III- Améliorer …`: an axe title led by its numeral."""
    found = _ROMAN_TITLE.match(text.strip())
    if not found or found.group(1) not in ROMAN:
        return None
    return Numbered(ROMAN[found.group(1)], _clean_title(found.group(2)))


def match_oi_heading(text: str, profile: Profile | None = None) -> Numbered | None:
    found = match_oi_heading_number(text, profile)
    return Numbered(found.numero, found.titre) if found else None


def match_oi_cell(text: str) -> Numbered | None:
    found = _OI_CELL.match(text.strip())
    return _numbered(found)


def match_oo_cell(text: str) -> Numbered | None:
    found = _OO_CELL.match(text.strip())
    return _numbered(found)


def split_three_digit_oo(text: str) -> list[Numbered]:
    """Cohésion sociale's OO cells: `001 : Développer … 002 : Créer …`."""
    marks = list(_OO_THREE_DIGITS.finditer(text))
    if any(int(m.group(1)) < 1 for m in marks):
        return []
    return [
        Numbered(int(m.group(1)), _clean_title(text[m.end() : marks[i + 1].start() if i + 1 < len(marks) else None]))
        for i, m in enumerate(marks)
    ]


def match_group(text: str, profile: Profile | None = None) -> Numbered | None:
    """Parentalité's `THEMATIQUE 3 Poursuivre le CLAS …` groups (arabic numbers)."""
    found = match_numbered(text, "group_words", profile or default_profile())
    if found is None or len(found.numbers) > 1 or not re.search(r"\d", text.split(maxsplit=2)[1][:3]):
        return None
    return Numbered(found.numero, found.titre)


def match_action_number(text: str, profile: Profile | None = None) -> Numbered | None:
    """`12. Réaliser un partenariat…` → (12, title); `Action 2.1 – …`, `FA 12 : …`, `Fiche
    action n°4 – …` → (1, …), (12, …), (4, …). Lists such as `3.13.10.` are not numbers."""
    stripped = text.strip()
    worded = match_action_heading(stripped, profile)
    if worded is not None and worded.titre[:1].isalpha() or worded is not None and worded.titre[:1] in "«\"'":
        return Numbered(worded.numero, worded.titre)
    if _FICHE_LIST.match(stripped):
        return None
    found = _ACTION_NUMBER.match(stripped)
    if not found or not found.group(2)[:1].isalpha() and found.group(2)[:1] not in "«\"'(":
        return None
    if int(found.group(1)) < 1:  # numbers in the plan start at 1: `0. …` is text
        return None
    return Numbered(int(found.group(1)), found.group(2).strip())


def match_fiche_list(text: str) -> tuple[list[int], str] | None:
    """`3.13.10. A l'échelle…` / `1,2,3,7,9,10,13. …` → ([3, 13, 10], rest)."""
    found = _FICHE_LIST.match(text.strip())
    if not found:
        return None
    numbers = [int(n) for n in re.findall(r"\d+", found.group(1))]
    if any(n < 1 for n in numbers):
        return None
    return numbers, found.group(2).strip()


def split_fiches(text: str) -> list[tuple[int, str]]:
    """`Fiche 16 : … Fiche 17 : …` → [(16, …), (17, …)]. Empty when no `Fiche n` in text."""
    marks = list(_FICHE.finditer(text))
    result = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        result.append((int(mark.group(1)), _clean_title(text[mark.end() : end])))
    return result if all(numero >= 1 for numero, _ in result) else []


def starts_with_fiche(text: str) -> bool:
    return bool(re.match(r"^\s*Fiche\s+\d", text, re.IGNORECASE))


def match_annexes(text: str) -> list[int] | None:
    """`N° 1 - 2 - 3 – 13` → [1, 2, 3, 13]."""
    if not _ANNEXES.match(text.strip()):
        return None
    return [int(n) for n in re.findall(r"\d+", text) if int(n) >= 1]


def parse_oo_refs(text: str) -> list[int] | None:
    """`1 2 3`, `4 5`, `1, 2` → [1, 2, 3]; None when the cell is not a list of OO numbers."""
    stripped = text.strip()
    if not _OO_REFS.match(stripped):
        return None
    numbers = [int(n) for n in re.findall(r"\d+", stripped)]
    return numbers if all(n >= 1 for n in numbers) else None  # OO are numbered from 1


def bare_number(text: str) -> int | None:
    stripped = text.strip()
    return int(stripped) if stripped.isdigit() and len(stripped) <= 2 and int(stripped) >= 1 else None


# ---- record tables (structure/table.py): `Axe 1. …`, `Objectif stratégique 2. …`, `4.1 : …`,
# `1.1.1. …`, `Fiche Action 3. …`, `Action 1 - …`: a level word (optional), a number or a
# dotted number, then the title. The level word says the level; without one, the depth of
# the number does (1 → axe, 1.2 → OI, 1.2.3 → OO).
LEVEL_WORDS: dict[str, str] = {
    "AXE": "axe", "AXE STRATEGIQUE": "axe", "ORIENTATION": "axe", "ORIENTATION STRATEGIQUE": "axe", "ENJEU": "axe",
    "SOUS AXE": "oi", "OBJECTIF STRATEGIQUE": "oi", "OBJECTIF GENERAL": "oi", "OBJECTIF INTERMEDIAIRE": "oi",
    "OI": "oi", "OS": "oi",
    "SOUS SOUS AXE": "oo", "OBJECTIF OPERATIONNEL": "oo", "OO": "oo",
    "ACTION": "action", "FICHE ACTION": "action", "FICHE": "action", "MESURE": "action", "SOUS ACTION": "action",
    "THEMATIQUE": "thematique", "THEME": "thematique",
}
_NUMBERED_LABEL = LazyPattern(
    r"^(?:(?P<label>[^\W\d_][\w'’·-]*(?:\s+[^\W\d_][\w'’·-]*){0,2})\s*)?(?:n°\s*)?"
    r"(?P<num>\d{1,3}(?:\s?\.\s?\d{1,3}){0,3})(?P<dot>\.?)(?P<sep>\s*[:.)–—-]\s*|\s+|$)(?P<title>.*)$",
    re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class NumberedLabel:
    """A record table's cell read as level word, number and title."""
    level: str | None  # axe, oi, oo, action, thematique; None when no level word is printed
    numbers: tuple[int, ...]  # (4, 1) for `4.1`
    titre: str  # the text after the number; empty when there is none (`Axe 1`)


def match_numbered_label(text: str) -> NumberedLabel | None:
    """`Axe 1. COORDINATION` → (axe, (1,), "COORDINATION"); `4.1 : Pratiquer` → (None, (4, 1),
    "Pratiquer"); `Créer 3 places` → None (a number inside a sentence is not a numbering)."""
    found = _NUMBERED_LABEL.match(text.strip())
    if not found:
        return None
    label = fold(found.group("label") or "")
    level = LEVEL_WORDS.get(label) if label else None
    numbers = tuple(int(n) for n in re.findall(r"\d+", found.group("num")))
    if label and level is None:
        return None
    dotted = len(numbers) > 1 or bool(found.group("dot"))
    separated = bool(found.group("sep").strip()) or not found.group("title")
    if not label and not (dotted or separated):
        return None  # `12 places` is a title, `12. …` / `1.2 …` a numbering
    if any(n < 1 for n in numbers):
        return None
    return NumberedLabel(level, numbers, _clean_title(found.group("title")))
