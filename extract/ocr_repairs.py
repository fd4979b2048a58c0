"""Repairs of what Tesseract reads on these plans' scanned pages: pure functions of the
words and cells it printed (no bitmap, no engine), so that each is tested alone.

- `fix_ocr_word`: typographic apostrophes to the plain ones the documents use;
- `classify_dashes`: hyphen, en dash or em dash, told apart by their drawn length;
- `fix_word_confusions`: letter l or a bar read for digit 1 or capital I (roman numerals);
- `fix_ocr_cell`: the OO marker read as "00", fiche number lists read with colons.

The engine (`ocr.py`: rendering, rules, Tesseract) applies them; repairs that must look at
the bitmap again (`split_spaced_digits`) stay there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pgt.extract.rows import BBox

@dataclass
class Word:
    text: str
    bbox: BBox  # points, top-left origin
    line_key: tuple[int, int, int]  # Tesseract block, paragraph, line
    conf: float = 100.0  # Tesseract's word confidence, 0-100


# Tesseract's French model prints typographic apostrophes where the documents have the
# plain one; Word exports of these plans use the plain one.
_OCR_FIXES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def fix_ocr_word(text: str) -> str:
    """A word as Tesseract printed it, with the documents' plain apostrophes."""
    return text.translate(_OCR_FIXES).strip()


# "OO" (objectif opérationnel) opens many cells of these plans ("OO2.", the OO column);
# Tesseract reads it as "00", "O0", "0O": a cell starting with two or three O/0 before an
# optional number is that marker. A digit-only "00" before a number occurs nowhere else.
_OO_MARKER = re.compile(r"(?<!\w)[O0]{2,3}[!|]?(?=\d{1,2}\.)|^[O0]{2,3}$|^\(?[oeO0][J0O][oe]?\)?$")
_OO_ONE = re.compile(r"(?<!\w)OO[lI](?=\.)")  # "OOl." is "OO1."
_OO_GLUED = re.compile(r"(?<!\w)(OO\d{1,2}\.)(?=[^\W\d])")  # "OO1.Rendre": the space was lost


# A list of fiche numbers opening a cell (`3.5.11.12.13.`): Tesseract reads some of its
# dots as colons (`3:5.11:12:13`).
_NUMBER_LIST = re.compile(r"^(?:\d{1,2}[.:]){2,}(?=\s|\d|$)")


def fix_ocr_cell(text: str) -> str:
    """A cell's text with its OO marker ("00 2.", "OOl.") and its fiche number list
    (`3:5.11`) as printed, and an ellipsis as three dots."""
    text = _NUMBER_LIST.sub(lambda found: found.group(0).replace(":", "."), text)
    text = _OO_ONE.sub("OO1", _OO_MARKER.sub("OO", text))
    return _OO_GLUED.sub(r"\1 ", text).replace("\u2026", "...")


def classify_dashes(words: list[Word]) -> None:
    """Tesseract prints "-" for hyphen, en dash and em dash alike; their drawn length tells
    them apart: a hyphen's bar is about a quarter of the line height, an en dash's half,
    an em dash's a whole one. The line height is the tallest word of the Tesseract line."""
    tallest: dict[tuple[int, int, int], float] = {}
    for word in words:
        height = word.bbox[3] - word.bbox[1]
        tallest[word.line_key] = max(tallest.get(word.line_key, 0.0), height)
    for word in words:
        if word.text not in ("-", "\u2013", "\u2014"):
            continue
        ratio = (word.bbox[2] - word.bbox[0]) / max(tallest[word.line_key], 0.1)
        word.text = "-" if ratio < 0.4 else "\u2013" if ratio < 0.8 else "\u2014"


_ROMAN_MISREAD = re.compile(r"^[IVXl1|]*[l|][IVXl1|]*$")
_LETTER_L_AS_ONE = [(re.compile(r"(?<=\d)l|l(?=\d)"), "1"), (re.compile(r"^ler$"), "1er"), (re.compile(r"^lère$"), "1ère")]


def fix_word_confusions(words: list[Word]) -> None:
    """Letter l (or a bar) for digit 1 or capital I, the confusions Tesseract makes on these
    plans: "ler" is "1er", an "l" touching a digit is a "1"; a word of I/V/X with an "l"
    or "|" is a roman numeral in an all-capitals line or right after a long capitals word
    ("AXE STRATEGIQUE Il" is axe II, "AXE STRATEGIQUE |" axe I). Any other bar is an I
    among capitals, an l elsewhere (the rules it could have been are erased before OCR)."""
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        by_line.setdefault(word.line_key, []).append(word)
    for line in by_line.values():
        letters = [w.text for w in line if any(ch.isalpha() for ch in w.text)]
        capitals = len(letters) >= 2 and sum(t.isupper() for t in letters) >= len(letters) - 1
        line.sort(key=lambda w: w.bbox[0])
        for before, word in zip([None, *line], line):
            # a heading word: STRATEGIQUE, INTERMEDIAIRE, THEMATIQUE ("CAF Il" stays)
            after_capitals = before is not None and len(before.text) >= 6 and before.text.isupper()
            if (capitals or after_capitals) and len(word.text) <= 4 and _ROMAN_MISREAD.match(word.text):
                word.text = word.text.replace("l", "I").replace("1", "I").replace("|", "I")
                continue
            if "|" in word.text:
                word.text = word.text.replace("|", "I" if capitals else "l")
            for pattern, replacement in _LETTER_L_AS_ONE:
                word.text = pattern.sub(replacement, word.text)
