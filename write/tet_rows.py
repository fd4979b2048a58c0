"""The plan as the rows of the Territoires en Transitions import sheet (`pgt export tet`).

Pure mapping, no workbook: one row per action (offers: one more row each, the action's title
repeated and the offer in `Titre de la sous-action`, as the platform reads sub-actions),
keyed by the template's column names. The platform has three axis levels; a CTG has four:

- `Axe (x)` ← thématique (`1. Petite enfance`), `Sous-axe (x.x)` ← axe (`1.2. …`),
  `Sous-sous axe (x.x.x)` ← objectif intermédiaire (`1.2.1. …`), and the objectifs
  opérationnels as `OO n : titre` lines in `Objectifs` (above the action's own objectifs);
- the action's number leads its title (`3. Titre`), as the plan prints it;
- fields with a column go there (lists comma-separated, as the template's hints ask); fields
  with none go as labelled lines (`Public visé : …`) in `Descriptif` (what describes the
  action) or `Notes` (fiche links, unknown columns): nothing is dropped, and the spreadsheet
  reader takes the labelled lines back into their fields;
- a restricted value (Statut, Niveau de priorité) is written only when the plan states one
  of the allowed values; any other goes in `Descriptif`, labelled;
- the platform's checks: two actions of one axis never share a title (the second gets
  ` (2)`), a title is at most 300 characters (cut at a word, `…`, the whole title kept in
  `Descriptif` as `Titre complet : …`); every such change is a note.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from pgt.schema import Action, Axe, ObjectifIntermediaire, Offre, Plan
from pgt.settings.text import fold

TITLE_MAX = 300  # the platform's limit on a title (the template's `LEN(D5)<=300` check)
CELL_MAX = 32767  # a spreadsheet cell's limit
ELLIPSIS = "…"

# the template's column names (row 2, stripped) pgt fills
AXE, SOUS_AXE, SOUS_SOUS_AXE = "Axe (x)", "Sous-axe (x.x)", "Sous-sous axe (x.x.x)"
TITRE, SOUS_ACTION, DESCRIPTIF = "Titre de la fiche action", "Titre de la sous-action", "Descriptif"
OBJECTIFS, INDICATEURS, PILOTE = "Objectifs", "Indicateurs liés", "Structure pilote"
MOYENS, PARTENAIRES, FINANCEMENTS = "Moyens humains et techniques", "Partenaires", "Financements"
BUDGET, STATUT, PRIORITE = "Budget prévisionnel total € HT", "Statut", "Niveau de priorité"
DEBUT, FIN, NOTES = "Date de début", "Date de fin", "Notes"
FILLED = (AXE, SOUS_AXE, SOUS_SOUS_AXE, TITRE, SOUS_ACTION, DESCRIPTIF, OBJECTIFS, INDICATEURS, PILOTE, MOYENS,
          PARTENAIRES, FINANCEMENTS, BUDGET, STATUT, PRIORITE, DEBUT, FIN, NOTES)

# labels of the fields that have no column (read back by the spreadsheet reader's labels)
LABELS = {"public_vise": "Public visé", "echeances": "Échéances", "parcours": "Parcours",
          "territoire": "Territoire", "statut": "Statut", "budget_texte": "Budget", "titre": "Titre complet",
          "moyens_techniques": "Moyens techniques", "fiche_priorisation": "Fiche de priorisation",
          "fiches_liees": "Fiches liées"}
DESCRIPTIF_FIELDS = ("public_vise", "echeances", "parcours", "territoire")
PRIORITE_KEYS = ("NIVEAU DE PRIORITE", "PRIORITE")


@dataclass(frozen=True)
class AllowedValues:
    """The values the platform restricts, as its drop-down lists spell them."""

    statut: tuple[str, ...] = ()
    priorite: tuple[str, ...] = ()

    @staticmethod
    def pick(value: str | None, allowed: tuple[str, ...]) -> str | None:
        """The list's spelling of `value` (accents, case and spaces aside), or None."""
        if not value:
            return None
        return next((choice for choice in allowed if fold(choice).strip() == fold(value).strip()), None)


@dataclass
class TetNote:
    """A change made for the platform's checks (a title told apart, a text cut…)."""
    code: str  # title_disambiguated | text_cut | value_not_allowed
    record_id: str
    message: str


