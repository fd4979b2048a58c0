#!/usr/bin/env python3
"""Benchmark of PDF reading (not a test): pages per second and peak memory of

- bare pdfplumber table extraction (`page.extract_tables()` on every page),
- bare camelot (lattice, pdfium backend, all pages),
- pgt's whole pipeline (`pgt.pipeline.convert`: read, build, normalise, validate),
- OCRmyPDF on the scanned pages (`--force-ocr -l fra --output-type pdf --optimize 0`: OCR
  and a text layer, no image optimisation nor PDF/A conversion), the reference for pgt's
  OCR wall time at the same `--jobs`, in the same run, on the same machine,

on a PDF rendering of the detail document (raw/pgt-fiches-actions.txt, A4 landscape, ruled
tables, see tests/pdf_fixtures.py), born-digital and scanned (pages turned into 300 dpi
bitmaps). Each measurement runs in a fresh subprocess: its peak memory is the largest
resident memory of that process and the processes it started (workers, Tesseract) together,
sampled every 20 ms.

    .venv/bin/python scripts/bench_pdf.py                      # print the table
    .venv/bin/python scripts/bench_pdf.py --scan-pages 12 --output docs/benchmark.md
    .venv/bin/python scripts/bench_pdf.py --ocr-only --scan-pages 45 --jobs 2   # pgt vs OCRmyPDF only

Importable (`scripts/bench.py` calls it): `build_inputs`, `build_summary`, `run_isolated`,
`ocr_comparison`.

Bare pdfplumber and camelot read no text on scanned pages (no text layer): their figures
on the scan show the cost of finding nothing; only pgt reads those pages (OCR).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                kids = [int(k) for k in children.read_text().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


class MemorySampler:
    """Peak of the resident memory of this process and all its descendants together
    (workers, Tesseract), sampled every 20 ms. (ru_maxrss would carry the benchmark
    parent's peak over fork+exec, and counts each process apart.)"""

    def __init__(self) -> None:
        import threading

        self.peak_kib = 0
        self.cpu_seconds = 0.0  # the sampler's own CPU time, left out of the measurement
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            total = sum(_rss_kib(pid) for pid in [me, *_descendants(me)])
            self.peak_kib = max(self.peak_kib, total)
            self._stop.wait(0.02)
        self.cpu_seconds = time.thread_time()

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        own_hwm = 0
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own_hwm = int(line.split()[1])
        self.peak_kib = max(self.peak_kib, own_hwm)


def _cpu_seconds() -> float:
    """User + system time of this process and of every process it started and waited for
    (workers, Tesseract, OCRmyPDF and its own children)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(kind: str, path: str, jobs: int) -> dict:
    """Run one measurement in this (fresh) process."""
    cpu_before = _cpu_seconds()
    with MemorySampler() as memory:
        figures = _measure(kind, path, jobs)
    figures["cpu_seconds"] = _cpu_seconds() - cpu_before - memory.cpu_seconds
    figures["sampler_cpu_seconds"] = memory.cpu_seconds
    figures["peak_mib"] = memory.peak_kib / 1024
    return figures


def _measure(kind: str, path: str, jobs: int) -> dict:
    start = time.perf_counter()
    tables = 0
    if kind == "pdfplumber":
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
            for page in pdf.pages:
                tables += len(page.extract_tables())
                page.close()
    elif kind == "camelot":
        import camelot

        found = camelot.read_pdf(path, pages="all", flavor="lattice", backend="pdfium", suppress_stdout=True)
        tables = len(found)
        import pypdfium2

        pages = len(pypdfium2.PdfDocument(path))
    elif kind == "pgt":
        from pgt.pipeline import convert

        # several PDFs (the summary and a scan) are given joined by os.pathsep
        result = convert([Path(p) for p in path.split(os.pathsep)], jobs=jobs)
        pages = sum(d.pages or 0 for d in result.documents)
        tables = sum(len(d.tables_report) for d in result.documents)
        actions = len(result.plan.all_actions())
    elif kind == "ocrmypdf":
        import pypdfium2

        pages = len(pypdfium2.PdfDocument(path))
        with tempfile.TemporaryDirectory(prefix="pgt-bench-ocrmypdf-") as folder:
            subprocess.run(ocrmypdf_command(path, str(Path(folder) / "out.pdf"), jobs), check=True,
                           capture_output=True)
    else:
        raise SystemExit(f"unknown measurement {kind}")
    elapsed = time.perf_counter() - start
    out = {"seconds": elapsed, "pages": pages, "tables": tables}
    if kind == "pgt":
        out["actions"] = actions
    return out


def ocrmypdf_command(source: str, target: str, jobs: int) -> list[str]:
    """OCRmyPDF doing only the work comparable to pgt's: rasterise, OCR in French, add the
    text layer; no optimisation, no PDF/A (Ghostscript) conversion."""
    return ["ocrmypdf", "--jobs", str(jobs), "--force-ocr", "-l", "fra", "--output-type", "pdf",
            "--optimize", "0", "--quiet", source, target]


def ocrmypdf_version() -> str | None:
    try:
        done = subprocess.run(["ocrmypdf", "--version"], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() or None


def ocr_comparison(scan: Path, jobs: int, repeat: int = 1) -> dict:
    """pgt's OCR and OCRmyPDF's on the same scanned pages, same `jobs`, alternated in the
    same run (each best of `repeat`); `ratio` = pgt seconds / OCRmyPDF seconds."""
    pgt_runs, ref_runs = [], []
    for _ in range(repeat):
        pgt_runs.append(run_isolated("pgt", scan, jobs))
        ref_runs.append(run_isolated("ocrmypdf", scan, jobs))
    pgt = min(pgt_runs, key=lambda r: r["seconds"])
    ref = min(ref_runs, key=lambda r: r["seconds"])
    return {"pgt": pgt, "ocrmypdf": ref, "jobs": jobs, "ratio": pgt["seconds"] / ref["seconds"]}


def run_isolated(kind: str, path: Path, jobs: int = 1, repeat: int = 1) -> dict:
    """Best time of `repeat` fresh runs (the least disturbed by other work on the machine),
    largest peak memory."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--measure", kind, str(path), "--jobs", str(jobs)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["seconds"])
    return {**best, "peak_mib": max(r["peak_mib"] for r in runs), "runs": repeat}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
        )
        ram = f"{mem_kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration):
        ram = "unknown RAM"
    tesseract = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.splitlines()
    return (
        f"{os.cpu_count()} cores ({cpu}), {ram}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {tesseract[0] if tesseract else 'no Tesseract'}"
    )


