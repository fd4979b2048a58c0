"""`pgt diff`: a modified copy of the detail document gives exactly the changes made."""

from __future__ import annotations

import json

import pytest
from helpers import DETAIL, RAW
from typer.testing import CliRunner

from pgt.cli import app
from pgt.diff import change_tuples, diff_plans, diff_sources, load_plan

NEW_ROW = ("24. Créer un groupe de travail sur l'accueil d'urgence.\t1\tRPE\tFamilles\t2025\tCAF des Landes"
           "\t\t\t\tnombre de réunions")


def index_of(lines, prefix):
    [index] = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    return index


def modified_copy(tmp_path, *edits):
    lines = DETAIL.read_text(encoding="utf-8").split("\n")
    for edit in edits:
        edit(lines)
    path = tmp_path / "new" / DETAIL.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def delete_action_5(lines):
    del lines[index_of(lines, "5. Organiser un partenariat avec Pôle Emploi")]


def edit_porteur_of_3(lines):
    index = index_of(lines, "3. Intégrer la future crèche")
    assert "\tDirection Pôle Petite Enfance et RPE\t" in lines[index]
    lines[index] = lines[index].replace("\tDirection Pôle Petite Enfance et RPE\t", "\tRPE\t")


def renumber_jeunesse_61(lines):
    index = index_of(lines, "61. Création de liaisons douces")
    lines[index] = "62." + lines[index][3:]


def move_action_8_under_oi_2(lines):
    row = lines.pop(index_of(lines, "8. Obtenir le bonus mixité sociale"))
    lines.insert(index_of(lines, "7. Élaborer une cartographie") + 1, row)


def add_action_24(lines):
    lines.insert(index_of(lines, "23. Réaliser un audit") + 1, NEW_ROW)


def swap_numbers_1_and_2(lines):
    first, second = index_of(lines, "1. Maintenir ou augmenter"), index_of(lines, "2. Maintenir l'offre")
    lines[first], lines[second] = "2." + lines[first][2:], "1." + lines[second][2:]


@pytest.fixture(scope="module")
def old_plan():
    return load_plan(DETAIL)


def test_each_kind_of_change_exactly(tmp_path, old_plan):
    new = modified_copy(tmp_path, renumber_jeunesse_61, add_action_24, move_action_8_under_oi_2,
                        edit_porteur_of_3, delete_action_5)
    result = diff_plans(old_plan, load_plan(new))
    assert change_tuples(result.changes) == [
        ("removed", "petite_enfance-1-1-5", None, None, None),
        ("added", "petite_enfance-4-1-24", None, None, None),
        ("renumbered", "jeunesse-4-3-62", "numero", 61, 62),
        ("moved", "petite_enfance-1-2-8", "place", "axe 1 / OI 3 / OO 1", "axe 1 / OI 2 / OO 1"),
        ("changed", "petite_enfance-1-1-3", "porteur", "Direction Pôle Petite Enfance et RPE", "RPE"),
    ]
    renumbered = result.changes[2]
    assert renumbered.old_id == "jeunesse-4-3-61" and renumbered.titre.startswith("Création de liaisons douces")
    assert result.changes[0].titre.startswith("Organiser un partenariat avec Pôle Emploi")
    assert result.counts == {"removed": 1, "added": 1, "renumbered": 1, "moved": 1, "changed": 1, "typo": 0}
    assert result.new_actions == result.old_actions == len(old_plan.all_actions())  # one removed, one added


def test_swapped_numbers_are_two_renumbered_actions(tmp_path, old_plan):
    result = diff_plans(old_plan, load_plan(modified_copy(tmp_path, swap_numbers_1_and_2)))
    assert change_tuples(result.changes) == [
        ("renumbered", "petite_enfance-1-1-1", "numero", 2, 1),
        ("renumbered", "petite_enfance-1-1-2", "numero", 1, 2),
    ]


