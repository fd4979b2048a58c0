"""Normalizers: small named rules that clean the built plan, each change logged.

A rule is a function `rule(plan, log)` that edits the plan in place and records every
change with `log.record(...)`; `normalize_plan` runs them in order. Header
canonicalization (`headers.py`) is used by the structure builder while it reads tables.
"""

from __future__ import annotations

from collections.abc import Callable

from pgt.schema import Correction, Plan


class CorrectionLog:
    """Appends corrections to the plan's log; the only way a rule reports a change."""

    def __init__(self, corrections: list[Correction]) -> None:
        self.corrections = corrections

    def record(self, record_id: str, field: str, before: object, after: object, rule: str) -> None:
        self.corrections.append(
            Correction(record_id=record_id, field=field, before=_text(before), after=_text(after), rule=rule)
        )


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return " | ".join(str(v) for v in value)
    return str(value)


Rule = Callable[[Plan, CorrectionLog], None]

# The rules, in the order they run (filled by the normalizer modules).
RULES: list[Rule] = []


def normalize_plan(plan: Plan, rules: list[Rule] | None = None) -> Plan:
    log = CorrectionLog(plan.corrections)
    for rule in RULES if rules is None else rules:
        rule(plan, log)
    return plan
