"""`report.html`: one self-contained page where a data officer reviews a conversion.

The page is rendered from the validated plan only (no server, no network, no timestamp:
same plan → same bytes). This module gathers what the template shows — where each
correction and anomaly belongs, the crosswalk fiche ↔ action, the counts — and the Jinja2
template (autoescaped: source cells are untrusted text) lays it out.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Protocol, TypeVar, overload

from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

try:  # markupsafe's escaping of a str, in C (what `escape` runs)
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - markupsafe built without its C extension: `_replaced`
    _escape_inner = None

from pgt.schema import (
    Action,
    Anomaly,
    Axe,
    Correction,
    Fiche,
    ObjectifIntermediaire,
    ObjectifOperationnel,
    Offre,
    Plan,
    Provenance,
    SourceDocument,
    Thematique,
)
from pgt.settings.headings import roman
from pgt.settings.text import LIGATURES, search_key

TEMPLATE = "report.html.j2"

# The action fields in the order the detail document prints them, with the labels its readers use.
FIELD_LABELS: list[tuple[str, str]] = [
    ("titre", "Titre"),
    ("porteur", "Porteur"),
    ("public_vise", "Public visé"),
    ("echeances", "Échéances"),
    ("annee_debut", "Année début"),
    ("annee_fin", "Année fin"),
    ("partenaires", "Partenaires"),
    ("moyens_humains", "Moyens humains"),
    ("moyens_techniques", "Moyens techniques"),
    ("moyens_financiers", "Moyens financiers"),
    ("parcours", "Parcours"),
    ("indicateurs", "Indicateurs"),
    ("oo", "OO"),
    ("fiches_liees", "Fiches liées"),
    ("fiche_priorisation", "Fiche priorisation"),
]
SHOWN_FIELDS = {name for name, _ in FIELD_LABELS}
LISTED_WITH_COMMAS = ("oo", "fiches_liees")
OFFRE_FIELDS = ["libelle", "porteur", "public_vise", "echeances", "partenaires", "moyens_humains",
                "moyens_techniques", "moyens_financiers", "parcours", "indicateurs"]
# The page's script folds a query as `search_key` folds the actions' text: the same ligatures.
SEARCH_LIGATURES = json.dumps({chr(code): text for code, text in LIGATURES.items()}, ensure_ascii=False)
YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
T = TypeVar("T")


def plural(count: int, word: str) -> str:
    """"1 action", "2 actions" (the page's nouns all take an s)."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(str(v) for v in value)
    return str(value)


def where(provenance: Provenance | Anomaly | None) -> str:
    """"file, line 12" or "file, page 3": how the page points at a source row."""
    if provenance is None or not provenance.document:
        return ""
    sheet = getattr(provenance, "sheet", None)  # spreadsheets: `file, Fichier dimport!D4`
    if sheet is not None:
        cell = getattr(provenance, "cell", None)
        return f"{provenance.document}, {sheet}!{cell}" if cell else f"{provenance.document}, {sheet}"
    if provenance.line is not None:
        return f"{provenance.document}, line {provenance.line}"
    if provenance.page is not None:
        return f"{provenance.document}, page {provenance.page}"
    return provenance.document


@dataclass(slots=True)  # one per action (and field, offer): no __dict__ each
class FieldView:
    """A field of an action or offer as the page shows it."""
    name: str
    label: str
    value: str
    corrections: Sequence[Correction] = ()
    edit: str = ""  # the value as an overrides file writes it (lists joined with " | ")


@dataclass(slots=True)  # one per action (and field, offer): no __dict__ each
class OffreView:
    """An offer as the page shows it."""
    id: str
    offre: Offre
    values: dict[str, str]
    corrections: list[Correction] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)


@dataclass(slots=True)  # one per action (and field, offer): no __dict__ each
class ActionView:
    """An action as the page shows it."""
    action: Action
    anchor: str
    fields: list[FieldView]
    offres: list[OffreView]
    corrections: list[Correction]  # on the action, for a field the table does not show
    anomalies: list[Anomaly]
    fiche: Fiche | None
    search_text: str
    search_porteur: str
    search_partenaires: str
    years: str
    source: str
    # pictures of the source row cut from its PDF page(s) (data URIs), one per page it spans
    images: list[str] = field(default_factory=list)

    @property
    def n_corrections(self) -> int:
        return (len(self.corrections) + sum(len(f.corrections) for f in self.fields)
                + sum(len(o.corrections) for o in self.offres))

    @property
    def n_anomalies(self) -> int:
        return len(self.anomalies) + sum(len(o.anomalies) for o in self.offres)

    @property
    def flags(self) -> str:
        """What the "show" filter selects on: the severities of its anomalies, "corrected"."""
        found = {a.severity for a in self.anomalies} | {a.severity for o in self.offres for a in o.anomalies}
        return " ".join([s for s in ("error", "warning", "info") if s in found]
                        + (["corrected"] if self.n_corrections else []))

    @property
    def worst_severity(self) -> str:
        found = {a.severity for a in self.anomalies} | {a.severity for o in self.offres for a in o.anomalies}
        return next((s for s in ("error", "warning", "info") if s in found), "")


