"""Structure builder of *record tables*: one row per action, whatever the format.

A plan kept in a spreadsheet (the import and export workbooks of Territoires en Transitions,
a CSV export, a DOCX table of the same layout) prints one action per row under one header.
This builder finds that header by content (the profile's `[records]` vocabulary, `settings/headers.py`;
one or two header rows, merged group headers above), skips and reports a row of hints under
it (`Champ texte (séparateur virgule)`, filling guidance), and reads every row below:

- the hierarchy from columns — Thématique → thématique, `Axe (x)` → axe, `Sous-axe (x.x)`
  → objectif intermédiaire, `Sous-sous axe (x.x.x)` → objectif opérationnel — or, when the
  table has none, from section rows (a row holding one cell: `AXE 2 - Mobilité`, `2.1 …`);
  numbers come from the printed prefix (`Axe 1.`, `Objectif stratégique 2.`, `4.1 :`), else
  from the order of appearance. An empty hierarchy cell means *no such level* (an action under
  no axe sits on its thématique), as the platform reads it, and the levels below an empty one
  move up (no untitled level is invented); merged cells are resolved by the reader, so a
  level merged over several rows holds for each of them;
- the thématique from a Thématique column; else one thématique titled after the plan's title
  (the text above the header that is not a column group), else after the document's name,
  with an info anomaly saying so;
- a row repeating an action's title with a `Titre de la sous-action` is a sub-action of that
  action: one of its `offres` (rows of an action, with a libellé and the same fields);
- dates (ISO text, `31/12/2025`, or a day count, the spreadsheet date serial) into
  `date_debut` / `date_fin` and their years into `annee_debut` / `annee_fin`; a budget into
  `budget` when it states one amount, else kept as text with an anomaly;
- columns the model has no field for, into `autres` under their header (`unknown_header`
  anomaly when the vocabulary does not know the header either).

Sheets with no such table (instructions, lists of values) and hidden sheets are listed as
anomalies, cell by cell through the ledger: nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from pgt.extract.rows import ExtractedDocument, RowKind, SourceRow
from pgt.schema import (Action, Axe, Correction, ObjectifIntermediaire, ObjectifOperationnel, Offre, Provenance,
                        Thematique)
from pgt.settings import headings as pat
from pgt.settings.headers import TABLE_FIELD_ALIASES, fold, header_matcher, record_header, record_vocabulary
from pgt.settings.profile import Profile, ThresholdsSection, default_profile
from pgt.settings.text import LazyPattern
from pgt.structure.ids import action_id, unique
from pgt.structure.ledger import Ledger

HIERARCHY = ("thematique", "axe", "oi", "oo")
TEXT_FIELDS = ("porteur", "public_vise", "echeances", "moyens_humains", "moyens_techniques", "moyens_financiers",
               "parcours", "description", "objectifs", "statut", "territoire")
LIST_FIELDS = ("partenaires", "indicateurs")
LINK_FIELDS = ("fiche_priorisation", "fiches_liees")  # numbers of the summary's fiches
RECORD_FIELDS = {*HIERARCHY, *TEXT_FIELDS, *LIST_FIELDS, *LINK_FIELDS, "titre", "numero", "sous_action", "budget",
                 "date_debut", "date_fin", "autres"}
# fields a `Label : value` line of a free-text cell may fill (the cells of these fields)
LABEL_FIELDS = {*TEXT_FIELDS, *LIST_FIELDS, *LINK_FIELDS, "titre", "budget"}
LABELLED_CELLS = ("description", "moyens_humains", "autres")
_LABEL_LINE = LazyPattern(r"^\s*([^:\n]{2,60}?)\s*:\s*(.*)$")
_NAMED_LABEL = LazyPattern(r"^[A-ZÀ-Ý][\w'’ .·()/-]*$")  # a value's name in a notes cell (`Financeurs 2024`)
_FIELD_OF = {**TABLE_FIELD_ALIASES, "oo_titre": "oo", "offre": "sous_action", "moyens": "autres"}
_LEVEL_NAMES = {"axe": "axe", "oi": "sous-axe (objectif intermédiaire)", "oo": "sous-sous axe (objectif opérationnel)"}
_SINGLE = {*HIERARCHY, "titre", "sous_action", "numero", "budget", "date_debut", "date_fin"}  # one column each
# (how many rows the header is looked for in, how many fields it names: [thresholds] `record_*`)
ELLIPSIS = "…"  # ends a text cut to a length limit (`pgt export tet`)
SERIAL_EPOCH = date(1899, 12, 30)  # day 0 of the spreadsheet date serial (Excel 1900 system, LibreOffice)
SERIAL_RANGE = (20000, 80000)  # 1954 … 2119: a day count, not an amount
_DATE_TEXT = LazyPattern(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = LazyPattern(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?)?$")
_YEAR = LazyPattern(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
_AMOUNT_NOISE = LazyPattern(r"(?i)\s|\u00a0|\u202f|€|euros?|\bHT\b|\bTTC\b")


def table_field(text: str, profile: Profile | None = None) -> str | None:
    """The record field a header cell names (the profile's `[records]` vocabulary, and the
    spellings the profile adds), or None."""
    return table_match(text, profile)[0]


def table_match(text: str, profile: Profile | None = None) -> tuple[str | None, float]:
    """(field, score): 101 for a spelling of the vocabulary as printed, 100 a keyword, else
    the fuzzy score — so that of two columns naming one field, the surer one reads it."""
    match = record_header(text, profile)
    if match is None:
        return None, 0.0
    name = _FIELD_OF.get(match.field, match.field)
    if name not in RECORD_FIELDS:
        return None, 0.0
    return name, 101.0 if match.rule == "exact" else match.score


@dataclass
class Column:
    """A column of a record table and the field its header names."""
    index: int
    header: str  # as printed (from the upper header row when the lower one is empty there)
    field: str | None  # None: a header the vocabulary does not know (→ autres, reported)
    key: str  # the name under `autres` (headers repeated across columns are told apart)
    score: float = 0.0  # how surely the header names its field (table_match)


@dataclass
class RecordTable:
    """A one-row-per-action table: its rows, header and columns."""
    table_index: int | None
    rows: list[SourceRow]
    header_at: int  # position of the (last) header row in `rows`
    columns: list[Column]
    above: list[SourceRow] = field(default_factory=list)  # text lines just before the table (a document's title)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.field == name), None)

    @property
    def where(self) -> str:
        row = self.rows[self.header_at]
        sheet = row.provenance.sheet
        number = (row.provenance.row or 0) + 1
        return f"sheet '{sheet}' (header at row {number})" if sheet else f"table {(row.table_index or 0) + 1}"


def _tables(rows: Iterable[SourceRow]) -> list[list[SourceRow]]:
    groups: dict[int | None, list[SourceRow]] = {}
    for row in rows:
        groups.setdefault(row.table_index, []).append(row)
    return list(groups.values())


def find_record_table(rows: list[SourceRow], profile: Profile) -> RecordTable | None:
    """The header of a one-row-per-action table among `rows` (one table / sheet), or None."""
    best: tuple[int, int] | None = None  # (score, position)
    for position, row in enumerate(rows[:profile.thresholds.record_header_scan_rows]):
        if row.provenance.hidden:
            return None
        if _is_header(row, profile):
            named = sum(1 for _, text in row.non_empty if table_field(text, profile) is not None)
            if best is None or named > best[0]:
                best = (named, position)
    if best is None:
        return None
    position = best[1]
    group = rows[position - 1] if position > 0 else None
    return RecordTable(rows[0].table_index, rows, position, _columns(rows[position], group, profile))


def _columns(header: SourceRow, group: SourceRow | None, profile: Profile) -> list[Column]:
    columns: list[Column] = []
    used_keys: set[str] = set()
    for index, text in enumerate(header.cells):
        above = group.cells[index].strip() if group is not None and index < len(group.cells) else ""
        text = text.strip()
        name = table_field(text, profile) if text else None
        if not text:
            if not above or table_field(above, profile) in (None, "autres"):
                continue
            name, text = table_field(above, profile), above  # a header merged over both rows, written in the upper one
        key = text if text not in used_keys else f"{columns[-1].header if columns else ''} / {text}".strip(" /")
        used_keys.add(key)
        columns.append(Column(index, text, name, key, table_match(text, profile)[1]))
    for name in _SINGLE:  # a second title, date… column: kept under its header; the surest one reads
        claimed = [c for c in columns if c.field == name]
        best = max(claimed, key=lambda c: c.score, default=None)
        for column in claimed:
            if column is not best:
                column.field = "autres"
    return columns


def is_record_table(document: ExtractedDocument, profile: Profile | None = None) -> bool:
    """Whether the document holds a one-row-per-action table: a header naming the title and
    other fields, followed by rows, and no thématique heading before it (a *fiches actions*
    document opens each thématique with a heading, then small tables under it)."""
    profile = profile or default_profile()
    for rows in _tables(document.rows):
        table = find_record_table(rows, profile)
        if table is not None:  # a header alone is still this layout: "no action row" is the clearer error
            preceding = any(_opens_thematique(row, profile) for row in rows[: table.header_at])
            if not preceding:
                # the rest of the document, not only this table: a grid page's tables are small
                at = next(i for i, row in enumerate(document.rows) if row is rows[table.header_at])
                return not _grid_below(document.rows, at, profile)
        if any(_opens_thematique(row, profile) for row in rows):
            return False  # a thématique heading before any record table's header: no later one is read as one
    return False


def _grid_below(rows: list[SourceRow], header_at: int, profile: Profile) -> bool:
    """Whether the rows under a header show the grid layout instead (a *fiches actions* page
    that starts mid-thématique, e.g. a few scanned pages): a thématique heading alone on its
    row, or a new action table further down whose header is worded otherwise."""
    header = rows[header_at]
    for row in rows[header_at + 1:]:
        if len(row.non_empty) == 1 and _opens_thematique(row, profile):
            return True
        if row.table_index != header.table_index and not row.repeated_header and _is_header(row, profile) \
                and fold(row.text()) != fold(header.text()):
            return True
    return False


def _is_header(row: SourceRow, profile: Profile) -> bool:
    """Half its cells or more name fields, `record_header_min_fields` at least, the title
    among them (cells read until more than half name none: most rows are data)."""
    cells = row.non_empty
    least = profile.thresholds.record_header_min_fields
    if len(cells) < least:
        return False
    named: list[str] = []
    unnamed = 0
    for _, text in cells:
        found = table_field(text, profile)
        if found is not None:
            named.append(found)
            continue
        unnamed += 1
        if unnamed * 2 > len(cells):
            return False
    return "titre" in named and len(named) >= least


def _opens_thematique(row: SourceRow, profile: Profile) -> bool:
    return bool(row.non_empty) and pat.thematique_of_heading(row.non_empty[0][1], profile) is not None


# ---- values ------------------------------------------------------------------------------------
def read_date(text: str) -> date | None:
    """ISO (`2025-12-01`, `2020-12-14 00:00:00`), French (`31/12/2025`) or a date serial
    (`47727`); None for anything else, or a year a plan cannot state (before 1900, after 2100)."""
    found = _read_date(text)
    return found if found is not None and 1900 <= found.year <= 2100 else None


def _read_date(text: str) -> date | None:
    stripped = text.strip()
    try:
        if found := _ISO_DATE.match(stripped):
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        if found := _DATE_TEXT.match(stripped):
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
    except ValueError:
        return None
    if stripped.isdigit() and SERIAL_RANGE[0] <= int(stripped) <= SERIAL_RANGE[1]:
        return SERIAL_EPOCH + timedelta(days=int(stripped))
    return None


def read_amount(text: str) -> float | None:
    """One amount in euros (`5000000`, `5 000 000 €`, `12 500,50 € HT`), or None."""
    bare = _AMOUNT_NOISE.sub("", text)
    if bare.count(".") > 1:
        bare = bare.replace(".", "")  # 1.000.000
    bare = bare.replace(",", ".")
    return float(bare) if re.fullmatch(r"\d+(?:\.\d+)?", bare) else None


def thematique_code(title: str) -> str:
    """An open slug for a thématique titled `title` (`Contrat Local de Santé 2025-2030` →
    `contrat_local_de_sante_2025_2030`)."""
    slug = "_".join(fold(title).lower().split())
    slug = slug.lstrip("0123456789_")
    return (slug[:50].rstrip("_") or "plan") if slug[:1].isalpha() else "plan"


# ---- the builder -------------------------------------------------------------------------------
@dataclass
class Place:
    """Where a record table's row goes in the hierarchy."""
    thematique: Thematique
    axe: Axe | None = None
    oi: ObjectifIntermediaire | None = None
    oo: ObjectifOperationnel | None = None

    def label(self) -> str:
        parts = [f"axe {self.axe.numero}" if self.axe else "no axe"]
        if self.oi:
            parts.append(f"OI {self.oi.numero}")
        if self.oo:
            parts.append(f"OO {self.oo.numero}")
        return " / ".join(parts)

    def key(self) -> tuple[object, ...]:
        return (self.thematique.code, id(self.axe), id(self.oi), id(self.oo))


