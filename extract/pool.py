"""One process pool for all the reading work of a run (`--jobs N`).

The work is cut into tasks — a scanned page to OCR, a run of born-digital pages, a whole
text or Word document — of every file together, and the tasks share one
`ProcessPoolExecutor`. The slowest (OCR pages, seconds each) are submitted first, so the
workers finish together instead of one of them grinding through a 45-page scan while the
other has long read the summary. Results come back keyed, for the caller to reassemble per
document in page order: the rows are the same as with one worker, byte for byte.

A task that fails in a worker raises its own one-line `PgtError` (naming file and page)
here; a worker that dies (killed, out of memory) is reported the same way, never as a
traceback.
"""

from __future__ import annotations

import concurrent.futures
import math
import os
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Future, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pgt.errors import UnreadableInput

Progress = Callable[[str, int, int], None]


AUTO = 0  # `--jobs 0`, the CLI's default: `auto_jobs` decides


def usable_cores() -> int:
    """The cores this process may run on: `taskset`'s or a container's set of cores, and a
    container's CPU quota (`docker --cpus 1.5`, a Kubernetes limit: `cpu_quota`, rounded up)
    — not the machine's, which a container sees all of."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    quota = cpu_quota()
    return cores if quota is None else max(1, min(cores, math.ceil(quota)))


CGROUP_ROOT = Path("/sys/fs/cgroup")


def cpu_quota(root: Path = CGROUP_ROOT, membership: Path = Path("/proc/self/cgroup")) -> float | None:
    """The CPU time this process's control group may take, in cores (1.5: one and a half
    core's worth per period), or None when unlimited or unknown. cgroup v2's `cpu.max`
    (`150000 100000`, `max 100000`), else v1's `cpu.cfs_quota_us` / `cpu.cfs_period_us`
    (-1: unlimited); the smallest of the group's and its parents' (a limit holds for the
    groups under it), under `root`, and `root`'s own (a container's group is the root of its
    view)."""
    try:
        lines = membership.read_text(encoding="ascii").splitlines()
    except OSError:
        lines = []
    v2_path = next((line.split(":", 2)[2] for line in lines if line.startswith("0::")), None)
    v1_path = next((line.split(":", 2)[2] for line in lines
                    if len(line.split(":", 2)) == 3 and "cpu" in line.split(":", 2)[1].split(",")), None)
    v2 = [_read_quota(folder / "cpu.max") for folder in _groups(root, v2_path)]
    if any(found for found, _ in v2):
        return _smallest(v2)
    for controller in ("cpu", "cpu,cpuacct", "cpuacct,cpu"):
        v1 = [_read_quota(folder / "cpu.cfs_quota_us", folder / "cpu.cfs_period_us")
              for folder in _groups(root / controller, v1_path)]
        if any(found for found, _ in v1):
            return _smallest(v1)
    return None


def _groups(root: Path, path: str | None) -> list[Path]:
    """The group's folder under `root` and its parents', up to `root` itself."""
    parts = [part for part in (path or "").split("/") if part]
    return [root.joinpath(*parts[:depth]) for depth in range(len(parts), -1, -1)]


def _smallest(quotas: list[tuple[bool, float | None]]) -> float | None:
    limits = [quota for found, quota in quotas if found and quota is not None]
    return min(limits) if limits else None


def _read_quota(quota_file: Path, period_file: Path | None = None) -> tuple[bool, float | None]:
    """(whether the files say, the quota in cores or None when unlimited)."""
    try:
        if period_file is None:  # v2: "<quota> <period>" in one file
            quota, period = quota_file.read_text(encoding="ascii").split()[:2]
        else:
            quota, period = (quota_file.read_text(encoding="ascii").strip(),
                             period_file.read_text(encoding="ascii").strip())
        if quota == "max" or quota.startswith("-"):
            return True, None
        return True, (int(quota) / int(period) if int(period) > 0 else None)
    except (OSError, ValueError):  # no such file, or not numbers: look further
        return False, None


def runnable_tasks() -> int | None:
    """The tasks the kernel counts as running or ready to run at this instant, this process
    included (/proc/loadavg's fourth field); None where there is no /proc."""
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            return int(handle.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return None


def idle_cores(cores: int | None = None) -> int:
    """Of the usable cores, how many have nothing to run right now but this process's: a
    snapshot, for work of a fraction of a second (the output files). Without /proc, every
    usable core but this process's."""
    cores = usable_cores() if cores is None else cores
    running = runnable_tasks()
    return cores - 1 if running is None else max(0, cores - running)


# at most this many workers when pgt chooses: each holds its own libraries and pages (a PDF
# worker some 80 MiB, an OCR worker some 250 MiB), and a 400-page plan on a 64-core server
# must not take 50 of them; `--jobs N` asks for more
AUTO_MAX_WORKERS = 4


def auto_jobs(work: int, per_worker: int, cores: int | None = None) -> int:
    """Workers for `work` units when the user left `--jobs` to pgt: one per usable core (at
    most `AUTO_MAX_WORKERS`), but only as many as get `per_worker` units each (a worker costs
    a fork, and a PDF worker its own pdfplumber import, ~0.2 s of CPU: small work is done
    faster at home). One core: 1, the run is the same as `--jobs 1`."""
    cores = usable_cores() if cores is None else cores
    return max(1, min(cores, AUTO_MAX_WORKERS, work // max(1, per_worker)))


@dataclass(frozen=True)
class Task:
    """One piece of the reading work, run by a worker of the pool."""
    key: Hashable  # where the result goes back (document, first page)
    function: Callable[..., Any]  # a module-level function: it is pickled to the worker
    args: tuple = ()
    where: str = ""  # "file: page 3", for the error when the worker dies
    pages: int = 0  # PDF pages it reads (the "pages" progress)
    ocr_pages: int = 0  # of which scanned (the "ocr" progress, and the order of submission)
    document: Hashable = None  # the document it belongs to (the "files" progress)
    kwargs: dict = field(default_factory=dict)


@contextmanager
def one_thread_per_tesseract() -> Iterator[None]:
    """Tesseract's own OpenMP threads would fight the other workers for the cores: each
    worker's Tesseract runs on one thread, the parallelism comes from the pool."""
    before = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = before


def submission_order(tasks: Sequence[Task]) -> list[Task]:
    """OCR pages first (longest first), then the rest in the order given."""
    return sorted(tasks, key=lambda task: -task.ocr_pages)


def run_tasks(tasks: Sequence[Task], jobs: int, on_progress: Progress | None = None) -> dict[Hashable, Any]:
    """Run the tasks on `jobs` worker processes; their results by task key."""
    results: dict[Hashable, Any] = {}
    if not tasks:
        return results
    pages_total = sum(t.pages for t in tasks)
    ocr_total = sum(t.ocr_pages for t in tasks)
    remaining: dict[Hashable, int] = {}
    for task in tasks:
        remaining[task.document] = remaining.get(task.document, 0) + 1
    files_total = len(remaining)
    pages_done = ocr_done = files_done = 0

    def progress(task: Task) -> None:
        nonlocal pages_done, ocr_done, files_done
        remaining[task.document] -= 1
        if remaining[task.document] == 0:
            files_done += 1
        if on_progress is None:
            return
        if task.pages:
            pages_done += task.pages
            on_progress("pages", pages_done, pages_total)
        if task.ocr_pages:
            ocr_done += task.ocr_pages
            on_progress("ocr", ocr_done, ocr_total)
        if files_total > 1 and remaining[task.document] == 0:
            on_progress("files", files_done, files_total)

    ordered = submission_order(tasks)
    # looked up here, not imported by name at the top: concurrent.futures loads its process
    # pool (and multiprocessing, pickle: some 4 ms) on first access, which a run with one
    # worker never makes
    executor = concurrent.futures.ProcessPoolExecutor
    with one_thread_per_tesseract(), executor(max_workers=max(1, min(jobs, len(ordered)))) as pool:
        futures = {pool.submit(t.function, *t.args, **t.kwargs): t for t in ordered}
        try:
            for future in as_completed(futures):
                task = futures[future]
                results[task.key] = _result(future, task)
                progress(task)
        except BaseException:
            for pending in futures:
                pending.cancel()  # a failed run stops: the queued tasks are dropped
            raise
    return results


def _result(future: Future, task: Task) -> Any:
    try:
        return future.result()
    except BrokenExecutor:  # the pool's BrokenProcessPool
        raise UnreadableInput(
            f"{task.where}: the worker process reading it stopped unexpectedly "
            f"(out of memory or killed?); try again with fewer --jobs"
        ) from None


class BackgroundTasks:
    """Tasks started on their own pool while the caller goes on with other work (the row
    pictures of the review page, cut while the data files are written); `results()` waits
    for them, `close()` drops what is left (a failed run)."""

    def __init__(self, tasks: Sequence[Task], jobs: int) -> None:
        self._pool = concurrent.futures.ProcessPoolExecutor(max_workers=max(1, min(jobs, len(tasks))))
        self._futures = {self._pool.submit(t.function, *t.args, **t.kwargs): t for t in tasks}

    def results(self) -> dict[Hashable, Any]:
        """Their results by task key, once all have finished."""
        try:
            return {task.key: _result(future, task) for future, task in self._futures.items()}
        finally:
            self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

