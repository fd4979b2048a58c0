"""Crosswalk between the two documents: summary fiche ↔ detail action, one to one.

They number differently (enfance: detail 1..88, summary 1..93) and the summary often
paraphrases the detail's title, so a pair is judged on title similarity (rapidfuzz
token_set_ratio on folded text, stop words out), the number, the place (same axe, same
OI) and the order of print. Four passes, each on what the previous left:

1. per objective (same axe and OI in both documents), a monotone alignment — pairs keep
   the order of print on both sides, like the realigner's — maximising the pairs' scores
   (a pair needs a title alike, ≥ 70; or half alike, ≥ 50, with the same number and axe;
   or, for a detail row whose title was not printed, the same number and axe);
2. across objectives, the same evidence, greedily best score first (a fiche filed under
   another OI or axe); equal titles go to the first print (a reprinted block);
3. per objective, the fiches and actions still unpaired, when as many on both sides, in
   order of print: their place pairs them though the titles are paraphrases (a reprint of
   an action already paired takes no part);
4. an unpaired fiche whose significant words are in an unpaired action's text (title,
   offers, fields) — a quarter of them (two at least) in the same objective, most of them
   elsewhere in the axe: the summary names what the detail lists.

Each pair has a confidence (0..1) kept on the fiche (`match_confidence`): the title
similarity for passes 1–2, lower for pairs by place (3) and content (4).

Then: `fiche_priorisation` on the action, `action_id` on the fiche, and the titles the
detail document lost (jeunesse 2, 4, 7) filled from the fiche. Every change is logged;
fiches and actions left without a partner are reported (`crosswalk_unmatched`, info).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from pgt.normalize.log import CorrectionLog
from pgt.normalize.similarity import significant, similarity
from pgt.normalize.typos import fix_text
from pgt.schema import Action, Anomaly, Fiche, Plan
from pgt.settings.profile import ThresholdsSection, default_profile

RULE = "crosswalk"
RULE_TITLE = "title_from_summary"
# the thresholds are the profile's `[thresholds] crosswalk_*` (settings/data/default.toml)


@dataclass(frozen=True)
class Placed:
    """An action and where it sits in its thématique."""
    action: Action
    axe: int | None  # None: under no axe
    oi: int | None
    rank: float  # position in the thématique, 0..1


@dataclass(frozen=True)
class Candidate:
    """A fiche and an action the crosswalk may pair, with its scores."""
    score: float
    distance: float
    fiche: Fiche
    placed: Placed
    confidence: float = 0.0
    basis: str = "title"  # title | place | content


def pair_score(fiche: Fiche, placed: Placed, fiche_rank: float,
               limits: ThresholdsSection | None = None, titre: float | None = None) -> Candidate | None:
    """The pair's score, or None when the evidence is not enough (`titre`: the titles'
    similarity, when already measured)."""
    limits = limits or default_profile().thresholds
    action = placed.action
    same_number = fiche.numero is not None and fiche.numero == action.numero
    same_axe = fiche.axe is not None and fiche.axe == placed.axe
    same_oi = fiche.oi is not None and fiche.oi == placed.oi
    if titre is None:
        titre = similarity(fiche.titre, action.titre)
    if action.titre is None:
        # nothing to compare but the number and the axe (the OI may differ between documents)
        accepted = same_number and same_axe
        titre = limits.crosswalk_untitled_score if accepted else 0.0
    else:
        accepted = titre >= limits.crosswalk_title_alike or (titre >= limits.crosswalk_title_half and same_number and same_axe)
    if not accepted:
        return None
    score = titre + 10 * same_number + 5 * same_axe + 5 * same_oi
    return Candidate(score, abs(fiche_rank - placed.rank), fiche, placed, confidence=round(titre / 100, 2))


def match(fiches: list[Fiche], placed: list[Placed], limits: ThresholdsSection | None = None) -> list[Candidate]:
    """One-to-one pairs: by place and order, then title, then place alone, then content
    (`limits`: the profile's thresholds, default the built-in profile's)."""
    limits = limits or default_profile().thresholds
    ranks = {f.id: i / max(1, len(fiches) - 1) for i, f in enumerate(fiches)}
    pairs: list[Candidate] = []
    for group_fiches, group_actions in _by_objective(fiches, placed).values():
        pairs += _monotone(group_fiches, group_actions, ranks, limits)
    pairs += _across_objectives(_free_fiches(fiches, pairs), _free_actions(placed, pairs), ranks, limits)
    reprints = _reprints(placed, pairs)
    for group_fiches, group_actions in _by_objective(_free_fiches(fiches, pairs),
                                                     _free_actions(placed, pairs)).values():
        group_actions = [p for p in group_actions if p.action.id not in reprints]
        if group_fiches and len(group_fiches) == len(group_actions):
            pairs += [Candidate(0.0, abs(ranks[f.id] - p.rank), f, p, limits.crosswalk_place_confidence, "place")
                      for f, p in zip(group_fiches, group_actions)]
    for group_fiches, group_actions in _by_objective(_free_fiches(fiches, pairs),
                                                     _free_actions(placed, pairs)).values():
        pairs += _by_content(group_fiches, group_actions, ranks, limits.crosswalk_objective_content_alike, limits)
    pairs += _by_content(_free_fiches(fiches, pairs), _free_actions(placed, pairs), ranks, limits.crosswalk_content_alike, limits)
    return sorted(pairs, key=lambda c: c.placed.rank)


def _by_objective(fiches: list[Fiche], placed: list[Placed]) -> dict[tuple[int | None, int | None],
                                                                     tuple[list[Fiche], list[Placed]]]:
    groups: dict[tuple[int | None, int | None], tuple[list[Fiche], list[Placed]]] = defaultdict(lambda: ([], []))
    for fiche in fiches:
        groups[(fiche.axe, fiche.oi)][0].append(fiche)
    for item in placed:
        groups[(item.axe, item.oi)][1].append(item)
    return {k: v for k, v in groups.items() if v[0] and v[1]}


def _free_fiches(fiches: list[Fiche], pairs: list[Candidate]) -> list[Fiche]:
    taken = {p.fiche.id for p in pairs}
    return [f for f in fiches if f.id not in taken]


def _free_actions(placed: list[Placed], pairs: list[Candidate]) -> list[Placed]:
    taken = {p.placed.action.id for p in pairs}
    return [p for p in placed if p.action.id not in taken]


def _monotone(fiches: list[Fiche], placed: list[Placed], ranks: dict[str, float],
              limits: ThresholdsSection) -> list[Candidate]:
    """The order-keeping set of pairs with the highest total score (weighted LCS)."""
    n, m = len(fiches), len(placed)
    cell = [[pair_score(f, p, ranks[f.id], limits) for p in placed] for f in fiches]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            options = [best[i + 1][j], best[i][j + 1]]
            if cell[i][j] is not None:
                options.append(cell[i][j].score + best[i + 1][j + 1])  # type: ignore[union-attr]
            best[i][j] = max(options)
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        candidate = cell[i][j]
        if candidate is not None and best[i][j] == candidate.score + best[i + 1][j + 1]:
            pairs.append(candidate)
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _across_objectives(fiches: list[Fiche], placed: list[Placed], ranks: dict[str, float],
                       limits: ThresholdsSection) -> list[Candidate]:
    alike = _TitleAlike(placed, limits)
    candidates = [c for f in fiches for p, titre in alike.actions(f)
                  if (c := pair_score(f, p, ranks[f.id], limits, titre)) is not None]
    # equal scores: the first print (a block printed twice is the same action), then ids
    candidates.sort(key=lambda c: (-c.score, c.placed.rank, c.placed.action.id, c.fiche.id))
    return _one_to_one(candidates)


class _TitleAlike:
    """The actions `pair_score` may accept for a fiche, in their order: those without a title
    of the fiche's number and axe (judged on those alone) and those whose title is at least half alike (below that, no
    pair is accepted). The titles are compared by rapidfuzz in one call per fiche, with the
    same scorer as `similarity`, whose score is then the pair's (tests/test_crosswalk_alignment.py);
    the actions' titles are folded once for all fiches."""

    def __init__(self, placed: list[Placed], limits: ThresholdsSection) -> None:
        self.placed = placed
        self.titled = [i for i, p in enumerate(placed) if p.action.titre is not None]
        # an untitled action is accepted on its number and axe alone: only those of the fiche's
        self.untitled: dict[tuple[object, object], list[int]] = {}
        for i, p in enumerate(placed):
            if p.action.titre is None and p.action.numero is not None and p.axe is not None:
                self.untitled.setdefault((p.action.numero, p.axe), []).append(i)
        self.titles = [significant(placed[i].action.titre) for i in self.titled]
        self.cutoff = min(limits.crosswalk_title_alike, limits.crosswalk_title_half)

    def actions(self, fiche: Fiche) -> list[tuple[Placed, float | None]]:
        """(action, title similarity) of each; None for an untitled action (pair_score's own)."""
        left = significant(fiche.titre)
        scores: dict[int, float] = {}
        if left:
            found = process.extract(left, self.titles, scorer=fuzz.token_set_ratio, score_cutoff=self.cutoff,
                                    limit=None)
            scores = {self.titled[index]: float(score) for _, score, index in found}
        untitled = self.untitled.get((fiche.numero, fiche.axe), []) if fiche.numero is not None else []
        return [(self.placed[i], scores.get(i)) for i in sorted([*untitled, *scores])]


