"""`pgt convert` on raw/: the files of the output contract, their columns, determinism."""

from __future__ import annotations

import csv
import json

from helpers import RAW
from typer.testing import CliRunner

from pgt.cli import CsvFormat, app
from pgt.write import CSV_DIALECTS
from pgt.write.tables import ACTION_COLUMNS, FICHE_COLUMNS, OBJECTIF_COLUMNS, OFFRE_COLUMNS

CONTRACT_FILES = {"plan.json", "plan.schema.json", "actions.csv", "offres.csv", "objectifs.csv", "fiches.csv",
                  "corrections.csv", "anomalies.csv"}


def run_convert(tmp_path, name="out", *args):
    result = CliRunner().invoke(app, ["convert", str(RAW), "-o", str(tmp_path / name), *args])
    assert result.exit_code == 0, result.output
    return tmp_path / name, result.output


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_convert_writes_the_contract(tmp_path):
    out, output = run_convert(tmp_path)
    assert CONTRACT_FILES <= {p.name for p in out.iterdir()}
    actions = read_csv(out / "actions.csv")
    assert list(actions[0])[: len(ACTION_COLUMNS)] == ACTION_COLUMNS
    assert list(read_csv(out / "offres.csv")[0]) == OFFRE_COLUMNS
    assert list(read_csv(out / "objectifs.csv")[0]) == OBJECTIF_COLUMNS
    assert list(read_csv(out / "fiches.csv")[0]) == FICHE_COLUMNS
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert len(actions) == sum(
        len(oi["actions"]) for t in plan["thematiques"] for axe in t["axes"] for oi in axe["objectifs_intermediaires"]
    ) + sum(len(axe["actions"]) for t in plan["thematiques"] for axe in t["axes"])
    row = next(r for r in actions if r["id"] == "petite_enfance-1-1-4")
    assert (row["thematique"], row["axe"], row["oi"], row["oo"], row["numero"]) == ("petite_enfance", "1", "1", "4 | 5", "4")
    assert row["source"] == "pgt-fiches-actions.txt" and row["source_ligne"] == "21"
    # the summary: counts per thématique, coverage, where the files went
    assert "enfance" in output and "Coverage:" in output and f"Written to {out}" in output


def test_multiline_cells_survive_csv(tmp_path):
    out, _ = run_convert(tmp_path)
    fiches = read_csv(out / "fiches.csv")
    multi = [f for f in fiches if "\n" in f["titre"]]
    assert multi, "cohésion sociale fiches keep their paragraph breaks"


def test_same_input_same_bytes(tmp_path):
    first, _ = run_convert(tmp_path, "a")
    second, _ = run_convert(tmp_path, "b")
    for path in sorted(first.iterdir()):
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_excel_csv_has_bom_and_semicolons(tmp_path):
    out, _ = run_convert(tmp_path, "x", "--csv", "excel")
    data = (out / "actions.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.splitlines()[0].count(b";") == len(ACTION_COLUMNS) - 1


def test_csv_option_is_an_enum_of_the_writers_dialects(tmp_path):
    """--csv was checked by hand; its choices are now the writers' CSV dialects."""
    assert [f.value for f in CsvFormat] == list(CSV_DIALECTS)
    result = CliRunner().invoke(app, ["convert", "raw/", "-o", str(tmp_path / "o"), "--csv", "tsv"])
    assert result.exit_code == 2 and "'default', 'excel'" in result.output
    assert not (tmp_path / "o").exists()


def test_schema_file_describes_the_plan(tmp_path):
    out, _ = run_convert(tmp_path)
    schema = json.loads((out / "plan.schema.json").read_text(encoding="utf-8"))
    assert schema["title"] == "Plan" and "Action" in schema["$defs"]


def test_missing_input_is_one_line_with_exit_3(tmp_path):
    result = CliRunner().invoke(app, ["convert", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 3
    assert "nope.txt" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_help_explains_with_an_example():
    result = CliRunner().invoke(app, ["convert", "--help"])
    assert result.exit_code == 0 and "Example: pgt convert" in result.output


def test_jobs_reads_several_files_in_parallel_same_plan(tmp_path):
    from pgt.pipeline import convert

    sequential = convert([RAW]).plan
    calls = []
    parallel = convert([RAW], jobs=2, on_progress=lambda stage, done, total: calls.append((stage, done, total))).plan
    assert parallel.model_dump() == sequential.model_dump()
    assert calls[-1] == ("files", 2, 2)


def test_jobs_parallel_files_keep_the_error_of_a_bad_one(tmp_path):
    import pytest

    from pgt.errors import UnreadableInput
    from pgt.pipeline import convert

    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(UnreadableInput, match="empty.txt: empty file"):
        convert([RAW / "pgt-priorisation.txt", tmp_path / "empty.txt"], jobs=2)
