"""The reports of `pgt check` (`check.py` checks, this module says what it found): text for
people, JSON and JUnit XML for CI (one testcase per expectation, a failure for each not met).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from pgt.check import CheckReport
from pgt.errors import ExitCode, PgtError

MAX_DETAILS = 20  # lines of detail per expectation in the text report (JSON and JUnit have all)


def report_text(report: CheckReport) -> str:
    lines = [f"pgt check: {', '.join(report.inputs)} against {report.config or 'the built-in expectations'}"]
    if report.figures:
        actions = ", ".join(f"{code} {n}" for code, n in report.figures["actions"].items())
        anomalies = report.figures["anomalies"]
        lines.append(f"  actions: {actions}; anomalies: {anomalies['error']} errors, {anomalies['warning']} "
                     f"warnings, {anomalies['info']} info; coverage {report.figures['coverage']:.2%}")
        if "overrides" in report.figures:
            fixes = report.figures["overrides"]
            lines.append(f"  overrides: {', '.join(fixes['files'])}: {fixes['summary']}")
    lines.append("")
    for outcome in report.outcomes:
        status = "ok  " if outcome.passed else "FAIL"
        lines.append(f"{status} {outcome.name}: {outcome.message}")
        shown = outcome.details[:MAX_DETAILS]
        lines += [f"       {d}" for d in shown]
        if len(outcome.details) > len(shown):
            lines.append(f"       … and {len(outcome.details) - len(shown)} more (see --json)")
    failed = len(report.failures)
    lines.append("")
    lines.append(f"{len(report.outcomes)} expectation(s), {failed} failed → "
                 f"{f'FAILED (exit {ExitCode.CHECK_FAILED.value})' if failed else 'passed'}")
    return "\n".join(lines) + "\n"


def report_json(report: CheckReport) -> str:
    data = {"passed": report.passed, "exit_code": report.exit_code, "inputs": report.inputs,
            "config": report.config, "figures": report.figures,
            "expectations": [asdict(o) for o in report.outcomes]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def report_junit(report: CheckReport) -> str:
    """JUnit XML: one testcase per expectation, a `<failure>` for each one not met."""
    failures = len(report.failures)
    suites = ET.Element("testsuites", name="pgt check", tests=str(len(report.outcomes)), failures=str(failures))
    suite = ET.SubElement(suites, "testsuite", name="pgt check", tests=str(len(report.outcomes)),
                          failures=str(failures), errors="0", skipped="0")
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="inputs", value=", ".join(report.inputs))
    ET.SubElement(properties, "property", name="config", value=report.config or "built-in")
    for outcome in report.outcomes:
        case = ET.SubElement(suite, "testcase", classname="pgt.check", name=outcome.name)
        if not outcome.passed:
            failure = ET.SubElement(case, "failure", message=outcome.message, type="ExpectationNotMet")
            failure.text = "\n".join(outcome.details) or outcome.message
        else:
            ET.SubElement(case, "system-out").text = outcome.message
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


WRITERS: dict[str, Callable[[CheckReport], str]] = {"json": report_json, "junit": report_junit}


def write_report(report: CheckReport, kind: str, path: Path) -> None:
    try:
        Path(path).write_text(WRITERS[kind](report), encoding="utf-8")
    except OSError as error:
        raise PgtError(f"{path}: cannot write the {kind} report ({error.strerror})",
                       exit_code=ExitCode.OUTPUT_NOT_WRITABLE) from None
