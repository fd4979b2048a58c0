"""Repairs of what Tesseract reads on these plans' scanned pages: pure functions of the
words and cells it printed (no bitmap, no engine), so that each is tested alone.

- `fix_ocr_word`: typographic apostrophes to the plain ones the documents use;
- `classify_dashes`: hyphen, en dash or em dash, told apart by their drawn length;
- `fix_word_confusions`: letter l or a bar read for digit 1 or capital I (roman numerals);
- `fix_ocr_cell`: the OO marker read as "00", fiche number lists read with colons;
- `repair_cell_text`, `respace_words`: a cell of one stroke, braces for slashes, spaced
  commas, words cut at the wrong letter (the PDF reader applies them with the document's
  words, `pdf.repair_scanned_marks`);
- `repair_action_marks`: action numbers garbled, from the sequence around them (below).

The engine (`ocr.py`: rendering, rules, Tesseract) applies them; repairs that must look at
the bitmap again (`split_spaced_digits`) stay there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pgt.extract.rows import BBox

@dataclass
class Word:
    """A word Tesseract read, with its box and confidence."""
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


# ---- action numbers OCR garbled --------------------------------------------------------

# Action numbers that OCR garbled, repaired from the numbers around them.
#
# An action's row opens with its number and a dot (`21. Participation à la Fête…`). On a
# noisy scan Tesseract drops the dot (`12 Organisation…`), reads it as another mark
# (`22: …`, `25; …`, `42.. …`), loses a digit (`1 Développement…` for 11) or reads the number
# as letters (`ZT Participation…` for 21). Unrepaired, the row is no action's start: its
# cells are read as more of the action above, and the action is lost.
#
# Plans number their actions in sequence down the first column (across tables and pages).
# So a row of a scanned page whose first cell opens with such a garbled mark, a capitalised
# word after it, takes the number its neighbours leave for it: the one after the number
# above when the number below is the one after that (or 1 when the numbering starts again
# at 2 below it and the mark read starts with that 1: `1K …`); else, a mark that only lost
# its dot or was read as another mark keeps the number read.

_GOOD = re.compile(r"^(\d{1,3})\. (?=\S)")  # `21. Participation`
# A number with no dot or another mark (`12 Organisation`, `22: Organisation`, `42.. D`)
_NUMBER_MARK = re.compile(r"^(\d{1,3}) ?(?:[.:;,]{1,2})? (?=[A-ZÀÂÉÈÊÎÔÇ][a-zà-ÿ'’])")
# A short token read in place of the number (`ZT Participation`, `Z1. …`): no word
_GARBLED_MARK = re.compile(r"^([0-9A-Z|!]{1,3})[.:;,]{0,2} (?=[A-ZÀÂÉÈÊÎÔÇ][a-zà-ÿ'’])")
_WORDS = {"A", "À", "AU", "LE", "LA", "LES", "UN", "UNE", "DE", "DU", "DES", "EN", "ET", "OU", "OO", "OI", "PAR"}


def _number(cell: str) -> int | None:
    found = _GOOD.match(cell)
    return int(found.group(1)) if found else None


def _restart(above: int | None, below: int | None, token: str) -> bool:
    """The numbering starts again (a new thématique) at this row: the number below is 2
    and no higher one is above it, and what was read starts with the 1 (`1K Recensement`)."""
    return below == 2 and (above is None or above >= below) and token.startswith("1") and token != "1"


def repair_action_marks(first_cells: list[str], scanned: list[bool]) -> list[str]:
    """The first cells of a document's table rows, in reading order, with the garbled action
    numbers of those read by OCR (`scanned`) repaired (see module doc). A repair may give
    the next its neighbour (`1 …`, `12 …` between 10 and 13): repeated until none is left."""
    cells = list(first_cells)
    while _repair_pass(cells, scanned):
        pass
    return cells


def _repair_pass(cells: list[str], scanned: list[bool]) -> int:
    numbers = [(i, n) for i, n in enumerate(map(_number, cells)) if n is not None]
    fixed = 0
    for i, cell in enumerate(cells):
        if not scanned[i] or not cell or _number(cell) is not None:
            continue
        above = next((m for j, m in reversed(numbers) if j < i), None)
        below = next((m for j, m in numbers if j > i), None)
        expected = above + 1 if above is not None and below == above + 2 else None
        mark = _NUMBER_MARK.match(cell)
        garbled = _GARBLED_MARK.match(cell)
        if mark is not None:
            read = int(mark.group(1))
            # a lost digit (`1` for 11): the sequence's number; else the number read
            numero = expected if expected is not None and read != expected and str(read) in str(expected) else read
            if numero != expected and (above is None or not above < numero <= above + 2):
                continue  # out of sequence: a count (`3 Ateliers`), not a number
            rest = cell[mark.end():]
        elif garbled is not None and expected is not None and garbled.group(1).upper() not in _WORDS:
            numero, rest = expected, cell[garbled.end():]
        elif garbled is not None and _restart(above, below, garbled.group(1)):
            numero, rest = below - 1, cell[garbled.end():]  # type: ignore[operator]
        else:
            continue
        cells[i] = f"{numero}. {rest}"
        numbers = sorted([*numbers, (i, numero)])
        fixed += 1
    return fixed


# ---- a scanned cell's characters and spaces ------------------------------------------------

_LONE_ONE = {"l", "I", "|", "]", "!"}  # a cell of one stroke: the digit 1 (an OO column's `1`)
_SPACE_BEFORE_COMMA = re.compile(r" ,(?=\w| |$)")  # French puts none: `enseignants ,les`
# `scolaire {vacances`: a slash, spaced on both sides as its one space tells
_BRACE_BEFORE, _BRACE_AFTER = re.compile(r"(?<=\s)[{}](?=\w)"), re.compile(r"(?<=\w)[{}](?=\s)")
_LETTERS = re.compile(r"^[^\W\d_]+(?:['’][^\W\d_]+)?$")
_ONE_LETTER = {"a", "à", "y", "ô"}


def repair_cell_text(cell: str) -> str:
    """What Tesseract misreads in a scanned cell, whatever the plan: a cell of one stroke
    is `1`, a brace alone between words is `/`, no space before a comma."""
    if cell in _LONE_ONE:
        return "1"
    if "{" in cell or "}" in cell:
        if cell.count("{") != cell.count("}"):
            cell = _BRACE_AFTER.sub(" /", _BRACE_BEFORE.sub("/ ", cell))
    if " ," in cell:
        cell = _SPACE_BEFORE_COMMA.sub(", ", cell).replace(",  ", ", ").rstrip()
    return cell


def respace_words(text: str, known: Callable[[str], bool], count: Callable[[str], int]) -> str:
    """Words Tesseract cut at the wrong letter (`financemen tavec`, `périscolaire set`):
    two words replaced by a reading of them — the two joined, one or two letters moved
    across the space — whose words the document prints far more often (`count`: five
    times as often, three times at least), or, when either is no word (`known`), by the
    first reading all of words. A token that is no word, by two common words it is made
    of (`anset`: `ans et`)."""
    tokens = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        a = tokens[i]
        b = tokens[i + 1] if i + 1 < len(tokens) else None
        if not _LETTERS.match(a):
            out.append(a)
            i += 1
            continue
        if b is None or not _LETTERS.match(b.rstrip(".,;:)")):
            out += _split_unknown(a, known, count)
            i += 1
            continue
        tail = b[len(b.rstrip(".,;:)")):]
        b = b[: len(b) - len(tail)] if tail else b
        readings = [[a + b], *([a + b[:k], b[k:]] for k in (1, 2)), *([a[:-k], a[-k:] + b] for k in (1, 2))]
        readings = [r for r in readings if all(len(p) >= 2 or p.casefold() in _ONE_LETTER for p in r)]
        now = min(count(a), count(b))
        best = max(readings, key=lambda r: min(count(p) for p in r), default=None)
        found = best if best and min(count(p) for p in best) >= max(3, 5 * now) else None
        if found is None and not (known(a) and known(b)):
            found = next((r for r in readings if all(known(p) for p in r)), None)
        if found is None:
            out += _split_unknown(a, known, count)
            tokens[i + 1] = b + tail
            i += 1
            continue
        found[-1] += tail
        out += found
        i += 2
    return " ".join(out)


def _split_unknown(token: str, known: Callable[[str], bool], count: Callable[[str], int]) -> list[str]:
    if len(token) < 5 or known(token) or not _LETTERS.match(token):
        return [token]
    for k in range(2, len(token) - 1):
        if min(count(token[:k]), count(token[k:])) >= 3 and known(token[:k]) and known(token[k:]):
            return [token[:k], token[k:]]
    return [token]
