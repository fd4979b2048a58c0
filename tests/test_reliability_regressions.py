"""Regression tests for crashes found by the reliability work (issue #6), named after them."""

from __future__ import annotations

from pgt.accounting import audit
from pgt.pipeline import convert

HEADER = ("ACTIONS\tOO\tPORTEUR DE PROJETS\tPUBLIC VISE\tECHEANCES DE REALISATION\tPARTENAIRES\tHUMAINS\t"
          "TECHNIQUES\tFINANCIERS\tINDICATEURS EVALUATION")


def test_block_printed_three_times_crashed_the_duplicate_merge(tmp_path):
    """The same actions printed under three OI of one axe (the stress plan does it): the
    duplicate merge paired OI 1–2, 1–3 and 2–3, removed the same copy twice and crashed
    (ValueError, exit 70). Now each action is kept once."""
    parts = ["THEMATIQUE ENFANCE", "", "AXE STRATEGIQUE III : Axe", ""]
    for oi in (1, 2, 3):
        parts += [f"OBJECTIF INTERMEDIAIRE {oi}", f"Titre {oi}", "", "OBJECTIFS OPERATIONNELS\t1\tOO1. Un objectif\t",
                  HEADER,
                  "69. Pérennisation du CLAS\t1\tPôle Education\tEnfants\t2023\tCAF\t\t\t\tNombre d'enfants",
                  "70. Etudes surveillées\t1\tPôle Education\tEnfants\t2023\tCAF\t\t\t\tNombre d'enfants", ""]
    path = tmp_path / "triple.txt"
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    result = convert([path])
    numbers = sorted(a.numero for a in result.plan.all_actions())
    assert numbers == [69, 70]
    assert audit(result.plan, result.documents).unaccounted == []
