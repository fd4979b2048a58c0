"""The corrections log the rules write to: every change a normalizer makes is recorded here."""

from __future__ import annotations

from collections.abc import Callable

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
