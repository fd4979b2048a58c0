"""The `pgt` command. Each command is a few lines over a library function.

    pgt convert                 # everything in raw/ → output/
    pgt convert plan.pdf -o out/
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import sys
import threading
from collections import Counter
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional

import typer

from pgt.errors import ExitCode, PgtError, exit_codes_help

# pydantic looks for plugins in every installed distribution's metadata when pgt's first
# model is built (about 10 ms of each command); pgt uses none. Set before pydantic is
# imported (the commands import it); a user who wants a plugin sets the variable himself.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

# The pipeline, the writers and the report are imported inside the commands that use them:
# lazy loading in the CLI layer (no import cycle is dodged), so that `pgt --help` loads
# typer alone and `pgt check` neither the workbook writer nor the review page.
if TYPE_CHECKING:
    from pgt.pipeline import ConversionResult, Progress

EXIT_CODES_HELP = exit_codes_help(*ExitCode)  # every code; each command's help lists its own

app = typer.Typer(
    help=(
        "pgt turns the tables of a CTG / PGT action plan (text exports, PDF, DOCX, spreadsheets) into clean, "
        "validated data: plan.json and CSV files.\n\n"
        "Example: pgt convert raw/ -o output/\n\n"
        f"{EXIT_CODES_HELP}"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # click's plain help and usage errors: loading rich's formatter tripled `pgt --help`
)


@app.callback()
def main_callback(ctx: typer.Context) -> None:
    """pgt: CTG / PGT action plan tables → validated data (exit codes: see --help)."""
    quiet_libraries()
    pause_collector()
    if _Collector.paused:
        ctx.call_on_close(_command_ended)


def quiet_libraries() -> None:
    """Libraries' own log lines (pdfminer's font warnings on odd PDFs…) are not pgt's output:
    what pgt could not read is in anomalies.csv, and errors are one line. Without a handler,
    Python would print their warnings on stderr (logging.lastResort)."""

    logging.getLogger().addHandler(logging.NullHandler())
    for name in ("pdfminer", "pdfplumber", "camelot", "pypdf", "PIL"):
        logging.getLogger(name).setLevel(logging.ERROR)


class _Collector:
    paused = False  # by pause_collector, until modules_loaded


def pause_collector() -> None:
    """A command's start — typer building its commands and parameters (pydantic), then the
    modules the command loads (the models, the profile's patterns) — makes some 100,000
    objects that live as long as the process, and no garbage: Python's cycle collector
    scanned them some 60 times (10 ms, most of its work in a run of raw/). It is paused from
    `main` (or the command's callback, for a caller of `app`) until the command's modules
    are loaded (`modules_loaded`), and resumed however the command ends. A collector the
    caller had turned off is left off."""
    if gc.isenabled():
        gc.disable()
        _Collector.paused = True


def modules_loaded() -> None:
    """Called by each command once its imports are done: what start-up built is frozen out
    of the collector (else its first pass, resumed, would scan all of it once more), then
    the collector resumes for the work, where reading PDFs does leave cycles."""
    if _Collector.paused:
        _Collector.paused = False
        gc.freeze()
        gc.enable()


def _command_ended() -> None:
    if _Collector.paused:  # the command stopped before its modules were loaded (a usage error)
        _Collector.paused = False
        gc.enable()
    else:
        gc.unfreeze()  # in a longer-lived caller (tests), what was frozen may be collected again


def fail(error: PgtError) -> typer.Exit:
    typer.echo(f"pgt: error: {error.message}", err=True)
    return typer.Exit(int(error.exit_code))


@contextmanager
def reported_errors() -> Iterator[None]:
    """Every failure ends as one line on stderr and its exit code, never a traceback."""
    try:
        yield
    except PgtError as error:
        raise fail(error) from None
    except KeyboardInterrupt:
        typer.echo("pgt: interrupted, nothing written", err=True)
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except typer.Exit:
        raise
    except Exception as error:  # noqa: BLE001 - a bug must still not print a traceback
        typer.echo(f"pgt: internal error: {type(error).__name__}: {error} "
                   f"(please report it with the input file)", err=True)
        raise typer.Exit(int(ExitCode.INTERNAL_ERROR)) from None


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Progress | None]:
    """A progress bar on a terminal (pages read, OCR), nothing otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress as RichProgress

    with RichProgress(transient=True) as bar:
        tasks: dict[str, object] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)  # type: ignore[arg-type]

        yield update


def summary_lines(result: ConversionResult, output: Path | None) -> list[str]:
    plan = result.plan
    lines = [f"Read {len(plan.documents)} document(s):"]
    for document in plan.documents:
        size = (f"{document.pages} pages" if document.pages
                else f"{document.lines} lines" if document.lines
                else f"{document.rows} rows")  # DOCX/ODT: neither lines nor pages
        lines.append(f"  {document.name}  {document.kind.value}, {document.format}, {size}, "
                     f"{document.placed_cells}/{document.non_empty_cells} cells placed")
    lines.append("")
    lines.append(f"  {'thématique':<18}{'axes':>5}{'OI':>5}{'OO':>5}{'actions':>9}{'offres':>8}{'fiches':>8}")
    fiches = Counter(f.thematique for f in plan.fiches)
    for thematique in plan.thematiques:
        ois = [oi for axe in thematique.axes for oi in axe.objectifs_intermediaires]
        actions = thematique.all_actions()
        lines.append(
            f"  {thematique.code:<18}{len(thematique.axes):>5}{len(ois):>5}"
            f"{sum(len(oi.objectifs_operationnels) for oi in ois):>5}{len(actions):>9}"
            f"{sum(len(a.offres) for a in actions):>8}{fiches.get(thematique.code, 0):>8}"
        )
    severities = Counter(a.severity for a in plan.anomalies)
    lines.append("")
    lines.append(f"Coverage: {plan.coverage:.2%} of non-empty source cells placed in the plan")
    lines.append(f"Anomalies: {len(plan.anomalies)} ({severities.get('error', 0)} errors, "
                 f"{severities.get('warning', 0)} warnings, {severities.get('info', 0)} info) — see anomalies.csv")
    lines.append(f"Corrections: {len(plan.corrections)} — see corrections.csv")
    lines += overrides_lines(result)
    if output is not None:
        lines.append(f"Written to {output}/")
    return lines


def overrides_lines(result: ConversionResult) -> list[str]:
    """Which overrides file was used (and whether found beside the documents), what became of it."""
    loaded = result.overrides
    if not loaded.files:
        return []
    names = ", ".join(str(f) for f in loaded.files)
    found = " (found beside the documents)" if loaded.discovered else ""
    lines = [f"Overrides: {names}{found}: {loaded.summary(result.plan)} "
             f"— rule override in corrections.csv, override_* in anomalies.csv"]
    lines += [f"  {path} not used: --overrides names another file" for path in loaded.ignored]
    return lines


OVERRIDES_HELP = ("A data officer's fixes, record_id,field,value[,note] (default: pgt-overrides.csv in an "
                  "input folder); applied last, logged with rule override.")


class CsvFormat(str, Enum):
    """--csv: the names of pgt.write.CSV_DIALECTS (not imported here: `pgt --help` loads typer alone)."""

    default = "default"  # UTF-8, comma
    excel = "excel"  # UTF-8 with BOM, ';' (Excel in a French locale)


CONVERT_HELP = f"""Convert the plan's documents into plan.json, CSV files, the JSON Schema and report.html.

{exit_codes_help((ExitCode.OK, "written"), ExitCode.USAGE, ExitCode.INPUT_NOT_FOUND, ExitCode.UNREADABLE_INPUT,
                 ExitCode.ENCRYPTED, ExitCode.OCR_UNAVAILABLE, ExitCode.NO_PLAN, ExitCode.OUTPUT_NOT_WRITABLE,
                 ExitCode.INCOMPLETE_COVERAGE, ExitCode.BAD_OVERRIDES)}

Example: pgt convert raw/pgt-fiches-actions.txt raw/pgt-priorisation.txt -o output/
"""


@app.command("convert", help=CONVERT_HELP)
def convert_command(
    inputs: Optional[list[Path]] = typer.Argument(None, help="Documents or folders (default: raw/)."),
    output: Path = typer.Option(Path("output"), "--output", "-o", help="Output folder (replaced on success)."),
    password: Optional[str] = typer.Option(None, "--password", help="Password of an encrypted PDF."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0,
                             help="Parallel workers for PDF pages, OCR and row pictures, and two processes writing "
                                  "the files (0: one per core, at most 4, when a PDF has pages enough to share, "
                                  "two writers when a core is idle; 1: none)."),
    csv_format: CsvFormat = typer.Option(CsvFormat.default, "--csv",
                                         help="default (UTF-8, comma) or excel (UTF-8 BOM, ';')."),
    strict: bool = typer.Option(False, "--strict", help=f"Fail (exit {ExitCode.INCOMPLETE_COVERAGE.value}) "
                                                        "when some source cell was not placed."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary, no progress bar."),
    report: bool = typer.Option(True, "--report/--no-report", help="Also write report.html, the review page."),
    images: bool = typer.Option(True, "--images/--no-images",
                                help="Show on report.html the picture of each action's row cut from its PDF page."),
    profile: Optional[Path] = typer.Option(None, "--profile", "-p", help="Plan profile (TOML) extending the default."),
    overrides: Optional[Path] = typer.Option(None, "--overrides", help=OVERRIDES_HELP),
) -> None:
    # lazy: see the imports at the top
    from pgt.pipeline import convert, few_collections, start_row_images, writing_processes
    from pgt.write import write_outputs
    from pgt.write.report import report_chunks
    from pgt.settings.profile import load_profile
    modules_loaded()

    with reported_errors():
        with progress_bar(not quiet) as on_progress:
            result = convert(inputs or [], password=password, jobs=jobs, on_progress=on_progress,
                             overrides=overrides, profile=load_profile(profile), strict=strict, keep_rows=False)
        overrides_read = result.overrides.statuses(result.plan)  # listed on the page, to merge with its edits
        # cut in worker processes while the data files are written (with jobs > 1)
        pictures = start_row_images(result, password=password, jobs=jobs) if report and images else None
        result.documents.clear()  # (their rows were let go once the plan was built: keep_rows=False)
        try:
            # the plan was built with the collector paused; pictures cut here leave cycles
            with few_collections(collect_first=bool(pictures and pictures.left_cycles)):
                # the page is rendered when written (last), and let go before the next file is made
                extra_files = ({"report.html": lambda: report_chunks(result.plan, pictures.result() if pictures else {},
                                                                     overrides=overrides_read)}
                               if report else {})
                write_outputs(result.plan, output, csv_dialect=csv_format.value, extra_files=extra_files,
                              processes=writing_processes(jobs))
        finally:
            if pictures is not None:
                pictures.close()
    if not quiet:
        typer.echo("\n".join(summary_lines(result, output)))


CHECK_HELP = f"""Convert in memory and check the plan against the expectations of a TOML config.

Prints a report; --json and --junit also write it for CI (one testcase per expectation).
The config defaults to ./pgt-check.toml, else the built-in expectations (the plan validates,
no anomaly of severity error).

{exit_codes_help((ExitCode.OK, "all expectations met"),
                 (ExitCode.CHECK_FAILED, "the plan does not validate or an expectation is not met"),
                 (ExitCode.USAGE, "bad arguments or config"), ExitCode.INPUT_NOT_FOUND, ExitCode.UNREADABLE_INPUT,
                 ExitCode.ENCRYPTED, (ExitCode.NO_PLAN, "no plan found in the input"),
                 (ExitCode.OUTPUT_NOT_WRITABLE, "a report file cannot be written"), ExitCode.BAD_OVERRIDES)}

Example: pgt check raw/ --config pgt-check.toml --junit check.xml
"""


@app.command("check", help=CHECK_HELP)
def check_command(
    inputs: Optional[list[Path]] = typer.Argument(None, help="Documents or folders (default: raw/)."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Expectations (default: ./pgt-check.toml)."),
    json_report: Optional[Path] = typer.Option(None, "--json", help="Also write the report as JSON."),
    junit_report: Optional[Path] = typer.Option(None, "--junit", help="Also write the report as JUnit XML."),
    password: Optional[str] = typer.Option(None, "--password", help="Password of an encrypted PDF."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only the exit code (and the report files)."),
    profile: Optional[Path] = typer.Option(None, "--profile", "-p", help="Plan profile (TOML) extending the default."),
    overrides: Optional[Path] = typer.Option(None, "--overrides", help=OVERRIDES_HELP),
) -> None:
    from pgt.check import run_check
    from pgt.check_report import report_text, write_report
    from pgt.settings.profile import load_profile
    modules_loaded()

    with reported_errors():
        report = run_check(inputs or [], config, password=password, overrides=overrides,
                           profile=load_profile(profile))
        for kind, path in (("json", json_report), ("junit", junit_report)):
            if path is not None:
                write_report(report, kind, path)
    if not quiet:
        typer.echo(report_text(report), nl=False)
    raise typer.Exit(report.exit_code)


SCHEMA_HELP = f"""Write the JSON Schema of plan.json and the Frictionless Table Schema of each CSV file.

Files: plan.schema.json, actions.tableschema.json, offres…, objectifs…, fiches…,
corrections…, anomalies.tableschema.json. {exit_codes_help(
    (ExitCode.OK, "written"), (ExitCode.OUTPUT_NOT_WRITABLE, "folder not writable"))}

Example: pgt schema -o schemas/
"""


@app.command("schema", help=SCHEMA_HELP)
def schema_command(
    output: Path = typer.Option(Path("schemas"), "--output", "-o", help="Folder to write the schemas into."),
) -> None:
    from pgt.write.datapackage import write_schemas
    modules_loaded()

    with reported_errors():
        written = write_schemas(output)
    typer.echo("\n".join(str(path) for path in written))


DIFF_HELP = f"""Compare two versions of a plan: thématique, axe, OI and OO titles, the summary's
fiches, and actions added, removed, renumbered, moved (other axe/OI/OO) and changed field
by field (before → after). A change the normalizers would fix, or a 1-2 letter edit in one
word, is a typo: counted apart, listed with --typos.

OLD and NEW are documents, folders of documents (converted in memory), output folders of
pgt convert or plan.json files. Actions are paired by stable id, then by title similarity
within a thématique when the numbering changed.

With --overrides FILE, document sides are converted with those fixes and each line of the
file is checked: did its record's source value change between OLD and NEW (review the fix),
is the record gone, does NEW now say the fix itself (retire it)?

{exit_codes_help((ExitCode.OK, "compared (with or without changes)"),
                 (ExitCode.CHECK_FAILED, "changes found and --fail-on-change (typos count only with --typos; "
                                         "with --overrides: also an override whose record changed or is gone)"),
                 ExitCode.USAGE, ExitCode.INPUT_NOT_FOUND, ExitCode.UNREADABLE_INPUT, ExitCode.NO_PLAN,
                 (ExitCode.OUTPUT_NOT_WRITABLE, "the JSON file cannot be written"), ExitCode.BAD_OVERRIDES)}

Example: pgt diff output-2023/ raw/ --json changes.json --fail-on-change
"""


@app.command("diff", help=DIFF_HELP)
def diff_command(
    old: Path = typer.Argument(..., help="The earlier version: documents, folder or output folder."),
    new: Path = typer.Argument(..., help="The later version: documents, folder or output folder."),
    json_report: Optional[Path] = typer.Option(None, "--json", help="Also write the changes as JSON."),
    fail_on_change: bool = typer.Option(False, "--fail-on-change",
                                        help=f"Exit {ExitCode.CHECK_FAILED.value} when anything changed (CI)."),
    typos: bool = typer.Option(False, "--typos", help="List the typos, and let them fail --fail-on-change."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No text report."),
    profile: Optional[Path] = typer.Option(None, "--profile", "-p", help="Plan profile (TOML) extending the default."),
    overrides: Optional[Path] = typer.Option(None, "--overrides", help=(
        "An overrides file: applied to document sides, and each line checked: did its record's "
        "source value change between OLD and NEW?")),
) -> None:
    from pgt.diff import diff_sources, diff_text, write_diff_json
    from pgt.settings.profile import load_profile
    modules_loaded()

    if overrides is not None:  # its own report, and it exits
        diff_overrides_command(old, new, overrides, json_report, fail_on_change, quiet, profile)
    with reported_errors():
        result = diff_sources(old, new, load_profile(profile))
        if json_report is not None:
            write_diff_json(result, json_report)
    if not quiet:
        typer.echo(diff_text(result, typos=typos), nl=False)
    raise typer.Exit(int(ExitCode.CHECK_FAILED if fail_on_change and result.changed_with(typos) else ExitCode.OK))


def diff_overrides_command(old: Path, new: Path, overrides: Path, json_report: Path | None,
                           fail_on_change: bool, quiet: bool, profile: Path | None) -> None:
    """`pgt diff --overrides`: the diff, then each override against the two versions, both
    read with the plan profile."""
    from pgt.overrides_diff import diff_with_overrides, with_overrides_text, write_with_overrides_json
    from pgt.settings.profile import load_profile
    modules_loaded()

    with reported_errors():
        result = diff_with_overrides(old, new, overrides, load_profile(profile))
        if json_report is not None:
            write_with_overrides_json(result, json_report)
    if not quiet:
        typer.echo(with_overrides_text(result), nl=False)
    changed = result.diff.changed or result.needs_review
    raise typer.Exit(int(ExitCode.CHECK_FAILED if fail_on_change and changed else ExitCode.OK))


class ExportFormat(str, Enum):
    tet = "tet"  # the import workbook of Territoires en Transitions


EXPORT_HELP = f"""Write the plan in another tool's layout. FORMAT `tet`: the import workbook of
Territoires en Transitions (its template's sheets, header, hint rows and drop-down lists),
one row per action, offers as sub-actions: thématique → Axe (x), axe → Sous-axe (x.x),
objectif intermédiaire → Sous-sous axe (x.x.x), objectifs opérationnels in Objectifs, fields
without a column as labelled lines in Descriptif or Notes. Titles alike in one axis get
` (2)`, titles over 300 characters are cut (the whole title stays in Descriptif): each
change is listed. pgt reads the workbook back into the same plan.

SOURCE is documents, a folder of documents, an output folder of pgt convert or its
plan.json (as pgt diff takes them).

{exit_codes_help((ExitCode.OK, "written"), ExitCode.USAGE, ExitCode.INPUT_NOT_FOUND, ExitCode.UNREADABLE_INPUT,
                 ExitCode.NO_PLAN, (ExitCode.OUTPUT_NOT_WRITABLE, "the workbook cannot be written"))}

Example: pgt export tet output/ -o plan-tet.xlsx
"""


@app.command("export", help=EXPORT_HELP)
def export_command(
    format_: ExportFormat = typer.Argument(..., metavar="FORMAT", help="tet: Territoires en Transitions import."),
    source: Path = typer.Argument(..., help="Documents, folder, output folder or plan.json."),
    output: Path = typer.Option(Path("plan-tet.xlsx"), "--output", "-o", help="The workbook to write."),
    profile: Optional[Path] = typer.Option(None, "--profile", "-p", help="Plan profile (TOML) extending the default."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    from pgt.diff import load_plan
    from pgt.settings.profile import load_profile
    from pgt.write.tet import export_tet
    modules_loaded()

    with reported_errors():
        written = export_tet(load_plan(source, profile=load_profile(profile)), output)
    if not quiet:
        typer.echo(f"{written.path}: {written.actions} actions, {written.offres} offers as sub-actions "
                   f"({written.rows} rows); {len(written.notes)} changes for the platform's checks")
        for note in written.notes:
            typer.echo(f"  {note.code} {note.record_id}: {note.message}")


PROFILE_HELP = f"""Print the effective plan profile as commented TOML, or validate a profile file.

The profile holds what is specific to a plan or a territory: thématiques (code, title, the
words of their headings), header and label spellings of each field, heading words (AXE,
ENJEU, OBJECTIF STRATÉGIQUE…), fixed phrases, column layouts, word lists and thresholds.
A profile file extends the built-in default (lists appended, tables merged); give it to
convert, check, diff (with or without --overrides) and export with --profile.

{exit_codes_help((ExitCode.OK, "printed / valid"),
                 (ExitCode.USAGE, "the file has a wrong key or value (one line naming the key and its line)"))}

Example: pgt profile > mon-territoire.toml; pgt profile --check mon-territoire.toml
"""


@app.command("profile", help=PROFILE_HELP)
def profile_command(
    path: Optional[Path] = typer.Argument(None, help="A profile file to extend the default with (printed merged)."),
    check: Optional[Path] = typer.Option(None, "--check", help="Validate this profile file; print nothing else."),
) -> None:
    from pgt.settings.profile import load_profile, profile_toml  # lazy: see the imports at the top
    modules_loaded()

    with reported_errors():
        if check is not None:
            loaded = load_profile(check)
            typer.echo(f"{check}: valid profile ({len(loaded.thematiques)} thématiques, "
                       f"{sum(len(v) for v in loaded.fields.values())} header spellings)")
            return
        typer.echo(profile_toml(load_profile(path), str(path) if path else None), nl=False)


def main() -> None:  # pragma: no cover - console entry point
    pause_collector()  # from before typer builds the commands
    # this process is pgt's (and its workers'): the workbook reader imports openpyxl without
    # numpy (pgt.extract.spreadsheet.OWNED_PROCESS; not imported here: `--help` loads no reader)
    os.environ.setdefault("PGT_OWNED_PROCESS", "1")
    # A pass of the cycle collector every 700 new objects (Python's default) made 900 passes
    # while reading the born-digital PDF (57 pages) and its row pictures: one every 7,000,
    # 7 % less CPU (6.6 -> 6.1 s), the same peak memory.
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(7_000, older, oldest)
    try:
        app()
    except SystemExit as ending:
        code = ending.code
    else:  # pragma: no cover - typer's app ends with SystemExit
        code = 0
    finally:
        # The process ends: what is alive now is frozen, so that the interpreter's passes of
        # the cycle collector at exit do not scan it all (40 ms after `pgt check raw/`, a
        # tenth of the run). pgt's files are closed by then; finalizers that must run at exit
        # (temporary files, atexit, weakref.finalize) do not wait for the collector.
        gc.freeze()
    exit_now(code)


def exit_now(code: object) -> None:
    """End the process with `code` once what must run at exit has run — what CPython's own
    exit runs first: the other threads joined and threading's exit functions (a process
    pool's), then the atexit functions (weakref.finalize, temporary folders, logging's
    flush), stdout / stderr flushed — without the interpreter's teardown, which frees every
    object one by one (the plan, the modules: ~30 ms of `pgt convert raw/`, ~17 ms of `pgt
    check raw/`, more for a large plan) for memory the system takes back at once. The plain
    exit where that cannot be done the same way: a code that is not a number (Python prints
    it), an interpreter without those two functions, or stdout / stderr refusing the flush (a
    closed pipe: Python's own exit then reports it as usual)."""
    join_threads = getattr(threading, "_shutdown", None)  # CPython's, as its exit calls them
    run_atexit = getattr(atexit, "_run_exitfuncs", None)
    if not (code is None or isinstance(code, int)) or join_threads is None or run_atexit is None:
        sys.exit(code)
    join_threads()
    run_atexit()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    main()


