"""Whether a text file is a CSV file, and its text: what the format detection of every input
asks (`extract.detect_format`), apart from the spreadsheet reader (spreadsheet.py, which
loads the ODS parser) so that reading a text export loads no spreadsheet code."""

from __future__ import annotations

import csv
import io

CSV_ENCODINGS = ("utf-8-sig", "cp1252")  # Excel writes UTF-8 with a BOM, or the Windows code page


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM) first, then the Windows code page."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"  # every byte decodes: the last resort


def looks_like_csv(head: bytes) -> bool:
    """A text file of `;`-separated records (Excel's French CSV) even without a .csv name:
    no TAB (the text exports are TAB-separated) and its first records (quoted multi-line
    cells included) have the same number of fields, three or more."""
    text, _ = decode_csv(head)
    if "\t" in text or ";" not in text:
        return False
    complete = text if len(head) < 4096 else text[: text.rfind("\n") + 1]  # the last line may be cut
    try:
        records = [r for r in csv.reader(io.StringIO(complete, newline=""), delimiter=";") if any(r)][:6]
    except csv.Error:
        return False
    widths = {len(r) for r in records}
    return len(records) >= 2 and len(widths) == 1 and min(widths) >= 3
