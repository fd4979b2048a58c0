"""Structure builder of the *fiches actions* document (action tables with all fields).

Walks the row stream (once more, by a scout walk, for a plan with offers tables: the
column profile they are laid with): headings open thématiques, axes and OI; OO tables declare OO;
header rows set the table's field sequence; action rows, offer rows and continuation rows
become records. A second pass settles rows that lost their title. Every cell is placed or
listed as residue through the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from pgt.settings import headings as pat
from pgt.structure.hierarchy import HierarchyCursor, provenance_of
from pgt.structure.ids import action_id, unique
from pgt.structure.ledger import Ledger, UnrecordedLedger
from pgt.structure.column_profile import ColumnProfile, guided_positions
from pgt.structure.realign import cell_type, place_cells
from pgt.extract.rows import ExtractedDocument, RowKind, SourceRow
from pgt.settings.headers import header_cell_fields, header_matcher
from pgt.settings.profile import Profile, default_profile
from pgt.settings.text import fold
from pgt.schema import Action, Correction, ObjectifOperationnel, Offre, Provenance, Thematique

MOYENS = ["moyens_humains", "moyens_techniques", "moyens_financiers"]
_LIST_FIELDS = ("partenaires", "indicateurs")
_TEXT_FIELDS = ("porteur", "public_vise", "echeances", *MOYENS, "parcours", "description", "objectifs", "statut",
                "territoire")
OTHER_PREFIX = "autres:"  # a column whose header maps to no field: `autres:<header>`


# an OO cell (`OO 2 : …`), asked of every cell of every table row by both walks: read once per text
_oo_cell = lru_cache(maxsize=1 << 14)(pat.match_oo_cell)


def _header_label(text: str) -> str:
    """A header as printed, on one line (the key of `autres`)."""
    return " ".join(text.split())


def _header_like(text: str) -> bool:
    """A short label (`Couleur du projet`): a few words, no figure, no sentence."""
    return len(text) <= 40 and not any(ch.isdigit() for ch in text) and not text.rstrip().endswith(".") \
        and len(text.split()) <= 5


def _capitalised(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and len(text) <= 60 and sum(ch.isupper() for ch in letters) / len(letters) >= 0.8


@dataclass
class Titleless:
    """A row with fields but no title, settled after the walk (lost title or continuation)."""

    action: Action
    container: list[Action]
    previous: Action | None
    row: SourceRow
    thematique: str
    axe: int
    oi: int | None
    next_numero: int | None = None


@dataclass
class PrintedOffer:
    """An offer row as read: its action, the offer, the row and the fields laid from it."""

    action: Action
    offre: Offre
    row: SourceRow
    values: dict[str, str]


class FichesActionsBuilder:
    def __init__(self, document: ExtractedDocument, ledger: Ledger, corrections: list[Correction],
                 profile: Profile | None = None) -> None:
        self.document = document
        self.ledger = ledger
        self.corrections = corrections
        self.plan_profile = profile or default_profile()
        self.matcher = header_matcher(self.plan_profile)
        self.cursor = HierarchyCursor(ledger, self.plan_profile)
        self.structural = {fold(p) for p in self.plan_profile.phrases.structural}
        self.oo: int | None = None  # the OO a heading opened (`Objectif opérationnel 1.2.3`)
        self.fields: list[str] | None = None
        self.action: Action | None = None
        self.title_target: object | None = None  # axe or OI whose title continues on text lines
        self.ids: set[str] = set()
        self.titleless: list[Titleless] = []
        self.last_numbered: Action | None = None
        self.tables_with_body: set[int | None] = set()  # tables past their header rows
        # what each column holds, from the rows placed so far
        self.profile = ColumnProfile(self.plan_profile.thresholds)
        self.last_offer: PrintedOffer | None = None  # the offer row read last, while its action is current
        self.row_before: SourceRow | None = None  # the row fed before the current one (rows, not lines:
        self.row_now: SourceRow | None = None     # a Word table has no lines)
        # the scout walk, whose plan is thrown away: its records share one provenance (the walk
        # never reads it), its header corrections are not made
        self.scouting = False
        self.content_of: tuple[SourceRow, list[tuple[int, str]]] | None = None  # the last row's (_content_cells)
        self.scout_provenance: Provenance | None = None
        # the scout walk is run when the walk meets its first offers table (`build`): only offer
        # rows read the column profile, and a plan without offers tables is walked once
        self.scout_pending = False

    # ---- walk -------------------------------------------------------------------------
    def build(self) -> list[Thematique]:
        self.scout_pending = True
        for row in self.document.rows:
            self.feed(row)
        self._settle_titleless()
        self._declare_referenced_oo()
        return list(self.cursor.thematiques.values())

    def _take_scouted_profile(self) -> None:
        """From the first offer row on, the profile of the whole document (the scout walk's)
        with what the rows walked so far taught this walk: the walk's profile as when it
        started from the scout's (the rows before laid nothing by it, and taught both walks
        the same; tests/test_offer_alignment.py)."""
        scouted = self._scout_profile()
        scouted.absorb(self.profile)
        self.profile = scouted
        self.scout_pending = False

    def _scout_profile(self) -> ColumnProfile:
        """The column profile of the whole document, from a walk of all its rows (run when
        the build meets its first offers table) whose plan, ledger and corrections are thrown away (a ledger recording nothing: no anomaly made for
        nothing): the first offer rows are then laid with what the columns hold further
        down too."""
        scout = FichesActionsBuilder(self.document, UnrecordedLedger(), [], self.plan_profile)
        scout.scouting = True
        scout.scout_provenance = Provenance(document=self.document.name)
        for row in self.document.rows:
            scout.feed(row)
        return scout.profile

    def feed(self, row: SourceRow) -> None:
        if row.is_blank:
            return
        self.row_before, self.row_now = self.row_now, row
        if row.repeated_header and row.table_index in self.tables_with_body:
            # a header repeated after a page break inside a table (PDF): a duplicate of the
            # header already read; read again it would end the current action. (A header
            # flagged at the top of its table, as DOCX marks them, is read as usual.)
            self.ledger.place(row)
            return
        if row.kind is RowKind.TABLE and not row.repeated_header:
            self.tables_with_body.add(row.table_index)
        if self._heading(row):
            return
        if row.kind is RowKind.TEXT:
            self._text_line(row)
            return
        self.title_target = None
        if self.cursor.set_aside(row):
            return
        for handler in (self._oo_row, self._header_row, self._restated_oi_row, self._number_row, self._data_row):
            if handler(row):
                return

    # ---- headings -----------------------------------------------------------------------
    def _heading_text(self, row: SourceRow) -> str | None:
        if row.kind is RowKind.TEXT:
            return row.cells[0]
        non_empty = row.non_empty
        if len(non_empty) == 1 and non_empty[0][0] == 0:
            return non_empty[0][1]
        return None

    def _heading(self, row: SourceRow) -> bool:
        text = self._heading_text(row)
        if text is None:
            return False
        profile = self.plan_profile
        thematique = pat.match_thematique(text, profile)
        if thematique:
            self._open_thematique(thematique, row)
            return self._opened(row)
        if self.cursor.thematique is None:
            return False
        group = pat.match_group(text, profile)  # `THEMATIQUE 3 …`: a group of the thématique, its axe
        if group:
            self.cursor.open_axe(group.numero, group.titre, row)
            return self._opened(row)
        axe = pat.match_axe(text, profile)
        if axe:
            joined = pat.split_joined_heading(axe.titre, "oi_words", profile) if axe.titre else None
            opened = self.cursor.open_axe(axe.numero, joined[0] if joined else axe.titre, row)
            oi_joined = pat.match_oi_heading_number(joined[1], profile) if joined else None
            if oi_joined is None:
                return self._opened(row, title_target=opened)
            self.ledger.note("joined_headings", f"axe {axe.numero} and objective {oi_joined.numero} headings "
                             f"printed on one line: read as two", row, severity="info")
            return self._opened(row, title_target=self.cursor.open_oi(oi_joined.numero, oi_joined.titre, row))
        oi = pat.match_oi_heading_number(text, profile)
        if oi:
            self._open_parents(oi.numbers[:-1], row)
            return self._opened(row, title_target=self.cursor.open_oi(oi.numero, oi.titre, row))
        oo = pat.match_oo_heading(text, profile)
        if oo and len(oo.numbers) >= 2:
            # `Objectif opérationnel 1.2.3`: OO 3 of objective 2 of axe 1, its actions follow
            self._open_parents(oo.numbers[:-2], row)
            if self.cursor.oi is None or self.cursor.oi.numero != oo.numbers[-2]:
                self.cursor.open_oi(oo.numbers[-2], None, row)
        if oo and self.cursor.oi is not None:
            declared = self.cursor.declare_oo(oo.numero, oo.titre, row)
            opened = self._opened(row)
            self.oo = declared.numero if declared else None
            return opened
        if fold(text) in self.structural:
            self.ledger.place(row)
            return True
        first_of_table = row.kind is RowKind.TEXT or not row.provenance.row  # not a row amid a table's actions
        if first_of_table and pat.names_thematique(text, profile):
            # a heading that names a thématique but is not read as one: said at its page or
            # line, rather than letting its actions silently fall into the thématique before
            self.ledger.residue(row, "heading naming a thématique not read as a thématique heading: its actions "
                                "stay in the thématique above; add the heading to the profile",
                                code="thematique_heading_unread")
            return True
        return False

    def _open_thematique(self, heading: pat.ThematiqueHeading, row: SourceRow) -> None:
        """Open a thématique; one the profile does not know is opened from its heading's
        words (never folded into the thématique before it), and reported."""
        if not heading.known and heading.code not in self.cursor.thematiques:
            self.ledger.note("thematique_opened", f"heading names no thématique of the profile: thématique "
                             f"{heading.code!r} opened from its words", row, severity="info")
        self.cursor.open_thematique(heading.code, heading.titre or None)
        self.oo = None

    def _open_parents(self, numbers: tuple[int, ...], row: SourceRow) -> None:
        """A hierarchical number (`1.2` under `OBJECTIF STRATÉGIQUE`) names its axe: open it
        when it is not the current one."""
        if numbers and (self.cursor.axe is None or self.cursor.axe.numero != numbers[0]):
            self.cursor.open_axe(numbers[0], None, row)

    def _opened(self, row: SourceRow, title_target: object | None = None) -> bool:
        """A heading opened a node: a new table context, its title may continue below."""
        if title_target is not None:
            self.title_target = title_target
        self.fields = None
        self.action = None
        self.oo = None
        self.last_offer = None
        self.ledger.place(row)
        return True

    def _text_line(self, row: SourceRow) -> None:
        target = self.title_target
        if target is not None:
            text = row.cells[0].strip()
            target.titre = f"{target.titre} {text}".strip() if target.titre else text  # type: ignore[attr-defined]
            self.ledger.place(row)
            return
        self.ledger.residue(row, "text line outside any table that is not a known heading")

    # ---- OO tables ----------------------------------------------------------------------
    def _oo_row(self, row: SourceRow) -> bool:
        found = [(i, _oo_cell(c)) for i, c in row.non_empty]
        found = [(i, m) for i, m in found if m is not None]
        if not found:
            return False
        declared = []
        for index, match in found:
            oo = self.cursor.declare_oo(match.numero, match.titre, row, index)
            if oo is not None:
                declared.append(oo.numero)
            self.ledger.place(row, [index])
        for index, text in row.non_empty:
            if any(index == i for i, _ in found):
                continue
            if fold(text) in self.structural or pat.bare_number(text) is not None:
                self.ledger.place(row, [index])
                continue
            number = pat.match_action_number(text)
            if number and declared:
                # an action title printed in the OO table's first cell: the action of that OO
                action = self._new_action(number.numero, number.titre, row)
                action.oo = [declared[0]]
                self.ledger.place(row, [index])
                self.ledger.note("action_in_oo_table", f"action {number.numero} printed in the OO table", row,
                                 severity="info", record_id=action.id)
                continue
            self.ledger.residue(row, "text in an OO table that is neither an OO nor an action", [index])
        return True

    def _restated_oi_row(self, row: SourceRow) -> bool:
        """OO tables often restate their OI (`OBJECTIFS OPERATIONNELS ⇥ OBJECTIF INTERMEDIAIRE 1 …`)."""
        oi = self.cursor.oi
        cells = self._content_cells(row)
        if not cells or len(cells) > 1:
            return False
        index, text = cells[0]
        restated = pat.match_oi_heading(text)
        if restated and oi is not None and restated.numero == oi.numero:
            if restated.titre and not oi.titre:
                oi.titre = restated.titre
            self.ledger.place(row)
            return True
        if oi is not None and oi.titre and index > 0 and fold(text) and fuzz.ratio(fold(text), fold(oi.titre)) >= self.plan_profile.thresholds.title_similarity:
            self.ledger.place(row)
            return True
        return False

    def _number_row(self, row: SourceRow) -> bool:
        """Rows of bare OO numbers (`1 ⇥ ⇥ 2 ⇥ …`): OO declared without title."""
        cells = self._content_cells(row)
        if not cells:
            return False
        numbers = []
        for _, text in cells:
            number = pat.bare_number(text)
            if number is None:
                return False
            numbers.append(number)
        if self.cursor.oi is not None:
            for numero in numbers:
                self.cursor.declare_oo(numero, None, row)  # type: ignore[arg-type]
        self.ledger.place(row)
        return True

    def _content_cells(self, row: SourceRow) -> list[tuple[int, str]]:
        """The row's cells that are not structure words, found once for the handlers that ask."""
        if self.content_of is None or self.content_of[0] is not row:
            self.content_of = (row, [(i, c) for i, c in row.non_empty if fold(c) not in self.structural])
        return self.content_of[1]

    # ---- headers --------------------------------------------------------------------------
    def _header_row(self, row: SourceRow) -> bool:
        non_empty = row.non_empty
        named = [(i, f, c) for (i, c), f in zip(non_empty, header_cell_fields([c for _, c in non_empty],
                                                                             self.plan_profile))]
        fields = [(i, f, c) for i, f, c in named if f is not None]
        if not fields:  # a row naming no field is no header, whatever its other cells (most rows: asked first)
            return False
        unknown = [(i, c) for i, f, c in named if f is None and pat.bare_number(c) is None]
        minimum = self.plan_profile.thresholds.header_fields_min
        if unknown and len(fields) >= minimum and all(_capitalised(c) or _header_like(c) for _, c in unknown) \
                and len(fields) >= 2 * len(unknown):
            # a header row with a column name the profile does not know: its values are kept
            # (`autres`: header → value) and the header reported, not read as data
            self.ledger.note("unknown_header", f"header cell(s) matching no known column (values kept in "
                             f"autres): {', '.join(c for _, c in unknown)}", row, cells=[c for _, c in unknown])
        elif not fields or unknown:
            return False
        kinds = {f for _, f, _ in fields}
        sub_header = kinds <= set(MOYENS) | {"oo"} and kinds & set(MOYENS)  # already expanded from MOYENS
        if not sub_header and len(fields) >= minimum:
            columns = sorted([(i, f) for i, f, _ in fields] + [(i, f"{OTHER_PREFIX}{_header_label(c)}")
                                                              for i, c in unknown])
            self._set_fields([f for _, f in columns])
        # fewer: a header fragment (a merged cell alone on its line): structure, nothing to read
        for _, field, text in fields:
            self._log_header_spelling(field, text, row)
        self.ledger.place(row)
        return True

    def _set_fields(self, named: list[str]) -> None:
        sequence: list[str] = []
        for field in named:
            if field == "moyens":
                sequence.extend(m for m in MOYENS if m not in named)
            elif field not in sequence:
                sequence.append(field)
        if sequence[0] != "titre":
            sequence.insert(0, "titre")
        expected = self.plan_profile.layouts[self._layout_kind(sequence)]
        sequence += [f for f in expected if f not in sequence]  # columns the header forgot
        self.fields = sequence
        self.action = None
        self.last_offer = None

    def _layout_kind(self, sequence: list[str]) -> str:
        if "offre" in sequence or "parcours" in sequence:
            return "enfance"
        if "oo" not in sequence:
            return "parentalite"
        return "standard"

    def _headerless_layout(self) -> list[str]:
        """The columns of a table no header named: the profile's `[layouts]` entry named by
        the thématique's code (this plan's enfance tables carry offers, its parentalité ones no
        OO), else `standard`."""
        layouts = self.plan_profile.layouts
        code = self.cursor.thematique.code  # type: ignore[union-attr]
        return layouts.get(code, layouts["standard"])

    def _log_header_spelling(self, field: str, text: str, row: SourceRow) -> None:
        if self.scouting or field in ("titre", "oo", "offre") or self.matcher.is_known_spelling(text):
            return  # (the scout's corrections are thrown away)
        where = row.provenance.line or row.provenance.page or 0
        self.corrections.append(
            Correction(record_id=f"header:{row.provenance.document}:{where}", field=field,
                       before=text, after=self.matcher.reference_spelling(field), rule="header_canonical")
        )

    # ---- data rows ----------------------------------------------------------------------
    def _data_row(self, row: SourceRow) -> bool:
        fields = self.fields or self._headerless_layout()
        if self.scout_pending and "offre" in fields:  # (every row of an offers table reads the profile)
            self._take_scouted_profile()
        first_index, first_text = row.non_empty[0]
        number = pat.match_action_number(first_text, self.plan_profile) if first_index <= 2 else None
        fiche_list = pat.match_fiche_list(first_text) if first_index <= 2 and not number else None
        if number or fiche_list:
            titre = number.titre if number else fiche_list[1]  # type: ignore[index]
            action = self._new_action(number.numero if number else None, titre, row)
            if fiche_list:
                action.fiches_liees = fiche_list[0]
            self.ledger.place(row, [first_index])
            self._fill(action, row, first_index + 1, fields[1:], fields)
            return True
        if first_index == 0 and "offre" in fields and self.action is not None:
            # a row of the offers table printed from the first column: its libellé is there
            offre_at = fields.index("offre")
            self.ledger.place(row, [0])
            self.ledger.note("realigned_cells", "offer printed in the action column", row, severity="info",
                             record_id=self.action.id)
            self._add_offre(self.action, row, 1, fields[offre_at + 1 :], libelle=first_text)
            return True
        if first_index == 0:
            action = self._new_action(None, first_text, row)
            self.ledger.place(row, [0])
            self._fill(action, row, 1, fields[1:], fields)
            return True
        # no title: an offer of the current action, or a row that lost its title
        if "offre" in fields:
            if self.action is None:
                self.ledger.residue(row, "offer row before any action")
                return True
            self._add_offre(self.action, row, 1, fields[1:])
            return True
        self._titleless_row(row, fields)
        return True

    def _new_action(self, numero: int | None, titre: str | None, row: SourceRow) -> Action:
        cursor = self.cursor
        axe = cursor.ensure_axe(row)
        code = cursor.thematique.code  # type: ignore[union-attr]
        oi = cursor.oi
        candidate = action_id(code, axe.numero, oi.numero if oi else None, numero, titre)
        if candidate in self.ids and (numero is not None or titre):
            self.ledger.note("duplicate_id", f"{candidate} printed twice in the same place", row, severity="info")
        action = Action(id=unique(candidate, self.ids), numero=numero, titre=titre or None,
                        provenance=self.scout_provenance or provenance_of(row))
        if self.oo is not None:
            action.oo = [self.oo]  # under an OO heading (`Objectif opérationnel 1.2.3`)
        (oi.actions if oi else axe.actions).append(action)
        self.action = action
        if numero is not None:
            self.last_numbered = action
            for pending in self.titleless:
                if pending.next_numero is None and pending.thematique == code:
                    pending.next_numero = numero
        return action

    def _placed_values(self, row: SourceRow, start: int, fields: list[str], record_id: str,
                       guided: bool = False) -> dict[str, str]:
        cells = [(i - start, row.cells[i], i) for i in range(start, len(row.cells))]
        if guided:
            # offer tables: cells laid by what their column holds elsewhere, then realigned
            non_empty = [(pos, text, i) for pos, text, i in cells if text.strip()]
            guide = guided_positions([(pos, text) for pos, text, _ in non_empty], fields, self.profile)
            cells = [(pos if at is None else at, text, i) for (pos, text, i), at in zip(non_empty, guide)]
        index_of = {(pos, text): i for pos, text, i in cells}
        placement = place_cells([(pos, text) for pos, text, _ in cells], fields, self.plan_profile.thresholds)
        overflow_at = [index_of[(pos, text)] for pos, text in placement.overflow]
        placed_positions = {i for _, text, i in cells if text.strip()} - set(overflow_at)
        oo_text = placement.values.get("oo")
        if oo_text is not None and not pat.parse_oo_refs(oo_text):
            # free text laid on the OO column: no OO number to read, and no field to keep it
            # in — listed, not counted as placed (it used to vanish while counted placed)
            del placement.values["oo"]
            at = next(i for _, text, i in cells if text == oo_text)
            placed_positions.discard(at)
            self.ledger.residue(row, "text in the OO column that is not OO numbers", [at])
        self.ledger.place(row, placed_positions)
        if placement.overflow:
            self.ledger.residue(row, "cells beyond the table's columns", overflow_at)
        moved, shift = placement.moved, placement.shift
        if guided:  # moved from where the row printed them, not from where the profile laid them
            printed_at = {text: i - start for _, text, i in cells}
            offsets = [fields.index(f) - printed_at[text] for f, text in placement.values.items() if text in printed_at]
            moved = sum(offset != 0 for offset in offsets)
            shift = max(offsets, key=abs, default=0)
        if moved:
            self.ledger.note("realigned_cells", f"{moved} cell(s) printed in another column put back in "
                             f"their field by content (offset up to {shift:+d})",
                             row, severity="info", record_id=record_id)
        for text, source, target in placement.moves:
            self.ledger.note("realigned_cells", f"cell moved from {source} to {target} by its content", row,
                             severity="info", record_id=record_id, cells=[text])
        self.profile.learn(placement.values)
        return placement.values

    def _fill(self, action: Action, row: SourceRow, start: int, fields: list[str], all_fields: list[str]) -> None:
        if "offre" in all_fields and "offre" in fields:
            self._fill_offer_table(action, row, start, fields)
            return
        values = self._placed_values(row, start, fields, action.id)
        oo_text = values.pop("oo", None)
        if oo_text is not None:
            refs = pat.parse_oo_refs(oo_text)
            if refs:
                action.oo = refs
        libelle = values.pop("offre", None)
        _apply_fields(action, values)
        if "offre" in all_fields and (libelle or values):
            action.offres.append(_offre(libelle, values, row, self.scout_provenance))

    def _fill_offer_table(self, action: Action, row: SourceRow, start: int, fields: list[str]) -> None:
        """An action's first row in a table of offers: its fields are the action's and its first offer's."""
        above = self.last_offer
        oo_refs, libelle, values = self._offer_row_values(action, row, start, fields)
        if oo_refs:
            action.oo = oo_refs
        if libelle and not values and above is not None and self._printed_one_row_up(above, row):
            values = self._take_fields_of(above, action, row)
        _apply_fields(action, values)
        if libelle or values:
            action.offres.append(_offre(libelle, values, row, self.scout_provenance))
        self.last_offer = None

    def _add_offre(self, action: Action, row: SourceRow, start: int, fields: list[str], libelle: str | None = None) -> None:
        if libelle is None:
            oo_refs, libelle, values = self._offer_row_values(action, row, start, fields)
        else:
            oo_refs, values = [], self._placed_values(row, start, fields, action.id, guided=True)
            oo_text = values.pop("oo", None)
            oo_refs = pat.parse_oo_refs(oo_text) or [] if oo_text is not None else []
            values.pop("offre", None)
        if oo_refs:
            action.oo = sorted(set(action.oo) | set(oo_refs))
        offre = _offre(libelle, values, row, self.scout_provenance)
        action.offres.append(offre)
        self.last_offer = PrintedOffer(action, offre, row, dict(values))

    def _offer_row_values(self, action: Action, row: SourceRow, start: int,
                          fields: list[str]) -> tuple[list[int], str | None, dict[str, str]]:
        """(OO numbers, libellé, fields) of a row of an offers table. Its OO numbers and the
        offer's libellé anchor the row; the cells after them are laid by meaning (the
        column profile, then the realigner)."""
        cells = [(i, c) for i, c in row.non_empty if i >= start]
        oo_refs: list[int] = []
        oo_at: int | None = None
        if cells and "oo" in fields and (refs := pat.parse_oo_refs(cells[0][1])):
            oo_refs, oo_at = refs, cells[0][0]
            self.ledger.place(row, [cells[0][0]])
            cells = cells[1:]
        offre_at = fields.index("offre")
        rest = fields[offre_at + 1 :]
        libelle = None
        # the libellé follows the OO cell, wherever the row printed it
        expected = oo_at + 1 if oo_at is not None else start + offre_at
        if cells and self._is_libelle(*cells[0], expected):
            index, libelle = cells[0]
            self.ledger.place(row, [index])
            self.profile.learn({"offre": libelle})
            if index != expected:
                self.ledger.note("realigned_cells", f"offer libellé found in column {index}, expected {expected}",
                                 row, severity="info", record_id=action.id)
            anchor = index + 1
        else:
            anchor = expected + 1
        if cells and cells[0][0] < anchor and libelle is None:
            anchor = cells[0][0]  # a typed cell before the offer column: laid from where it is
        values = self._placed_values(row, anchor, rest, action.id, guided=True)
        _join_second_indicator(values)
        return oo_refs, libelle, values

    def _is_libelle(self, index: int, text: str, expected: int) -> bool:
        """The first cell after the OO is the offer's libellé when it sits in the offer column
        or before it (rows printed one column left); one column further only when nothing
        in it says it is a field (no content type, words of no other column)."""
        if index <= expected:
            return True
        kind, strong = cell_type(text)
        if index > expected + 1 or strong or kind == "moyens_financiers":
            return False
        shares = {f: self.profile.share(text, f) for f in ("offre", *_TEXT_FIELDS, *_LIST_FIELDS)}
        doubt = self.plan_profile.thresholds.offer_libelle_doubt
        return max(shares, key=shares.__getitem__) == "offre" or max(shares.values()) < doubt

    def _printed_one_row_up(self, above: PrintedOffer, row: SourceRow) -> bool:
        """A tall row of an offers table whose fields the export printed on the line above,
        beside the previous action's last offer: this row holds only its title, OO and
        libellé, and the line above is that offer's own, directly before it."""
        adjacent = above.row is self.row_before and above.row.table_index == row.table_index
        first = above.action.offres[0] if above.action.offres else None
        return (adjacent and bool(above.values) and above.offre.libelle is not None
                and first is not None and first is not above.offre and _has_fields(above.action))

    def _take_fields_of(self, above: PrintedOffer, action: Action, row: SourceRow) -> dict[str, str]:
        for field in _TEXT_FIELDS:
            setattr(above.offre, field, None)
        for field in _LIST_FIELDS:
            setattr(above.offre, field, [])
        self.ledger.note("fields_from_row_above", f"the fields of action {action.id}'s first row are printed on "
                         f"the line above, beside an offer of {above.action.id} that already has its row",
                         row, severity="info", record_id=action.id, cells=list(above.values.values()))
        return above.values

    def _titleless_row(self, row: SourceRow, fields: list[str]) -> None:
        previous = self.action
        action = self._new_action(None, None, row)
        container = (self.cursor.oi.actions if self.cursor.oi else self.cursor.axe.actions)  # type: ignore[union-attr]
        self._fill(action, row, 1, fields[1:], fields)
        self.titleless.append(Titleless(
            action, container, previous, row, thematique=self.cursor.thematique.code,  # type: ignore[union-attr]
            axe=self.cursor.axe.numero, oi=self.cursor.oi.numero if self.cursor.oi else None))  # type: ignore[union-attr]
        self.action = previous if previous is not None else action

    # ---- second pass --------------------------------------------------------------------
    def _settle_titleless(self) -> None:
        """A titleless row between actions n and n+2 is action n+1 whose title was lost;
        otherwise it continues the action above it."""
        for pending in self.titleless:
            previous = pending.previous
            action = pending.action
            gap = (previous is not None and previous.numero is not None and pending.next_numero is not None
                   and pending.next_numero == previous.numero + 2)
            if gap:
                assert previous is not None and previous.numero is not None
                action.numero = previous.numero + 1
                self.ids.discard(action.id)
                action.id = unique(action_id(pending.thematique, pending.axe, pending.oi, action.numero, None), self.ids)
                self.ledger.note("missing_title", f"row between actions {previous.numero} and {pending.next_numero} "
                                 f"read as action {action.numero}, whose title is not printed", pending.row,
                                 record_id=action.id)
            elif previous is not None:
                pending.container.remove(action)
                self.ids.discard(action.id)
                _merge_continuation(previous, action)
                self.ledger.note("continuation_merged", f"row without title merged into action {previous.id}",
                                 pending.row, severity="info", record_id=previous.id)
            else:
                self.ledger.note("missing_title", "row without title and no action above it", pending.row,
                                 record_id=action.id)

    def _declare_referenced_oo(self) -> None:
        """An action may refer to an OO its table never printed: declare it, reported."""
        for thematique in self.cursor.thematiques.values():
            for axe in thematique.axes:
                for oi in axe.objectifs_intermediaires:
                    known = {o.numero for o in oi.objectifs_operationnels}
                    for action in oi.actions:
                        for numero in action.oo:
                            if numero not in known:
                                known.add(numero)
                                oi.objectifs_operationnels.append(ObjectifOperationnel(numero=numero))
                                self.ledger.note("undeclared_oo", f"action {action.id} refers to OO {numero}, "
                                                 f"not printed in OI {oi.numero}", None, record_id=action.id,
                                                 cells=[])
                    oi.objectifs_operationnels.sort(key=lambda o: o.numero)


