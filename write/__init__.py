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
from dataclasses import dataclass
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


def has_exponent_number(text: str) -> bool:
    """Whether the JSON text holds a number in exponent form. Searched for from each digit
    followed by an `e` (a hash, a word, rarely a number), from the start of its line: the
    number's line (a number holds no line break); 6× faster than searching the whole text
    with the number's pattern, which tries it at every character."""
    for found in _DIGIT_E.finditer(text):
        if _EXPONENT_NUMBER.search(text, text.rfind("\n", 0, found.start()) + 1, found.end()):
            return True
    return False


def plan_json(plan: Plan) -> str:
    """plan.json, by pydantic's serialiser (in Rust, several times faster than dumping the
    model's dict with json.dumps), byte for byte what `json_text(plan.model_dump())` writes:
    same indentation, key order, escapes and float spelling, except floats in exponent form,
    written by json.dumps then."""
    text = plan.model_dump_json(indent=2) + "\n"
    if has_exponent_number(text):
        return json_text(plan.model_dump(mode="json"))
    return text


def render_outputs(plan: Plan, dialect: CsvDialect = CsvDialect()) -> dict[str, str | bytes]:
    """File name → content, for every file of the output contract."""
    files: dict[str, str | bytes] = {"plan.json": plan_json(plan),
                                     "plan.schema.json": json_text(plan_json_schema())}
    tables = {name: make_rows(plan) for name, (_, make_rows) in TABLES.items()}  # type: ignore[operator]
    for name, (columns, _) in TABLES.items():
        files[f"{name}.csv"] = csv_text(columns, tables[name], dialect)
    files.update(spreadsheet_outputs(plan, dialect, tables))
    return files


def spreadsheet_outputs(plan: Plan, dialect: CsvDialect = CsvDialect(),
                        tables: dict[str, list[dict[str, object]]] | None = None) -> dict[str, str | bytes]:
    """The workbook and the Frictionless data package describing the CSV files as written
    (`tables`: the rows of each table, when the CSV files were made from them)."""
    from pgt.write.xlsx import xlsx_bytes  # defers xlsxwriter: `pgt check` writes no workbook

    return {"actions.xlsx": xlsx_bytes(plan, tables),
            "datapackage.json": json_text(datapackage(delimiter=dialect.delimiter, bom=dialect.bom))}


def write_folder(files: dict[str, str | bytes], target: Path) -> None:
    """Write `files` into `target` atomically: all of them, or none and `target` untouched."""
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
        for name, content in sorted(files.items()):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_bytes(content.encode("utf-8"))
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
                  extra_files: dict[str, str | bytes] | None = None) -> list[str]:
    """Write the whole output contract into `target`; return the file names written."""
    files: dict[str, str | bytes] = dict(render_outputs(plan, CSV_DIALECTS[csv_dialect]))
    files.update(extra_files or {})
    write_folder(files, target)
    return sorted(files)
