"""Structure builder of the *priorisation* document (the summary: axes → OI → OO → fiches).

Each table is AXE → OI → OO → FICHES ACTIONS, but cells drift between columns, so cells
are read by what they say (`OI 2 :`, `OO 3 :`, `Fiche 12 : …`, `N° 3 - 13`), left to
right, rather than by their column. Produces the hierarchy nodes (with titles) and the
`Fiche` records.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pgt.settings import headings as pat
from pgt.structure.hierarchy import HierarchyCursor, provenance_of
from pgt.structure.ids import slug, unique
from pgt.structure.ledger import Ledger
from pgt.extract.rows import ExtractedDocument, RowKind, SourceRow
from pgt.settings.profile import Profile, default_profile
from pgt.settings.text import fold
from pgt.schema import Fiche, Thematique


class PriorisationBuilder:
    def __init__(self, document: ExtractedDocument, ledger: Ledger, profile: Profile | None = None) -> None:
        self.document = document
        self.ledger = ledger
        self.profile = profile or default_profile()
        self.structural = tuple(fold(p) for p in self.profile.phrases.summary_structural)
        self.fiche_lists = tuple(fold(p) for p in self.profile.phrases.summary_fiche_lists)
        self.header_words = tuple(fold(w) for w in self.profile.summary.header_words)
        self.cursor = HierarchyCursor(ledger, self.profile)
        self.fiches: list[Fiche] = []
        self.ids: set[str] = set()
        self.pending_axe: pat.Numbered | None = None
        self.axe_title_open = False  # text lines after an axe heading continue its title
        self.oo_numbers: list[int] = []
        self.in_fiche_list = False
        self.tables_with_body: set[int | None] = set()
        self.spanning: Fiche | None = None  # an actions cell that may span the OO rows below it
        self.ahead: tuple[pat.Numbered, SourceRow, int] | None = None  # an OO label printed ahead of its fiches
        # tables that number their fiches (`Fiche 12 : …`); in the others an actions cell is an unnumbered fiche
        self.numbered_tables = {row.table_index for row in document.rows if row.kind is RowKind.TABLE
                                and any(pat.starts_with_fiche(text) for _, text in row.non_empty)}

    def build(self) -> tuple[list[Thematique], list[Fiche]]:
        for row in self.document.rows:
            if row.is_blank:
                continue
            if row.kind is RowKind.TEXT:
                self._text(row)
            else:
                self.axe_title_open = False
                self._table_row(row)
        return list(self.cursor.thematiques.values()), self.fiches

    # ---- text lines -------------------------------------------------------------------
    def _text(self, row: SourceRow) -> None:
        text = row.cells[0].strip()
        thematique = pat.match_thematique(text, self.profile)
        if thematique:
            if not thematique.known and thematique.code not in self.cursor.thematiques:
                self.ledger.note("thematique_opened", f"heading names no thématique of the profile: thématique "
                                 f"{thematique.code!r} opened from its words", row, severity="info")
            self.cursor.open_thematique(thematique.code, thematique.titre or None)
            self.pending_axe = None
            self.in_fiche_list = False
            self.ledger.place(row)
            return
        axe = pat.match_axe(text, self.profile) or pat.match_roman_title(text)
        if axe and self.cursor.thematique is not None:
            self.pending_axe = axe
            self.axe_title_open = True
            self.ledger.place(row)
            return
        folded = fold(text)
        if folded.startswith(self.structural + self.fiche_lists) or folded == "AXE STRATEGIQUE":
            self.in_fiche_list = bool(self.fiche_lists) and folded.startswith(self.fiche_lists)
            self.ledger.place(row)
            return
        if self.axe_title_open and self.pending_axe is not None:
            titre = f"{self.pending_axe.titre} {text}".strip()
            self.pending_axe = pat.Numbered(self.pending_axe.numero, titre)
            self.ledger.place(row)
            return
        if self.in_fiche_list and self.cursor.thematique is not None and not text.startswith("("):
            self._add_fiche(None, text, row)
            self.ledger.place(row)
            return
        self.ledger.residue(row, "text line of the summary that is neither a heading nor a fiche", severity="info")

    # ---- tables -----------------------------------------------------------------------
    def _table_row(self, row: SourceRow) -> None:
        if row.repeated_header and row.table_index in self.tables_with_body:
            # a header repeated after a page break (PDF): read again it would reopen the
            # axe and drop the current OI (the OO below would lose it)
            self.ledger.place(row)
            return
        if not row.repeated_header:
            self.tables_with_body.add(row.table_index)
        if self.cursor.set_aside(row):
            return
        if self._header(row):
            return
        self._data(row)

    def _header(self, row: SourceRow) -> bool:
        axe_number = None
        words = 0
        for _, text in row.non_empty:
            axe = pat.match_axe(text, self.profile)
            if axe and not axe.titre:
                axe_number = axe.numero
            elif fold(text).startswith(self.header_words):
                words += 1
        if axe_number is None and words < 2:
            return False
        if axe_number is not None:
            titre = None
            if self.pending_axe is not None and self.pending_axe.numero in (axe_number, 0):
                titre = self.pending_axe.titre
            self.cursor.open_axe(axe_number, titre, row)
            self.pending_axe = None
            self.oo_numbers = []
            self.spanning = None
            self.ahead = None
        self.ledger.place(row)
        return True

    def _data(self, row: SourceRow) -> None:
        if self._extend_spanning_fiche(row):
            return
        fiches_before = len(self.fiches)
        self._read_cells(row)
        added = self.fiches[fiches_before:]
        # an unnumbered actions cell (cohésion sociale) is one merged cell beside all its OO rows
        self.spanning = added[-1] if len(added) == 1 and added[0].numero is None and added[0].oi else None

    def _extend_spanning_fiche(self, row: SourceRow) -> bool:
        """A row that prints only OO cells under the actions cell of the row above: that cell
        spans this row too (a merged cell), so its fiche is under these OO as well."""
        fiche, oi = self.spanning, self.cursor.oi
        if fiche is None or oi is None or fiche.oi != oi.numero:
            return False
        read = [pat.split_three_digit_oo(text) or ([m] if (m := pat.match_oo_cell(text)) else [])
                for _, text in row.non_empty]
        if not read or not all(read):
            return False
        for (index, _), items in zip(row.non_empty, read):
            for item in items:
                self.cursor.declare_oo(item.numero, item.titre, row, index)
            self.ledger.place(row, [index])
        self.oo_numbers = [item.numero for items in read for item in items]
        fiche.oo = sorted(set(fiche.oo) | set(self.oo_numbers))
        return True

    def _read_cells(self, row: SourceRow) -> None:
        cells = [(index, part) for index, text in row.non_empty for part in split_marker_cell(text)]
        seen_pattern = False
        last_fiche: Fiche | None = None
        expecting_title: Fiche | None = None
        labels = 0
        after_row: tuple[pat.Numbered, SourceRow, int] | None = None
        for position, (index, text) in enumerate(cells):
            oi, oos, oo, fiches, annexes = _cell_markers(text)
            if (oi or oos or oo) and self.ahead is not None:
                self._open_oo(*self.ahead)  # the next label: the one printed ahead opens first
                self.ahead = None
                if oo and _fiche_follows(cells, position):
                    after_row = self._label_printed_early(oo, row, index)
                    labels += 1
                    continue
            if oo and self._printed_ahead(oo, labels, last_fiche):
                self.ahead = (oo, row, index)
                self.ledger.place(row, [index])
                continue
            labels += bool(oi or oos or oo)
            if oi:
                self.cursor.open_oi(oi.numero, oi.titre, row)
                self.oo_numbers = []
            elif oos:
                for item in oos:
                    self.cursor.declare_oo(item.numero, item.titre, row, index)
                self.oo_numbers = [item.numero for item in oos]
            elif oo:
                self._open_oo(oo, row, index)
            elif fiches:
                for numero, titre in fiches:
                    last_fiche = self._add_fiche(numero, titre, row)
                expecting_title = last_fiche if last_fiche is not None and not last_fiche.titre else None
            elif annexes is not None and last_fiche is not None:
                last_fiche.fiches_annexees = list(annexes)
            elif expecting_title is not None:
                expecting_title.titre = text.strip()
                expecting_title = None
            elif not seen_pattern:
                self._leading_text(text, row, index)
                continue
            elif row.table_index not in self.numbered_tables and self.cursor.oi is not None:
                last_fiche = self._add_fiche(None, text, row)
            else:
                self.ledger.residue(row, "summary cell that is neither OI, OO nor fiche", [index], severity="info")
                continue
            seen_pattern = True
            self.ledger.place(row, [index])
        if expecting_title is not None:
            self.ledger.note("missing_title", f"fiche {expecting_title.numero} has no title", row,
                             record_id=expecting_title.id)
        if after_row is not None:
            self._open_oo(*after_row)

    def _label_printed_early(self, oo: pat.Numbered, row: SourceRow,
                             index: int) -> tuple[pat.Numbered, SourceRow, int]:
        """The label after one printed ahead, on a row with a fiche: the block's labels are
        printed a row early (merged cells), so the row's fiche is the ahead label's first and
        this label opens after the row."""
        self.ledger.place(row, [index])
        self.ledger.note("oo_printed_early", f"OO {oo.numero} printed on the row of the fiche "
                         "before its own: read from the next row", row, severity="info",
                         cells=[row.cells[index]], indices=[index])
        return oo, row, index

    def _printed_ahead(self, oo: pat.Numbered, labels: int, last_fiche: Fiche | None) -> bool:
        """A second OO label on a row, before the row's fiche, that restarts the numbering
        (a new OI): it was printed ahead of its fiches; this row's fiche, and the rows of
        fiches that follow, belong to the first label, until the next label is printed."""
        oi = self.cursor.oi
        return (labels >= 1 and last_fiche is None and oi is not None and self.ahead is None
                and oo.numero in {o.numero for o in oi.objectifs_operationnels} and oo.numero < max(self.oo_numbers, default=0))

    def _leading_text(self, text: str, row: SourceRow, index: int) -> None:
        """Text before any OI/OO/fiche cell: the axe title (restated or first printed)."""
        axe = self.cursor.axe
        oo = self._current_oo()
        if oo is not None and oo.titre and oo.titre.endswith("-"):
            # an OO title cut by a page break (`… projets extra-` / `scolaires`)
            oo.titre = oo.titre + text.strip()
            self.ledger.place(row, [index])
            return
        titled = pat.match_roman_title(text)
        titre = titled.titre if titled else text.strip()
        if axe is not None and not axe.titre:
            axe.titre = titre
            self.ledger.place(row, [index])
        elif axe is not None and axe.titre and (titled or fold(titre) and fold(titre)[:30] == fold(axe.titre)[:30]):
            self.ledger.place(row, [index])  # the axe title restated in its table
        else:
            self.ledger.residue(row, "text in the axe column that is not its title", [index], severity="info")

    def _current_oo(self):  # noqa: ANN202 - ObjectifOperationnel | None
        oi = self.cursor.oi
        if oi is None or not self.oo_numbers:
            return None
        return next((o for o in oi.objectifs_operationnels if o.numero == self.oo_numbers[-1]), None)

    def _open_oo(self, oo: pat.Numbered, row: SourceRow, index: int | None = None) -> None:
        cursor = self.cursor
        if cursor.oi is not None and oo.numero == 1 and 1 in {o.numero for o in cursor.oi.objectifs_operationnels}:
            # OO numbering restarts with no OI cell: the document skipped the OI
            numero = max(o.numero for o in cursor.axe.objectifs_intermediaires) + 1  # type: ignore[union-attr]
            self.ledger.note("inferred_oi", f"OO 1 again with no OI cell: OI {numero} inferred", row)
            cursor.open_oi(numero, None, row)
        declared = cursor.declare_oo(oo.numero, oo.titre, row, index)
        self.oo_numbers = [declared.numero] if declared else []

    def _add_fiche(self, numero: int | None, titre: str, row: SourceRow) -> Fiche:
        code = self._thematique_code()
        if code is None:  # fiches are read only under a thématique (tables before one are set aside)
            raise LookupError("fiche outside any thématique")
        axe = self.cursor.axe.numero if self.cursor.axe else None
        oi = self.cursor.oi.numero if self.cursor.oi else None
        if numero is not None:
            candidate = f"{code}-f{numero}"
        else:
            candidate = "-".join([code, "f", *(str(n) for n in (axe, oi) if n is not None), slug(titre)])
        fiche = Fiche(
            id=unique(candidate, self.ids), thematique=code, axe=axe, oi=oi,
            oo=list(self.oo_numbers) if oi is not None else [], numero=numero, titre=titre.strip(),
            provenance=provenance_of(row),
        )
        self.fiches.append(fiche)
        return fiche

    def _thematique_code(self) -> str | None:
        return self.cursor.thematique.code if self.cursor.thematique else None


@lru_cache(maxsize=1 << 12)  # the same cells, read again (a summary restates its labels)
def _cell_markers(text: str) -> tuple[pat.Numbered | None, tuple[pat.Numbered, ...], pat.Numbered | None,
                                      tuple[tuple[int, str], ...], tuple[int, ...] | None]:
    """What a summary cell holds: an OI, cohésion's three-digit OO, an OO, its fiches, its annexes."""
    oos = tuple(pat.split_three_digit_oo(text))
    oo = pat.match_oo_cell(text) if not oos else None
    fiches = tuple(pat.split_fiches(text)) if pat.starts_with_fiche(text) else ()
    annexes = pat.match_annexes(text)
    return pat.match_oi_cell(text), oos, oo, fiches, tuple(annexes) if annexes is not None else None


