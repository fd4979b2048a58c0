"""The Pydantic model of a plan: what `plan.json` holds and what every writer reads.

Plan → Thematique → Axe → ObjectifIntermediaire → (ObjectifOperationnel, Action → Offre).
Parentalité's six "THEMATIQUE n" groups are axes without OI: their actions sit on the axe.
The *priorisation* (summary) document adds `Fiche` records, linked to actions by the
crosswalk. Validators enforce what must hold for the data to be trusted.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from datetime import date
from functools import cached_property
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

SCHEMA_VERSION = "1.0"


# Fields' default factories are Python functions, not the `list` and `dict` builtins: pydantic
# asks each factory's signature when it builds a model, and a builtin's is parsed from its
# text signature by the tokenizer (its pattern compiled first): some 0.15 ms a field.
def _empty_list() -> list:  # type: ignore[type-arg]
    return []


def _empty_dict() -> dict:  # type: ignore[type-arg]
    return {}


# A thématique code is an open slug, never a closed list: the CAF's usual domains get stable
# codes from their headings (the profile), any other thématique the slug of its title.
THEMATIQUE_CODE_PATTERN = r"^[a-z][a-z0-9_]*$"
ThematiqueCode = Annotated[str, StringConstraints(pattern=THEMATIQUE_CODE_PATTERN, max_length=60)]


class DocumentKind(str, Enum):
    priorisation = "priorisation"  # summary: axes → OI → OO → fiches
    fiches_actions = "fiches_actions"  # detail: action tables with all fields


class FieldNames(set):  # type: ignore[type-arg]
    """A model's names of fields set, one set shared by every model set with the same names
    (`field_names`): pydantic gives each object a set of its own (0.2-2.2 kB for its 1-30
    names, more than the rest of an action or a correction: half a large plan's weight).
    Never changed in place: an assignment gives the model the shared set of its names and
    the new one first (`Strict.__setattr__`; pydantic's `add` then finds it there), and a
    copy of the model (`model_copy`, `copy.deepcopy`) gets the plain set pydantic keeps.
    (A set, not a frozenset: pydantic's serialiser reads it as one, `exclude_unset`.)"""

    __slots__ = ("following",)  # name added → the shared set with it (asked at each assignment)

    def __init__(self, names: frozenset[str]) -> None:
        super().__init__(names)
        self.following: dict[str, FieldNames] = {}

    def __copy__(self) -> set[str]:
        return set(self)

    def __deepcopy__(self, memo: dict) -> set[str]:  # type: ignore[type-arg]
        return set(self)

    def __reduce__(self) -> tuple[type, tuple[list[str]]]:  # pickled as the plain set (not the sets following)
        return set, (sorted(self),)

    def add(self, name: str) -> None:
        if name not in self:
            self._shared()

    def _shared(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a model's shared names of fields set are not changed in place")

    discard = remove = pop = clear = update = _shared  # type: ignore[assignment]
    intersection_update = difference_update = symmetric_difference_update = _shared  # type: ignore[assignment]
    __ior__ = __iand__ = __isub__ = __ixor__ = _shared  # type: ignore[assignment]


_FIELD_NAMES: dict[frozenset[str], FieldNames] = {}


def field_names(names: set[str] | frozenset[str]) -> FieldNames:
    """The shared set of these names."""
    key = frozenset(names)
    shared = _FIELD_NAMES.get(key)
    if shared is None:
        shared = _FIELD_NAMES[key] = FieldNames(key)  # (set.__init__: not `update`)
    return shared


_set_slot = object.__setattr__  # a slot pydantic keeps, set past pydantic's __setattr__


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)
    # the fields an assignment only stores (`__setattr__`): not frozen, not validated, no property
    __plain_fields__: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: object) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        plain = not cls.model_config.get("validate_assignment") and not cls.model_config.get("frozen")
        cls.__plain_fields__ = frozenset(
            name for name, info in cls.__pydantic_fields__.items()
            if plain and not info.frozen and not isinstance(getattr(cls, name, None), (property, cached_property))
        )

    def model_post_init(self, context: object, /) -> None:
        # (asked of every model made: `field_names` inlined, its look-up first)
        names = frozenset(self.__pydantic_fields_set__)
        _set_slot(self, "__pydantic_fields_set__", _FIELD_NAMES.get(names) or field_names(names))

    def __setattr__(self, name: str, value: object) -> None:
        if name not in self.__plain_fields__:
            names = self.__pydantic_fields_set__
            if type(names) is FieldNames and name not in names and name in type(self).__pydantic_fields__:
                # a frozen or validated field: pydantic's handler adds the name itself, to a set of the model's own
                _set_slot(self, "__pydantic_fields_set__", set(names))
            super().__setattr__(name, value)  # pydantic's checks and errors
            return
        # what pydantic does for such a field (store, add the name), the shared set of the
        # names and this one taking the place of an added name
        self.__dict__[name] = value
        names = self.__pydantic_fields_set__
        if name not in names:
            if type(names) is FieldNames:
                following = names.following.get(name)
                if following is None:
                    following = names.following[name] = field_names(names | {name})
                _set_slot(self, "__pydantic_fields_set__", following)
            else:
                names.add(name)


class CellBox(Strict):
    """Where a cell sits on a PDF page, in PDF points (origin top left, as pdfplumber)."""

    page: int = Field(ge=1)
    x0: float
    top: float
    x1: float
    bottom: float


class Provenance(Strict):
    """Where a record was read; `cells` are the raw cells of its source row(s)."""

    document: str
    line: int | None = Field(default=None, ge=1)
    page: int | None = Field(default=None, ge=1)
    table: int | None = Field(default=None, ge=0)
    row: int | None = Field(default=None, ge=0)
    sheet: str | None = None  # spreadsheet sources: sheet name and cell (`Fichier dimport`, `D4`)
    cell: str | None = None
    pages: list[int] = Field(default_factory=_empty_list)  # every page a row spans (a row broken across pages)
    boxes: list[CellBox] = Field(default_factory=_empty_list)
    cells: list[str] = Field(default_factory=_empty_list)


class ActionFields(Strict):
    """The fields an action and each of its offers share."""

    porteur: str | None = None
    public_vise: str | None = None
    echeances: str | None = None  # as printed
    annee_debut: int | None = Field(default=None, ge=1900, le=2100)
    annee_fin: int | None = Field(default=None, ge=1900, le=2100)
    partenaires: list[str] = Field(default_factory=_empty_list)
    moyens_humains: str | None = None
    moyens_techniques: str | None = None
    moyens_financiers: str | None = None
    parcours: str | None = None
    indicateurs: list[str] = Field(default_factory=_empty_list)
    # fields other plans print (CTG_PLANS.md); kept after the contract's columns in CSV
    description: str | None = None
    objectifs: str | None = None
    statut: str | None = None
    budget: float | None = Field(default=None, ge=0)  # euros, when the text states one amount
    budget_texte: str | None = None  # the budget as printed
    territoire: str | None = None
    date_debut: date | None = None  # when the source states dates (spreadsheets)
    date_fin: date | None = None
    autres: dict[str, str] = Field(default_factory=_empty_dict)  # header or label that maps to no field → value

    @model_validator(mode="after")
    def _years_in_order(self) -> ActionFields:
        if self.annee_debut and self.annee_fin and self.annee_fin < self.annee_debut:
            raise ValueError(f"annee_fin {self.annee_fin} before annee_debut {self.annee_debut}")
        return self


class Offre(ActionFields):
    libelle: str | None = None
    provenance: Provenance


class Action(ActionFields):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*-[0-9a-z-]+$")  # thématique code, then place or slug
    numero: int | None = Field(default=None, ge=1)
    titre: str | None = None
    oo: list[int] = Field(default_factory=_empty_list)
    offres: list[Offre] = Field(default_factory=_empty_list)
    fiches_liees: list[int] = Field(default_factory=_empty_list)
    fiche_priorisation: int | None = Field(default=None, ge=1)
    provenance: Provenance

    @field_validator("oo", "fiches_liees")
    @classmethod
    def _positive_sorted_unique(cls, values: list[int]) -> list[int]:
        if any(v < 1 for v in values):
            raise ValueError(f"numbers must be positive: {values}")
        return sorted(set(values))


class ObjectifOperationnel(Strict):
    numero: int = Field(ge=1)
    titre: str | None = None
    provenance: Provenance | None = None


class ObjectifIntermediaire(Strict):
    numero: int = Field(ge=1)
    titre: str | None = None
    objectifs_operationnels: list[ObjectifOperationnel] = Field(default_factory=_empty_list)
    actions: list[Action] = Field(default_factory=_empty_list)
    provenance: Provenance | None = None

    @model_validator(mode="after")
    def _oo_references_exist(self) -> ObjectifIntermediaire:
        numbers = [oo.numero for oo in self.objectifs_operationnels]
        if len(numbers) != len(set(numbers)):
            raise ValueError(f"OI {self.numero}: OO numbers repeated {numbers}")
        known = set(numbers)
        if known:
            for action in self.actions:
                missing = [n for n in action.oo if n not in known]
                if missing:
                    raise ValueError(
                        f"OI {self.numero}: action {action.id} refers to OO {missing} "
                        f"not among {sorted(known)}"
                    )
        return self


class Axe(Strict):
    numero: int = Field(ge=1)
    titre: str | None = None
    objectifs_intermediaires: list[ObjectifIntermediaire] = Field(default_factory=_empty_list)
    actions: list[Action] = Field(default_factory=_empty_list)  # actions placed under no OI
    provenance: Provenance | None = None

    @model_validator(mode="after")
    def _unique_oi(self) -> Axe:
        numbers = [oi.numero for oi in self.objectifs_intermediaires]
        if len(numbers) != len(set(numbers)):
            raise ValueError(f"axe {self.numero}: OI numbers repeated {numbers}")
        return self

    def all_actions(self) -> list[Action]:
        return [a for oi in self.objectifs_intermediaires for a in oi.actions] + self.actions


class Thematique(Strict):
    code: ThematiqueCode
    titre: str
    axes: list[Axe] = Field(default_factory=_empty_list)
    actions: list[Action] = Field(default_factory=_empty_list)  # actions placed under no axe (a plan without axes)

    @model_validator(mode="after")
    def _unique_axes(self) -> Thematique:
        numbers = [axe.numero for axe in self.axes]
        if len(numbers) != len(set(numbers)):
            raise ValueError(f"{self.code}: axe numbers repeated {numbers}")
        return self

    def all_actions(self) -> list[Action]:
        return [a for axe in self.axes for a in axe.all_actions()] + self.actions


class Fiche(Strict):
    """One fiche of the *priorisation* document."""

    id: str
    thematique: ThematiqueCode
    axe: int | None = Field(default=None, ge=1)
    oi: int | None = Field(default=None, ge=1)
    oo: list[int] = Field(default_factory=_empty_list)
    numero: int | None = Field(default=None, ge=1)
    titre: str
    fiches_annexees: list[int] = Field(default_factory=_empty_list)
    action_id: str | None = None
    provenance: Provenance
    match_confidence: float | None = Field(default=None, ge=0, le=1)  # of the crosswalk pair (0..1)


class SourceDocument(Strict):
    name: str
    kind: DocumentKind
    format: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    lines: int | None = None
    pages: int | None = None
    encoding: str | None = None
    rows: int = 0
    non_empty_cells: int = 0
    placed_cells: int = 0

    @property
    def coverage(self) -> float:
        return 1.0 if not self.non_empty_cells else self.placed_cells / self.non_empty_cells


class Correction(Strict):
    """One change a normalizer made."""

    record_id: str
    field: str
    before: str | None
    after: str | None
    rule: str
    note: str | None = None  # why: a data officer's note on an override (`--overrides`)


Severity = Literal["info", "warning", "error"]


class Anomaly(Strict):
    """Something the pipeline could not read as expected: located, never silent."""

    code: str  # e.g. unplaced_row, realigned_cells, inferred_axe, unknown_header
    message: str
    severity: Severity = "warning"
    document: str | None = None
    line: int | None = None
    page: int | None = None
    table: int | None = Field(default=None, ge=1)  # 1-based, as a person counts (DOCX/ODT, PDF)
    row: int | None = Field(default=None, ge=1)  # 1-based row of that table
    record_id: str | None = None
    cells: list[str] = Field(default_factory=_empty_list)
    sheet: str | None = None  # spreadsheet sources: the sheet and the A1 references of the
    cell: str | None = None  # cells listed (`D4 F4`), where line and page do not apply

    @staticmethod
    def located(provenance: object | None) -> dict[str, int | str | None]:
        """The location fields of an anomaly read from a row's provenance (either the
        reader's or the plan's: same attribute names, table and row 0-based there)."""
        if provenance is None:
            return {}
        table = getattr(provenance, "table", None)
        row = getattr(provenance, "row", None)
        return {
            "document": getattr(provenance, "document", None),
            "line": getattr(provenance, "line", None),
            "page": getattr(provenance, "page", None),
            "table": table + 1 if table is not None else None,
            "row": row + 1 if row is not None and table is not None else None,
            "sheet": getattr(provenance, "sheet", None),
            "cell": getattr(provenance, "cell", None),
        }


class Plan(Strict):
    schema_version: str = SCHEMA_VERSION
    documents: list[SourceDocument] = Field(default_factory=_empty_list)
    thematiques: list[Thematique] = Field(default_factory=_empty_list)
    fiches: list[Fiche] = Field(default_factory=_empty_list)
    corrections: list[Correction] = Field(default_factory=_empty_list)
    anomalies: list[Anomaly] = Field(default_factory=_empty_list)

    @model_validator(mode="after")
    def _unique_ids(self) -> Plan:
        seen: set[str] = set()
        for action in self.all_actions():
            if action.id in seen:
                raise ValueError(f"action id {action.id} is not unique")
            seen.add(action.id)
        fiche_ids = [f.id for f in self.fiches]
        if len(fiche_ids) != len(set(fiche_ids)):
            raise ValueError("fiche ids are not unique")
        for fiche in self.fiches:
            if fiche.action_id is not None and fiche.action_id not in seen:
                raise ValueError(f"fiche {fiche.id} links to unknown action {fiche.action_id}")
        return self

    def all_actions(self) -> list[Action]:
        return [a for t in self.thematiques for a in t.all_actions()]

    def walk_actions(self) -> Iterator[tuple[Thematique, Axe | None, ObjectifIntermediaire | None, Action]]:
        """Every action with its place, in plan order (OI actions, then the axe's own, then
        the thématique's actions under no axe, with axe None)."""
        for thematique in self.thematiques:
            for axe in thematique.axes:
                for oi in axe.objectifs_intermediaires:
                    for action in oi.actions:
                        yield thematique, axe, oi, action
                for action in axe.actions:
                    yield thematique, axe, None, action
            for action in thematique.actions:
                yield thematique, None, None, action

    def thematique(self, code: str) -> Thematique | None:
        return next((t for t in self.thematiques if t.code == code), None)

    @property
    def coverage(self) -> float:
        total = sum(d.non_empty_cells for d in self.documents)
        placed = sum(d.placed_cells for d in self.documents)
        return 1.0 if not total else placed / total
