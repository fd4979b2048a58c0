"""The CLI pauses Python's cycle collector while a command starts (cli.pause_collector) and
gives it back however the command ends: a caller of `app` (these tests, a notebook) keeps a
working collector and nothing frozen out of it."""

from __future__ import annotations

import gc

from typer.testing import CliRunner

from pgt.cli import app


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
