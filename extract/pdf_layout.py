"""What one PDF page holds, once read: tables (a grid of cell texts with their boxes) and
lines of running text, in reading order. Plain data, picklable, so pages can be read in
worker processes; and the small pure functions that turn a page's items into the row
stream (paragraphs rebuilt from wrapped lines, tables continued across page breaks).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property
from typing import NamedTuple

from pgt.extract.rows import BBox
from pgt.settings.dictionary import is_french_word
from pgt.settings.text import strip_accents

_SPACES = re.compile(r"[ \t\u00a0\u202f\u2009]+")
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(/|sur)\s*\d{1,4})?$", re.IGNORECASE)


def clean_cell_text(text: str) -> str:
    """A cell's text as the text export has it: the lines a cell wrapped over joined with a
    space (a PDF does not tell a wrapped line from a paragraph break inside a cell, and the
    exports keep none), runs of spaces folded."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return " ".join(line for line in lines if line)


# A word a cell holds, as placed on the page: its text, left and right ends (points).
PlacedWord = tuple[str, float, float]
_CLOSING = ",.)]»%…"
# Points a cut line may end short of the cell's inner right edge: the right padding is
# taken equal to the left one, but LibreOffice's may be a border's width or so wider
# (`Responsabl` / `e` ended 1.2 pt short of where the `e` would have fitted).
_CUT_SLACK = 2.0


def _cut_word(line: list[PlacedWord], following: list[PlacedWord], inner_right: float) -> bool:
    """Whether the cell's line `line` ends with a word the layout cut in two because it was
    wider than the cell (Word and LibreOffice break such a word anywhere): the line holds
    that one word and `cut_word` says so of it and the next line's first word."""
    if len(line) != 1 or " " in line[0][0] or not following:
        return False
    text, x0, x1 = following[0]
    return cut_word(line[0][0], line[0][2], text, x1 - x0, inner_right)


def cut_word(word: str, right: float, next_word: str, next_width: float, inner_right: float) -> bool:
    """Whether `word`, alone on a cell's line and ending at `right`, is the start of a word
    the cell's edge cut, going on as `next_word` (`next_width` points wide) on the next
    line: the line ends where that word's first letter would not have fitted, and it goes
    on in the same case (`enseigna` / `nts`, `OPERATIONNEL` / `S`) or with closing
    punctuation (`enseignants` / `,`)."""
    if not word or not next_word:
        return False
    first = next_word[0]
    letter = next_width / len(next_word)
    if right + letter < inner_right - _CUT_SLACK:
        return False
    if not word[-1].isalnum():
        return False
    if first in _CLOSING:
        return True  # (`:` and `;` are no closing marks: French spaces them, a line starts at them)
    if word[-1].isalpha() and first.isalpha():
        return first.islower() or (word.isupper() and first.isupper())
    return word[-1].isdigit() and first.isdigit()


def _hyphen_break(line: list[PlacedWord], following: list[PlacedWord], continued: bool = False) -> bool:
    """A compound cut at its hyphen at the end of a line: `éco-` / `responsable`,
    `CAP-` / `SANTE`, `2023-` / `2027`; and `rende` / `z-` / `vous` when the line
    `continued` a word the cell's edge cut."""
    word, next_word = line[-1][0].rsplit(" ", 1)[-1], following[0][0].split(" ", 1)[0]
    first = next_word[:1]
    if len(word) < 2 or not word.endswith("-") or (len(word) == 2 and not word[0].isdigit() and not continued):
        return False  # a dash alone, or one letter and a dash; `4-` is a year cut (`202` / `4-` / `2027`)
    before = word[-2]
    if before.isdigit():
        return first.isdigit()
    return before.isalpha() and (first.islower() or (word[:-1].isupper() and next_word.isupper()))


def _capital_after_hyphen(line: list[PlacedWord], following: list[PlacedWord]) -> bool:
    """A place name cut at one of its hyphens (`Mont-de-` / `Marsan`) or a plain wrap after
    a dash (`CCAS-` / `Acteurs`): the document's words tell (`resolve_word_cuts`)."""
    word, next_word = line[-1][0].rsplit(" ", 1)[-1], following[0][0].split(" ", 1)[0]
    return len(word) >= 3 and word.endswith("-") and word[-2].isalpha() and next_word[:1].isupper()


