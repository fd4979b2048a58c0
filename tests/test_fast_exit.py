"""The console entry point ends the process without the interpreter's teardown (cli.exit_now,
issue 15): what must run at exit still runs (threads joined, their exit functions, atexit's, in
CPython's order), the output is all there, the exit codes are the same."""

from __future__ import annotations

import subprocess
import sys

from cli_run import ROOT, run_pgt

PROBE = """
import atexit, sys, threading, time
from pgt import cli
atexit.register(lambda: print("atexit ran"))  # buffered: printed only if stdout is flushed after
if sys.argv[1] == "thread":
    threading.Thread(target=time.sleep, args=(2,)).start()  # not a daemon: joined at exit
    def joined():
        print("thread joined")
    threading._register_atexit(joined)
sys.argv = ["pgt", *sys.argv[2:]]
cli.main()
"""


def probe(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def test_fast_exit_runs_atexit_functions_and_flushes_the_whole_report():
    done = probe("-", "check", "raw")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("pgt check: raw/pgt-fiches-actions.txt")
    assert "12 expectation(s), 0 failed → passed" in done.stdout
    assert lines[-1] == "atexit ran"  # after the report: the atexit functions ran, then the flush


def test_fast_exit_keeps_the_exit_codes_and_the_one_line_error():
    missing = run_pgt("convert", "nowhere.txt", "-q")
    assert missing.returncode == 3 and missing.stderr.startswith("pgt: error: nowhere.txt")
    usage = run_pgt("no-such-command")
    assert usage.returncode == 2 and "No such command" in usage.stderr
    assert run_pgt("--help").returncode == 0


def test_threads_alive_at_the_end_are_joined_and_their_exit_functions_run_first():
    done = probe("thread", "check", "raw", "-q")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["thread joined", "atexit ran"]
