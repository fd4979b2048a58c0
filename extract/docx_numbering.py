"""Word automatic numbering: the "1.", "a)", "III –" or bullet Word draws before a
paragraph of a numbered list, which is not in the paragraph's text.

A PDF export shows these labels (action numbers "12. …", axes "AXE STRATEGIQUE II"), so
the DOCX reader must render them to give the same rows. Supported: direct numbering
(`w:numPr` on the paragraph) and numbering carried by a paragraph style (headings), the
usual formats (decimal, roman, letters, bullets, none), level texts like "%1.%2.",
start values and `w:startOverride` restarts. Counters are kept per abstract list, as Word
continues a list across the `w:num` instances that share it unless one restarts it.
The counters, number formats and label rendering are shared with the ODT reader
(`list_numbering.py`); this module reads how Word stores the lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

from pgt.extract.list_numbering import NO_LABEL, Counters, ListLevel, Template, render_label, to_int

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_VAL = f"{{{_W}}}val"
_LEVEL_REFERENCE = re.compile(r"%([1-9])")


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _val(element: object | None, default: str | None = None) -> str | None:
    return default if element is None else element.get(_VAL, default)  # type: ignore[attr-defined]


def _template(text: str) -> Template:
    """Word's level text ("%1.%2.") as a template: `%N` names level N - 1 (`w:ilvl`)."""
    pieces = _LEVEL_REFERENCE.split(text)
    # split() alternates literal text and the captured level digits
    return tuple(piece if i % 2 == 0 else int(piece) - 1 for i, piece in enumerate(pieces) if piece)


@dataclass(frozen=True)
class _Level:
    """A level of a Word list numbering, and the style it numbers."""
    spec: ListLevel
    style: str | None  # the paragraph style this level numbers (headings), if any


def _level(lvl: object | None) -> _Level:
    fmt = _val(_find(lvl, "numFmt"), "decimal") or "decimal"
    spec = ListLevel(
        fmt=NO_LABEL if fmt == "none" else fmt,
        template=_template(_val(_find(lvl, "lvlText"), "") or ""),
        start=to_int(_val(_find(lvl, "start")), 1),
        separator="" if _val(_find(lvl, "suff"), "tab") == "nothing" else " ",
        legal=_find(lvl, "isLgl") is not None,
    )
    return _Level(spec, _val(_find(lvl, "pStyle")))


def _find(element: object | None, tag: str) -> object | None:
    return None if element is None else element.find(_w(tag))  # type: ignore[attr-defined]