def test_unnumbered_action_with_an_edited_title_keeps_its_pairing(tmp_path, old_plan):
    def reword_cafe(lines):
        index = next(i for i, line in enumerate(lines) if "Cafés partenariats" in line)
        lines[index] = lines[index].replace("Cafés partenariats", "Cafés partenaires", 1)

    new_plan = load_plan(modified_copy(tmp_path, reword_cafe))
    [change] = diff_plans(old_plan, new_plan).changes
    # cohésion sociale ids are title slugs: the id may change, the action is still the same
    assert (change.kind, change.field, change.thematique) == ("changed", "titre", "cohesion_sociale")
    assert "Cafés partenariats" in change.before and "Cafés partenaires" in change.after


def test_cli_text_json_and_fail_on_change(tmp_path):
    new = modified_copy(tmp_path, edit_porteur_of_3, delete_action_5)
    report = tmp_path / "changes.json"
    runner = CliRunner()
    result = runner.invoke(app, ["diff", str(DETAIL), str(new), "--json", str(report)])
    assert result.exit_code == 0, result.output
    assert "- removed    petite_enfance-1-1-5" in result.output
    assert '~ changed    petite_enfance-1-1-3  porteur: "Direction Pôle Petite Enfance et RPE" → "RPE"' in result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["counts"] == {"removed": 1, "added": 0, "renumbered": 0, "moved": 0, "changed": 1, "typo": 0}
    assert data["changes"][1] == {"kind": "changed", "thematique": "petite_enfance", "id": "petite_enfance-1-1-3",
                                  "old_id": None, "field": "porteur", "before": "Direction Pôle Petite Enfance et RPE",
                                  "after": "RPE", "titre": data["changes"][1]["titre"], "level": "action"}
    assert runner.invoke(app, ["diff", str(DETAIL), str(new), "--fail-on-change", "-q"]).exit_code == 1


def test_documents_against_their_output_folder_is_no_change(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["convert", str(RAW), "-o", str(tmp_path / "out"), "-q"]).exit_code == 0
    result = runner.invoke(app, ["diff", str(RAW), str(tmp_path / "out"), "--fail-on-change"])
    assert result.exit_code == 0, result.output
    assert "no change" in result.output
    # plan.json itself is accepted too
    assert not diff_sources(tmp_path / "out" / "plan.json", RAW).changed


def test_diff_input_errors_keep_their_codes(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["diff", str(tmp_path / "nope"), str(RAW)]).exit_code == 3
    broken = tmp_path / "plan.json"
    broken.write_text('{"thematiques": 3}', encoding="utf-8")
    result = runner.invoke(app, ["diff", str(broken), str(RAW)])
    assert result.exit_code == 4 and "not a plan.json written by pgt" in result.output


def test_other_oo_is_a_move_with_the_same_id(tmp_path, old_plan):
    def oo_3_for_action_2(lines):
        index = index_of(lines, "2. Maintenir l'offre d'accueil familial")
        title, oo, rest = lines[index].split("\t", 2)
        assert oo == "2"
        lines[index] = "\t".join([title, "3", rest])

    result = diff_plans(old_plan, load_plan(modified_copy(tmp_path, oo_3_for_action_2)))
    assert change_tuples(result.changes) == [
        ("moved", "petite_enfance-1-1-2", "place", "axe 1 / OI 1 / OO 2", "axe 1 / OI 1 / OO 3")]
    assert result.changes[0].old_id is None


def test_regression_same_budget_printed_otherwise_is_no_change():
    # a workbook's budget written `73500` in one version and `73 500 €` in the next was
    # reported as a change of budget_texte although the amount is the same
    from pgt.diff import Placed, compare
    from pgt.schema import Action, Provenance

    def placed(text: str, amount: float) -> Placed:
        action = Action(id="plan-1-1-1", numero=1, titre="Guichet", budget=amount, budget_texte=text,
                        provenance=Provenance(document="a.xlsx"))
        return Placed(action, "plan", 1, 1)

    assert compare(placed("73500", 73500.0), placed("73 500 €", 73500.0)) == []
    assert [c.field for c in compare(placed("73500", 73500.0), placed("80 000 €", 80000.0))] == \
        ["budget", "budget_texte"]
