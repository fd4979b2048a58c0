"""Header canonicalization: map a printed column header to its canonical field.

Headers are misspelled from one table to the next (ECHANGES / ECHANCES / ECHANES /
EHEANCES / ECEANCES DE REALISATION for *échéances*). Each header is matched against a
vocabulary of known spellings, first by keyword, then by fuzzy similarity (rapidfuzz)
above a threshold; a header that matches nothing is reported by the caller.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

# canonical field → spellings seen in plans (accent-free, upper case)
HEADER_VOCABULARY: dict[str, tuple[str, ...]] = {
    "titre": ("ACTIONS", "LISTE D ACTIONS EXISTANTES OU A VENIR NON EXHAUSTIVE", "FICHES ACTIONS"),
    "oo": ("OO", "OBJECTIFS OPERATIONNELS"),
    "offre": ("EXEMPLE D OFFRES EXISTANTES OU ENVISAGEES LISTE NON EXHAUSTIVE",),
    "porteur": ("PORTEUR DE PROJETS", "PORTEUR DE PROJET", "PORTEUR"),
    "public_vise": ("PUBLIC VISE", "PUBLIC CIBLE", "PUBLIC"),
    "echeances": ("ECHEANCES DE REALISATION CALENDRIER", "ECHEANCES DE REALISATION", "ECHEANCES", "CALENDRIER"),
    "partenaires": ("PARTENAIRES",),
    "moyens": ("MOYENS LEVIERS D ACTIONS", "MOYENS"),
    "moyens_humains": ("HUMAINS",),
    "moyens_techniques": ("TECHNIQUES",),
    "moyens_financiers": ("FINANCIERS",),
    "parcours": ("PARCOURS PERISCOLAIRE ET EXTRASCOLAIRE", "PARCOURS"),
    "indicateurs": ("INDICATEURS EVALUATION", "INDICATEURS D EVALUATION", "INDICATEURS"),
}

# A distinctive word (or its misspellings' common stem) decides before fuzzy matching.
_KEYWORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(LISTE D )?ACTIONS?\b"), "titre"),
    (re.compile(r"^OO$"), "oo"),
    (re.compile(r"\bOFFRES?\b"), "offre"),
    (re.compile(r"\bPORTEURS?\b"), "porteur"),
    (re.compile(r"\bPUBLICS?\b"), "public_vise"),
    (re.compile(r"\bPARTENAIRES\b"), "partenaires"),
    (re.compile(r"^MOYENS\b"), "moyens"),
    (re.compile(r"^HUMAINS$"), "moyens_humains"),
    (re.compile(r"^TECHNIQUES$"), "moyens_techniques"),
    (re.compile(r"^FINANCIERS$"), "moyens_financiers"),
    (re.compile(r"\bPARCOURS\b"), "parcours"),
    (re.compile(r"\bINDICATEURS?\b"), "indicateurs"),
    (re.compile(r"\bCALENDRIER\b|\bREALISATION\b"), "echeances"),
)

FUZZY_THRESHOLD = 80.0

_CHOICES = [(spelling, field) for field, spellings in HEADER_VOCABULARY.items() for spelling in spellings]


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Upper case, accents removed, punctuation to spaces, spaces folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_text = re.sub(r"[^A-Za-z0-9]+", " ", ascii_text)
    return ascii_text.upper().strip()


@dataclass(frozen=True)
class HeaderMatch:
    field: str
    score: float  # 100 for a keyword match
    rule: str  # "keyword" or "fuzzy"


@lru_cache(maxsize=1 << 14)
def canonical_header(text: str) -> HeaderMatch | None:
    """The canonical field a header cell names, or None when it names none."""
    folded = fold(text)
    if not folded or len(folded) > 90:
        return None
    for pattern, field in _KEYWORDS:
        if pattern.search(folded):
            return HeaderMatch(field, 100.0, "keyword")
    best = process.extractOne(folded, [s for s, _ in _CHOICES], scorer=fuzz.ratio)
    if best is None or best[1] < FUZZY_THRESHOLD:
        return None
    return HeaderMatch(_CHOICES[best[2]][1], float(best[1]), "fuzzy")


def canonical_spelling(field: str) -> str:
    """The reference spelling of a field's header (first in the vocabulary)."""
    return HEADER_VOCABULARY[field][0]
