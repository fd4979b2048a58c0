"""`pgt --help` loads typer alone, `pgt check` neither the workbook writer nor the review
page: each command imports what it uses (the CLI's lazy imports)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
