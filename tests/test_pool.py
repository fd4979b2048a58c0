"""`--jobs N`: the pages of all files share one process pool, scanned pages first, and the
outputs are the same bytes as with one worker; a task failing in a worker is one line.

Two PDFs are made at test time: the summary of raw/ rendered as a Word export would print
it, and the first pages of the detail with page 2 turned into a scan (read through OCR).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import DETAIL, SUMMARY
from pdf_fixtures import mixed_copy, render_rows_pdf
from typer.testing import CliRunner

import pgt.extract.pdf as pdf_reader
import pgt.extract.pool as pool
from pgt.cli import app
from pgt.extract import read_document, read_documents
from pgt.extract.pdf import PAGES_PER_WORKER, chunk_size, pool_work, prepare_pdf
from pgt.extract.pool import auto_jobs, submission_order

SCANNED_PAGE = 2


@pytest.fixture(scope="session")
def two_pdfs(tmp_path_factory) -> list[Path]:
    if shutil.which("tesseract") is None:
        pytest.fail("Tesseract is missing (scripts/setup.sh installs it)")
    folder = tmp_path_factory.mktemp("pool")
    summary = render_rows_pdf(read_document(SUMMARY).rows, folder / "priorisation.pdf")
    rows = read_document(DETAIL).rows
    end = next(i for i, r in enumerate(rows) if r.cells[0] == "THEMATIQUE ENFANCE")
    detail = render_rows_pdf(rows[:end], folder / "fiches-born.pdf")
    return [summary, mixed_copy(detail, folder / "fiches.pdf", [SCANNED_PAGE])]


def test_jobs_1_and_2_write_the_same_bytes(tmp_path, two_pdfs):
    runner = CliRunner()
    for jobs in ("1", "2"):
        result = runner.invoke(app, ["convert", *map(str, two_pdfs), "-o", str(tmp_path / jobs), "-q", "--jobs", jobs])
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "1").iterdir())
    assert {"plan.json", "actions.csv", "report.html"} <= set(names)
    assert names == sorted(p.name for p in (tmp_path / "2").iterdir())
    for name in names:
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name
    plan = (tmp_path / "2" / "plan.json").read_text(encoding="utf-8")
    assert '"kind": "priorisation"' in plan and '"kind": "fiches_actions"' in plan


def test_auto_jobs_reads_text_files_without_a_pool_and_surveys_a_pdf_once(two_pdfs, monkeypatch):
    """--jobs 0 (the CLI's default): text files alone, or one core, read as with --jobs 1 —
    no pool started, and the PDF surveyed to decide is not surveyed again."""
    def no_pool(*args, **kwargs):
        raise AssertionError("no pool for this input")

    monkeypatch.setattr(pool, "run_tasks", no_pool)
    texts = read_documents([SUMMARY, DETAIL], jobs=0)
    assert [d.name for d in texts] == [SUMMARY.name, DETAIL.name]
    surveys: list[Path] = []
    survey = pdf_reader.survey
    monkeypatch.setattr(pdf_reader, "survey", lambda path, *a: surveys.append(path) or survey(path, *a))
    monkeypatch.setattr(pool, "usable_cores", lambda: 1)  # one core: one worker, whatever the pages
    alone = read_documents([two_pdfs[0]], jobs=0)
    assert surveys == [two_pdfs[0]]
    assert [r.cells for r in alone[0].rows] == [r.cells for r in read_documents([two_pdfs[0]], jobs=1)[0].rows]


def test_documents_come_back_in_order_with_pages_in_order(two_pdfs):
    seen: list[tuple[str, int, int]] = []
    documents = read_documents([*two_pdfs, SUMMARY], jobs=2, on_progress=lambda *a: seen.append(a))
    assert [d.name for d in documents] == ["priorisation.pdf", "fiches.pdf", SUMMARY.name]
    pages = [r.provenance.page for r in documents[1].rows]
    assert pages == sorted(pages) and set(pages) == set(range(1, documents[1].pages + 1))
    total = documents[0].pages + documents[1].pages
    assert ("pages", total, total) in seen and ("ocr", 1, 1) in seen and seen[-1][0] == "files"
    assert [s[1] for s in seen if s[0] == "pages"] == sorted(s[1] for s in seen if s[0] == "pages")


def test_scanned_pages_of_every_file_are_submitted_first(two_pdfs):
    summary, detail = (prepare_pdf(p) for p in two_pdfs)
    size = chunk_size(len(summary.surveys) + len(detail.surveys), 2)
    tasks = summary.page_tasks(size, document=0) + detail.page_tasks(size, document=1)
    ordered = submission_order(tasks)
    assert ordered[0].key == (1, SCANNED_PAGE) and ordered[0].ocr_pages == 1
    assert all(t.ocr_pages == 0 for t in ordered[1:])
    # the rest keeps file and page order, and every page is in exactly one task
    assert [t.key for t in ordered[1:]] == [t.key for t in tasks if t.ocr_pages == 0]
    assert sum(t.pages for t in tasks) == len(summary.surveys) + len(detail.surveys)


def _fails_on_page_3(page, number, *args, **kwargs):
    if number == 3:
        raise RuntimeError("boom in the table finder")
    from pgt.extract.pdf_tables import read_text_page

    return read_text_page(page, number, *args, **kwargs)


def _dies_on_page_3(page, number, *args, **kwargs):
    if number == 3:
        os._exit(3)  # the worker process vanishes (as when the kernel kills it)
    from pgt.extract.pdf_tables import read_text_page

    return read_text_page(page, number, *args, **kwargs)


@pytest.mark.parametrize("failure, words", [
    (_fails_on_page_3, ["priorisation.pdf: page 3 cannot be read (RuntimeError: boom"]),
    # a dead worker breaks the whole pool: the first task to report it is named
    (_dies_on_page_3, ["priorisation.pdf: page ", "worker process reading it stopped unexpectedly"]),
])
def test_task_failure_in_a_worker_is_one_line(tmp_path, two_pdfs, monkeypatch, failure, words):
    # workers are forked from this process: they run the patched reader
    monkeypatch.setattr("pgt.extract.pdf.read_text_page", failure)
    result = CliRunner().invoke(app, ["convert", str(two_pdfs[0]), str(DETAIL), "-o", str(tmp_path / "out"),
                                      "-q", "--jobs", "2"])
    assert result.exit_code == 4, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pgt: error: "), result.stderr
    assert all(w in lines[0] for w in words), lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


# ---- Tesseract kept loaded in each worker ---------------------------------------------------


def test_tesseract_library_gives_the_command_s_words(two_pdfs, monkeypatch):
    """libtesseract (model loaded once per process) reads exactly what the `tesseract`
    command reads: same TSV, so the same words, boxes and confidences."""
    from pgt.extract import tesseract_api
    from pgt.extract.ocr import _tesseract_command, render_page, run_tesseract

    assert tesseract_api.available("fra")
    gray = render_page(str(two_pdfs[1]), None, SCANNED_PAGE, 300)[:900]  # the top of the scanned page
    for psm in (3, 6):
        assert tesseract_api.tsv(gray, 300, "fra", psm) == _tesseract_command(gray, 300, "fra", psm)
    with_library = run_tesseract(gray, 300, "fra")
    assert len(with_library) > 20
    monkeypatch.setattr(tesseract_api, "tsv", lambda *args: None)  # no library: the command
    assert run_tesseract(gray, 300, "fra") == with_library


def test_regression_tesseract_table_finding_off_reads_the_same_words(two_pdfs):
    """Tesseract's own table finding took a quarter of a page's recognition; pgt erases
    the rules and reads the tables itself, so it is off (`tesseract_api.VARIABLES`): the
    words read are nearly all the same (on the 56 scanned LibreOffice pages, 6703 of 6740
    cells the same, the plan's fields 95.3 % equal instead of 94.1 %)."""
    from collections import Counter

    from pgt.extract import ocr
    from pgt.extract.ocr import render_page

    gray = render_page(str(two_pdfs[1]), None, SCANNED_PAGE, 300)
    _, _, rules = ocr.find_rules(gray, 300)
    gray = gray.copy()
    gray[rules > 0] = 255  # as the page reaches Tesseract
    assert ocr.tesseract_api.VARIABLES == {"textord_tabfind_find_tables": "0"}
    off = ocr._tesseract_command(gray, 300, "fra", 3)
    ocr.tesseract_api.VARIABLES["textord_tabfind_find_tables"] = "1"
    try:
        on = ocr._tesseract_command(gray, 300, "fra", 3)
    finally:
        ocr.tesseract_api.VARIABLES["textord_tabfind_find_tables"] = "0"

    def words(tsv: str) -> list[str]:
        return [line.split("\t")[-1] for line in tsv.splitlines()[1:] if line.count("\t") == 11 and line.split("\t")[-1].strip()]

    same = sum((Counter(words(off)) & Counter(words(on))).values())
    assert len(words(off)) > 100 and same >= 0.97 * len(words(on))


def test_auto_jobs_counts_a_scanned_page_for_a_worker(two_pdfs, monkeypatch):
    """Regression (issue 15, sixth pass): `--jobs 0` weighed a scanned page as a born-digital
    one, so a scan of 2–7 pages was read by one process (2 pages: 2.99 s, against 2.06 s on
    two). Its OCR takes a second or more: one scanned page is a worker's worth of work."""
    summary, detail = (prepare_pdf(p) for p in two_pdfs)
    assert detail.scanned == {SCANNED_PAGE} and not summary.scanned
    born = len(summary.surveys) + len(detail.surveys) - 1
    assert pool_work([summary, detail]) == born + PAGES_PER_WORKER
    assert pool_work([summary]) == len(summary.surveys) < 2 * PAGES_PER_WORKER  # born-digital pages: as before
    assert auto_jobs(pool_work([summary]), PAGES_PER_WORKER, cores=2) == 1
    assert auto_jobs(pool_work([summary, detail]), PAGES_PER_WORKER, cores=2) == 2
    started: list[int] = []
    run_tasks = pool.run_tasks
    monkeypatch.setattr(pool, "run_tasks", lambda tasks, jobs, *a: started.append(jobs) or run_tasks(tasks, jobs, *a))
    monkeypatch.setattr(pool, "usable_cores", lambda: 2)
    documents = read_documents(two_pdfs, jobs=0)
    assert started == [2]
    assert [r.cells for r in documents[1].rows] == [r.cells for r in read_documents([two_pdfs[1]], jobs=1)[0].rows]


def _cgroup(tmp_path: Path, membership: str, files: dict[str, str]) -> tuple[Path, Path]:
    root = tmp_path / "cgroup"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="ascii")
    (tmp_path / "membership").write_text(membership, encoding="ascii")
    return root, tmp_path / "membership"


@pytest.mark.parametrize(("membership", "files", "quota"), [
    ("0::/\n", {"cpu.max": "150000 100000\n"}, 1.5),  # cgroup v2, a container's own view (docker --cpus 1.5)
    ("0::/\n", {"cpu.max": "max 100000\n"}, None),  # v2, unlimited
    ("0::/kubepods/pod1/c1\n", {"kubepods/pod1/c1/cpu.max": "50000 100000\n"}, 0.5),  # v2, the group's path
    ("0::/user.slice\n", {}, None),  # v2 without the cpu controller: unknown, unlimited
    ("0::/a.slice/b.scope\n", {"a.slice/cpu.max": "100000 100000\n",  # a parent's limit holds below it
                              "a.slice/b.scope/cpu.max": "max 100000\n"}, 1.0),
    ("0::/a.slice/b.scope\n", {"a.slice/cpu.max": "300000 100000\n",
                              "a.slice/b.scope/cpu.max": "200000 100000\n"}, 2.0),  # the smallest
    ("3:cpu,cpuacct:/docker/abc\n0::/\n", {"cpu,cpuacct/cpu.cfs_quota_us": "200000\n",
                                           "cpu,cpuacct/cpu.cfs_period_us": "100000\n"}, 2.0),  # v1, mounted as own
    ("1:cpu:/\n0::/\n", {"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),  # v1 unlimited
])
def test_cpu_quota_reads_cgroup_v2_and_v1(tmp_path, membership, files, quota):
    root, member = _cgroup(tmp_path, membership, files)
    assert pool.cpu_quota(root, member) == quota


def test_usable_cores_follow_a_containers_cpu_quota(monkeypatch):
    """A container limited to 1.5 cores sees the machine's 8: `--jobs 0` takes 2 workers, not 8
    (a quota below one core still gets one)."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    monkeypatch.setattr(pool, "cpu_quota", lambda: 1.5)
    assert pool.usable_cores() == 2
    monkeypatch.setattr(pool, "cpu_quota", lambda: 0.25)
    assert pool.usable_cores() == 1
    monkeypatch.setattr(pool, "cpu_quota", lambda: None)
    assert pool.usable_cores() == 8
    monkeypatch.setattr(pool, "cpu_quota", lambda: 16.0)  # more quota than cores: the cores
    assert pool.usable_cores() == 8
