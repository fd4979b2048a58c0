"""Helpers shared by the tests (importable: tests/ is on pytest's pythonpath)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
DETAIL = RAW / "pgt-fiches-actions.txt"
SUMMARY = RAW / "pgt-priorisation.txt"
# ../shared next to the project, as CI has it; PGT_SHARED points elsewhere (a git worktree)
SHARED = Path(os.environ.get("PGT_SHARED") or ROOT.parent / "shared")


def actions_by_id(plan):
    return {a.id: a for a in plan.all_actions()}
