"""Crosswalk between the two documents: summary fiche ↔ detail action, one to one.

They number differently (enfance: detail 1..88, summary 1..93), so a pair is judged on
three things: title similarity (rapidfuzz token_set_ratio on folded text, stop words out),
the number, and the place (same axe, same OI). Candidate pairs are taken greedily, best
score first (ties: nearer in print order, then ids, so the result is deterministic); a pair
needs a title alike (≥ 70), or a title half alike with the same number and axe, or — for a
detail row whose title was not printed — the same number and axe.

Then: `fiche_priorisation` on the action, `action_id` on the fiche, and the titles the
detail document lost (jeunesse 2, 4, 7) filled from the fiche. Every change is logged;
fiches and actions left without a partner are reported (`crosswalk_unmatched`, info).
"""

from __future__ import annotations

from dataclasses import dataclass

from pgt.normalize import CorrectionLog
from pgt.normalize.similarity import similarity
from pgt.normalize.typos import fix_text
from pgt.schema import Action, Anomaly, Fiche, Plan

RULE = "crosswalk"
RULE_TITLE = "title_from_summary"
TITLE_ALIKE = 70.0
TITLE_HALF = 50.0


@dataclass(frozen=True)
class Placed:
    action: Action
    axe: int | None  # None: under no axe
    oi: int | None
    rank: float  # position in the thématique, 0..1


@dataclass(frozen=True)
class Candidate:
    score: float
    distance: float
    fiche: Fiche
    placed: Placed


def pair_score(fiche: Fiche, placed: Placed, fiche_rank: float) -> Candidate | None:
    """The pair's score, or None when the evidence is not enough."""
    action = placed.action
    same_number = fiche.numero is not None and fiche.numero == action.numero
    same_axe = fiche.axe is not None and fiche.axe == placed.axe
    same_oi = fiche.oi is not None and fiche.oi == placed.oi
    titre = similarity(fiche.titre, action.titre)
    if action.titre is None:
        # nothing to compare but the number and the axe (the OI may differ between documents)
        accepted = same_number and same_axe
        titre = 60.0 if accepted else 0.0
    else:
        accepted = titre >= TITLE_ALIKE or (titre >= TITLE_HALF and same_number and same_axe)
    if not accepted:
        return None
    score = titre + 10 * same_number + 5 * same_axe + 5 * same_oi
    return Candidate(score, abs(fiche_rank - placed.rank), fiche, placed)


def match(fiches: list[Fiche], placed: list[Placed]) -> list[Candidate]:
    """One-to-one pairs, greedily by score."""
    candidates = []
    for index, fiche in enumerate(fiches):
        rank = index / max(1, len(fiches) - 1)
        for item in placed:
            candidate = pair_score(fiche, item, rank)
            if candidate is not None:
                candidates.append(candidate)
    candidates.sort(key=lambda c: (-c.score, c.distance, c.placed.action.id, c.fiche.id))
    taken_fiches: set[str] = set()
    taken_actions: set[str] = set()
    pairs = []
    for candidate in candidates:
        if candidate.fiche.id in taken_fiches or candidate.placed.action.id in taken_actions:
            continue
        taken_fiches.add(candidate.fiche.id)
        taken_actions.add(candidate.placed.action.id)
        pairs.append(candidate)
    return sorted(pairs, key=lambda c: c.placed.rank)


def crosswalk_rule(plan: Plan, log: CorrectionLog) -> None:
    if not plan.fiches:
        return
    for thematique in plan.thematiques:
        code = thematique.code
        fiches = [f for f in plan.fiches if f.thematique == code]
        actions = [(axe, oi, a) for t, axe, oi, a in plan.walk_actions() if t is thematique]
        placed = [Placed(a, axe.numero if axe else None, oi.numero if oi else None, i / max(1, len(actions) - 1))
                  for i, (axe, oi, a) in enumerate(actions)]
        if not fiches or not placed:
            continue
        pairs = match(fiches, placed)
        for pair in pairs:
            _link(pair.fiche, pair.placed.action, log)
        _report_unmatched(plan, code, fiches, placed, pairs)


def _link(fiche: Fiche, action: Action, log: CorrectionLog) -> None:
    if fiche.action_id != action.id:
        log.record(fiche.id, "action_id", fiche.action_id, action.id, RULE)
        fiche.action_id = action.id
    if fiche.numero is not None and action.fiche_priorisation != fiche.numero:
        log.record(action.id, "fiche_priorisation", action.fiche_priorisation, fiche.numero, RULE)
        action.fiche_priorisation = fiche.numero
    if action.titre is None and fiche.titre:
        titre, fixes = fix_text(fiche.titre)
        log.record(action.id, "titre", None, fiche.titre, RULE_TITLE)
        for fix in fixes:
            log.record(action.id, "titre", fix.before, fix.after, fix.rule)
        action.titre = titre


def _report_unmatched(plan: Plan, code: str, fiches: list[Fiche], placed: list[Placed],
                      pairs: list[Candidate]) -> None:
    linked_fiches = {p.fiche.id for p in pairs}
    linked_actions = {p.placed.action.id for p in pairs}
    for fiche in fiches:
        if fiche.id not in linked_fiches:
            plan.anomalies.append(Anomaly(
                code="crosswalk_unmatched", severity="info", record_id=fiche.id,
                document=fiche.provenance.document, line=fiche.provenance.line, page=fiche.provenance.page,
                message=f"{code}: summary fiche {fiche.numero or ''} « {fiche.titre} » has no detail action", cells=[]))
    for item in placed:
        if item.action.id not in linked_actions:
            provenance = item.action.provenance
            plan.anomalies.append(Anomaly(
                code="crosswalk_unmatched", severity="info", record_id=item.action.id,
                document=provenance.document, line=provenance.line, page=provenance.page,
                message=f"{code}: detail action {item.action.numero or ''} « {item.action.titre} » has no summary fiche",
                cells=[]))
