"""Golden outputs of raw/: any change to what `pgt convert raw/` writes shows up here as a
diff to review. Regenerate on purpose only: `PGT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest
tests/test_golden.py`, then read `git diff tests/golden/` before committing. The same flag
regenerates the packaged plan.schema.json (schema/data/) from the model."""

from __future__ import annotations

import difflib
import os

import pytest
from helpers import RAW, ROOT

from pgt.pipeline import convert
from pgt.schema import SCHEMA_FILE, plan_json_schema, plan_schema_text
from pgt.write import render_outputs
from pgt.write.encoding import json_text

GOLDEN = ROOT / "tests" / "golden" / "raw"
GOLDEN_FILES = ["actions.csv", "offres.csv", "objectifs.csv", "fiches.csv", "corrections.csv",
                "anomalies.csv", "plan.schema.json"]
UPDATE = os.environ.get("PGT_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def rendered():
    return render_outputs(convert([RAW]).plan)


def test_update_flag_never_set_in_ci():
    assert not (UPDATE and os.environ.get("CI")), "PGT_UPDATE_GOLDEN must not be set in CI"


@pytest.mark.parametrize("name", GOLDEN_FILES)
def test_output_matches_golden(rendered, name):
    produced = rendered[name]
    assert isinstance(produced, str)
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_bytes(produced.encode("utf-8"))
    assert path.exists(), f"{path} missing: regenerate with PGT_UPDATE_GOLDEN=1"
    expected = path.read_bytes().decode("utf-8")
    if produced != expected:
        diff = "".join(list(difflib.unified_diff(
            expected.splitlines(keepends=True), produced.splitlines(keepends=True),
            fromfile=f"golden/{name}", tofile=f"now/{name}", n=0))[:40])
        pytest.fail(f"{name} differs from its golden copy (regenerate with PGT_UPDATE_GOLDEN=1 "
                    f"if intended, then review git diff):\n{diff}")


def test_packaged_plan_schema_is_the_models():
    """Issue 15: plan.schema.json is written from its packaged copy, not generated on every
    convert; the copy is what the model generates, byte for byte (a changed model fails here
    until the copy is regenerated with PGT_UPDATE_GOLDEN=1)."""
    generated = json_text(plan_json_schema())
    packaged = ROOT / "schema" / "data" / SCHEMA_FILE
    if UPDATE:
        packaged.write_bytes(generated.encode("utf-8"))
    assert plan_schema_text() == generated, "schema/data/plan.schema.json is stale: regenerate with PGT_UPDATE_GOLDEN=1"