@dataclass
class TetRows:
    """The import workbook's rows and the changes made to them."""
    rows: list[dict[str, object]] = field(default_factory=list)
    notes: list[TetNote] = field(default_factory=list)
    actions: int = 0
    offres: int = 0


@dataclass(frozen=True)
class Path3:
    """The three axis cells of an action."""

    axe: str
    sous_axe: str | None
    sous_sous_axe: str | None
    key: tuple[int, int | None, int | None]  # the axis an action sits in (titles unique within)


def tet_rows(plan: Plan, allowed: AllowedValues = AllowedValues()) -> TetRows:
    out = TetRows()
    titles: dict[tuple[int, int | None, int | None], set[str]] = {}
    for path, oi, action in _placed(plan):
        taken = titles.setdefault(path.key, set())
        row = _action_row(action, path, oi, taken, allowed, out.notes)
        out.rows.append(row)
        out.actions += 1
        for rank, offre in enumerate(action.offres, 1):
            out.rows.append(_offre_row(offre, rank, row, allowed, out.notes, action.id))
            out.offres += 1
    return out


def _placed(plan: Plan) -> Iterator[tuple[Path3, ObjectifIntermediaire | None, Action]]:
    for t_number, thematique in enumerate(plan.thematiques, 1):
        top = f"{t_number}. {thematique.titre}"
        for action in thematique.actions:
            yield Path3(top, None, None, (t_number, None, None)), None, action
        for axe in thematique.axes:
            yield from _axe_actions(t_number, top, axe)


def _axe_actions(t_number: int, top: str, axe: Axe) -> Iterator[tuple[Path3, ObjectifIntermediaire | None, Action]]:
    sous_axe = f"{t_number}.{axe.numero}. {axe.titre or f'Axe {axe.numero}'}"
    for action in axe.actions:
        yield Path3(top, sous_axe, None, (t_number, axe.numero, None)), None, action
    for oi in axe.objectifs_intermediaires:
        third = f"{t_number}.{axe.numero}.{oi.numero}. {oi.titre or f'Objectif {oi.numero}'}"
        for action in oi.actions:
            yield Path3(top, sous_axe, third, (t_number, axe.numero, oi.numero)), oi, action


def _action_row(action: Action, path: Path3, oi: ObjectifIntermediaire | None, taken: set[str],
                allowed: AllowedValues, notes: list[TetNote]) -> dict[str, object]:
    titre = action.titre or f"Action {action.numero or ''}".strip()
    shown = f"{action.numero}. {titre}" if action.numero is not None else titre
    extra: dict[str, str] = {}
    if len(shown) > TITLE_MAX:
        extra["titre"] = titre
        shown = _cut(shown, TITLE_MAX)
        notes.append(TetNote("text_cut", action.id, f"title of {len(titre)} characters cut to {TITLE_MAX} "
                             f"(the whole title is in Descriptif, 'Titre complet')"))
    shown = _unique_title(shown, taken, action.id, path, notes)
    row: dict[str, object] = {AXE: path.axe, SOUS_AXE: path.sous_axe, SOUS_SOUS_AXE: path.sous_sous_axe,
                              TITRE: shown, OBJECTIFS: _objectifs(action, oi)}
    row.update(_fields(action, allowed, notes, action.id, extra))
    row[NOTES] = _lines([(LABELS["fiche_priorisation"], _text(action.fiche_priorisation)),
                         (LABELS["fiches_liees"], ", ".join(map(str, action.fiches_liees)))]
                        + list(action.autres.items()))
    return _bounded(row, notes, action.id)


def _offre_row(offre: Offre, rank: int, parent: dict[str, object], allowed: AllowedValues,
               notes: list[TetNote], action_id: str) -> dict[str, object]:
    record_id = f"{action_id}-o{rank}"
    libelle = offre.libelle
    extra: dict[str, str] = {}
    if not libelle:  # a sub-action row needs its title: the platform reads the row as the action again
        libelle = f"Offre {rank}"
        notes.append(TetNote("offre_named", record_id, f"offer {rank} has no libellé: written as {libelle!r}"))
    elif len(libelle) > TITLE_MAX:
        extra["titre"] = libelle
        libelle = _cut(libelle, TITLE_MAX)
        notes.append(TetNote("text_cut", record_id, f"libellé of {len(offre.libelle or '')} characters cut to "
                             f"{TITLE_MAX} (the whole libellé is in Descriptif, 'Titre complet')"))
    row: dict[str, object] = {AXE: parent[AXE], SOUS_AXE: parent[SOUS_AXE], SOUS_SOUS_AXE: parent[SOUS_SOUS_AXE],
                              TITRE: parent[TITRE], SOUS_ACTION: libelle}
    row.update(_fields(offre, allowed, notes, record_id, extra))
    row[NOTES] = _lines(list(offre.autres.items()))
    return _bounded(row, notes, record_id)


