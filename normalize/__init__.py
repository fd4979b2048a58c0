"""Normalizers: small named rules that clean the built plan, each change logged.

A rule is a function `rule(plan, log)` that edits the plan in place and records every
change with `log.record(...)` (`normalize/log.py`); `normalize_plan` runs them in order.
"""

from __future__ import annotations

from collections.abc import Sequence

from pgt.normalize import crosswalk, duplicates, fields, hierarchy, typos
from pgt.normalize.log import CorrectionLog, Rule
from pgt.normalize.overrides import Override, apply_overrides
from pgt.schema import Plan, Thematique
from pgt.settings.profile import Profile

__all__ = ["RULES", "CorrectionLog", "Rule", "default_rules", "normalize_plan"]

# The rules, in the order they run: parse fields, fix typos, merge duplicates, then
# reconcile the two documents (which compares the cleaned titles).
RULES: tuple[Rule, ...] = (
    fields.parse_years_rule,
    fields.parse_budget_rule,
    fields.fiche_prefix_rule,
    fields.split_partenaires_rule,
    fields.split_indicateurs_rule,
    typos.fix_typos_rule,
    duplicates.merge_duplicates_rule,
    hierarchy.fill_hierarchy_rule,
    crosswalk.crosswalk_rule,
)


def default_rules() -> list[Rule]:
    """The rules, in the order they run (a list a caller may edit)."""
    return list(RULES)


def normalize_plan(plan: Plan, rules: Sequence[Rule] | None = None, *,
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
