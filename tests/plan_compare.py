"""Compare two plans field by field: how much of a plan read from one format equals the
plan read from another (issue #8: DOCX ≥ 99.5 % of fields equal to the text export).

A plan is flattened into `{path: value}` where the path names each record by its stable
identity (thématique code, axe/OI/OO number, action id, offer position, fiche id), never
by where it was read: provenance, source documents and reader notes are left out, as they
differ between formats by design.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

_LEFT_OUT = {"provenance", "documents", "anomalies", "corrections"}
_KEYS = ("id", "code", "numero")  # how a record of a list is named


def _name(item: dict, position: int) -> str:
    for key in _KEYS:
        if item.get(key) is not None:
            return f"{key}={item[key]}"
    return f"#{position}"


def flatten(value: object, path: str = "", out: dict[str, object] | None = None) -> dict[str, object]:
    out = {} if out is None else out
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in _LEFT_OUT:
                flatten(item, f"{path}/{key}", out)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for position, item in enumerate(value):
            flatten(item, f"{path}[{_name(item, position)}]", out)
    else:
        out[path] = value  # a scalar, or a list of scalars (partenaires, oo…) as one field
    return out


@dataclass
class PlanComparison:
    total: int
    equal: int
    differences: list[tuple[str, object, object]] = field(default_factory=list)
    actions_only_in_expected: list[str] = field(default_factory=list)
    actions_only_in_got: list[str] = field(default_factory=list)
    anomalies_only_in_got: list[tuple] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.equal / self.total if self.total else 1.0

    def summary(self) -> str:
        lines = [f"{self.equal}/{self.total} fields equal ({self.share:.2%})"]
        lines += [f"  {path}: {a!r} != {b!r}" for path, a, b in self.differences[:20]]
        return "\n".join(lines)


def fold(value: object) -> object:
    """Line breaks and runs of spaces as one space (cell paragraphs vs. one-line cells)."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [fold(v) for v in value]
    return value


def _anomaly_key(anomaly) -> tuple:
    """An anomaly without its location (lines in a text export, tables in a DOCX), its
    cells compared with line breaks read as spaces."""
    return (anomaly.code, tuple(fold(c) for c in anomaly.cells), anomaly.record_id)


def compare_plans(expected, got, *, fold_whitespace: bool = False) -> PlanComparison:
    """Field-by-field comparison; `fold_whitespace` reads line breaks as spaces."""
    a = flatten(expected.model_dump(mode="json"))
    b = flatten(got.model_dump(mode="json"))
    if fold_whitespace:
        a, b = ({k: fold(v) for k, v in d.items()} for d in (a, b))
    paths = sorted(set(a) | set(b))
    differences = [(p, a.get(p), b.get(p)) for p in paths if a.get(p) != b.get(p)]
    ids_a = {action.id for action in expected.all_actions()}
    ids_b = {action.id for action in got.all_actions()}
    notes = {"reader_note"}
    extra = Counter(_anomaly_key(x) for x in got.anomalies if x.code not in notes) - Counter(
        _anomaly_key(x) for x in expected.anomalies if x.code not in notes
    )
    return PlanComparison(
        total=len(paths),
        equal=len(paths) - len(differences),
        differences=differences,
        actions_only_in_expected=sorted(ids_a - ids_b),
        actions_only_in_got=sorted(ids_b - ids_a),
        anomalies_only_in_got=sorted(extra.elements()),
    )
