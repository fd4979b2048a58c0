"""Readers of each input format. All of them return an `ExtractedDocument`: the same row
stream (cells + provenance), whatever the format.

The format is detected from the file's content (magic bytes), never from its name.
"""

from __future__ import annotations

import importlib
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pgt.errors import EncryptedInput, InputNotFound, PgtError, UnreadableInput
from pgt.extract.csv_detect import looks_like_csv
from pgt.extract.rows import ExtractedDocument, Provenance, RowKind, SourceRow
from pgt.extract.text import read_text_export

# The reader of a format other than text is loaded when a file of its kind is read, the
# process pool when the documents may be shared among workers (--jobs other than 1; imports
# inside the functions): `pgt check` of text exports loads none of the PDF reader's modules
# (layout, tables, page breaks, OCR; some 10 ms of the run), nor the pool.
if TYPE_CHECKING:
    from pgt.extract.pdf import PdfJob
    from pgt.extract.pool import Task

__all__ = [
    "ExtractedDocument",
    "Provenance",
    "RowKind",
    "SourceRow",
    "detect_format",
    "read_document",
    "read_documents",
]


def detect_format(path: Path) -> str:
    """`pdf`, `docx`, `odt`, `xlsx`, `ods`, `csv`, `doc`, `rtf`, `flat_xml` or `text`, from the
    first bytes (a `.csv` name, or `;`-separated records, tells a CSV file from a text export)."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names or _word_content_types(archive, names):
                    return "docx"
                mimetype = archive.read("mimetype") if "mimetype" in names else b""
                if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
                    return "odt"
                if "xl/workbook.xml" in names:  # .xlsx and .xlsm (macros are not run, nor read)
                    return "xlsx"
                if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                    return "ods"
        except zipfile.BadZipFile as error:
            raise UnreadableInput(f"{path}: damaged archive ({error})") from None
        raise UnreadableInput(f"{path}: a ZIP archive that is neither DOCX, ODT, XLSX nor ODS")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if head.lstrip().startswith(b"<?xml") and (
        b"opendocument" in head or b"schemas.microsoft.com/office/word" in head
    ):
        return "flat_xml"  # Flat ODT (.fodt) or Word 2003 XML: one XML file, no package
    if path.suffix.lower() == ".csv" or looks_like_csv(head):
        return "csv"
    return "text"


def _word_content_types(archive, names: set[str]) -> bool:
    """A Word main part declared under another name than word/document.xml (some
    generators write word/document2.xml): the package's content types say what it is."""
    if "[Content_Types].xml" not in names:
        return False
    types = archive.read("[Content_Types].xml")
    return b"wordprocessingml.document.main" in types or b"wordprocessingml.template.main" in types or (
        b"ms-word.document.macroEnabled.main" in types
    )


def _checked_format(path: Path) -> str:
    if not path.exists():
        raise InputNotFound(f"{path}: no such file")
    if path.is_dir():
        raise InputNotFound(f"{path}: is a folder, not a document")
    if not path.is_file():  # /dev/zero would be read forever, a FIFO would block
        raise UnreadableInput(f"{path}: not a regular file (device, FIFO or socket)")
    return detect_format(path)


def read_documents(paths: list[Path], *, password: str | None = None, jobs: int = 1,
                   on_progress: Callable[[str, int, int], None] | None = None,
                   pdf: dict | None = None) -> list[ExtractedDocument]:
    """Read every document, in the order given. With `jobs` > 1 the pages of all the PDFs
    and the other documents are tasks of one process pool (`pool.run_tasks`: scanned pages
    first); each PDF is surveyed here first, in order, so a bad file fails before any work.
    `jobs` = `pool.AUTO`: one worker per core when the PDFs have pages enough to share
    (`PAGES_PER_WORKER` each, a scanned page counting for as many: `pdf.pool_work`), else one.
    `pdf`: the PDF reader's settings (the profile's `[pdf]` section, as `PdfSettings` keywords)."""
    paths = [Path(p) for p in paths]
    if jobs == 1 or not paths:
        return [read_document(p, password=password, on_progress=on_progress, pdf=pdf) for p in paths]
    from pgt.extract.pool import AUTO, Task, auto_jobs, run_tasks
    formats = [_checked_format(p) for p in paths]
    pdf_jobs: dict[int, PdfJob] = {}
    if "pdf" in formats:
        prepare_pdf = _reader(paths[formats.index("pdf")], "pdf", "prepare_pdf", "PDF")  # first: its clear error
        from pgt.extract.pdf import PAGES_PER_WORKER, chunk_size, finish_pdf, pool_work, read_pages
        from pgt.extract.pdf_tables import PdfSettings
        settings = PdfSettings(**pdf) if pdf is not None else None
        pdf_jobs = {i: prepare_pdf(p, password, settings) for i, (p, f) in enumerate(zip(paths, formats)) if f == "pdf"}
    pages = sum(len(job.surveys) for job in pdf_jobs.values())
    if jobs == AUTO:  # no PDF: no page to share out, one worker (as `auto_jobs` says of no work)
        jobs = auto_jobs(pool_work(pdf_jobs.values()), PAGES_PER_WORKER) if pdf_jobs else 1
    if jobs == 1 or (len(paths) == 1 and pages <= 1):  # the PDFs surveyed are read as they are
        return [finish_pdf(pdf_jobs[i], read_pages(pdf_jobs[i], 1, on_progress)) if i in pdf_jobs
                else read_document(p, password=password, on_progress=on_progress, pdf=pdf)
                for i, p in enumerate(paths)]

    tasks: list[Task] = []
    for index, path in enumerate(paths):
        if index in pdf_jobs:
            tasks += pdf_jobs[index].page_tasks(chunk_size(pages, jobs), document=index)
        else:
            tasks.append(Task(key=(index, 0), function=read_document, args=(path,), kwargs={"password": password, "pdf": pdf},
                              where=str(path), document=index))
    results = run_tasks(tasks, jobs, on_progress)
    documents: list[ExtractedDocument] = []
    for index in range(len(paths)):
        if index in pdf_jobs:
            keys = sorted(k for k in results if k[0] == index)
            documents.append(finish_pdf(pdf_jobs[index], [c for k in keys for c in results[k]]))
        else:
            documents.append(results[(index, 0)])
    return documents


