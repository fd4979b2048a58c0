"""Scores of a plan read from one rendering against the plan of the text export (issue #13):
actions found (recall) and precision, placement (axe), fields equal, fiches found, fiche OO
numbers and the crosswalk (fiche → action) equal.

Actions are paired by stable id, then what is left by title within the thématique (an action
filed under another axe changes its id but is still found: its placement counts against it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from plan_compare import fold

ACTION_FIELDS = (
    "titre",
    "porteur",
    "public_vise",
    "echeances",
    "partenaires",
    "moyens_humains",
    "moyens_techniques",
    "moyens_financiers",
    "parcours",
    "indicateurs",
    "oo",
)


def _title_key(action) -> str:
    return " ".join((action.titre or "").lower().split())


def pair_actions(expected, got, threshold: float = 0.8) -> list[tuple[object, object]]:
    """(expected action, got action) pairs: same id, else the most alike title (ratio ≥
    `threshold`) among the unpaired actions of the same thématique."""
    places_a = {a.id: (t.code, a) for t, _, _, a in expected.walk_actions()}
    places_b = {a.id: (t.code, a) for t, _, _, a in got.walk_actions()}
    pairs = [(places_a[i][1], places_b[i][1]) for i in places_a if i in places_b]
    left_a = [v for i, v in places_a.items() if i not in places_b]
    left_b = [v for i, v in places_b.items() if i not in places_a]
    for code, action in left_a:
        best, best_ratio = None, threshold
        for candidate in left_b:
            if candidate[0] != code:
                continue
            ratio = SequenceMatcher(None, _title_key(action), _title_key(candidate[1]), autojunk=False).ratio()
            if ratio >= best_ratio:
                best, best_ratio = candidate, ratio
        if best is not None:
            left_b.remove(best)
            pairs.append((action, best[1]))
    return pairs


@dataclass
class PlanScores:
    expected_actions: int
    got_actions: int
    paired: int
    axe_equal: int
    fields_total: int
    fields_equal: int
    fiches_expected: int
    fiches_found: int
    fiche_oo_equal: int
    crosswalk_equal: int
    crosswalk_total: int
    field_differences: list[tuple[str, str, object, object]] = field(default_factory=list)
    extra_titles: list[str] = field(default_factory=list)

    @property
    def found(self) -> float:
        return self.paired / self.expected_actions if self.expected_actions else 1.0

    @property
    def precision(self) -> float:
        return self.paired / self.got_actions if self.got_actions else 1.0

    @property
    def placement_axe(self) -> float:
        return self.axe_equal / self.paired if self.paired else 1.0

    @property
    def fields(self) -> float:
        return self.fields_equal / self.fields_total if self.fields_total else 1.0

    @property
    def fiches(self) -> float:
        return self.fiches_found / self.fiches_expected if self.fiches_expected else 1.0

    @property
    def fiche_oo(self) -> float:
        return self.fiche_oo_equal / self.fiches_expected if self.fiches_expected else 1.0

    @property
    def crosswalk(self) -> float:
        return self.crosswalk_equal / self.crosswalk_total if self.crosswalk_total else 1.0

    def summary(self) -> str:
        return (
            f"actions {self.got_actions} for {self.expected_actions}: found {self.found:.1%}, "
            f"precision {self.precision:.1%}, placement axe {self.placement_axe:.1%}; "
            f"fields {self.fields:.1%}; fiches found {self.fiches:.1%}, fiche OO {self.fiche_oo:.1%}, "
            f"crosswalk {self.crosswalk:.1%}"
        )


def _axe_of(plan) -> dict[str, int]:
    return {a.id: axe.numero for _, axe, _, a in plan.walk_actions()}


def score_plan(expected, got) -> PlanScores:
    pairs = pair_actions(expected, got)
    axes_a, axes_b = _axe_of(expected), _axe_of(got)
    fields_total = fields_equal = 0
    differences = []
    for a, b in pairs:
        for name in ACTION_FIELDS:
            want, have = fold(getattr(a, name)), fold(getattr(b, name))
            if want in (None, "", []):
                continue
            fields_total += 1
            if want == have:
                fields_equal += 1
            else:
                differences.append((a.id, name, want, have))
    paired_got = {b.id for _, b in pairs}
    extra = [b.titre or "" for b in got.all_actions() if b.id not in paired_got]
    action_ids = {a.id: b.id for a, b in pairs}  # expected id → got id
    fiches_a = {f.id: f for f in expected.fiches}
    fiches_b = {f.id: f for f in got.fiches}
    found = [i for i in fiches_a if i in fiches_b]
    linked = [i for i in fiches_a if fiches_a[i].action_id]
    crosswalk = sum(
        1
        for i in linked
        if i in fiches_b and fiches_b[i].action_id is not None
        and action_ids.get(fiches_a[i].action_id) == fiches_b[i].action_id
    )
    return PlanScores(
        expected_actions=len(expected.all_actions()),
        got_actions=len(got.all_actions()),
        paired=len(pairs),
        axe_equal=sum(1 for a, b in pairs if axes_a[a.id] == axes_b[b.id]),
        fields_total=fields_total,
        fields_equal=fields_equal,
        fiches_expected=len(fiches_a),
        fiches_found=len(found),
        fiche_oo_equal=sum(1 for i in found if fiches_a[i].oo == fiches_b[i].oo),
        crosswalk_equal=crosswalk,
        crosswalk_total=len(linked),
        field_differences=differences,
        extra_titles=extra,
    )
