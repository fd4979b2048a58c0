"""Header canonicalization: map a printed column header to its canonical field.

Headers are misspelled from one table to the next (ECHANGES / ECHANCES / ECHANES /
EHEANCES / ECEANCES DE REALISATION for *échéances*). Each header is matched against a
vocabulary of known spellings, first by keyword, then by fuzzy similarity (rapidfuzz)
above a threshold; a header that matches nothing is reported by the caller.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from pgt.settings.headings import is_heading_form
from pgt.settings.profile import PerProfile, Profile, default_profile
from pgt.settings.text import fold

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
    "moyens_techniques": ("TECHNIQUES", "MOYENS TECHNIQUES"),
    "moyens_financiers": ("FINANCIERS",),
    "parcours": ("PARCOURS PERISCOLAIRE ET EXTRASCOLAIRE", "PARCOURS"),
    "indicateurs": ("INDICATEURS EVALUATION", "INDICATEURS D EVALUATION", "INDICATEURS"),
    # one-row-per-action tables (spreadsheets, CSV exports: structure/table.py), e.g. the
    # import and export workbooks of Territoires en Transitions (CTG_PLANS.md)
    "axe": ("AXE X", "AXE", "AXES", "AXE STRATEGIQUE", "ORIENTATION", "ORIENTATION STRATEGIQUE", "ENJEU"),
    "oi": ("SOUS AXE X X", "SOUS AXE", "OBJECTIF STRATEGIQUE", "OBJECTIFS STRATEGIQUES", "OBJECTIF GENERAL"),
    "oo_titre": ("SOUS SOUS AXE X X X", "SOUS SOUS AXE", "OBJECTIF OPERATIONNEL"),
    "thematique": ("THEMATIQUE", "THEMATIQUE PRINCIPALE", "THEMATIQUES", "DOMAINE"),
    "sous_action": ("TITRE DE LA SOUS ACTION", "SOUS ACTION", "SOUS ACTIONS", "INTITULE DE LA SOUS ACTION"),
    "numero": ("N", "NUMERO", "N ACTION", "N DE L ACTION", "NUMERO DE L ACTION", "N FICHE", "NUMERO DE FICHE",
               "FICHE N", "REFERENCE", "REF"),
    "titre_action": ("TITRE DE L ACTION", "TITRE DE LA FICHE ACTION", "INTITULE DE L ACTION", "INTITULE",
                     "NOM DE L ACTION", "LIBELLE DE L ACTION", "ACTION", "TITRE", "FICHE ACTION", "TITRE COMPLET"),
    "description": ("DESCRIPTIF", "DESCRIPTION", "DESCRIPTION DE L ACTION", "CONTENU DE L ACTION", "CONTENU"),
    "objectifs": ("OBJECTIFS", "OBJECTIFS DE L ACTION", "OBJECTIF DE L ACTION", "FINALITE"),
    "statut": ("STATUT", "ETAT D AVANCEMENT", "AVANCEMENT", "ETAT", "STATUT DE L ACTION", "ETAT DE L ACTION"),
    "budget": ("BUDGET PREVISIONNEL TOTAL HT", "BUDGET PREVISIONNEL TOTAL TTC", "BUDGET PREVISIONNEL",
               "BUDGET", "COUT ESTIME", "COUT", "MONTANT TOTAL", "BUDGET TOTAL", "COUT TOTAL", "COUT TOTAL HT",
               "COUT TOTAL TTC", "COUT PREVISIONNEL", "BUDGET ESTIME"),
    "date_debut": ("DATE DE DEBUT", "DATE DEBUT", "DEBUT", "DEMARRAGE", "DATE DE DEMARRAGE",
                   "DATE PREVISIONNELLE DE DEBUT", "DATE DE LANCEMENT", "LANCEMENT"),
    "date_fin": ("DATE DE FIN", "DATE FIN", "FIN", "DATE D ACHEVEMENT", "ACHEVEMENT", "DATE PREVISIONNELLE DE FIN",
                 "DATE DE CLOTURE"),
    "territoire": ("TERRITOIRE", "TERRITOIRE CONCERNE", "PERIMETRE", "COMMUNES CONCERNEES", "COMMUNES", "COMMUNE S",
                   "LIEU", "LIEUX"),
    "porteur_table": ("STRUCTURE PILOTE", "PILOTE", "RESPONSABLE", "STRUCTURE PORTEUSE", "PILOTE DE L ACTION",
                      "RESPONSABLE DE L ACTION", "PORTEUR DE L ACTION", "MAITRE D OUVRAGE", "PILOTES"),
    "public_table": ("CIBLES", "CIBLE", "PUBLICS CIBLES", "BENEFICIAIRES"),
    "moyens_humains_table": ("MOYENS HUMAINS ET TECHNIQUES", "MOYENS HUMAINS", "RESSOURCES HUMAINES"),
    "moyens_financiers_table": ("FINANCEMENTS", "FINANCEMENT", "MOYENS FINANCIERS", "PLAN DE FINANCEMENT",
                                "FINANCEURS"),
    "echeances_table": ("CALENDRIER PREVISIONNEL", "ECHEANCIER", "PERIODE", "DUREE", "CALENDRIER DE MISE EN OEUVRE"),
    "indicateurs_table": ("INDICATEURS LIES", "INDICATEURS DE SUIVI", "INDICATEURS DE RESULTAT"),
    # the summary's links of an action (labels of `pgt export tet`'s Notes, read back)
    "fiche_priorisation": ("FICHE DE PRIORISATION", "FICHE PRIORISATION"),
    "fiches_liees": ("FICHES LIEES", "FICHES ANNEXEES", "FICHES ACTIONS LIEES"),
    # columns a record table names that the model has no field for: kept in `autres` under
    # their header, without an unknown_header anomaly (the header is known, not misread)
    "autres": ("DIRECTION OU SERVICE PILOTE", "SERVICE DEPARTEMENT POLE PILOTE", "PERSONNE PILOTE",
               "ELU E REFERENT E", "ELU REFERENT", "PARTICIPATION CITOYENNE", "NIVEAU DE PRIORITE", "PRIORITE",
               "INSTANCES DE GOUVERNANCE", "ACTION EN AMELIORATION CONTINUE", "ACTIONS LIEES",
               "FICHES DES PLANS LIEES", "ACTIONS DES PLANS LIEES", "MESURES LIEES", "NOTES DE SUIVI", "NOTES",
               "NOTES COMPLEMENTAIRES", "ETAPES DE LA FICHE ACTION", "ETAPES DE L ACTION", "DOCUMENTS ET LIENS",
               "FINANCEUR 1", "FINANCEUR 2", "FINANCEUR 3", "MONTANT HT", "MONTANT TTC", "SOUS THEMATIQUES",
               "RESULTATS ATTENDUS", "COMMENTAIRES", "OBSERVATIONS"),
}

# Record-table fields spelt apart above so that the fiches actions builder's own columns keep their
# meaning: each reads as the field it names (STRUCTURE PILOTE is the porteur, CIBLES the public…).
TABLE_FIELD_ALIASES: dict[str, str] = {
    "titre_action": "titre", "porteur_table": "porteur", "public_table": "public_vise",
    "moyens_humains_table": "moyens_humains", "moyens_financiers_table": "moyens_financiers",
    "echeances_table": "echeances", "indicateurs_table": "indicateurs",
}
# Columns of free notes: their `Label : value` lines are fields, or values named by their label
# (a field's label is read in any free-text cell; another label only in these).
NOTE_HEADERS: tuple[str, ...] = ("NOTES", "NOTES DE SUIVI", "NOTES COMPLEMENTAIRES", "REMARQUES", "COMMENTAIRES",
                                 "OBSERVATIONS")
# Cells above a record table's header that group its columns (merged over several columns):
# structure, not the plan's title.
GROUP_HEADERS: tuple[str, ...] = (
    "PRESENTATION DE L ACTION", "OBJECTIFS ET INDICATEURS", "ACTEURS", "MODALITES DE MISE EN OEUVRE",
    "ACTIONS LIEES", "PILOTAGE", "FINANCEMENT", "SUIVI", "CALENDRIER", "IDENTIFICATION",
)
# How the cells of a row of hints under a header begin (field types, filling guidance):
# such a row is skipped and reported, not read as an action.
HINT_OPENINGS: tuple[str, ...] = (
    "CHAMP ", "SAISISSEZ", "CHOISISSEZ", "INDIQUEZ", "INDIQUER", "CE CHAMP", "UTILISEZ", "RENSEIGNEZ",
    "RESEIGNEZ", "PRESENTEZ", "TEXTE COURT", "TEXTE LIBRE", "SI VOS", "CREEZ", "PLUSIEURS", "DONNEES",
    "FORMAT ", "LISTE DEROULANTE", "OBLIGATOIRE", "FACULTATIF", "EX ", "EXEMPLE ",
)

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

# words one of which each keyword above needs: a cell holding none is matched by none of
# them, told without running them (most cells; tests/test_fast_matching.py)
_KEYWORD_WORDS = ("ACTION", "OO", "OFFRE", "PORTEUR", "PUBLIC", "PARTENAIRES", "MOYENS", "HUMAINS", "TECHNIQUES",
                  "FINANCIERS", "PARCOURS", "INDICATEUR", "CALENDRIER", "REALISATION")

FUZZY_THRESHOLD = 80.0


class Spellings:
    """Header spellings, with those of a near length found once per length for `closest`."""

    def __init__(self, spellings: list[str]) -> None:
        self.spellings = spellings
        self.by_length = sorted((len(spelling), i) for i, spelling in enumerate(spellings))
        self.near: dict[tuple[int, float], tuple[list[int], list[str]]] = {}

    def closest(self, folded: str, cutoff: float) -> tuple[float, int] | None:
        """(score, index) of the spelling closest to `folded` by `fuzz.ratio` (the first of
        ties), None below `cutoff`. Only spellings of a near length are compared: the ratio
        is at most 200 × the shorter length / both lengths, and most cells are far longer
        or shorter than every header."""
        key = (len(folded), cutoff)
        if key not in self.near:
            self.near[key] = self._near(*key)
        indices, near = self.near[key]
        if not near:
            return None
        best = process.extractOne(folded, near, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is None or best[1] < cutoff:
            return None
        return float(best[1]), indices[best[2]]

    def _near(self, size: int, cutoff: float) -> tuple[list[int], list[str]]:
        """The spellings whose length lets them reach `cutoff` against a text of `size` letters, in order."""
        margin = min(cutoff, 100.0) - 1e-6
        shortest = math.ceil(size * margin / (200 - margin))
        longest = math.floor(size * (200 - margin) / margin) if margin > 0 else size + max(self.by_length)[0]
        indices = sorted(i for _, i in self.by_length[bisect_left(self.by_length, (shortest, -1)):
                                                      bisect_right(self.by_length, (longest, len(self.spellings)))])
        return indices, [self.spellings[i] for i in indices]


_CHOICES = [(spelling, field) for field, spellings in HEADER_VOCABULARY.items() for spelling in spellings]
_CHOICE_SPELLINGS = Spellings([spelling for spelling, _ in _CHOICES])
_EXACT = {spelling: field for spelling, field in reversed(_CHOICES)}  # first field of a spelling wins




@dataclass(frozen=True)
class HeaderMatch:
    """The field a header cell names, how surely and by which rule."""
    field: str
    score: float  # 100 for a keyword match
    rule: str  # "exact", "keyword" or "fuzzy"


@lru_cache(maxsize=1 << 14)
def _vocabulary_header(text: str) -> HeaderMatch | None:
    """The canonical field a header cell names, or None when it names none."""
    folded = fold(text)
    if not folded or len(folded) > 90:
        return None
    if folded in _EXACT:  # a spelling of the vocabulary as printed decides first (ACTIONS LIEES is not ACTIONS)
        return HeaderMatch(_EXACT[folded], 100.0, "exact")
    if any(word in folded for word in _KEYWORD_WORDS):
        for pattern, field in _KEYWORDS:
            if pattern.search(folded):
                return HeaderMatch(field, 100.0, "keyword")
    best = _CHOICE_SPELLINGS.closest(folded, FUZZY_THRESHOLD)
    if best is None:
        return None
    return HeaderMatch(_CHOICES[best[1]][1], best[0], "fuzzy")


class HeaderMatcher:
    """The header vocabulary of one profile, with a cache of the headers already seen."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.spellings = profile.header_spellings
        # longest first: `OBJECTIFS OPERATIONNELS` (oo) before `OBJECTIFS` (objectifs)
        by_length = sorted(self.spellings, key=lambda p: -len(p[0]))
        # (rank, spelling as whole words, field) under the spelling's first word: a header is
        # compared with the spellings of its own words only, still in that order
        self.by_first_word: dict[str, list[tuple[int, str, str]]] = {}
        for rank, (spelling, field) in enumerate(by_length):
            self.by_first_word.setdefault(spelling.split(" ")[0], []).append((rank, f" {spelling} ", field))
        self.choices = Spellings([s for s, _ in self.spellings])
        self.known = {s for s, _ in self.spellings}
        self.known_tuple = tuple(sorted(self.known))
        self.cache: dict[str, HeaderMatch | None] = {}
        self.cell_cache: dict[str, str | None] = {}  # header_cell_field's answers
        # the spellings this profile adds to the default's, longest first
        self.added = [(s, f) for s, f in by_length if s not in _default_spellings()]
        self.added_fields = dict(self.added)

    def match(self, text: str) -> HeaderMatch | None:
        if text not in self.cache:
            self.cache[text] = self._match(text)
        return self.cache[text]

    def _match(self, text: str) -> HeaderMatch | None:
        folded = fold(text)
        if not folded or len(folded) > self.profile.thresholds.header_max_length:
            return None
        padded = f" {folded} "
        candidates = sorted(c for word in set(folded.split()) for c in self.by_first_word.get(word, ()))
        for _, spelling, field in candidates:
            if spelling in padded:
                return HeaderMatch(field, 100.0, "keyword")
        best = self.choices.closest(folded, self.profile.thresholds.header_fuzzy)
        if best is None:
            return None
        return HeaderMatch(self.spellings[best[1]][1], best[0], "fuzzy")

    def added_spelling(self, text: str) -> HeaderMatch | None:
        """The field of a spelling the profile adds, when `text` holds it as whole words."""
        if not self.added:
            return None
        padded = f" {fold(text)} "
        return next((HeaderMatch(field, 100.0, "keyword") for spelling, field in self.added
                     if f" {spelling} " in padded), None)

    def added_label(self, text: str) -> str | None:
        """The field of a spelling the profile adds, when `text` is that spelling, whole (a
        `Label : value` line's label)."""
        return self.added_fields.get(fold(text)) if self.added_fields else None

    def is_known_spelling(self, text: str) -> bool:
        """The header is printed as one of the profile's spellings (no correction to log)."""
        return fold(text) in self.known

    def starts_with_spelling(self, text: str) -> bool:
        """Led by a known spelling, or the first words (three or more) of one: a repeated
        header row that the page clipped (`exemple d'offres existantes ou`)."""
        folded = fold(text)
        if folded.startswith(self.known_tuple):  # str.startswith tries them all at once
            return True
        if len(folded.split()) < 3:
            return False
        # a spelling led by `clipped` sorts at or after it, before any that is not: the first
        # spelling from there is led by it when any is
        clipped = folded + " "
        at = bisect_left(self.known_tuple, clipped)
        return at < len(self.known_tuple) and self.known_tuple[at].startswith(clipped)

    def reference_spelling(self, field: str) -> str:
        return fold(self.profile.fields[field][0])


