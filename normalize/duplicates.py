"""Duplicate reconciliation: a block of actions printed twice becomes one action each.

Evidence for a duplicate: same thématique and axe, same number, titles alike (≥ 90), in two
different OI (enfance axe III prints CLAS, études surveillées, PRE, TPS and espace famille
under OI 1 and again, shifted, under OI 2). For each block:
- the *better-aligned* copy gives the fields: the other copy is shifted when its rows carry
  the fields of the action before (row k of one copy = row k-1 of the other); failing that,
  the copy whose offer libellés share more words with their action's title;
- the *target OI* is the one the summary fiche of the action points to (title ≥ 80 in the
  same axe), else the one the block's other fiches point to, else (no summary) the OI in
  whose OO table one of the block's titles is printed, else the aligned copy's;
- OO numbers are kept as printed: those of the aligned copy (they come with its fields),
  else of the copy under the target OI, else the fiche's; an OO the target OI lacks is
  added, with its summary title when the summary has one.
The kept action takes the id it has (or would have) under the target OI; the other copy is
removed; the merge is logged (corrections + a `duplicate_merged` anomaly). Actions that
share words but lack this evidence (the CLAS of enfance, jeunesse and parentalité; equal
titles with other numbers) are left alone and reported as `duplicate_not_merged`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pgt.normalize.log import CorrectionLog
from pgt.normalize.fields import known_acronyms
from pgt.normalize.hierarchy import summary_oo_title
from pgt.settings.headers import fold
from pgt.normalize.similarity import STOP_WORDS, containment, similarity
from pgt.schema import Action, Anomaly, Axe, Fiche, ObjectifIntermediaire, ObjectifOperationnel, Plan, Thematique

RULE = "duplicate_merge"
# thresholds: the profile's `[thresholds] duplicates_*` (settings/data/default.toml)
_FIELDS = ("porteur", "public_vise", "echeances", "annee_debut", "annee_fin", "partenaires", "moyens_humains",
           "moyens_techniques", "moyens_financiers", "parcours", "indicateurs")


@dataclass
class Copy:
    """An action and the OI it is printed under."""
    oi: ObjectifIntermediaire
    action: Action


@dataclass
class Pair:
    """Two copies of one action, in the order printed."""
    first: Copy  # in the OI printed first
    second: Copy


def merge_duplicates_rule(plan: Plan, log: CorrectionLog) -> None:
    for thematique in plan.thematiques:
        for axe in thematique.axes:
            for block in _blocks(axe, log.profile.thresholds.duplicates_same_title):
                _merge_block(plan, thematique, axe, block, log)
    _report_not_merged(plan)


# ---- finding blocks -------------------------------------------------------------------------
def _blocks(axe: Axe, same_title: float) -> list[list[Pair]]:
    """Pairs of copies, grouped by the two OI they sit in (in print order)."""
    blocks: dict[tuple[int, int], list[Pair]] = {}
    ois = axe.objectifs_intermediaires
    by_number = [_by_number(oi.actions) for oi in ois]  # an action is compared with those of its number only
    for i, first_oi in enumerate(ois):
        for second_oi, numbered in zip(ois[i + 1:], by_number[i + 1:]):
            for a in first_oi.actions:
                if a.numero is None:
                    continue
                for b in numbered.get(a.numero, ()):
                    if similarity(a.titre, b.titre) >= same_title:
                        blocks.setdefault((first_oi.numero, second_oi.numero), []).append(
                            Pair(Copy(first_oi, a), Copy(second_oi, b)))
    return [sorted(pairs, key=lambda p: p.first.action.numero or 0) for _, pairs in sorted(blocks.items())]


def _by_number(actions: list[Action]) -> dict[int, list[Action]]:
    """The numbered actions by number, in print order."""
    found: dict[int, list[Action]] = {}
    for action in actions:
        if action.numero is not None:
            found.setdefault(action.numero, []).append(action)
    return found


# ---- deciding -----------------------------------------------------------------------------
def _signature(action: Action) -> tuple:
    return (action.porteur, action.public_vise, tuple(action.partenaires), action.moyens_financiers)


def _shifted(copies: list[Action], others: list[Action]) -> int:
    """How many rows of `copies` carry the fields of the row before in `others`."""
    return sum(1 for k in range(1, len(copies))
               if any(_signature(copies[k])) and _signature(copies[k]) == _signature(others[k - 1]))


def _offer_alignment(actions: list[Action]) -> float:
    return sum(max((containment(o.libelle, a.titre) for o in a.offres), default=0.0) for a in actions)


def _aligned_side(block: list[Pair]) -> str:
    """'first' or 'second': the copy whose fields belong to their own rows."""
    firsts = [p.first.action for p in block]
    seconds = [p.second.action for p in block]
    shift_first, shift_second = _shifted(firsts, seconds), _shifted(seconds, firsts)
    if shift_first != shift_second:
        return "second" if shift_first > shift_second else "first"
    if (a := _offer_alignment(firsts)) != (b := _offer_alignment(seconds)):
        return "first" if a > b else "second"
    filled = [sum(bool(getattr(x, f)) for x in actions for f in _FIELDS) for actions in (firsts, seconds)]
    return "second" if filled[1] > filled[0] else "first"


def best_fiche(plan: Plan, thematique: str, axe: int | None, titre: str | None,
               threshold: float) -> Fiche | None:
    """The summary fiche of the same thématique (and axe) whose title is most alike."""
    return _most_alike([f for f in plan.fiches if f.thematique == thematique and (axe is None or f.axe in (None, axe))],
                       titre, threshold)


def _most_alike(fiches: list[Fiche], titre: str | None, threshold: float) -> Fiche | None:
    scored = [(similarity(titre, f.titre), f.id, f) for f in fiches]
    scored = [s for s in scored if s[0] >= threshold]
    return min(scored, key=lambda s: (-s[0], s[1]))[2] if scored else None  # ties: the first id


def _merge_block(plan: Plan, thematique: Thematique, axe: Axe, block: list[Pair], log: CorrectionLog) -> list[str]:
    code = thematique.code
    side = _aligned_side(block)
    # best_fiche of each pair, the thématique's fiches of the axe found once for the block
    of_axe = [f for f in plan.fiches if f.thematique == code and (axe.numero is None or f.axe in (None, axe.numero))]
    fiches = {id(p): _most_alike(of_axe, p.first.action.titre, log.profile.thresholds.duplicates_fiche_evidence)
              for p in block}
    votes = Counter(f.oi for f in fiches.values() if f is not None and f.oi is not None)
    if not votes:
        # no summary: the detail document's own evidence, an action title printed in an OI's
        # OO table (enfance 69 in OI 2's), says which OI the block belongs to
        in_oo_table = {a.record_id for a in plan.anomalies if a.code == "action_in_oo_table"}
        votes = Counter(c.oi.numero for p in block for c in (p.first, p.second) if c.action.id in in_oo_table)
    block_oi = max(votes.items(), key=lambda v: (v[1], -v[0]))[0] if votes else None
    kept_ids = []
    for pair in block:
        if not all(any(a is c.action for a in c.oi.actions) for c in (pair.first, pair.second)):
            continue  # a block printed three times: this copy was merged by an earlier pair
        lines = (pair.first.action.provenance.line, pair.second.action.provenance.line)
        aligned, other = (pair.first, pair.second) if side == "first" else (pair.second, pair.first)
        fiche = fiches[id(pair)]
        target_numero = fiche.oi if fiche is not None and fiche.oi else block_oi or aligned.oi.numero
        target = next((c for c in (pair.first, pair.second) if c.oi.numero == target_numero), None)
        if target is None:  # the summary points to a third OI: leave both, report
            plan.anomalies.append(_anomaly("duplicate_not_merged", pair, f"the summary puts it under OI {target_numero}, "
                                           "where neither copy is", code))
            continue
        kept = _merge_pair(aligned, other, target, fiche, log)
        _ensure_oo(thematique, axe, target.oi, kept, log)
        kept_ids.append(kept.id)
        plan.anomalies.append(Anomaly(
            code="duplicate_merged", severity="info", record_id=kept.id,
            document=kept.provenance.document, line=kept.provenance.line,
            message=(f"action {kept.numero} printed under OI {pair.first.oi.numero} (line {lines[0]}) "
                     f"and OI {pair.second.oi.numero} (line {lines[1]}): one action under OI "
                     f"{target.oi.numero}, fields from the copy under OI {aligned.oi.numero}"
                     + (f", summary fiche {fiche.numero}" if fiche is not None else "")),
            cells=[pair.first.action.id, pair.second.action.id]))
    return kept_ids


def _merge_pair(aligned: Copy, other: Copy, target: Copy, fiche: Fiche | None, log: CorrectionLog) -> Action:
    """One action under the target OI, with the aligned copy's fields; the other removed."""
    kept = target.action
    removed = other if target is aligned else aligned
    source = aligned.action
    if kept is not source:
        for field in (*_FIELDS, "titre", "fiches_liees"):
            before, after = getattr(kept, field), getattr(source, field)
            if before != after:
                log.record(kept.id, field, before, after, RULE)
                setattr(kept, field, after)
        if [o.libelle for o in kept.offres] != [o.libelle for o in source.offres]:
            log.record(kept.id, "offres", [o.libelle for o in kept.offres], [o.libelle for o in source.offres], RULE)
        kept.offres = source.offres
        kept.provenance = source.provenance
    # the OO numbers as printed, with the fields they were printed with; the summary's only
    # when the detail prints none (a merge used to replace the printed numbers by the fiche's)
    oo = sorted(set(source.oo or target.action.oo or (fiche.oo if fiche is not None else [])))
    if oo != kept.oo:
        log.record(kept.id, "oo", kept.oo, oo, RULE)
        kept.oo = oo
    removed.oi.actions.remove(removed.action)
    log.record(kept.id, "duplicate", removed.action.id, kept.id, RULE)
    return kept


