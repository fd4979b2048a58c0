"""Writers: serialise a validated plan into the output folder. They only write.

The folder is written next to its target under a temporary name and moved into place at
the end, so a failed or interrupted run never leaves a half-written output folder, and an
existing folder is replaced only on success. Same plan → same bytes.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pgt.errors import OutputNotWritable
from pgt.schema import Plan, plan_json_schema
from pgt.write.datapackage import datapackage
from pgt.write.encoding import json_text
from pgt.write.tables import TABLES


@dataclass(frozen=True)
class CsvDialect:
    """`default`: UTF-8, comma. `excel`: UTF-8 with BOM and `;`, what Excel opens right in a
    French locale. Multi-line cells are quoted in both."""

    delimiter: str = ","
    bom: bool = False


CSV_DIALECTS = {"default": CsvDialect(), "excel": CsvDialect(delimiter=";", bom=True)}


def _cell(value: object) -> str:
    if value is None:
        return ""
    return str(value)


def csv_text(columns: list[str], rows: list[dict[str, object]], dialect: CsvDialect = CsvDialect()) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return ("\ufeff" if dialect.bom else "") + buffer.getvalue()


# A number in exponent form (`1e-05`): pydantic and json.dumps spell those differently.
_EXPONENT_NUMBER = re.compile(r"(?:^ *|: |\[)-?\d+(?:\.\d+)?[eE]", re.MULTILINE)
_DIGIT_E = re.compile(r"[0-9][eE]")  # where such a number would end
_EXPONENT_NUMBER_BYTES = re.compile(_EXPONENT_NUMBER.pattern.encode(), re.MULTILINE)
_DIGIT_E_BYTES = re.compile(_DIGIT_E.pattern.encode())


def has_exponent_number(text: str | bytes) -> bool:
    """Whether the JSON text (or its UTF-8 bytes) holds a number in exponent form. Searched
    for from each digit followed by an `e` (a hash, a word, rarely a number), from the start
    of its line: the number's line (a number holds no line break); 6× faster than searching
    the whole text with the number's pattern, which tries it at every character."""
    as_bytes = isinstance(text, bytes)
    number, digit_e = (_EXPONENT_NUMBER_BYTES, _DIGIT_E_BYTES) if as_bytes else (_EXPONENT_NUMBER, _DIGIT_E)
    newline = b"\n" if as_bytes else "\n"
    for found in digit_e.finditer(text):  # type: ignore[arg-type]
        if number.search(text, text.rfind(newline, 0, found.start()) + 1, found.end()):  # type: ignore[arg-type]
            return True
    return False


def plan_json(plan: Plan) -> str:
    """plan.json, by pydantic's serialiser (in Rust, several times faster than dumping the
    model's dict with json.dumps), byte for byte what `json_text(plan.model_dump())` writes:
    same indentation, key order, escapes and float spelling, except floats in exponent form,
    written by json.dumps then."""
    return plan_json_bytes(plan).decode("utf-8")


def plan_json_bytes(plan: Plan) -> bytes:
    """`plan_json` as the file's bytes, straight from the serialiser: written as they are,
    the text is never a Python string too (its accents make that two bytes a character, and
    the string with its final line break was a copy: three times the file held at once)."""
    data = plan.__pydantic_serializer__.to_json(plan, indent=2)
    if has_exponent_number(data):
        return json_text(plan.model_dump(mode="json")).encode("utf-8")
    return data + b"\n"


Content = str | bytes | Iterable[str]  # an iterable: the text's pieces, in order


def output_makers(plan: Plan, dialect: CsvDialect = CsvDialect()) -> dict[str, Callable[[], str | bytes]]:
    """File name → the function making its content, for every file of the output contract:
    `write_folder` makes each file when it writes it and lets it go, so that the output of a
    large plan is never all in memory at once. The table rows are made once, for the CSV
    files and the workbook."""
    tables = {name: make_rows(plan) for name, (_, make_rows) in TABLES.items()}  # type: ignore[operator]
    makers: dict[str, Callable[[], str | bytes]] = {"plan.json": partial(plan_json_bytes, plan),
                                                "plan.schema.json": lambda: json_text(plan_json_schema())}
    for name, (columns, _) in TABLES.items():
        makers[f"{name}.csv"] = partial(csv_text, columns, tables[name], dialect)
    makers["actions.xlsx"] = partial(workbook_bytes, plan, tables)
    makers["datapackage.json"] = partial(datapackage_text, dialect)
    return makers


