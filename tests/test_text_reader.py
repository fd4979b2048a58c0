"""The text export reader: encodings, line endings, markup leftovers, tables and text rows."""

from __future__ import annotations

import html
import random
from pathlib import Path

import pytest

from pgt.errors import UnreadableInput
from pgt.extract import text as reader
from pgt.extract.rows import RowKind
from pgt.extract.text import clean_cell, decode_bytes, read_text_export, rows_from_text

ROOT = Path(__file__).resolve().parent.parent

SAMPLE = "THEMATIQUE ENFANCE\r\n\r\nACTIONS\tPORTEUR DE PROJETS\r\n1. Écrire\tCAF des Landes\r\n"


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252")])
def test_encodings_detected(encoding, expected):
    text, used = decode_bytes(SAMPLE.encode(encoding), "sample.txt")
    assert used == expected and "Écrire" in text and not text.startswith("\ufeff")


def test_latin1_only_bytes_fall_back():
    text, used = decode_bytes("Pôle\x81 Éducation".encode("latin-1"), "x.txt")
    assert used == "latin-1" and text.startswith("Pôle")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings(newline):
    rows, _ = rows_from_text(SAMPLE.replace("\r\n", newline), "s.txt")
    assert [r.kind for r in rows] == [RowKind.TEXT, RowKind.TABLE, RowKind.TABLE]
    assert rows[2].cells == ("1. Écrire", "CAF des Landes")
    assert rows[2].provenance.line == 4 and rows[2].table_index == 0


def test_markup_leftovers_removed_paragraphs_kept():
    assert clean_cell("<p>Fiche 1 : a</p> <p>Fiche 2 : <i>b</i></p>") == "Fiche 1 : a\nFiche 2 : b"
    assert clean_cell("**OBJECTIF INTERMEDIAIRE 1") == "OBJECTIF INTERMEDIAIRE 1"
    assert clean_cell("  a \u00a0 b  ") == "a b"
    assert clean_cell("A &amp; B") == "A & B"


def test_blank_line_separates_tables():
    rows, _ = rows_from_text("a\tb\nc\td\n\ne\tf\n", "t.txt")
    assert [r.table_index for r in rows] == [0, 0, 1]


@pytest.mark.parametrize("data, message", [
    (b"", "empty file"), (b"  \n\n", "empty file"), (b"\x00\x01\x02binary", "binary"),
    (bytes(range(1, 32)) * 40, "binary")])
def test_refused_content(tmp_path, data, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(UnreadableInput, match=message):
        read_text_export(path)


def test_markdown_table_separators_set_aside_by_the_reader():
    """The export's `|---|---|` lines are no rows: the reader keeps them from the builders
    and they are listed; they keep their place in the table's row count."""
    rows, set_aside = rows_from_text("ACTIONS\tOO\n--\t---\n1. Forum\t2\n", "t.txt")
    assert [r.cells for r in rows] == [("ACTIONS", "OO"), ("1. Forum", "2")]
    assert [r.provenance.row for r in rows] == [0, 2]
    assert [(a.row.cells, a.row.provenance.line, a.code) for a in set_aside] == [(("--", "---"), 2, "separator")]
    assert rows_from_text("a\t--- note\n", "t.txt")[1] == []  # text beside dashes is a row


def test_cells_cleaned_alike_with_or_without_the_markup_passes():
    """A cell with no `<` skips the tag passes: the same text as running them."""
    def full(raw: str) -> str:
        cleaned = html.unescape(reader._TAG.sub("", reader._PARAGRAPH_BREAK.sub("\n", raw)).replace("**", ""))
        lines = (reader._SPACES.sub(" ", line).strip() for line in cleaned.split("\n"))
        return "\n".join(line for line in lines if line)

    rng = random.Random(15)
    pieces = ["<p>", "</p> <p>", "<br/>", "<i>", "**", "&amp;", "&lt;", "a", "é", " ", "\u00a0", "\n", "\t", "x<y"]
    for _ in range(2000):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert reader.clean_cell(raw) == full(raw), raw


def _clean_cell_plain(raw: str) -> str:
    """The reference: every cell split into lines, each line's spaces folded by the pattern."""
    text = raw
    if "<" in text:
        text = reader._PARAGRAPH_BREAK.sub("\n", text)
        text = reader._TAG.sub("", text)
    text = html.unescape(text.replace("**", ""))
    lines = (reader._SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def test_clean_cell_shortcuts_answer_as_the_plain_cleaning():
    """A one-line cell is not split and joined, a cell with no spaces to fold is not searched:
    the same text as the plain cleaning, on every cell of raw/ and on made-up awkward ones."""
    cells = [cell for path in sorted((ROOT / "raw").glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines() for cell in line.split("\t")]
    rng = random.Random(3)
    pieces = ["a", "é", " ", "  ", "\t", "\u00a0", "\u202f", "\u2009", "\u2003", "&amp;", "&#10;", "**", "<br>",
              "</p><p>", "\n", "x y", "\x0b", "\u200b", "Œ"]
    cells += ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12))) for _ in range(3000)]
    assert len(cells) > 3000
    for cell in cells:
        assert reader.clean_cell(cell) == _clean_cell_plain(cell), repr(cell)
