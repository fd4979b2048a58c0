"""List numbering shared by the Word and OpenDocument readers: the label ("1.", "a)",
"III –", a bullet) a word processor draws before an item of a numbered list, which is not
in the paragraph's text. A PDF export shows these labels (action numbers, axe numerals),
so the readers render them to give the same rows.

This module holds what the formats share: the number formats (decimal, roman, letters),
the counters of a list by level (an item resets the deeper levels), and the rendering of a
level's label template. `docx_numbering.py` and `odt_numbering.py` keep only how their
format stores the lists (which level, which start, which restart), read into `ListLevel`.
Bullets are rendered "-", the way the plans' text exports show them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pgt.settings.headings import roman

BULLET = "-"
NO_LABEL = "none"  # a level that draws no label (Word's "none", an ODT level with no format)
def letters(number: int) -> str:
    """Letter numbering: a…z, then aa…zz, aaa… (the letter repeated), as Word and
    LibreOffice draw it."""
    if number <= 0:
        return str(number)
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def format_number(number: int, fmt: str) -> str:
    """A counter in a format named as Word names them (ODT's "I", "a"… map to these)."""
    if fmt == "upperRoman":
        return roman(number)
    if fmt == "lowerRoman":
        return roman(number).lower()
    if fmt == "upperLetter":
        return letters(number).upper()
    if fmt == "lowerLetter":
        return letters(number)
    if fmt == "decimalZero":
        return f"{number:02d}"
    return str(number)  # decimal, and the rarer formats read as decimal


def to_int(value: str | None, default: int) -> int:
    """A number read from a list definition's attribute; `default` when absent or unreadable."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# A label template: literal text and level references (the format's own level keys),
# e.g. Word's "%1.%2." → (0, ".", 1, "."), ODT's prefix/display-levels/suffix likewise.
Template = tuple[str | int, ...]


@dataclass(frozen=True)
class ListLevel:
    """One level of a list definition, whatever the format that stored it."""

    fmt: str  # "decimal", "upperRoman"…, "bullet", or NO_LABEL
    template: Template = ()
    start: int = 1
    separator: str = " "  # what follows the label (Word's `w:suff`; ODT: a space)
    legal: bool = False  # Word's "legal" numbering: every level shown in decimal


class Counters:
    """The counters of one list, by level: an item at a level resets the deeper levels
    (item 2 after 1.3 starts its sub-items anew)."""

    def __init__(self) -> None:
        self._values: dict[int, int] = {}

    def advance(self, level: int, start: int, restart: int | None = None) -> int:
        """Counts an item at `level`: `restart` when the item restarts the list, else the
        next number, or `start` for the level's first item."""
        if restart is not None:
            value = restart
        else:
            value = self._values[level] + 1 if level in self._values else start
        self._values[level] = value
        for deeper in [k for k in self._values if k > level]:
            del self._values[deeper]
        return value

    def get(self, level: int, default: int) -> int:
        return self._values.get(level, default)

    def forget(self, level: int) -> None:
        """The level starts anew at its next item (a restarted list instance)."""
        self._values.pop(level, None)


# A referenced level → (its number, its format), or None when the list defines no such level.
LevelNumber = Callable[[int], tuple[int, str] | None]


def render_label(level: ListLevel, number_of: LevelNumber) -> str:
    """The label drawn before an item of `level` ("" when none): its template with each
    level reference replaced by that level's counter in that level's format."""
    if level.fmt == "bullet":
        return BULLET + level.separator
    if level.fmt == NO_LABEL:
        return ""
    parts: list[str] = []
    for part in level.template:
        if isinstance(part, str):
            parts.append(part)
            continue
        found = number_of(part)
        if found is not None:
            number, fmt = found
            parts.append(format_number(number, "decimal" if level.legal else fmt))
    text = "".join(parts)
    return text + level.separator if text.strip() else ""
