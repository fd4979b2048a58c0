"""Atomic output: a failed, interrupted or killed run never leaves a half-written output
folder; an existing one is replaced only on success (issue #6)."""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys

import pytest
from cli_run import ROOT
from helpers import RAW

from pgt.errors import OutputNotWritable
from pgt.pipeline import convert
from pgt.write import write_outputs


@pytest.fixture(scope="module")
def plan():
    return convert([RAW]).plan


def previous_output(tmp_path):
    target = tmp_path / "output"
    target.mkdir()
    (target / "plan.json").write_text("previous run")
    return target


def assert_untouched(tmp_path, target):
    assert (target / "plan.json").read_text() == "previous run"
    assert sorted(p.name for p in target.iterdir()) == ["plan.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["output"], "a staging or backup folder was left behind"


def failing_after(count, error):
    real = pathlib.Path.write_bytes
    calls = {"n": 0}

    def write_bytes(self, data):
        calls["n"] += 1
        if calls["n"] > count:
            raise error
        return real(self, data)

    return write_bytes


def test_disk_full_in_the_middle_keeps_the_previous_output(tmp_path, plan, monkeypatch):
    target = previous_output(tmp_path)
    # the third file written whole (plan.schema.json: the CSV files and plan.json are written piece by piece)
    monkeypatch.setattr(pathlib.Path, "write_bytes", failing_after(2, OSError(28, "No space left on device")))
    with pytest.raises(OutputNotWritable, match="No space left"):
        write_outputs(plan, target)
    monkeypatch.undo()
    assert_untouched(tmp_path, target)


def test_interrupt_in_the_middle_keeps_the_previous_output(tmp_path, plan, monkeypatch):
    target = previous_output(tmp_path)
    monkeypatch.setattr(pathlib.Path, "write_bytes", failing_after(2, KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        write_outputs(plan, target)
    monkeypatch.undo()
    assert_untouched(tmp_path, target)


def test_failure_of_the_final_rename_restores_the_previous_output(tmp_path, plan, monkeypatch):
    target = previous_output(tmp_path)
    real = os.replace
    calls = {"n": 0}

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:  # 1: old output → backup; 2: staging → output
            raise OSError(5, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputNotWritable):
        write_outputs(plan, target)
    monkeypatch.undo()
    assert_untouched(tmp_path, target)


def test_success_replaces_the_previous_output(tmp_path, plan):
    target = previous_output(tmp_path)
    write_outputs(plan, target)
    assert (target / "plan.json").read_text(encoding="utf-8").startswith("{")
    assert (target / "actions.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_cli_failure_before_writing_keeps_the_previous_output(tmp_path):
    from typer.testing import CliRunner

    from pgt.cli import app

    target = previous_output(tmp_path)
    empty = tmp_path.parent / f"{tmp_path.name}-empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(app, ["convert", str(empty), "-o", str(target)])
    assert result.exit_code == 4
    assert_untouched(tmp_path, target)


KILLER = """
import os, pathlib, signal, sys
from pgt.pipeline import convert
from pgt.write import write_outputs
real = pathlib.Path.write_bytes
count = 0
def write_bytes(self, data):
    global count
    count += 1
    if count > 2:  # the third file written whole, others before it
        os.kill(os.getpid(), signal.SIGKILL)  # power cut in the middle of writing
    return real(self, data)
pathlib.Path.write_bytes = write_bytes
write_outputs(convert([sys.argv[1]]).plan, sys.argv[2])
"""


def test_killed_run_leaves_the_previous_output_and_the_next_run_cleans_up(tmp_path, plan):
    target = previous_output(tmp_path)
    done = subprocess.run([sys.executable, "-c", KILLER, str(RAW), str(target)], cwd=ROOT)
    assert done.returncode == -signal.SIGKILL
    assert (target / "plan.json").read_text() == "previous run"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "output"]
    assert leftovers and all(name.startswith(".output.") for name in leftovers)  # hidden, beside it
    write_outputs(plan, target)  # the next run removes what the killed one left
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_killed_between_the_two_renames_the_next_run_restores_the_backup(tmp_path, plan):
    target = previous_output(tmp_path)
    backup = tmp_path / ".output.old-999999999"  # a pid that cannot be running
    os.replace(target, backup)
    (tmp_path / "other").mkdir()  # what a next run writes elsewhere must not matter
    write_outputs(plan, tmp_path / "other" / "x")
    assert backup.exists()
    from pgt.write import _remove_stale_staging

    _remove_stale_staging(tmp_path, "output")
    assert (target / "plan.json").read_text() == "previous run" and not backup.exists()


# Writing on two processes (issue 15): the table files are written by a forked child while the
# parent writes the others into the same staging folder; all files or none all the same.

CHILD_FILES = ["actions.csv", "actions.xlsx", "anomalies.csv", "corrections.csv", "datapackage.json",
               "fiches.csv", "objectifs.csv", "offres.csv"]


@pytest.fixture
def forks(monkeypatch):
    """The pids of the writers forked by pgt.write (os.fork still forks; a pool's workers, forked
    by multiprocessing when reading with --jobs 2, are not counted)."""
    real = os.fork
    pids: list[int] = []

    def fork():
        by_writer = sys._getframe(1).f_globals["__name__"] == "pgt.write"
        pid = real()
        if pid and by_writer:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return pids


def no_other_thread():
    import threading

    from pgt.write import can_fork

    if not can_fork():  # an earlier test left a thread running: forking would be refused, rightly
        pytest.skip(f"threads alive in the test process: {[t.name for t in threading.enumerate()]}")


def folder_bytes(folder):
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def reaped(pid):
    try:
        os.kill(pid, 0)  # a zombie (not waited for) still answers
    except ProcessLookupError:
        return True
    return False


def test_forked_writing_gives_the_files_of_serial_writing(tmp_path, plan, forks):
    no_other_thread()
    from pgt.write import TABLE_FILES

    assert sorted(TABLE_FILES) == CHILD_FILES
    extra = {"report.html": lambda: iter(["<html>", "page", "</html>\n"])}
    write_outputs(plan, tmp_path / "serial", extra_files=extra)
    assert forks == []
    write_outputs(plan, tmp_path / "forked", extra_files=extra, processes=2)
    assert len(forks) == 1 and reaped(forks[0])
    serial, forked = folder_bytes(tmp_path / "serial"), folder_bytes(tmp_path / "forked")
    assert sorted(forked) == sorted([*CHILD_FILES, "plan.json", "plan.schema.json", "report.html"])
    assert forked == serial
    assert forked["report.html"] == b"<html>page</html>\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forked", "serial"]


@pytest.mark.parametrize("late", ["child", "parent"])
def test_forked_writing_is_the_same_whichever_process_ends_first(tmp_path, plan, forks, monkeypatch, late):
    no_other_thread()
    import time

    import pgt.write

    write_outputs(plan, tmp_path / "serial")
    maker = "workbook_bytes" if late == "child" else "plan_json_pieces"
    real = getattr(pgt.write, maker)

    def delayed(*args):
        time.sleep(0.3)
        return real(*args)

    monkeypatch.setattr(pgt.write, maker, delayed)
    write_outputs(plan, tmp_path / "forked", processes=2)
    assert len(forks) == 1 and reaped(forks[0])
    assert folder_bytes(tmp_path / "forked") == folder_bytes(tmp_path / "serial")


def test_unwritable_file_in_the_child_is_one_error_and_leaves_nothing(tmp_path, plan, forks, monkeypatch):
    no_other_thread()
    target = previous_output(tmp_path)
    real = pathlib.Path.write_bytes

    def write_bytes(self, data):
        if self.name == "actions.xlsx":  # written by the child
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", write_bytes)
    with pytest.raises(OutputNotWritable) as failure:
        write_outputs(plan, target, processes=2)
    monkeypatch.undo()
    assert str(failure.value) == f"{target}: cannot write the output folder (No space left on device)"
    assert len(forks) == 1 and reaped(forks[0])
    assert_untouched(tmp_path, target)


def test_exception_in_a_maker_of_the_child_is_raised_by_the_parent(tmp_path, plan, forks, monkeypatch):
    no_other_thread()
    import pgt.write

    def broken(*_):
        raise ValueError("a cell the workbook cannot hold")

    monkeypatch.setattr(pgt.write, "workbook_bytes", broken)
    target = previous_output(tmp_path)
    with pytest.raises(ValueError, match="^a cell the workbook cannot hold$"):
        write_outputs(plan, target, processes=2)
    assert len(forks) == 1 and reaped(forks[0])
    assert_untouched(tmp_path, target)


class TwoArguments(Exception):
    def __init__(self, first, second):  # pickled by its args alone: it does not unpickle
        super().__init__(f"{first} {second}")


def test_exception_that_does_not_pickle_is_named(tmp_path, forks):
    no_other_thread()
    from pgt.write import write_folder

    def broken():
        raise TwoArguments("odd", "one")

    with pytest.raises(RuntimeError, match="^TwoArguments: odd one$"):
        write_folder({"a.txt": "a", "b.txt": broken}, tmp_path / "out", in_child={"b.txt"})
    assert len(forks) == 1 and reaped(forks[0])
    assert list(tmp_path.iterdir()) == []


def test_killed_child_is_one_error_and_leaves_nothing(tmp_path, forks):
    no_other_thread()
    from pgt.write import write_folder

    def killed():
        os.kill(os.getpid(), signal.SIGKILL)  # out of memory, or killed by hand
        return "never"

    target = tmp_path / "out"
    with pytest.raises(OutputNotWritable) as failure:
        write_folder({"a.txt": "a", "b.txt": killed}, target, in_child={"b.txt"})
    assert str(failure.value) == (f"{target}: cannot write the output folder "
                                  f"(its second writing process was killed by SIGKILL)")
    assert len(forks) == 1 and reaped(forks[0])
    assert list(tmp_path.iterdir()) == []


def test_failure_of_the_parent_kills_the_child(tmp_path, forks):
    no_other_thread()
    import time

    from pgt.write import write_folder

    def slow():
        time.sleep(60)
        return "late"

    def failing():
        raise OSError(13, "Permission denied")

    started = time.monotonic()
    with pytest.raises(OutputNotWritable, match=r"out: cannot write the output folder \(Permission denied\)$"):
        write_folder({"a.txt": failing, "b.txt": slow}, tmp_path / "out", in_child={"b.txt"})
    assert time.monotonic() - started < 30, "the parent waited for the child instead of killing it"
    assert len(forks) == 1 and reaped(forks[0])
    assert list(tmp_path.iterdir()) == []


def test_threads_alive_no_fork(tmp_path, plan, forks):
    import threading

    from pgt.write import can_fork

    release = threading.Event()
    thread = threading.Thread(target=release.wait, name="busy")
    thread.start()
    try:
        assert not can_fork()
        write_outputs(plan, tmp_path / "out", processes=2)
    finally:
        release.set()
        thread.join()
    assert forks == []
    assert sorted(folder_bytes(tmp_path / "out")) == sorted([*CHILD_FILES, "plan.json", "plan.schema.json"])


def test_library_callers_write_on_one_process(tmp_path, plan, forks):
    write_outputs(plan, tmp_path / "out")
    assert forks == []


def test_cli_jobs_1_does_not_fork_and_jobs_2_writes_the_same_bytes(tmp_path, forks):
    no_other_thread()
    from typer.testing import CliRunner

    from pgt.cli import app

    one = CliRunner().invoke(app, ["convert", str(RAW), "-o", str(tmp_path / "one"), "-q", "--jobs", "1"])
    assert one.exit_code == 0 and forks == []
    two = CliRunner().invoke(app, ["convert", str(RAW), "-o", str(tmp_path / "two"), "-q", "--jobs", "2"])
    assert two.exit_code == 0 and len(forks) == 1 and reaped(forks[0])
    assert folder_bytes(tmp_path / "two") == folder_bytes(tmp_path / "one")


def test_cli_error_in_the_child_is_one_line(tmp_path, forks, monkeypatch):
    no_other_thread()
    from typer.testing import CliRunner

    import pgt.write
    from pgt.cli import app

    def broken(*_):
        raise ValueError("a cell the workbook cannot hold")

    monkeypatch.setattr(pgt.write, "workbook_bytes", broken)
    target = previous_output(tmp_path)
    result = CliRunner().invoke(app, ["convert", str(RAW), "-o", str(target), "-q", "--jobs", "2"])
    assert result.exit_code == 70
    assert result.output.strip().splitlines() == [
        "pgt: internal error: ValueError: a cell the workbook cannot hold (please report it with the input file)"]
    assert len(forks) == 1 and reaped(forks[0])
    assert_untouched(tmp_path, target)


BUFFERED = """
import sys, pathlib
from pgt.write import write_folder
print("printed before writing", end="")  # buffered: stdout is a pipe
write_folder({"a.txt": "a", "b.txt": lambda: "b"}, pathlib.Path(sys.argv[1]), in_child={"b.txt"})
print(" and after")
"""


def test_output_buffered_before_the_fork_is_printed_once(tmp_path):
    done = subprocess.run([sys.executable, "-c", BUFFERED, str(tmp_path / "out")], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "printed before writing and after\n"
    assert (tmp_path / "out" / "b.txt").read_text() == "b"


@pytest.mark.parametrize(("cores", "running", "writers"), [
    (1, 1, 1),  # one core: the files in turn, as with --jobs 1
    (2, 1, 2),  # the other core idle
    (2, 2, 1),  # the other core busy: a second writer would only share this one's
    (8, 3, 2),  # two halves: never more than two writers
    (2, None, 2),  # no /proc: every usable core but this one's taken as idle
])
def test_writing_processes_follow_jobs_and_idle_cores(monkeypatch, cores, running, writers):
    import pgt.extract.pool
    from pgt.extract.pool import AUTO
    from pgt.pipeline import writing_processes

    monkeypatch.setattr(pgt.extract.pool, "usable_cores", lambda: cores)
    monkeypatch.setattr(pgt.extract.pool, "runnable_tasks", lambda: running)
    assert writing_processes(AUTO) == writers
    assert writing_processes(1) == 1 and writing_processes(3) == 3  # asked for: whatever the load


def test_runnable_tasks_count_this_process():
    from pgt.extract.pool import runnable_tasks

    running = runnable_tasks()
    assert running is None or running >= 1