def build_summary(folder: Path) -> Path:
    """The summary document rendered as a born-digital PDF."""
    from pdf_fixtures import render_rows_pdf

    from pgt.extract import read_document

    return render_rows_pdf(read_document(ROOT / "raw" / "pgt-priorisation.txt").rows, folder / "priorisation.pdf")


def build_inputs(folder: Path, scan_pages: int) -> tuple[Path, Path]:
    """The detail rendered as a born-digital PDF, and its scan (the first `scan_pages`
    pages; 0: all)."""
    from pdf_fixtures import render_rows_pdf, scanned_copy

    from pgt.extract import read_document

    rows = read_document(ROOT / "raw" / "pgt-fiches-actions.txt").rows
    born = render_rows_pdf(rows, folder / "fiches-actions.pdf")
    import pypdfium2

    total = len(pypdfium2.PdfDocument(str(born)))
    pages = list(range(1, min(scan_pages, total) + 1)) if scan_pages else None
    scan = scanned_copy(born, folder / "fiches-actions-scan.pdf", pages)
    return born, scan


def ocr_only(args: argparse.Namespace) -> None:
    """pgt's OCR against OCRmyPDF's, same pages, same jobs, alternated in this run."""
    jobs = args.jobs if args.jobs > 1 else (os.cpu_count() or 1)
    if ocrmypdf_version() is None:
        raise SystemExit("ocrmypdf is not installed (apt-get install ocrmypdf, or bash scripts/setup.sh)")
    with tempfile.TemporaryDirectory(prefix="pgt-bench-") as folder:
        _, scan = build_inputs(Path(folder), args.scan_pages)
        load_before = os.getloadavg()[0]
        found = ocr_comparison(scan, jobs, args.ocr_repeat)
        load_after = os.getloadavg()[0]
    pgt, ref = found["pgt"], found["ocrmypdf"]
    print("| reader | pages | seconds | pages/s | CPU seconds | peak memory (MiB) |\n| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, f in ((f"pgt convert (OCR), --jobs {jobs}", pgt), (f"OCRmyPDF --jobs {jobs}", ref)):
        print(f"| {label} | {f['pages']} | {f['seconds']:.1f} | {f['pages'] / f['seconds']:.2f} "
              f"| {f['cpu_seconds']:.1f} | {f['peak_mib']:.0f} |")
    print(f"OCR wall time ratio pgt / OCRmyPDF: {found['ratio']:.2f}× (target ≤ 1.0×); "
          f"CPU time ratio {pgt['cpu_seconds'] / ref['cpu_seconds']:.2f}×")
    print(f"{machine()}; {ocrmypdf_version()}; load average {load_before:.1f} before, {load_after:.1f} after")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PDF"), help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help="workers for --ocr-only (default: the cores)")
    parser.add_argument("--scan-pages", type=int, default=0, help="scan only the first N pages (default: all)")
    parser.add_argument("--output", type=Path, help="write the figures as Markdown here")
    parser.add_argument("--repeat", type=int, default=3, help="runs per born-digital measurement, best kept (default 3)")
    parser.add_argument("--ocr-only", action="store_true", help="only pgt's OCR against OCRmyPDF's (--jobs, default: cores)")
    parser.add_argument("--ocr-repeat", type=int, default=1, help="runs of each OCR measurement, best kept (default 1)")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], args.measure[1], args.jobs)))
        return
    if args.ocr_only:
        ocr_only(args)
        return

    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="pgt-bench-") as folder:
        born, scan = build_inputs(Path(folder), args.scan_pages)
        summary = build_summary(Path(folder))
        plan = [
            ("born-digital", "bare pdfplumber extract_tables", "pdfplumber", born, 1),
            ("born-digital", "bare camelot lattice", "camelot", born, 1),
            ("born-digital", "pgt convert, --jobs 1", "pgt", born, 1),
            ("born-digital", f"pgt convert, --jobs {cores}", "pgt", born, cores),
            ("scanned", "bare pdfplumber extract_tables", "pdfplumber", scan, 1),
            ("scanned", "bare camelot lattice", "camelot", scan, 1),
            ("scanned", "pgt convert (OCR), --jobs 1", "pgt", scan, 1),
            ("scanned", f"pgt convert (OCR), --jobs {cores}", "pgt", scan, cores),
            ("scanned + summary", f"pgt convert (OCR) of 2 files, --jobs {cores}", "pgt",
             Path(f"{summary}{os.pathsep}{scan}"), cores),
        ]
        has_ocrmypdf = ocrmypdf_version() is not None
        if has_ocrmypdf:
            plan.append(("scanned", f"OCRmyPDF --jobs {cores} (reference)", "ocrmypdf", scan, cores))
        rows = []
        load_before = os.getloadavg()[0]
        for kind, label, what, path, jobs in plan:
            print(f"… {kind}: {label}", file=sys.stderr, flush=True)
            # OCR runs take minutes: once is enough against the noise of a few seconds.
            figures = run_isolated(what, path, jobs, args.repeat if kind == "born-digital" or what != "pgt" else 1)
            rows.append((kind, label, figures))
        load_after = os.getloadavg()[0]
    lines = [
        "| input | reader | pages | seconds | pages/s | CPU seconds | peak memory (MiB) | tables found |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, label, f in rows:
        lines.append(
            f"| {kind} | {label} | {f['pages']} | {f['seconds']:.1f} | {f['pages'] / f['seconds']:.2f} "
            f"| {f['cpu_seconds']:.1f} | {f['peak_mib']:.0f} | {f['tables']} |"
        )
    bare = rows[0][2]
    whole = rows[2][2]
    ratio = (whole["seconds"] / whole["pages"]) / (bare["seconds"] / bare["pages"])
    table = "\n".join(lines)
    summary = (
        f"pgt's whole pipeline (jobs 1) takes {ratio:.2f}× the time of bare pdfplumber table "
        f"extraction on the same born-digital pages (target: within 2×)."
    )
    by_label = {label: f for _, label, f in rows}
    pgt_ocr = by_label.get(f"pgt convert (OCR), --jobs {cores}")
    reference = by_label.get(f"OCRmyPDF --jobs {cores} (reference)")
    if pgt_ocr and reference:
        summary += (f" OCR wall time, --jobs {cores}: pgt {pgt_ocr['seconds']:.1f} s, OCRmyPDF "
                    f"{reference['seconds']:.1f} s on the same {reference['pages']} scanned pages: ratio "
                    f"{pgt_ocr['seconds'] / reference['seconds']:.2f}× (target: ≤ 1.0×).")
    host = f"{machine()}; load average {load_before:.1f} before, {load_after:.1f} after"
    print(table)
    print(summary)
    print(host)
    if args.output:
        write_markdown(args.output, table, summary, host, args.scan_pages, args.repeat)


def write_markdown(target: Path, table: str, summary: str, host: str, scan_pages: int, repeat: int) -> None:
    scanned = f"its first {scan_pages} pages" if scan_pages else "all its pages"
    text = f"""# PDF reading benchmark

What it measures: reading a PDF rendering of the detail document (`raw/pgt-fiches-actions.txt`
rendered by `tests/pdf_fixtures.py`: A4 landscape, ruled tables, header rows repeated
after page breaks, merged MOYENS header cells, wrapped cells) and a scanned version of
{scanned} (300 dpi bitmaps, no text layer). Each line runs in a fresh process (born-digital
and bare readers: best of {repeat} runs; OCR runs: once); peak
memory is the largest resident memory of that process and the processes it started
(workers, Tesseract) together, sampled every 20 ms. "pgt convert" is the whole pipeline: read, build, normalise, validate.

{table}

{summary}

Bare pdfplumber and camelot find no table on the scanned pages (no text layer, nothing
to read); pgt reads them through OCR (Tesseract, French, 300 dpi), some 25 times slower per page than
a born-digital page; `--jobs` spreads the OCR over the cores (one pool for the pages of
all the files: "scanned + summary" reads both documents). OCRmyPDF (`--force-ocr -l fra
--output-type pdf --optimize 0`, same pages, same `--jobs`) is the reference for the OCR
wall time; "CPU seconds" sums the process and every process it started (workers,
Tesseract, Ghostscript), the fairer figure on a shared machine. The machine was shared with
other work while measuring (load average below): the born-digital lines keep the best of
several runs for that reason.

Machine: {host}.

Re-run: `.venv/bin/python scripts/bench_pdf.py --scan-pages {scan_pages or 0} --output docs/benchmark.md`
(`--scan-pages 0` scans every page; takes a few minutes on 2 cores).
"""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
