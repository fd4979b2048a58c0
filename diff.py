"""`pgt diff OLD NEW`: what changed between two versions of a plan, action by action.

Each side is documents (converted in memory), a folder of documents, an output folder
(its `plan.json`) or a `plan.json` file. Actions are paired

1. by stable id, when their titles still look alike (so two swapped numbers are not taken
   for two rewritten actions);
2. by title similarity within the same thématique (the id holds axe, OI and number, so an
   action that moved or was renumbered has a new id);
3. by id, whatever the titles (a rewritten title);

and every pair is compared: `renumbered` (number changed), `moved` (other axe, OI or OO),
`changed` (one entry per field, before → after). What is left is `added` or `removed`.
Provenance (line, page) is not compared: it shifts whenever a row is added above.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, utils

from pgt.errors import ExitCode, InputNotFound, PgtError
from pgt.pipeline import convert
from pgt.schema import Action, Plan
from pgt.settings.profile import Profile

SAME_ID_MIN_SIMILARITY = 50.0  # below: the number now names another action (numbers swapped)
TITLE_MIN_SIMILARITY = 85.0  # pairing by title alone needs titles this close (0-100)
KINDS = ["removed", "added", "renumbered", "moved", "changed"]
COMPARED_FIELDS = [
    "titre", "porteur", "public_vise", "echeances", "annee_debut", "annee_fin", "partenaires",
    "moyens_humains", "moyens_techniques", "moyens_financiers", "parcours", "indicateurs",
    "fiches_liees", "fiche_priorisation", "offres",
    "description", "objectifs", "statut", "budget", "budget_texte", "territoire", "autres",  # other plans' fields
]


@dataclass(frozen=True)
class Placed:
    """An action with where it sits in the hierarchy."""

    action: Action
    thematique: str
    axe: int
    oi: int | None

    @property
    def place(self) -> str:
        oi = f" / OI {self.oi}" if self.oi is not None else ""
        oo = f" / OO {' '.join(map(str, self.action.oo))}" if self.action.oo else ""
        return f"axe {self.axe}{oi}{oo}"

    @property
    def titre(self) -> str:
        return self.action.titre or ""


@dataclass(frozen=True)
class Change:
    kind: str  # removed | added | renumbered | moved | changed
    thematique: str
    id: str  # the id in NEW (in OLD for a removed action)
    old_id: str | None = None  # when the id changed (renumbered, moved, title slug)
    field: str | None = None
    before: Any = None
    after: Any = None
    titre: str | None = None

    def line(self) -> str:
        ids = f"{self.old_id} → {self.id}" if self.old_id and self.old_id != self.id else self.id
        if self.kind in ("added", "removed"):
            sign = "+" if self.kind == "added" else "-"
            return f"{sign} {self.kind:<10} {ids}  {shorten(self.titre)}"
        sign = ">" if self.kind == "moved" else "~"
        return f"{sign} {self.kind:<10} {ids}  {self.field}: {shorten(self.before)} → {shorten(self.after)}"


@dataclass
class PlanDiff:
    old: str
    new: str
    old_actions: int
    new_actions: int
    changes: list[Change]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(c.kind for c in self.changes)
        return {kind: counted.get(kind, 0) for kind in KINDS}

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def shorten(value: Any, width: int = 70) -> str:
    text = "∅" if value in (None, "", []) else json.dumps(value, ensure_ascii=False) if isinstance(value, list) \
        else f'"{value}"' if isinstance(value, str) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --- loading --------------------------------------------------------------------------------

def load_plan(source: Path, overrides: Path | None = None, profile: Profile | None = None) -> Plan:
    """An output folder or plan.json as written; anything else is read as documents (with the
    `overrides` file given, else the `pgt-overrides.csv` beside them; with `profile`)."""
    source = Path(source)
    if not source.exists():
        raise InputNotFound(f"{source}: no such file or folder")
    plan_file = source / "plan.json" if source.is_dir() else source if source.name.endswith(".json") else None
    if plan_file is not None and plan_file.is_file():
        try:
            return Plan.model_validate_json(plan_file.read_bytes())
        except ValueError as error:
            raise PgtError(f"{plan_file}: not a plan.json written by pgt ({str(error).splitlines()[0]})",
                           exit_code=ExitCode.UNREADABLE_INPUT) from None
    return convert([source], overrides=overrides, profile=profile).plan


def placed_actions(plan: Plan) -> list[Placed]:
    return [Placed(action, thematique.code, axe.numero, oi.numero if oi else None)
            for thematique, axe, oi, action in plan.walk_actions()]


# --- pairing --------------------------------------------------------------------------------

def similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b, processor=utils.default_process)


def pair_actions(old: list[Placed], new: list[Placed]) -> tuple[list[tuple[Placed, Placed]], list[Placed], list[Placed]]:
    """(pairs, removed, added), see the module docstring for the three passes."""
    pairs: list[tuple[Placed, Placed]] = []
    old_left = {p.action.id: p for p in old}
    new_left = {p.action.id: p for p in new}

    def take(o: Placed, n: Placed) -> None:
        pairs.append((o, n))
        del old_left[o.action.id], new_left[n.action.id]

    for id_ in [i for i in old_left if i in new_left]:
        if similarity(old_left[id_].titre, new_left[id_].titre) >= SAME_ID_MIN_SIMILARITY \
                or old_left[id_].titre == new_left[id_].titre:
            take(old_left[id_], new_left[id_])
    candidates = sorted(
        ((similarity(o.titre, n.titre), o.action.id, n.action.id)
         for o in old_left.values() for n in new_left.values() if o.thematique == n.thematique),
        key=lambda c: (-c[0], c[1], c[2]))
    for score, old_id, new_id in candidates:
        if score < TITLE_MIN_SIMILARITY:
            break
        if old_id in old_left and new_id in new_left:
            take(old_left[old_id], new_left[new_id])
    for id_ in [i for i in old_left if i in new_left]:
        take(old_left[id_], new_left[id_])
    return pairs, list(old_left.values()), list(new_left.values())


# --- comparing ------------------------------------------------------------------------------

def field_value(action: Action, name: str) -> Any:
    if name == "offres":  # an offer is known by its label; its fields follow the action's
        return [o.libelle for o in action.offres]
    return getattr(action, name)


def compare(old: Placed, new: Placed) -> list[Change]:
    common = {"thematique": new.thematique, "id": new.action.id,
              "old_id": old.action.id if old.action.id != new.action.id else None, "titre": new.action.titre}
    changes = []
    if old.action.numero != new.action.numero:
        changes.append(Change("renumbered", field="numero", before=old.action.numero, after=new.action.numero,
                              **common))
    if old.place != new.place:
        changes.append(Change("moved", field="place", before=old.place, after=new.place, **common))
    for name in COMPARED_FIELDS:
        before, after = field_value(old.action, name), field_value(new.action, name)
        if before != after:
            changes.append(Change("changed", field=name, before=before, after=after, **common))
    return changes


def sort_key(order: list[str]):  # noqa: ANN201 - a key function
    """Changes by kind, then thématique in the plans' own order, then id and field."""
    def key(change: Change) -> tuple[int, int, str, str]:
        rank = order.index(change.thematique) if change.thematique in order else len(order)
        return KINDS.index(change.kind), rank, change.id, change.field or ""
    return key


