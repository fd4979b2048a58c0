"""The plan profile: everything specific to a plan or a territory, as one validated object.

Words of the thématique headings, header and label spellings, heading forms, fixed phrases,
column layouts, the normalizers' word lists and the thresholds of the builder and the PDF
reader. The built-in default (`data/default.toml`) reads a general CTG plan; a territory's
TOML file *extends* it — lists appended, tables merged, a thématique with a known code gets
more headings — so a data officer writes only what differs:

    [[thematiques]]
    code = "acces_aux_droits"
    headings = ["Point d'accès au droit"]

    [fields]
    porteur = ["CHEF DE FILE"]

`load_profile(path)` returns the effective profile or raises `ProfileError` naming the key
and its line. The profile is passed explicitly (pipeline → readers → builder → normalizers);
nothing global is changed.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from pgt.errors import ExitCode, PgtError
from pgt.settings.text import LazyPattern, fold

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]*$", max_length=60)]
FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]*$")]


# Fields' default factories are Python functions, not the `list` and `dict` builtins: pydantic
# asks each factory's signature when it builds a model, and a builtin's is parsed from its
# text signature by the tokenizer (its pattern compiled first): some 0.15 ms a field.
def _empty_list() -> list:  # type: ignore[type-arg]
    return []


def _empty_dict() -> dict:  # type: ignore[type-arg]
    return {}


def _has_words(text: str) -> str:
    if not fold(text):
        raise ValueError(f"{text!r} has no letter or digit")
    return text


Words = Annotated[str, AfterValidator(_has_words)]  # words matched once folded: some letter or digit

# the fields a header or label may name (schema fields, plus the builder's table columns)
KNOWN_FIELDS = (
    "titre", "oo", "offre", "porteur", "public_vise", "echeances", "partenaires", "moyens", "moyens_humains",
    "moyens_techniques", "moyens_financiers", "budget", "parcours", "indicateurs", "description", "objectifs",
    "statut", "territoire",
)


# the fields a fiche-form label may name: the header fields, the hierarchy and the number
LABEL_FIELDS = ("thematique", "axe", "oi", "numero", *KNOWN_FIELDS)


class ProfileError(PgtError):
    """A profile file that does not load: one line naming the file, the key and its line."""

    exit_code = ExitCode.USAGE


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ThematiqueSpec(Section):
    code: Slug
    titre: str = ""
    headings: list[str] = Field(default_factory=_empty_list)

    @field_validator("headings")
    @classmethod
    def _headings_have_words(cls, value: list[str]) -> list[str]:
        for heading in value:
            if not fold(heading):
                raise ValueError(f"heading {heading!r} has no letter or digit")
        return value


class HeadingsSection(Section):
    thematique_prefixes: list[str]
    group_words: list[str]
    axe_words: list[str]
    oi_words: list[str]
    oo_words: list[str]
    action_words: list[str]


class SummarySection(Section):
    """How a summary (priorisation) document's tables are told: the words of their headers."""

    fiche_headers: list[Words]
    list_headers: list[Words]
    fiche_words: list[Words]
    header_words: list[Words]


def _keys_among(value: dict[str, list[str]], fields: Sequence[str]) -> dict[str, list[str]]:
    """`value` when its keys are all among `fields`; else the first unknown one named (the
    message profile errors read back to point at the key's line)."""
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} (fields: {', '.join(fields)})")
    return value


