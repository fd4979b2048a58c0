"""Cell accounting checked from the outside (`pgt.accounting`): every non-empty source cell
is in the plan or listed with its location, and the ledger's `placed_cells` is honest."""

from __future__ import annotations

import pytest
from helpers import DETAIL, RAW, SUMMARY

from pgt.accounting import PlanText, audit, audit_ledger, found_in_plan
from pgt.errors import IncompleteCoverage
from pgt.extract import read_document
from pgt.pipeline import convert


def test_raw_every_cell_found_or_listed():
    result = convert([RAW])
    report = audit(result.plan, result.documents)
    assert report.unaccounted == [], [c.location() for c in report.unaccounted[:10]]
    assert report.total == report.declared_total == 3557
    assert report.found + report.listed == report.total
    # the summary's titles worded otherwise than the detail's are listed (summary_title_differs),
    # so fewer cells are found verbatim than the summary's ledger placed
    assert report.found >= report.declared_placed - report.listed


def test_raw_ledger_is_honest_cell_by_cell():
    for path in (DETAIL, SUMMARY):
        ledger = audit_ledger(read_document(path))
        assert ledger.placed_not_found == [], [c.location() for c in ledger.placed_not_found]
        assert ledger.unplaced_not_listed == [], [c.location() for c in ledger.unplaced_not_listed]


def test_coverage_reported_matches_the_ledger():
    plan = convert([RAW]).plan
    for document in plan.documents:
        assert 0 < document.placed_cells <= document.non_empty_cells
    assert plan.coverage == sum(d.placed_cells for d in plan.documents) / sum(d.non_empty_cells for d in plan.documents)


# ---- regression tests for holes the audit found ------------------------------------------

def test_hole_free_text_in_oo_column_was_counted_placed_but_dropped():
    """Lines 151 and 337 (enfance actions 7 and 68): after realignment a free-text cell sat in
    the OO column; it was counted as placed and silently dropped. Now such a cell is listed at
    its line when it cannot be placed (structure/fiches_actions.py `_placed_values`); either way it is
    in the plan or in the anomalies."""
    result = convert([DETAIL])
    plan_text = PlanText(result.plan)
    for line, start in ((151, "Programmation des animations"), (337, "Socle commun")):
        cell = next(c for r in result.documents[0].rows if r.provenance.line == line for c in r.cells
                    if c.startswith(start))
        listed = any(cell in a.cells for a in result.plan.anomalies if a.line == line and a.code == "unplaced_cells")
        assert found_in_plan(cell, plan_text) or listed, line


def test_hole_summary_titles_dropped_when_the_detail_has_the_node():
    """With both documents, the summary's axes/OI/OO were discarded whenever the detail had
    the thématique: their titles (placed in the summary's ledger) vanished from the plan.
    Titles only the summary has are now filled by the normalizers (fill_from_summary), and a
    title the summary words otherwise is listed at the summary's row."""
    result = convert([RAW])
    plan = result.plan
    jeunesse = plan.thematique("jeunesse")
    oo = next(o for o in jeunesse.axes[2].objectifs_intermediaires[0].objectifs_operationnels if o.numero == 1)
    assert oo.titre  # untitled in the detail, titled from the summary
    differs = [a for a in plan.anomalies if a.code == "summary_title_differs"]
    assert differs and all(a.document == "pgt-priorisation.txt" and a.line and a.cells for a in differs)
    summary_cells = audit(plan, [d for d in result.documents if d.name == "pgt-priorisation.txt"])
    assert summary_cells.unaccounted == []


def test_hole_cell_without_letters_taken_for_the_restated_oi_title(tmp_path):
    """A cell with no letter or digit (an emoji) under an OI whose title has none either
    compared equal once folded (`'' == ''`): it was placed as the OI title restated and lost."""
    text = ("THEMATIQUE ENFANCE\n\nAXE STRATEGIQUE I : Axe\n\nOBJECTIF INTERMEDIAIRE 1\n\u202e\n\n"
            "OBJECTIFS OPERATIONNELS\t1\tOO1. Premier\t\n"
            "ACTIONS\tOO\tPORTEUR DE PROJETS\tPUBLIC VISE\tECHEANCES DE REALISATION\tPARTENAIRES\tHUMAINS\t"
            "TECHNIQUES\tFINANCIERS\tINDICATEURS EVALUATION\n\t\t🇫🇷\t\t\t\t\t\t\t\n")
    path = tmp_path / "emoji.txt"
    path.write_text(text, encoding="utf-8")
    result = convert([path])
    report = audit(result.plan, result.documents)
    assert report.unaccounted == []
    ledger = audit_ledger(result.documents[0])
    assert ledger.honest, (ledger.placed_not_found, ledger.unplaced_not_listed)
    assert any(a.porteur == "🇫🇷" for a in result.plan.all_actions())


