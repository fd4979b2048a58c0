"""The layers of layers.toml hold: no part imports one it may not, at module level or inside a
function (an import hidden in a function to dodge a cycle is still an edge)."""

from __future__ import annotations

import ast
import subprocess
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


# Libraries heavy to load (or optional): an import inside a function may defer one of them.
HEAVY = {"camelot", "cv2", "docx", "jinja2", "lxml", "numpy", "odf", "openpyxl", "pandas", "pdfplumber", "PIL",
         "pydantic", "pypdfium2", "rapidfuzz", "rich", "xlsxwriter"}


def function_imports() -> dict[str, set[str]]:
    """module imported inside a function → where, for the package's code."""
    found: dict[str, set[str]] = {}
    for path in package_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            for node in ast.walk(function):
                names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else \
                    [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                for name in names:
                    found.setdefault(name, set()).add(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_imports_inside_functions_only_defer_heavy_libraries():
    # a module of pgt imported inside a function must itself load a heavy library (checked below)
    wrong = {name: where for name, where in function_imports().items()
             if name.split(".")[0] not in HEAVY and not name.startswith("pgt.")}
    assert not wrong, f"imports inside functions that defer nothing heavy: {wrong}"


# pgt modules light themselves but used by one kind of input or work only, imported inside
# the functions that need them, so that a command on text exports (`pgt check raw/`) loads
# none of them (issue 15: the PDF reader's modules cost some 10 ms of its start;
# tests/test_lazy_imports.py holds that they stay unloaded): the PDF reader (pdf, its
# settings in pdf_tables), the row pictures cut from PDF pages (page_images), and the
# process pool of `--jobs` (pool), loaded when the work may be shared (not by `pgt check`).
ON_DEMAND = {"pgt.extract.pdf", "pgt.extract.pdf_tables", "pgt.extract.page_images", "pgt.extract.pool"}


def test_pgt_modules_imported_inside_functions_load_a_heavy_library():
    deferred = sorted(name for name in function_imports() if name.startswith("pgt.") and name not in ON_DEMAND)
    probe = ("import sys, importlib\nheavy = %r\nfor name in sys.argv[1:]:\n"
             "    before = set(sys.modules)\n    importlib.import_module(name)\n"
             "    if not {m.split('.')[0] for m in set(sys.modules) - before} & heavy:\n        print(name)\n") % HEAVY
    # each module in a fresh interpreter: what an earlier one loaded would hide the answer
    light = [name for name in deferred
             if subprocess.run([sys.executable, "-c", probe, name], capture_output=True, text=True,
                               check=True).stdout.strip()]
    assert not light, f"modules imported inside functions although they load nothing heavy: {light}"