# Where a cell's line ends with what may be a word cut in two at the cell's edge: kept in
# the cell's text until the whole document is read, then `resolve_word_cuts` decides.
WORD_CUT = "\ue000"
_PUNCTUATION = "\"'«»()[]{},.;:!?…%"
_ONE_LETTER_WORDS = {"a", "à", "y", "ô"}  # French words of one letter


def join_cell_lines(lines: list[list[PlacedWord]], box: BBox | None) -> str:
    """A cell's text from its lines (each a list of words, left to right): lines joined
    with a space as `clean_cell_text` does, except a compound cut at its hyphen, joined
    back, and a word possibly cut at the cell's right edge, marked `WORD_CUT` (a line
    holding one word that fills the cell and ends as `Préfabriqué` / `artistique` may be
    a plain wrap: the document's own words tell, see `resolve_word_cuts`). The cell's
    right padding is taken equal to its left one (where its lines start)."""
    lines = [line for line in lines if line]
    if not lines:
        return ""
    inner_right = float("inf")
    if box is not None:
        padding = max(0.0, min(line[0][1] for line in lines) - box[0])
        inner_right = box[2] - padding
    text = " ".join(w[0] for w in lines[0])
    joint = " "
    for line, following in zip(lines, lines[1:]):
        joint = (
            WORD_CUT if _cut_word(line, following, inner_right)
            else "" if _hyphen_break(line, following, continued=joint == WORD_CUT and len(line) == 1)
            else WORD_CUT if _capital_after_hyphen(line, following) else " "
        )
        text += joint + " ".join(w[0] for w in following)
    return clean_cell_text(text)


_WORD_BOUNDS = re.compile(r"[/'’()-]")  # what bounds the words of a token (`centre-ville`, `d'un`)
_COMPOUND_BOUNDS = re.compile(r"[/'’()]")  # and of a compound (`CCAS-Acteurs`)


def _word_key(token: str) -> str:
    return token.strip(_PUNCTUATION).casefold()


class DocumentWords(set[str]):
    """The words a document prints whole (`word_vocabulary`), compared loosely; and the same
    without accents, since capitals often go without theirs (`Ecoles`, `OPERATIONNELS`)."""

    @cached_property
    def unaccented(self) -> frozenset[str]:
        return frozenset(strip_accents(word) for word in self)


def word_vocabulary(texts: Iterable[str], known: Iterable[str] = ()) -> DocumentWords:
    """The words a document prints whole (not at a possible cut), compared loosely, and the
    words `known` beforehand (the lexicon's, case folded)."""
    words = DocumentWords(
        _word_key(token) for text in texts for token in text.split() if WORD_CUT not in token and len(token) > 1
    )
    words.update(known)
    return words


def resolve_word_cuts(text: str, vocabulary: set[str]) -> str:
    """Each `WORD_CUT` joined without a space when the joined word is one the document
    prints whole elsewhere (`enseigna`+`nts`: `enseignants`) or a word of the French
    dictionary (`intergénération`+`nels`, `environnement`+`aux`), or when what follows
    is a short ending that is no word (`aménagemen`+`ts`); with a space otherwise
    (`Préfabriqué` `artistique`). A word cut several times, as a narrow column cuts
    it (`Moyens`/`hum`/`ains`, `conseil`/`mun`/`icipal`), is settled as a whole: the
    reading whose pieces are most words (`Moyens humains`), see `_cut_pieces`."""
    if WORD_CUT not in text:
        return text
    tokens = []
    for token in text.split(" "):
        parts = token.split(WORD_CUT)
        if len(parts) > 1 and _word_key("".join(parts)) in vocabulary:
            tokens.append("".join(parts))
            continue
        tokens.append(" ".join(_cut_pieces(parts, vocabulary)))
    return " ".join(tokens)


