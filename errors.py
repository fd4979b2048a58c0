"""Errors a user can act on, each with its documented exit code.

Every failure the CLI reports goes through one of these: a one-line message naming the file
(and page or line), never a traceback.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """pgt's exit codes, each with what it means: the commands' help lists them from here
    (`exit_codes_help`), so that no list is typed by hand."""

    description: str

    def __new__(cls, value: int, description: str) -> ExitCode:
        member = int.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    OK = 0, "success"
    # pgt check: expectations not met / pgt diff --fail-on-change: changes found
    CHECK_FAILED = 1, "an expectation not met (check), changes found (diff --fail-on-change)"
    USAGE = 2, "bad arguments"  # typer's own code
    INPUT_NOT_FOUND = 3, "input not found"  # missing file, or a folder with nothing readable
    UNREADABLE_INPUT = 4, "unreadable input"  # empty, binary, corrupt or truncated file
    ENCRYPTED = 5, "encrypted PDF"  # without (or with a wrong) password
    OCR_UNAVAILABLE = 6, "scanned pages and no OCR engine installed"
    NO_PLAN = 7, "no plan found"  # readable, but no plan table recognised
    OUTPUT_NOT_WRITABLE = 8, "output not writable"
    INCOMPLETE_COVERAGE = 9, "--strict and some source cells not placed"
    # the overrides file (--overrides, pgt-overrides.csv) is not a readable CSV of overrides
    BAD_OVERRIDES = 10, "bad overrides file"
    INTERNAL_ERROR = 70, "internal error (a bug: please report it)"  # EX_SOFTWARE of sysexits.h
    INTERRUPTED = 130, "interrupted (Ctrl-C), nothing written"  # 128 + SIGINT, as shells say it


def exit_codes_help(*codes: ExitCode | tuple[ExitCode, str]) -> str:
    """`Exit codes: 0 written; 8 folder not writable.` for a command's help: the numbers
    from the enum, each said by its description or, given as (code, words), the command's."""
    parts = [f"{code[0].value} {code[1]}" if isinstance(code, tuple) else f"{code.value} {code.description}"
             for code in codes]
    return f"Exit codes: {'; '.join(parts)}."


class PgtError(Exception):
    """A failure with a clear one-line message and an exit code."""

    exit_code: ExitCode = ExitCode.UNREADABLE_INPUT

    def __init__(self, message: str, *, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        return str(self.args[0])


class InputNotFound(PgtError):
    exit_code = ExitCode.INPUT_NOT_FOUND


class UnreadableInput(PgtError):
    exit_code = ExitCode.UNREADABLE_INPUT


class EncryptedInput(PgtError):
    exit_code = ExitCode.ENCRYPTED


class OcrUnavailable(PgtError):
    exit_code = ExitCode.OCR_UNAVAILABLE


class NoPlanFound(PgtError):
    exit_code = ExitCode.NO_PLAN


class OutputNotWritable(PgtError):
    exit_code = ExitCode.OUTPUT_NOT_WRITABLE


class IncompleteCoverage(PgtError):
    exit_code = ExitCode.INCOMPLETE_COVERAGE


class BadOverrides(PgtError):
    exit_code = ExitCode.BAD_OVERRIDES
