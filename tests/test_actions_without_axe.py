"""The shared model change of issue 12: actions placed under no axe (`Thematique.actions`),
followed by every consumer (CSV tables, datapackage, report, check, diff, ids)."""

from __future__ import annotations

import csv
import io

import frictionless

from pgt.check import Expectations, evaluate
from pgt.diff import diff_plans
from pgt.schema import Action, Axe, Plan, Provenance, Thematique
from pgt.structure.ids import action_id
from pgt.write import render_outputs
from pgt.write.report import render_report


def _plan(titles: list[str], with_axe: bool = True) -> Plan:
    actions = [Action(id=action_id("mobilite", None, None, n, t), numero=n, titre=t, porteur="CCNS",
                      provenance=Provenance(document="plan.xlsx", sheet="Fichier dimport", cell=f"D{3 + n}"))
               for n, t in enumerate(titles, start=1)]
    axes = [Axe(numero=1, titre="Se déplacer autrement", actions=[
        Action(id="mobilite-1-4", numero=4, titre="Covoiturage", provenance=Provenance(document="plan.xlsx"))])]
    return Plan(thematiques=[Thematique(code="mobilite", titre="Mobilité", axes=axes if with_axe else [],
                                        actions=actions)])


def test_actions_without_axe_in_walk_ids_and_tables(tmp_path):
    plan = Plan.model_validate(_plan(["Plan vélo", "Schéma cyclable"]).model_dump())
    placed = [(t.code, axe.numero if axe else None, a.id) for t, axe, _, a in plan.walk_actions()]
    assert placed == [("mobilite", 1, "mobilite-1-4"), ("mobilite", None, "mobilite-1"), ("mobilite", None, "mobilite-2")]
    assert action_id("mobilite", None, None, None, "Plan de mobilité simplifié") == "mobilite-plan-mobilite-simplifie"
    files = render_outputs(plan)
    rows = list(csv.DictReader(io.StringIO(files["actions.csv"])))
    loose = [r for r in rows if r["id"] == "mobilite-2"][0]
    assert loose["axe"] == "" and loose["axe_titre"] == "" and loose["titre"] == "Schéma cyclable"
    assert loose["source_sheet"] == "Fichier dimport" and loose["source_cell"] == "D5"
    for name, content in files.items():
        (tmp_path / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]
    html = render_report(plan)
    assert "Sans axe" in html and "Schéma cyclable" in html and "plan.xlsx, Fichier dimport!D5" in html


def test_check_and_diff_follow_actions_without_axe():
    old, new = _plan(["Plan vélo", "Schéma cyclable"]), _plan(["Plan vélo", "Schéma cyclable", "Autopartage"])
    outcomes = evaluate(new, Expectations(min_actions={"mobilite": 4}, numbering_without_gaps=True))
    assert all(o.passed for o in outcomes), [(o.name, o.message) for o in outcomes]
    assert not [o for o in evaluate(new, Expectations(min_actions={"mobilite": 5})) if o.name.startswith("min")][0].passed
    changes = diff_plans(old, new).changes
    assert [(c.kind, c.id) for c in changes] == [("added", "mobilite-3")]
    moved = diff_plans(_plan(["Plan vélo"], with_axe=True), _plan(["Plan vélo"], with_axe=False)).changes
    assert sorted((c.level, c.kind, c.id) for c in moved) == [("action", "removed", "mobilite-1-4"),
                                                               ("axe", "removed", "mobilite-1")]