@lru_cache(maxsize=1)
def _default_spellings() -> frozenset[str]:
    return frozenset(spelling for spelling, _ in default_profile().header_spellings)


_MATCHERS = PerProfile(HeaderMatcher)


def header_matcher(profile: Profile | None = None) -> HeaderMatcher:
    """The matcher of a profile (built once per profile object)."""
    return _MATCHERS.get(profile)


def canonical_header(text: str, profile: Profile | None = None) -> HeaderMatch | None:
    """The canonical field a header cell names, or None when it names none. Without a
    profile: the record-table vocabulary above (spreadsheets, fiches); with one: the
    profile's `[fields]` (what the fiches actions builder reads)."""
    if profile is None:
        return _vocabulary_header(text)
    return header_matcher(profile).match(text)


def record_header(text: str, profile: Profile | None = None) -> HeaderMatch | None:
    """The field a header of a one-row-per-action table names: the record-table vocabulary
    first; else a spelling that the profile's `[fields]` adds to the default ones (a
    territory's `Chef de file`), so a profile file reads its workbooks as its documents."""
    match = _vocabulary_header(text)
    if match is not None or profile is None:
        return match
    return header_matcher(profile).added_spelling(text)


def header_cell_field(text: str, profile: Profile | None = None) -> str | None:
    """The field a header cell names, when the cell looks like a header (upper case, or
    led by a known spelling) — data cells that merely contain a header word do
    not count (`Subvention … financement`), nor headings that name one (`OBJECTIF
    INTERMEDIAIRE 1`)."""
    matcher = header_matcher(profile)
    if text not in matcher.cell_cache:
        matcher.cell_cache[text] = _header_cell_field(text, matcher)
    return matcher.cell_cache[text]


