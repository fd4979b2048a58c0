"""`pgt check`: passes on raw/, fails with the documented exit code on damaged copies."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

import pytest
from helpers import RAW, ROOT
from typer.testing import CliRunner

import pgt.check
from pgt.check import CheckReport, Outcome, expectations_from, run_check
from pgt.check_report import report_junit, report_text, write_report
from pgt.cli import app
from pgt.errors import ExitCode, PgtError

CONFIG = ROOT / "pgt-check.toml"


def damaged_copy(tmp_path, edit_detail=None, edit_summary=None):
    """A copy of raw/ with the detail and/or summary lines edited by the given functions."""
    folder = tmp_path / "raw"
    shutil.copytree(RAW, folder)
    for name, edit in (("pgt-fiches-actions.txt", edit_detail), ("pgt-priorisation.txt", edit_summary)):
        if edit is not None:
            path = folder / name
            lines = path.read_text(encoding="utf-8").split("\n")
            path.write_text("\n".join(edit(lines)), encoding="utf-8")
    return folder


def index_of(lines, prefix):
    [index] = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    return index


def without_action_5(lines):
    del lines[index_of(lines, "5. Organiser un partenariat avec Pôle Emploi")]
    return lines


def without_parentalite(lines):
    start = index_of(lines, "PARENTALITE") if any(l.startswith("PARENTALITE") for l in lines) \
        else index_of(lines, "PGT PARENTALITE")
    return lines[:start]


def garbled_first_header(lines):
    """The first action table's header beyond recognition (a misspelling the pipeline must
    tolerate, like ECHANGES for ÉCHÉANCES, is not damage)."""
    index = next(i for i, line in enumerate(lines) if line.startswith("ACTIONS\tOO\tPORTEUR DE PROJETS"))
    lines[index] = "\t".join(["AKTZ", "QQ", "PXRTQZR DE PRXJTS", "PBLC VZ", "EKHXX DE RLZTN", "PRTNRS",
                              "HMNS", "TKNQS", "FNNCRS", "NDCTRS"])
    return lines


def garbled_all_headers(lines):
    """Every header row's words garbled: no table is shaped like an action table (since
    issue #11 a garbled porteur alone still leaves a header naming public, échéances…)."""
    garbled = str.maketrans("AEIOUY", "XQZXQZ")
    return [line.translate(garbled) if any(w in line for w in ("PORTEUR DE PROJETS", "HUMAINS", "MOYENS")) else line
            for line in lines]


def run(*args):
    return CliRunner().invoke(app, ["check", *map(str, args)])


def test_raw_passes_with_the_default_config(tmp_path):
    result = run(RAW, "--config", CONFIG, "--json", tmp_path / "r.json", "--junit", tmp_path / "r.xml")
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output and "0 failed → passed" in result.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["passed"] is True and report["exit_code"] == 0
    names = [e["name"] for e in report["expectations"]]
    assert names[:3] == ["plan_valid", "thematiques", "numbering_without_gaps"]
    assert "min_actions.enfance" in names and "max_anomalies" in names and "min_coverage" in names
    assert set(report["figures"]["actions"]) == {"petite_enfance", "enfance", "jeunesse", "cohesion_sociale",
                                                  "parentalite"}
    suite = ET.parse(tmp_path / "r.xml").getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == names
    assert suite.get("failures") == "0" and not suite.findall("testcase/failure")


def test_deleted_action_row_fails_with_exit_1(tmp_path):
    folder = damaged_copy(tmp_path, edit_detail=without_action_5)
    result = run(folder, "--config", CONFIG, "--junit", tmp_path / "r.xml", "--json", tmp_path / "r.json")
    assert result.exit_code == ExitCode.CHECK_FAILED == 1
    assert "FAIL numbering_without_gaps" in result.output and "petite_enfance: number(s) 5 missing" in result.output
    failed = [e for e in json.loads((tmp_path / "r.json").read_text())["expectations"] if not e["passed"]]
    assert [e["name"] for e in failed] == ["numbering_without_gaps"]
    failures = ET.parse(tmp_path / "r.xml").getroot().findall("testsuite/testcase/failure")
    assert len(failures) == 1 and "number(s) 5 missing" in failures[0].text


def test_removed_thematique_fails_with_exit_1(tmp_path):
    folder = damaged_copy(tmp_path, edit_detail=without_parentalite, edit_summary=without_parentalite)
    report = run_check([folder], CONFIG)
    assert report.exit_code == 1
    assert [(o.name, o.message) for o in report.failures] == [
        ("thematiques", "missing: parentalite"),
        ("min_actions.parentalite", "0 action(s), at least 20 expected"),
    ]


def test_garbled_header_fails_with_exit_1(tmp_path):
    folder = damaged_copy(tmp_path, edit_detail=garbled_first_header)
    result = run(folder, "--config", CONFIG)
    assert result.exit_code == 1
    # the header row was read as an action without a number: located by its line
    assert "petite_enfance: action without a number: petite_enfance-1-1-" in result.output
    assert "(pgt-fiches-actions.txt, line 17)" in result.output