def _ensure_oo(thematique: Thematique, axe: Axe, oi: ObjectifIntermediaire, action: Action, log: CorrectionLog) -> None:
    """OO references must stay valid after a move: add what the target OI lacks."""
    known = {o.numero for o in oi.objectifs_operationnels}
    for numero in action.oo:
        if numero in known:
            continue
        titre = summary_oo_title(log.summary, thematique.code, axe.numero, oi.numero, numero)
        oi.objectifs_operationnels.append(ObjectifOperationnel(numero=numero, titre=titre))
        oi.objectifs_operationnels.sort(key=lambda o: o.numero)
        log.record(f"{thematique.code}-{axe.numero}-{oi.numero}-oo{numero}", "titre", None, titre or "",
                   "oo_added_for_merge")
        known.add(numero)


# ---- reporting what is not merged ----------------------------------------------------------
_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")


def _report_not_merged(plan: Plan) -> None:
    """Same words, no evidence: equal titles with different numbers or places, and actions
    named by the same acronym (CLAS) in several thématiques."""
    actions = [(t.code, a) for t in plan.thematiques for a in t.all_actions() if a.titre]
    groups: dict[str, list[Action]] = {}
    for code, action in actions:
        groups.setdefault("title:" + " ".join(sorted(set(fold(action.titre).split()))), []).append(action)
    acronyms = known_acronyms()
    by_acronym: dict[str, list[tuple[str, Action]]] = {}
    for code, action in actions:
        # an acronym among the first words names what the action is (`Pérennisation du CLAS`,
        # `CLAS 3 écoles`); further on it only says where or with whom (`… au sein des QPV`)
        opening = " ".join([w for w in (action.titre or "").split() if fold(w) not in STOP_WORDS][:3])
        for word in sorted(set(_ACRONYM.findall(opening))):
            if word in acronyms:
                by_acronym.setdefault(word, []).append((code, action))
    for word, members in sorted(by_acronym.items()):
        if len({code for code, _ in members}) > 1:
            groups["acronym:" + word] = [a for _, a in members]
    for key, members in sorted(groups.items()):
        if len(members) < 2:
            continue
        ids = [a.id for a in members]
        kind, label = key.split(":", 1)
        reason = (f"same words '{label}' in {len(ids)} actions of different thématiques or places"
                  if kind == "acronym" else "equal titles with different numbers or places")
        plan.anomalies.append(Anomaly(
            code="duplicate_not_merged", severity="info", record_id=ids[0],
            message=f"{reason}: kept distinct (no duplicate evidence: same thématique, axe, number and title)",
            cells=ids))


def _anomaly(code: str, pair: Pair, reason: str, thematique: str) -> Anomaly:
    return Anomaly(code=code, severity="warning", record_id=pair.first.action.id,
                   message=f"{thematique}: action {pair.first.action.numero} printed twice; {reason}",
                   cells=[pair.first.action.id, pair.second.action.id])