@dataclass
class Marks:
    """Corrections and anomalies logged on a node of the hierarchy (axe, OI, OO) or a fiche."""

    corrections: list[Correction] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.corrections or self.anomalies)


@dataclass
class OOGroup:
    """Actions grouped under the first OO they serve (each action appears once in the tree)."""

    label: str
    titre: str
    declared: bool
    actions: list[ActionView]
    marks: Marks = field(default_factory=Marks)


@dataclass
class OIView:
    """An objectif intermédiaire's section of the page."""
    oi: ObjectifIntermediaire | None
    label: str
    groups: list[OOGroup]
    marks: Marks = field(default_factory=Marks)

    @property
    def n_actions(self) -> int:
        return sum(len(g.actions) for g in self.groups)


@dataclass
class AxeView:
    """An axe's section of the page."""
    axe: Axe | None  # None: the thématique's actions placed under no axe
    label: str
    ois: list[OIView]
    marks: Marks = field(default_factory=Marks)

    @property
    def n_actions(self) -> int:
        return sum(oi.n_actions for oi in self.ois)


@dataclass
class ThematiqueView:
    """A thématique's section of the page."""
    thematique: Thematique
    axes: list[AxeView]

    @property
    def n_actions(self) -> int:
        return sum(axe.n_actions for axe in self.axes)


@dataclass
class CountRow:
    """A row of the page's counts table."""
    level: str  # thematique | axe | oi
    label: str
    titre: str
    axes: int | None
    ois: int | None
    oos: int
    actions: int
    offres: int
    fiches: int
    anomalies: int
    corrections: int


@dataclass
class CrosswalkRow:
    """A row of the page's crosswalk table: a fiche and its action."""
    fiche: Fiche
    action: Action | None
    anchor: str | None
    how: str  # fiche.action_id, action.fiche_priorisation, or "" when unmatched
    marks: Marks
    # the crosswalk's own "action_id: ∅ → <id>" corrections: the row's link already says it
    link_corrections: list[Correction] = field(default_factory=list)


@dataclass
class DocumentView:
    """A document read, as the page lists it."""
    document: SourceDocument
    size: str
    coverage: float


@dataclass
class Report:
    """Everything the review page shows."""
    plan: Plan
    documents: list[DocumentView]
    counts: list[CountRow]
    thematiques: Sequence[ThematiqueView]  # made as they are gone through (MadeOnUse)
    crosswalk: list[CrosswalkRow]
    unmatched_actions: Sequence[ActionView]
    header_corrections: list[Correction]
    other_corrections: list[Correction]
    unplaced_anomalies: list[Anomaly]
    severities: dict[str, int]
    rules: list[tuple[str, int]]
    n_actions: int
    n_offres: int
    n_matched_fiches: int
    years: list[int]


class _Index:
    """Where each correction and anomaly goes: an action, one of its offers, a fiche, a node
    of the hierarchy (`<thematique>-<axe>[-<oi>[-oo<n>]]`, the ids the normalizers log), or
    the "not placed" lists (with their location) so that nothing is dropped from the page."""

    def __init__(self, plan: Plan) -> None:
        self.action_of: dict[str, str] = {}
        self.offre_ids: set[str] = set()
        self.line_owner: dict[tuple[str, int], str] = {}
        for action in plan.all_actions():
            self.action_of[action.id] = action.id
            self._own_line(action.provenance, action.id)
            for rank, offre in enumerate(action.offres, start=1):
                offre_id = offre_id_of(action, rank)
                self.action_of[offre_id] = action.id
                self.offre_ids.add(offre_id)
                self._own_line(offre.provenance, offre_id)
        self.fiche_ids = {f.id for f in plan.fiches}
        self.node_ids = {node_id for thematique in plan.thematiques for node_id in _node_ids(thematique)}
        placed_ids = set(self.action_of) | self.fiche_ids | self.node_ids
        self.corrections: dict[str, list[Correction]] = defaultdict(list)
        self.anomalies: dict[str, list[Anomaly]] = defaultdict(list)
        self.header_corrections: list[Correction] = []
        self.other_corrections: list[Correction] = []
        self.unplaced_anomalies: list[Anomaly] = []
        for correction in plan.corrections:
            if correction.record_id in placed_ids:
                self.corrections[correction.record_id].append(correction)
            elif correction.record_id.startswith("header:"):
                self.header_corrections.append(correction)
            else:
                self.other_corrections.append(correction)
        for anomaly in plan.anomalies:
            owner = self._anomaly_owner(anomaly)
            if owner is None:
                self.unplaced_anomalies.append(anomaly)
            else:
                self.anomalies[owner].append(anomaly)

    def _own_line(self, provenance: Provenance, record_id: str) -> None:
        # Page numbers are shared by many rows: only a line identifies a record.
        if provenance.line is not None:
            self.line_owner.setdefault((provenance.document, provenance.line), record_id)

    def _anomaly_owner(self, anomaly: Anomaly) -> str | None:
        if anomaly.record_id and (anomaly.record_id in self.action_of or anomaly.record_id in self.fiche_ids
                                  or anomaly.record_id in self.node_ids):
            return anomaly.record_id
        if anomaly.document and anomaly.line is not None:
            return self.line_owner.get((anomaly.document, anomaly.line))
        return None


    def marks(self, record_id: str) -> Marks:
        return Marks(list(self.corrections.get(record_id, [])), list(self.anomalies.get(record_id, [])))