@dataclass
class DefaultThematique:
    """Where the thématique of rows that name none comes from (opened on first need)."""

    title: tuple[SourceRow, int, str] | None  # the plan's title cell above the header
    header: SourceRow
    has_column: bool
    code: str | None = None


@dataclass
class Sections:
    """The hierarchy section rows opened (tables with no hierarchy columns)."""

    axe: str | None = None
    oi: str | None = None
    oo: str | None = None
    thematique: str | None = None


class TableBuilder:
    def __init__(self, document: ExtractedDocument, ledger: Ledger, corrections: list[Correction],
                 profile: Profile | None = None) -> None:
        self.document = document
        self.profile = profile or default_profile()
        self.thresholds = self.profile.thresholds
        self.ledger = ledger
        self.corrections = corrections
        self.thematiques: dict[str, Thematique] = {}
        self.ids: set[str] = set()
        self.empty_tables: list[str] = []
        self.promoted: set[tuple[str, str, str]] = set()  # (from level, to level, text) reported once
        self.actions = 0
        self.thematique_axes = False  # the table's Axe column names thématiques (levels read one down)

    def build(self) -> list[Thematique]:
        groups = _tables(self.document.rows)
        found = [find_record_table(rows, self.profile) for rows in groups]
        for position, (rows, table) in enumerate(zip(groups, found)):
            if table is not None:
                self._table(table)
            elif position + 1 < len(found) and found[position + 1] is not None and _text_lines(rows):
                found[position + 1].above = rows  # type: ignore[union-attr] # a title paragraph over a Word table
            else:
                self._not_a_plan(rows)
        # a default thématique no row fell into (every row named its own) is not kept
        return [t for t in self.thematiques.values() if t.axes or t.actions]

    # ---- sheets that are not plans -------------------------------------------------------------
    def _not_a_plan(self, rows: list[SourceRow]) -> None:
        first = rows[0].provenance
        if first.hidden:
            reason, code = f"hidden sheet '{first.sheet}': not read as plan", "hidden_sheet"
        elif first.sheet is not None:
            reason, code = (f"sheet '{first.sheet}' holds no action table (instructions, lists of values): "
                            f"not read as plan"), "sheet_not_plan"
        else:
            reason, code = "table with no action header (title column and two others)", "table_not_plan"
        for row in rows:
            self.ledger.residue(row, reason, severity="info", code=code)

    # ---- one record table ----------------------------------------------------------------------
    def _table(self, table: RecordTable) -> None:
        header = table.rows[table.header_at]
        title, axe = self._preamble(table)
        self._header(table, header)
        default = DefaultThematique(title, header, table.column("thematique") is not None)
        sections = Sections(axe=axe)
        seen: dict[tuple[object, ...], Action] = {}
        body = table.rows[table.header_at + 1:]
        self.thematique_axes = axes_name_thematiques(table, body, self.profile)
        if self.thematique_axes:
            self.ledger.note("thematique_axes", f"{table.where}: the axe column names the plan's thématiques: read "
                             f"as thématiques, the sous-axes as axes, the sous-sous axes as objectifs intermédiaires, "
                             f"`OO n : …` lines of Objectifs as objectifs opérationnels", header, severity="info",
                             cells=[])
        actions_before = self.actions
        for position, row in enumerate(body):
            if position < 3 and self._hint_row(row):
                continue
            if self._repeated_header(row, header):
                self._place_repeated_header(row, header)
                continue
            self._row(table, row, default, sections, seen)
        if self.actions == actions_before:
            self.empty_tables.append(table.where)
        if title is not None and default.code is None:  # every row named its thématique: the title names none
            self.ledger.residue(title[0], f"{_where(title[0])}: the plan's title (the Thématique column names the "
                                f"thématiques)", [title[1]], severity="info", code="plan_title")

    def _default_thematique(self, default: DefaultThematique) -> Thematique:
        """The thématique of rows that name none: after the plan's title, else the document's
        name (opened when a row first needs it)."""
        if default.code is None:
            if default.title is not None:
                row, index, text = default.title
                self.ledger.place(row, [index])
                if not default.has_column:
                    self.ledger.note("thematique_from_title", f"no thématique column: the actions go under one "
                                     f"thématique titled after the plan ({text!r})", default.header, severity="info",
                                     cells=[])
            else:
                text = self.document.path.stem.replace("_", " ").replace("-", " ").strip() or "plan"
                self.ledger.note("thematique_from_name", f"no thématique named and no plan title: the actions go "
                                 f"under one thématique named after the document ({text!r})", default.header,
                                 severity="info", cells=[])
            default.code = self._open_thematique(text).code
        return self.thematiques[default.code]

    def _preamble(self, table: RecordTable) -> tuple[tuple[SourceRow, int, str] | None, str | None]:
        """Rows above the header: the plan's title, an axe heading (`ENJEU 1 – …`, the axe of
        the rows when the table has no axe column) and column groups. Returns the title's
        cell, placed when a thématique is named after it, and the axe heading."""
        title = None
        axe = None
        for row in [*table.above, *table.rows[: table.header_at]]:
            for index, text in row.non_empty:
                if row is table.rows[table.header_at - 1] and table.header_at > 0 and self._is_group(text):
                    self.ledger.residue(row, f"{_where(row)}: column group above the header (merged over its columns)",
                                        [index], severity="info", code="group_header")
                elif axe is None and table.column("axe") is None and pat.match_axe(text, self.profile):
                    axe = text
                    self.ledger.place(row, [index])
                elif title is None and not self._is_group(text):
                    title = (row, index, text)
                else:
                    self.ledger.residue(row, f"{_where(row)}: text above the action table", [index], severity="info",
                                        code="group_header")
        return title, axe

    def _is_group(self, text: str) -> bool:
        return fold(text) in record_vocabulary(self.profile).group_headers

    def _header(self, table: RecordTable, header: SourceRow) -> None:
        known = {c.index for c in table.columns if c.field is not None}
        self.ledger.place(header, known)
        for column in table.columns:
            if column.field is None and column.index < len(header.cells) and header.cells[column.index].strip():
                self.ledger.residue(header, f"column {self._ref(header, column.index)} \"{column.header}\" matches "
                                    f"no known field: its cells are kept under autres", [column.index],
                                    severity="info", code="unknown_header")
        positions = [(c.index, c.field, c.header) for c in table.columns if c.field in ("axe", "oi", "oo")]
        order = [name for _, name, _ in sorted(positions)]
        expected = [name for name in ("axe", "oi", "oo") if name in order]
        if order != expected:
            wrong = next(p for p, want in zip(sorted(positions), expected) if p[1] != want)
            wanted = next(h for _, n, h in positions if n == expected[order.index(wrong[1])])
            self.ledger.note("column_order", f"column {self._ref(header, wrong[0])} is \"{wrong[2]}\" "
                             f"where \"{wanted}\" "
                             f"is expected: hierarchy columns out of the usual order, each read by its header",
                             header, severity="info", cells=[wrong[2]])

    @staticmethod
    def _ref(row: SourceRow, index: int) -> str:
        refs = row.provenance.cell_refs
        ref = refs[index] if refs and index < len(refs) else None
        return re.sub(r"\d+$", "", ref) if ref else str(index + 1)

    def _hint_row(self, row: SourceRow) -> bool:
        cells = row.non_empty
        vocabulary = record_vocabulary(self.profile)
        hints = [i for i, text in cells if vocabulary.is_hint(text)]
        if not cells or len(hints) * 2 < len(cells):
            return False
        self.ledger.residue(row, f"{_where(row)}: row of field hints or filling guidance under the header: skipped",
                            severity="info", code="hint_row")
        return True

    def _place_repeated_header(self, row: SourceRow, header: SourceRow) -> None:
        """The header printed again (a new page, a pasted block): its header cells are
        structure; a cell that is not one of them is listed, not counted as placed."""
        same = [i for i, text in row.non_empty if i < len(header.cells) and fold(text) == fold(header.cells[i])]
        self.ledger.place(row, same)
        others = [i for i, _ in row.non_empty if i not in same]
        if others:
            self.ledger.residue(row, f"{_where(row)}: cells of a repeated header row that are not headers", others)

    def _repeated_header(self, row: SourceRow, header: SourceRow) -> bool:
        """Two thirds of the header's cells printed again in their columns."""
        named = [(i, fold(c)) for i, c in header.non_empty]
        again = sum(1 for i, text in named if i < len(row.cells) and fold(row.cells[i]) == text)
        return len(named) >= self.thresholds.record_header_min_fields and again * 3 >= len(named) * 2

    def _open_thematique(self, title: str) -> Thematique:
        """The thématique a title names: a CAF domain heading gives its usual code, any other
        title its slug (`_2`… when two titles give one slug)."""
        heading = pat.match_thematique(title, self.profile)  # a domain of the profile; other titles: their slug below
        known = heading.code if heading is not None and heading.known else None
        if known:
            if known not in self.thematiques:
                self.thematiques[known] = Thematique(code=known, titre=self.profile.thematique_titles[known])
            return self.thematiques[known]
        same = next((t for t in self.thematiques.values() if fold(t.titre) == fold(title)), None)
        if same is not None:
            return same
        base = code = thematique_code(title)
        counter = 1
        while code in self.thematiques:
            counter += 1
            code = f"{base}_{counter}"
        self.thematiques[code] = Thematique(code=code, titre=title.strip())
        return self.thematiques[code]

    # ---- one body row --------------------------------------------------------------------------
    def _row(self, table: RecordTable, row: SourceRow, default: DefaultThematique, sections: Sections,
             seen: dict[tuple[object, ...], Action]) -> None:
        value = {c.field: row.cells[c.index].strip() for c in table.columns
                 if c.field in (*HIERARCHY, "titre", "sous_action") and c.index < len(row.cells)}
        titre = value.get("titre", "")
        has_levels = any(table.column(level) for level in HIERARCHY)
        hierarchy_cells = [c.index for c in table.columns if c.field in HIERARCHY and c.index < len(row.cells)
                           and row.cells[c.index].strip()]
        lone = len({text.strip() for _, text in row.non_empty}) == 1  # one text (a merged row holds copies)
        if lone and not has_levels and titre and _is_section_label(titre):
            titre = ""  # `2.1 Réduire …` alone in the title column: a section heading, not an action
        if not titre and not value.get("sous_action"):
            others = [i for i, _ in row.non_empty if i not in hierarchy_cells]
            if hierarchy_cells and not others:
                self._place(row, value, default, sections)  # a row declaring nodes only (`Axe 4 : …`)
                self.ledger.place(row, hierarchy_cells)
            elif lone and not hierarchy_cells:
                self._section(row, sections, has_levels)
            else:
                self.ledger.residue(row, f"{_where(row)}: row with cells but no action title "
                                    f"(the title column is empty)")
            return
        place = self._place(row, value, default, sections)
        title_cell = table.column("titre")
        sous = value.get("sous_action", "")
        key = (*place.key(), fold(titre))
        parent = seen.get(key)
        self.ledger.place(row, hierarchy_cells)
        if sous:
            if parent is None:
                parent = self._new_action(table, row, place, titre or sous)
                seen[key] = parent
            self._sous_action(table, row, parent, sous)
            if title_cell is not None:
                self.ledger.place(row, [title_cell.index])
            return
        if parent is not None:
            first = parent.provenance
            self.ledger.note("duplicate_title", f"two actions titled {titre!r} in {place.label()} "
                             f"({first.sheet + '!' if first.sheet else ''}{first.cell}, {self._cell(row, title_cell)}): "
                             f"both kept", row, record_id=parent.id, cells=[titre])
        action = self._new_action(table, row, place, titre)
        seen.setdefault(key, action)
        self._fill(table, row, action)
        if self.thematique_axes:
            self._oo_lines(action, place, row)

    def _oo_lines(self, action: Action, place: Place, row: SourceRow) -> None:
        """`OO 2 : titre` lines of the Objectifs cell, when the axis levels hold thématique,
        axe and OI: the action's objectifs opérationnels (numbered as printed)."""
        if not action.objectifs or place.oi is None:
            return
        kept = []
        for line in action.objectifs.split("\n"):
            label = pat.match_numbered_label(line)
            if label is None or label.level != "oo" or len(label.numbers) != 1:
                kept.append(line)
                continue
            numero = label.numbers[0]
            siblings = place.oi.objectifs_operationnels
            if not any(oo.numero == numero for oo in siblings):
                siblings.append(ObjectifOperationnel(numero=numero, titre=label.titre or None,
                                                     provenance=self._provenance(row)))
                siblings.sort(key=lambda oo: oo.numero)
            if numero not in action.oo:
                action.oo.append(numero)
        action.objectifs = "\n".join(kept).strip() or None

    def _cell(self, row: SourceRow, column: Column | None) -> str:
        refs = row.provenance.cell_refs
        ref = refs[column.index] if column is not None and refs and column.index < len(refs) else None
        sheet = row.provenance.sheet
        return f"{sheet}!{ref}" if sheet and ref else ref or row.provenance.location()

    def _section(self, row: SourceRow, sections: Sections, has_levels: bool) -> None:
        """A row of one cell between actions: a section heading of the hierarchy."""
        index, text = row.non_empty[0]
        label = pat.match_numbered_label(text)
        level = label.level if label and label.level in ("axe", "oi", "oo", "thematique") else None
        if label and level is None and label.level is None:
            level = ("axe", "oi", "oo")[min(len(label.numbers), 3) - 1]
        if level is None and pat.thematique_of_heading(text, self.profile):
            level = "thematique"
        if has_levels or (level is None and label is not None):  # the hierarchy is in columns: not a heading
            self.ledger.residue(row, f"{_where(row)}: a lone cell that is neither an action nor a heading")
            return
        level = level or "axe"  # an unnumbered section heading: the one level such tables print
        setattr(sections, level, text)
        for lower in HIERARCHY[HIERARCHY.index(level) + 1:]:
            setattr(sections, lower, None)
        self.ledger.place(row)

    def _place(self, row: SourceRow, value: dict[str, str], default: DefaultThematique, sections: Sections) -> Place:
        code = value.get("thematique") or sections.thematique
        # a level the table has a column for is that column's (empty: no such level); else the section's
        printed = [(level, value[level] if level in value else getattr(sections, level)) for level in ("axe", "oi", "oo")]
        # an empty level moves the ones below up (`Sous-sous axe` filled, `Sous-axe` empty: the
        # objectif is the OI), as the platforms read an axis path: no level is invented
        filled = [(level, text) for level, text in printed if text]
        usual: tuple[str, ...] = ("axe", "oi", "oo")
        if self.thematique_axes and not code and filled and filled[0][0] == "axe":
            code = unnumbered(filled.pop(0)[1])  # `1. Petite enfance`: the thématique
            usual = ("oi", "oo")
        thematique = self._open_thematique(code) if code else self._default_thematique(default)
        place = Place(thematique)
        axe_text, oi_text, oo_text = ([text for _, text in filled] + [None, None, None])[:3]
        for (was, text), now, expected in zip(filled, ("axe", "oi", "oo"), usual):
            if was != expected and (was, now, text) not in self.promoted:
                self.promoted.add((was, now, text))
                self.ledger.note("level_promoted", f"{_where(row, text)}: {text!r} is in the {_LEVEL_NAMES[was]} column "
                                 f"with the level above empty: read as the {_LEVEL_NAMES[now]}", row, severity="info",
                                 cells=[text])
        if axe_text:
            place.axe = self._node(thematique.axes, axe_text, row, Axe)
        if oi_text:
            assert place.axe is not None  # levels are filled from the top
            place.oi = self._node(place.axe.objectifs_intermediaires, oi_text, row, ObjectifIntermediaire)
        if oo_text:
            assert place.oi is not None
            place.oo = self._node(place.oi.objectifs_operationnels, oo_text, row, ObjectifOperationnel)
        return place

    def _node(self, siblings: list, text: str, row: SourceRow, kind: type):  # noqa: ANN001, ANN202 - Axe | OI | OO
        """The node titled `text` among `siblings`, opened when new: number from its printed
        prefix (the last part of `4.1`), else the next free one."""
        label = pat.match_numbered_label(text)
        titre = label.titre if label and label.titre else text.strip()
        existing = next((n for n in siblings if n.titre and fold(n.titre) == fold(titre)), None)
        if existing is not None:
            return existing
        taken = {n.numero for n in siblings}
        numero = label.numbers[-1] if label and label.level in (None, "axe", "oi", "oo") and label.numbers else None
        if numero is None or numero in taken:
            if numero is not None:
                self.ledger.note("node_renumbered", f"{text!r}: number {numero} already taken by another title, "
                                 f"read as {_next_number(siblings)}", row, severity="info", cells=[text])
            numero = _next_number(siblings)
        node = kind(numero=numero, titre=titre, provenance=self._provenance(row))
        siblings.append(node)
        siblings.sort(key=lambda n: n.numero)
        return node

    def _provenance(self, row: SourceRow, column: Column | None = None) -> Provenance:
        p = row.provenance
        refs = p.cell_refs or ()
        index = column.index if column is not None else (row.non_empty[0][0] if row.non_empty else 0)
        return Provenance(document=p.document, line=p.line, page=p.page, table=p.table, row=p.row, sheet=p.sheet,
                          cell=refs[index] if index < len(refs) else None,
                          cells=[c for c in row.cells if c.strip()])

    def _new_action(self, table: RecordTable, row: SourceRow, place: Place, titre: str) -> Action:
        label = pat.match_numbered_label(titre)
        numero = label.numbers[-1] if label and label.level in (None, "action") and len(label.numbers) == 1 else None
        shown = label.titre if label and label.titre and numero is not None else titre
        code = place.thematique.code
        candidate = action_id(code, place.axe.numero if place.axe else None, place.oi.numero if place.oi else None,
                              numero, shown)
        action = Action(id=unique(candidate, self.ids), numero=numero, titre=shown,
                        oo=[place.oo.numero] if place.oo else [],
                        provenance=self._provenance(row, table.column("titre")))
        container = place.oi.actions if place.oi else place.axe.actions if place.axe else place.thematique.actions
        container.append(action)
        if table.column("titre") is not None:
            self.ledger.place(row, [table.column("titre").index])  # type: ignore[union-attr]
        self.actions += 1
        return action

    def _sous_action(self, table: RecordTable, row: SourceRow, action: Action, libelle: str) -> None:
        offre = Offre(libelle=libelle, provenance=self._provenance(row, table.column("sous_action")))
        rank = len(action.offres) + 1
        action.offres.append(offre)
        self.ledger.place(row, [table.column("sous_action").index])  # type: ignore[union-attr]
        self._fill(table, row, offre, record_id=f"{action.id}-o{rank}")

    # ---- fields ------------------------------------------------------------------------------
    def _fill(self, table: RecordTable, row: SourceRow, record: Action | Offre, record_id: str | None = None) -> None:
        record_id = record_id or getattr(record, "id", "")
        skip = {*HIERARCHY, "titre", "sous_action"}
        # free-text cells last: their labelled lines fill only what the other columns left empty
        for column in sorted(table.columns, key=lambda c: c.field in LABELLED_CELLS):
            if column.field in skip or column.index >= len(row.cells):
                continue
            text = row.cells[column.index].strip()
            if not text:
                continue
            at = self._cell(row, column)
            if column.field in LABELLED_CELLS:
                text = self._labelled(table, row, record, text, column, at, record_id)
            if text:
                self._set(record, column.field, text, row, column.key, at, record_id)
            self.ledger.place(row, [column.index])
        uncovered = [i for i, _ in row.non_empty if i not in {c.index for c in table.columns}]
        if uncovered:
            self.ledger.residue(row, f"{_where(row)}: cells under no column header", uncovered)

    def _set(self, record: Action | Offre, name: str | None, text: str, row: SourceRow, key: str, at: str,
             record_id: str) -> None:
        """One value into its field (a column's cell, or a labelled line of a free-text cell)."""
        if name in TEXT_FIELDS:
            current = getattr(record, name)
            setattr(record, name, f"{current}\n{text}" if current else text)
        elif name in LIST_FIELDS:
            getattr(record, name).append(text)
        elif name == "numero" and isinstance(record, Action):
            found = pat.match_numbered_label(text) or pat.match_numbered_label(f"{text}.")
            if found and len(found.numbers) == 1 and not found.titre:
                record.numero = found.numbers[0]
            else:
                record.autres[key] = text
        elif name in LINK_FIELDS and isinstance(record, Action) and re.fullmatch(r"[\d\s,;et]+", text):
            numbers = [int(n) for n in re.findall(r"\d+", text)]
            if name == "fiches_liees":
                record.fiches_liees.extend(n for n in numbers if n not in record.fiches_liees)
            elif numbers and numbers[0] >= 1:
                record.fiche_priorisation = numbers[0]
        elif name == "budget":
            self._budget(record, text, row, at, record_id)
        elif name in ("date_debut", "date_fin"):
            self._date(record, name, text, row, at, record_id, key)
        else:  # autres, known or not
            record.autres[key] = text

    def _labelled(self, table: RecordTable, row: SourceRow, record: Action | Offre, text: str, column: Column,
                  at: str, record_id: str) -> str:
        """A free-text cell's `Label : value` lines that name a field this row leaves empty go
        into that field (`Public visé : …` in a Descriptif, where the table has no public
        column); in a notes column, another short label names a value of `autres`. Returns
        what is left of the text."""
        notes = fold(column.header) in record_vocabulary(self.profile).note_headers
        lead, blocks = labelled_lines(text, named=notes, thresholds=self.thresholds, profile=self.profile)
        kept = list(lead)
        for block in blocks:
            value = "\n".join(block.lines).strip()
            has_column = table.column(block.field) is not None if block.field else False
            if block.field is None or (notes and has_column):  # a notes line of a field with its column: a name
                record.autres[block.label] = value
            elif block.field == "titre":
                if not self._whole_title(record, value):
                    kept.append(block.text)
            elif value and self._field_free(table, row, record, block.field):
                self._set(record, block.field, value, row, block.label, at, record_id)
            elif block.field == "budget" and record.budget is not None and read_amount(value) == record.budget:
                record.budget_texte = value  # the amount of the budget column, as the plan printed it
            else:
                kept.append(block.text)
        return "\n".join(kept).strip()

    @staticmethod
    def _whole_title(record: Action | Offre, value: str) -> bool:
        """`Titre complet : …` under a title (an offer's libellé) cut to the platform's length,
        ending in `…`: the whole title."""
        name = "titre" if isinstance(record, Action) else "libelle"
        shown = getattr(record, name) or ""
        stem = fold(shown.rstrip(ELLIPSIS)).strip()
        if not shown.endswith(ELLIPSIS) or not fold(value).startswith(stem):
            return False
        setattr(record, name, value)
        return True

    @staticmethod
    def _field_free(table: RecordTable, row: SourceRow, record: Action | Offre, name: str) -> bool:
        """No column of this row states the field, and the record has no value for it yet."""
        if name in LINK_FIELDS and not isinstance(record, Action):
            return False
        stated = any(c.field == name and c.index < len(row.cells) and row.cells[c.index].strip()
                     for c in table.columns)
        current = getattr(record, name, None)
        return not stated and current in (None, "", [])

    def _budget(self, record: Action | Offre, text: str, row: SourceRow, at: str, record_id: str) -> None:
        record.budget_texte = text
        amount = read_amount(text)
        if amount is None:
            self.ledger.note("budget_not_a_number", f"{at}: budget {text!r} is not one amount: kept as text "
                             f"(budget_texte)", row, record_id=record_id, cells=[text])
        else:
            record.budget = amount

    def _date(self, record: Action | Offre, name: str, text: str, row: SourceRow, at: str, record_id: str,
              key: str) -> None:
        found = read_date(text)
        if found is None:
            record.autres[key] = text
            self.ledger.note("date_not_read", f"{at}: {text!r} is not a date: kept under autres", row,
                             severity="info", record_id=record_id, cells=[text])
            year = _YEAR.search(text)
            if year:
                setattr(record, "annee_debut" if name == "date_debut" else "annee_fin", int(year.group(1)))
            return
        setattr(record, name, found)
        setattr(record, "annee_debut" if name == "date_debut" else "annee_fin", found.year)
        if text != found.isoformat():  # a serial or a French date: the reading is logged
            self.corrections.append(Correction(record_id=record_id, field=name, before=text,
                                               after=found.isoformat(), rule="date_read"))
        if record.annee_debut and record.annee_fin and record.annee_fin < record.annee_debut:
            self.ledger.note("dates_reversed", f"{at}: ends before it starts; the end year is dropped", row,
                             record_id=record_id, cells=[text])
            record.annee_fin = None


