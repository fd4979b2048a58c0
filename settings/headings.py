"""Recognisers for the printed forms of headings and cells. Pure functions, no state."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pgt.settings.headers import fold

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}

_AXE = re.compile(
    r"^AXE\s+STRAT[EÉ]GIQUE\s+([IVX]+)\b\s*[.:–-]?\s*(.*)$", re.IGNORECASE | re.DOTALL
)
_OI_HEADING = re.compile(
    r"^OBJECTIFS?\s+INTERM[EÉ]DIAIRES?\s+(\d+)\s*[.:–-]?\s*(.*)$", re.IGNORECASE | re.DOTALL
)
_OI_CELL = re.compile(r"^OI\s*(\d+)\s*[.:–-]?\s*(.*)$", re.IGNORECASE | re.DOTALL)
_OO_CELL = re.compile(r"^(?:\d+\s+)?OO\s*(\d+)\s*[.:–-]?\s*(.*)$", re.IGNORECASE | re.DOTALL)
_OO_THREE_DIGITS = re.compile(r"(?:^|\n)\s*(\d{3})\s*:\s*")
_GROUP = re.compile(r"^TH[EÉ]MATIQUE\s+(\d+)\s*[.:–-]?\s*(.*)$", re.IGNORECASE | re.DOTALL)
_ROMAN_TITLE = re.compile(r"^([IVX]+)\s*[-–.]\s*(\S.*)$", re.DOTALL)
_ACTION_NUMBER = re.compile(r"^(\d{1,3})\s*\.\s*(\S.*)$", re.DOTALL)
_FICHE_LIST = re.compile(r"^((?:\d{1,2}\s*[.,]\s*){2,})(\S.*)$", re.DOTALL)
_FICHE = re.compile(r"Fiche\s+(\d{1,3})\s*(?::\s*)?", re.IGNORECASE)
_ANNEXES = re.compile(r"^N\s*°")
_OO_REFS = re.compile(r"^\d{1,2}(?:\s*(?:[ ,;/]|et)\s*\d{1,2})*$")
_SEPARATOR = re.compile(r"^[-–—=:|\s]+$")


@dataclass(frozen=True)
class Numbered:
    numero: int
    titre: str


def _numbered(found: re.Match[str] | None) -> Numbered | None:
    """(number, title) of a match; None for number 0 — plan numbers start at 1."""
    if not found or int(found.group(1)) < 1:
        return None
    return Numbered(int(found.group(1)), _clean_title(found.group(2)))


def _clean_title(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lstrip(":.–- ").rstrip(" :") if text else ""


def thematique_of_heading(text: str) -> str | None:
    """The thematique a heading opens (`THEMATIQUE ENFANCE`, `COHÉSION SOCIALE`,
    `PGT PARENTALITE`, `Le Thème de l'enfance de 3 à 11 ans`…), or None."""
    folded = fold(text)
    if len(folded) > 110:
        return None
    if _GROUP.match(text):  # "THEMATIQUE 3 …": a parentalité group, not a thematique
        return None
    starts = (
        folded.startswith("THEMATIQUE ")
        or folded.startswith("PGT ")
        or folded.startswith("LE THEME DE ")
        or folded in {"ENFANCE", "JEUNESSE", "COHESION SOCIALE", "PARENTALITE", "PETITE ENFANCE"}
    )
    if not starts:
        return None
    if "PETITE ENFANCE" in folded:
        return "petite_enfance"
    if "JEUNESSE" in folded or "ETUDIANTE" in folded:
        return "jeunesse"
    if "COHESION" in folded:
        return "cohesion_sociale"
    if "PARENTALITE" in folded:
        return "parentalite"
    if "ENFANCE" in folded:
        return "enfance"
    return None


def match_axe(text: str) -> Numbered | None:
    found = _AXE.match(text.strip())
    if not found:
        return None
    numero = ROMAN.get(found.group(1).upper(), 0)
    return Numbered(numero, _clean_title(found.group(2))) if numero else None  # `IIII`: not a numeral


def match_roman_title(text: str) -> Numbered | None:
    """`I - Améliorer …`, `III- Améliorer …`: an axe title led by its numeral."""
    found = _ROMAN_TITLE.match(text.strip())
    if not found or found.group(1) not in ROMAN:
        return None
    return Numbered(ROMAN[found.group(1)], _clean_title(found.group(2)))


def match_oi_heading(text: str) -> Numbered | None:
    found = _OI_HEADING.match(text.strip())
    return _numbered(found)


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


def match_group(text: str) -> Numbered | None:
    """Parentalité's `THEMATIQUE 3 Poursuivre le CLAS …` groups."""
    found = _GROUP.match(text.strip())
    return _numbered(found)


def match_action_number(text: str) -> Numbered | None:
    """`12. Réaliser un partenariat…` → (12, title). Lists such as `3.13.10.` are not numbers."""
    stripped = text.strip()
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


def is_separator(text: str) -> bool:
    """Markdown table separators (`--`, `---`) left by the export."""
    return bool(_SEPARATOR.match(text)) and "-" in text


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
_NUMBERED_LABEL = re.compile(
    r"^(?:(?P<label>[^\W\d_][\w'’·-]*(?:\s+[^\W\d_][\w'’·-]*){0,2})\s*)?(?:n°\s*)?"
    r"(?P<num>\d{1,3}(?:\s?\.\s?\d{1,3}){0,3})(?P<dot>\.?)(?P<sep>\s*[:.)–—-]\s*|\s+|$)(?P<title>.*)$",
    re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class NumberedLabel:
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