# What a reading of a cut token costs, piece by piece (`_piece_cost`): a word costs
# nothing, an unknown word 1, an unknown ending of three letters or fewer 2 (`ts`, `hum`),
# of one letter 3, pieces joined into no word 2.5 (0.2 more for each further join); each
# space 0.1, so that of two
# readings all of words the one with the fewest spaces wins (`pour`+`suivre`); a word
# known only in another form (`…nels` from `…nel`) 0.2; a word of the dictionary that the
# document does not print 0.01, so that of two readings all of words with as many spaces
# the one of the document's words wins (`Former les`, not `For merles`).
_UNKNOWN, _SHORT_ENDING, _LETTER_ENDING, _JOINED_UNKNOWN, _SPACE, _INFLECTED = 1.0, 2.0, 3.0, 2.5, 0.1, 0.2
_DICTIONARY_ONLY = 0.01


def _cut_pieces(parts: list[str], vocabulary: set[str]) -> list[str]:
    """The cheapest way to read the pieces of a token a cell's edge may have cut: which
    cuts are joined (a word cut in two) and which are spaces (a plain wrap)."""
    best: list[tuple[float, list[str]]] = [(0.0, [])]
    for end in range(1, len(parts) + 1):
        options = []
        for start in range(end):
            cost, words = best[start]
            piece = _piece_cost(parts[start:end], start == 0, vocabulary)
            options.append((cost + piece + (_SPACE if words else 0.0), words + ["".join(parts[start:end])]))
        best.append(min(options, key=lambda option: option[0]))
    return best[-1][1]


def _piece_cost(pieces: list[str], first: bool, vocabulary: set[str]) -> float:
    """What reading `pieces` joined as one word costs (see `_UNKNOWN`…). Only the words
    around a join must be known: `Projets/thémati`+`ques` is `thématiques` after a `/`."""
    text = "".join(pieces)
    key = _word_key(text)
    if key in vocabulary or key in _ONE_LETTER_WORDS:
        return 0.0
    if is_french_word(key):
        return _DICTIONARY_ONLY
    unaccented = _capital_without_accents(text, key, vocabulary)
    if unaccented is not None:
        return unaccented
    if _is_inflected_word(key, vocabulary):
        return _INFLECTED  # above a space: `gymnase`+`le` is two words
    if len(pieces) > 1:
        joins, at = [], 0
        for piece in pieces[:-1]:
            at += len(piece)
            joins.append(at)
        costs = [_join_cost(text, at, vocabulary) for at in joins]
        if None in costs:
            return _JOINED_UNKNOWN + _SPACE * 2 * (len(joins) - 1)
        return max(costs)  # type: ignore[type-var]
    words = [w for w in map(_word_key, _WORD_BOUNDS.split(text)) if w]
    if _WORD_BOUNDS.search(text) and all(_is_word(w, vocabulary) or len(w) == 1 for w in words):
        return 0.0  # `d'un`, `(ex.`
    if first:
        return _UNKNOWN
    if key[:1].isdigit():
        return _SHORT_ENDING  # the rest of a number (`202` / `4-2027`)
    return _LETTER_ENDING if len(key) == 1 else _SHORT_ENDING if len(key) <= 3 else _UNKNOWN


def _join_cost(text: str, at: int, vocabulary: set[str]) -> float | None:
    """What joining `text` at position `at` costs: the word (bounded by `/`, `'`, a hyphen,
    brackets) spanning it is a word of the document or of the French dictionary (0), one
    in another form (`d'incivilités`: `_INFLECTED`), or none (None). Just after a hyphen,
    the compound must be a word (`CCAS-` `Acteurs`: a plain wrap)."""
    bounds = _COMPOUND_BOUNDS if text[at - 1 : at] == "-" else _WORD_BOUNDS
    start = max((m.end() for m in bounds.finditer(text, 0, at)), default=0)
    bound = bounds.search(text, at)
    printed = text[start : bound.start() if bound else len(text)]
    word = _word_key(printed)
    if not word:
        return None
    if _is_word(word, vocabulary):
        return 0.0
    if _capital_without_accents(printed, word, vocabulary) is not None:
        return 0.0
    return _INFLECTED if _is_inflected_word(word, vocabulary) else None


