"""The normalizer modules import at module level, with no cycle: each can be imported first,
alone, and the typo fixer imports the acronym list without an import inside a function."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
from helpers import ROOT


@pytest.mark.parametrize("module", ["typos", "fields", "duplicates", "crosswalk", "hierarchy", "records"])
def test_each_normalizer_module_imports_first_and_alone(module):
    subprocess.run([sys.executable, "-c", f"import pgt.normalize.{module}"], check=True)


def test_typo_fixer_imports_nothing_inside_its_functions():
    """profile_fixer and load_lexicon imported known_acronyms inside the function."""
    tree = ast.parse((ROOT / "normalize" / "typos.py").read_text(encoding="utf-8"))
    inner = [f"{node.name}:{child.lineno}" for node in ast.walk(tree)
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
             for child in ast.walk(node) if isinstance(child, (ast.Import, ast.ImportFrom))]
    assert inner == []