def unnumbered(text: str) -> str:
    """`1.2. Titre` → `Titre`."""
    label = pat.match_numbered_label(text)
    return label.titre if label is not None and label.titre else text.strip()


def axes_name_thematiques(table: RecordTable, body: list[SourceRow], profile: Profile) -> bool:
    """Whether the Axe column holds the plan's thématiques (`1. Petite enfance`, `2. Jeunesse`:
    a CTG kept on Territoires en Transitions, whose three axis levels are then thématique,
    axe and objectif): most of its values (`thresholds.record_thematique_axes_share`) name a
    thématique of the profile."""
    column = table.column("axe")
    if column is None or table.column("thematique") is not None:
        return False
    vocabulary = record_vocabulary(profile)
    values = {unnumbered(row.cells[column.index]) for row in body
              if column.index < len(row.cells) and row.cells[column.index].strip()
              and not vocabulary.is_hint(row.cells[column.index])}
    known = sum(1 for text in values if (heading := pat.match_thematique(text, profile)) is not None and heading.known)
    return bool(values) and known >= profile.thresholds.record_thematique_axes_share * len(values)


@dataclass
class Labelled:
    """A `Label : value` block of a free-text cell (it runs to the next label)."""

    label: str
    field: str | None  # None: a value named by its label (notes cells)
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join([f"{self.label} : {self.lines[0]}", *self.lines[1:]])