def axe_id(thematique: Thematique, axe: Axe) -> str:
    return f"{thematique.code}-{axe.numero}"


def oi_id(thematique: Thematique, axe: Axe, oi: ObjectifIntermediaire) -> str:
    return f"{axe_id(thematique, axe)}-{oi.numero}"


def _node_ids(thematique: Thematique) -> list[str]:
    ids = []
    for axe in thematique.axes:
        ids.append(axe_id(thematique, axe))
        for oi in axe.objectifs_intermediaires:
            ids.append(oi_id(thematique, axe, oi))
            ids += [f"{oi_id(thematique, axe, oi)}-oo{oo.numero}" for oo in oi.objectifs_operationnels]
    return ids


def offre_id_of(action: Action, rank: int) -> str:
    """The offer id offres.csv uses, so that a correction logged on an offer finds it."""
    return f"{action.id}-o{rank}"


def anchor_of(action_id: str) -> str:
    return f"a-{action_id}"


def _years(action: Action) -> list[int]:
    """Years the action runs, for the year filter: its stated range, and the span of the
    years printed in its échéances ("2023-2026" runs in 2024 too) when the normalizers have
    not parsed them."""
    years: set[int] = set()
    for record in [action, *action.offres]:
        spans = [(record.annee_debut or record.annee_fin, record.annee_fin or record.annee_debut)]
        printed = [int(y) for y in YEAR.findall(record.echeances or "")]
        if printed:
            spans.append((min(printed), max(printed)))
        for start, end in spans:
            if start and end and 0 <= end - start <= 15:
                years.update(range(start, end + 1))
        years.update(printed)
    return sorted(years)


def _action_view(action: Action, index: _Index, fiche: Fiche | None,
                 images: Mapping[str, list[str]] | None = None) -> ActionView:
    corrections = list(index.corrections.get(action.id, []))
    by_field: dict[str, list[Correction]] = defaultdict(list)
    for correction in corrections:
        by_field[correction.field].append(correction)
    fields: list[FieldView] = []
    texts = [action.id, _text(action.numero)]  # what the search finds the action by
    for name, label in FIELD_LABELS:
        value = getattr(action, name)
        edit = _text(value)
        texts.append(edit)
        # numbers read better as "4, 5"; text lists keep the CSV separator, commas occur inside them
        text = ", ".join(str(v) for v in value) if name in LISTED_WITH_COMMAS else edit
        fields.append(FieldView(name, label, text, by_field.get(name, ()), edit))
    offres = []
    for rank, offre in enumerate(action.offres, start=1):
        offre_id = offre_id_of(action, rank)
        values = {n: _text(getattr(offre, n)) for n in OFFRE_FIELDS}
        offres.append(OffreView(offre_id, offre, values,
                                list(index.corrections.get(offre_id, [])), list(index.anomalies.get(offre_id, []))))
    texts += [text for o in offres for text in o.values.values()]
    records: list[Action | Offre] = [action, *action.offres]
    return ActionView(
        action=action,
        anchor=anchor_of(action.id),
        fields=fields,
        offres=offres,
        corrections=[c for c in corrections if c.field not in SHOWN_FIELDS],
        anomalies=list(index.anomalies.get(action.id, [])),
        fiche=fiche,
        search_text=search_key(" ".join(t for t in texts if t)),
        search_porteur=search_key(" | ".join(r.porteur for r in records if r.porteur)),
        search_partenaires=search_key(" | ".join(p for r in records for p in r.partenaires)),
        years=" ".join(str(y) for y in _years(action)),
        source=where(action.provenance),
        images=list((images or {}).get(action.id, [])),
    )


def _groups(oi: ObjectifIntermediaire | None, actions: list[ActionView], index: _Index,
            node_id: str = "") -> list[OOGroup]:
    declared: list[ObjectifOperationnel] = oi.objectifs_operationnels if oi else []
    by_oo: dict[int | None, list[ActionView]] = defaultdict(list)
    for view in actions:
        by_oo[view.action.oo[0] if view.action.oo else None].append(view)
    groups = [OOGroup(f"OO {oo.numero}", oo.titre or "", True, by_oo.pop(oo.numero, []),
                      index.marks(f"{node_id}-oo{oo.numero}")) for oo in declared]
    # OO numbers the actions cite but the OI table does not print (reported as undeclared_oo).
    for numero in sorted(n for n in by_oo if n is not None):
        groups.append(OOGroup(f"OO {numero}", "not printed in this OI", False, by_oo.pop(numero)))
    if None in by_oo:
        if oi is None:  # parentalité: no OI and no OO by design, nothing to point out
            groups.append(OOGroup("", "", True, by_oo.pop(None)))
        else:
            groups.append(OOGroup("No OO", "actions that name no objectif opérationnel", False, by_oo.pop(None)))
    return groups


