"""Readers of each input format. All of them return an `ExtractedDocument`: the same row
stream (cells + provenance), whatever the format.

The format is detected from the file's content (magic bytes), never from its name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pgt.errors import InputNotFound, UnreadableInput
from pgt.extract.rows import ExtractedDocument, Provenance, RowKind, SourceRow

__all__ = [
    "ExtractedDocument",
    "Provenance",
    "RowKind",
    "SourceRow",
    "detect_format",
    "read_document",
]


def detect_format(path: Path) -> str:
    """`pdf`, `docx`, `odt`, `doc` or `text`, from the first bytes of the file."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        import zipfile

        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return "docx"
                if "mimetype" in names and archive.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument.text"
                ):
                    return "odt"
        except zipfile.BadZipFile as error:
            raise UnreadableInput(f"{path}: damaged archive ({error})") from None
        raise UnreadableInput(f"{path}: a ZIP archive that is neither DOCX nor ODT")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    return "text"


def read_document(path: Path, *, password: str | None = None, jobs: int = 1,
                  on_progress: Callable[[str, int, int], None] | None = None) -> ExtractedDocument:
    """Read one document into rows with provenance, whatever its format."""
    path = Path(path)
    if not path.exists():
        raise InputNotFound(f"{path}: no such file")
    if path.is_dir():
        raise InputNotFound(f"{path}: is a folder, not a document")
    fmt = detect_format(path)
    if fmt == "text":
        from pgt.extract.text import read_text_export

        return read_text_export(path)
    if fmt == "pdf":
        read_pdf = _reader(path, "pdf", "read_pdf", "PDF")
        return read_pdf(path, password=password, jobs=jobs, on_progress=on_progress)
    if fmt in ("docx", "odt"):
        read_docx = _reader(path, "docx", "read_docx", fmt.upper())
        return read_docx(path)
    raise UnreadableInput(
        f"{path}: legacy Word .doc is not read directly; convert it with "
        f"`soffice --headless --convert-to docx {path.name}` and read the .docx"
    )


def _reader(path: Path, module: str, function: str, label: str) -> Callable[..., ExtractedDocument]:
    """The reader of a format, or a clear error when this installation lacks it (the reader
    module not shipped yet, or a library it needs not installed) — never an ImportError."""
    import importlib

    try:
        return getattr(importlib.import_module(f"pgt.extract.{module}"), function)
    except ModuleNotFoundError as error:
        if error.name == f"pgt.extract.{module}":
            raise UnreadableInput(f"{path}: {label} input is not supported yet by this version of pgt") from None
        raise UnreadableInput(f"{path}: reading {label} needs the Python package '{error.name}', "
                              f"which is not installed (run scripts/setup.sh)") from None
