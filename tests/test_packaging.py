"""Packaging: every data folder of the package is a declared package with its package data
(setuptools warned `Package 'pgt.normalize.data' is absent from the packages configuration`),
and what `pip wheel .` writes is ignored by git (a clean clone stays clean)."""

from __future__ import annotations

import fnmatch
import subprocess
import sys

from helpers import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def data_folders() -> dict[str, list[str]]:
    """`pgt.settings.data` → its files, for every folder of a part (extract/, normalize/…)
    holding no Python."""
    found: dict[str, list[str]] = {}
    for package in SETUPTOOLS["packages"]:
        if package == "pgt":  # the repository root: raw/, docs/, tests/ are not the package's data
            continue
        folder = ROOT.joinpath(*package.split(".")[1:])
        for child in folder.iterdir():
            if child.is_dir() and child.name != "__pycache__" and not any(child.glob("*.py")):
                found[f"{package}.{child.name}"] = [f.name for f in child.iterdir() if f.is_file()]
    return found


def test_every_data_folder_is_a_package_with_its_files_declared():
    folders = data_folders()
    assert {"pgt.schema.data", "pgt.settings.data", "pgt.write.templates"} <= set(folders)
    for package, files in folders.items():
        assert package in SETUPTOOLS["packages"], package
        patterns = SETUPTOOLS["package-data"].get(package, [])
        assert all(any(fnmatch.fnmatch(name, p) for p in patterns) for name in files), (package, files)


def test_build_outputs_ignored_and_sdist_says_it_carries_no_tests():
    ignored = subprocess.run(["git", "check-ignore", "build/lib/pgt/cli.py", "dist/pgt-0.1.0.tar.gz"],
                             cwd=ROOT, capture_output=True, text=True)
    assert ignored.stdout.split() == ["build/lib/pgt/cli.py", "dist/pgt-0.1.0.tar.gz"]
    assert "prune tests" in (ROOT / "MANIFEST.in").read_text(encoding="utf-8").splitlines()