def render_outputs(plan: Plan, dialect: CsvDialect = CsvDialect()) -> dict[str, str | bytes]:
    """File name → content, for every file of the output contract."""
    return {name: make() for name, make in output_makers(plan, dialect).items()}  # type: ignore[misc]


def spreadsheet_outputs(plan: Plan, dialect: CsvDialect = CsvDialect(),
                        tables: dict[str, list[dict[str, object]]] | None = None) -> dict[str, str | bytes]:
    """The workbook and the Frictionless data package describing the CSV files as written
    (`tables`: the rows of each table, when the CSV files were made from them)."""
    return {"actions.xlsx": workbook_bytes(plan, tables), "datapackage.json": datapackage_text(dialect)}


def workbook_bytes(plan: Plan, tables: dict[str, list[dict[str, object]]] | None = None) -> bytes:
    from pgt.write.xlsx import xlsx_bytes  # lazy: `pgt check` loads no workbook writer

    return xlsx_bytes(plan, tables)


def datapackage_text(dialect: CsvDialect = CsvDialect()) -> str:
    return json_text(datapackage(delimiter=dialect.delimiter, bom=dialect.bom))


def write_folder(files: Mapping[str, Content | Callable[[], Content]], target: Path) -> None:
    """Write `files` into `target` atomically: all of them, or none and `target` untouched.
    A file given as a function is made when it is written, and let go once written."""
    shown = Path(target)
    target = Path(os.path.abspath(shown))  # `.` and `..` have no name to stage beside
    parent = target.parent
    refuse_foreign_folder(target, shown)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(parent, target.name)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=parent))
    except OSError as error:
        raise OutputNotWritable(f"{target}: cannot write the output folder ({error.strerror})") from None
    try:
        for name in sorted(files):
            content = files[name]
            if callable(content):
                content = content()
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            elif isinstance(content, str):
                path.write_bytes(content.encode("utf-8"))
            else:  # text made piece by piece (the review page): written as it comes
                with open(path, "w", encoding="utf-8", newline="") as handle:
                    handle.writelines(content)
            del content  # a large file's text goes before the next one is made
        os.chmod(staging, 0o755)
        _swap_into_place(staging, target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputNotWritable(f"{target}: cannot write the output folder ({error.strerror})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def refuse_foreign_folder(target: Path, shown: Path | None = None) -> None:
    """Replacing the output folder must never delete anything else: an existing folder is
    replaced only when it is empty or a previous output (it holds `plan.json`). `-o raw`,
    `-o .` or `-o ~/Documents` by mistake is refused, and nothing is touched."""
    if not target.is_dir() or (target / "plan.json").is_file():
        return
    try:
        if next(target.iterdir(), None) is None:
            return
    except OSError:
        return  # unreadable: the write itself will say why
    raise OutputNotWritable(
        f"{shown or target}: is a folder with other files and no plan.json, not a previous output; "
        f"refusing to replace it (choose another output folder, or empty it)"
    )


def _remove_stale_staging(parent: Path, name: str) -> None:
    """Remove what a killed run (SIGKILL, power cut) left beside the target: staging and
    backup folders named after a process that no longer runs."""
    for leftover in parent.glob(f".{name}.*"):
        pid = leftover.name[len(name) + 2 :].split(".")[0].split("-")[-1]
        if not leftover.is_dir() or not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        if ".old-" in leftover.name and not (parent / name).exists():
            os.replace(leftover, parent / name)  # killed between the two renames: put the old folder back
        elif leftover.name.endswith(".tmp") or ".old-" in leftover.name:
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _swap_into_place(staging: Path, target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise OutputNotWritable(f"{target}: exists and is not a folder")
    backup = None
    if target.exists():
        backup = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, backup)
    try:
        os.replace(staging, target)
    except OSError:
        if backup is not None:
            os.replace(backup, target)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def write_outputs(plan: Plan, target: Path, *, csv_dialect: str = "default",
                  extra_files: Mapping[str, Content | Callable[[], Content]] | None = None) -> list[str]:
    """Write the whole output contract into `target`; return the file names written
    (`extra_files`: contents, or functions making them, as `write_folder` takes)."""
    files: dict[str, Content | Callable[[], Content]] = dict(output_makers(plan, CSV_DIALECTS[csv_dialect]))
    files.update(extra_files or {})
    write_folder(files, target)
    return sorted(files)