def _crosswalk(plan: Plan, index: _Index) -> tuple[list[CrosswalkRow], dict[str, Fiche]]:
    """Each fiche with the action it is. The crosswalk may be recorded on the fiche
    (`action_id`) or on the action (`fiche_priorisation`, its number in the same thématique):
    either is enough."""
    actions = {a.id: (t.code, a) for t in plan.thematiques for a in t.all_actions()}
    by_number = {(code, a.fiche_priorisation): a for code, a in actions.values() if a.fiche_priorisation}
    rows: list[CrosswalkRow] = []
    fiche_of: dict[str, Fiche] = {}
    for fiche in plan.fiches:
        action, how = None, ""
        if fiche.action_id and fiche.action_id in actions:
            action, how = actions[fiche.action_id][1], "fiche.action_id"
        elif fiche.numero is not None and (fiche.thematique, fiche.numero) in by_number:
            action, how = by_number[(fiche.thematique, fiche.numero)], "action.fiche_priorisation"
        if action is not None:
            fiche_of.setdefault(action.id, fiche)
        marks = index.marks(fiche.id)
        link = [c for c in marks.corrections if action is not None and c.field == "action_id" and c.after == action.id]
        marks.corrections = [c for c in marks.corrections if c not in link]
        rows.append(CrosswalkRow(fiche, action, anchor_of(action.id) if action else None, how, marks, link))
    return rows, fiche_of


def _counts(plan: Plan, index: _Index) -> list[CountRow]:
    # fiches per thématique, per axe and per OI, counted once (not a pass over them per node)
    fiches: Counter[tuple] = Counter()
    for f in plan.fiches:
        fiches.update([(f.thematique,), (f.thematique, f.axe), (f.thematique, f.axe, f.oi)])

    def fiche_count(code: str, axe: int | None = None, oi: int | None = None) -> int:
        return fiches[(code,) if axe is None else (code, axe) if oi is None else (code, axe, oi)]

    def marks(actions: list[Action]) -> tuple[int, int]:
        ids = {a.id for a in actions} | {offre_id_of(a, r) for a in actions for r in range(1, len(a.offres) + 1)}
        return (sum(len(index.anomalies.get(i, [])) for i in ids), sum(len(index.corrections.get(i, [])) for i in ids))

    rows: list[CountRow] = []
    for thematique in plan.thematiques:
        code = thematique.code
        ois = [oi for axe in thematique.axes for oi in axe.objectifs_intermediaires]
        actions = thematique.all_actions()
        rows.append(CountRow("thematique", code, thematique.titre, len(thematique.axes), len(ois),
                             sum(len(oi.objectifs_operationnels) for oi in ois), len(actions),
                             sum(len(a.offres) for a in actions), fiche_count(code), *marks(actions)))
        for axe in thematique.axes:
            actions = axe.all_actions()
            rows.append(CountRow("axe", f"Axe {roman(axe.numero)}", axe.titre or "", None,
                                 len(axe.objectifs_intermediaires),
                                 sum(len(oi.objectifs_operationnels) for oi in axe.objectifs_intermediaires),
                                 len(actions), sum(len(a.offres) for a in actions),
                                 fiche_count(code, axe.numero), *marks(actions)))
            for oi in axe.objectifs_intermediaires:
                rows.append(CountRow("oi", f"OI {oi.numero}", oi.titre or "", None, None,
                                     len(oi.objectifs_operationnels), len(oi.actions),
                                     sum(len(a.offres) for a in oi.actions),
                                     fiche_count(code, axe.numero, oi.numero), *marks(oi.actions)))
    return rows


class MadeOnUse(Sequence[T]):
    """Views made each time they are gone through, never all held: the review page of a large
    plan walks the tree once, and its views (some 10 MiB for 2,000 actions) live only for the
    thématique being written. A count known beforehand answers `len` and `bool`; an item by
    its index is made alone."""

    def __init__(self, make: Callable[[], Iterator[T]], count: int) -> None:
        self._make, self._count = make, count

    def __iter__(self) -> Iterator[T]:
        return self._make()

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice) or index < 0:
            return list(self)[index]
        if index >= self._count:
            raise IndexError(index)
        return next(islice(self, index, None))


def _tree_actions(thematique: Thematique) -> Iterator[tuple[Action, bool]]:
    """The thématique's actions in the page's order, each with whether its pictures are shown
    (an action placed under no axe is shown without)."""
    for axe in thematique.axes:
        for oi in axe.objectifs_intermediaires:
            yield from ((a, True) for a in oi.actions)
        yield from ((a, True) for a in axe.actions)
    yield from ((a, False) for a in thematique.actions)