def _capital_without_accents(printed: str, key: str, vocabulary: set[str]) -> float | None:
    """What reading a word printed with a capital and no accent as one that lost its accents
    costs: 0 when the document prints it with them (`OPERATIONNELS`), `_DICTIONARY_ONLY`
    when the dictionary knows it with an accent on its first letter (`Ecoles`), else None."""
    if not printed.lstrip(_PUNCTUATION)[:1].isupper() or strip_accents(key) != key:
        return None
    if key in _unaccented(vocabulary):
        return 0.0
    return _DICTIONARY_ONLY if _is_word_but_its_capital(key) else None


def _unaccented(vocabulary: set[str]) -> frozenset[str]:
    if isinstance(vocabulary, DocumentWords):
        return vocabulary.unaccented
    return frozenset(strip_accents(word) for word in vocabulary)


# The accented letters a word may start with, by the letter a capital prints without them.
_ACCENTED_INITIALS = {"e": "éèê", "a": "àâ", "i": "î", "o": "ô", "u": "ù", "c": "ç"}


def _is_word_but_its_capital(key: str) -> bool:
    """A dictionary word once its first letter has the accent its capital went without
    (`ecoles`: `écoles`)."""
    return any(is_french_word(accented + key[1:]) for accented in _ACCENTED_INITIALS.get(key[:1], ""))


# Endings that make a word's plural or feminine (`intergénérationnel`: `…nels`, `…nelle`),
# to know a word the dictionary and the document only print in another form.
_INFLECTIONS = ("s", "e", "es", "x", "le", "les")


def _is_word(key: str, vocabulary: set[str]) -> bool:
    return key in vocabulary or key in _ONE_LETTER_WORDS or is_french_word(key)


def _is_inflected_word(key: str, vocabulary: set[str]) -> bool:
    """A word in a form the dictionary and the document lack (`intergénérationnels`)."""
    return any(
        key.endswith(end) and len(key) - len(end) >= 5 and (key[: -len(end)] in vocabulary or is_french_word(key[: -len(end)]))
        for end in _INFLECTIONS
    )


class CellExtent(NamedTuple):
    """Where a cell's text sits: to tell whether it ran on over a page break."""

    left: float  # left end of its lines (the cell's padding is left - cell x0)
    bottom: float  # bottom of its last line
    last_right: float  # right end of its last line
    first_word: float  # width of its first word
    line_height: float  # of one of its lines
    last_words: int = 1  # words on its last line (one alone may be cut at the edge: `cut_word`)


