"""Writers: serialise a validated plan into the output folder. They only write.

The folder is written next to its target under a temporary name and moved into place at
the end, so a failed or interrupted run never leaves a half-written output folder, and an
existing folder is replaced only on success; a forked process may write some of its files
meanwhile (`write_folder`'s `in_child`). Same plan → same bytes.
"""

from __future__ import annotations

import csv
import errno
import gc
import io
import json
import math
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
import typing
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

from pydantic import BaseModel

from pgt.errors import OutputNotWritable
from pgt.schema import Action, Axe, Fiche, ObjectifIntermediaire, Plan, Thematique, plan_schema_text
from pgt.write.datapackage import datapackage
from pgt.write.encoding import json_text
from pgt.write.tables import TABLES, SharedTables


@dataclass(frozen=True)
class CsvDialect:
    """`default`: UTF-8, comma. `excel`: UTF-8 with BOM and `;`, what Excel opens right in a
    French locale. Multi-line cells are quoted in both."""

    delimiter: str = ","
    bom: bool = False


CSV_DIALECTS = {"default": CsvDialect(), "excel": CsvDialect(delimiter=";", bom=True)}


def csv_text(columns: list[str], rows: list[Mapping[str, object]], dialect: CsvDialect = CsvDialect()) -> str:
    """The table as CSV; an empty value (None) is an empty cell, any other is written as str()
    writes it (the csv module does both itself, as fast as it can)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([row.get(column) for column in columns] for row in rows)
    return ("\ufeff" if dialect.bom else "") + buffer.getvalue()


CSV_ROWS_PER_PIECE = 200  # a piece of a 10× plan's actions.csv: ~0.4 MB of text, not its 4.6 MB (as fast as whole)


def csv_pieces(columns: list[str], rows: list[Mapping[str, object]], dialect: CsvDialect = CsvDialect(),
               per_piece: int = CSV_ROWS_PER_PIECE) -> Iterator[str]:
    """`csv_text`, `per_piece` rows at a time: the same text, joined (one writer for all rows:
    a piece ends at a row's end)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(columns)
    head = "\ufeff" if dialect.bom else ""
    for start in range(0, len(rows), per_piece):
        writer.writerows([row.get(column) for column in columns] for row in rows[start:start + per_piece])
        yield head + buffer.getvalue()
        head = ""
        buffer.seek(0)
        buffer.truncate()
    if head or buffer.tell():  # no rows: the header alone
        yield head + buffer.getvalue()


def spelt_apart(value: float) -> bool:
    """Whether pydantic's serialiser may write the float otherwise than json.dumps: under 1e-4
    (`0.00001`, json.dumps `1e-05`; a few alike), and infinities and NaN (`null`, json.dumps
    `Infinity`); the others it writes alike, in exponent form from 1e16 too (`1e+16`)."""
    return value != 0 and not 1e-4 <= abs(value) < math.inf


@lru_cache(maxsize=None)
def _float_fields(model: type[BaseModel]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A model class's float fields, and its fields holding models that hold floats (read from
    the annotations: pydantic serialises a field by its declared type)."""
    floats, nested = [], []
    for name, info in model.model_fields.items():
        kinds = _annotation_types(info.annotation)
        if float in kinds:
            floats.append(name)
        if any(isinstance(k, type) and issubclass(k, BaseModel) and any(_float_fields(k)) for k in kinds):
            nested.append(name)
    return tuple(floats), tuple(nested)


def _annotation_types(annotation: object) -> set[object]:
    """The types an annotation names (`Box | None`, `list[Box]`: Box, NoneType)."""
    arguments = typing.get_args(annotation)
    if not arguments:
        return {annotation}
    return {kind for argument in arguments for kind in _annotation_types(argument)}


def floats_spelt_apart(model: BaseModel) -> bool:
    """Whether some float of `model` (at any depth) is `spelt_apart`; only the fields that can
    hold a float are walked (not the corrections, anomalies, cells…)."""
    floats, nested = _float_fields(type(model))
    if any(spelt_apart(value) for name in floats if (value := getattr(model, name)) is not None):
        return True
    for name in nested:
        value = getattr(model, name)
        for item in value if isinstance(value, list) else [value]:
            if item is not None and floats_spelt_apart(item):
                return True
    return False


Content = str | bytes | Iterable[str]  # an iterable: the text's pieces, in order


def plan_json(plan: Plan) -> str:
    """plan.json as one string (`plan_json_pieces`, joined)."""
    return "".join(plan_json_pieces(plan))


# Items whose fields are written one by one (each large list of theirs in batches): a
# thématique or an axe can hold a large part of the plan; an OI, an action, an offer or a
# correction is written whole (a thousand dumps of a few fields would cost more than they save).
_SPLIT_ITEMS = (Thematique, Axe)
ITEMS_PER_PIECE = 500
# larger items, fewer to a piece (pieces of some 0.3 MB at most in a 10× plan; 500 OIs of an
# axe were 2.7 MB of text, 500 fiches 0.6 MB); the number of dumps hardly costs
HEAVY_ITEMS_PER_PIECE: dict[type, int] = {ObjectifIntermediaire: 5, Action: 50, Fiche: 200}
JsonPath = list[str | int]  # from the plan: field, index, field, index…


def plan_json_pieces(plan: Plan) -> Iterator[str]:
    """plan.json, piece by piece: byte for byte what `json_text(plan.model_dump())` writes,
    never whole in memory (a 10× plan's text was 16 MB, held twice with its UTF-8 bytes).
    Each piece is the plan dumped by pydantic's serialiser (in Rust, several times faster
    than json.dumps of the model's dict: same indentation, key order, escapes and float
    spelling) with `include` selecting a field or a batch of items, cut out of its wrapping
    lines; a plan holding a float pydantic spells otherwise (`spelt_apart`: `0.00001`,
    json.dumps `1e-05`) is written by json.dumps, piece by piece alike."""
    dump = _json_dump if floats_spelt_apart(plan) else _pydantic_dump
    yield "{\n"
    yield from _field_pieces(plan, plan, [], dump)
    yield "}\n"


Dump = Callable[[Plan, object], str]  # the plan's JSON text with `include`


def _pydantic_dump(plan: Plan, include: object) -> str:
    return plan.model_dump_json(indent=2, include=include)  # type: ignore[arg-type]


def _json_dump(plan: Plan, include: object) -> str:
    data = plan.model_dump(mode="json", include=include)  # type: ignore[arg-type]
    return json.dumps(data, ensure_ascii=False, indent=2)


def _field_pieces(plan: Plan, model: BaseModel, path: JsonPath, dump: Dump) -> Iterator[str]:
    names = list(type(model).model_fields)
    pad = "  " * (len(path) + 1)
    for rank, name in enumerate(names):
        end = ",\n" if rank < len(names) - 1 else "\n"
        items = getattr(model, name)
        if isinstance(items, list) and items:  # (the schema's keys are its field names: no alias)
            yield f'{pad}"{name}": [\n'
            yield from _item_pieces(plan, items, [*path, name], dump)
            yield f"\n{pad}]{end}"
        else:
            yield _piece(plan, path, {name}, dump) + end


def _item_pieces(plan: Plan, items: list, path: JsonPath, dump: Dump) -> Iterator[str]:
    """The items of the list at `path`, separated as the whole dump separates them."""
    pad = "  " * (len(path) + 1)
    batch: list[int] = []
    first = True
    for index, item in enumerate(items):
        per_piece = min(ITEMS_PER_PIECE, HEAVY_ITEMS_PER_PIECE.get(type(item), ITEMS_PER_PIECE))
        if isinstance(item, _SPLIT_ITEMS) or len(batch) >= per_piece:
            if batch:
                yield ("" if first else ",\n") + _piece(plan, path, set(batch), dump)
                first, batch = False, []
        if isinstance(item, _SPLIT_ITEMS):
            yield ("" if first else ",\n") + f"{pad}{{\n"
            yield from _field_pieces(plan, item, [*path, index], dump)
            yield f"{pad}}}"
            first = False
        else:
            batch.append(index)
    if batch:
        yield ("" if first else ",\n") + _piece(plan, path, set(batch), dump)


def _piece(plan: Plan, path: JsonPath, selected: set[str] | set[int], dump: Dump) -> str:
    """The lines the whole dump writes for the fields (names) or items (indexes) `selected`
    of the model or list at `path`, without the line break after them."""
    include: object = selected
    for step in reversed(path):
        include = {step: include}
    text = dump(plan, include)
    # the wrapping lines: the plan's brace and, for each step of the path, its field's or item's
    # opening line (strings hold no line break: JSON escapes them)
    start, end = -1, len(text)
    for _ in range(len(path) + 1):
        start = text.index("\n", start + 1)
    for _ in range(len(path) + 1):
        end = text.rindex("\n", 0, end)
    return text[start + 1:end]


def output_makers(plan: Plan, dialect: CsvDialect = CsvDialect()) -> dict[str, Callable[[], Content]]:
    """File name → the function making its content, for every file of the output contract:
    `write_folder` makes each file when it writes it and lets it go, so that the output of a
    large plan is never all in memory at once. The table rows are made once, for the CSV
    files and the workbook (`SharedTables`)."""
    tables = SharedTables(plan)
    makers: dict[str, Callable[[], Content]] = {"plan.json": partial(plan_json_pieces, plan),
                                                "plan.schema.json": plan_schema_text}
    for name, (columns, _) in TABLES.items():
        makers[f"{name}.csv"] = partial(_table_csv, tables, name, columns, dialect)
    makers["actions.xlsx"] = partial(workbook_bytes, plan, tables)
    makers["datapackage.json"] = partial(datapackage_text, dialect)
    return makers


def _table_csv(tables: SharedTables, name: str, columns: list[str], dialect: CsvDialect) -> Iterator[str]:
    # written piece by piece: a large table's text is not held whole (twice, with its bytes)
    yield from csv_pieces(columns, tables.rows(name), dialect)
    tables.done(name)


def render_outputs(plan: Plan, dialect: CsvDialect = CsvDialect()) -> dict[str, str | bytes]:
    """File name → content, for every file of the output contract (text made in pieces, joined)."""
    return {name: _whole(make()) for name, make in output_makers(plan, dialect).items()}


def _whole(content: Content) -> str | bytes:
    return content if isinstance(content, (str, bytes)) else "".join(content)


def spreadsheet_outputs(plan: Plan, dialect: CsvDialect = CsvDialect(),
                        tables: SharedTables | None = None) -> dict[str, str | bytes]:
    """The workbook and the Frictionless data package describing the CSV files as written
    (`tables`: the rows of each table, when the CSV files were made from them)."""
    return {"actions.xlsx": workbook_bytes(plan, tables), "datapackage.json": datapackage_text(dialect)}


def workbook_bytes(plan: Plan, tables: SharedTables | None = None) -> bytes:
    from pgt.write.xlsx import xlsx_bytes  # lazy: `pgt check` loads no workbook writer

    return xlsx_bytes(plan, tables)


def datapackage_text(dialect: CsvDialect = CsvDialect()) -> str:
    return json_text(datapackage(delimiter=dialect.delimiter, bom=dialect.bom))


def write_folder(files: Mapping[str, Content | Callable[[], Content]], target: Path, *,
                 in_child: Collection[str] = ()) -> None:
    """Write `files` into `target` atomically: all of them, or none and `target` untouched.
    A file given as a function is made when it is written, and let go once written.
    `in_child`: names of files a forked process writes into the same staging folder while
    this one writes the others (`can_fork`: else they are all written here, in turn); the
    child's failure is this call's, as if it had written them itself."""
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
    forked = sorted(set(files) & set(in_child)) if in_child and can_fork() else []
    try:
        with _written_by_child(files, forked, staging):
            _write_files(files, [name for name in sorted(files) if name not in forked], staging)
        os.chmod(staging, 0o755)
        _swap_into_place(staging, target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputNotWritable(f"{target}: cannot write the output folder ({error.strerror})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_files(files: Mapping[str, Content | Callable[[], Content]], names: list[str], staging: Path) -> None:
    for name in names:
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


def can_fork() -> bool:
    """Whether this process may fork a writer: `os.fork` exists and no other thread runs
    (a thread holding a lock at the fork — a process pool's manager, a logging handler —
    would leave it held for ever in the child). Threads started by C libraries are counted
    too where /proc lists them."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc (macOS): Python's own threads are all that can be counted
        return True


@contextmanager
def _written_by_child(files: Mapping[str, Content | Callable[[], Content]], names: list[str],
                      staging: Path) -> Iterator[None]:
    """`names` written into `staging` by a forked process while the block writes the others.
    The child inherits the plan as it is (copy-on-write) and ends with `os._exit`: it never
    returns into the caller's code, nor flushes its buffers. Its failure is raised here once
    the block is done (its exception, or ChildProcessError when it was killed); the block's
    own failure kills it first. Either way it is waited for: no process outlives the call."""
    if not names:
        yield
        return
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()  # what is buffered is printed once, by this process
    reading, writing = os.pipe()
    # Ctrl-C between the fork and the child's `try` would raise in the caller's code there
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid: int | None = os.fork()
        if pid == 0:
            _child_writes(files, names, staging, writing, blocked)  # does not return
    except OSError:  # no fork (no memory, too many processes): all written here
        os.close(reading)
        os.close(writing)
        pid = None
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    if pid is None:
        yield
        _write_files(files, names, staging)
        return
    os.close(writing)
    try:
        yield
    except BaseException:
        _reap(pid, reading, kill=True)
        raise
    failure = _reap(pid, reading, kill=False)
    if failure is not None:
        raise failure


def _child_writes(files: Mapping[str, Content | Callable[[], Content]], names: list[str], staging: Path,
                  writing: int, blocked: set[signal.Signals]) -> typing.NoReturn:
    code = 1
    try:
        # what the child inherited is never scanned by its collector: a pass would write to
        # every object's header, copying each page the parent still shares
        gc.freeze()
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        _write_files(files, names, staging)
        code = 0
    except BaseException as error:  # noqa: BLE001 - every failure goes to the parent
        report = _pickled(error)
        while report:
            report = report[os.write(writing, report):]
    finally:
        os._exit(code)


def _pickled(error: BaseException) -> bytes:
    """The child's exception as the parent can raise it again (OSError keeps its errno and
    message); one that does not pickle both ways, as a RuntimeError naming it."""
    try:
        report = pickle.dumps(error)
        pickle.loads(report)
        return report
    except Exception:  # noqa: BLE001
        return pickle.dumps(RuntimeError(f"{type(error).__name__}: {error}"))


def _reap(pid: int, reading: int, *, kill: bool) -> BaseException | None:
    """Wait for the child (killed first when `kill`); its failure, if it failed."""
    report = b""
    try:
        if not kill:
            with os.fdopen(reading, "rb", closefd=False) as pipe:
                report = pipe.read()  # until the child's end closes: its exit
    except BaseException:
        kill = True
        raise
    finally:
        if kill:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.close(reading)
        _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if report:
        with suppress(Exception):  # else cut short (killed while reporting): said by its exit
            return pickle.loads(report)
    if code < 0:
        return ChildProcessError(errno.ECHILD, f"its second writing process was killed by {signal.Signals(-code).name}")
    if code > 0:
        return ChildProcessError(errno.ECHILD, f"its second writing process ended with exit code {code}")
    return None


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


# made from the same table rows (`SharedTables`), or describing them: written by one process
TABLE_FILES = frozenset({*(f"{name}.csv" for name in TABLES), "actions.xlsx", "datapackage.json"})


def write_outputs(plan: Plan, target: Path, *, csv_dialect: str = "default",
                  extra_files: Mapping[str, Content | Callable[[], Content]] | None = None,
                  processes: int = 1) -> list[str]:
    """Write the whole output contract into `target`; return the file names written
    (`extra_files`: contents, or functions making them, as `write_folder` takes).
    `processes` 2 or more: the table files (CSV files, workbook, data package) are written by
    a forked process while this one writes plan.json, its schema and the extra files — the
    two halves take about the same time at any size of plan (`write_folder`'s `in_child`)."""
    files: dict[str, Content | Callable[[], Content]] = dict(output_makers(plan, CSV_DIALECTS[csv_dialect]))
    files.update(extra_files or {})
    in_child = TABLE_FILES - set(extra_files or {}) if processes > 1 else frozenset()
    write_folder(files, target, in_child=in_child)
    return sorted(files)