def _thematique_view(thematique: Thematique, index: _Index, fiche_of: Mapping[str, Fiche],
                     images: Mapping[str, list[str]] | None, kept: dict[str, ActionView | None]) -> ThematiqueView:
    """`kept`: the unmatched actions' ids, their views stored as they are made (the crosswalk
    section lists them after the tree: not made twice)."""
    def views(actions: list[Action], with_images: bool = True) -> list[ActionView]:
        made = [_action_view(a, index, fiche_of.get(a.id), images if with_images else None) for a in actions]
        kept.update((v.action.id, v) for v in made if v.action.id in kept)
        return made

    axes: list[AxeView] = []
    for axe in thematique.axes:
        ois: list[OIView] = []
        for oi in axe.objectifs_intermediaires:
            node_id = oi_id(thematique, axe, oi)
            ois.append(OIView(oi, f"OI {oi.numero}", _groups(oi, views(oi.actions), index, node_id),
                              index.marks(node_id)))
        if axe.actions:  # parentalité: the actions sit on the axe, under no OI
            ois.append(OIView(None, "", _groups(None, views(axe.actions), index)))
        axes.append(AxeView(axe, f"Axe {roman(axe.numero)}", ois, index.marks(axe_id(thematique, axe))))
    if thematique.actions:  # a plan without axes: the actions sit on the thématique
        axes.append(AxeView(None, "Sans axe", [OIView(None, "", _groups(None, views(thematique.actions, False),
                                                                        index))]))
    return ThematiqueView(thematique, axes)


def build_report(plan: Plan, images: Mapping[str, list[str]] | None = None) -> Report:
    """Everything the template shows, in the plan's own order; `images`: action id → the
    pictures of its source row (`pipeline.source_row_images`), shown beside its cells. The
    thématiques' views and the unmatched actions' are made as the page goes through them
    (`MadeOnUse`); the counts above them are the plan's own."""
    index = _Index(plan)
    crosswalk, fiche_of = _crosswalk(plan, index)
    actions = [pair for thematique in plan.thematiques for pair in _tree_actions(thematique)]
    unmatched = [(a, with_images) for a, with_images in actions if a.id not in fiche_of] if plan.fiches else []
    kept: dict[str, ActionView | None] = {a.id: None for a, _ in unmatched}
    thematiques = MadeOnUse(lambda: (_thematique_view(t, index, fiche_of, images, kept) for t in plan.thematiques),
                            len(plan.thematiques))

    def unmatched_views() -> Iterator[ActionView]:
        for action, with_images in unmatched:
            view = kept.get(action.id)
            yield view if view is not None else _action_view(action, index, None, images if with_images else None)

    unmatched_actions = MadeOnUse(unmatched_views, len(unmatched))
    documents = [
        DocumentView(d, f"{d.pages} pages" if d.pages else f"{d.lines} lines" if d.lines else "", d.coverage)
        for d in plan.documents
    ]
    return Report(
        plan=plan,
        documents=documents,
        counts=_counts(plan, index),
        thematiques=thematiques,
        crosswalk=crosswalk,
        unmatched_actions=unmatched_actions,
        header_corrections=index.header_corrections,
        other_corrections=index.other_corrections,
        unplaced_anomalies=index.unplaced_anomalies,
        severities={s: sum(1 for a in plan.anomalies if a.severity == s) for s in ("error", "warning", "info")},
        rules=sorted(Counter(c.rule for c in plan.corrections).items()),
        n_actions=len(actions),
        n_offres=sum(len(a.offres) for a, _ in actions),
        n_matched_fiches=sum(1 for row in crosswalk if row.action is not None),
        years=sorted({year for a, _ in actions for year in _years(a)}),
    )


class _QuietBytecodeCache(FileSystemBytecodeCache):
    """Jinja's compiled template kept between runs (compiling it cost more than rendering
    the page), checked against the template's source; a cache that cannot be written only
    means compiling again."""

    def dump_bytecode(self, bucket) -> None:  # noqa: ANN001 - jinja2.bccache.Bucket
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _bytecode_cache() -> BytecodeCache | None:
    try:
        return _QuietBytecodeCache()  # a private folder of the user's in the temporary directory
    except (OSError, RuntimeError):  # RuntimeError: that folder exists and is not safe to use
        return None


def editable(record_id: object, field: object, value: object) -> Markup:
    """The attributes that make a value editable in place on the page (what the template's
    `editable` macro wrote, escaped as its `{{ }}` were: ` data-edit-record="…"
    data-edit-field="…"`, and ` data-edit-value="…"` when there is a value)."""
    return Markup(_editable(record_id, field, value))


def _editable(record_id: object, field: object, value: object) -> str:
    attributes = f' data-edit-record="{_e(record_id)}" data-edit-field="{_e(field)}"'
    if value:
        attributes += f' data-edit-value="{_e(value)}"'
    return attributes