def _apply_fields(record: Action | Offre, values: dict[str, str]) -> None:
    for field in _TEXT_FIELDS:
        if field in values:
            setattr(record, field, values[field])
    for field in _LIST_FIELDS:
        if field in values:
            setattr(record, field, [values[field]])
    if "budget" in values:
        record.budget_texte = values["budget"]  # the amount is read by a normalizer (parse_budget)
    for field, value in values.items():
        if field.startswith(OTHER_PREFIX):
            record.autres[field[len(OTHER_PREFIX):]] = value


def _join_second_indicator(values: dict[str, str]) -> None:
    """A row printing two indicators (`Nombre de rencontres` | `Nombre de participants`) has
    one laid on the column before the indicators: both are indicators."""
    current = values.get("indicateurs")
    if current is None or cell_type(current) != ("indicateurs", True):
        return
    for field in list(values):
        if field != "indicateurs" and cell_type(values[field]) == ("indicateurs", True):
            values["indicateurs"] = f"{values.pop(field)}, {values['indicateurs']}"


def _has_fields(record: Action | Offre) -> bool:
    return any(getattr(record, f) for f in (*_TEXT_FIELDS, *_LIST_FIELDS))


def _offre(libelle: str | None, values: dict[str, str], row: SourceRow, provenance: Provenance | None = None) -> Offre:
    offre = Offre(libelle=libelle, provenance=provenance or provenance_of(row))
    _apply_fields(offre, values)
    return offre


def _merge_continuation(target: Action, extra: Action) -> None:
    for field in _TEXT_FIELDS:
        addition = getattr(extra, field)
        current = getattr(target, field)
        if addition and addition != current:
            setattr(target, field, f"{current}\n{addition}" if current else addition)
    for field in _LIST_FIELDS:
        current = getattr(target, field)
        current.extend(v for v in getattr(extra, field) if v not in current)
    if extra.budget_texte and extra.budget_texte != target.budget_texte:
        target.budget_texte = f"{target.budget_texte}\n{extra.budget_texte}" if target.budget_texte else extra.budget_texte
    for key, value in extra.autres.items():
        current_value = target.autres.get(key)
        target.autres[key] = f"{current_value}\n{value}" if current_value and current_value != value else value
    target.oo = sorted(set(target.oo) | set(extra.oo))
    target.provenance.cells.extend(extra.provenance.cells)
    # the continuation may sit on the next page: the action's image shows both pieces
    target.provenance.boxes.extend(extra.provenance.boxes)
    target.provenance.pages = sorted(set(target.provenance.pages) | set(extra.provenance.pages))
