"""The CLI pauses Python's cycle collector while a command starts (cli.pause_collector) and
gives it back however the command ends: a caller of `app` (these tests, a notebook) keeps a
working collector and nothing frozen out of it. The pipeline's paused blocks
(few_collections) leave what they built old, not young, and collectable."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref

from helpers import ROOT
from typer.testing import CliRunner

from pgt.cli import app
from pgt.pipeline import few_collections


def test_collector_back_on_and_nothing_frozen_after_a_command(tmp_path):
    result = CliRunner().invoke(app, ["schema", "-o", str(tmp_path / "schemas")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "schemas" / "plan.schema.json").exists()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_collector_back_on_after_a_usage_error():
    result = CliRunner().invoke(app, ["check", "--no-such-option"])
    assert result.exit_code == 2
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_collector_turned_off_by_the_caller_stays_off(tmp_path):
    gc.disable()
    try:
        result = CliRunner().invoke(app, ["schema", "-o", str(tmp_path / "schemas")])
        assert result.exit_code == 0, result.output
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_command_run_as_a_program_ends_with_everything_frozen(tmp_path):
    """`python -m pgt.cli …` / the `pgt` script (`main`): what is alive when the command ends
    is frozen, so that the collector's passes at the interpreter's exit scan nothing (40 ms
    after `pgt check raw/`)."""
    probe = ("import atexit, gc, sys\nfrom pgt.cli import main\n"
             "atexit.register(lambda: print('frozen', gc.get_freeze_count(), 'tracked', len(gc.get_objects())))\n"
             "sys.argv = ['pgt', 'schema', '-o', sys.argv[1]]\nmain()\n")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "schemas")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    words = done.stdout.split()
    frozen, tracked = int(words[words.index("frozen") + 1]), int(words[words.index("tracked") + 1])
    assert frozen > 10_000 and tracked < frozen / 10, done.stdout


def test_what_a_paused_block_built_is_moved_old_and_stays_collectable():
    """pipeline.few_collections: the objects built while the collector was paused end in its
    oldest generation (no pass over them as young objects), nothing stays frozen, and a
    cycle among them is still collected by a full pass."""
    class Node:
        pass

    with few_collections(collect_first=False):
        built = [[index] for index in range(50_000)]
        cycle = Node()
        cycle.itself = cycle
    assert gc.isenabled() and gc.get_freeze_count() == 0
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(built) in oldest and id(built[-1]) in oldest  # not young objects waiting for a pass
    alive = weakref.ref(cycle)
    del cycle
    gc.collect()
    assert alive() is None
    assert len(built) == 50_000


def test_a_callers_frozen_objects_stay_frozen_and_the_block_joins_them():
    """A caller that keeps objects frozen (the CLI, its start-up's) keeps them frozen after
    a paused block: what the block built is frozen with them, until the caller unfreezes."""
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with few_collections(collect_first=False):
            built = [[index] for index in range(50_000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= before + len(built)
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