def read_document(path: Path, *, password: str | None = None, jobs: int = 1,
                  on_progress: Callable[[str, int, int], None] | None = None,
                  pdf: dict | None = None) -> ExtractedDocument:
    """Read one document into rows with provenance, whatever its format. `pdf`: the PDF
    reader's settings (the profile's `[pdf]` section, as `PdfSettings` keywords)."""
    path = Path(path)
    fmt = _checked_format(path)
    if fmt == "text":
        return read_text_export(path)
    if fmt == "pdf":
        read_pdf = _reader(path, "pdf", "read_pdf", "PDF")
        if pdf is None:
            return read_pdf(path, password=password, jobs=jobs, on_progress=on_progress)
        from pgt.extract.pdf_tables import PdfSettings
        return read_pdf(path, password=password, jobs=jobs, on_progress=on_progress, settings=PdfSettings(**pdf))
    if fmt == "docx":
        read_docx = _reader(path, "docx", "read_docx", "DOCX")
        return read_docx(path)
    if fmt == "odt":
        read_odt = _reader(path, "odt", "read_odt", "ODT")
        return read_odt(path)
    if fmt in ("xlsx", "ods", "csv"):
        read_spreadsheet = _reader(path, "spreadsheet", "read_spreadsheet", fmt.upper())
        return read_spreadsheet(path, fmt)
    if fmt in ("rtf", "flat_xml"):
        kind = "RTF" if fmt == "rtf" else "single-file XML (Flat ODT or Word 2003 XML)"
        raise UnreadableInput(
            f"{path}: {kind} is not read directly; save it as .docx or .odt (or run "
            f"`soffice --headless --convert-to docx {path.name}`) and read that"
        )
    raise _refuse_ole(path)


def _refuse_ole(path: Path) -> PgtError:
    """The error for an OLE compound file: legacy .doc, password-protected DOCX, or other.

    A password-protected DOCX is stored in an OLE container too (an "EncryptedPackage"
    stream), so the stream names decide what to tell the user.
    """
    data = path.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data:
        return EncryptedInput(
            f"{path}: password-protected Word document; open it, remove the password "
            f"(File › Info › Protect Document) and save it again as .docx"
        )
    if "Workbook".encode("utf-16-le") in data and "WordDocument".encode("utf-16-le") not in data:
        return UnreadableInput(
            f"{path}: legacy Excel .xls is not read directly; save it as .xlsx (Excel: Save As › Excel "
            f"Workbook, or `soffice --headless --convert-to xlsx {path.name}`) and read the .xlsx"
        )
    if "WordDocument".encode("utf-16-le") not in data:
        # No Word stream found (Excel, PowerPoint, or a truncated .doc): say both.
        return UnreadableInput(
            f"{path}: a legacy Office file (OLE) with no Word document stream (Excel or "
            f"PowerPoint, or a damaged .doc?); export the plan as .docx, .odt, PDF or text "
            f"(a Word .doc converts with `soffice --headless --convert-to docx {path.name}`)"
        )
    return UnreadableInput(
        f"{path}: legacy Word .doc is not read directly; convert it to .docx (Word: Save "
        f"As › Word Document, or `soffice --headless --convert-to docx {path.name}`) and "
        f"read the .docx"
    )


def _reader(path: Path, module: str, function: str, label: str) -> Callable[..., ExtractedDocument]:
    """The reader of a format, or a clear error when this installation lacks it (the reader
    module not shipped yet, or a library it needs not installed) — never an ImportError."""
    try:
        return getattr(importlib.import_module(f"pgt.extract.{module}"), function)
    except ModuleNotFoundError as error:
        if error.name == f"pgt.extract.{module}":
            raise UnreadableInput(f"{path}: {label} input is not supported yet by this version of pgt") from None
        raise UnreadableInput(f"{path}: reading {label} needs the Python package '{error.name}', "
                              f"which is not installed (run scripts/setup.sh)") from None
