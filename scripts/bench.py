#!/usr/bin/env python3
"""Benchmark of pgt against a reference run on the same input, in the same invocation (not a test).

    .venv/bin/python scripts/bench.py                 # every row, 5 runs each, median kept
    .venv/bin/python scripts/bench.py --only text --repeat 7
    .venv/bin/python scripts/bench.py --only pdf --only scan --scan-pages 4
    .venv/bin/python scripts/bench.py --only scale --scales 1 10

Each figure is a whole process, started fresh: a small stdlib wrapper, itself a fresh
process per run, starts the command as its only child, waits for it and reports its wall
time and, from `resource.getrusage(RUSAGE_CHILDREN)`, its CPU time (user + system) and peak
resident memory (the largest of the command and the processes it waited for, e.g. OCR
workers). Nothing outside Python is needed (no GNU time). Each command runs once before it
is measured (`--warmup`): files in the page cache, and pgt's modules compiled to bytecode as
an installed pgt has them (the children run without PYTHONDONTWRITEBYTECODE).

| input | pgt | reference |
| --- | --- | --- |
| text (`raw/`) | `pgt convert raw/ -o …` | the naive floor: a naive stdlib converter of the same files (headings by regex, an action per numbered cell, fields by the header's columns; actions.csv and plan.json) |
| text (`raw/`) | `pgt check raw/` | the same naive floor |
| — | `pgt --help` | `python -c pass` (the interpreter starting) |
| — | the chosen libraries imported (typer, pydantic and one model, rapidfuzz): pgt's start before its own code | the naive floor |
| DOCX (the detail document as a Word file) | `pgt convert` | bare python-docx: every table cell's text |
| workbook (`.xlsx`, 200 actions one row each, tests/sheet_fixtures.py) | `pgt convert` | bare openpyxl: `load_workbook` and every cell's value |
| born-digital PDF (the detail document, ruled tables) | `pgt convert` | bare pdfplumber `extract_tables` on every page |
| scanned pages (300 dpi, first N pages) | `pgt convert` (OCR) | OCRmyPDF (`-l fra`, text layer only), when installed |
| synthetic plans 1×, 2×, 5×, 10× `raw/` | `pgt convert` | the naive floor on the same files |

Ratios are pgt / reference (time: wall seconds; CPU: user + system seconds, the steadier
figure on a busy machine; memory: peak RSS). The test documents are built once, in a
subprocess, from `raw/` with the suite's own fixtures (tests/docx_fixtures.py,
tests/pdf_fixtures.py) and the synthetic plans of scripts/bench_stress.py. The machine may be
shared: pgt and its reference run alternately (so that both see the same load), the median
of the runs is kept, and the CPU seconds are shown beside the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PGT = [PYTHON, "-m", "pgt.cli"]
SCALES = (1, 2, 5, 10)
ROW_KINDS = ["text", "docx", "xlsx", "pdf", "scan", "scale"]  # `--only`

# The naive floor: a naive stdlib converter of the text exports (as issue 15 measures pgt
# against): headings by regex, an action per numbered first cell, its fields by the header's
# columns, actions.csv and plan.json — no fuzzy matching, no realigning, no checks.
NAIVE_FLOOR = r"""
import csv, json, re, sys
from pathlib import Path
source, target = Path(sys.argv[1]), Path(sys.argv[2])
target.mkdir(parents=True, exist_ok=True)
MARKUP = re.compile(r"</?p>|\*\*")
THEMATIQUE = re.compile(r"^THEMATIQUE\s+(.+)$", re.I)
AXE = re.compile(r"^AXE\s+STRAT[EÉ]GIQUE\s+([IVX\d]+)\b", re.I)
OI = re.compile(r"^OBJECTIF\s+INTERM[EÉ]DIAIRE\s+(\d+)", re.I)
ACTION = re.compile(r"^(\d+)\s*[.)-]\s*(.+)$", re.S)
FICHE = re.compile(r"^Fiche\s+(\d+)\s*:\s*(.+)$", re.I | re.S)
plan, actions, fiches = [], [], []
thematique = axe = oi = action = None
columns: list[str] = []
for path in sorted(source.glob("*.txt")):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        cells = [MARKUP.sub("", cell).strip() for cell in line.split("\t")]
        filled = [c for c in cells if c]
        if not filled:
            continue
        for cell in filled:
            if found := FICHE.match(cell):
                fiches.append({"numero": int(found[1]), "titre": found[2], "document": path.name, "line": number})
        if len(filled) == 1 and cells[0]:
            text = filled[0]
            if found := THEMATIQUE.match(text):
                thematique = {"titre": found[1], "axes": []}; plan.append(thematique); axe = oi = action = None
            elif thematique and (found := AXE.match(text)):
                axe = {"numero": found[1], "objectifs": [], "actions": []}; thematique["axes"].append(axe); oi = action = None
            elif axe and (found := OI.match(text)):
                oi = {"numero": int(found[1]), "actions": []}; axe["objectifs"].append(oi); action = None
            continue
        if cells[0].upper() in ("ACTIONS", "ACTION", "FICHES ACTIONS"):
            columns = [c.lower() for c in cells]
            continue
        if axe and (found := ACTION.match(cells[0])):
            action = {"thematique": thematique["titre"], "axe": axe["numero"], "oi": oi and oi["numero"],
                      "numero": int(found[1]), "titre": found[2], "document": path.name, "line": number}
            for name, value in zip(columns[1:], cells[1:]):
                if value:
                    action[name] = value
            (oi or axe)["actions"].append(action); actions.append(action)
        elif action:
            for name, value in zip(columns[1:], cells[1:]):
                if value:
                    action[name] = f"{action[name]}\n{value}" if name in action else value