# ---- the action entries, in Python: the template's macros cost most of a large page's time
# (a macro call, its attribute look-ups and its Markup joins for each of thousands of values).
# These write what the macros wrote, escaped alike (`{{ x }}` is `escape(x)`); the template
# still lays out the rest. tests/test_report.py compares them with the macros they replace.

def _replaced(text: str) -> str:
    """markupsafe's replacements, in its order."""
    return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


_escaped = _escape_inner or _replaced  # what markupsafe's `escape` runs on a str


def _e(value: object) -> str:
    """What `{{ value }}` writes on the autoescaped page: markupsafe's `escape`, without making
    a Markup of each text and number (that was most of the time left)."""
    kind = type(value)
    if kind is str:
        return _escaped(value)  # type: ignore[arg-type]
    if kind is int:
        return str(value)
    return str(escape(value))


def change(c: Correction) -> Markup:
    """A correction's before → after, and its rule."""
    return Markup(f'<div class="change"><del>{_e(c.before if c.before is not None else "∅")}</del> '
                  f'<span class="arrow">→</span> <ins>{_e(c.after if c.after is not None else "∅")}</ins> '
                  f'<span class="rule">{_e(c.rule)}</span></div>')


def anomaly_list(anomalies: Iterable[Anomaly]) -> Markup:
    parts = ['<ul class="anomalies">\n']
    for a in anomalies:
        severity, located = _e(a.severity), where(a)
        parts.append(f'  <li class="anomaly sev-{severity}"><span class="sev">{severity}</span> '
                     f'<code>{_e(a.code)}</code> {_e(a.message)}')
        if located:
            parts.append(f' <span class="loc">({_e(located)})</span>')
        if a.cells:
            spans = "".join(f'<span class="cell">{_e(c)}</span>' for c in a.cells)
            parts.append(f'    <div class="acells">{spans}</div>\n')
        parts.append("  </li>\n")
    parts.append("</ul>")
    return Markup("".join(parts))


def cells(provenance: Provenance) -> Markup:
    """The source row's cells, in order."""
    items = "".join(f"  <li>{_e(c) if c else EMPTY_CELL}</li>\n" for c in provenance.cells)
    return Markup(f'<ol class="cells">\n{items}</ol>')


def node_marks(m: Marks) -> Markup:
    """The corrections and anomalies of a node of the tree (axe, OI, OO) or of a fiche."""
    if not m:
        return Markup("")
    changes = "".join(f'<div class="ncorr"><code>{_e(c.field)}</code> {change(c)}</div>' for c in m.corrections)
    return Markup(f'<div class="node-marks">\n{changes}{anomaly_list(m.anomalies) if m.anomalies else ""}</div>\n')


def node_badges(m: Marks) -> Markup:
    """How many corrections and anomalies a node has, beside its title."""
    corrected = (f'<span class="badge corr" title="corrections">✎ {len(m.corrections)}</span>'
                 if m.corrections else "")
    flagged = f'<span class="badge anom" title="anomalies">⚑ {len(m.anomalies)}</span>' if m.anomalies else ""
    return Markup(corrected + flagged)


def crosswalk_row(row: CrosswalkRow) -> Markup:
    """A fiche of the priorisation beside the action it is (or none), how they were linked."""
    fiche, action = row.fiche, row.action
    unmatched = "" if action else ' class="unmatched"'
    cells = [f"    <tr{unmatched}><td>{_e(fiche.thematique)}</td>"
             f'<td class="n">{_e(roman(fiche.axe)) if fiche.axe else ""}</td>'
             f'<td class="n">{_e(fiche.oi) if fiche.oi else ""}</td>'
             f'<td>{_e(", ".join(str(o) for o in fiche.oo))}</td>'
             f'<td class="n">{_e(fiche.numero) if fiche.numero is not None else ""}</td>'
             f'<td{_editable(fiche.id, "titre", fiche.titre)}>{_e(fiche.titre)}{node_marks(row.marks)}</td>\n'
             f'      <td{_editable(fiche.id, "action_id", fiche.action_id)}>']
    if action:
        cells.append(f'<a href="#{_e(row.anchor)}"><code>{_e(action.id)}</code></a>')
    confidence = ("%.2f" % fiche.match_confidence if action and fiche.match_confidence is not None else "")
    linked = ""
    if row.how:
        rules = "".join(f" (rule {_e(c.rule)})" for c in row.link_corrections)
        linked = f' title="linked by {_e(row.how)}{rules}"'
    cells.append(f'</td><td>{_e(action.titre) if action and action.titre else ""}</td>\n'
                 f'      <td class="n confidence">{_e(confidence)}</td>\n'
                 f'      <td class="status{" ok" if action else ""}"{linked}>'
                 f'{"matched" if action else "no action"}</td></tr>')
    return Markup("".join(cells))


