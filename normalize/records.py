"""Walking the plan's records for the rules: every action and offer with the id the
corrections log and the CSV tables give it (an offer is `<action id>-o<rank>`)."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources

from pgt.schema import Action, Offre, Plan

Record = Action | Offre


def records(plan: Plan) -> Iterator[tuple[str, Record]]:
    """(record id, record) for every action, then its offers, in plan order."""
    for _, _, _, action in plan.walk_actions():
        yield action.id, action
        for rank, offre in enumerate(action.offres, start=1):
            yield f"{action.id}-o{rank}", offre


def data_lines(name: str) -> list[str]:
    """Lines of a data file of `normalize/data/`, comments (`#`) and blank lines dropped."""
    text = resources.files("pgt.normalize").joinpath("data", name).read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            lines.append(line)
    return lines