class LabelsSection(Section):
    """Labels of fiche forms (one label | value table per action) → fields."""

    leading: dict[FieldName, list[Words]]  # a label that is one of these or starts with one
    whole: dict[FieldName, list[Words]]  # a label that is one of these (as a prefix they catch too much)

    @field_validator("leading", "whole")
    @classmethod
    def _label_fields(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return _keys_among(value, LABEL_FIELDS)


# The fields a record table's header may name (`[records]`): the model's, and the builder's
# own spellings apart (`titre_action` reads as `titre`, `autres` is a known column kept as is).
RECORD_VOCABULARY_FIELDS = (
    "titre", "oo", "offre", "porteur", "public_vise", "echeances", "partenaires", "moyens", "moyens_humains",
    "moyens_techniques", "moyens_financiers", "parcours", "indicateurs", "axe", "oi", "oo_titre", "thematique",
    "sous_action", "numero", "titre_action", "description", "objectifs", "statut", "budget", "date_debut",
    "date_fin", "territoire", "porteur_table", "public_table", "moyens_humains_table", "moyens_financiers_table",
    "echeances_table", "indicateurs_table", "fiche_priorisation", "fiches_liees", "autres",
)
_KEYWORD_ENTRY = re.compile(r"^(?:\^[A-Z0-9]+(?: [A-Z0-9]+)*\$?|[A-Z0-9]+(?: [A-Z0-9]+)*)$")


class RecordsSection(Section):
    """How one-row-per-action tables are read: their headers' words."""

    note_headers: list[Words]
    group_headers: list[Words]
    hint_openings: list[Words]  # as the folded cell begins, spaces included
    keywords: dict[FieldName, list[str]]  # in order: the first entry a header holds decides
    fields: dict[FieldName, list[Words]]  # in order: the first field of a spelling printed as is

    @field_validator("keywords", "fields")
    @classmethod
    def _record_fields(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return _keys_among(value, RECORD_VOCABULARY_FIELDS)

    @field_validator("keywords")
    @classmethod
    def _keyword_entries(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for field, entries in value.items():
            for entry in entries:
                if not _KEYWORD_ENTRY.match(entry):
                    raise ValueError(f"field {field!r}: keyword {entry!r} is not folded words (A-Z, 0-9, one space "
                                     "between), led by `^` (the header starts with them), then maybe `$` (it is them)")
        return value


class PhrasesSection(Section):
    structural: list[str]
    summary_structural: list[str]
    summary_fiche_lists: list[str] = Field(default_factory=_empty_list)
    default_thematique_code: Slug
    default_thematique: str = Field(min_length=1)


class WordsSection(Section):
    lexicon: list[str] = Field(default_factory=_empty_list)
    acronymes: list[str] = Field(default_factory=_empty_list)
    partenaires: list[str] = Field(default_factory=_empty_list)
    indicateurs: list[str] = Field(default_factory=_empty_list)
    typos: dict[str, str] = Field(default_factory=_empty_dict)


class ThresholdsSection(Section):
    header_fuzzy: float = Field(ge=50, le=100)
    header_fields_min: int = Field(ge=1, le=10)
    header_max_length: int = Field(ge=10)
    heading_max_length: int = Field(ge=10)
    heading_fuzzy: float = Field(ge=50, le=100)
    title_similarity: float = Field(ge=50, le=100)
    # the normalizers' (normalize/crosswalk.py, duplicates.py, hierarchy.py, typos.py)
    crosswalk_title_alike: float = Field(ge=0, le=100)
    crosswalk_title_half: float = Field(ge=0, le=100)
    crosswalk_untitled_score: float = Field(ge=0, le=100)
    crosswalk_place_confidence: float = Field(ge=0, le=1)
    crosswalk_content_alike: float = Field(ge=0, le=1)
    crosswalk_objective_content_alike: float = Field(ge=0, le=1)
    crosswalk_content_min_words: int = Field(ge=1, le=20)
    crosswalk_content_confidence: float = Field(ge=0, le=0.5)
    duplicates_same_title: float = Field(ge=0, le=100)
    duplicates_fiche_evidence: float = Field(ge=0, le=100)
    hierarchy_same_oo: float = Field(ge=0, le=100)
    typos_min_length: int = Field(ge=2, le=30)
    # the builder's (structure/fiche.py, table.py, realign.py, column_profile.py, detail.py)
    label_fuzzy: float = Field(ge=50, le=100)
    label_inside_min: int = Field(ge=1, le=60)
    label_max_chars: int = Field(ge=10, le=500)
    label_max_words: int = Field(ge=1, le=50)
    label_first_word_min: int = Field(ge=1, le=30)
    fiche_thematique_max_chars: int = Field(ge=10, le=1000)
    fiche_labels_min: int = Field(ge=1, le=20)
    running_line_pages: int = Field(ge=2, le=1000)
    record_header_scan_rows: int = Field(ge=1, le=10000)
    record_header_min_fields: int = Field(ge=1, le=20)
    record_thematique_axes_share: float = Field(ge=0, le=1)
    note_label_words: int = Field(ge=1, le=30)
    realign_displacement_cost: float = Field(ge=0, le=10)
    realign_change_cost: float = Field(ge=0, le=10)
    realign_unplaced_cost: float = Field(ge=0, le=100)
    column_min_word_count: int = Field(ge=1, le=100)
    column_profile_weight: float = Field(ge=0, le=100)
    column_displacement_cost: float = Field(ge=0, le=10)
    column_change_cost: float = Field(ge=0, le=10)
    column_unplaced_cost: float = Field(ge=0, le=100)
    column_foreign_in_typed_cost: float = Field(ge=0, le=10)
    offer_libelle_doubt: float = Field(ge=0, le=1)


class PdfSection(Section):
    """The PDF reader's knobs (`extract.pdf_tables.PdfSettings` takes them as keywords)."""

    vertical_strategy: str = Field(pattern=r"^(lines|lines_strict|text|explicit)$")
    horizontal_strategy: str = Field(pattern=r"^(lines|lines_strict|text|explicit)$")
    snap_tolerance: float = Field(ge=0)
    join_tolerance: float = Field(ge=0)
    intersection_tolerance: float = Field(ge=0)
    min_text_chars: int = Field(ge=0)
    min_image_share: float = Field(ge=0, le=1)
    min_coverage: float = Field(ge=0, le=1)
    min_camelot_accuracy: float = Field(ge=0, le=100)
    use_camelot: bool
    ocr_language: str = Field(pattern=r"^[a-z_+]+$")
    ocr_dpi: int = Field(ge=100, le=1200)
    ocr_doubtful_confidence: float = Field(ge=0, le=100)
    join_broken_rows: bool
    column_tolerance: float = Field(ge=0)
    break_page_bottom_lines: float = Field(ge=0)
    break_cell_reach_lines: float = Field(ge=0)
    row_start_patterns: list[str] = Field(min_length=1)

    @field_validator("row_start_patterns")
    @classmethod
    def _patterns_compile(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"pattern {pattern!r} is no regular expression ({error})") from None
        return value


class Profile(Section):
    thematiques: list[ThematiqueSpec]
    fields: dict[FieldName, list[str]]
    labels: LabelsSection
    records: RecordsSection
    headings: HeadingsSection
    phrases: PhrasesSection
    summary: SummarySection
    layouts: dict[str, list[FieldName]]
    words: WordsSection = WordsSection()
    thresholds: ThresholdsSection
    pdf: PdfSection

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return _keys_among(value, KNOWN_FIELDS)

    @field_validator("layouts")
    @classmethod
    def _layout_fields(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name in ("standard", "enfance", "parentalite"):
            if name not in value:
                raise ValueError(f"layout {name!r} missing")
        for name, fields in value.items():
            bad = [f for f in fields if f not in KNOWN_FIELDS]
            if bad:
                raise ValueError(f"layout {name!r}: unknown field {bad[0]!r}")
        return value

    @field_validator("thematiques")
    @classmethod
    def _unique_codes(cls, value: list[ThematiqueSpec]) -> list[ThematiqueSpec]:
        codes = [t.code for t in value]
        duplicate = next((c for c in codes if codes.count(c) > 1), None)
        if duplicate:
            raise ValueError(f"thématique {duplicate!r} given twice")
        return value

    # ---- derived views (computed once per profile) -----------------------------------------
    @cached_property
    def thematique_titles(self) -> dict[str, str]:
        return {t.code: t.titre or t.code.replace("_", " ").capitalize() for t in self.thematiques}

    @cached_property
    def thematique_headings(self) -> list[tuple[str, str]]:
        """(folded heading, code), longest first: the longest heading named decides."""
        pairs = {(fold(h), t.code) for t in self.thematiques for h in [*t.headings, t.titre] if fold(h)}
        order = {t.code: i for i, t in enumerate(self.thematiques)}
        return sorted(pairs, key=lambda p: (-len(p[0]), order[p[1]], p[0]))

    @cached_property
    def header_spellings(self) -> list[tuple[str, str]]:
        """(folded spelling, field) in the profile's order: the first spelling of a field
        is its reference spelling."""
        seen: set[str] = set()
        result = []
        for field, spellings in self.fields.items():
            for spelling in spellings:
                folded = fold(spelling)
                if folded and folded not in seen:
                    seen.add(folded)
                    result.append((folded, field))
        return result


View = TypeVar("View")


class PerProfile(Generic[View]):
    """A view another layer builds from a profile (a header or label matcher), built once
    per profile object: the profile is frozen, so its views never go stale."""

    def __init__(self, build: Callable[[Profile], View]) -> None:
        self.build = build
        self.held: dict[int, tuple[Profile, View]] = {}

    def get(self, profile: Profile | None = None) -> View:
        profile = profile or default_profile()
        held = self.held.get(id(profile))
        if held is None or held[0] is not profile:  # an id reused by a new profile
            if len(self.held) > 32:
                self.held.clear()
            held = self.held[id(profile)] = (profile, self.build(profile))
        return held[1]


# ---- loading ------------------------------------------------------------------------------
DEFAULT_PROFILE = "default.toml"


def default_text() -> str:
    return resources.files("pgt.settings").joinpath("data", DEFAULT_PROFILE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def default_profile() -> Profile:
    return Profile.model_validate(tomllib.loads(default_text()))


def extend(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`base` extended by `extra`: tables merged key by key, lists appended (without
    repeats), thématiques merged by code, other values replaced."""
    result = dict(base)
    for key, value in extra.items():
        current = result.get(key)
        if key == "thematiques" and isinstance(current, list) and isinstance(value, list):
            result[key] = _extend_thematiques(current, value)
        elif isinstance(current, dict) and isinstance(value, dict):
            result[key] = extend(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            result[key] = current + [v for v in value if v not in current]
        else:
            result[key] = value
    return result


def _extend_thematiques(base: list[Any], extra: list[Any]) -> list[Any]:
    merged = [dict(t) if isinstance(t, dict) else t for t in base]
    by_code = {t.get("code"): t for t in merged if isinstance(t, dict)}
    for item in extra:
        code = item.get("code") if isinstance(item, dict) else None
        if code in by_code:
            by_code[code].update(extend(by_code[code], item))
        else:
            merged.append(item)
            if code is not None:
                by_code[code] = item
    return merged


def load_profile(path: Path | str | None = None) -> Profile:
    """The default profile, extended by the TOML file at `path` when given."""
    if path is None:
        return default_profile()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"{path}: no such profile file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"{path}: cannot read the profile ({error})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path}: not valid TOML: {error}") from None
    return profile_from_data(data, text, str(path))


def profile_from_data(data: dict[str, Any], text: str = "", name: str = "profile") -> Profile:
    _check_top_keys(data, text, name)
    merged = extend(default_profile().model_dump(mode="python"), data)
    try:
        return Profile.model_validate(merged)
    except ValidationError as error:
        first = error.errors()[0]
        loc = [str(p) for p in first["loc"] if not isinstance(p, int)]
        key = ".".join(loc) or "(top)"
        named = re.search(r"\bfield '([a-z_]+)'", first["msg"])
        line = _line_of(text, [*loc, named.group(1)] if named else loc)
        where = f"line {line}: " if line else ""
        message = first["msg"].removeprefix("Value error, ")
        raise ProfileError(f"{name}: {where}{key}: {message}") from None


def _check_top_keys(data: dict[str, Any], text: str, name: str) -> None:
    allowed = set(Profile.model_fields)
    for key in data:
        if key not in allowed:
            line = _line_of(text, [key])
            where = f"line {line}: " if line else ""
            raise ProfileError(f"{name}: {where}{key}: unknown key (keys: {', '.join(sorted(allowed))})")


_TABLE = LazyPattern(r"^\s*\[\[?\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?\s*(#.*)?$")
_KEY = LazyPattern(r"^\s*([A-Za-z0-9_\"'-]+)\s*=")


def _line_of(text: str, loc: list[str]) -> int | None:
    """The line of the TOML text that sets the key path `loc` (best effort: the deepest
    match of the path, table headers and `key =` lines followed)."""
    best: tuple[int, int] | None = None  # (depth matched, line)
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE.match(line)
        if header:
            table = [part.strip().strip("\"'") for part in header.group(1).split(".")]
            path = table
        else:
            key = _KEY.match(line)
            if not key:
                continue
            path = [*table, key.group(1).strip("\"'")]
        depth = 0
        for got, wanted in zip(path, loc):
            if got != wanted:
                break
            depth += 1
        if depth == len(path) and depth and (best is None or depth > best[0]):
            best = (depth, number)
    return best[1] if best else None


# ---- printing -----------------------------------------------------------------------------
_LINE_WIDTH = 110  # a longer list is wrapped, as in the default file


def profile_toml(profile: Profile, source: str | None = None) -> str:
    """The effective profile as commented TOML: the default file, its comments kept, each
    value the profile changed written in its place, what the profile adds (thématiques,
    keys of a table) at the end of its table. `pgt profile --check` accepts it back, and it
    loads as the same profile: a starting point for a new territory."""
    text = default_text()
    if profile == default_profile():
        return text
    lines = _EffectiveLines(profile.model_dump(mode="python"), default_profile().model_dump(mode="python"))
    lines.walk(text.splitlines())
    heading = f" (the built-in default extended by {source})" if source else " (the built-in default extended)"
    out = lines.out
    out[0] = "# pgt plan profile: the effective profile" + heading
    return "\n".join(out) + "\n"


class _EffectiveLines:
    """The default file's lines, rewritten with the effective profile's values."""

    def __init__(self, data: dict[str, Any], default: dict[str, Any]) -> None:
        self.data, self.default = data, default
        self.out: list[str] = []
        self.table: list[str] = []  # the current table's path (`labels.leading`)
        self.thematique = -1  # index of the current [[thematiques]] entry
        self.seen: set[str] = set()  # keys of the current table written so far
        self.last_key = 0  # where in `out` the current table's last key ends

    def walk(self, lines: list[str]) -> None:
        index = 0
        while index < len(lines):
            line = lines[index]
            header = _TABLE.match(line)
            key = None if header else _KEY.match(line)
            if header:
                path = [part.strip().strip("\"'") for part in header.group(1).split(".")]
                self._close(next_is_thematique=path == ["thematiques"])
                self.table, self.seen = path, set()
                if path == ["thematiques"]:
                    self.thematique += 1
                self.out.append(line)
                self.last_key = len(self.out)
            elif key:
                end = _value_end(lines, index)
                self._key(key.group(1).strip("\"'"), lines[index:end + 1])
                index = end
            else:
                self.out.append(line)
            index += 1
        self._close(next_is_thematique=False)

    def _values(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The current table in the effective profile and in the default."""
        if self.table == ["thematiques"]:
            return self.data["thematiques"][self.thematique], self.default["thematiques"][self.thematique]
        data, default = self.data, self.default
        for part in self.table:
            data, default = data[part], default[part]
        return data, default

    def _key(self, key: str, original: list[str]) -> None:
        data, default = self._values()
        self.seen.add(key)
        if data.get(key) == default.get(key):
            self.out.extend(original)
        else:
            comment, column = _comment_of(original[-1])
            pair = _toml_pair_wrapped(key, data[key])
            if comment:
                pair[-1] = f"{pair[-1]:<{column}}{comment}" if len(pair[-1]) < column else f"{pair[-1]}  {comment}"
            self.out.extend(pair)
        self.last_key = len(self.out)

    def _close(self, next_is_thematique: bool) -> None:
        """The end of a table: the keys only the profile has, and after the last default
        thématique the thématiques the profile adds; before the comments that follow."""
        if not self.table:
            return
        data, default = self._values()
        # (a table of the default's, `[records.keywords]`, is written under its own header)
        extra = [line for key, value in data.items() if key not in self.seen and not isinstance(default.get(key), dict)
                 for line in _toml_pair_wrapped(key, value)]
        if self.table == ["thematiques"] and not next_is_thematique:
            for thematique in self.data["thematiques"][len(self.default["thematiques"]):]:
                extra += ["", "[[thematiques]]"]
                extra += [line for key, value in thematique.items() for line in _toml_pair_wrapped(key, value)]
        self.out[self.last_key:self.last_key] = extra
        self.table = []


def _value_end(lines: list[str], start: int) -> int:
    """The last line of the `key = value` starting at `start` (an array may go on)."""
    for end in range(start, len(lines)):
        try:
            tomllib.loads("\n".join(lines[start:end + 1]))
            return end
        except tomllib.TOMLDecodeError:
            continue
    return start


def _comment_of(line: str) -> tuple[str, int]:
    """The comment closing a TOML line, and its column ("" when none)."""
    quote = ""
    escaped = False
    for column, char in enumerate(line):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\" and quote == '"':
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[column:], column
    return "", 0


def _toml_pair_wrapped(key: str, value: Any) -> list[str]:
    """`key = value` on one line, or a long list wrapped under its first item."""
    pair = _toml_pair(key, value)
    if len(pair) <= _LINE_WIDTH or not isinstance(value, list) or not value:
        return [pair]
    opening = f"{_toml_key(key)} = ["
    lines, current = [], opening
    for position, item in enumerate(value):
        piece = _toml_value(item) + ("]" if position == len(value) - 1 else ",")
        if current != opening and not current.endswith(" ") and len(current) + 1 + len(piece) > _LINE_WIDTH:
            lines.append(current)
            current = " " * len(opening) + piece
        else:
            current = current + piece if current == opening or current.endswith(" ") else f"{current} {piece}"
    lines.append(current)
    return lines


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        if "\\" in value and "'" not in value and "\n" not in value:
            return f"'{value}'"  # a literal string: regular expressions read as written
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no TOML form for {value!r}")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _toml_pair(key: str, value: Any) -> str:
    return f"{_toml_key(key)} = {_toml_value(value)}"