def test_hole_number_zero_crashed_the_builder(tmp_path):
    """`0. …`, `OO0`, `AXE STRATEGIQUE IIII`, an OO column of `0`: numbers below 1 made
    records the model refuses — an internal error (exit 70). Now they are read as text."""
    text = ("THEMATIQUE ENFANCE\n\nAXE STRATEGIQUE IIII : Axe\n\nOBJECTIF INTERMEDIAIRE 0\n\n"
            "OBJECTIFS OPERATIONNELS\t0\tOO0. Premier\t\n"
            "ACTIONS\tOO\tPORTEUR DE PROJETS\tPUBLIC VISE\tECHEANCES DE REALISATION\tPARTENAIRES\tHUMAINS\t"
            "TECHNIQUES\tFINANCIERS\tINDICATEURS EVALUATION\n0. Titre\t0 0\tPorteur\t\t\t\t\t\t\t\n"
            "0,0. Liste\t\tPorteur\t\t\t\t\t\t\t\n")
    path = tmp_path / "zero.txt"
    path.write_text(text, encoding="utf-8")
    result = convert([path])
    assert audit(result.plan, result.documents).unaccounted == []


def test_hole_conflicting_oo_title_counted_placed_but_dropped(tmp_path):
    """`OO 1` printed again (after OO 2) in the same OI with another title (what a PDF page break does to
    the summary): the first title is kept, and the second was counted as placed though it is
    nowhere in the plan. Now it is listed (oo_title_conflict) and not counted as placed."""
    text = ("THEMATIQUE ENFANCE\n\nAXE STRATEGIQUE I : Axe\n\nOBJECTIF INTERMEDIAIRE 1\nTitre\n\n"
            "OBJECTIFS OPERATIONNELS\t1\tOO1. Premier objectif\t\n"
            "\t2\tOO2. Deuxième objectif\t\n\t1\tOO1. Un tout autre intitulé\t\n"
            "ACTIONS\tOO\tPORTEUR DE PROJETS\tPUBLIC VISE\tECHEANCES DE REALISATION\tPARTENAIRES\tHUMAINS\t"
            "TECHNIQUES\tFINANCIERS\tINDICATEURS EVALUATION\n1. Action\t1\tPorteur\t\t\t\t\t\t\t\n")
    path = tmp_path / "conflict.txt"
    path.write_text(text, encoding="utf-8")
    result = convert([path])
    ledger = audit_ledger(result.documents[0])
    assert ledger.honest, (ledger.placed_not_found, ledger.unplaced_not_listed)
    conflict = [a for a in result.plan.anomalies if a.code == "oo_title_conflict"]
    assert conflict and conflict[0].cells == ["OO1. Un tout autre intitulé"] and conflict[0].line == 10


# ---- the figure pgt convert reports, and --strict ------------------------------------------

def test_convert_prints_the_coverage_and_strict_fails_below_100_percent(tmp_path):
    from cli_run import assert_one_line_error, run_pgt

    from pgt.errors import ExitCode

    done = run_pgt("convert", RAW, "-o", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    plan = convert([RAW]).plan
    assert f"Coverage: {plan.coverage:.2%} of non-empty source cells placed" in done.stdout
    assert "/3055 cells placed" in done.stdout  # per document: placed/non-empty
    line = assert_one_line_error(run_pgt("convert", RAW, "-o", tmp_path / "strict", "--strict"),
                                 ExitCode.INCOMPLETE_COVERAGE, "not placed")
    unplaced = sum(d.non_empty_cells - d.placed_cells for d in plan.documents)
    assert line.startswith(f"pgt: error: {unplaced} source cell(s) not placed")
    assert not (tmp_path / "strict").exists()  # nothing written


def test_strict_is_an_option_of_convert_not_of_the_cli():
    """--strict lived in the CLI: a library caller of `convert` could not ask for it."""
    with pytest.raises(IncompleteCoverage, match=r"source cell\(s\) not placed \(coverage 9\d\.\d\d%\)"):
        convert([RAW], strict=True)


def test_strict_passes_when_every_cell_is_placed(tmp_path):
    from cli_run import run_pgt

    text = ("THEMATIQUE ENFANCE\n\nAXE STRATEGIQUE I : Axe\n\nOBJECTIF INTERMEDIAIRE 1\nTitre\n\n"
            "OBJECTIFS OPERATIONNELS\t1\tOO1. Premier\t\n"
            "ACTIONS\tOO\tPORTEUR DE PROJETS\tPUBLIC VISE\tECHEANCES DE REALISATION\tPARTENAIRES\tHUMAINS\t"
            "TECHNIQUES\tFINANCIERS\tINDICATEURS EVALUATION\n"
            "1. Titre\t1\tPorteur\tFamilles\t2023\tCAF\tAnimateurs\tSalle\tBudget CAF\tTaux de participation\n")
    path = tmp_path / "complete.txt"
    path.write_text(text, encoding="utf-8")
    done = run_pgt("convert", path, "-o", tmp_path / "out", "--strict")
    assert done.returncode == 0, done.stderr
    assert "Coverage: 100.00%" in done.stdout
