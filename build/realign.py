"""Put shifted cells back in their field by what they contain.

A row's cells are laid against the table's field sequence at the offset that best fits
their content (a period is an échéance, `Taux de…/Nombre de…` an indicator, a budget a
financial means…); then a strongly typed cell still in a wrong field moves to its own
field when that field is empty. Every decision is returned, for the anomaly log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pgt.build.patterns import parse_oo_refs

MAX_SHIFT = 2

_PERIOD = re.compile(
    r"\b(19|20)\d\d\b|\bann[ée]e\s+(scolaire|civile)\b|\bsur\s+l.ann[ée]e\b|\bvacances\b|\bmercredis?\b"
    r"|\btrimestre\b|\bsemaine\b|\b(janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre"
    r"|octobre|novembre|d[ée]cembre)\b|\bdur[ée]e du PGT\b|\bp[ée]riode\b|\bfin ann[ée]e\b",
    re.IGNORECASE,
)
_INDICATOR = re.compile(
    r"^(taux|nombres?|fr[ée]quen\w*|bilan|[ée]valuation|effectifs?|augmentation|obtention|mise à jour)\b",
    re.IGNORECASE,
)
_FINANCIAL = re.compile(
    r"\b(budget|dotations?|subventions?|financement|cr[ée]dits|facturation|gratuit|contrat de ville"
    r"|REA+P+|cotation|FSE|ANRU|fonds)\b",
    re.IGNORECASE,
)
_PARCOURS = re.compile(r"^(je |j'|j’)", re.IGNORECASE)
_PUBLIC = re.compile(
    r"\b([ée]l[èe]ves|enfants|familles|parents|jeunes|[ée]tudiants|lyc[ée]ens|coll[ée]giens|public|"
    r"\d+\s*-\s*\d+\s*ans)\b",
    re.IGNORECASE,
)
_HUMAINS = re.compile(
    r"\b([ée]quipes|enseignants|agents|animat|intervenants?|coordinat|r[ée]f[ée]rent|b[ée]n[ée]voles|"
    r"formateurs|recrutement)\b",
    re.IGNORECASE,
)

STRONG_TYPES = ("oo", "echeances", "indicateurs", "parcours")


def cell_type(text: str) -> tuple[str | None, bool]:
    """(field the content suggests, strong?)."""
    stripped = text.strip()
    if parse_oo_refs(stripped) is not None:
        return "oo", True
    if _PARCOURS.match(stripped) and len(stripped) < 120:
        return "parcours", True
    if _INDICATOR.match(stripped):
        return "indicateurs", True
    if _FINANCIAL.search(stripped):
        return "moyens_financiers", False
    if _PERIOD.search(stripped) and len(stripped) < 160:
        return "echeances", True
    if _PUBLIC.search(stripped) and len(stripped) < 120:
        return "public_vise", False
    if _HUMAINS.search(stripped):
        return "moyens_humains", False
    return None, False


def affinity(text: str, target: str) -> float:
    kind, strong = cell_type(text)
    if kind is None:
        return -1.5 if target == "oo" else 0.0  # free text never sits in the OO column
    if kind == target:
        return 2.0 if strong else 1.0
    if target == "oo" or (strong and kind == "oo"):
        return -2.0
    return -1.0 if strong else 0.0


@dataclass
class Placement:
    values: dict[str, str]  # field → cell text
    shift: int  # offset applied to the whole row (0: as printed)
    moves: list[tuple[str, str, str]] = field(default_factory=list)  # (text, from, to)
    overflow: list[tuple[int, str]] = field(default_factory=list)  # cells beyond the fields


def place_cells(cells: list[tuple[int, str]], fields: list[str]) -> Placement:
    """Place `(position, text)` cells (positions relative to the first data column) on
    `fields`, choosing the whole-row shift that fits the contents best, then moving
    strongly typed cells that are still out of place."""
    non_empty = [(pos, text) for pos, text in cells if text.strip()]

    def score(shift: int) -> float:
        total = 0.5 if shift == 0 else -0.25 * abs(shift)
        for pos, text in non_empty:
            index = pos + shift
            total += affinity(text, fields[index]) if 0 <= index < len(fields) else -3.0
        return total

    best = max(range(-MAX_SHIFT, MAX_SHIFT + 1), key=lambda s: (score(s), -abs(s), s == 0))
    placement = Placement(values={}, shift=best)
    for pos, text in non_empty:
        index = pos + best
        if 0 <= index < len(fields):
            placement.values[fields[index]] = text
        else:
            placement.overflow.append((pos, text))
    _move_strong_cells(placement, fields)
    return placement


def _misplaced(text: str, current: str) -> str | None:
    """The field a cell belongs to when it sits in a field it clearly does not fit."""
    kind, strong = cell_type(text)
    if kind is None or kind == current:
        return None
    if strong or current in STRONG_TYPES or current == "moyens_financiers":
        return kind
    return None


def _move_strong_cells(placement: Placement, fields: list[str]) -> None:
    values = placement.values
    for strong_first in (True, False):
        for source in list(values):
            if source in ("titre", "offre"):
                continue
            text = values[source]
            target = _misplaced(text, source)
            if target is None or target not in fields or target in values:
                continue
            if cell_type(text)[1] != strong_first:
                continue
            del values[source]
            values[target] = text
            placement.moves.append((text, source, target))
    for pos, text in list(placement.overflow):
        target = cell_type(text)[0]
        if target in fields and target in values and target not in ("titre", "offre"):
            _make_room(values, fields, target)
        if target not in fields or target in values:
            # a trailing cell past the last column most likely belongs to that column
            target = fields[-1] if fields[-1] not in values else None
        if target is not None:
            values[target] = text
            placement.overflow.remove((pos, text))
            placement.moves.append((text, f"column {pos}", target))


def _make_room(values: dict[str, str], fields: list[str], target: str) -> None:
    """Push an untyped cell out of `target` into the empty field on its left."""
    index = fields.index(target)
    occupant = values[target]
    if index > 0 and cell_type(occupant)[0] is None and fields[index - 1] not in values:
        values[fields[index - 1]] = occupant
        del values[target]
