"""Errors a user can act on, each with its documented exit code.

Every failure the CLI reports goes through one of these: a one-line message naming the file
(and page or line), never a traceback.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    CHECK_FAILED = 1  # pgt check: expectations not met / pgt diff --fail-on-change: changes found
    USAGE = 2  # bad command-line arguments (typer's own code)
    INPUT_NOT_FOUND = 3  # missing file, or a folder with nothing readable
    UNREADABLE_INPUT = 4  # empty, binary, corrupt or truncated file
    ENCRYPTED = 5  # encrypted PDF without (or with a wrong) password
    OCR_UNAVAILABLE = 6  # scanned pages and no OCR engine installed
    NO_PLAN = 7  # readable, but no plan table recognised
    OUTPUT_NOT_WRITABLE = 8  # the output folder cannot be written
    INCOMPLETE_COVERAGE = 9  # --strict and some source cells were not placed
    BAD_OVERRIDES = 10  # the overrides file (--overrides, pgt-overrides.csv) is not a readable CSV of overrides


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