def _fiche_follows(cells: list[tuple[int, str]], position: int) -> bool:
    """Whether a fiche cell comes after `position` on the row."""
    return any(pat.starts_with_fiche(text) for _, text in cells[position + 1:])


def _may_lead_marker(first: str) -> bool:
    """Whether a marker may start with this character (isdigit holds every digit `\\d` matches)."""
    return first in "OoFf" or first.isdigit()


def _marker_kind(text: str) -> str | None:
    """The marker `text` starts with: an OI, an OO (`OO 2 :` or cohésion's `002 :`), a
    fiche; None when it starts with none."""
    if pat.match_oi_cell(text):
        return "oi"
    # the three digits first: split_marker_cell asks this of every word's rest of the cell,
    # and splitting that rest at each `nnn :` for nothing made it quadratic in the cell's words
    if text.lstrip()[:3].isdigit() and pat.split_three_digit_oo(text):
        return "oo_three_digits"
    if pat.match_oo_cell(text):
        return "oo"
    if pat.starts_with_fiche(text):
        return "fiche"
    return None


def split_marker_cell(text: str) -> list[str]:
    """A cell that starts with a marker and holds several (`Fiche 8 : … Fiche 9 : …`,
    `OO 4 : … Fiche 34 : …`, `OI 2 … OO 1 : …`) as one part per marker, whatever separates
    them (a line break in a text export, a space where a PDF joined the cell's lines).
    Cohésion sociale's `001 : … 002 : …` stay in one part, one marker a line: all of them
    are the OO of the fiches beside. A cell that starts with no marker is left whole."""
    return list(_marker_parts(text))


@lru_cache(maxsize=1 << 12)  # the builder and the accounting audit split the same cells
def _marker_parts(text: str) -> tuple[str, ...]:
    if _marker_kind(text) is None:
        return (text,)
    starts = [0]
    after_marker = True  # the word after a marker word is its number (`Fiche 123 :`), no marker
    for found in re.finditer(r"(?<=\s)\S", text):
        # a marker starts with `O` (OI, OO), a digit (`002 :`, `3 OO 2`) or `F` (Fiche): any
        # other word is none, told without the rest of the cell copied and matched
        at = found.start()
        kind = None if after_marker or not _may_lead_marker(text[at]) else _marker_kind(text[at:])
        if kind is not None:
            starts.append(found.start())
        after_marker = kind in ("oi", "oo", "fiche")
    if len(starts) == 1:
        return (text,)
    parts: list[str] = []
    previous_kind = None
    for start, end in zip(starts, starts[1:] + [len(text)]):
        piece = text[start:end].strip()
        kind = _marker_kind(piece)
        if kind == "oo_three_digits" and previous_kind == kind:
            parts[-1] = f"{parts[-1]}\n{piece}"
        else:
            parts.append(piece)
        previous_kind = kind
    return tuple(parts)
