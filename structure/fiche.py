"""Structure builder of the *fiche form*: one label | value table per action.

Many plans print each action as its own two-column table (`Pilote | Mairie de …`,
`Calendrier | 2024-2026`, …) under a heading such as `Fiche action n°3 – Créer un lieu …`.
This builder sees only the row stream (it never knows the format):

- a table is read as a fiche when its first column holds labels (matched against the plan
  profile's `[labels]`, fuzzily for misspelt or OCR'd labels);
- the fiche's title comes from the heading above it (`Fiche action n°3 – …`, `FICHE ACTION
  4 :`, `Action 2.1 …`, `FA 12`) or from a title row inside the table, its number from the
  heading; headings between fiches (`Thématique : …`, `AXE 2 – …`, `Objectif stratégique
  1.2 : …`) and rows of the fiche (`Thématique | …`, `Axe | …`, `Objectif stratégique | …`,
  `Objectifs opérationnels | …`) place it in the hierarchy;
- consecutive tables with no new fiche heading or title between them are one fiche (a table
  cut by a page break, or split by its author); a row with an empty label continues the
  value of the label above it; a label with an empty value is an empty field;
- bulleted values (`-`, `•`, one item a line) become lists for the list fields;
- a label that names no field is kept in `autres` (label → value), with an
  `unknown_header` anomaly.

Every non-empty cell is placed or listed through the ledger. The labels are profile data
(`FicheLabels` reads them); the heading forms are module-level data, kept apart from the code
that uses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial

from rapidfuzz import fuzz, process

from pgt.extract.rows import ExtractedDocument, RowKind, SourceRow
from pgt.settings.headers import canonical_header, fold
from pgt.settings.text import LazyPattern
from pgt.settings.headings import ROMAN, thematique_of_heading
from pgt.settings.profile import PerProfile, Profile, default_profile
from pgt.structure.hierarchy import provenance_of
from pgt.structure.ids import action_id, unique
from pgt.structure.ledger import Ledger, loose_key
from pgt.schema import (
    Action, Axe, Correction, ObjectifIntermediaire, ObjectifOperationnel, Thematique,
)

# ==== vocabulary ==============================================================================
# The labels (label → field) are the plan profile's `[labels]`; how fuzzily they match and how
# long a label may be, its `[thresholds]` `label_*`.

HIERARCHY_FIELDS = ("thematique", "axe", "oi", "oo")
LIST_FIELDS = ("partenaires", "indicateurs")
TEXT_FIELDS = ("porteur", "public_vise", "echeances", "moyens_humains", "moyens_techniques",
               "moyens_financiers", "description", "objectifs", "statut", "territoire")

_DASHES = r"[:.\-–—)]"
_NUMBER = r"(\d{1,3}(?:\s*\.\s*\d{1,3}){0,3})"
# `Fiche action n°3 – …`, `FICHE ACTION 4 :`, `Fiche-action 12`, `Action 2.1 …`, `FA 12`, `N° 12`
FICHE_HEADING = LazyPattern(
    rf"^\s*(?:fiches?(?:[\s-]*actions?)?|actions?|fa|n\s*[°º])\s*(?:n\s*[°º]\s*|num[ée]ro\s*)?"
    rf"{_NUMBER}(?!\d)\.?\s*{_DASHES}?\s*(.*)$", re.IGNORECASE | re.DOTALL)
# `Thématique : Jeunesse`, `THÉMATIQUE 2 – Accès aux droits`
THEMATIQUE_HEADING = LazyPattern(
    rf"^\s*(?:th[ée]matique|th[èe]me)\s*(?:n\s*[°º]\s*)?(?:\d{{1,2}}|[IVX]+)?\s*{_DASHES}?\s*(\S.*)$",
    re.IGNORECASE | re.DOTALL)
# `AXE 2 – …`, `Axe stratégique II :`, `Axe n°2 :`, `ENJEU 2 –`, `ORIENTATION 2`
AXE_HEADING = LazyPattern(
    rf"^\s*(?:axe|enjeu|orientation)\s*(?:strat[ée]gique\s*)?(?:n\s*[°º]\s*)?([IVX]+|\d{{1,2}})\b\s*"
    rf"{_DASHES}?\s*(.*)$", re.IGNORECASE | re.DOTALL)
# `Objectif stratégique 1.2 : …`, `OBJECTIF GÉNÉRAL 1`, `Sous-axe 1.1`
OI_HEADING = LazyPattern(
    rf"^\s*(?:objectifs?\s+(?:strat[ée]giques?|g[ée]n[ée]raux|g[ée]n[ée]ral|interm[ée]diaires?)|sous[\s-]axe)"
    rf"\s*(?:n\s*[°º]\s*)?{_NUMBER}(?!\d)\s*{_DASHES}?\s*(.*)$", re.IGNORECASE | re.DOTALL)
# `Objectif opérationnel 1.2.3 : …`, `OO 3`
OO_HEADING = LazyPattern(
    rf"^\s*(?:objectifs?\s+(?:op[ée]rationnels?|sp[ée]cifiques?)|OO)\s*(?:n\s*[°º]\s*)?{_NUMBER}(?!\d)\s*"
    rf"{_DASHES}?\s*(.*)$", re.IGNORECASE | re.DOTALL)
# a value led by its number: `2 – Favoriser …`, `II. …`, `1.2 : …`
NUMBERED_VALUE = LazyPattern(rf"^\s*([IVX]+|{_NUMBER})(?!\d)\s*{_DASHES}\s*(\S.*)$", re.DOTALL)
# a fiche heading printed again over the rest of its table
CONTINUED = LazyPattern(r"\b(suite|continued|fin)\b", re.IGNORECASE)
CONTINUED_ONLY = LazyPattern(r"^[(\s]*(?:suite|continued|fin)?[)\s.]*$", re.IGNORECASE)
# list items: `- …`, `• …`, `* …`, `▪ …`, `o …` (Word's second-level bullet), ``
# and what OCR reads a round bullet as: `e `, `+ `, `° `
BULLET = LazyPattern(r"^\s*(?:[-–—•◦▪▫●○■□➢➤►✓✔*·+°\uf0b7\uf0a7\uf0d8\uf076]|[oe](?=\s))\s*")
# the same glyphs inside a line (a PDF cell whose lines were folded into one)
INLINE_BULLET = LazyPattern(r"\s*[•◦▪●■➢➤►✓✔\uf0b7\uf0a7\uf0d8\uf076]\s*|\s+[+°]\s+")
INLINE_DASH = LazyPattern(r"\s+[-–—]\s+")
# amounts: `15 000 €`, `12 500,50 euros`, `20 k€`
AMOUNT = LazyPattern(r"(\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)(?:,(\d{1,2}))?\s*(k\s*€|€|euros?\b|k\s*euros?)",
                    re.IGNORECASE)


# ==== label and heading parsing ================================================================
_PLURAL_MARK = re.compile(r"\((?:s|es|x|e|ve|le)\)", re.IGNORECASE)


def _label_key(text: str) -> str:
    """A label compared loosely: `Partenaire(s) associé(s) :` → `PARTENAIRE ASSOCIE`."""
    folded = fold(_PLURAL_MARK.sub("", text))
    return " ".join(w[:-1] if len(w) > 3 and w[-1] in "SX" else w for w in folded.split())


class FicheLabels:
    """The fiche-form labels of one profile (`[labels]`): label → field, whole, by its leading
    words (the longest entry decides), then fuzzily (misspelt or OCR'd labels), then by an
    entry inside it; the answers cached."""

    def __init__(self, profile: Profile) -> None:
        thresholds = profile.thresholds
        self.fuzzy = thresholds.label_fuzzy
        self.inside_min = thresholds.label_inside_min
        self.max_chars = thresholds.label_max_chars
        self.max_words = thresholds.label_max_words
        self.first_word_min = thresholds.label_first_word_min
        # `Label : value` in one cell: the label as long as a label cell may be
        self.inline_label = re.compile(rf"^([^:\n]{{2,{self.max_chars}}}?)\s*:\s*(\S.*)$", re.DOTALL)
        labels = profile.labels
        self.exact = {_label_key(label): name for name, whole in labels.whole.items() for label in whole}
        # the longest entry a label is or starts with decides (`MOYEN HUMAIN` before `MOYEN`)
        entries = [(_label_key(label), name) for name, leading in labels.leading.items() for label in leading]
        self.prefix_keys = tuple(sorted(entries, key=lambda entry: -len(entry[0])))
        self.fuzzy_choices = [p for p, _ in self.prefix_keys] + list(self.exact)
        self.fuzzy_fields = [f for _, f in self.prefix_keys] + list(self.exact.values())
        self.one_word = [p for p, _ in self.prefix_keys if " " not in p]
        self.by_prefix = dict(self.prefix_keys)
        self.cache: dict[str, str | None] = {}

    def field(self, text: str) -> str | None:
        """The field a first-column cell names (`Structure pilote` → `porteur`), or None when
        it names none, is too long to be a label, or holds a number (`Axe 1` is a heading)."""
        if text not in self.cache:
            if len(self.cache) > 1 << 14:
                self.cache.clear()
            self.cache[text] = self._field(text)
        return self.cache[text]

    def _field(self, text: str) -> str | None:
        stripped = text.strip().rstrip(":").strip()
        if not stripped or len(stripped) > self.max_chars or "\n" in stripped or len(stripped.split()) > self.max_words:
            return None
        if any(ch.isdigit() for ch in stripped) or ":" in stripped and self.split_inline(stripped):
            return None  # `Axe 1` is a heading, `Pilote : CCAS` a label with its value
        key = _label_key(stripped)
        if not key or not key[0].isalpha():
            return None
        if key in self.exact:
            return self.exact[key]
        for prefix, name in self.prefix_keys:
            if key == prefix or key.startswith(prefix + " "):
                return name
        best = process.extractOne(key, self.fuzzy_choices, scorer=fuzz.ratio)
        if best is not None and best[1] >= self.fuzzy:
            return self.fuzzy_fields[best[2]]
        first = key.split()[0]  # a misspelt first word (`CALENDRLER PREVISIONNEL`)
        if len(first) >= self.first_word_min:
            best = process.extractOne(first, self.one_word, scorer=fuzz.ratio)
            if best is not None and best[1] >= self.fuzzy:
                return self.by_prefix[best[0]]
        for prefix, name in self.prefix_keys:  # a known label inside a longer one (`Coordination : structure pilote`)
            if len(prefix) >= self.inside_min and f" {prefix} " in f" {key} ":
                return name
        return None

    def strict_field(self, text: str) -> str | None:
        """The field a cell names when it is a label as printed (exact or leading words), no
        fuzziness: for cells inside a row, where a value could look like a misspelt label."""
        stripped = text.strip().rstrip(":").strip()
        if not stripped or len(stripped) > self.max_chars or "\n" in stripped:
            return None
        key = _label_key(stripped)
        if key in self.exact:
            return self.exact[key]
        return next((name for prefix, name in self.prefix_keys if key == prefix or key.startswith(prefix + " ")), None)

    def split_inline(self, text: str) -> tuple[str, str, str] | None:
        """`Pilote : Centre social` → (label, field, value) when the part before the colon is a
        known label (strictly: a sentence with a colon is not a label)."""
        found = self.inline_label.match(text.strip())
        if not found:
            return None
        name = self.strict_field(found.group(1))
        if name is None:
            return None
        return found.group(1).strip(), name, found.group(2).strip()


fiche_labels = PerProfile(FicheLabels).get


def label_field(text: str, profile: Profile | None = None) -> str | None:
    """The field a fiche label names (`Structure pilote` → `porteur`), by the profile's labels."""
    return fiche_labels(profile).field(text)


def split_inline_label(text: str, profile: Profile | None = None) -> tuple[str, str, str] | None:
    """`Pilote : Centre social` → (label, field, value), by the profile's labels."""
    return fiche_labels(profile).split_inline(text)


@dataclass(frozen=True)
class Heading:
    """A fiche form's heading: its numbers and its title."""
    numbers: tuple[int, ...]  # `2.1` → (2, 1); () when the heading has no number
    titre: str


def _numbers(text: str) -> tuple[int, ...]:
    text = text.strip()
    if text.upper() in ROMAN:
        return (ROMAN[text.upper()],)
    return tuple(int(n) for n in re.findall(r"\d+", text))


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip(":–—- ").strip()


def _heading(pattern: re.Pattern[str] | LazyPattern, text: str, *, numbered: bool = True) -> Heading | None:
    found = pattern.match(text.strip())
    if not found:
        return None
    if not numbered:
        return Heading((), _clean(found.group(1)))
    numbers = _numbers(found.group(1))
    if not numbers or any(n < 1 for n in numbers):
        return None
    return Heading(numbers, _clean(found.group(found.lastindex or 2)))


def match_fiche_heading(text: str) -> Heading | None:
    """`Fiche action n°3 – Créer un lieu …` → ((3,), "Créer un lieu …")."""
    return _heading(FICHE_HEADING, text)


def match_axe_heading(text: str) -> Heading | None:
    return _heading(AXE_HEADING, text)


def match_oi_heading(text: str) -> Heading | None:
    return _heading(OI_HEADING, text)


def match_oo_heading(text: str) -> Heading | None:
    return _heading(OO_HEADING, text)


def match_thematique_heading(text: str, profile: Profile | None = None) -> Heading | None:
    """`Thématique : Jeunesse` → ((), "Jeunesse"); a line longer than the profile's
    `fiche_thematique_max_chars` is text."""
    if len(text) > (profile or default_profile()).thresholds.fiche_thematique_max_chars:
        return None
    found = _heading(THEMATIQUE_HEADING, text, numbered=False)
    if found is None or not found.titre or found.titre[:1].islower():  # `Thématiques de la CTG`
        return None
    return found


def numbered_value(text: str) -> Heading | None:
    """A hierarchy value led by its number: `2 – Favoriser …`, `1.2 : …`, `AXE 2 : …`."""
    for pattern in (AXE_HEADING, OI_HEADING, OO_HEADING):
        found = _heading(pattern, text)
        if found is not None:
            return found
    return _heading(NUMBERED_VALUE, text)


def heading_titles(text: str, profile: Profile | None = None) -> list[str] | None:
    """The text left once a fiche-form heading's numbering is parsed off (for the cell
    audit, `pgt.accounting`), or None when the text is no such heading."""
    for matcher in (match_fiche_heading, match_oi_heading, match_oo_heading, match_axe_heading,
                    partial(match_thematique_heading, profile=profile), numbered_value):
        found = matcher(text)
        if found is not None:
            return [] if CONTINUED_ONLY.match(found.titre) else [found.titre]  # `Fiche action 2 (suite)`
    inline = split_inline_label(text, profile)
    return [inline[2]] if inline is not None else None


def thematique_code(titre: str, profile: Profile | None = None) -> str:
    """The stable code of a thématique title: a usual domain's code, else the title's slug."""
    known = thematique_of_heading(titre, profile) or thematique_of_heading(f"THEMATIQUE {titre}", profile)
    if known:
        return known
    folded = f" {fold(titre)} "  # a title too long for a heading: the longest domain heading in it
    found = next((code for heading, code in (profile or default_profile()).thematique_headings
                  if f" {heading} " in folded), None)
    if found:
        return found
    slug = "_".join(fold(titre).lower().split())[:60].strip("_")
    fallback = (profile or default_profile()).phrases.default_thematique_code
    return slug if slug[:1].isalpha() else f"t_{slug}"[:60].strip("_") or fallback


def list_items(value: str) -> list[str]:
    """A list field's value → its items: one per bullet, else one per line unless the line
    continues the one above it (starts lower case, or the line above ends mid-phrase).
    Bullets a reader folded into one line (`• A • B`, `- A - B` from a PDF cell) still cut."""
    segments: list[tuple[str, bool]] = []  # (text, opened by a bullet)
    for line in value.split("\n"):
        line = line.strip()
        if not line:
            continue
        bulleted = bool(BULLET.match(line))
        pieces = INLINE_BULLET.split(BULLET.sub("", line, count=1) if bulleted else line)
        if bulleted and line.lstrip()[:1] in "-–—":  # typed dashes: `- A - B` is a folded list too
            pieces = [p for piece in pieces for p in INLINE_DASH.split(piece)]
        for index, piece in enumerate(pieces):
            segments.append((piece.strip(), bulleted or index > 0))
    any_bullet = any(opened for _, opened in segments)
    items: list[str] = []
    pending = False  # a bullet with nothing after it on its line opens the next line's item
    for text, opened in segments:
        text = text.strip(_ITEM_JUNK)
        if not any(ch.isalnum() for ch in text):  # a bullet alone, or OCR's `__` beside it
            pending = pending or opened
            continue
        opens = opened or pending if any_bullet else not _continues(items[-1] if items else None, text)
        pending = False
        if opens or not items:
            items.append(text)
        else:
            items[-1] = f"{items[-1]} {text}"
    return items


_ITEM_JUNK = " _.·*+°|"
_WORDLIKE = LazyPattern(r"^[«(\"']?(?:[A-ZÀ-Ý]?[a-zà-ÿ'’-]+(?:\([a-z]{1,2}\))?|[A-ZÀ-Ý]{1,6}|\d+)[»)\"',.:;]*$")


def garbled(text: str) -> bool:
    """OCR noise rather than words: most of the text is in tokens that mix case or symbols
    (`BERRRRESSUaSRE reelneea aNTDeee.Vers“et`)."""
    tokens = text.split()
    if not tokens:
        return False
    wordlike = sum(len(t) for t in tokens if _WORDLIKE.match(t))
    return wordlike * 2 < sum(len(t) for t in tokens)


def _continues(previous: str | None, line: str) -> bool:
    if previous is None:
        return False
    return line[:1].islower() or previous.endswith((",", "-", "'", "’", " de", " des", " du", " et", " la", " le",
                                                     " les", " à", " au", " aux", " en", " pour"))


def parse_budget(text: str) -> float | None:
    """Euros when the text states exactly one amount (`15 000 €`, `20 k€`), else None."""
    amounts = {_amount(m) for m in AMOUNT.finditer(text)}
    return amounts.pop() if len(amounts) == 1 else None


def _amount(found: re.Match[str]) -> float:
    whole = re.sub(r"[ \u00a0\u202f.]", "", found.group(1))
    value = float(f"{whole}.{found.group(2) or 0}")
    return value * 1000 if found.group(3).lower().startswith("k") else value


def _pairs(row: SourceRow, labels: FicheLabels) -> list[tuple[int, list[int]]]:
    """(label cell, value cells) of a row: one pair (`Pilote | …`), or several side by side
    (`Pilote | … | Calendrier | …`) when further even cells are labels, matched strictly."""
    cells = row.cells
    starts = [0] + [k for k in range(2, len(cells), 2) if cells[k].strip() and labels.strict_field(cells[k])]
    bounds = [*starts, len(cells)]
    return [(start, list(range(start + 1, end))) for start, end in zip(bounds, bounds[1:])]


# ==== detection ================================================================================
def first_label(row: SourceRow, labels: FicheLabels) -> str | None:
    """The field the first cell of a table row names as a fiche label (`Pilote`, `Pilote : CCAS`)."""
    if not row.cells or not row.cells[0].strip():
        return None
    inline = labels.split_inline(row.cells[0])
    return inline[1] if inline is not None else labels.field(row.cells[0])


def is_fiche_form(document: ExtractedDocument, profile: Profile | None = None) -> bool:
    """Whether the document prints its actions as label | value fiches: the first column of
    some tables (one table, or the parts of a fiche cut by page breaks: the tables between
    two text lines) names at least `thresholds.fiche_labels_min` fields, and such fiches
    outnumber the header rows of grid tables."""
    profile = profile or default_profile()
    labels = fiche_labels(profile)
    fields_by_run: dict[int, set[str]] = {}
    run = 0
    for row in document.rows:
        if row.kind is not RowKind.TABLE:
            run += 1
            continue
        name = first_label(row, labels)
        if name is not None:
            fields_by_run.setdefault(run, set()).add(name)
    minimum = profile.thresholds.fiche_labels_min
    fiches = sum(len(names) >= minimum for names in fields_by_run.values())
    if fiches < 1:
        return False  # no fiche: the grid headers need not be counted (every cell's header test)
    grid_headers = 0  # header rows of grid tables (three cells or more after the first name columns)
    for row in document.rows:
        if row.kind is RowKind.TABLE and _names_columns(row.non_empty[1:], 3):
            grid_headers += 1
            if grid_headers >= fiches:
                return False  # as many grid headers as fiches: the rest need not be counted
    return True


def _names_columns(cells: list[tuple[int, str]], least: int) -> bool:
    """Whether `least` cells or more name a column (the cells read until that many do)."""
    if len(cells) < least:
        return False
    named = 0
    for _, text in cells:
        if canonical_header(text) is not None:
            named += 1
            if named >= least:
                return True
    return False


# ==== builder ==================================================================================
@dataclass
class Entry:
    """One label | value of a fiche (its value may continue on label-less rows)."""

    label: str
    name: str | None  # the field, None for a label that maps to no field
    value: str
    rows: list[SourceRow]


@dataclass
class Draft:
    """The fiche being read: its heading and its entries, turned into an action at its end."""

    numero: int | None
    titre: str | None
    row: SourceRow  # where the fiche starts (its heading or first row)
    entries: list[Entry] = field(default_factory=list)
    numbers: tuple[int, ...] = ()  # the heading's full number (`2.1`)
    from_heading: bool = False
    table_title: bool = False  # a title row (or `Intitulé` label) was read in its table


class FicheBuilder:
    """Walks the row stream once; a fiche becomes an action when the next one starts."""

    def __init__(self, document: ExtractedDocument, ledger: Ledger, corrections: list[Correction],
                 profile: Profile | None = None) -> None:
        self.document = document
        self.plan_profile = profile or default_profile()
        self.labels = fiche_labels(self.plan_profile)
        self.ledger = ledger
        self.corrections = corrections
        self.thematiques: dict[str, Thematique] = {}
        self.thematique: Thematique | None = None
        self.axe: Axe | None = None
        self.oi: ObjectifIntermediaire | None = None
        self.oo: list[int] = []  # OO a heading between fiches declared for the next fiches
        self.draft: Draft | None = None
        self.placeholder: Thematique | None = None  # the stand-in thématique of fiches no heading names
        self.placeholder_row: SourceRow | None = None
        self.title_target: object | None = None  # a heading whose title may go on below it
        self.parent_label = ""  # the last label of the first column (merged down over sub-labels)
        self.ids: set[str] = set()
        self.fiche_tables = self._fiche_tables()
        self.running_lines = self._running_lines()

    def go_on_in(self, thematique: Thematique, taken: set[str]) -> None:
        """Fiches that follow another layout's tables in the same document (structure/mixed.py):
        those before a heading of their own go on in the thématique and axe the document was
        in, under ids unlike the ones `taken`."""
        self.thematiques[thematique.code] = thematique
        self.thematique = thematique
        self.axe = thematique.axes[-1] if thematique.axes else None
        self.ids |= taken

    def build(self) -> list[Thematique]:
        previous_table: int | None = None
        previous_page: int | None = None
        for row in self.document.rows:
            if row.is_blank:
                continue
            if row.kind is RowKind.TEXT:
                self._text(row)
                previous_table = None
                continue
            first_of_table = row.table_index != previous_table
            previous_table = row.table_index
            after_break = first_of_table or row.provenance.page != previous_page  # a table going on over a page
            previous_page = row.provenance.page
            self._table_row(row, first_of_table, after_break)
        self._finish()
        phrases = self.plan_profile.phrases
        if self.placeholder is not None and self.placeholder.code == phrases.default_thematique_code:
            self.ledger.note("inferred_thematique", "fiches before any thématique heading or row: placed under "
                             f"'{phrases.default_thematique}'", self.placeholder_row, severity="info", cells=[])
        return list(self.thematiques.values())

    # ---- tables ----------------------------------------------------------------------------
    def _fiche_tables(self) -> set[int | None]:
        """Tables read as fiche parts: two label rows at least, or (a fiche cut by a page
        break) mostly label and label-less rows, or a lone fiche title."""
        stats: dict[int | None, list[int]] = {}
        for row in self.document.rows:
            if row.kind is not RowKind.TABLE or row.is_blank:
                continue
            counts = stats.setdefault(row.table_index, [0, 0, 0, 0])  # labels, label-less, rows, titles
            counts[2] += 1
            if first_label(row, self.labels) is not None:
                counts[0] += 1
            elif not row.cells[0].strip():
                counts[1] += 1
            elif any(match_fiche_heading(c) for _, c in row.non_empty):
                counts[3] += 1
        return {t for t, (labels, bare, rows, titles) in stats.items()
                if labels >= 2 or (labels + bare) * 2 >= rows > 0 and labels + bare >= 1 or titles}

    def _running_lines(self) -> set[str]:
        """Text lines printed on `thresholds.running_line_pages` pages or more: a page header or footer,
        not a heading (it may fall between two parts of a fiche)."""
        pages: dict[str, set[int]] = {}
        for row in self.document.rows:
            if row.kind is RowKind.TEXT and row.provenance.page is not None:
                pages.setdefault(loose_key(row.cells[0]), set()).add(row.provenance.page)
        minimum = self.plan_profile.thresholds.running_line_pages
        return {text for text, seen in pages.items() if text and len(seen) >= minimum}

    def _table_row(self, row: SourceRow, first_of_table: bool, after_break: bool) -> None:
        self.title_target = None
        if row.table_index not in self.fiche_tables:
            self.ledger.residue(row, "table that is not a fiche (no label | value rows)")
            return
        label = row.cells[0].strip() if row.cells else ""
        known = self.labels.field(label) is not None if label else False
        if not known and label and self._title_row(row, first_of_table):
            return
        inline = self.labels.split_inline(label) if not known and label and len(row.non_empty) == 1 else None
        if inline is not None:  # `Pilote : Centre social` in one cell
            self._draft(row).entries.append(Entry(inline[0], inline[1], inline[2], [row]))
            self.ledger.place(row)
            return
        if not known and label and after_break and self.draft is not None and self.draft.entries \
                and garbled(label):
            # the first row of a table (or page) going on from a fiche, whose label cell OCR read as
            # noise (the empty label of a row continued after a page break): listed, value continued
            self.ledger.residue(row, "unreadable first cell of a continued fiche table: read as an empty label",
                                [0], severity="info", code="unreadable_label")
            label = ""
        sub = self._sub_label(row, label)
        if sub is not None:
            self._sub_entry(row, label, sub)
            return
        if label:
            self.parent_label = label
        if not label:
            self._continuation_row(row)
            return
        draft = self._draft(row)
        if self.labels.field(label) == "titre" and (draft.table_title or (first_of_table and draft.entries and draft.titre)):
            # an `Intitulé` row where the fiche already has its title from a table, or a new
            # table opening with one after a titled fiche: the next fiche
            self._finish()
            draft = self._draft(row)
        for at, values in _pairs(row, self.labels):
            self._entry(draft, row, at, values)

    def _sub_label(self, row: SourceRow, label: str) -> str | None:
        """`Moyens | Humains | 2 ETP`, then ` | Financiers | 5 000 €` (the label cell merged
        down): a label with sub-labels in the second column; the field the pair names."""
        cells = row.cells
        if len(cells) < 3 or not cells[1].strip() or not any(c.strip() for c in cells[2:]):
            return None
        parent = label or self.parent_label
        if not parent or any(ch.isdigit() for ch in cells[1]):
            return None
        combined = self.labels.strict_field(f"{parent} {cells[1]}")
        own = self.labels.strict_field(cells[1])
        if own is not None:  # the second cell is a label itself (`Humains`)
            return combined or own
        return combined if combined is not None and combined != self.labels.field(parent) else None

    def _sub_entry(self, row: SourceRow, label: str, name: str) -> None:
        draft = self._draft(row)
        if label:
            self.parent_label = label
        parent = label or self.parent_label
        values = [i for i in range(2, len(row.cells)) if row.cells[i].strip()]
        value = "\n".join(row.cells[i] for i in values)
        draft.entries.append(Entry(f"{parent} – {row.cells[1].strip()}", name, value, [row]))
        self.ledger.place(row)

    def _draft(self, row: SourceRow) -> Draft:
        """The fiche being read; one opens at `row` when none is (a table with no heading)."""
        if self.draft is None:
            self._open(None, None, row)
        assert self.draft is not None
        return self.draft

    def _continuation_row(self, row: SourceRow) -> None:
        """A row with an empty label: its value goes on from the label above (a value its
        author went on writing, or a row the page broke)."""
        draft = self._draft(row)
        if not draft.entries:
            self.ledger.residue(row, "value with no label before any label of the fiche")
            return
        entry = draft.entries[-1]
        values = [i for i, _ in row.non_empty if i > 0]
        addition = "\n".join(row.cells[i] for i in values)
        entry.value = f"{entry.value}\n{addition}" if entry.value else addition
        entry.rows.append(row)
        self.ledger.place(row, values)
        if len(entry.rows) == 2:
            self.ledger.note("continuation_merged", f"value of '{entry.label}' goes on in a row with no label: "
                             "read as one value", row, severity="info")

    def _entry(self, draft: Draft, row: SourceRow, at: int, values: list[int]) -> None:
        """Label cell `at` with its value cells: an entry of the fiche."""
        label = row.cells[at].strip()
        name = self.labels.field(label)
        value = "\n".join(row.cells[i] for i in values if row.cells[i].strip())
        draft.entries.append(Entry(label.rstrip(":").strip(), name, value, [row]))
        if name == "titre":
            draft.table_title = True
        if name is None:
            self.ledger.residue(row, f"label '{label}' maps to no field: kept in autres", [at],
                                severity="info", code="unknown_header")
            self.ledger.place(row, values)
        else:
            self.ledger.place(row, [at, *values])

    def _title_row(self, row: SourceRow, first_of_table: bool) -> bool:
        """A row naming the fiche inside its table: `Fiche action 5 : …` (a merged row) or
        `Fiche action n°5 | Créer …`, or a lone title as a table's first row."""
        non_empty = row.non_empty
        heading = match_fiche_heading(row.cells[0])
        if heading is not None:
            rest = [c for i, c in non_empty if i > 0]
            titre = heading.titre or " ".join(rest)
            if heading.titre and rest:
                return False  # `Action 3 | …` with a value: not a title row
            self._fiche_heading(heading, titre, row, in_table=True)
            return True
        if len(non_empty) == 1 and self._hierarchy_heading(row.cells[0].strip(), row):
            return True  # `AXE 2 – …` printed as a merged row of the table
        if len(non_empty) == 1 and first_of_table:
            draft = self.draft
            if draft is not None and not draft.titre and not draft.entries:
                draft.titre = _clean(row.cells[0])
                draft.table_title = True
                self.ledger.place(row)
                return True
            if draft is None or draft.entries:
                self._finish()
                self._open(None, _clean(row.cells[0]), row)
                assert self.draft is not None
                self.draft.table_title = True
                self.ledger.place(row)
                return True
        return False

    # ---- text lines --------------------------------------------------------------------------
    def _text(self, row: SourceRow) -> None:
        text = row.cells[0].strip()
        if loose_key(text) in self.running_lines:
            self.ledger.residue(row, "line printed on every page (page header or footer)", severity="info",
                                code="page_header")
            return
        fiche = match_fiche_heading(text)
        if fiche is not None:
            self.title_target = None
            self._fiche_heading(fiche, fiche.titre, row, in_table=False)
            return
        if self._hierarchy_heading(text, row):
            return
        draft = self.draft
        inline = self.labels.split_inline(text)
        if draft is not None and inline is not None:  # `Pilote : Centre social` as a line of the fiche
            label, name, value = inline
            draft.entries.append(Entry(label, name, value, [row]))
            self.ledger.place(row)
            return
        if draft is not None and draft.from_heading and not draft.entries and (not draft.titre or text[:1].islower()):
            draft.titre = f"{draft.titre} {text}".strip() if draft.titre else text  # the heading's title wraps
            self.ledger.place(row)
            return
        target = self.title_target
        if target is not None and text[:1].islower() or target is not None and not getattr(target, "titre", None):
            current = getattr(target, "titre", None)
            target.titre = f"{current} {text}".strip() if current else text  # type: ignore[union-attr]
            self.ledger.place(row)
            return
        self.ledger.residue(row, "text line outside any fiche table that is not a known heading")

    def _hierarchy_heading(self, text: str, row: SourceRow) -> bool:
        """`AXE 2 – …`, `Objectif stratégique 1.2 : …`, `Objectif opérationnel 3 : …`,
        `Thématique : …` (a line, or a row of one cell): the place of the fiches after it."""
        for matcher, opener in ((match_oo_heading, self._oo_heading), (match_oi_heading, self._oi_heading),
                                (match_axe_heading, self._axe_heading)):
            found = matcher(text)
            if found is not None:
                self._finish()
                self.title_target = opener(found, row)
                self.ledger.place(row)
                return True
        theme = match_thematique_heading(text, self.plan_profile)
        if theme is not None and theme.titre:
            self._finish()
            self._open_thematique(theme.titre, row)
            self.title_target = self.thematique
            self.ledger.place(row)
            return True
        return False

    def _fiche_heading(self, heading: Heading, titre: str, row: SourceRow, *, in_table: bool) -> None:
        numero = heading.numbers[-1]
        draft = self.draft
        if draft is not None and draft.numero == numero and (
                not draft.entries or not titre or CONTINUED.search(titre) or loose_key(titre) == loose_key(draft.titre or "")):
            # the heading above the table printed again in it, or `Fiche action 3 (suite)`
            if titre and not draft.titre:
                draft.titre = titre
            draft.table_title = draft.table_title or in_table
            self.ledger.place(row)
            return
        if draft is not None and draft.numero is None and not draft.entries and not draft.from_heading:
            draft.numero = numero
        self._finish()
        self._open(numero, titre or None, row)
        assert self.draft is not None
        self.draft.numbers = heading.numbers
        self.draft.from_heading = True
        self.draft.table_title = in_table
        self.ledger.place(row)

    # ---- hierarchy -------------------------------------------------------------------------
    def _open_thematique(self, titre: str, row: SourceRow | None) -> Thematique:
        code = thematique_code(titre, self.plan_profile)
        placeholder = self.thematique
        if placeholder is not None and self.placeholder is placeholder and code not in self.thematiques:
            # headings before any thématique were read into a stand-in: it is this thématique
            del self.thematiques[placeholder.code]
            placeholder.code, placeholder.titre = code, titre
            self.thematiques[code] = placeholder
            self.placeholder = None
            return placeholder
        if code not in self.thematiques:
            self.thematiques[code] = Thematique(code=code, titre=titre)
        if self.thematiques[code] is not self.thematique:
            self.axe = None
            self.oi = None
            self.oo = []
        self.thematique = self.thematiques[code]
        return self.thematique

    def _ensure_thematique(self, row: SourceRow) -> Thematique:
        if self.thematique is None:
            phrases = self.plan_profile.phrases
            code, titre = phrases.default_thematique_code, phrases.default_thematique
            self.thematiques.setdefault(code, Thematique(code=code, titre=titre))
            self.thematique = self.placeholder = self.thematiques[code]
            self.placeholder_row = row
        return self.thematique

    def _axe(self, numero: int | None, titre: str | None, row: SourceRow) -> Axe:
        thematique = self._ensure_thematique(row)
        existing = None
        if numero is not None:
            existing = next((a for a in thematique.axes if a.numero == numero), None)
        elif titre:
            existing = next((a for a in thematique.axes if a.titre and _same(a.titre, titre)), None)
            numero = max((a.numero for a in thematique.axes), default=0) + 1 if existing is None else None
        if existing is None:
            existing = Axe(numero=numero or 1, titre=titre or None, provenance=provenance_of(row))
            thematique.axes.append(existing)
            thematique.axes.sort(key=lambda a: a.numero)
        elif titre and not existing.titre:
            existing.titre = titre
        if existing is not self.axe:
            self.oi = None
            self.oo = []
        self.axe = existing
        return existing

    def _oi(self, numbers: tuple[int, ...], titre: str | None, row: SourceRow) -> ObjectifIntermediaire:
        if len(numbers) >= 2 and (self.axe is None or self.axe.numero != numbers[-2]):
            self._axe(numbers[-2], None, row)  # `1.2`: OI 2 of axe 1
        axe = self._ensure_axe(row)
        numero = numbers[-1] if numbers else None
        existing = None
        if numero is not None:
            existing = next((o for o in axe.objectifs_intermediaires if o.numero == numero), None)
        elif titre:
            existing = next((o for o in axe.objectifs_intermediaires if o.titre and _same(o.titre, titre)), None)
            if existing is None:
                numero = max((o.numero for o in axe.objectifs_intermediaires), default=0) + 1
        if existing is None:
            existing = ObjectifIntermediaire(numero=numero or 1, titre=titre or None, provenance=provenance_of(row))
            axe.objectifs_intermediaires.append(existing)
            axe.objectifs_intermediaires.sort(key=lambda o: o.numero)
        elif titre and not existing.titre:
            existing.titre = titre
        if existing is not self.oi:
            self.oo = []
        self.oi = existing
        return existing

    def _ensure_axe(self, row: SourceRow) -> Axe:
        if self.axe is None:
            thematique = self._ensure_thematique(row)
            numero = max((a.numero for a in thematique.axes), default=0) + 1
            self.ledger.note("inferred_axe", f"fiche with no axe heading or row: axe {numero} inferred", row,
                             severity="info", cells=[])
            self._axe(numero, None, row)
        assert self.axe is not None
        return self.axe

    def _oo(self, numbers: tuple[int, ...], titre: str | None, row: SourceRow) -> ObjectifOperationnel:
        oi = self.oi
        assert oi is not None
        numero = numbers[-1] if numbers else None
        existing = None
        if numero is not None:
            existing = next((o for o in oi.objectifs_operationnels if o.numero == numero), None)
        elif titre:
            existing = next((o for o in oi.objectifs_operationnels if o.titre and _same(o.titre, titre)), None)
            if existing is None:
                numero = max((o.numero for o in oi.objectifs_operationnels), default=0) + 1
        if existing is None:
            existing = ObjectifOperationnel(numero=numero or 1, titre=titre or None, provenance=provenance_of(row))
            oi.objectifs_operationnels.append(existing)
            oi.objectifs_operationnels.sort(key=lambda o: o.numero)
        elif titre and not existing.titre:
            existing.titre = titre
        return existing

    def _axe_heading(self, found: Heading, row: SourceRow) -> Axe:
        return self._axe(found.numbers[-1], found.titre or None, row)

    def _oi_heading(self, found: Heading, row: SourceRow) -> ObjectifIntermediaire:
        return self._oi(found.numbers, found.titre or None, row)

    def _oo_heading(self, found: Heading, row: SourceRow) -> object | None:
        if self.oi is None:
            self._oi((), None, row)
            self.ledger.note("inferred_oi", "operational objective heading with no strategic objective above it",
                             row, severity="info", cells=[])
        oo = self._oo(found.numbers, found.titre or None, row)
        self.oo = [oo.numero]
        return oo

    # ---- fiche → action ----------------------------------------------------------------------
    def _open(self, numero: int | None, titre: str | None, row: SourceRow) -> None:
        self.draft = Draft(numero=numero, titre=titre, row=row)

    def _finish(self) -> None:
        draft = self.draft
        self.draft = None
        if draft is None:
            return
        if not draft.entries and not draft.titre:
            self.ledger.note("empty_fiche", "fiche heading with no fiche after it", draft.row)
            return
        oo_numbers = self._place(draft)
        action = self._action(draft)
        action.oo = sorted(set(oo_numbers))
        container = self.oi.actions if self.oi is not None else self._ensure_axe(draft.row).actions
        container.append(action)

    def _place(self, draft: Draft) -> list[int]:
        """Apply the fiche's hierarchy rows (and the heading's `2.1` number) to the current
        place; return the OO numbers it names."""
        if len(draft.numbers) >= 2 and not any(e.name in ("axe", "oi") for e in draft.entries):
            if len(draft.numbers) >= 3:
                self._oi(draft.numbers[:-1], None, draft.row)
            elif self.axe is None or not self.axe.titre and self.axe.numero != draft.numbers[0]:
                self._axe(draft.numbers[0], None, draft.row)  # `Action 2.1` and no axe heading: axe 2
        oo_numbers: list[int] = []
        oo_seen = False
        for entry in draft.entries:
            value = _clean_lines(entry.value)
            if not value or entry.name not in HIERARCHY_FIELDS:
                continue
            if entry.name == "thematique":
                self._open_thematique(_clean(value), entry.rows[0])
            elif entry.name == "axe":
                found = numbered_value(value)
                self._axe(found.numbers[-1] if found else None, found.titre if found else _clean(value), entry.rows[0])
            elif entry.name == "oi":
                found = numbered_value(value)
                self._oi(found.numbers if found else (), found.titre if found else _clean(value), entry.rows[0])
            elif entry.name == "oo" and self.oi is not None:
                oo_seen = True
                for item in list_items(value):
                    found = numbered_value(item)
                    oo = self._oo(found.numbers if found else (), found.titre if found else item, entry.rows[0])
                    oo_numbers.append(oo.numero)
        if not oo_seen:
            oo_numbers = list(self.oo)
        return oo_numbers

    def _action(self, draft: Draft) -> Action:
        axe = self._ensure_axe(draft.row)
        thematique = self.thematique
        assert thematique is not None
        read = self._read_entries(draft)
        oi = self.oi
        candidate = action_id(thematique.code, axe.numero, oi.numero if oi else None, read.numero, read.titre)
        if candidate in self.ids:
            self.ledger.note("duplicate_id", f"{candidate} printed twice in the same place", draft.row, severity="info")
        action = Action(id=unique(candidate, self.ids), numero=read.numero, titre=read.titre or None,
                        provenance=provenance_of(draft.row))
        if not read.titre:
            self.ledger.note("missing_title", "fiche with no title (no heading, no title row)", draft.row,
                             record_id=action.id, cells=[])
        self._fill(action, read.values)
        action.autres = read.autres
        rows = list({id(row): row for entry in draft.entries for row in entry.rows if row is not draft.row}.values())
        action.provenance.cells.extend(c for row in rows for c in row.cells if c.strip())
        pages = sorted({r.provenance.page for r in [draft.row, *rows] if r.provenance.page is not None})
        if len(pages) > 1:
            action.provenance.pages = pages
        return action

    def _read_entries(self, draft: Draft) -> ReadFiche:
        """The fiche's entries sorted into title, number, field values and `autres`."""
        read = ReadFiche(draft.titre, draft.numero)
        for entry in draft.entries:
            value = _clean_lines(entry.value)
            if entry.name is None:
                key = entry.label or "?"
                while key in read.autres:
                    key = f"{key} (bis)"
                read.autres[key] = value
            elif entry.name == "oo" and self.oi is None:
                # no objective to hang an OO on: kept as the action's objectives
                read.values.setdefault("objectifs", []).append(value)
            elif entry.name in HIERARCHY_FIELDS or not value:
                continue
            elif entry.name == "titre":
                if not read.titre:
                    read.titre = _clean(value)
                elif loose_key(value) != loose_key(read.titre):
                    read.autres[entry.label] = value
                    self.ledger.note("title_differs", f"fiche titled '{read.titre}' above its table, '{value}' in "
                                     "it: the heading's title is kept", entry.rows[0], severity="info")
            elif entry.name == "numero":
                digits = re.findall(r"\d+", value)
                if read.numero is None and digits and int(digits[-1]) >= 1:
                    read.numero = int(digits[-1])
                elif not digits or read.numero != int(digits[-1]):
                    read.autres[entry.label] = value
            else:
                read.values.setdefault(entry.name, []).append(value)
        return read

    def _fill(self, action: Action, values: dict[str, list[str]]) -> None:
        for name in TEXT_FIELDS:
            if name in values:
                setattr(action, name, "\n".join(values[name]))
        for name in LIST_FIELDS:
            for value in values.get(name, []):
                items = list_items(value)
                getattr(action, name).extend(items)
                if len(items) > len(value.split("\n")):  # bullets a reader folded into one line, cut
                    self.corrections.append(Correction(record_id=action.id, field=name, before=value,
                                                       after=" | ".join(items), rule="bullet_list"))
        if "budget" in values:
            action.budget_texte = "\n".join(values["budget"])
            action.budget = parse_budget(action.budget_texte)


@dataclass
class ReadFiche:
    """What one fiche form says: its title, number and the values of its labels."""
    titre: str | None
    numero: int | None
    values: dict[str, list[str]] = field(default_factory=dict)  # field → the values of its labels
    autres: dict[str, str] = field(default_factory=dict)


def _clean_lines(value: str) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in value.split("\n")]
    return "\n".join(line for line in lines if line)


def _same(a: str, b: str) -> bool:
    return fuzz.ratio(fold(a), fold(b)) >= 90
