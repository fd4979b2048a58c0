"""Run the real `pgt` command in a subprocess and check how it fails (tests' helper)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_pgt(*args: object, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`pgt ARGS…` with the interpreter running the tests (the project's venv)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pgt.cli", *(str(a) for a in args)],
        capture_output=True, text=True, env=full_env, cwd=cwd or ROOT, timeout=timeout,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int, *names: str) -> str:
    """Exit `code`, nothing on stdout, ONE line on stderr naming each of `names`, no traceback."""
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything, everything
    assert result.returncode == code, f"exit {result.returncode}, expected {code}: {everything}"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pgt: error: "), lines[0]
    for name in names:
        assert name in lines[0], (name, lines[0])
    assert result.stdout == ""
    return lines[0]
