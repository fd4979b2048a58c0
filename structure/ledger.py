"""Cell accounting: every non-empty source cell is placed in the plan or listed as residue."""

from __future__ import annotations

from collections.abc import Iterable

from pgt.extract.rows import SetAside, SourceRow
from pgt.schema import Anomaly
from pgt.settings.text import loose_key


__all__ = ["Ledger", "UnrecordedLedger", "loose_key"]  # loose_key: the one text fold's loose form (settings/text.py)


class Ledger:
    """Records which cells of which rows the builder used; the rest become anomalies."""

    def __init__(self, rows: list[SourceRow], set_aside: Iterable[SetAside] = ()) -> None:
        """`set_aside`: rows the reader kept out of `rows` (export artefacts): counted, and
        listed first, as the reader met them before any builder."""
        aside = list(set_aside)
        self.rows = rows + [a.row for a in aside]
        self._placed: dict[int, set[int]] = {}
        self._listed: dict[int, set[int]] = {}  # residue: listed as anomalies, not placed
        self._refused: dict[int, set[int]] = {}  # residue a later place() must not override
        self.anomalies: list[Anomaly] = []
        for artefact in aside:
            self.residue(artefact.row, artefact.reason, severity="info", code=artefact.code)

    def place(self, row: SourceRow, indices: Iterable[int] | None = None) -> None:
        """Mark cells of `row` as placed (all non-empty cells when `indices` is None)."""
        key = id(row)
        chosen = [i for i, _ in row.non_empty] if indices is None else indices
        placed = self._placed.get(key)
        if placed is None:
            placed = self._placed[key] = set()
        refused = self._refused.get(key)
        placed.update(chosen if not refused else (i for i in chosen if i not in refused))

    def note(self, code: str, message: str, row: SourceRow | None = None, *,
             severity: str = "warning", record_id: str | None = None,
             cells: list[str] | None = None, indices: Iterable[int] | None = None) -> None:
        """An anomaly located at `row` (cells default to the row's non-empty cells; in a
        workbook, `indices` name the cells' references, else the cells' texts do)."""
        provenance = row.provenance if row is not None else None
        listed = cells if cells is not None else ([c for _, c in row.non_empty] if row else [])
        where = Anomaly.located(provenance)
        if row is not None:
            where["cell"] = _cell_refs(row, listed, indices)
        self.anomalies.append(
            Anomaly(
                code=code,
                message=message,
                severity=severity,  # type: ignore[arg-type]
                **where,  # type: ignore[arg-type]
                record_id=record_id,
                cells=listed,
            )
        )

    def residue(self, row: SourceRow, reason: str, indices: Iterable[int] | None = None,
                *, severity: str = "warning", code: str = "unplaced_cells") -> None:
        """Cells the builder could not place: listed with their location, not placed."""
        chosen = [i for i, _ in row.non_empty] if indices is None else list(indices)
        cells = [row.cells[i] for i in chosen if row.cells[i].strip()]
        if cells:
            self.note(code, reason, row, severity=severity, cells=cells, indices=chosen)
        self._listed.setdefault(id(row), set()).update(chosen)

    def refuse(self, row: SourceRow, index: int, reason: str, *, code: str, severity: str = "warning") -> None:
        """A cell read but whose content the plan cannot keep (an OO title conflicting with
        the one already read, an OO outside any OI): listed, and not placed even if the
        caller places the cell afterwards."""
        self.residue(row, reason, [index], severity=severity, code=code)
        self._refused.setdefault(id(row), set()).add(index)
        self._placed.get(id(row), set()).discard(index)

    def is_placed(self, row: SourceRow, index: int) -> bool:
        """Whether cell `index` of `row` was placed (for audits: `pgt.accounting`)."""
        return index in self._placed.get(id(row), set())

    def finish(self) -> tuple[int, int]:
        """List every cell nobody accounted for; return (non-empty cells, placed cells)."""
        total = placed = 0
        for row in self.rows:
            used = self._placed.get(id(row), set())
            listed = self._listed.get(id(row), set())
            forgotten = []
            for index, text in row.non_empty:
                total += 1
                if index in used:
                    placed += 1
                elif index not in listed:
                    forgotten.append(index)
            if forgotten:
                self.residue(row, "cells not placed by the structure builder", forgotten)
        return total, placed


def _cell_refs(row: SourceRow, listed: list[str], indices: Iterable[int] | None) -> str | None:
    """The A1 references of the listed cells of a workbook row (`D4 F4`), None elsewhere."""
    refs = row.provenance.cell_refs
    if not refs:
        return None
    chosen = list(indices) if indices is not None else [i for i, text in row.non_empty if text in listed]
    named = [refs[i] for i in chosen if i < len(refs) and refs[i] and row.cells[i].strip()]
    return " ".join(named) or None


class UnrecordedLedger(Ledger):
    """A ledger that records nothing, for a walk whose accounting is thrown away (the
    fiches actions builder's scout walk): the builders write to their ledger and never
    read it, so what a walk does is the same with this one (tests/test_offer_alignment.py)."""

    def __init__(self) -> None:
        super().__init__([])

    def place(self, row: SourceRow, indices: Iterable[int] | None = None) -> None:
        pass

    def note(self, code: str, message: str, row: SourceRow | None = None, *,
             severity: str = "warning", record_id: str | None = None,
             cells: list[str] | None = None, indices: Iterable[int] | None = None) -> None:
        pass

    def residue(self, row: SourceRow, reason: str, indices: Iterable[int] | None = None,
                *, severity: str = "warning", code: str = "unplaced_cells") -> None:
        pass

    def refuse(self, row: SourceRow, index: int, reason: str, *, code: str, severity: str = "warning") -> None:
        pass
