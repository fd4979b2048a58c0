"""The structure builder: rows of any format → the plan's hierarchy and records.

`detect_kind` tells a document's kind from its content; `build_document` runs the builder
of that kind with cell accounting; `assemble` joins the documents into one plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pgt.structure.fiches_actions import FichesActionsBuilder
from pgt.structure.fiche import FicheBuilder, is_fiche_form
from pgt.structure.ledger import Ledger, loose_key
from pgt.structure.mixed import HeaderTest, Layout, Run, layout_runs, merge_thematiques
from pgt.structure.priorisation import PriorisationBuilder
from pgt.structure.table import TableBuilder, is_record_table
from pgt.errors import NoPlanFound
from pgt.extract.rows import ExtractedDocument, RowKind, SourceRow
from pgt.settings.headers import header_cell_fields, header_matcher
from pgt.settings.profile import PerProfile, Profile, default_profile
from pgt.settings.text import fold
from pgt.schema import Anomaly, Correction, DocumentKind, Fiche, SourceDocument, Thematique


# fields that only an action table's header names (a priorisation's header names titles and OO)
ACTION_DETAIL_FIELDS = frozenset({
    "porteur", "public_vise", "echeances", "partenaires", "moyens", "moyens_humains", "moyens_techniques",
    "moyens_financiers", "budget", "indicateurs", "description", "statut", "territoire",
})


def is_action_header(row: SourceRow, profile: Profile | None = None) -> bool:
    """A table row shaped like an action table's header: at least `header_fields_min`
    cells naming fields by the profile's synonyms, two of them fields of an action's detail
    (porteur, public, échéances, partenaires, moyens, indicateurs…), and most of its cells
    headers."""
    matcher = header_matcher(profile)
    non_empty = row.non_empty
    named = [field for field in header_cell_fields([text for _, text in non_empty], matcher.profile) if field]
    if len(named) * 2 < len(non_empty):  # a header row is mostly headers; a data row is not
        return False
    fields = set(named)
    return len(fields) >= matcher.profile.thresholds.header_fields_min and len(fields & ACTION_DETAIL_FIELDS) >= 2


def remembered_header_test(test: HeaderTest = is_action_header) -> HeaderTest:
    """`test`, its answer kept per row: the layout and kind detections ask it of the same
    rows of one document (keep the function no longer than the document's rows)."""
    answers: dict[int, bool] = {}

    def remembered(row: SourceRow, profile: Profile) -> bool:
        answer = answers.get(id(row))
        if answer is None:
            answer = answers[id(row)] = test(row, profile)
        return answer

    return remembered


def detect_kind(document: ExtractedDocument, profile: Profile | None = None,
                header_test: HeaderTest = is_action_header) -> DocumentKind | None:
    """*fiches actions* when action tables have a header naming an action's fields (by the
    profile's synonyms: porteur / pilote / responsable, public, échéances…); *priorisation*
    when tables list fiches (`summary_marks`); None when neither (not a plan)."""
    profile = profile or default_profile()
    marks = summary_marks(profile)
    porteur = fiche_tables = 0
    for row in document.rows:
        action_header = row.kind is RowKind.TABLE and header_test(row, profile)
        porteur += action_header
        fiche_tables += marks.count(row, action_header)
    if porteur >= 1 and porteur >= fiche_tables / 10:
        return DocumentKind.fiches_actions
    if fiche_tables >= 1:
        return DocumentKind.priorisation
    return None


class SummaryMarks:
    """The cells of a row that say a summary lists fiches, by the profile's `[summary]`
    words: a fiches column's header (`FICHES ACTIONS`); a list header (`ACTIONS`, `FICHE
    ACTION`) in a table row shaped like a summary's header — an axe or objective column
    beside it, no action field; a fiche named by its number (`FICHE 12`)."""

    def __init__(self, profile: Profile) -> None:
        words, headings = profile.summary, profile.headings
        self.fiche_headers = tuple(fold(w) for w in words.fiche_headers)
        self.list_headers = tuple(fold(w) for w in words.list_headers)
        self.numbered = tuple(fold(w) + " " for w in words.fiche_words)
        self.levels = tuple(fold(w) for w in (*headings.axe_words, *headings.oi_words, *headings.oo_words, "OO", "OI"))
        self.leads = (*self.fiche_headers, *self.numbered, *self.list_headers)  # what a counted cell starts with

    def count(self, row: SourceRow, action_header: bool) -> int:
        folded = [fold(text) for _, text in row.non_empty]
        marked = [cell for cell in folded if cell.startswith(self.leads)]
        if not marked:  # (each test below asks for one of these openings first): most rows, told at once
            return 0
        shaped = row.kind is RowKind.TABLE and not action_header and any(_led_by(f, self.levels) for f in folded)
        return sum(1 for cell in marked
                   if cell.startswith(self.fiche_headers) or self._numbered(cell)
                   or shaped and _led_by(cell, self.list_headers))

    def _numbered(self, cell: str) -> bool:
        return cell.startswith(self.numbered) and any(cell.startswith(w) and cell[len(w):len(w) + 1].isdigit()
                                                      for w in self.numbered)


def _led_by(folded: str, words: tuple[str, ...]) -> bool:
    """One of `words`, or led by one as whole words."""
    return folded.startswith(words) and any(folded == w or folded.startswith(w + " ") for w in words)


summary_marks = PerProfile(SummaryMarks).get


@dataclass
class BuiltDocument:
    """One document built: its thématiques, fiches, corrections and anomalies."""
    source: SourceDocument
    thematiques: list[Thematique]
    fiches: list[Fiche] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    ledger: Ledger | None = field(default=None, repr=False, compare=False)  # for audits (pgt.accounting)
    record_table: bool = False  # built by the one-row-per-action builder: its thématiques are its own


def build_document(document: ExtractedDocument, profile: Profile | None = None) -> BuiltDocument:
    profile = profile or default_profile()
    action_header = remembered_header_test()  # asked of the same rows by both detections
    runs = layout_runs(document, profile, action_header)
    if runs is not None:  # grid tables and fiche forms in one document (structure/mixed.py)
        return _build_mixed(document, runs, profile)
    if is_record_table(document, profile):  # one row per action (spreadsheets, CSV, a DOCX table of that layout)
        return _build_record_table(document, profile)
    fiche_form = is_fiche_form(document, profile)  # one label | value table per action (structure/fiche.py)
    kind = DocumentKind.fiches_actions if fiche_form else detect_kind(document, profile, action_header)
    if kind is None:
        raise NoPlanFound(
            f"{document.path}: no plan found (no action table whose header names a porteur, public, "
            f"échéances…, no summary table listing fiches) in {len(document.rows)} rows read"
        )
    ledger = Ledger(document.rows, document.set_aside)
    corrections: list[Correction] = []
    fiches: list[Fiche] = []
    if fiche_form:
        thematiques = FicheBuilder(document, ledger, corrections, profile).build()
    elif kind is DocumentKind.fiches_actions:
        thematiques = FichesActionsBuilder(document, ledger, corrections, profile).build()
    else:
        thematiques, fiches = PriorisationBuilder(document, ledger, profile).build()
    return _built(document, kind, ledger, thematiques, fiches, corrections)


def _built(document: ExtractedDocument, kind: DocumentKind, ledger: Ledger, thematiques: list[Thematique],
           fiches: list[Fiche], corrections: list[Correction], *, record_table: bool = False) -> BuiltDocument:
    """The built document, once its builders are done: the ledger finished (every cell
    placed or listed), the reader's notes first among the anomalies."""
    total, placed = ledger.finish()
    source = SourceDocument(
        name=document.name, kind=kind, format=document.format, sha256=document.sha256,
        lines=document.lines, pages=document.pages, encoding=document.encoding,
        rows=document.rows_read, non_empty_cells=total, placed_cells=placed,
    )
    anomalies = [
        Anomaly(code="reader_note", message=note, severity="info", document=document.name)
        for note in document.warnings
    ] + ledger.anomalies
    return BuiltDocument(source, thematiques, fiches, corrections, anomalies, ledger, record_table=record_table)


def _build_record_table(document: ExtractedDocument, profile: Profile) -> BuiltDocument:
    ledger = Ledger(document.rows, document.set_aside)
    corrections: list[Correction] = []
    builder = TableBuilder(document, ledger, corrections, profile)
    thematiques = builder.build()
    if not builder.actions:
        raise NoPlanFound(f"{document.path}: no plan found: the action table of {', '.join(builder.empty_tables)} "
                          f"has no action row")
    return _built(document, DocumentKind.fiches_actions, ledger, thematiques, [], corrections, record_table=True)


def _build_mixed(document: ExtractedDocument, runs: list[Run], profile: Profile) -> BuiltDocument:
    """Each run with the builder of its layout, over one ledger (every cell of the document
    placed or listed once); the thématiques merged in document order, the ids unique."""
    ledger = Ledger(document.rows, document.set_aside)
    corrections: list[Correction] = []
    merged: dict[str, Thematique] = {}
    ids: set[str] = set()
    record_table = False
    for run in runs:
        part = replace(document, rows=run.rows, set_aside=[])
        builder: FicheBuilder | TableBuilder | FichesActionsBuilder
        if run.layout is Layout.fiche:
            builder = FicheBuilder(part, ledger, corrections, profile)
            if merged:
                builder.go_on_in(list(merged.values())[-1], ids)
        elif is_record_table(part, profile):
            builder = TableBuilder(part, ledger, corrections, profile)
            record_table = True
        else:
            builder = FichesActionsBuilder(part, ledger, corrections, profile)
        builder.ids |= ids
        merge_thematiques(merged, builder.build())
        ids |= builder.ids
    thematiques = list(merged.values())
    if not any(t.all_actions() for t in thematiques):
        raise NoPlanFound(f"{document.path}: no plan found: its grid tables and fiche forms hold no action")
    return _built(document, DocumentKind.fiches_actions, ledger, thematiques, [], corrections,
                  record_table=record_table)


def _own_codes(document: BuiltDocument, taken: set[str]) -> None:
    """A record table's thématique named like one of another document (two workbooks titled
    alike) is that document's own plan, not more of the same: renamed `code_2`, reported —
    merged by axe number, its actions would be dropped."""
    for thematique in document.thematiques:
        old = new = thematique.code
        counter = 1
        while new in taken:
            counter += 1
            new = f"{old}_{counter}"
        if new == old:
            continue
        thematique.code = new
        renamed = {}
        for action in thematique.all_actions():
            renamed[action.id] = new + action.id[len(old):]
            action.id = renamed[action.id]
        for record in [*document.corrections, *document.anomalies]:
            if record.record_id is not None:
                head, _, rank = record.record_id.rpartition("-o")  # offers: <action id>-o<rank>
                if record.record_id in renamed:
                    record.record_id = renamed[record.record_id]
                elif head in renamed and rank.isdigit():
                    record.record_id = f"{renamed[head]}-o{rank}"
        document.anomalies.append(Anomaly(
            code="thematique_renamed", severity="info", document=document.source.name,
            message=f"thématique '{thematique.titre}' has the code {old!r} of another document's: read as {new!r}"))


def assemble(built: list[BuiltDocument]) -> tuple[list[Thematique], list[Fiche]]:
    """One hierarchy for all documents: fiches actions documents first (they carry the
    actions); a thématique only a priorisation document has comes from it. Node-level reconciliation of
    the two kinds is the normalizers' job."""
    ordered = sorted(built, key=lambda b: b.source.kind is not DocumentKind.fiches_actions)
    thematiques: dict[str, Thematique] = {}
    for document in ordered:
        if document.record_table:
            _own_codes(document, set(thematiques))
        for thematique in document.thematiques:
            code = thematique.code
            if code not in thematiques:
                thematiques[code] = thematique
            elif document.source.kind is DocumentKind.fiches_actions:
                _merge_axes(thematiques[code], thematique)
            else:
                document.anomalies.extend(_merge_priorisation_nodes(thematiques[code], thematique, document.source.name))
    fiches = [fiche for document in ordered for fiche in document.fiches]
    return list(thematiques.values()), fiches  # in the order the documents print them


def _merge_axes(target: Thematique, extra: Thematique) -> None:
    known = {axe.numero for axe in target.axes}
    target.axes.extend(axe for axe in extra.axes if axe.numero not in known)
    target.axes.sort(key=lambda axe: axe.numero)


def _merge_priorisation_nodes(target: Thematique, priorisation: Thematique, document: str) -> list[Anomaly]:
    """Titles the priorisation words otherwise than the fiches actions, listed (info anomaly
    at the priorisation's row; code and message keep the outputs' "summary" / "detail") so
    that no cell the priorisation placed disappears without a trace: the fiches actions'
    wording is kept. Nodes and titles only one document has are the normalizers'
    (normalize/hierarchy.py); nothing is changed here."""
    notes: list[Anomaly] = []
    code = target.code
    for axe in priorisation.axes:
        mine = next((a for a in target.axes if a.numero == axe.numero), None)
        if mine is None:
            continue
        notes += _merge_title(mine, axe, f"{code} axe {axe.numero}", document)
        for oi in axe.objectifs_intermediaires:
            my_oi = next((o for o in mine.objectifs_intermediaires if o.numero == oi.numero), None)
            if my_oi is None:
                continue
            notes += _merge_title(my_oi, oi, f"{code} axe {axe.numero} OI {oi.numero}", document)
            for oo in oi.objectifs_operationnels:
                my_oo = next((o for o in my_oi.objectifs_operationnels if o.numero == oo.numero), None)
                if my_oo is not None:
                    notes += _merge_title(my_oo, oo, f"{code} axe {axe.numero} OI {oi.numero} OO {oo.numero}",
                                          document)
    return notes


def _merge_title(mine, theirs, where: str, document: str) -> list[Anomaly]:  # noqa: ANN001 - Axe | OI | OO
    if not theirs.titre or not mine.titre:
        return []
    if loose_key(mine.titre) == loose_key(theirs.titre):
        return []
    provenance = theirs.provenance
    key = loose_key(theirs.titre)[:40]
    cells = [c for c in (provenance.cells if provenance else []) if key in loose_key(c)]
    return [Anomaly(
        code="summary_title_differs", severity="info",
        message=f"{where}: the summary words its title otherwise; the detail's title is kept",
        **{**Anomaly.located(provenance), "document": provenance.document if provenance else document},
        cells=cells or [theirs.titre],
    )]
