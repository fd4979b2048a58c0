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
