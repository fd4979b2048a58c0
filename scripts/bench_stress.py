"""Stress benchmark: a synthetic plan 1×, 2×, 5×, 10× the size of raw/, converted end to end.

    .venv/bin/python scripts/bench_stress.py            # prints a table (and --markdown)

Each size is generated from raw/ (`scaled_plan`): every thématique section of both documents
is printed `factor` times in a row; in copy k the OI, the action numbers and the fiche numbers
are renumbered (n → n + 100·k) so the copies are new objectives and actions, not duplicates
(the normalizers would merge those). Each size converts in its own
process (convert + write the output folder) and reports wall time and peak memory (max RSS).
Not a test: figures go to docs/benchmark-stress.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
OI = re.compile(r"(OBJECTIFS? INTERM[EÉ]DIAIRES? |\bOI ?)(\d+)")
FICHE = re.compile(r"(\bFiche )(\d{1,2})\b")
ACTION = re.compile(r"^(\s*(?:<p>)?\s*)(\d{1,2})(\s*\.\s*[^\d\s.,])")


def is_heading(line: str) -> bool:
    from pgt.settings.headings import thematique_of_heading

    cells = [c for c in line.split("\t") if c.strip()]
    return len(cells) == 1 and line.split("\t")[0].strip() != "" and thematique_of_heading(cells[0]) is not None


def sections(lines: list[str]) -> list[list[str]]:
    """The document cut before each thématique heading (the preamble is its own section)."""
    cuts = [i for i, line in enumerate(lines) if is_heading(line)]
    bounds = [0, *[c for c in cuts if c > 0], len(lines)]
    return [lines[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def renumber(line: str, k: int) -> str:
    """Copy k of a line: OI n → n + 100·k, action `n.` → n + 100·k, `Fiche n` → n + 100·k."""
    line = OI.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 100 * k}", line)
    line = FICHE.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 100 * k}", line)
    return "\t".join(ACTION.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 100 * k}{m.group(3)}", cell)
                     for cell in line.split("\t"))


def scaled_text(text: str, factor: int) -> str:
    out: list[str] = []
    for index, section in enumerate(sections(text.split("\n"))):
        copies = 1 if index == 0 and not is_heading(section[0]) else factor
        for k in range(copies):
            if k == 0:
                out += section
            else:
                body = section[1:]  # the heading once: copies continue the same thématique
                out += [renumber(line, k) for line in body]
    return "\n".join(out)


def scaled_plan(factor: int, folder: Path) -> Path:
    """Write raw/'s two documents `factor` times as large into `folder`; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in sorted(RAW.glob("*.txt")):
        (folder / source.name).write_text(scaled_text(source.read_text(encoding="utf-8"), factor), encoding="utf-8")
    return folder


MEASURE = """
import json, resource, sys, time
from pathlib import Path
start = time.perf_counter()
from pgt.pipeline import convert
from pgt.write import write_outputs
imported = time.perf_counter()
result = convert([Path(sys.argv[1])])
converted = time.perf_counter()
write_outputs(result.plan, Path(sys.argv[2]))
done = time.perf_counter()
plan = result.plan
print(json.dumps({
    "rows": sum(len(d.rows) for d in result.documents),
    "cells": sum(d.non_empty_cells for d in plan.documents),
    "actions": len(plan.all_actions()), "fiches": len(plan.fiches),
    "convert_s": converted - imported, "write_s": done - converted,
    "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "coverage": plan.coverage,
}))
"""


def measure(factor: int, work: Path) -> dict:
    folder = scaled_plan(factor, work / f"x{factor}")
    done = subprocess.run([sys.executable, "-c", MEASURE, str(folder), str(work / f"out{factor}")],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    figures = json.loads(done.stdout)
    figures["factor"] = factor
    figures["input_kb"] = sum(p.stat().st_size for p in folder.iterdir()) / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", default="1,2,5,10")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (int(f) for f in args.factors.split(",")):
            rows.append(measure(factor, Path(tmp)))
    base = rows[0]
    header = ["size", "input KB", "rows", "cells", "actions", "fiches", "convert s", "write s",
              "s per 1k rows", "time ×", "peak RSS MB", "coverage"]
    lines = []
    for r in rows:
        lines.append([f"{r['factor']}×", f"{r['input_kb']:.0f}", str(r["rows"]), str(r["cells"]), str(r["actions"]),
                      str(r["fiches"]), f"{r['convert_s']:.2f}", f"{r['write_s']:.2f}",
                      f"{1000 * r['convert_s'] / r['rows']:.2f}", f"{r['convert_s'] / base['convert_s']:.1f}",
                      f"{r['max_rss_mb']:.0f}", f"{r['coverage']:.2%}"])
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for line in lines:
            print("| " + " | ".join(line) + " |")
    else:
        widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
        print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
        for line in lines:
            print("  ".join(c.rjust(w) for c, w in zip(line, widths)))
    print(f"\n{platform.platform()}, Python {platform.python_version()}, {platform.processor() or platform.machine()}")


if __name__ == "__main__":
    main()
