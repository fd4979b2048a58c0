"""Reader of the plan's text exports.

Format: one table row per line with cells separated by TAB, a blank line between tables,
headings and paragraphs as plain lines (no TAB). Cells may carry `<p>`/`<i>` HTML or `**`
markdown left over from the export: they are removed here, paragraph breaks kept as line
breaks inside the cell. The export's Markdown table separators (`--\t---`, a `|---|---|`
line) are no rows: they are set aside here, so that no builder reads them, and listed.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from pgt.errors import UnreadableInput
from pgt.extract.rows import ExtractedDocument, Provenance, RowKind, SetAside, SourceRow, sha256_of

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PARAGRAPH_BREAK = re.compile(r"</p>\s*<p[^>]*>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2009]+")
_CONTROLS = [chr(code) for code in range(32) if chr(code) not in "\t\r\n\f"]  # of binary files, not of text
_SEPARATOR = re.compile(r"^[-–—=:|\s]+$")


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decode a text export: UTF-8 (with or without BOM), else cp1252, else latin-1.

    Binary content (NUL bytes, many control characters) is refused with a clear error.
    """
    if not data.strip():
        raise UnreadableInput(f"{source}: empty file")
    if b"\x00" in data[:65536]:
        raise UnreadableInput(f"{source}: binary content (NUL bytes), not a text export")
    for encoding in ("utf-8-sig", "utf-8"):
        try:
            text = data.decode(encoding)
            used = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
            break
        except UnicodeDecodeError:
            continue
    else:
        try:
            text, used = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, used = data.decode("latin-1"), "latin-1"
    head = text[:65536]
    controls = sum(head.count(ch) for ch in _CONTROLS)
    if controls > max(8, len(head) // 100):
        raise UnreadableInput(f"{source}: binary content ({controls} control characters)")
    return text, used


def clean_cell(raw: str) -> str:
    """Remove export markup, keep paragraph breaks as newlines, fold spaces."""
    text = raw
    if "<" in text:  # tags and paragraph breaks (most cells have none)
        text = _PARAGRAPH_BREAK.sub("\n", text)
        text = _TAG.sub("", text)
    text = html.unescape(text.replace("**", ""))
    if "\n" not in text:  # one line (most cells): the same answer without the split and join
        return _folded_spaces(text).strip()
    lines = (_folded_spaces(line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _folded_spaces(text: str) -> str:
    """Runs of spaces, tabs and no-break spaces as one space; a text with none to fold (no
    two spaces running, every character printable — a tab or a no-break space is not: most
    cells) is returned as it is."""
    if "  " in text or not text.isprintable():
        return _SPACES.sub(" ", text)
    return text


def is_separator(text: str) -> bool:
    """A Markdown table separator's cell (`--`, `:---:`, `|---|`) left by the export."""
    return bool(_SEPARATOR.match(text)) and "-" in text


def rows_from_text(text: str, document: str) -> tuple[list[SourceRow], list[SetAside]]:
    """Split a decoded text export into rows: TAB lines are table rows, others text lines;
    and the table separators set aside (they keep their place in the table's row count)."""
    rows: list[SourceRow] = []
    set_aside: list[SetAside] = []
    # a cell text met again (a label, a year, a public repeated row after row) is held once:
    # the rows and the plan's provenance keep the cells (tests/test_plan_memory.py)
    held: dict[str, str] = {}
    table_index = -1
    row_in_table = 0
    in_table = False
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            in_table = False
            continue
        if "\t" in line:
            if not in_table:
                table_index += 1
                row_in_table = 0
                in_table = True
            cells = tuple(held.setdefault(cell, cell) for cell in map(clean_cell, line.split("\t")))
            provenance = Provenance(document, line=number, table=table_index, row=row_in_table)
            row = SourceRow(cells, provenance, RowKind.TABLE, table_index)
            if row.non_empty and all(is_separator(c) for _, c in row.non_empty):
                set_aside.append(SetAside(row, "separator", "table separator left by the export"))
            else:
                rows.append(row)
            row_in_table += 1
        else:
            in_table = False
            cell = clean_cell(line)
            if cell:
                rows.append(SourceRow((cell,), Provenance(document, line=number), RowKind.TEXT))
    return rows, set_aside


def read_text_export(path: Path) -> ExtractedDocument:
    data = path.read_bytes()
    text, encoding = decode_bytes(data, str(path))
    rows, set_aside = rows_from_text(text, path.name)
    line_count = len(_LINE_BREAK.split(text))
    return ExtractedDocument(
        path=path,
        rows=rows,
        format="text",
        sha256=sha256_of(path),
        lines=line_count,
        encoding=encoding,
        set_aside=set_aside,
    )