def label_field(label: str, profile: Profile | None = None) -> str | None:
    """The field a label names, spelt as the vocabulary spells it or as the profile's
    `[fields]` adds it (`Chef de file`), whole: no fuzzy reading, a sentence of a
    description that happens to hold a colon is not a label."""
    match = record_vocabulary(profile).match(label)
    if match is not None and match.rule == "exact":
        name = match.field
    elif match is None and profile is not None:
        name = header_matcher(profile).added_label(label) or ""
    else:
        return None
    name = _FIELD_OF.get(name, name)
    return name if name in LABEL_FIELDS else None


def labelled_lines(text: str, named: bool = False, thresholds: ThresholdsSection | None = None,
                   profile: Profile | None = None) -> tuple[list[str], list[Labelled]]:
    """(the lines before the first label, the labelled blocks). With `named`, a short
    capitalised label (`thresholds.note_label_words` words at most) that names no field
    also opens a block (a notes cell)."""
    most_words = (thresholds or default_profile().thresholds).note_label_words
    lead: list[str] = []
    blocks: list[Labelled] = []
    for line in text.split("\n"):
        found = _LABEL_LINE.match(line)
        label = found.group(1).strip() if found else ""
        field = label_field(label, profile) if found else None
        is_named = bool(named and found and field is None and _NAMED_LABEL.match(label)
                        and len(label.split()) <= most_words)
        if found and (field is not None or is_named):
            blocks.append(Labelled(label, field, [found.group(2)]))
        elif blocks:
            blocks[-1].lines.append(line)
        else:
            lead.append(line)
    return lead, blocks


def _is_section_label(text: str) -> bool:
    """`AXE 2 – …`, `2.1 …`, `Objectif stratégique 3 : …`: a heading of the hierarchy (a level
    word, or a dotted number); `3. Créer …` stays an action."""
    label = pat.match_numbered_label(text)
    return label is not None and (label.level in ("axe", "oi", "oo", "thematique")
                                  or (label.level is None and len(label.numbers) > 1))


def _where(row: SourceRow, text: str | None = None) -> str:
    """`Fichier dimport!C13`: the cell holding `text` (else the row's first non-empty cell),
    or the row's location."""
    refs = row.provenance.cell_refs
    if row.provenance.sheet and refs and row.non_empty:
        index = next((i for i, cell in row.non_empty if text is not None and cell.strip() == text), row.non_empty[0][0])
        return f"{row.provenance.sheet}!{refs[index]}"
    return row.provenance.location().split(":", 1)[-1]


def _text_lines(rows: list[SourceRow]) -> bool:
    return all(row.kind is RowKind.TEXT for row in rows)


def _next_number(siblings: list) -> int:  # noqa: ANN001 - nodes with a numero
    return max((n.numero for n in siblings), default=0) + 1