names = list(dict.fromkeys(k for a in actions for k in a))
with open(target / "actions.csv", "w", newline="", encoding="utf-8") as handle:
    writer = csv.DictWriter(handle, names)
    writer.writeheader()
    writer.writerows(actions)
(target / "plan.json").write_text(json.dumps({"thematiques": plan, "fiches": fiches}, ensure_ascii=False, indent=2),
                                  encoding="utf-8")
print(len(actions), len(fiches), len(plan))
"""

# The libraries pgt is built on, imported with one pydantic model made and used: what any
# command pays before pgt's own code runs.
CHOSEN_LIBRARIES = r"""
import rapidfuzz.fuzz, typer
from pydantic import BaseModel
class Model(BaseModel):
    field: int = 0
Model(field=1)
"""

BARE_DOCX = r"""
import sys, docx
document = docx.Document(sys.argv[1])
cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
print(len(cells))
"""

BARE_OPENPYXL = r"""
import sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1], data_only=True)
print(sum(1 for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None))
"""

BARE_PDFPLUMBER = r"""
import sys, pdfplumber
tables = 0
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        tables += len(page.extract_tables())
        page.close()
print(tables)
"""

BUILD_INPUTS = r"""
import sys
from pathlib import Path
root, folder, scan_pages = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
factors = [int(f) for f in sys.argv[4:]]
sys.path[:0] = [str(root / "tests"), str(root / "scripts")]
from bench_stress import scaled_plan
from docx_fixtures import render_docx
from pdf_fixtures import render_rows_pdf, scanned_copy
from sheet_fixtures import plan_spec, workbook_with_columns
from pgt.extract import read_document
for factor in factors:
    scaled_plan(factor, folder / f"plan-{factor}x")
rows = read_document(root / "raw" / "pgt-fiches-actions.txt").rows
render_docx(rows, folder / "fiches-actions.docx")
born = render_rows_pdf(rows, folder / "fiches-actions.pdf")
workbook_with_columns(plan_spec(15, n_actions=200), folder / "plan.xlsx")
scanned_copy(born, folder / "fiches-actions-scan.pdf", list(range(1, scan_pages + 1)))
"""


# The measuring wrapper: the command as its only child; what getrusage says of it, as JSON.
MEASURE = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"returncode": done.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_kib": usage.ru_maxrss, "stderr": done.stderr.decode(errors="replace")[-400:]}))
"""


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    peak_mib: float


@dataclass
class Row:
    input: str
    pgt_label: str
    reference_label: str
    pgt: Run | None
    reference: Run | None
    note: str = ""


