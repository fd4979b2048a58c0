"""The library entry point: documents in, a validated plan out.

    read (extract/) → build (structure/) → normalize (normalize/) → validate (schema/)

The CLI commands are thin wrappers over `convert`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from pgt.structure import BuiltDocument, assemble, build_document
from pgt.errors import IncompleteCoverage, InputNotFound, PgtError
from pgt.extract import read_documents
from pgt.extract.rows import ExtractedDocument
from pgt.normalize import normalize_plan
from pgt.normalize.overrides import (OVERRIDES_FILE_NAME, Override, override_statuses, overrides_summary,
                                     read_overrides)
from pgt.schema import DocumentKind, Plan, Thematique
from pgt.settings.profile import Profile, default_profile

# The row pictures' module (cut from PDF pages) and the process pool are loaded when there
# are pictures to cut (imports in the functions): a run on text exports loads neither.
if TYPE_CHECKING:
    from pgt.extract.page_images import Wanted
    from pgt.extract.pool import BackgroundTasks

DEFAULT_INPUT = Path("raw")
PLAIN_FORMATS = frozenset({"text", "csv"})  # read by the standard library alone: no cyclic garbage left
Progress = Callable[[str, int, int], None]


@dataclass
class LoadedOverrides:
    """The overrides files used (`--overrides`, else `pgt-overrides.csv` found in an input
    folder: `discovered`) and their lines."""

    files: list[Path] = field(default_factory=list)
    discovered: bool = False
    overrides: list[Override] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)  # found in an input folder, but --overrides given

    def statuses(self, plan: Plan) -> list[tuple[Override, str, str]]:
        """(override, applied | unchanged | orphan | invalid | duplicate, why) in file order."""
        return list(override_statuses(plan, self.overrides))

    def summary(self, plan: Plan) -> str:
        """`2 applied, 1 orphan`: what became of the lines."""
        return overrides_summary(plan, self.overrides)


@dataclass
class ConversionResult:
    """The validated plan, the documents read and the overrides used."""
    plan: Plan
    documents: list[ExtractedDocument]
    overrides: LoadedOverrides = field(default_factory=LoadedOverrides)

    @property
    def coverage(self) -> float:
        return self.plan.coverage


def expand_inputs(inputs: Sequence[Path]) -> list[Path]:
    """Files as given; a folder stands for the documents in it (sorted, hidden files skipped)."""
    paths: list[Path] = []
    for item in inputs or [DEFAULT_INPUT]:
        item = Path(item)
        if item.is_dir():
            found = sorted(p for p in item.iterdir() if p.is_file() and not p.name.startswith(".")
                           and not is_overrides_file(p))  # the officer's fixes, not a plan document
            if not found:
                raise InputNotFound(f"{item}: folder with no document to read")
            paths.extend(found)
        elif item.exists():
            paths.append(item)
        else:
            raise InputNotFound(f"{item}: no such file or folder")
    return paths


def is_overrides_file(path: Path) -> bool:
    return path.name.lower() == OVERRIDES_FILE_NAME


def load_overrides(inputs: Sequence[Path], overrides: Path | None = None) -> LoadedOverrides:
    """The file given (`--overrides`), else every `pgt-overrides.csv` in the input folders."""
    folders = [Path(i) for i in inputs or [DEFAULT_INPUT] if Path(i).is_dir()]
    found = sorted(p for folder in folders for p in folder.iterdir() if p.is_file() and is_overrides_file(p))
    files = [Path(overrides)] if overrides is not None else found
    names = [f.name for f in files]
    lines = [o for f in files for o in read_overrides(f, f.name if names.count(f.name) == 1 else str(f))]
    ignored = [p for p in found if overrides is not None and p.resolve() != Path(overrides).resolve()]
    return LoadedOverrides(files, overrides is None and bool(files), lines, ignored)


def read_all(paths: Iterable[Path], *, password: str | None = None, jobs: int = 1,
             on_progress: Progress | None = None, profile: Profile | None = None) -> list[ExtractedDocument]:
    """Read every document. With `jobs` > 1 the pages of all files (OCR pages first) and
    the other documents share one pool of `jobs` processes (`extract.read_documents`).
    Documents come back in the order given, the same as with one worker. The PDF reader
    takes its settings from the profile's `[pdf]` section, and the lines its `[words] lexicon`
    adds (a word a narrow cell cut is joined back when the lexicon knows it)."""
    profile = profile or default_profile()
    pdf = {**profile.pdf.model_dump(), "lexicon": tuple(profile.words.lexicon)}
    return read_documents(list(paths), password=password, jobs=jobs, on_progress=on_progress, pdf=pdf)


@contextmanager
def few_collections(collect_first: bool = True) -> Iterator[None]:
    """Building, normalising and writing a plan allocate many objects that all live on, and
    hardly any cyclic garbage: Python's cycle collector, at its default pace, kept scanning
    them (a tenth of the time of raw/, a fifth of a 10× plan, and growing with the plan).
    It is paused while they run and resumes after. (Reading PDF pages does leave cycles: it
    runs with the collector on, and what it left is collected first — `collect_first`; a
    full collection costs some 0.03 s, for nothing after reading text files.) What the block
    built is then moved to the collector's oldest generation (frozen, then unfrozen: no
    pass over it), not left young: resumed, the collector's next pass would scan it all at
    once (0.05 s after building a 10× plan, 0.09 s after writing its files), then again when
    promoting it. It is still collected, by the full passes that scan the oldest generation.
    When the caller keeps objects frozen (the CLI, its start-up's), what the block built is
    frozen with them instead, until the caller unfreezes them: unfreezing would release the
    caller's, and the passes over the plan while a PDF's row pictures are cut would be for
    nothing (freed objects are freed all the same; only a cycle among them waits)."""
    was_enabled = gc.isenabled()
    if was_enabled and collect_first:
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            frozen_by_caller = gc.get_freeze_count() > 0
            gc.freeze()
            if not frozen_by_caller:
                gc.unfreeze()
            gc.enable()


def plan_from_documents(documents: list[ExtractedDocument], overrides: Sequence[Override] = (),
                        profile: Profile | None = None, *, keep_rows: bool = True) -> Plan:
    """The validated plan of the documents read. `keep_rows` False: each document's rows are
    let go once the plan is built (`rows` left empty; its path, format and counts stay), so
    that normalising and validating reuse their memory — for callers that need the plan
    only (`pgt convert`, `pgt check`): a 10× raw/ plan's check peaks some 5 MiB lower."""
    # readers of PDF, Word, spreadsheets leave cycles behind; the text reader none
    with few_collections(collect_first=any(d.format not in PLAIN_FORMATS for d in documents)):
        return _plan_from_documents(documents, overrides, profile or default_profile(), keep_rows)


def _plan_from_documents(documents: list[ExtractedDocument], overrides: Sequence[Override],
                         profile: Profile, keep_rows: bool) -> Plan:
    # validated again from its dump; the draft, its builders' ledgers and rows are let go
    # first (they are the helper's locals): a large plan is not held three times over.
    # The dump leaves out the fields holding their defaults: they get them back (the same
    # plan, tests/test_plan_memory.py) from a smaller dump, validated faster
    data = _normalized_draft(documents, overrides, profile, keep_rows).model_dump(exclude_defaults=True)
    try:
        return Plan.model_validate(data)
    except ValidationError as error:  # a builder bug, not bad input: say what failed
        first = error.errors()[0]
        raise PgtError(f"the plan read from {', '.join(d.name for d in documents)} does not validate: "
                       f"{first['msg']} at {'/'.join(str(p) for p in first['loc'])}") from None


def _normalized_draft(documents: list[ExtractedDocument], overrides: Sequence[Override], profile: Profile,
                      keep_rows: bool = True) -> Plan:
    # the builders' ledgers (every row's placed cells) are the helper's locals: let go
    # before the rules run, not held beside the draft and the rules' logs
    draft, summary = _draft(documents, profile)
    if not keep_rows:
        for document in documents:
            document.rows = []
    return normalize_plan(draft, summary=summary, overrides=overrides, profile=profile)


def _draft(documents: list[ExtractedDocument], profile: Profile) -> tuple[Plan, list[Thematique]]:
    """The plan as built, and the summary document's hierarchy (for the rules)."""
    built: list[BuiltDocument] = [build_document(document, profile) for document in documents]
    thematiques, fiches = assemble(built)
    draft = Plan(
        documents=[b.source for b in built],
        thematiques=thematiques,
        fiches=fiches,
        corrections=[c for b in built for c in b.corrections],
        anomalies=[a for b in built for a in b.anomalies],
    )
    summary = [t for b in built if b.source.kind is DocumentKind.priorisation for t in b.thematiques]
    return draft, summary


def _row_boxes(result: ConversionResult) -> dict[Path, dict[str, list]]:
    """PDF read → action id → the boxes of its source row (page, PDF points)."""
    paths = {d.name: d.path for d in result.documents if d.format == "pdf"}
    wanted: dict[str, dict[str, list]] = {name: {} for name in paths}
    for action in result.plan.all_actions():
        provenance = action.provenance
        if provenance.document in paths and provenance.boxes:
            wanted[provenance.document][action.id] = [
                (b.page, (b.x0, b.top, b.x1, b.bottom)) for b in provenance.boxes
            ]
    return {paths[name]: boxes for name, boxes in wanted.items() if boxes}


class RowImages:
    """The review page's row pictures being cut (`start_row_images`): `result()` gives them
    (action id → data URIs), `close()` drops the work left when the run fails first."""

    def __init__(self, counts: dict[Path, dict[str, int]], background: BackgroundTasks | None = None,
                 ready: dict[str, list[str]] | None = None) -> None:
        self._counts, self._background, self._ready = counts, background, ready

    @property
    def left_cycles(self) -> bool:
        """Whether they were cut in this process (pdfium's and Pillow's objects leave cyclic
        garbage; cut by workers, they leave none here)."""
        return self._background is None and bool(self._counts)

    def result(self) -> dict[str, list[str]]:
        if self._ready is None:
            from pgt.extract.page_images import assemble_images
            cut: dict[Path, dict] = {path: {} for path in self._counts}
            for (path, _), pieces in self._background.results().items():  # type: ignore[union-attr]
                cut[path].update(pieces)
            self._ready = {}
            for path, counts in self._counts.items():  # documents in order, as one worker gives them
                self._ready.update(assemble_images(counts, cut[path]))
        return self._ready

    def close(self) -> None:
        if self._background is not None:
            self._background.close()


def start_row_images(result: ConversionResult, *, password: str | None = None, jobs: int = 1) -> RowImages:
    """action id → pictures (data URIs) of its source row cut from the PDF page(s) it was
    read from, for the review page; actions from text or Word sources have none. With
    `jobs` > 1 the pages are cut in worker processes, runs of pages each, while the caller
    writes the data files (the pictures are wanted by report.html alone, written last);
    a piece has the same bytes whichever worker cuts it. `jobs` = `pool.AUTO`: one worker
    per core when there are strips enough to share (`PIECES_PER_WORKER` each)."""
    wanted_boxes = _row_boxes(result)
    if not wanted_boxes:  # no action read from a PDF: nothing to cut
        return RowImages({}, ready={})
    from pgt.extract.page_images import PIECES_PER_WORKER, assemble_images, cut_pieces, page_groups, wanted_pieces
    from pgt.extract.pool import AUTO, BackgroundTasks, Task, auto_jobs
    counts: dict[Path, dict[str, int]] = {}
    pieces: dict[Path, Wanted] = {}
    for path, boxes in wanted_boxes.items():
        counts[path], pieces[path] = wanted_pieces(boxes)
    if jobs == AUTO:
        jobs = auto_jobs(sum(count for per_path in counts.values() for count in per_path.values()), PIECES_PER_WORKER)
    if jobs <= 1:
        ready: dict[str, list[str]] = {}
        for path, wanted in pieces.items():
            ready.update(assemble_images(counts[path], cut_pieces(path, wanted, password)))
        return RowImages(counts, ready=ready)
    tasks = [Task(key=(path, first), function=cut_pieces, args=(path, group, password), where=f"{path}: page {first}")
             for path, wanted in pieces.items() for group in page_groups(wanted, jobs) for first in (min(group),)]
    return RowImages(counts, BackgroundTasks(tasks, jobs))


def source_row_images(result: ConversionResult, *, password: str | None = None, jobs: int = 1) -> dict[str, list[str]]:
    """action id → pictures of its source row (`start_row_images`), once cut."""
    return start_row_images(result, password=password, jobs=jobs).result()


def writing_processes(jobs: int) -> int:
    """Processes writing the output files (`pgt.write.write_outputs`' `processes`): `jobs`
    when given (`--jobs 1`: this one alone); `pool.AUTO`: two (the files are written in two
    halves) when another core is idle at this instant, else one. On a busy core the second
    writer only shares this one's time and adds the fork's cost (pages copied as both touch
    the plan: some 0.04 s of CPU for raw/, 0.1 s at 10×): 10× raw/ took 2.96 → 3.16 s with
    other work on the machine."""
    from pgt.extract.pool import AUTO, auto_jobs, idle_cores

    return auto_jobs(2, 1, cores=1 + idle_cores()) if jobs == AUTO else jobs


def convert(inputs: Sequence[Path] = (), *, password: str | None = None, jobs: int = 1,
            on_progress: Progress | None = None, overrides: Path | None = None,
            profile: Profile | None = None, strict: bool = False, keep_rows: bool = True) -> ConversionResult:
    """Read the documents (default: everything in `raw/`) and return the validated plan.
    `overrides`: a file of fixes applied last (default: `pgt-overrides.csv` in an input folder);
    `profile`: the plan profile (`pgt.settings.profile.load_profile`), default the CTG one;
    `strict`: IncompleteCoverage when some non-empty source cell was not placed in the plan;
    `keep_rows` False: the documents' rows are let go once the plan is built (`plan_from_documents`):
    the result's documents keep their paths, formats and counts."""
    profile = profile or default_profile()
    paths = expand_inputs(inputs)
    fixes = load_overrides(inputs, overrides)  # before the documents: a bad file fails fast
    documents = read_all(paths, password=password, jobs=jobs, on_progress=on_progress, profile=profile)
    result = ConversionResult(plan_from_documents(documents, fixes.overrides, profile, keep_rows=keep_rows),
                              documents, fixes)
    if strict and result.coverage < 1.0:
        unplaced = sum(d.non_empty_cells - d.placed_cells for d in result.plan.documents)
        raise IncompleteCoverage(f"{unplaced} source cell(s) not placed (coverage {result.coverage:.2%}); "
                                 f"see anomalies.csv of a run without --strict")
    return result
