"""Cell accounting, checked from the outside: is every source cell in the plan or listed?

The builder's ledger counts cells as it places them (`SourceDocument.placed_cells`). This
module checks that count against the result, for any reader and any builder:

- a cell is *found* when its text is in the plan — a field, a title, a label, a list item,
  or the `before` of a logged correction — once the numbering the builder parses off
  (`12. …`, `OO 3 : …`, `AXE II : …`, `Fiche 7 : …`) is removed; or when it is structure
  the builder consumes (a thématique heading, a column header, a bare OO number);
- a cell is *listed* when an anomaly located at its row (same document, line or page)
  names it in its `cells`.

`audit(plan, documents)` returns the cells that are neither (`unaccounted`: must be empty),
and `audit_ledger(document)` checks the ledger cell by cell: every cell it counts as placed
is found in the plan, every other cell is listed at its location.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pgt.settings import headings as pat
from pgt.structure import build_document
from pgt.structure.fiche import heading_titles, label_field
from pgt.structure.ledger import loose_key
from pgt.structure.priorisation import split_marker_cell
from pgt.extract.rows import ExtractedDocument, SourceRow
from pgt.extract.text import is_separator
from pgt.settings.headers import canonical_header, fold
from pgt.schema import Plan

STRUCTURAL_WORDS = (
    "SIX GRANDES THEMATIQUES", "OBJECTIFS OPERATIONNELS", "OBJECTIFS INTERMEDIAIRES", "OBJECTIF INTERMEDIAIRE",
    "AXE STRATEGIQUE", "ANNEXE II", "LES AXES STRATEGIQUES DECLINES", "ACTIONS DEJA MISES EN OEUVRE",
    "FICHES ACTION", "FICHES ANNEX", "ACTIONS",
)


def norm(text: str) -> str:
    """How cells and plan text are compared: loosely (accents, case, punctuation, spacing
    ignored), or spaces and case folded for a cell with no letter or digit."""
    return loose_key(text) or " ".join(text.split()).casefold()


@dataclass(frozen=True)
class CellRef:
    """One non-empty source cell and where it is."""

    document: str
    line: int | None
    page: int | None
    column: int
    text: str

    def location(self) -> str:
        where = f"line {self.line}" if self.line is not None else f"page {self.page}" if self.page else "?"
        return f"{self.document}:{where} column {self.column + 1}"


@dataclass
class Audit:
    """The cell accounting of a plan: every non-empty source cell placed or listed."""
    total: int = 0  # non-empty cells of the rows read
    found: int = 0  # found in the plan (placed)
    listed: int = 0  # not found, but listed by an anomaly at their row
    unaccounted: list[CellRef] = field(default_factory=list)  # neither: a hole
    declared_total: int = 0  # what the plan's documents say (SourceDocument.non_empty_cells)
    declared_placed: int = 0  # SourceDocument.placed_cells

    @property
    def holds(self) -> bool:
        return not self.unaccounted and self.total == self.declared_total


class PlanText:
    """Every string of a plan (fields, titles, labels, corrections' before/after), for lookups.

    Word-level corrections a normalizer logged (`Mersan` → `Marsan`, `REAPP` → `REAAP`) are
    applied to both sides before comparing, so a source cell is found whichever of its words
    were corrected in which field."""

    def __init__(self, plan: Plan) -> None:
        raw: set[str] = set()
        _collect(plan.model_dump(mode="json", exclude={"anomalies", "documents"}), raw)
        for correction in plan.corrections:
            for value in (correction.before, correction.after):
                if value:
                    raw.add(value)
                    raw.update(value.split(" | "))
        self.word_fixes = sorted({(c.before, c.after) for c in plan.corrections
                                  if c.before and c.after and len(c.before) <= 40 and "\n" not in c.before
                                  and c.before != c.after},
                                 key=lambda pair: (-len(pair[0]), pair))
        strings: set[str] = set()
        for value in raw:
            for form in {value, self.canonical(value)}:
                strings.add(norm(form))
                strings.add(" ".join(form.split()).casefold())  # as printed: emoji and symbols kept
        self.strings = strings
        self.blob = "\n".join(sorted(strings))
        self._cache: dict[str, bool] = {}

    def canonical(self, text: str) -> str:
        for before, after in self.word_fixes:
            if before in text:
                text = text.replace(before, after)
        return text

    def contains(self, text: str) -> bool:
        if self._contains(text):
            return True
        fixed = self.canonical(text)
        return fixed != text and self._contains(fixed)

    def _contains(self, text: str) -> bool:
        key = norm(text)
        if not key:
            return True
        if key not in self._cache:
            exact = " ".join(text.split()).casefold()
            self._cache[key] = key in self.strings or key in self.blob or (
                not loose_key(text) and exact in self.blob)
        return self._cache[key]


def _collect(value: object, into: set[str], key: str | None = None) -> None:
    if key == "cells":  # provenance cells are a copy of the source, not a placement
        return
    if isinstance(value, dict):
        for k, v in value.items():
            _collect(v, into, k)
    elif isinstance(value, list):
        for item in value:
            _collect(item, into, key)
    elif isinstance(value, str):
        into.add(value)


def _titles(text: str) -> list[str] | None:
    """The text left once the builder's numbering is parsed off, or None when no numbering."""
    for matcher in (pat.match_action_number, pat.match_oo_cell, pat.match_oi_cell, pat.match_oi_heading,
                    pat.match_axe, pat.match_roman_title, pat.match_group):
        found = matcher(text)
        if found is not None:
            return [found.titre]
    found_list = pat.match_fiche_list(text)
    if found_list is not None:
        return [found_list[1]]

    oos = pat.split_three_digit_oo(text)
    if oos:
        head = text[: text.find(":")] if ":" in text else ""
        return [item.titre for item in oos] + ([head] if head.strip() and not head.strip().isdigit() else [])
    if pat.starts_with_fiche(text):
        return [titre for _, titre in pat.split_fiches(text)]
    return heading_titles(text)  # fiche-form headings and numbered hierarchy values


def is_structure(text: str) -> bool:
    """Cells the builder consumes as structure rather than copying into a record."""
    stripped = text.strip()
    folded = fold(stripped)
    return bool(
        pat.thematique_of_heading(stripped)
        or pat.bare_number(stripped) is not None
        or pat.parse_oo_refs(stripped) is not None
        or pat.match_annexes(stripped) is not None
        or is_separator(stripped)  # a separator's cell in a row of text (a whole row is set aside)
        or folded.startswith(STRUCTURAL_WORDS)
        or (len(folded) <= 90 and canonical_header(stripped) is not None)
        or label_field(stripped) is not None  # a fiche-form label (`Structure pilote`)
    )


def found_in_plan(text: str, plan_text: PlanText) -> bool:
    if plan_text.contains(text):
        return True
    parts = split_marker_cell(text)
    if parts != [text]:  # a cell of several markers, read by the builder one part each
        return all(found_in_plan(part, plan_text) for part in parts)
    titles = _titles(text)
    if titles is not None and all(plan_text.contains(t) for t in titles):
        return True
    labelled = pat.match_numbered_label(text)  # record tables: `Axe 1. …`, `Objectif stratégique 2. …`
    if labelled is not None and labelled.titre and plan_text.contains(labelled.titre):
        return True
    if "\n" in text and all(plan_text.contains(part) or is_structure(part) for part in text.split("\n")):
        return True  # a multi-paragraph cell split by the builder (title + subtitle…)
    return is_structure(text)


def cells_of(documents: Iterable[ExtractedDocument]) -> Iterable[tuple[SourceRow, CellRef]]:
    for document in documents:
        for row in document.rows + [aside.row for aside in document.set_aside]:
            p = row.provenance
            for index, text in row.non_empty:
                yield row, CellRef(p.document, p.line, p.page, index, text)


def _listed_index(plan: Plan) -> dict[tuple[str | None, int | None, int | None], set[str]]:
    listed: dict[tuple[str | None, int | None, int | None], set[str]] = {}
    for anomaly in plan.anomalies:
        listed.setdefault((anomaly.document, anomaly.line, anomaly.page), set()).update(
            norm(c) for c in anomaly.cells)
    return listed


def audit(plan: Plan, documents: Sequence[ExtractedDocument]) -> Audit:
    """Check that every non-empty cell of `documents` is found in `plan` or listed at its row."""
    plan_text = PlanText(plan)
    listed = _listed_index(plan)
    result = Audit(
        declared_total=sum(d.non_empty_cells for d in plan.documents),
        declared_placed=sum(d.placed_cells for d in plan.documents),
    )
    for _, cell in cells_of(documents):
        result.total += 1
        if found_in_plan(cell.text, plan_text):
            result.found += 1
        elif norm(cell.text) in listed.get((cell.document, cell.line, cell.page), ()):
            result.listed += 1
        else:
            result.unaccounted.append(cell)
    return result


@dataclass
class LedgerAudit:
    """The ledger checked cell by cell against the plan built from one document."""

    placed: int
    unplaced: int
    placed_not_found: list[CellRef]  # counted as placed, but nowhere in the plan: dishonest
    unplaced_not_listed: list[CellRef]  # not placed and not listed at their row: dropped silently

    @property
    def honest(self) -> bool:
        return not self.placed_not_found and not self.unplaced_not_listed


def audit_ledger(document: ExtractedDocument) -> LedgerAudit:
    """Build `document` alone, then check every cell the ledger counted."""
    built = build_document(document)
    plan = Plan(documents=[built.source], thematiques=built.thematiques, fiches=built.fiches,
                corrections=built.corrections, anomalies=built.anomalies)
    plan_text = PlanText(plan)
    listed = _listed_index(plan)
    ledger = built.ledger
    assert ledger is not None
    placed_not_found: list[CellRef] = []
    unplaced_not_listed: list[CellRef] = []
    placed = unplaced = 0
    for row, cell in cells_of([document]):
        if ledger.is_placed(row, cell.column):
            placed += 1
            if not found_in_plan(cell.text, plan_text):
                placed_not_found.append(cell)
        else:
            unplaced += 1
            if norm(cell.text) not in listed.get((cell.document, cell.line, cell.page), ()):
                unplaced_not_listed.append(cell)
    return LedgerAudit(placed, unplaced, placed_not_found, unplaced_not_listed)
