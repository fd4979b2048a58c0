"""The layers of layers.toml hold: no part imports one it may not, at module level or inside a
function (an import hidden in a function to dodge a cycle is still an edge)."""

from __future__ import annotations

import ast
import sys

from helpers import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SKIPPED = {"tests", "scripts", "docs", ".venv", ".git", "build", "output", "raw"}


def declared() -> dict[str, set[str]]:
    parts = tomllib.loads((ROOT / "layers.toml").read_text(encoding="utf-8"))["parts"]
    return {name: set(allowed) for name, allowed in parts.items()}


def part_of(path) -> str:  # noqa: ANN001 - a Path under ROOT
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def package_files() -> list:
    """The package's own .py files (top-level modules and part folders, not .venv or tests)."""
    files = []
    for entry in ROOT.iterdir():
        if entry.name in SKIPPED or entry.name.startswith("."):
            continue
        if entry.suffix == ".py" and entry.name != "__init__.py":
            files.append(entry)
        elif entry.is_dir() and (entry / "__init__.py").exists():
            files.extend(entry.rglob("*.py"))
    return files


def imports() -> dict[str, set[tuple[str, str]]]:
    """part → {(imported part, where)} for every `pgt.<part>` import of the package's code."""
    found: dict[str, set[tuple[str, str]]] = {}
    for path in package_files():
        relative = path.relative_to(ROOT)
        source = part_of(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else \
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                if name.startswith("pgt.") and name.split(".")[1] != source:
                    found.setdefault(source, set()).add((name.split(".")[1], f"{relative}:{node.lineno}"))
    return found


def test_every_part_is_declared_in_layers_toml():
    parts = {part_of(p) for p in ROOT.iterdir()
             if (p.suffix == ".py" and p.name != "__init__.py") or (p.is_dir() and (p / "__init__.py").exists()
                                                                     and p.name not in SKIPPED)}
    assert parts - set(declared()) == set(), "a new top-level part: place it in layers.toml"


def test_imports_follow_the_layers():
    layers = declared()
    wrong = sorted(f"{where}: {source} imports {target}"
                   for source, edges in imports().items() for target, where in edges
                   if target not in layers.get(source, set()))
    assert wrong == []


def test_layers_have_no_cycle():
    layers = declared()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
                   for nxt in layers.get(start, ()))

    assert [name for name in layers if reaches(name, name, {name})] == []