def unmatched_row(v: ActionView) -> Markup:
    """An action no fiche of the priorisation is."""
    a = v.action
    return Markup(f'    <tr class="unmatched"><td><a href="#{_e(v.anchor)}"><code>{_e(a.id)}</code></a></td>'
                  f'<td class="n">{_e(a.numero) if a.numero is not None else ""}</td>'
                  f'<td>{_e(a.titre or "")}</td><td>{_e(v.source)}</td></tr>')


EMPTY_CELL = '<span class="empty">(empty)</span>'
OFFRE_CELLS = ["libelle", "porteur", "public_vise", "echeances", "partenaires"]
OFFRE_MOYENS = ["moyens_humains", "moyens_techniques", "moyens_financiers"]
OFFRE_HEAD = ("<thead><tr><th>Offre</th><th>Porteur</th><th>Public visé</th><th>Échéances</th><th>Partenaires</th>"
              "<th>Moyens</th><th>Indicateurs</th><th>Source</th></tr></thead>")


def _source_images(v: ActionView) -> str:
    """The pictures of the action's source row, one per page it spans (PDF sources)."""
    if not v.images:
        return ""
    provenance = v.action.provenance
    count = len(v.images)
    parts = [f'    <figure class="page-images" data-pieces="{count}">\n'
             f"      <figcaption>As printed in {_e(provenance.document)}"
             f"{f' (the row runs over {count} pages)' if count > 1 else ''}</figcaption>\n"]
    for rank, uri in enumerate(v.images):
        page = provenance.pages[rank] if rank < len(provenance.pages) else None
        on_page, title = (f", page {_e(page)}", f' title="page {_e(page)}"') if page else ("", "")
        parts.append(f'      <img class="page-image" src="{_e(uri)}" alt="row of {_e(v.action.id)}{on_page}"{title}>\n')
    parts.append("    </figure>\n")
    return "".join(parts)


def _marks_of(corrections: list[Correction], anomalies: list[Anomaly]) -> str:
    """A record's corrections (field, before → after) then its anomalies."""
    changes = "".join(f"<div><code>{_e(c.field)}</code> {change(c)}</div>" for c in corrections)
    return f"{changes}{anomaly_list(anomalies) if anomalies else ''}"  # str + Markup would escape the str


def _offre_row(o: OffreView) -> str:
    values = o.values
    flagged = ' class="flagged"' if o.corrections or o.anomalies else ""
    parts = [f'        <tr id="{_e(o.id)}"{flagged}>\n']
    parts += [f"<td{_editable(o.id, n, values[n])}>{_e(values[n])}</td>" for n in OFFRE_CELLS]
    parts.append("\n          <td>")
    for n in OFFRE_MOYENS:
        value = values[n]
        shown = _e(value) if value else f'<span class="empty">{n.replace("_", " ")}</span>'
        hidden = "" if value else ' class="edit-only"'
        parts.append(f"<div{hidden}{_editable(o.id, n, value)}>{shown}</div>")
    parcours = values["parcours"]
    parts.append(f'<div class="muted{"" if parcours else " edit-only"}"{_editable(o.id, "parcours", parcours)}>'
                 f"Parcours : {_e(parcours)}</div></td>\n"
                 f'          <td{_editable(o.id, "indicateurs", values["indicateurs"])}>'
                 f'{_e(values["indicateurs"])}</td>\n'
                 f'          <td class="src"><details><summary>{_e(where(o.offre.provenance))}</summary>'
                 f"{cells(o.offre.provenance)}</details>\n"
                 f"{_marks_of(o.corrections, o.anomalies)}</td>\n"
                 "        </tr>\n")
    return "".join(parts)