def child_env() -> dict[str, str]:
    """The environment of the measured commands: as a user's shell, bytecode written and read."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_once(command: list[str], cwd: Path) -> Run:
    """One fresh process, measured by a fresh wrapper process (wall, user + system CPU, max RSS in KiB)."""
    done = subprocess.run([PYTHON, "-c", MEASURE, *command], cwd=cwd, capture_output=True, text=True,
                          env=child_env())
    if done.returncode != 0:
        raise RuntimeError(f"measuring {' '.join(command)} failed: {done.stderr.strip()[-400:]}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    if measured["returncode"] != 0:
        raise RuntimeError(f"{' '.join(command)} exited {measured['returncode']}: {measured['stderr'].strip()}")
    return Run(measured["wall"], measured["cpu"], measured["peak_kib"] / 1024)


def median_run(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), statistics.median(r.cpu_seconds for r in runs),
               max(r.peak_mib for r in runs))


def measure(rows: list[Row], label: tuple[str, str, str], pgt: list[str] | None, reference: list[str] | None,
            cwd: Path, repeat: int, warmup: int, note: str = "") -> None:
    """pgt and its reference, run alternately `repeat` times each after `warmup` unmeasured runs."""
    print(f"… {label[0]}: {label[1]}", file=sys.stderr, flush=True)
    commands = [c for c in (pgt, reference) if c]
    for _ in range(warmup):
        for command in commands:
            run_once(command, cwd)
    runs: dict[int, list[Run]] = {id(c): [] for c in commands}
    for _ in range(repeat):
        for command in commands:
            runs[id(command)].append(run_once(command, cwd))
    rows.append(Row(*label, median_run(runs[id(pgt)]) if pgt else None,
                    median_run(runs[id(reference)]) if reference else None, note))


def ocrmypdf_command() -> list[str] | None:
    found = shutil.which("ocrmypdf")
    return [found] if found else None


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
    return (f"{os.cpu_count()} cores ({cpu}), {mem_kib / 1024 / 1024:.1f} GiB RAM, Python "
            f"{platform.python_version()}, {date.today().isoformat()}")


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "—"


def table(rows: list[Row]) -> str:
    lines = ["| input | pgt | s (CPU s) | peak MiB | reference | s (CPU s) | peak MiB | time ratio | CPU ratio "
             "| memory ratio |",
             "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        p, r = row.pgt, row.reference
        reference = f"{row.reference_label}{f' ({row.note})' if row.note else ''}"
        lines.append(
            f"| {row.input} | {row.pgt_label} | "
            + (f"{p.seconds:.2f} ({p.cpu_seconds:.2f}) | {p.peak_mib:.0f}" if p else "— | —")
            + f" | {reference} | "
            + (f"{r.seconds:.2f} ({r.cpu_seconds:.2f}) | {r.peak_mib:.0f}" if r else "— | —")
            + f" | {ratio(p and p.seconds, r and r.seconds)} | {ratio(p and p.cpu_seconds, r and r.cpu_seconds)}"
            + f" | {ratio(p and p.peak_mib, r and r.peak_mib)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement, median kept (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs of each command first (default 1)")
    parser.add_argument("--scan-pages", type=int, default=2, help="scanned pages to OCR (default 2)")
    parser.add_argument("--scales", type=int, nargs="+", default=list(SCALES),
                        help=f"synthetic plan sizes, × raw/ (default {' '.join(map(str, SCALES))})")
    parser.add_argument("--only", choices=ROW_KINDS, action="append",
                        help="measure only these rows (repeatable)")
    args = parser.parse_args()
    wanted = set(args.only or ROW_KINDS)
    repeat, warmup = args.repeat, args.warmup
    rows: list[Row] = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="pgt-bench-") as temporary:
        folder = Path(temporary)
        out = folder / "out"
        print("… building the test documents", file=sys.stderr, flush=True)
        subprocess.run([PYTHON, "-c", BUILD_INPUTS, str(ROOT), str(folder), str(args.scan_pages),
                        *map(str, args.scales)], check=True, cwd=ROOT)
        naive = [PYTHON, "-c", NAIVE_FLOOR]
        if "text" in wanted:
            measure(rows, ("text (raw/)", "`pgt convert raw/`", "naive floor"),
                    [*PGT, "convert", "raw", "-o", str(out), "-q"], [*naive, "raw", str(folder / "naive")],
                    ROOT, repeat, warmup)
            measure(rows, ("text (raw/)", "`pgt check raw/`", "naive floor"),
                    [*PGT, "check", "raw", "-q"], [*naive, "raw", str(folder / "naive")], ROOT, repeat, warmup)
            measure(rows, ("—", "`pgt --help`", "`python -c pass`"),
                    [*PGT, "--help"], [PYTHON, "-c", "pass"], ROOT, repeat, warmup)
            measure(rows, ("—", "the chosen libraries imported (typer, pydantic and one model, rapidfuzz)",
                           "naive floor on raw/"),
                    [PYTHON, "-c", CHOSEN_LIBRARIES], [*naive, "raw", str(folder / "naive")], ROOT, repeat, warmup)
        if "docx" in wanted:
            docx = folder / "fiches-actions.docx"
            measure(rows, ("DOCX (detail document)", "`pgt convert`", "bare python-docx"),
                    [*PGT, "convert", str(docx), "-o", str(out), "-q"], [PYTHON, "-c", BARE_DOCX, str(docx)],
                    ROOT, repeat, warmup)
        if "xlsx" in wanted:
            workbook = folder / "plan.xlsx"
            measure(rows, ("workbook (200 actions, one row each)", "`pgt convert`", "bare openpyxl `load_workbook`"),
                    [*PGT, "convert", str(workbook), "-o", str(out), "-q"], [PYTHON, "-c", BARE_OPENPYXL, str(workbook)],
                    ROOT, repeat, warmup)
        if "pdf" in wanted:
            pdf = folder / "fiches-actions.pdf"
            pages = subprocess.run([PYTHON, "-c", "import sys, pypdfium2; print(len(pypdfium2.PdfDocument(sys.argv[1])))",
                                    str(pdf)], capture_output=True, text=True, check=True).stdout.strip()
            measure(rows, (f"born-digital PDF ({pages} pages)", "`pgt convert`", "bare pdfplumber `extract_tables`"),
                    [*PGT, "convert", str(pdf), "-o", str(out), "-q"], [PYTHON, "-c", BARE_PDFPLUMBER, str(pdf)],
                    ROOT, repeat, warmup)
        if "scan" in wanted:
            scan = folder / "fiches-actions-scan.pdf"
            ocrmypdf = ocrmypdf_command()
            reference = ([*ocrmypdf, "-q", "-l", "fra", "--output-type", "pdf", "--optimize", "0",
                          str(scan), str(folder / "ocrmypdf.pdf")] if ocrmypdf else None)
            measure(rows, (f"scanned pages ({args.scan_pages}, 300 dpi)", "`pgt convert` (OCR)", "OCRmyPDF -l fra"),
                    [*PGT, "convert", str(scan), "-o", str(out), "-q"], reference, ROOT, 1, 0,
                    "" if ocrmypdf else "not installed: no reference run")
        if "scale" in wanted:
            for factor in args.scales:
                plan = folder / f"plan-{factor}x"
                measure(rows, (f"synthetic plan {factor}× raw/", "`pgt convert`", "naive floor"),
                        [*PGT, "convert", str(plan), "-o", str(out), "-q"], [*naive, str(plan), str(folder / "naive")],
                        ROOT, repeat, warmup)
    load_after = os.getloadavg()[0]
    print(table(rows))
    scaled = {int(r.input.split()[2].rstrip("×")): r.pgt for r in rows if r.input.startswith("synthetic") and r.pgt}
    if 1 in scaled and max(scaled) > 1:
        top = max(scaled)
        print(f"\nSynthetic plans: {top}× raw/ takes {scaled[top].seconds / scaled[1].seconds:.1f}× the time of 1× "
              f"({scaled[top].seconds:.2f} s against {scaled[1].seconds:.2f} s; CPU "
              f"{scaled[top].cpu_seconds / scaled[1].cpu_seconds:.1f}×), peak memory "
              f"{scaled[top].peak_mib / scaled[1].peak_mib:.2f}× ({scaled[top].peak_mib:.0f} MiB against "
              f"{scaled[1].peak_mib:.0f} MiB).")
    print(f"\nMachine: {machine()}; load average {load_before:.1f} before, {load_after:.1f} after; "
          f"median of {repeat} runs after {warmup} warm-up run(s).")


if __name__ == "__main__":
    main()