def cell_extent(lines: list[list[BBox]]) -> CellExtent | None:
    """The extent of a cell's text from the boxes of its words, line by line."""
    lines = [line for line in lines if line]
    if not lines:
        return None
    heights = sorted(b[3] - b[1] for line in lines for b in line)
    return CellExtent(
        left=min(line[0][0] for line in lines),
        bottom=max(b[3] for b in lines[-1]),
        last_right=lines[-1][-1][2],
        first_word=lines[0][0][2] - lines[0][0][0],
        line_height=heights[len(heights) // 2] * 1.2,
        last_words=len(lines[-1]),
    )


@dataclass
class TextLine:
    """One line of running text outside tables."""

    text: str
    bbox: BBox
    first_word_width: float  # to tell a wrapped line from a short one (see join_paragraphs)
    line_height: float = 0.0  # of one line (a paragraph's bbox spans several)
    last_x1: float = 0.0  # right end of the paragraph's last line
    boxed: bool = False  # a framed paragraph's text, whole (a one-column table's cell)

    def __post_init__(self) -> None:
        if not self.line_height:
            self.line_height = self.bbox[3] - self.bbox[1]
        if not self.last_x1:
            self.last_x1 = self.bbox[2]


@dataclass
class PageTable:
    """One table found on a page, with the method that read it and its quality figures."""

    bbox: BBox
    cells: list[list[str]]  # rows × columns, "" for empty or merged-away cells
    cell_bboxes: list[list[BBox | None]]  # None where a merged cell covers the position
    column_edges: list[float]  # x of the vertical rules, to match a continuation
    method: str  # "pdfplumber-lines", "camelot-lattice", "camelot-stream", "ocr-grid"
    report: dict = field(default_factory=dict)  # accuracy / fill / coverage figures
    # Where each cell's text sits (None: empty): to tell a row broken by a page break
    # (`pdf_breaks`). Empty when the reader gives none (camelot).
    extents: list[list[CellExtent | None]] = field(default_factory=list)
    # The text of each cell whose cut words were settled on the page (`pdf.resolve_cuts`),
    # as read: a row broken across pages settles them again once joined (`Dire`/`ctio` |
    # `n des sports`). Born-digital pages only (OCR repairs come after the settling).
    uncut: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def line_height(self) -> float:
        heights = sorted(e.line_height for row in self.extents for e in row if e)
        return heights[len(heights) // 2] if heights else 0.0


@dataclass
class PageContent:
    """A page read: its tables and text lines in reading order."""
    number: int  # 1-based
    width: float
    height: float
    items: list[PageTable | TextLine]  # in reading order (top to bottom)
    ocr: bool = False
    notes: list[str] = field(default_factory=list)


def _top(item: PageTable | TextLine) -> float:
    return item.bbox[1]


def reading_order(items: list[PageTable | TextLine]) -> list[PageTable | TextLine]:
    """Top to bottom, then left to right: the order of a one-column Word document."""
    return sorted(items, key=lambda item: (round(_top(item), 1), item.bbox[0]))


def is_page_furniture(line: TextLine, page_height: float) -> bool:
    """A bare page number in the top or bottom margin: it interrupts nothing."""
    in_margin = line.bbox[1] < page_height * 0.06 or line.bbox[3] > page_height * 0.94
    return in_margin and bool(_PAGE_NUMBER.match(line.text.strip()))


def join_paragraphs(lines: list[TextLine], right_edge: float) -> list[TextLine]:
    """Rebuild paragraphs from the lines a PDF wrapped them over.

    Line B continues line A when it follows closely (gap under 0.8 of a line height) and
    A was full: the first word of B would not have fitted at the end of A. A short line
    (a heading, "AXE STRATEGIQUE I") ends its paragraph even if the next one follows closely.
    A framed paragraph (`boxed`) is whole: its frame's width is no full line (a scan's
    `COHESION SOCIALE` box over the `AXE STRATEGIQUE I …` box were read as one line).
    """
    paragraphs: list[TextLine] = []
    for line in lines:
        if paragraphs:
            last = paragraphs[-1]
            height = max(1.0, last.line_height)
            gap = line.bbox[1] - last.bbox[3]
            full = last.last_x1 + line.first_word_width + height * 0.3 > right_edge - 2.0
            aligned = abs(line.bbox[0] - last.bbox[0]) < height * 2
            if 0 <= gap < 0.8 * height and full and aligned and not (last.boxed or line.boxed):
                x0, top, x1, bottom = last.bbox
                bbox = (min(x0, line.bbox[0]), top, max(x1, line.bbox[2]), line.bbox[3])
                paragraphs[-1] = TextLine(
                    f"{last.text} {line.text}", bbox, last.first_word_width, height, line.bbox[2]
                )
                continue
        paragraphs.append(line)
    return paragraphs


def same_columns(a: PageTable, b: PageTable, tolerance: float = 3.0) -> bool:
    """Two table fragments with the same vertical rules are one table cut by a page break."""
    if len(a.column_edges) != len(b.column_edges):
        return False
    return all(abs(x - y) <= tolerance for x, y in zip(a.column_edges, b.column_edges))


def norm_key(cells: list[str]) -> tuple[str, ...]:
    return tuple(_SPACES.sub(" ", c).strip().upper() for c in cells)


def same_row(a: tuple[str, ...], b: tuple[str, ...], threshold: float = 0.9) -> bool:
    """Two header rows alike: same filled positions, text nearly equal (an OCR'd repeat
    of a header differs by a letter or an accent from the first)."""
    if len(a) != len(b) or [bool(x) for x in a] != [bool(y) for y in b]:
        return False
    if a == b:
        return True

    return SequenceMatcher(None, " | ".join(a), " | ".join(b), autojunk=False).ratio() >= threshold