def action_entry(v: ActionView) -> Markup:
    """An action of the tree: its summary line (number, title, badges, porteur) and, folded,
    its fields beside its source cells, its pictures, other corrections, anomalies, offers."""
    a = v.action
    n_anomalies, n_corrections = v.n_anomalies, v.n_corrections
    worst = _e(v.worst_severity) if n_anomalies else ""
    parts = [f'<details class="action{f" flagged sev-{worst}" if n_anomalies else ""}'
             f'{" corrected" if n_corrections else ""}" id="{_e(v.anchor)}" data-action="{_e(a.id)}" '
             f'data-text="{_e(v.search_text)}" data-porteur="{_e(v.search_porteur)}" '
             f'data-partenaires="{_e(v.search_partenaires)}" data-years="{_e(v.years)}" data-flags="{_e(v.flags)}">\n'
             f'  <summary><span class="num">{_e(a.numero if a.numero is not None else "·")}</span>'
             f'<span class="ahead"><span class="atitle">{_e(a.titre or "(no title)")}</span><span class="badges">']
    if a.annee_debut or a.annee_fin:
        until = f"–{_e(a.annee_fin)}" if a.annee_fin and a.annee_fin != a.annee_debut else ""
        parts.append(f'<span class="badge year">{_e(a.annee_debut or "?")}{until}</span>')
    if a.offres:
        parts.append(f'<span class="badge">{_e(plural(len(a.offres), "offre"))}</span>')
    if n_corrections:
        parts.append(f'<span class="badge corr" title="corrections">✎ {n_corrections}</span>')
    if n_anomalies:
        parts.append(f'<span class="badge anom sev-{worst}" title="anomalies">⚑ {n_anomalies}</span>')
    porteur = f'<span class="porteur">{_e(a.porteur)}</span>' if a.porteur else ""
    parts.append(f"</span>{porteur}</span></summary>\n"
                 '  <div class="abody">\n'
                 f'    <p class="aid"><code>{_e(a.id)}</code>'
                 f'{f" · fiche {_e(v.fiche.numero)} of the priorisation" if v.fiche else ""}</p>\n'
                 '    <div class="cols">\n'
                 '      <table class="fields">\n')
    for f in v.fields:
        kind = "corrected" if f.corrections else "blank" if not f.value else "filled"
        value = _e(f.value) if f.value else '<span class="empty">—</span>'
        parts.append(f'        <tr class="{kind}"><th>{_e(f.label)}</th><td{_editable(a.id, f.name, f.edit)}>{value}'
                     f'{"".join(change(c) for c in f.corrections)}</td></tr>\n')
    parts.append("      </table>\n"
                 '      <div class="source">\n'
                 f'        <h5>Source <span class="where">{_e(v.source or "unknown")}</span></h5>\n'
                 f"        {cells(a.provenance)}\n"
                 "      </div>\n"
                 "    </div>\n"
                 f"{_source_images(v)}\n")
    if v.corrections:
        parts.append('    <div class="other-corr"><h5>Other corrections</h5>\n'
                     f'{_marks_of(v.corrections, [])}    </div>\n')
    if v.anomalies:
        parts.append(anomaly_list(v.anomalies))
    if v.offres:
        parts.append(f'    <table class="offres">\n      {OFFRE_HEAD}\n      <tbody>\n')
        parts += [_offre_row(o) for o in v.offres]
        parts.append("      </tbody>\n    </table>\n")
    parts.append("  </div>\n</details>")
    return Markup("".join(parts))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # autoescape on for every template whatever its extension: all source text is untrusted.
    environment = Environment(loader=PackageLoader("pgt.write", "templates"), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True, bytecode_cache=_bytecode_cache())
    environment.filters["roman"] = roman
    environment.filters["where"] = where
    environment.filters["text"] = _text
    environment.filters["plural"] = plural
    environment.globals["search_ligatures"] = SEARCH_LIGATURES
    environment.globals["editable"] = editable
    environment.globals.update(action_entry=action_entry, anomaly_list=anomaly_list, change=change, cells=cells,
                               node_marks=node_marks, node_badges=node_badges, crosswalk_row=crosswalk_row,
                               unmatched_row=unmatched_row)
    return environment


# ---- editing on the page: the overrides already applied, for the page's script to merge with edits

class OverrideLine(Protocol):
    """A line of an overrides file (`pgt.normalize.overrides.Override`), as the page needs it."""

    record_id: str
    field: str
    value: str | None
    note: str | None
    source: str
    line: int
    extra_cells: int


def editing_data(overrides: Iterable[tuple[OverrideLine, str, str]]) -> str:
    """JSON of the overrides the conversion read, each with what became of it (`applied`,
    `unchanged`, `orphan`, `invalid`, `duplicate`) and why: the page lists them, marks the
    fields they set, and writes them back (less the removed ones) with the new edits."""
    return json.dumps([{"record_id": o.record_id, "field": o.field, "value": o.value or "", "note": o.note or "",
                        "source": o.source, "line": o.line, "status": status, "message": message,
                        # written back unless superseded (duplicate) or cut short (no value cell, an
                        # unquoted separator): re-written, such a line would say what its author did not
                        "keep": status != "duplicate" and o.value is not None and not o.extra_cells}
                       for o, status, message in overrides], ensure_ascii=False)


def render_report(plan: Plan, images: Mapping[str, list[str]] | None = None,
                  overrides: Sequence[tuple[OverrideLine, str, str]] = ()) -> str:
    """The review page of `plan` as one HTML string (inline CSS and script, no external resource).
    `images`: action id → data URIs of its source row's pictures (see `build_report`).
    `overrides`: (override, status, message) of the fixes the conversion read (`--overrides`),
    listed on the page so that the officer's edits are downloaded merged with them."""
    return "".join(report_chunks(plan, images, overrides))


def report_chunks(plan: Plan, images: Mapping[str, list[str]] | None = None,
                  overrides: Sequence[tuple[OverrideLine, str, str]] = ()) -> Iterator[str]:
    """`render_report`'s page as the template makes it, piece by piece: written as they
    come, the page of a large plan is never held whole (nor its pieces all at once)."""
    return _environment().get_template(TEMPLATE).generate(report=build_report(plan, images), plan=plan,
                                                         editing=editing_data(overrides))