class ListNumbering:
    """Renders the list label of each paragraph, in document order (counters advance)."""

    def __init__(self, numbering: object | None, styles: object | None) -> None:
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self._style_num: dict[str, tuple[str | None, str | None, str | None]] = {}
        self._counters: dict[str, Counters] = {}
        self._started: set[str] = set()
        # abstractNum → numbering style whose list it uses (`w:numStyleLink`)
        self._style_links: dict[str, str] = {}
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)
        self._resolve_style_links()

    def _read_numbering(self, numbering: object) -> None:
        for abstract in numbering.iterfind(_w("abstractNum")):  # type: ignore[attr-defined]
            levels = {
                to_int(lvl.get(_w("ilvl")), 0): _level(lvl) for lvl in abstract.iterfind(_w("lvl"))
            }
            abstract_id = abstract.get(_w("abstractNumId"), "")
            self._abstract[abstract_id] = levels
            link = _val(_find(abstract, "numStyleLink"))
            if link is not None:
                self._style_links[abstract_id] = link
        for num in numbering.iterfind(_w("num")):  # type: ignore[attr-defined]
            starts: dict[int, int] = {}
            overrides: dict[int, _Level] = {}
            for override in num.iterfind(_w("lvlOverride")):
                level = to_int(override.get(_w("ilvl")), 0)
                start = _find(override, "startOverride")
                if start is not None:
                    starts[level] = to_int(_val(start), 1)
                lvl = _find(override, "lvl")
                if lvl is not None:
                    overrides[level] = _level(lvl)
            abstract_id = _val(_find(num, "abstractNumId"), "") or ""
            self._nums[num.get(_w("numId"), "")] = (abstract_id, starts, overrides)

    def _read_styles(self, styles: object) -> None:
        for style in styles.iterfind(_w("style")):  # type: ignore[attr-defined]
            ppr = _find(style, "pPr")
            num_pr = _find(ppr, "numPr")
            based_on = _val(_find(style, "basedOn"))
            num_id = _val(_find(num_pr, "numId"))
            ilvl = _val(_find(num_pr, "ilvl"))
            self._style_num[style.get(_w("styleId"), "")] = (num_id, ilvl, based_on)

    def _resolve_style_links(self) -> None:
        """A list defined by a numbering style: its abstractNum only names the style, whose
        numPr gives the num that holds the levels. Point such nums to that abstractNum."""
        for num_id, (abstract_id, starts, overrides) in list(self._nums.items()):
            for _ in range(5):  # links of links, guarded against loops
                style = self._style_links.get(abstract_id)
                target_num = self._style_num.get(style, (None, None, None))[0] if style else None
                if target_num is None or target_num not in self._nums:
                    break
                abstract_id = self._nums[target_num][0]
            self._nums[num_id] = (abstract_id, starts, overrides)

    def _numbering_of(self, paragraph: object) -> tuple[str, int] | None:
        """(numId, level) of a paragraph: its own `w:numPr`, else its style's."""
        ppr = _find(paragraph, "pPr")
        num_pr = _find(ppr, "numPr")
        num_id, ilvl = _val(_find(num_pr, "numId")), _val(_find(num_pr, "ilvl"))
        style_id = _val(_find(ppr, "pStyle"))
        for _ in range(10):  # the basedOn chain, guarded against loops
            if num_id is not None or style_id is None or style_id not in self._style_num:
                break
            style_num, style_ilvl, based_on = self._style_num[style_id]
            if style_num is not None:
                num_id = style_num
                ilvl = ilvl if ilvl is not None else style_ilvl
                if ilvl is None:  # the level whose pStyle names this style
                    ilvl = self._level_for_style(style_num, style_id)
            style_id = based_on
        if num_id is None or num_id == "0" or num_id not in self._nums:
            return None
        return num_id, to_int(ilvl, 0)

    def _level_for_style(self, num_id: str, style_id: str) -> str | None:
        abstract_id = self._nums.get(num_id, ("", {}, {}))[0]
        for number, level in self._abstract.get(abstract_id, {}).items():
            if level.style == style_id:
                return str(number)
        return None

    def _level(self, num_id: str, ilvl: int) -> _Level | None:
        abstract_id, _, overrides = self._nums[num_id]
        return overrides.get(ilvl) or self._abstract.get(abstract_id, {}).get(ilvl)

    def label(self, paragraph: object) -> str:
        """The label Word draws before this paragraph ("" when none); advances counters."""
        if not self._nums:
            return ""
        found = self._numbering_of(paragraph)
        if found is None:
            return ""
        num_id, ilvl = found
        level = self._level(num_id, ilvl)
        if level is None:
            return ""
        abstract_id, starts, _ = self._nums[num_id]
        counters = self._counters.setdefault(abstract_id, Counters())
        if num_id not in self._started:
            self._started.add(num_id)
            for restarted in starts:  # a restart: this list instance begins anew
                counters.forget(restarted)
        counters.advance(ilvl, starts.get(ilvl, level.spec.start))
        return render_label(level.spec, partial(self._number_of, num_id))

    def _number_of(self, num_id: str, ilvl: int) -> tuple[int, str] | None:
        """A level's current number and format, for a label's `%N` reference."""
        level = self._level(num_id, ilvl)
        if level is None:
            return None
        abstract_id, starts, _ = self._nums[num_id]
        default = starts.get(ilvl, level.spec.start)
        return self._counters[abstract_id].get(ilvl, default), level.spec.fmt
