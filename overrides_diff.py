"""`pgt diff OLD NEW --overrides FILE`: the plan diff, and for each override whether its
record's source value changed between the two versions — a fix written against OLD may need
review when NEW's documents now say something else, and can be retired when they say the fix.

The source value is the field as the documents give it, before any override: a side
converted with overrides (documents, or an output folder of `pgt convert --overrides`) keeps
it as the `before` of its `override` correction.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from pgt.errors import ExitCode, PgtError
from pgt.diff import PlanDiff, diff_json, diff_plans, diff_text, load_plan, shorten
from pgt.normalize.overrides import Override, read_overrides, source_values
from pgt.schema import Plan
from pgt.settings.profile import Profile

# what an override's record did between OLD and NEW, most urgent first
STATUSES = ["changed", "gone", "retire", "new", "orphan", "unchanged"]
SIGNS = {"changed": "!", "gone": "-", "retire": "✓", "new": "+", "orphan": "?", "unchanged": "="}
NEEDS_REVIEW = {"changed", "gone"}


@dataclass(frozen=True)
class OverrideCheck:
    """One line of an overrides file checked against the two versions."""
    record_id: str
    field: str
    value: str | None
    source: str
    line: int
    status: str  # changed | gone | retire | new | orphan | unchanged
    old: str | None  # the source value in OLD (None when the record is not there)
    new: str | None

    def text(self) -> str:
        what = f"{self.record_id}  {self.field}"
        fix = f"override {shorten(self.value)} ({self.source} line {self.line})"
        reason = {
            "changed": f"source {shorten(self.old)} → {shorten(self.new)}; {fix}: the record changed underneath, "
                       f"review the fix",
            "gone": f"record not in NEW; {fix} will be an orphan",
            "retire": f"NEW's source says {shorten(self.new)} itself; {fix} can be retired",
            "new": f"record only in NEW, source {shorten(self.new)}; {fix}",
            "orphan": f"record in neither version; {fix}",
            "unchanged": f"source {shorten(self.new)} in both; {fix} still applies",
        }[self.status]
        return f"{SIGNS[self.status]} {self.status:<10} {what}: {reason}"


def _same(a: str | None, b: str | None) -> bool:
    """Equal as field values: empty is empty, list items compared without their spacing."""
    def norm(value: str | None) -> str:
        return " | ".join(item.strip() for item in (value or "").split("|") if item.strip())
    return norm(a) == norm(b)


def check_overrides(old: Plan, new: Plan, overrides: list[Override]) -> list[OverrideCheck]:
    """Each override (in file order) with what its record did between the two plans."""
    before, after = source_values(old, overrides), source_values(new, overrides)
    checks = []
    for override in overrides:
        (in_old, old_value), (in_new, new_value) = before[override.key], after[override.key]
        if in_old and in_new:
            status = ("retire" if _same(new_value, override.value)
                      else "unchanged" if _same(old_value, new_value) else "changed")
        else:
            status = "gone" if in_old else "new" if in_new else "orphan"
        checks.append(OverrideCheck(override.record_id, override.field, override.value, override.source,
                                    override.line, status, old_value if in_old else None,
                                    new_value if in_new else None))
    return checks


@dataclass
class DiffWithOverrides:
    """`pgt diff --overrides`: the diff and each override's check."""
    diff: PlanDiff
    overrides_file: str
    checks: list[OverrideCheck]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(c.status for c in self.checks)
        return {status: counted.get(status, 0) for status in STATUSES}

    @property
    def needs_review(self) -> bool:
        return any(c.status in NEEDS_REVIEW for c in self.checks)


def diff_with_overrides(old: Path, new: Path, overrides: Path,
                        profile: Profile | None = None) -> DiffWithOverrides:
    """`pgt diff --overrides`: both sides loaded (documents converted with the overrides and
    the plan profile), compared, and each override checked against the two versions."""
    lines = read_overrides(overrides)  # first: a bad file fails before any conversion
    old_plan, new_plan = load_plan(old, overrides, profile), load_plan(new, overrides, profile)
    diff = diff_plans(old_plan, new_plan, old_name=str(old), new_name=str(new))
    return DiffWithOverrides(diff, str(overrides), check_overrides(old_plan, new_plan, lines))


def with_overrides_text(result: DiffWithOverrides) -> str:
    counts = ", ".join(f"{status} {n}" for status, n in result.counts.items() if n) or "none"
    lines = ["", f"overrides: {result.overrides_file}, {len(result.checks)} line(s); {counts}"]
    order = {status: rank for rank, status in enumerate(STATUSES)}
    lines += [check.text() for check in sorted(result.checks, key=lambda c: (order[c.status], c.line))]
    return diff_text(result.diff) + "\n".join(lines) + "\n"


def with_overrides_json(result: DiffWithOverrides) -> str:
    data = json.loads(diff_json(result.diff))
    data["overrides"] = {"file": result.overrides_file, "counts": result.counts,
                         "checks": [asdict(c) for c in result.checks]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_with_overrides_json(result: DiffWithOverrides, path: Path) -> None:
    try:
        Path(path).write_text(with_overrides_json(result), encoding="utf-8")
    except OSError as error:
        raise PgtError(f"{path}: cannot write the changes ({error.strerror})",
                       exit_code=ExitCode.OUTPUT_NOT_WRITABLE) from None
