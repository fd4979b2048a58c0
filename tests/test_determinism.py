"""Determinism: runs under another locale, timezone and hash seed give identical bytes."""

from __future__ import annotations

import subprocess

import pytest
from cli_run import run_pgt
from helpers import RAW


def available_locale(*wanted: str) -> str:
    found = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    normal = {name.lower().replace("-", ""): name for name in found}
    for name in wanted:
        if name.lower().replace("-", "") in normal:
            return normal[name.lower().replace("-", "")]
    return "C"


ENVIRONMENTS = {
    "c": {"LC_ALL": "C", "LANG": "C", "TZ": "UTC", "PYTHONHASHSEED": "1"},
    "fr": {"LC_ALL": available_locale("fr_FR.UTF-8", "fr_FR.utf8", "C.UTF-8", "C.utf8"), "TZ": "Pacific/Auckland",
           "PYTHONHASHSEED": "2", "PYTHONIOENCODING": "utf-8"},
    "seed": {"LC_ALL": available_locale("C.UTF-8", "C.utf8"), "TZ": "America/St_Johns", "PYTHONHASHSEED": "random"},
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folders = {}
    for name, env in ENVIRONMENTS.items():
        out = tmp_path_factory.mktemp(name) / "output"
        result = run_pgt("convert", RAW, "-o", out, "-q", env=env)
        assert result.returncode == 0, (name, result.stderr)
        folders[name] = out
    return folders


def test_same_files_in_every_environment(outputs):
    names = {name: sorted(p.name for p in out.iterdir()) for name, out in outputs.items()}
    assert len({tuple(v) for v in names.values()}) == 1, names


@pytest.mark.parametrize("other", ["fr", "seed"])
def test_same_bytes_in_every_environment(outputs, other):
    for path in sorted(outputs["c"].iterdir()):
        assert path.read_bytes() == (outputs[other] / path.name).read_bytes(), f"{path.name} differs under {other}"