def header_cell_fields(texts: Iterable[str], profile: Profile | None = None) -> list[str | None]:
    """`header_cell_field` of each text (a row's cells), the profile's matcher found once."""
    matcher = header_matcher(profile)
    cache = matcher.cell_cache
    fields = []
    for text in texts:
        field = cache.get(text, _UNSEEN)
        if field is _UNSEEN:
            field = cache[text] = _header_cell_field(text, matcher)
        fields.append(field)
    return fields


_UNSEEN = object()  # a text header_cell_field was not asked yet


def _header_cell_field(text: str, matcher: HeaderMatcher) -> str | None:
    # the tests from the cheapest: each is pure and any failing one answers None, so their
    # order changes no answer — a cell too long for a header (what `match` asks first), then
    # a cell neither upper case nor led by a spelling (most data cells: the fuzzy match of
    # `match` is not run for them), then the match, then the heading forms
    folded = fold(text)
    if not folded or len(folded) > matcher.profile.thresholds.header_max_length:
        return None
    letters = "".join(filter(str.isalpha, text))  # (a Ⅻ or Ⓐ is upper case, not a letter: letters first)
    upper = sum(map(str.isupper, letters)) / max(1, len(letters))
    if not (upper >= 0.6 or matcher.starts_with_spelling(text)):
        return None
    match = matcher.match(text)
    if match is None:
        return None
    return None if is_heading_form(text, matcher.profile) else match.field


def canonical_spelling(field: str, profile: Profile | None = None) -> str:
    """The reference spelling of a field's header (first in the vocabulary)."""
    return header_matcher(profile).reference_spelling(field)