def _one_to_one(candidates: list[Candidate]) -> list[Candidate]:
    taken_fiches: set[str] = set()
    taken_actions: set[str] = set()
    pairs = []
    for candidate in candidates:
        if candidate.fiche.id in taken_fiches or candidate.placed.action.id in taken_actions:
            continue
        taken_fiches.add(candidate.fiche.id)
        taken_actions.add(candidate.placed.action.id)
        pairs.append(candidate)
    return pairs


def _reprints(placed: list[Placed], pairs: list[Candidate]) -> set[str]:
    """Actions whose title is that of a paired action: the same action printed again."""
    paired_titles = {significant(p.placed.action.titre) for p in pairs if p.placed.action.titre}
    paired = {p.placed.action.id for p in pairs}
    return {p.action.id for p in placed
            if p.action.id not in paired and p.action.titre and significant(p.action.titre) in paired_titles}


def _action_text(action: Action) -> set[str]:
    texts = [action.titre, action.porteur, action.public_vise, action.moyens_humains, action.moyens_techniques,
             action.moyens_financiers, *action.partenaires]
    for offre in action.offres:
        texts += [offre.libelle, offre.porteur, offre.public_vise, offre.moyens_humains, offre.moyens_techniques,
                  offre.moyens_financiers, *offre.partenaires]
    return {_stem(w) for text in texts for w in significant(text).split()}


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "SX" else word


