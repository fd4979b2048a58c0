"""Exit codes: the help of every command lists them from the ExitCode enum (none typed by
hand), and an internal error or an interruption ends with its code by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pgt.cli import app
from pgt.errors import ExitCode

COMMANDS = ["convert", "check", "schema", "diff", "export", "profile"]


def _listed(help_text: str) -> list[int]:
    """The numbers of the `Exit codes: 0 …; 2 …; …` sentence of a help text."""
    sentence = " ".join(help_text.split()).split("Exit codes: ", 1)[1].split(".", 1)[0]
    return [int(number) for number in re.findall(r"(?:^|; )(\d+) ", sentence)]


def test_top_level_help_lists_every_exit_code():
    result = CliRunner().invoke(app, ["--help"])
    assert _listed(result.output) == [code.value for code in ExitCode]
    assert "70 internal error" in " ".join(result.output.split())
    assert "130 interrupted" in " ".join(result.output.split())


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_lists_its_exit_codes_from_the_enum(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    listed = _listed(result.output)
    assert listed[0] == ExitCode.OK and set(listed) <= {code.value for code in ExitCode}


def test_no_exit_code_list_typed_by_hand_in_the_cli():
    """Bug: each command's help typed its list of codes while EXIT_CODES_HELP went unused."""
    source = (Path(__file__).resolve().parent.parent / "cli.py").read_text(encoding="utf-8")
    assert not re.search(r"Exit codes: \d", source)
    assert not re.search(r"Exit\(\d", source)


@pytest.mark.parametrize(("raised", "code"), [(RuntimeError("bug"), ExitCode.INTERNAL_ERROR),
                                               (KeyboardInterrupt(), ExitCode.INTERRUPTED)])
def test_internal_error_and_interruption_exit_by_name(monkeypatch, tmp_path, raised, code):
    def failing(*args, **kwargs):
        raise raised

    monkeypatch.setattr("pgt.pipeline.convert", failing)
    result = CliRunner().invoke(app, ["convert", "raw/", "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == code
