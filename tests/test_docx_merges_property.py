"""Property: any table with merged cells reads back as "text once, empty elsewhere", one
cell per column, in DOCX and in ODT (random grids and merges, rendered by the fixtures)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import docx_fixtures
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pgt.extract import read_document
from pgt.extract.rows import RowKind

# Cell texts as the readers give them: spaces folded, no empty text (empty = merged over).
_WORDS = (
    st.text(alphabet="abcdeéàMOYENS -'", min_size=1, max_size=8)
    .map(lambda text: " ".join(text.split()))
    .filter(bool)
)
Merge = tuple[int, int, int, int]


@st.composite
def merged_tables(draw) -> tuple[list[tuple[str, ...]], list[Merge]]:
    """A grid of texts and non-overlapping rectangles merged over empty cells."""
    height, width = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    cells = [[draw(_WORDS) for _ in range(width)] for _ in range(height)]
    taken: set[tuple[int, int]] = set()
    merges = []
    for _ in range(draw(st.integers(0, 4))):
        top, left = draw(st.integers(0, height - 1)), draw(st.integers(0, width - 1))
        bottom, right = draw(st.integers(top, height - 1)), draw(st.integers(left, width - 1))
        area = {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
        if len(area) < 2 or area & taken:
            continue
        taken |= area
        merges.append((top, left, bottom, right))
        for r, c in area - {(top, left)}:
            cells[r][c] = ""  # a merge covers cells that are empty in the text export
    return [tuple(row) for row in cells], merges


def without_span_only_columns(cells: list[tuple[str, ...]], merges: list[Merge]) -> list[tuple[str, ...]]:
    """The DOCX reader leaves out grid columns where no cell starts in any row."""
    continued = {
        (r, c) for t, left, b, right in merges for r in range(t, b + 1) for c in range(left + 1, right + 1)
    }
    kept = [
        c for c in range(len(cells[0])) if any((r, c) not in continued for r in range(len(cells)))
    ]
    return [tuple(row[c] for c in kept) for row in cells]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(merged_tables())
def test_merged_cells_read_back_as_text_once_empty_elsewhere(table):
    cells, merges = table
    blocks = [("table", docx_fixtures.TableLayout(cells, merges))]
    with tempfile.TemporaryDirectory() as folder:
        docx_path = docx_fixtures.render_docx_blocks(blocks, Path(folder) / "t.docx")
        odt_path = docx_fixtures.render_odt_blocks(blocks, Path(folder) / "t.odt")
        docx_rows = [r.cells for r in read_document(docx_path).rows if r.kind is RowKind.TABLE]
        odt_rows = [r.cells for r in read_document(odt_path).rows if r.kind is RowKind.TABLE]
    assert docx_rows == without_span_only_columns(cells, merges)
    assert odt_rows == cells
