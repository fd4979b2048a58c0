"""Walking the plan's records for the rules: every action and offer with the id the
corrections log and the CSV tables give it (an offer is `<action id>-o<rank>`)."""

from __future__ import annotations

from collections.abc import Iterator

from pgt.schema import Action, Offre, Plan

Record = Action | Offre


def records(plan: Plan) -> Iterator[tuple[str, Record]]:
    """(record id, record) for every action, then its offers, in plan order."""
    for _, _, _, action in plan.walk_actions():
        yield action.id, action
        for rank, offre in enumerate(action.offres, start=1):
            yield f"{action.id}-o{rank}", offre
