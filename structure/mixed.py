"""A document that mixes two layouts: grid tables (a header row, one row per action) and
fiche forms (one label | value table per action), e.g. a summary grid followed by the
same actions as fiches.

Each builder reads one layout and lists the other's tables as residue, so such a document
was read as a grid only. Here its rows are cut into runs of one layout each (a table is
classified by its own rows; a table neither a grid nor a fiche, such as the rest of a
fiche cut by a page break, goes on with the run before it; text lines go with the table
after them, as a heading does); `pgt.structure.build_document` builds each run with its
builder over one shared ledger, and the thématiques are merged here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from pgt.extract.rows import ExtractedDocument, RowKind, SourceRow
from pgt.schema import Axe, ObjectifIntermediaire, Thematique
from pgt.settings.profile import Profile
from pgt.structure.fiche import first_label, fiche_labels
from pgt.structure.table import find_record_table


class Layout(Enum):
    grid = "grid"
    fiche = "fiche"


@dataclass
class Run:
    """Consecutive rows of one layout (grid tables or fiche forms)."""
    layout: Layout
    rows: list[SourceRow] = field(default_factory=list)


HeaderTest = Callable[[SourceRow, Profile], bool]  # an action table's header (pgt.structure.is_action_header)


def table_layouts(document: ExtractedDocument, profile: Profile,
                  is_action_header: HeaderTest) -> dict[int | None, Layout]:
    """The layout of each table that shows one: a grid when a row is an action table's
    header (`is_action_header`) or a record table's header, a fiche when its first column
    names `thresholds.fiche_labels_min` fields or more (and no row is such a header)."""
    labels = fiche_labels(profile)
    by_table: dict[int | None, list[SourceRow]] = {}
    for row in document.rows:
        if row.kind is RowKind.TABLE and not row.is_blank:
            by_table.setdefault(row.table_index, []).append(row)
    layouts: dict[int | None, Layout] = {}
    for index, rows in by_table.items():
        if any(is_action_header(row, profile) for row in rows) or find_record_table(rows, profile) is not None:
            layouts[index] = Layout.grid
        elif len({name for row in rows if (name := first_label(row, labels))}) >= profile.thresholds.fiche_labels_min:
            layouts[index] = Layout.fiche
    return layouts


def layout_runs(document: ExtractedDocument, profile: Profile, is_action_header: HeaderTest) -> list[Run] | None:
    """The document's rows cut into runs of one layout, in document order; None when the
    document shows one layout only (it is built as before)."""
    layouts = table_layouts(document, profile, is_action_header)
    if set(layouts.values()) != {Layout.grid, Layout.fiche}:
        return None
    runs: list[Run] = []
    pending: list[SourceRow] = []  # text lines waiting for the table after them
    for row in document.rows:
        if row.kind is not RowKind.TABLE:
            pending.append(row)
            continue
        layout = layouts.get(row.table_index) or (runs[-1].layout if runs else Layout.grid)
        if not runs or runs[-1].layout is not layout:
            runs.append(Run(layout))
        runs[-1].rows += pending
        runs[-1].rows.append(row)
        pending = []
    runs[-1].rows += pending  # lines after the last table
    return runs


def merge_thematiques(merged: dict[str, Thematique], built: list[Thematique]) -> None:
    """A run's thématiques into the document's: a new code is added, the same object (a
    fiche run going on in the thématique before it) is already there, another thématique
    of the same code has its axes, objectives and actions appended in document order."""
    for thematique in built:
        target = merged.setdefault(thematique.code, thematique)
        if target is thematique:
            continue
        target.actions.extend(thematique.actions)
        for axe in thematique.axes:
            mine = next((a for a in target.axes if a.numero == axe.numero), None)
            if mine is None:
                target.axes.append(axe)
            elif mine is not axe:
                _merge_axe(mine, axe)
        target.axes.sort(key=lambda a: a.numero)


def _merge_axe(target: Axe, extra: Axe) -> None:
    target.titre = target.titre or extra.titre
    target.actions.extend(extra.actions)
    for oi in extra.objectifs_intermediaires:
        mine = next((o for o in target.objectifs_intermediaires if o.numero == oi.numero), None)
        if mine is None:
            target.objectifs_intermediaires.append(oi)
        elif mine is not oi:
            _merge_oi(mine, oi)
    target.objectifs_intermediaires.sort(key=lambda o: o.numero)


def _merge_oi(target: ObjectifIntermediaire, extra: ObjectifIntermediaire) -> None:
    target.titre = target.titre or extra.titre
    target.actions.extend(extra.actions)
    known = {oo.numero for oo in target.objectifs_operationnels}
    target.objectifs_operationnels.extend(oo for oo in extra.objectifs_operationnels if oo.numero not in known)
    target.objectifs_operationnels.sort(key=lambda o: o.numero)
