"""OpenDocument list numbering: the "1.", "a)", "III" or bullet LibreOffice draws before
an item of a numbered list (`text:list`) or an outline-numbered heading, which is not in
the paragraph's text. A PDF export shows these labels (action numbers, axe numerals), so
the ODT reader renders them, as the DOCX reader does for Word (`docx_numbering.py`).

One pass over the body, in document order, gives the label of each numbered paragraph.
Supported: list styles (automatic or common), nested levels, `display-levels` ("1.2."),
prefixes and suffixes, start values, `text:start-value` restarts, lists continued with
`text:continue-numbering` or `text:continue-list`, outline numbering of headings, and a
cached `text:number` (then the paragraph's own text already holds the label). Bullets are
rendered "-", the way the plans' text exports show them. The counters, number formats and
label rendering are shared with the DOCX reader (`list_numbering.py`); this module reads
how OpenDocument stores the lists.
"""

from __future__ import annotations

from pgt.extract.list_numbering import NO_LABEL, Counters, ListLevel, Template, render_label, to_int

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_XML = "http://www.w3.org/XML/1998/namespace"
_FORMATS = {
    "1": "decimal",
    "I": "upperRoman",
    "i": "lowerRoman",
    "A": "upperLetter",
    "a": "lowerLetter",
}
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_SKIPPED = {(_TEXT, "tracked-changes"), (_TEXT, "note"), (_OFFICE, "annotation")}


def _attr(element: object, namespace: str, name: str) -> str | None:
    return element.attributes.get((namespace, name))  # type: ignore[attr-defined]


def _elements(element: object) -> list[object]:
    return [c for c in element.childNodes if c.nodeType == c.ELEMENT_NODE]  # type: ignore[attr-defined]


def _levels(style: object) -> dict[int, ListLevel]:
    levels: dict[int, ListLevel] = {}
    for level in _elements(style):
        namespace, name = level.qname  # type: ignore[attr-defined]
        if namespace != _TEXT:
            continue
        number = to_int(_attr(level, _TEXT, "level"), 1)
        if name in ("list-level-style-bullet", "list-level-style-image"):
            levels[number] = ListLevel("bullet")
        elif name in ("list-level-style-number", "outline-level-style"):
            raw = _attr(level, _STYLE, "num-format") or ""
            display = max(1, to_int(_attr(level, _TEXT, "display-levels"), 1))
            levels[number] = ListLevel(
                fmt=_FORMATS.get(raw, "decimal") if raw else NO_LABEL,
                template=_template(
                    _attr(level, _STYLE, "num-prefix") or "",
                    range(max(1, number - display + 1), number + 1),
                    _attr(level, _STYLE, "num-suffix") or "",
                ),
                start=to_int(_attr(level, _TEXT, "start-value"), 1),
            )
    return levels


def _template(prefix: str, shown: range, suffix: str) -> Template:
    """The label of a level showing the levels `shown` ("display-levels"): "2.b)" is
    prefix "", levels 1 and 2 joined by ".", suffix ")"."""
    references: list[str | int] = []
    for level in shown:
        references += [".", level] if references else [level]
    return (prefix, *references, suffix)


def list_styles(*containers: object | None) -> tuple[dict[str, dict[int, ListLevel]], dict[int, ListLevel]]:
    """List styles by name, and the outline (heading) numbering, from the style containers
    (`office:styles`, `office:automatic-styles`)."""
    styles: dict[str, dict[int, ListLevel]] = {}
    outline: dict[int, ListLevel] = {}
    for container in containers:
        if container is None:
            continue
        for style in _elements(container):
            if style.qname == (_TEXT, "list-style"):  # type: ignore[attr-defined]
                styles[_attr(style, _STYLE, "name") or ""] = _levels(style)
            elif style.qname == (_TEXT, "outline-style"):  # type: ignore[attr-defined]
                outline = _levels(style)
    return styles, outline


class ListLabels:
    """Walks a body once; `labels` maps id(paragraph) → the label drawn before it."""

    def __init__(self, styles: dict[str, dict[int, ListLevel]], outline: dict[int, ListLevel]) -> None:
        self.styles = styles
        self.outline = outline
        self.labels: dict[int, str] = {}
        self._lists_by_id: dict[str, Counters] = {}
        self._last: Counters | None = None
        self._outline_counters = Counters()

    def walk(self, element: object) -> ListLabels:
        for child in _elements(element):
            qname = child.qname  # type: ignore[attr-defined]
            if qname in _SKIPPED:
                continue
            if qname == (_TEXT, "list"):
                self._list(child, 1, None, None)
            elif qname == (_TEXT, "h"):
                self._heading(child)
            else:
                self.walk(child)
        return self

    def _list(self, lst: object, level: int, style: str | None, counters: Counters | None) -> None:
        style = _attr(lst, _TEXT, "style-name") or style
        if counters is None:  # a top-level list: new numbering, or the continuation of one
            continued = _attr(lst, _TEXT, "continue-list")
            if continued in self._lists_by_id:
                counters = self._lists_by_id[continued]
            elif _attr(lst, _TEXT, "continue-numbering") == "true" and self._last is not None:
                counters = self._last
            else:
                counters = Counters()
            self._last = counters
            list_id = _attr(lst, _XML, "id")
            if list_id:
                self._lists_by_id[list_id] = counters
        for item in _elements(lst):
            name = item.qname  # type: ignore[attr-defined]
            if name not in ((_TEXT, "list-item"), (_TEXT, "list-header")):
                continue
            children = _elements(item)
            numbered = name == (_TEXT, "list-item") and bool(children)
            if numbered and children[0].qname in ((_TEXT, "p"), (_TEXT, "h")):  # type: ignore[attr-defined]
                self._number(children[0], item, level, style, counters)
            for child in children:
                if child.qname == (_TEXT, "list"):  # type: ignore[attr-defined]
                    self._list(child, level + 1, style, counters)
                else:
                    self.walk(child)

    def _number(
        self, paragraph: object, item: object, level: int, style: str | None, counters: Counters
    ) -> None:
        levels = self.styles.get(style or "", {})
        spec = levels.get(level)
        restart = _attr(item, _TEXT, "start-value")
        counters.advance(level, spec.start if spec else 1, None if restart is None else to_int(restart, 1))
        if spec is not None and not _has_cached_number(paragraph):
            self.labels[id(paragraph)] = _render(levels, level, counters)

    def _heading(self, heading: object) -> None:
        level = to_int(_attr(heading, _TEXT, "outline-level"), 0)
        spec = self.outline.get(level)
        if level < 1 or spec is None or spec.fmt == NO_LABEL:
            return
        self._outline_counters.advance(level, spec.start)
        if not _has_cached_number(heading):
            self.labels[id(heading)] = _render(self.outline, level, self._outline_counters)


def _has_cached_number(paragraph: object) -> bool:
    return any(c.qname == (_TEXT, "number") for c in _elements(paragraph))  # type: ignore[attr-defined]


def _render(levels: dict[int, ListLevel], level: int, counters: Counters) -> str:
    spec = levels[level]

    def number_of(shown: int) -> tuple[int, str]:
        shown_spec = levels.get(shown, spec)  # a level the style leaves out: drawn as this one
        return counters.get(shown, shown_spec.start), shown_spec.fmt

    return render_label(spec, number_of)
