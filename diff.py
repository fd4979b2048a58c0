"""`pgt diff OLD NEW`: what changed between two versions of a plan.

The whole plan is compared: thématique, axe, OI and OO titles, the summary's fiches (their
place, title and link to an action) and the actions.

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

A change of a text that the normalizers would fix (both sides the same once through the
typo fixer), or a small edit inside one word (one word differs, by 1–2 letters, in a word
of at least 4), is a `typo`: listed apart and ignored by `--fail-on-change` unless
`--typos`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, utils
from rapidfuzz.distance import Levenshtein

from pgt.errors import ExitCode, InputNotFound, PgtError
from pgt.normalize.typos import fix_text
from pgt.pipeline import convert
from pgt.schema import Action, Fiche, Plan
from pgt.settings.profile import Profile

SAME_ID_MIN_SIMILARITY = 50.0  # below: the number now names another action (numbers swapped)
TITLE_MIN_SIMILARITY = 85.0  # pairing by title alone needs titles this close (0-100)
KINDS = ["removed", "added", "renumbered", "moved", "changed", "typo"]
LEVELS = ["thematique", "axe", "oi", "oo", "fiche", "action"]  # what a change is about
TYPO_MIN_WORD = 4  # a one-word edit is a typo in a word this long or longer
TYPO_MAX_EDIT = 2  # letters inserted, dropped or replaced
FICHE_FIELDS = ["titre", "axe", "oi", "oo", "numero", "fiches_annexees", "action_id"]
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
    axe: int | None  # None: under no axe (a plan without axes)
    oi: int | None

    @property
    def place(self) -> str:
        oi = f" / OI {self.oi}" if self.oi is not None else ""
        oo = f" / OO {' '.join(map(str, self.action.oo))}" if self.action.oo else ""
        return f"axe {self.axe}{oi}{oo}" if self.axe is not None else f"no axe{oi}{oo}"

    @property
    def titre(self) -> str:
        return self.action.titre or ""


@dataclass(frozen=True)
class Change:
    """One change between two versions of a plan."""
    kind: str  # removed | added | renumbered | moved | changed | typo
    thematique: str
    id: str  # the id in NEW (in OLD for a removed action)
    old_id: str | None = None  # when the id changed (renumbered, moved, title slug)
    field: str | None = None
    before: Any = None
    after: Any = None
    titre: str | None = None
    level: str = "action"  # thematique | axe | oi | oo | fiche | action

    def line(self) -> str:
        ids = f"{self.old_id} → {self.id}" if self.old_id and self.old_id != self.id else self.id
        if self.level != "action":
            ids = f"{self.level} {ids}"
        if self.kind in ("added", "removed"):
            sign = "+" if self.kind == "added" else "-"
            return f"{sign} {self.kind:<10} {ids}  {shorten(self.titre)}"
        sign = ">" if self.kind == "moved" else "." if self.kind == "typo" else "~"
        return f"{sign} {self.kind:<10} {ids}  {self.field}: {shorten(self.before)} → {shorten(self.after)}"


@dataclass
class PlanDiff:
    """The changes between two versions of a plan."""
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
        """Anything but typos changed."""
        return any(c.kind != "typo" for c in self.changes)

    @property
    def typos(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "typo"]

    def changed_with(self, typos: bool) -> bool:
        return self.changed or (typos and bool(self.typos))


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
    return convert([source], overrides=overrides, profile=profile, keep_rows=False).plan  # the plan alone is compared


def placed_actions(plan: Plan) -> list[Placed]:
    return [Placed(action, thematique.code, axe.numero if axe else None, oi.numero if oi else None)
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
        if name == "budget_texte" and old.action.budget is not None and old.action.budget == new.action.budget:
            continue  # the same amount printed otherwise (`73500` / `73 500 €`): no change of meaning
        if before != after:
            changes.append(Change("changed", field=name, before=before, after=after, **common))
    return changes


# --- typos ----------------------------------------------------------------------------------

def is_typo(before: Any, after: Any) -> bool:
    """A change the typo fixer would undo, or a small edit inside one word; lists compare
    item by item (one item with a typo, the others equal)."""
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return False
        differing = [(b, a) for b, a in zip(before, after) if b != a]
        return len(differing) == 1 and is_typo(*differing[0])
    if not isinstance(before, str) or not isinstance(after, str) or before == after:
        return False
    if fix_text(before)[0] == fix_text(after)[0]:
        return True
    return _one_word_edit(before, after)


def _one_word_edit(before: str, after: str) -> bool:
    old_words, new_words = before.split(), after.split()
    if len(old_words) != len(new_words):
        return False
    differing = [(o, n) for o, n in zip(old_words, new_words) if o != n]
    if len(differing) != 1:
        return False
    old, new = differing[0]
    letters = max(sum(ch.isalpha() for ch in old), sum(ch.isalpha() for ch in new))
    return letters >= TYPO_MIN_WORD and 1 <= Levenshtein.distance(old, new) <= TYPO_MAX_EDIT


def classified(change: Change) -> Change:
    if change.kind == "changed" and is_typo(change.before, change.after):
        return Change("typo", change.thematique, change.id, change.old_id, change.field, change.before,
                      change.after, change.titre, change.level)
    return change


# --- the hierarchy and the fiches ------------------------------------------------------------

def hierarchy_titles(plan: Plan) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(level, id) → (thématique, title) for every node: thématique, axe, OI, OO."""
    nodes: dict[tuple[str, str], tuple[str, str | None]] = {}
    for thematique in plan.thematiques:
        code = thematique.code
        nodes[("thematique", code)] = (code, thematique.titre)
        for axe in thematique.axes:
            axe_id = f"{code}-{axe.numero}"
            nodes[("axe", axe_id)] = (code, axe.titre)
            for oi in axe.objectifs_intermediaires:
                oi_id = f"{axe_id}-{oi.numero}"
                nodes[("oi", oi_id)] = (code, oi.titre)
                for oo in oi.objectifs_operationnels:
                    nodes[("oo", f"{oi_id}-oo{oo.numero}")] = (code, oo.titre)
    return nodes


