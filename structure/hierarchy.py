"""Shared state of a builder walking a document: the current thématique, axe and OI,
with the rules for opening them (including headings the document forgot to print)."""

from __future__ import annotations

from rapidfuzz import fuzz

from pgt.settings.profile import Profile, default_profile
from pgt.settings.text import fold
from pgt.structure.ledger import Ledger
from pgt.extract.rows import SourceRow
from pgt.schema import Axe, ObjectifIntermediaire, ObjectifOperationnel, Provenance, Thematique
from pgt.schema.model import CellBox



def provenance_of(row: SourceRow) -> Provenance:
    p = row.provenance
    cells = [c for _, c in row.non_empty]
    if p.page is None:  # no page, no boxes (text exports, Word files): the reader's pages alone
        return Provenance(document=p.document, line=p.line, page=None, table=p.table, row=p.row, cells=cells,
                          boxes=[], pages=sorted(set(p.pages or ())))
    boxes = cell_boxes(row)
    return Provenance(
        document=p.document, line=p.line, page=p.page, table=p.table, row=p.row,
        cells=cells,
        boxes=boxes,
        pages=sorted(set(p.pages or ()) | {b.page for b in boxes} | ({p.page} if p.page else set())),
    )


def cell_boxes(row: SourceRow) -> list[CellBox]:
    """Where the row's non-empty cells sit on the page(s), in cell order (PDF and scanned
    sources; none for text exports and Word files, which have no page geometry)."""
    return [
        CellBox(page=page, x0=box[0], top=box[1], x1=box[2], bottom=box[3])
        for index, page, box in row.provenance.located_boxes()
        if index < len(row.cells) and row.cells[index].strip()
    ]


class HierarchyCursor:
    """Where the builder is in the plan; opens nodes and infers missing headings."""

    def __init__(self, ledger: Ledger, profile: Profile | None = None) -> None:
        self.ledger = ledger
        self.profile = profile or default_profile()
        self.thematiques: dict[str, Thematique] = {}
        self.thematique: Thematique | None = None
        self.axe: Axe | None = None
        self.oi: ObjectifIntermediaire | None = None

    def set_aside(self, row: SourceRow) -> bool:
        """List table rows no builder can place (tables before any thématique heading) as
        residue; True when the row was set aside, or carries no text. (Export artefacts,
        such as Markdown table separators, the readers set aside: `SetAside`.)"""
        if row.is_blank:
            return True
        if self.thematique is None:
            self.ledger.residue(row, "table before any thématique heading")
            return True
        return False

    def open_thematique(self, code: str, titre: str | None = None) -> Thematique:
        """The thématique of `code` (its title from the profile, else the heading's words)."""
        if code not in self.thematiques:
            known = self.profile.thematique_titles.get(code)
            self.thematiques[code] = Thematique(code=code, titre=known or titre or code.replace("_", " ").capitalize())
        self.thematique = self.thematiques[code]
        self.axe = None
        self.oi = None
        return self.thematique

    def open_axe(self, numero: int, titre: str | None, row: SourceRow) -> Axe:
        if self.thematique is None:
            raise LookupError("axe outside any thématique")
        existing = next((a for a in self.thematique.axes if a.numero == numero), None)
        if existing is None:
            existing = Axe(numero=numero, titre=titre or None, provenance=provenance_of(row))
            self.thematique.axes.append(existing)
        elif titre and not existing.titre:
            existing.titre = titre
        self.axe = existing
        self.oi = None
        return existing

    def ensure_axe(self, row: SourceRow) -> Axe:
        """The current axe; one is inferred (and reported) when the document printed none."""
        if self.axe is None:
            numero = max((a.numero for a in self.thematique.axes), default=0) + 1 if self.thematique else 1
            self.ledger.note("inferred_axe", f"no axe heading before this row: axe {numero} inferred", row)
            self.open_axe(numero, None, row)
        return self.axe  # type: ignore[return-value]

    def open_oi(self, numero: int, titre: str | None, row: SourceRow) -> ObjectifIntermediaire:
        axe = self.ensure_axe(row)
        existing = next((o for o in axe.objectifs_intermediaires if o.numero == numero), None)
        if existing is not None and self.oi is not None and numero <= self.oi.numero and existing is not self.oi:
            # numbering restarts without an axe heading: the document skipped one
            assert self.thematique is not None
            new_numero = max(a.numero for a in self.thematique.axes) + 1
            self.ledger.note(
                "inferred_axe",
                f"OI {numero} again after OI {self.oi.numero} with no axe heading: axe {new_numero} inferred",
                row,
            )
            axe = self.open_axe(new_numero, None, row)
            existing = None
        if existing is None:
            existing = ObjectifIntermediaire(numero=numero, titre=titre or None, provenance=provenance_of(row))
            axe.objectifs_intermediaires.append(existing)
        elif titre and not existing.titre:
            existing.titre = titre
        self.oi = existing
        return existing

    def declare_oo(self, numero: int, titre: str | None, row: SourceRow,
                   cell: int | None = None) -> ObjectifOperationnel | None:
        """Add an OO to the current OI. A number printed twice in a row with another title
        is the next number misprinted (`OO4. … OO4. …` → OO4, OO5), reported. `cell`, the
        index of the cell it was read from, is listed (not placed) when the OO cannot be kept."""
        if self.oi is None:
            self._not_kept(row, cell, "oo_outside_oi", f"OO {numero} outside any OI")
            return None
        existing = next((o for o in self.oi.objectifs_operationnels if o.numero == numero), None)
        if existing is not None:
            if titre and existing.titre and _same_title(titre, existing.titre,
                                                        self.profile.thresholds.title_similarity):
                return existing
            if titre and not existing.titre:
                existing.titre = titre
                return existing
            if titre:
                last = max(o.numero for o in self.oi.objectifs_operationnels)
                if numero == last:
                    self.ledger.note(
                        "oo_renumbered",
                        f"OO {numero} printed twice with different titles in OI {self.oi.numero}: the second read as OO {last + 1}",
                        row,
                    )
                    numero = last + 1
                else:
                    self._not_kept(row, cell, "oo_title_conflict",
                                   f"OO {numero} of OI {self.oi.numero} printed again with another title; "
                                   f"first title kept")
                    return existing
            else:
                return existing
        oo = ObjectifOperationnel(numero=numero, titre=titre or None, provenance=provenance_of(row))
        self.oi.objectifs_operationnels.append(oo)
        return oo

    def _not_kept(self, row: SourceRow, cell: int | None, code: str, message: str) -> None:
        if cell is None:
            self.ledger.note(code, message, row)
        else:
            self.ledger.refuse(row, cell, message, code=code)


def _same_title(a: str, b: str, threshold: float = 85.0) -> bool:
    if not fold(a) or not fold(b):  # no letter or digit (emoji, symbols): compare as printed
        return a.strip() == b.strip()
    return fuzz.ratio(fold(a), fold(b)) >= threshold