def _by_content(fiches: list[Fiche], placed: list[Placed], ranks: dict[str, float],
                threshold: float, limits: ThresholdsSection) -> list[Candidate]:
    candidates = []
    texts = {p.action.id: _action_text(p.action) for p in placed}
    for fiche in fiches:
        words = [_stem(w) for w in significant(fiche.titre).split() if len(w) > 3]
        if len(words) < limits.crosswalk_content_min_words:
            continue
        for item in placed:
            if fiche.axe is None or fiche.axe != item.axe:
                continue
            found = sum(w in texts[item.action.id] for w in words)
            share = found / len(words)
            if share >= threshold and found >= limits.crosswalk_content_min_words:
                candidates.append(Candidate(share, abs(ranks[fiche.id] - item.rank), fiche, item,
                                            round(limits.crosswalk_content_confidence * (1 + share), 2), "content"))
    candidates.sort(key=lambda c: (-c.score, c.distance, c.placed.action.id, c.fiche.id))
    return _one_to_one(candidates)


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
        pairs = match(fiches, placed, log.profile.thresholds)
        for pair in pairs:
            relinked = pair.fiche.action_id != pair.placed.action.id or pair.fiche.match_confidence is None
            _link(pair.fiche, pair.placed.action, log)
            if relinked:  # a second run keeps the first one's (the title it filled is now alike)
                pair.fiche.match_confidence = pair.confidence
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