def compare_hierarchy(old: Plan, new: Plan) -> list[Change]:
    before, after = hierarchy_titles(old), hierarchy_titles(new)
    changes = []
    for (level, id_), (code, titre) in before.items():
        if (level, id_) not in after:
            changes.append(Change("removed", code, id_, titre=titre, level=level))
        elif after[(level, id_)][1] != titre:
            changes.append(Change("changed", code, id_, field="titre", before=titre, after=after[(level, id_)][1],
                                  titre=after[(level, id_)][1], level=level))
    changes += [Change("added", code, id_, titre=titre, level=level)
                for (level, id_), (code, titre) in after.items() if (level, id_) not in before]
    return changes


def compare_fiches(old: Plan, new: Plan) -> list[Change]:
    before: dict[str, Fiche] = {f.id: f for f in old.fiches}
    after: dict[str, Fiche] = {f.id: f for f in new.fiches}
    changes = [Change("removed", f.thematique, f.id, titre=f.titre, level="fiche")
               for f in before.values() if f.id not in after]
    changes += [Change("added", f.thematique, f.id, titre=f.titre, level="fiche")
                for f in after.values() if f.id not in before]
    for id_, fiche in before.items():
        if id_ not in after:
            continue
        for name in FICHE_FIELDS:
            if getattr(fiche, name) != getattr(after[id_], name):
                changes.append(Change("changed", fiche.thematique, id_, field=name, before=getattr(fiche, name),
                                      after=getattr(after[id_], name), titre=after[id_].titre, level="fiche"))
    return changes


def sort_key(order: list[str]):  # noqa: ANN201 - a key function
    """Changes by kind, then thématique in the plans' own order, then id and field."""
    def key(change: Change) -> tuple[int, int, int, str, str]:
        rank = order.index(change.thematique) if change.thematique in order else len(order)
        return KINDS.index(change.kind), rank, LEVELS.index(change.level), change.id, change.field or ""
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
    changes += compare_hierarchy(old, new) + compare_fiches(old, new)
    changes = [classified(c) for c in changes]
    return PlanDiff(old_name, new_name, len(old_actions), len(new_actions), sorted(changes, key=sort_key(thematique_order(old, new))))


def diff_sources(old: Path, new: Path, profile: Profile | None = None) -> PlanDiff:
    """`pgt diff`: load both sides (documents or output folders) and compare them;
    documents are read with `profile` (default: the built-in CTG profile)."""
    return diff_plans(load_plan(old, profile=profile), load_plan(new, profile=profile), old_name=str(old),
                      new_name=str(new))


# --- reports --------------------------------------------------------------------------------

def diff_text(diff: PlanDiff, typos: bool = False) -> str:
    """The changes, one a line; typos apart, after them (listed with `typos`, else counted)."""
    counts = ", ".join(f"{kind} {n}" for kind, n in diff.counts.items())
    lines = [f"pgt diff: {diff.old} → {diff.new}",
             f"  actions: {diff.old_actions} → {diff.new_actions}; {counts}", ""]
    lines += [change.line() for change in diff.changes if change.kind != "typo"] or ["no change"]
    if diff.typos and typos:
        lines += ["", f"typos ({len(diff.typos)}: a fix the normalizers would make, or one word edited by "
                      "1-2 letters):"]
        lines += [change.line() for change in diff.typos]
    elif diff.typos:
        lines += ["", f"{len(diff.typos)} typo(s) not listed (--typos lists them)"]
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


def change_tuples(changes: Iterable[Change], levels: Iterable[str] = ("action",)) -> list[tuple[Any, ...]]:
    """(kind, id, field, before, after) of the changes at these levels (actions by
    default): the compact form tests and scripts compare."""
    wanted = set(levels)
    return [(c.kind, c.id, c.field, c.before, c.after) for c in changes if c.level in wanted]
