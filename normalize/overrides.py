"""Overrides: a data officer's corrections that last across runs.

A CSV file `record_id,field,value[,note]` (UTF-8, or what Excel saves in a French locale:
`;`, a BOM or Windows-1252) names a record by its stable id — an action (`enfance-3-2-69`),
an offer (`<action id>-o<rank>`), a fiche, an objectif opérationnel (`enfance-3-2-oo1`), an
OI (`enfance-3-2`) or an axe (`enfance-3`) — and gives one field its value. A list field takes
` | `-joined values; an empty value clears the field.

`apply_overrides` is the last normalizer rule: each override is a correction with rule
`override` (before → after, the note), and derived fields follow (`echeances` → `annee_debut`
/ `annee_fin`, with the `parse_years` parser). An override that cannot apply is an anomaly at
its line of the file, never dropped: `override_orphan` (no such record, unknown field),
`override_invalid` (a value the model refuses), `override_duplicate` (the same record and
field again further down), and `override_unchanged` (info: the plan already says so — the
officer can retire it).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from pgt.errors import BadOverrides, InputNotFound
from pgt.normalize.log import CorrectionLog
from pgt.normalize.fields import parse_years
from pgt.schema import Anomaly, ObjectifIntermediaire, Plan
from pgt.schema.model import ActionFields

OVERRIDES_FILE_NAME = "pgt-overrides.csv"  # beside the documents, used without --overrides
RULE = "override"
COLUMNS = ("record_id", "field", "value", "note")
REQUIRED_COLUMNS = COLUMNS[:3]
DELIMITERS = (",", ";", "\t")

# fields an override may set, per kind of record (contract column → model attribute)
_SHARED = {name: name for name in ActionFields.model_fields}
EDITABLE: dict[str, dict[str, str]] = {
    "action": {"titre": "titre", **_SHARED, "oo": "oo", "fiches_liees": "fiches_liees",
               "fiche_priorisation": "fiche_priorisation"},
    "offre": {"libelle": "libelle", **_SHARED},
    "fiche": {"titre": "titre", "oo": "oo", "fiches_annexees": "fiches_annexees", "action_id": "action_id"},
    "objectif": {"titre": "titre", "oo_titre": "titre"},
    "oi": {"titre": "titre", "oi_titre": "titre"},
    "axe": {"titre": "titre", "axe_titre": "titre"},
}
TEXT_LISTS = {"partenaires", "indicateurs"}
NUMBER_LISTS = {"oo", "fiches_liees", "fiches_annexees"}
KIND_NAMES = {"action": "an action", "offre": "an offer", "fiche": "a fiche", "objectif": "an objectif opérationnel",
              "oi": "an OI", "axe": "an axe"}


@dataclass(frozen=True)
class Override:
    """One line of an overrides file. `value` is None when the line has no value cell."""

    record_id: str
    field: str
    value: str | None
    note: str | None
    source: str  # the file's name, as anomalies name documents
    line: int
    extra_cells: int = 0  # cells beyond the header's columns (an unquoted separator in a value)

    @property
    def key(self) -> tuple[str, str]:
        return self.record_id, self.field


# ---- reading the file ---------------------------------------------------------------------

def read_overrides(path: Path, name: str | None = None) -> list[Override]:
    """The overrides of a CSV file, in file order. A file that is not such a CSV raises
    `BadOverrides` (one line naming the file, and the line when known). `name`: how anomalies
    name the file (default: its name)."""
    path = Path(path)
    if not path.exists():
        raise InputNotFound(f"{path}: no such overrides file")
    if not path.is_file():
        raise BadOverrides(f"{path}: not a regular file, expected an overrides CSV file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BadOverrides(f"{path}: cannot read the overrides file ({error.strerror})") from None
    return parse_overrides(_decode(path, data), path, name)


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        return data.decode("utf-16")
    if b"\x00" in data:
        raise BadOverrides(f"{path}: binary content (NUL bytes), not an overrides CSV file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # Excel's "CSV (séparateur : point-virgule)" on Windows
    except UnicodeDecodeError as error:
        raise BadOverrides(f"{path}: neither UTF-8 nor Windows-1252 text (byte {error.start}), "
                           f"not an overrides CSV file") from None


def _header_names(line: str, delimiter: str) -> list[str]:
    cells = next(csv.reader([line], delimiter=delimiter), [])
    return [cell.strip().lstrip("\ufeff").lower() for cell in cells]


def parse_overrides(text: str, path: Path, name: str | None = None) -> list[Override]:
    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        raise BadOverrides(f"{path}: empty file, expected a header line {','.join(REQUIRED_COLUMNS)}[,note]")
    header_line = lines[header_at]
    scored = [(sum(c in REQUIRED_COLUMNS for c in _header_names(header_line, d)), d) for d in DELIMITERS]
    best, delimiter = max(scored, key=lambda s: s[0])
    names = _header_names(header_line, delimiter)
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise BadOverrides(f"{path}: line {header_at + 1}: missing column(s) {', '.join(missing)} "
                           f"(the header must name {','.join(REQUIRED_COLUMNS)}, optionally note; "
                           f"found {header_line.strip()[:80]!r})")
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise BadOverrides(f"{path}: line {header_at + 1}: column(s) named twice: {', '.join(repeated)}")
    position = {name: names.index(name) for name in COLUMNS if name in names}
    width = len(names)
    overrides: list[Override] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous_end = 0
    try:
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if start <= header_at + 1 or not any(c.strip() for c in cells):
                continue

            def cell(name: str) -> str | None:
                at = position.get(name)
                return cells[at].strip() if at is not None and at < len(cells) else None

            note = cell("note")
            overrides.append(Override(record_id=(cell("record_id") or "").lower(), field=(cell("field") or "").lower(),
                                      value=cell("value"), note=note or None, source=name or path.name, line=start,
                                      extra_cells=max(0, len(cells) - width)))
    except csv.Error as error:
        # the line where the bad record starts (an unclosed quote runs to the end of the file)
        raise BadOverrides(f"{path}: line {previous_end + 1}: not valid CSV ({error})") from None
    return overrides


# ---- the records an override can name -----------------------------------------------------

@dataclass
class Target:
    """A record an override may name."""
    kind: str  # action | offre | fiche | objectif | oi | axe
    record: BaseModel
    oi: ObjectifIntermediaire | None = None  # an action's OI, whose OO numbers its `oo` must cite


def targets(plan: Plan) -> dict[str, Target]:
    """Every record an override may name, by the id the CSV tables give it."""
    found: dict[str, Target] = {}
    for _, _, oi, action in plan.walk_actions():
        found.setdefault(action.id, Target("action", action, oi))
        for rank, offre in enumerate(action.offres, start=1):
            found.setdefault(f"{action.id}-o{rank}", Target("offre", offre))
    for fiche in plan.fiches:
        found.setdefault(fiche.id, Target("fiche", fiche))
    for thematique in plan.thematiques:
        for axe in thematique.axes:
            axe_id = f"{thematique.code}-{axe.numero}"
            found.setdefault(axe_id, Target("axe", axe))
            for oi in axe.objectifs_intermediaires:
                found.setdefault(f"{axe_id}-{oi.numero}", Target("oi", oi))
                for oo in oi.objectifs_operationnels:
                    found.setdefault(f"{axe_id}-{oi.numero}-oo{oo.numero}", Target("objectif", oo))
    return found


def field_value(target: Target, field: str) -> Any:
    return getattr(target.record, EDITABLE[target.kind][field])


# ---- applying them -------------------------------------------------------------------------

class Refused(ValueError):
    """An override whose value the model does not accept."""


def _parsed(attribute: str, value: str) -> Any:
    """The CSV text of a field → what the model takes (validated afterwards by the model)."""
    if attribute in TEXT_LISTS:
        return [item.strip() for item in value.split("|") if item.strip()]
    if attribute in NUMBER_LISTS:
        items = [item for item in re.split(r"[|,;\s]+", value) if item]
        if not all(item.isdigit() for item in items):
            raise Refused(f"expected numbers joined with ' | ', got {value!r}")
        return [int(item) for item in items]
    if attribute == "autres":
        if not value:
            return {}
        try:
            data = json.loads(value)
        except ValueError:
            raise Refused(f"expected a JSON object (header → value), got {value!r}") from None
        if not isinstance(data, dict):
            raise Refused(f"expected a JSON object (header → value), got {value!r}")
        return data
    if attribute == "budget" and value:
        return _amount(value)
    return value if value != "" else None


def _amount(value: str) -> str:
    """`1 500,50 €` as Excel prints euros in a French locale → `1500.50` (the model reads it)."""
    bare = re.sub(r"[\s\u00a0\u202f€]", "", value)
    if re.fullmatch(r"\d+(,\d+)?", bare):
        bare = bare.replace(",", ".")
    return bare


def _validated(target: Target, updates: dict[str, Any], action_ids: set[str]) -> dict[str, Any]:
    """`updates` as the record's model reads them; `Refused` when the model (or the plan around
    the record: an OI's OO numbers, a fiche's action) does not accept them."""
    record = target.record
    try:
        checked = type(record).model_validate({**record.model_dump(), **updates})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or next(iter(updates))
        raise Refused(f"{where}: {first['msg']}") from None
    values = {name: getattr(checked, name) for name in updates}
    if "oo" in values and target.oi is not None and target.oi.objectifs_operationnels:
        declared = sorted(oo.numero for oo in target.oi.objectifs_operationnels)
        undeclared = [n for n in values["oo"] if n not in declared]
        if undeclared:
            raise Refused(f"OO {undeclared} not among the OI's OO {declared}")
    if values.get("action_id") and values["action_id"] not in action_ids:
        raise Refused(f"no action {values['action_id']} in the plan")
    return values


def _anomaly(override: Override, code: str, message: str, severity: str = "warning",
             record_id: str | None = None) -> Anomaly:
    return Anomaly(code=code, severity=severity, message=message, document=override.source, line=override.line,
                   record_id=record_id, cells=[override.record_id, override.field, override.value or ""])


def apply_overrides(plan: Plan, overrides: Sequence[Override], log: CorrectionLog) -> None:
    """The last normalizer rule: set each override's field, log it (rule `override`), re-derive
    what follows from it; list every override that cannot apply as an anomaly at its line."""
    found = targets(plan)
    action_ids = {a.id for a in plan.all_actions()}
    last_line = {o.key: o.line for o in overrides}
    explicit = set(last_line)
    for override in overrides:
        problem = _problem(override, found, last_line)
        if problem is not None:
            plan.anomalies.append(problem)
            continue
        target = found[override.record_id]
        attribute = EDITABLE[target.kind][override.field]
        before = getattr(target.record, attribute)
        try:
            updates = {attribute: _parsed(attribute, override.value or "")}
            if attribute == "echeances":
                updates.update(_derived_years(override.record_id, target, updates[attribute], explicit))
            values = _validated(target, updates, action_ids)
        except Refused as reason:
            plan.anomalies.append(_anomaly(
                override, "override_invalid",
                f"override of {override.field} for {override.record_id} = {override.value!r} refused: {reason}; "
                f"the fix is not applied", record_id=override.record_id))
            continue
        if values[attribute] == before:
            plan.anomalies.append(_anomaly(
                override, "override_unchanged",
                f"override of {override.field} for {override.record_id}: the plan already says "
                f"{override.value!r}; the override can be retired", severity="info", record_id=override.record_id))
            continue
        origin = f"derived from the override of {override.field} ({override.source} line {override.line})"
        for name, value in values.items():
            old = getattr(target.record, name)
            if value == old:
                continue
            if name == attribute:
                log.record(override.record_id, override.field, old, value, RULE, note=override.note)
            else:
                log.record(override.record_id, name, old, value, "parse_years", note=origin)
            setattr(target.record, name, value)


def _problem(override: Override, found: dict[str, Target], last_line: dict[tuple[str, str], int]) -> Anomaly | None:
    """Why an override cannot apply (an anomaly at its line), or None."""
    if not override.record_id or not override.field:
        return _anomaly(override, "override_orphan",
                        f"override line without {'record_id' if not override.record_id else 'field'}; "
                        f"the fix is not applied")
    target = found.get(override.record_id)
    if target is None:
        return _anomaly(override, "override_orphan",
                        f"override of {override.field} for {override.record_id}: no such record in the plan "
                        f"(an action, offer, fiche, OO, OI or axe id); the fix is not applied")
    if override.field not in EDITABLE[target.kind]:
        return _anomaly(override, "override_orphan",
                        f"override of {override.record_id}: {override.field!r} is not a field an override "
                        f"may set on {KIND_NAMES[target.kind]} (README, Overrides); the fix is not applied",
                        record_id=override.record_id)
    if last_line[override.key] != override.line:
        return _anomaly(override, "override_duplicate",
                        f"override of {override.field} for {override.record_id} given again at line "
                        f"{last_line[override.key]}, which is applied instead", record_id=override.record_id)
    if override.value is None or override.extra_cells:
        reason = ("the line has no value cell" if override.value is None else
                  f"the line has {override.extra_cells} cell(s) more than the header: quote a value that "
                  f"holds the separator")
        return _anomaly(override, "override_invalid",
                        f"override of {override.field} for {override.record_id}: {reason}; the fix is not applied",
                        record_id=override.record_id)
    return None


def _derived_years(record_id: str, target: Target, echeances: str | None,
                   explicit: set[tuple[str, str]]) -> dict[str, int | None]:
    """`annee_debut` / `annee_fin` of a new échéances text, by the `parse_years` parser. A year
    the new text does not state is cleared only when it came from the old text; a year the
    file sets itself is left to that override."""
    if target.kind not in ("action", "offre"):
        return {}
    record = target.record
    old = parse_years(getattr(record, "echeances"))
    new = parse_years(echeances)
    derived: dict[str, int | None] = {}
    for name, old_year, new_year in zip(("annee_debut", "annee_fin"), old, new):
        if (record_id, name) in explicit:
            continue
        if new_year is not None or getattr(record, name) == old_year:
            derived[name] = new_year
    return derived


# ---- what became of each override ----------------------------------------------------------

STATUS_OF_CODE = {"override_orphan": "orphan", "override_invalid": "invalid", "override_duplicate": "duplicate",
                  "override_unchanged": "unchanged"}


def override_statuses(plan: Plan, overrides: Sequence[Override]) -> Iterator[tuple[Override, str, str]]:
    """(override, status, message) for each override: `applied`, or the anomaly it got."""
    found = {(a.document, a.line): a for a in plan.anomalies if a.code in STATUS_OF_CODE}
    for override in overrides:
        anomaly = found.get((override.source, override.line))
        if anomaly is None:
            yield override, "applied", ""
        else:
            yield override, STATUS_OF_CODE[anomaly.code], anomaly.message


def overrides_summary(plan: Plan, overrides: Sequence[Override]) -> str:
    """`2 applied, 1 orphan`: what became of the overrides, for the CLI summary."""
    counts: dict[str, int] = {}
    for _, status, _ in override_statuses(plan, overrides):
        counts[status] = counts.get(status, 0) + 1
    order = ["applied", "unchanged", "orphan", "invalid", "duplicate"]
    return ", ".join(f"{counts[s]} {s}" for s in order if counts.get(s)) or "none"


def source_values(plan: Plan, overrides: Sequence[Override]) -> dict[tuple[str, str], tuple[bool, str | None]]:
    """For each override's (record, field): whether the record is in the plan, and the field's
    value as the documents say it (before any override), as CSV text."""
    found = targets(plan)
    before = {(c.record_id, c.field): c.before for c in plan.corrections if c.rule == RULE}
    values: dict[tuple[str, str], tuple[bool, str | None]] = {}
    for override in overrides:
        target = found.get(override.record_id)
        if target is None or override.field not in EDITABLE[target.kind]:
            values[override.key] = (False, None)
        elif override.key in before:
            values[override.key] = (True, before[override.key])
        else:
            values[override.key] = (True, csv_text(field_value(target, override.field)))
    return values


def csv_text(value: Any) -> str | None:
    """A field's value as an overrides file (and the CSV tables) write it."""
    if isinstance(value, list):
        return " | ".join(str(v) for v in value) if value else None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None if value is None else str(value)
