"""Action numbers that OCR garbled, repaired from the numbers around them.

An action's row opens with its number and a dot (`21. Participation à la Fête…`). On a
noisy scan Tesseract drops the dot (`12 Organisation…`), reads it as another mark
(`22: …`, `25; …`, `42.. …`), loses a digit (`1 Développement…` for 11) or reads the number
as letters (`ZT Participation…` for 21). Unrepaired, the row is no action's start: its
cells are read as more of the action above, and the action is lost.

Plans number their actions in sequence down the first column (across tables and pages).
So a row of a scanned page whose first cell opens with such a garbled mark, a capitalised
word after it, takes the number its neighbours leave for it: the one after the number
above when the number below is the one after that; else, a mark that only lost its dot
or was read as another mark keeps the number read.
"""

from __future__ import annotations

import re

_GOOD = re.compile(r"^(\d{1,3})\. (?=\S)")  # `21. Participation`
# A number with no dot or another mark (`12 Organisation`, `22: Organisation`, `42.. D`)
_NUMBER_MARK = re.compile(r"^(\d{1,3}) ?(?:[.:;,]{1,2})? (?=[A-ZÀÂÉÈÊÎÔÇ][a-zà-ÿ'’])")
# A short token read in place of the number (`ZT Participation`, `Z1. …`): no word
_GARBLED_MARK = re.compile(r"^([0-9A-Z|!]{1,3})[.:;,]{0,2} (?=[A-ZÀÂÉÈÊÎÔÇ][a-zà-ÿ'’])")
_WORDS = {"A", "À", "AU", "LE", "LA", "LES", "UN", "UNE", "DE", "DU", "DES", "EN", "ET", "OU", "OO", "OI", "PAR"}


def _number(cell: str) -> int | None:
    found = _GOOD.match(cell)
    return int(found.group(1)) if found else None


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
        else:
            continue
        cells[i] = f"{numero}. {rest}"
        numbers = sorted([*numbers, (i, numero)])
        fixed += 1
    return fixed
