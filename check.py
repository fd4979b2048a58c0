"""`pgt check`: convert in memory and test the plan against the expectations of a config file.

CI runs it on every new version of the documents: it fails (exit 1) when the plan does not
validate, when there are more anomalies than allowed, or when an expectation of the config
(`pgt-check.toml`) is not met. This module checks (`run_check`, `evaluate`: a `CheckReport`,
nothing written); `check_report.py` says the report: text for people, JSON and JUnit XML for CI.

    [expect]
    thematiques = ["petite_enfance", "enfance"]   # must be present
    numbering_without_gaps = true                 # numbered thématiques: 1..n, every action numbered
    max_errors = 0                                # anomalies of severity error
    max_warnings = 40
    max_anomalies = 300
    min_coverage = 0.98                           # share of non-empty source cells placed
    require_porteur = false                       # every action names its porteur
    require_titre = false                         # every action has a title
    [expect.min_actions]
    enfance = 80
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pgt.errors import ExitCode, InputNotFound, PgtError
from pgt.pipeline import expand_inputs, load_overrides, plan_from_documents, read_all
from pgt.settings.profile import Profile
from pgt.schema import Action, Plan
from pgt.schema.model import THEMATIQUE_CODE_PATTERN

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser under its former name
    import tomli as tomllib  # type: ignore[no-redef]

DEFAULT_CONFIG = Path("pgt-check.toml")


class ConfigError(PgtError):
    exit_code = ExitCode.USAGE


@dataclass
class Expectations:
    """What the plan must satisfy. `None` switches a limit off."""

    thematiques: list[str] = field(default_factory=list)
    min_actions: dict[str, int] = field(default_factory=dict)
    numbering_without_gaps: bool = False
    max_errors: int | None = 0
    max_warnings: int | None = None
    max_anomalies: int | None = None
    min_coverage: float | None = None
    require_porteur: bool = False
    require_titre: bool = False


@dataclass
class Outcome:
    """One expectation: a testcase of the JUnit report."""

    name: str
    passed: bool
    message: str
    details: list[str] = field(default_factory=list)


@dataclass
class CheckReport:
    """`pgt check`'s outcome: one per expectation, and the plan's figures."""
    inputs: list[str]
    config: str | None
    outcomes: list[Outcome]
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        return int(ExitCode.OK if self.passed else ExitCode.CHECK_FAILED)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.passed]


# --- the config file ------------------------------------------------------------------------

def load_expectations(path: Path | None) -> tuple[Expectations, str | None]:
    """The expectations of `path`, else of ./pgt-check.toml, else the built-in ones."""
    if path is None:
        if not DEFAULT_CONFIG.is_file():
            return Expectations(), None
        path = DEFAULT_CONFIG
    if not Path(path).is_file():
        raise InputNotFound(f"{path}: no such config file")
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not a valid TOML file ({error})") from None
    return expectations_from(data.get("expect", {}), str(path)), str(path)


def expectations_from(table: dict[str, Any], source: str = "config") -> Expectations:
    known = set(Expectations.__dataclass_fields__)
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) in [expect]: {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(known))})")
    named = list(table.get("thematiques", [])) + list(table.get("min_actions", {}))
    wrong = sorted(str(code) for code in set(named) if not re.fullmatch(THEMATIQUE_CODE_PATTERN, str(code)))
    if wrong:  # any thématique code is allowed (the list is open), but it must be a code
        raise ConfigError(f"{source}: not a thématique code: {', '.join(wrong)} "
                          "(lower-case slug such as acces_aux_droits)")
    try:
        return Expectations(**table)
    except TypeError as error:
        raise ConfigError(f"{source}: {error}") from None


# --- the expectations -----------------------------------------------------------------------

def located(action: Action) -> str:
    """`id (document, line n)`: enough to open the source at the right place."""
    source = action.provenance
    where = f"line {source.line}" if source.line else f"page {source.page}" if source.page else "?"
    return f"{action.id} ({source.document}, {where})"


def check_thematiques(plan: Plan, expect: Expectations) -> Outcome | None:
    if not expect.thematiques:
        return None
    present = {t.code for t in plan.thematiques}
    missing = [code for code in expect.thematiques if code not in present]
    return Outcome("thematiques", not missing,
                   f"missing: {', '.join(missing)}" if missing else f"all {len(expect.thematiques)} present")


def check_min_actions(plan: Plan, expect: Expectations) -> list[Outcome]:
    outcomes = []
    for code, minimum in expect.min_actions.items():
        thematique = plan.thematique(code)
        count = len(thematique.all_actions()) if thematique else 0
        outcomes.append(Outcome(f"min_actions.{code}", count >= minimum,
                                f"{count} action(s), at least {minimum} expected"))
    return outcomes


def check_numbering(plan: Plan, expect: Expectations) -> Outcome | None:
    """In a thématique whose actions are numbered, a gap or an unnumbered action means a row
    was lost or misread (a deleted row, a header row read as an action)."""
    if not expect.numbering_without_gaps:
        return None
    details = []
    for thematique in plan.thematiques:
        actions = thematique.all_actions()
        numbers = {a.numero for a in actions if a.numero is not None}
        if not numbers:
            continue  # cohésion sociale, parentalité: unnumbered by design
        gaps = sorted(set(range(1, max(numbers) + 1)) - numbers)
        if gaps:
            details.append(f"{thematique.code}: number(s) {', '.join(map(str, gaps))} missing")
        details += [f"{thematique.code}: action without a number: {located(a)}"
                    for a in actions if a.numero is None]
    return Outcome("numbering_without_gaps", not details,
                   f"{len(details)} problem(s)" if details else "every numbered thématique runs 1..n", details)


def anomaly_detail(plan: Plan, severity: str | None) -> list[str]:
    def where(document: str | None, line: int | None, page: int | None) -> str:
        if document is None:  # found on the assembled plan: the message names the record
            return ""
        return f" ({document}, " + (f"line {line})" if line else f"page {page})" if page else "?)")

    return [f"{a.severity} {a.code}: {a.message}{where(a.document, a.line, a.page)}"
            for a in plan.anomalies if severity is None or a.severity == severity]


def check_limits(plan: Plan, expect: Expectations) -> list[Outcome]:
    severities = Counter(a.severity for a in plan.anomalies)
    limits: list[tuple[str, int | None, int, str | None]] = [
        ("max_errors", expect.max_errors, severities.get("error", 0), "error"),
        ("max_warnings", expect.max_warnings, severities.get("warning", 0), "warning"),
        ("max_anomalies", expect.max_anomalies, len(plan.anomalies), None),
    ]
    outcomes = []
    for name, limit, count, severity in limits:
        if limit is None:
            continue
        passed = count <= limit
        outcomes.append(Outcome(name, passed, f"{count} {severity or 'anomalie'}(s), at most {limit} allowed",
                                [] if passed else anomaly_detail(plan, severity)))
    if expect.min_coverage is not None:
        outcomes.append(Outcome("min_coverage", plan.coverage >= expect.min_coverage,
                                f"{plan.coverage:.2%} of source cells placed, at least "
                                f"{expect.min_coverage:.2%} expected"))
    return outcomes


def check_required_field(plan: Plan, name: str, attribute: str, label: str) -> Outcome:
    missing = [located(a) for a in plan.all_actions() if not getattr(a, attribute)]
    return Outcome(name, not missing, f"{len(missing)} action(s) without {label}" if missing
                   else f"every action has {label}", missing)


def evaluate(plan: Plan, expect: Expectations) -> list[Outcome]:
    outcomes = [Outcome("plan_valid", True, "the plan validates against the model")]
    for single in (check_thematiques(plan, expect), check_numbering(plan, expect)):
        if single is not None:
            outcomes.append(single)
    outcomes += check_min_actions(plan, expect)
    outcomes += check_limits(plan, expect)
    if expect.require_porteur:
        outcomes.append(check_required_field(plan, "require_porteur", "porteur", "a porteur"))
    if expect.require_titre:
        outcomes.append(check_required_field(plan, "require_titre", "titre", "a title"))
    return outcomes


def figures(plan: Plan) -> dict[str, Any]:
    severities = Counter(a.severity for a in plan.anomalies)
    return {
        "actions": {t.code: len(t.all_actions()) for t in plan.thematiques},
        "anomalies": {"error": severities.get("error", 0), "warning": severities.get("warning", 0),
                      "info": severities.get("info", 0)},
        "coverage": round(plan.coverage, 4),
    }


def run_check(inputs: Sequence[Path], config: Path | None = None, *, password: str | None = None,
              overrides: Path | None = None, profile: Profile | None = None) -> CheckReport:
    """Read the documents, build the plan in memory and evaluate the expectations.

    Input errors (missing file, unreadable, no plan) raise with their own exit code; a plan
    that does not validate is a failed expectation (exit 1), like the others.
    """
    expect, config_name = load_expectations(config)
    paths = expand_inputs(inputs)
    fixes = load_overrides(inputs, overrides)  # --overrides, else pgt-overrides.csv beside the documents
    documents = read_all(paths, password=password, profile=profile)
    names = [str(p) for p in paths]
    try:
        plan = plan_from_documents(documents, fixes.overrides, profile=profile, keep_rows=False)
    except PgtError as error:
        if "does not validate" not in error.message:  # NoPlanFound and the like: input errors
            raise
        return CheckReport(names, config_name, [Outcome("plan_valid", False, error.message)])
    found = figures(plan)
    if fixes.files:  # which fixes the checked plan holds, and what became of them
        found["overrides"] = {"files": [str(f) for f in fixes.files],
                              "summary": fixes.summary(plan)}
    return CheckReport(names, config_name, evaluate(plan, expect), found)