def thematique_order(*plans: Plan) -> list[str]:
    return list(dict.fromkeys(t.code for plan in plans for t in plan.thematiques))


def diff_plans(old: Plan, new: Plan, *, old_name: str = "OLD", new_name: str = "NEW") -> PlanDiff:
    old_actions, new_actions = placed_actions(old), placed_actions(new)
    pairs, removed, added = pair_actions(old_actions, new_actions)
    changes: list[Change] = [Change("removed", p.thematique, p.action.id, titre=p.action.titre) for p in removed]
    changes += [Change("added", p.thematique, p.action.id, titre=p.action.titre) for p in added]
    for o, n in pairs:
        changes += compare(o, n)
    return PlanDiff(old_name, new_name, len(old_actions), len(new_actions), sorted(changes, key=sort_key(thematique_order(old, new))))


def diff_sources(old: Path, new: Path, profile: Profile | None = None) -> PlanDiff:
    """`pgt diff`: load both sides (documents or output folders) and compare them;
    documents are read with `profile` (default: the built-in CTG profile)."""
    return diff_plans(load_plan(old, profile=profile), load_plan(new, profile=profile), old_name=str(old),
                      new_name=str(new))


# --- reports --------------------------------------------------------------------------------

def diff_text(diff: PlanDiff) -> str:
    counts = ", ".join(f"{kind} {n}" for kind, n in diff.counts.items())
    lines = [f"pgt diff: {diff.old} → {diff.new}",
             f"  actions: {diff.old_actions} → {diff.new_actions}; {counts}", ""]
    lines += [change.line() for change in diff.changes] or ["no change"]
    return "\n".join(lines) + "\n"


def diff_json(diff: PlanDiff) -> str:
    data = {"old": diff.old, "new": diff.new, "actions": {"old": diff.old_actions, "new": diff.new_actions},
            "counts": diff.counts, "changes": [asdict(c) for c in diff.changes]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_diff_json(diff: PlanDiff, path: Path) -> None:
    try:
        Path(path).write_text(diff_json(diff), encoding="utf-8")
    except OSError as error:
        raise PgtError(f"{path}: cannot write the changes ({error.strerror})",
                       exit_code=ExitCode.OUTPUT_NOT_WRITABLE) from None


def change_tuples(changes: Iterable[Change]) -> list[tuple[Any, ...]]:
    """(kind, id, field, before, after): the compact form tests and scripts compare."""
    return [(c.kind, c.id, c.field, c.before, c.after) for c in changes]
