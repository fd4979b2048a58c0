"""`pgt --help` loads typer alone, `pgt check` neither the workbook writer nor the review
page: each command imports what it uses (the CLI's lazy imports)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from sheet_fixtures import plan_spec, workbook_with_columns

from pgt.extract.spreadsheet import OWNED_PROCESS

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
HEAVY = %r
from pgt.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in
                        ("pgt", "xlsxwriter", "openpyxl", "jinja2", "pydantic", "pdfplumber", "camelot",
                         *HEAVY))))
"""
# optional heavy dependencies: each loaded only by the command and input that use it
HEAVY = ("pandas", "numpy", "openpyxl", "pdfplumber", "pdfminer", "camelot", "cv2", "PIL", "pypdfium2",
         "docx", "odf", "rapidfuzz", "spellchecker", "rich", "tesserocr", "pytesseract")


def modules_loaded(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE % (HEAVY,), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def top_level(loaded: set[str]) -> set[str]:
    return {m.split(".")[0] for m in loaded}


def test_help_loads_no_pipeline():
    loaded = modules_loaded("--help")
    assert not loaded & {"pgt.pipeline", "pgt.structure", "pgt.write", "pydantic", "jinja2", "xlsxwriter"}
    assert not top_level(loaded) & set(HEAVY)  # not even the fuzzy matcher


def test_check_of_text_loads_only_the_validation_and_the_fuzzy_matcher():
    """`pgt check raw/`: pydantic (the models) and rapidfuzz (header and typo matching); no
    reader of another format, no writer, no dataframe, no progress bar."""
    heavy = top_level(modules_loaded("check", "raw", "-q")) & set(HEAVY)
    assert heavy == {"rapidfuzz"}


def test_check_builds_no_workbook_and_no_page():
    loaded = modules_loaded("check", "raw", "-q")
    assert "pgt.pipeline" in loaded and "pgt.check" in loaded
    assert not loaded & {"pgt.write.xlsx", "pgt.write.report", "xlsxwriter", "openpyxl", "jinja2"}
    assert not loaded & {"pdfplumber", "camelot"}  # a text export reads no PDF library


PDF_READER = {"pgt.extract.pdf", "pgt.extract.pdf_tables", "pgt.extract.pdf_layout", "pgt.extract.pdf_breaks",
              "pgt.extract.pdf_camelot", "pgt.extract.ocr", "pgt.extract.ocr_repairs", "pgt.extract.tesseract_api",
              "pgt.extract.page_images"}
OTHER_READERS = {*PDF_READER, "pgt.extract.spreadsheet", "pgt.extract.docx", "pgt.extract.odt"}


def test_text_exports_load_no_pdf_reader_module(tmp_path):
    """Issue 15: the PDF reader's own modules (layout, tables, page breaks, OCR, row
    pictures), light as they are, are loaded when a PDF is read, the spreadsheet reader (its
    ODS parser) when a spreadsheet is: not by `pgt check raw/` (some 12 ms of its start) nor
    `pgt convert raw/`."""
    assert not modules_loaded("check", "raw", "-q") & {*OTHER_READERS, "pgt.extract.pool"}  # one process
    assert not modules_loaded("convert", "raw", "-o", str(tmp_path / "out"), "-q") & OTHER_READERS


def test_convert_loads_the_writers(tmp_path):
    loaded = modules_loaded("convert", "raw", "-o", str(tmp_path / "out"), "-q", "--jobs", "1")
    assert {"pgt.write.xlsx", "pgt.write.report", "xlsxwriter", "jinja2"} <= loaded
    assert "openpyxl" not in loaded and not loaded & {"pdfplumber", "camelot"}


def test_convert_on_two_processes_leaves_the_workbook_writer_to_the_child(tmp_path):
    """The table files are written by the forked process: it alone loads XlsxWriter."""
    loaded = modules_loaded("convert", "raw", "-o", str(tmp_path / "out"), "-q", "--jobs", "2")
    assert {"pgt.write.report", "jinja2"} <= loaded
    assert not loaded & {"pgt.write.xlsx", "xlsxwriter", "openpyxl"}
    assert (tmp_path / "out" / "actions.xlsx").read_bytes()[:2] == b"PK"


def test_cli_loads_no_pydantic_plugin():
    """The CLI turns pydantic's plugin search off (a scan of every installed distribution's
    metadata), unless the user set PYDANTIC_DISABLE_PLUGINS himself."""
    probe = ("import os, sys; os.environ.pop('PYDANTIC_DISABLE_PLUGINS', None); import pgt.cli; "
             "from pydantic.plugin._loader import get_plugins; "
             "print(os.environ['PYDANTIC_DISABLE_PLUGINS'], list(get_plugins()))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["__all__", "[]"]


def test_lazy_pattern_compiles_on_first_use_and_answers_as_its_pattern():
    """Issue 15: the patterns only some documents need (settings.text.LazyPattern) are not
    compiled at import; used, they match, substitute and split as re.compile's."""
    import copy
    import re

    from pgt.settings.text import LazyPattern

    source, flags = r"(\d+)\s*[.:–-]\s*(\S.*)", re.IGNORECASE | re.DOTALL
    lazy, compiled = LazyPattern(source, flags), re.compile(source, flags)
    assert "match" not in vars(lazy)  # nothing compiled yet
    assert copy.deepcopy(lazy) is not lazy and "match" not in vars(copy.deepcopy(lazy))
    text = "12 – Créer un lieu\nd'accueil; 3: suite"
    assert lazy.match(text).groups() == compiled.match(text).groups()
    assert lazy.sub("#", text) == compiled.sub("#", text) and lazy.split(text) == compiled.split(text)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert (lazy.pattern, lazy.flags, lazy.groups) == (compiled.pattern, compiled.flags, compiled.groups)
    assert vars(lazy)["match"].__self__ is re.compile(source, flags)  # the pattern's own method now


def test_fiche_form_patterns_not_compiled_by_a_text_check():
    """`pgt check raw/` (no fiche form) leaves the fiche form's heading patterns uncompiled."""
    probe = ("import sys; from pgt.cli import app\n"
             "try:\n    app(['check', 'raw', '-q'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
             "from pgt.structure import fiche\n"
             "print(sorted(n for n in ('FICHE_HEADING', 'AXE_HEADING', 'AMOUNT') if 'match' in vars(getattr(fiche, n))))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "[]"


def test_every_dataclass_has_a_docstring():
    """Issue 15: a dataclass made without a docstring gets its signature computed as its
    __doc__ (inspect.signature, a third of the cost of making it: some 5 ms of a command's
    start over pgt's dataclasses)."""
    undocumented = []
    for path in ROOT.rglob("*.py"):
        if {".venv", "tests", "scripts", "build", ".git"} & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    "dataclass" in ast.unparse(d) for d in node.decorator_list) and ast.get_docstring(node) is None:
                undocumented.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert undocumented == []


NUMPY_PROBE = """
import json, os, sys
from pathlib import Path
from pgt.extract import read_document
from pgt.write import can_fork
document = read_document(Path(sys.argv[1]))
loaded = "numpy" in sys.modules
threads = len(os.listdir("/proc/self/task"))
fork = can_fork()
import numpy  # loaded as usual afterwards (camelot's, for a PDF of the same run)
print(json.dumps({"rows": len(document.rows), "numpy": loaded, "threads": threads, "can_fork": fork,
                  "numpy_after": numpy.__name__, "openpyxl": "openpyxl" in sys.modules}))
"""


def _read_workbook_probe(workbook: Path, owned: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", OWNED_PROCESS)}
    if owned:
        env[OWNED_PROCESS] = "1"
    done = subprocess.run([sys.executable, "-c", NUMPY_PROBE, str(workbook)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)  # (the suite's conftest sets OPENBLAS_NUM_THREADS)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_workbook_reader_loads_openpyxl_without_numpy_and_can_fork(tmp_path):
    """In the process of the `pgt` command: openpyxl imports numpy only for the number types
    it might write, so reading a workbook loads neither numpy (~45 ms) nor its OpenBLAS
    threads (~0.09 s of CPU; they would keep `pgt convert` from writing on two processes)."""
    workbook = workbook_with_columns(plan_spec(1, n_actions=12), tmp_path / "plan.xlsx")
    found = _read_workbook_probe(workbook, owned=True)
    assert found["openpyxl"] and found["rows"] >= 13  # a header row and the 12 actions at least
    assert found["numpy"] is False and found["numpy_after"] == "numpy"
    if Path("/proc/self/task").exists():
        assert found["threads"] == 1 and found["can_fork"] is True


def test_workbook_reader_leaves_a_library_callers_openpyxl_as_it_is(tmp_path):
    """Called as a library, pgt does not change the host's openpyxl: it keeps numpy's number
    types (the host may write numpy's integers with it)."""
    workbook = workbook_with_columns(plan_spec(1, n_actions=12), tmp_path / "plan.xlsx")
    found = _read_workbook_probe(workbook, owned=False)
    assert found["openpyxl"] and found["numpy"] is True


def test_the_pgt_command_owns_its_process():
    """`pgt` (`cli.main`) sets the variable the workbook reader reads."""
    probe = ("import os, sys\nimport pgt.cli as cli\nfrom pgt.extract.spreadsheet import OWNED_PROCESS\n"
             "def app():\n    print(os.environ.get(OWNED_PROCESS), flush=True)\n    sys.exit(0)\n"
             "cli.app = app\ncli.main()\n")
    env = {k: v for k, v in os.environ.items() if k != OWNED_PROCESS}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"
