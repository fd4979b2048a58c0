"""The OCR repairs (extract/ocr_repairs.py) are pure text functions: importing them loads
no engine (no bitmap library, no Tesseract), and each is tested on words alone."""

from __future__ import annotations

import ast
import subprocess
import sys

from helpers import ROOT
from pgt.extract.ocr_repairs import Word, classify_dashes, fix_ocr_cell, fix_ocr_word, fix_word_confusions


def test_repairs_load_no_ocr_engine():
    """ocr.py mixed the engine with the repairs: testing a repair meant loading the engine."""
    code = ("import sys, pgt.extract.ocr_repairs; "
            "print(sorted(m for m in ('numpy', 'cv2', 'pypdfium2', 'PIL') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
    # and the repairs module itself imports no part of the engine
    tree = ast.parse((ROOT / "extract" / "ocr_repairs.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not imported & {"pgt.extract.ocr", "pgt.extract.tesseract_api", "pgt.extract.pdf"}


def test_typographic_apostrophes_become_plain():
    assert fix_ocr_word(" l\u2019accueil \u2018CLAS\u2019 ") == "l'accueil 'CLAS'"


def test_repairs_of_one_scanned_line():
    """An axe heading as Tesseract reads it: a roman numeral with an l, a long dash, OO."""
    words = [Word("AXE", (10, 10, 40, 30), (1, 1, 1)), Word("STRATEGIQUE", (45, 10, 150, 30), (1, 1, 1)),
             Word("Il", (155, 10, 165, 30), (1, 1, 1)), Word("-", (170, 10, 190, 30), (1, 1, 1))]
    classify_dashes(words)
    fix_word_confusions(words)
    assert [w.text for w in words] == ["AXE", "STRATEGIQUE", "II", "\u2014"]
    assert fix_ocr_cell("00 1. Soutenir\u2026") == "00 1. Soutenir..."  # a spaced number is no OO marker
    assert fix_ocr_cell("0O3. Soutenir") == "OO3. Soutenir"