def _fields(record: Action | Offre, allowed: AllowedValues, notes: list[TetNote], record_id: str,
            extra: dict[str, str]) -> dict[str, object]:
    """The columns every record fills (an action or an offer)."""
    statut = allowed.pick(record.statut, allowed.statut)
    if record.statut and statut is None:
        extra["statut"] = record.statut
        notes.append(TetNote("value_not_allowed", record_id, f"Statut {record.statut!r} is none of the platform's "
                             f"({', '.join(s.strip() for s in allowed.statut)}): kept in Descriptif"))
    budget = int(record.budget) if record.budget is not None and record.budget == int(record.budget) else None
    if record.budget_texte and (budget is None or record.budget_texte.strip() != str(budget)):
        extra["budget_texte"] = record.budget_texte
    labelled = [(LABELS[name], getattr(record, name)) for name in DESCRIPTIF_FIELDS]
    labelled += [(LABELS[name], value) for name, value in extra.items()]
    moyens = _lines([("", record.moyens_humains), (LABELS["moyens_techniques"], record.moyens_techniques)])
    priorite = next((allowed.pick(v, allowed.priorite) for k, v in record.autres.items()
                     if fold(k).strip() in PRIORITE_KEYS), None)
    return {
        DESCRIPTIF: _lines([("", record.description), *labelled]),
        INDICATEURS: ", ".join(record.indicateurs) or None,
        PILOTE: record.porteur,
        MOYENS: moyens,
        PARTENAIRES: ", ".join(record.partenaires) or None,
        FINANCEMENTS: record.moyens_financiers,
        BUDGET: budget,
        STATUT: statut,
        PRIORITE: priorite,
        DEBUT: record.date_debut or (date(record.annee_debut, 1, 1) if record.annee_debut else None),
        FIN: record.date_fin or (date(record.annee_fin, 12, 31) if record.annee_fin else None),
    }


def _objectifs(action: Action, oi: ObjectifIntermediaire | None) -> str | None:
    titles = {oo.numero: oo.titre for oo in oi.objectifs_operationnels} if oi is not None else {}
    lines = [f"OO {n} : {titles[n]}" if titles.get(n) else f"OO {n}" for n in action.oo]
    if action.objectifs:
        lines.append(action.objectifs)
    return "\n".join(lines) or None


def _lines(pairs: list[tuple[str, str | None]]) -> str | None:
    """`Label : value` lines (an empty label: the value alone, first)."""
    lines = [f"{label} : {value}" if label else value for label, value in pairs if value]
    return "\n".join(lines) or None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _unique_title(shown: str, taken: set[str], record_id: str, path: Path3, notes: list[TetNote]) -> str:
    unique, counter = shown, 1
    while fold(unique) in taken:
        counter += 1
        suffix = f" ({counter})"
        unique = _cut(shown, TITLE_MAX - len(suffix)) + suffix if len(shown) + len(suffix) > TITLE_MAX \
            else shown + suffix
    if unique != shown:
        where = path.sous_sous_axe or path.sous_axe or path.axe
        notes.append(TetNote("title_disambiguated", record_id, f"another action of axis {where.split(' ', 1)[0].rstrip('.')} is "
                             f"titled {shown!r}: written as {unique!r} (the platform refuses two alike in one axis)"))
    taken.add(fold(unique))
    return unique


def _cut(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut at a word, `…` at the end."""
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS)]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip(" ,;:-") + ELLIPSIS


def _bounded(row: dict[str, object], notes: list[TetNote], record_id: str) -> dict[str, object]:
    for column, value in row.items():
        if isinstance(value, str) and len(value) > CELL_MAX:
            row[column] = _cut(value, CELL_MAX)
            notes.append(TetNote("text_cut", record_id, f"{column}: {len(value)} characters cut to {CELL_MAX} "
                                 f"(a spreadsheet cell's limit)"))
    return row
