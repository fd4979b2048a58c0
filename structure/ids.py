"""Stable record ids: from thématique, axe, OI and number, never from row position."""

from __future__ import annotations

import re

from pgt.settings.headers import fold

_STOP_WORDS = {"DE", "DU", "DES", "LA", "LE", "LES", "L", "D", "ET", "A", "AU", "AUX", "EN", "UN", "UNE", "POUR", "SUR", "PAR"}


_LEADING_NOISE = {"ECHELLE", "AGGLOMERATION", "SEIN"}


def slug(text: str, words: int = 5) -> str:
    """Short ascii slug of a title: its first significant words."""
    tokens = [t for t in fold(text).split() if t not in _STOP_WORDS]
    while tokens and tokens[0] in _LEADING_NOISE:  # "A l'échelle de l'Agglomération : …"
        tokens.pop(0)
    return "-".join(tokens[:words]).lower() or "sans-titre"


def action_id(thematique: str, axe: int | None, oi: int | None, numero: int | None, titre: str | None) -> str:
    """`thematique-axe[-oi]-numero` (or a title slug for the number); an action under no axe
    is `thematique-numero` / `thematique-slug`."""
    parts = [thematique] if axe is None else [thematique, str(axe)]
    if oi is not None:
        parts.append(str(oi))
    parts.append(str(numero) if numero is not None else slug(titre or ""))
    return "-".join(parts)


def unique(candidate: str, taken: set[str]) -> str:
    """`candidate`, or `candidate-2`, `-3`… when already taken (exact duplicates in the source)."""
    result, counter = candidate, 1
    while result in taken:
        counter += 1
        result = f"{candidate}-{counter}"
    taken.add(result)
    return result
