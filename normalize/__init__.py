"""Normalizers: small named rules that clean the built plan, each change logged.

A rule is a function `rule(plan, log)` that edits the plan in place and records every
change with `log.record(...)`; `normalize_plan` runs them in order. Header
canonicalization (`headers.py`) is used by the structure builder while it reads tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pgt.schema import Correction, Plan, Thematique
from pgt.settings.profile import Profile, default_profile


class CorrectionLog:
    """Appends corrections to the plan's log; the only way a rule reports a change.

    It also carries what the reconciling rules compare the plan with: `summary`, the
    hierarchy the *priorisation* document printed (axe, OI and OO titles), which the
    assembled plan does not keep when a detail document is read too."""

    def __init__(self, corrections: list[Correction], summary: list[Thematique] | None = None,
                 profile: Profile | None = None) -> None:
        self.corrections = corrections
        self.summary = summary or []
        self.profile = profile or default_profile()  # word lists and thresholds of the plan

    def record(self, record_id: str, field: str, before: object, after: object, rule: str,
               note: str | None = None) -> None:
        self.corrections.append(
            Correction(record_id=record_id, field=field, before=_text(before), after=_text(after), rule=rule,
                       note=note)
        )


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return " | ".join(str(v) for v in value)
    return str(value)


Rule = Callable[[Plan, CorrectionLog], None]

def default_rules() -> list[Rule]:
    """The rules, in the order they run: parse fields, fix typos, merge duplicates, then
    reconcile the two documents (which compares the cleaned titles)."""
    from pgt.normalize import crosswalk, duplicates, fields, hierarchy, typos

    return [
        fields.parse_years_rule,
        fields.parse_budget_rule,
        fields.fiche_prefix_rule,
        fields.split_partenaires_rule,
        fields.split_indicateurs_rule,
        typos.fix_typos_rule,
        duplicates.merge_duplicates_rule,
        hierarchy.fill_hierarchy_rule,
        crosswalk.crosswalk_rule,
    ]




def normalize_plan(plan: Plan, rules: list[Rule] | None = None, *,
                   summary: list[Thematique] | None = None, overrides: Sequence[Override] = (),
                   profile: Profile | None = None) -> Plan:
    """Run the rules on the plan (in place). `summary`: the summary document's hierarchy;
    `overrides`: a data officer's fixes (`--overrides`), applied last, over every rule;
    `profile`: the plan profile (default: the built-in CTG profile)."""
    log = CorrectionLog(plan.corrections, summary, profile)
    for rule in RULES if rules is None else rules:
        rule(plan, log)
    if overrides:
        apply_overrides(plan, overrides, log)
    return plan


# The rules, in the order they run. Filled last: the rule modules import CorrectionLog from here.
RULES: list[Rule] = default_rules()
# The overrides rule, last too: it imports CorrectionLog (and the years parser) from here.
from pgt.normalize.overrides import Override, apply_overrides  # noqa: E402