def test_every_header_garbled_is_an_input_error_exit_7(tmp_path):
    folder = damaged_copy(tmp_path, edit_detail=garbled_all_headers)
    result = run(folder, "--config", CONFIG)
    assert result.exit_code == ExitCode.NO_PLAN == 7
    assert "no plan found" in result.output and "Traceback" not in result.output


def test_missing_input_exit_3_and_bad_config_exit_2(tmp_path):
    assert run(tmp_path / "nope", "--config", CONFIG).exit_code == 3
    assert run(RAW, "--config", tmp_path / "nope.toml").exit_code == 3
    bad = tmp_path / "bad.toml"
    bad.write_text("[expect]\nmax_anomalys = 3\n", encoding="utf-8")
    result = run(RAW, "--config", bad)
    assert result.exit_code == 2 and "unknown key(s) in [expect]: max_anomalys" in result.output
    bad.write_text("[expect]\nthematiques = ['enfance', 'Sport et loisirs']\n", encoding="utf-8")
    result = run(RAW, "--config", bad)
    assert result.exit_code == 2 and "not a thématique code: Sport et loisirs" in result.output


def test_any_thematique_code_is_accepted_and_checked(tmp_path):
    # the list of thématiques is open (issue 11): a code no plan has is a failed expectation, not a config error
    config = tmp_path / "open.toml"
    config.write_text("[expect]\nthematiques = ['enfance', 'acces_aux_droits']\n", encoding="utf-8")
    result = run(RAW, "--config", config)
    assert result.exit_code == 1 and "acces_aux_droits" in result.output


def test_limits_and_required_fields_from_a_small_config(tmp_path):
    config = tmp_path / "strict.toml"
    config.write_text(
        "[expect]\nmax_anomalies = 0\nrequire_porteur = true\n[expect.min_actions]\npetite_enfance = 24\n",
        encoding="utf-8")
    report = run_check([RAW], config)
    failed = {o.name: o for o in report.failures}
    assert set(failed) == {"max_anomalies", "require_porteur", "min_actions.petite_enfance"}
    assert failed["min_actions.petite_enfance"].message == "23 action(s), at least 24 expected"
    assert len(failed["max_anomalies"].details) == report.figures["anomalies"]["info"] + \
        report.figures["anomalies"]["warning"]
    # every action without a porteur is named with its line
    assert all(" (pgt-fiches-actions.txt, line " in d for d in failed["require_porteur"].details)


def test_built_in_expectations_without_a_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no pgt-check.toml here
    report = run_check([RAW])
    assert report.config is None and report.passed
    assert [o.name for o in report.outcomes] == ["plan_valid", "max_errors"]


def test_a_plan_that_does_not_validate_is_a_failed_check(monkeypatch):
    def invalid(documents, overrides=(), profile=None, keep_rows=True):
        raise PgtError("the plan read from x.txt does not validate: action id x is not unique at thematiques")

    monkeypatch.setattr("pgt.check.plan_from_documents", invalid)
    report = run_check([RAW], CONFIG)
    assert report.exit_code == 1
    assert [(o.name, o.passed) for o in report.outcomes] == [("plan_valid", False)]
    junit = ET.fromstring(report_junit(report))
    assert junit.find("testsuite/testcase/failure").get("message").endswith("is not unique at thematiques")


def test_config_keys_are_the_documented_ones():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for key in ("thematiques", "min_actions", "numbering_without_gaps", "max_errors", "max_warnings",
                "max_anomalies", "min_coverage", "require_porteur", "require_titre"):
        assert f"`{key}`" in readme, key
    with pytest.raises(PgtError):
        expectations_from({"min_action": {}})
    assert CheckReport([], None, []).passed


def test_help_lists_exit_codes():
    result = CliRunner().invoke(app, ["check", "--help"])
    assert result.exit_code == 0
    assert "Exit codes" in result.output and "Example: pgt check" in result.output


def test_checking_writes_nothing_and_the_reports_are_said_apart(tmp_path):
    """check.py mixed checking with writing its reports: the checking returns a CheckReport,
    check_report.py turns any CheckReport into text, JSON or JUnit."""
    assert not {"write_report", "report_text", "report_json", "report_junit"} & set(vars(pgt.check))
    outcomes = [Outcome("plan_valid", True, "ok"), Outcome("max_errors", False, "2 error(s)", ["error x: y"])]
    report = CheckReport(["plan.txt"], None, outcomes)
    write_report(report, "json", tmp_path / "check.json")
    written = json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))
    assert (written["passed"], written["exit_code"]) == (False, 1)
    assert report_text(report).endswith("2 expectation(s), 1 failed → FAILED (exit 1)\n")
