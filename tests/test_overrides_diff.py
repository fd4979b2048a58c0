"""`pgt diff --overrides`: for each override, did its record's source value change between
the two versions of the plan (review the fix), is the record gone, does NEW say the fix?"""

from __future__ import annotations

import json
from pathlib import Path

from cli_run import assert_one_line_error, run_pgt
from override_docs import write_plan

from pgt.errors import ExitCode
from pgt.overrides_diff import diff_with_overrides

FIXES = ("record_id,field,value,note\n"
         "jeunesse-2-3-4,porteur,Bureau Information Jeunesse,\n"  # 2: NEW's source changed
         "jeunesse-2-3-5,porteur,Service jeunesse et sports,\n"  # 3: NEW says the fix itself
         "enfance-1-2-3,public_vise,CM1 et CM2,\n"  # 4: the same source in both
         "enfance-1-2-3-o2,porteur,Jardins du Peyrouat,\n"  # 5: the offer is gone in NEW
         "enfance-7-1-1,porteur,Mairie,\n")  # 6: in neither


def two_versions(tmp_path: Path) -> tuple[Path, Path, Path]:
    old, new = write_plan(tmp_path / "v1"), write_plan(tmp_path / "v2")
    jeunesse = (new / "jeunesse.txt").read_text(encoding="utf-8")
    jeunesse = jeunesse.replace("Point Information Jeunesse de Tartas", "PIJ de Tartas")
    jeunesse = jeunesse.replace("\tService jeunesse\t", "\tService jeunesse et sports\t")
    (new / "jeunesse.txt").write_text(jeunesse, encoding="utf-8")
    enfance = (new / "enfance.txt").read_text(encoding="utf-8")
    (new / "enfance.txt").write_text("\n".join(line for line in enfance.split("\n") if "Atelier jardin" not in line),
                                     encoding="utf-8")
    fixes = tmp_path / "fixes.csv"
    fixes.write_text(FIXES, encoding="utf-8")
    return old, new, fixes


EXPECTED = [
    ("jeunesse-2-3-4", "changed", "Point Information Jeunesse de Tartas", "PIJ de Tartas"),
    ("jeunesse-2-3-5", "retire", "Service jeunesse", "Service jeunesse et sports"),
    ("enfance-1-2-3", "unchanged", "CM1", "CM1"),
    ("enfance-1-2-3-o2", "gone", "Jardins partagés", None),
    ("enfance-7-1-1", "orphan", None, None),
]


def test_each_override_against_the_two_versions(tmp_path):
    old, new, fixes = two_versions(tmp_path)
    result = diff_with_overrides(old, new, fixes)
    assert [(c.record_id, c.status, c.old, c.new) for c in result.checks] == EXPECTED
    assert result.needs_review
    # both sides converted with the fixes: the fixed porteur is no plan change
    assert not [c for c in result.diff.changes if c.field == "porteur"]


def test_an_output_folder_side_keeps_its_source_values(tmp_path):
    """An output folder converted with the overrides: the source value is its corrections' before."""
    old, new, fixes = two_versions(tmp_path)
    converted = run_pgt("convert", old, "--overrides", fixes, "-o", tmp_path / "out-v1", "-q")
    assert converted.returncode == 0, converted.stderr
    result = diff_with_overrides(tmp_path / "out-v1", new, fixes)
    assert [(c.record_id, c.status, c.old, c.new) for c in result.checks] == EXPECTED


def test_cli_text_json_and_exit_codes(tmp_path):
    old, new, fixes = two_versions(tmp_path)
    result = run_pgt("diff", old, new, "--overrides", fixes, "--json", tmp_path / "d.json")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "overrides: " in text and "changed 1, gone 1, retire 1, orphan 1, unchanged 1" in text
    assert ('! changed    jeunesse-2-3-4  porteur: source "Point Information Jeunesse de Tartas" → "PIJ de Tartas"; '
            'override "Bureau Information Jeunesse" (fixes.csv line 2)') in text
    assert "- gone       enfance-1-2-3-o2  porteur: record not in NEW" in text
    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert data["overrides"]["counts"]["changed"] == 1 and len(data["overrides"]["checks"]) == 5
    assert data["counts"]["changed"] >= 1  # the plan diff is there too
    # --fail-on-change: an override to review fails even when the plan itself did not change
    same = run_pgt("diff", old, old, "--overrides", fixes, "--fail-on-change", "-q")
    assert same.returncode == 0, same.stdout + same.stderr
    review = tmp_path / "review.csv"
    review.write_text("record_id,field,value\njeunesse-2-3-4,porteur,Bureau Information Jeunesse\n", encoding="utf-8")
    only_porteur = write_plan(tmp_path / "v3")
    text = (only_porteur / "jeunesse.txt").read_text(encoding="utf-8")
    (only_porteur / "jeunesse.txt").write_text(text.replace("Point Information Jeunesse de Tartas", "PIJ"),
                                               encoding="utf-8")
    quiet = run_pgt("diff", old, only_porteur, "--overrides", review, "--fail-on-change")
    assert quiet.returncode == 1 and "no change" in quiet.stdout and "changed 1" in quiet.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id;champ\n", encoding="utf-8")
    assert_one_line_error(run_pgt("diff", old, new, "--overrides", bad), int(ExitCode.BAD_OVERRIDES),
                          "bad.csv", "missing column(s)")


def test_regression_diff_overrides_reads_both_versions_with_the_profile(tmp_path):
    # `pgt diff --overrides` ignored --profile: a porteur column only the profile names was
    # read into `autres` on both sides, and every porteur override checked against nothing
    old, new, fixes = two_versions(tmp_path)
    for folder in (old, new):
        for document in folder.iterdir():
            text = document.read_text(encoding="utf-8")
            document.write_text(text.replace("PORTEUR DE PROJETS", "CHEF DE FILE"), encoding="utf-8")
    profile = tmp_path / "territoire.toml"
    profile.write_text('[fields]\nporteur = ["CHEF DE FILE"]\n', encoding="utf-8")
    without = run_pgt("diff", old, new, "--overrides", fixes, "--json", tmp_path / "without.json", "-q")
    assert without.returncode == 0, without.stderr
    checks = json.loads((tmp_path / "without.json").read_text(encoding="utf-8"))["overrides"]["checks"]
    # without it the changed porteur of jeunesse-2-3-4 goes unseen: no porteur on either side
    assert [(c["record_id"], c["status"], c["old"]) for c in checks][:2] == [
        ("jeunesse-2-3-4", "unchanged", None), ("jeunesse-2-3-5", "unchanged", None)]
    read = run_pgt("diff", old, new, "--overrides", fixes, "--profile", profile, "--json", tmp_path / "d.json", "-q")
    assert read.returncode == 0, read.stderr
    checks = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))["overrides"]["checks"]
    assert [(c["record_id"], c["status"], c["old"], c["new"]) for c in checks] == EXPECTED
    bad = tmp_path / "bad.toml"
    bad.write_text("[thresholds]\nheader_fuzy = 80\n", encoding="utf-8")
    assert_one_line_error(run_pgt("diff", old, new, "--overrides", fixes, "--profile", bad), ExitCode.USAGE,
                          "bad.toml", "line 2", "thresholds.header_fuzy")
