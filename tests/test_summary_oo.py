"""OO numbers as printed (issue 14): the summary's fiches in each form the plan prints its
OO in, and the OO of a block printed twice kept through the merge."""

from __future__ import annotations

from pathlib import Path

from helpers import actions_by_id

from pgt.extract.rows import ExtractedDocument, Provenance, RowKind, SourceRow
from pgt.structure.ledger import Ledger
from pgt.structure.priorisation import PriorisationBuilder


def fiches_of(plan, code: str) -> dict[str, object]:
    return {f.id: f for f in plan.fiches if f.thematique == code}


def test_regression_cohesion_sociale_fiche_oo_span_their_oo_rows(raw_plan):
    # the actions cell is one merged cell beside every OO row of its OI (`001 :`, `002 :`…)
    fiches = fiches_of(raw_plan, "cohesion_sociale")
    oo = {fid.split("-f-")[1][:3]: f.oo for fid, f in fiches.items()}
    assert oo["1-1"] == [1, 2, 3]
    assert oo["1-2"] == [1, 2, 3, 4]
    assert oo["1-3"] == [1, 2]
    assert oo["2-1"] == [1, 2]          # 001 with the cell, 002 on the row below
    assert oo["2-2"] == [2, 3]          # printed 003, 002, 003
    assert oo["2-3"] == [1, 2, 3]
    assert oo["3-1"] == [1, 2, 3]
    assert oo["4-1"] == [1]
    assert oo["4-2"] == [1, 2]
    # a row that prints its own actions cell is its own fiche: axe III OI 2
    by_title = {f.titre[:30]: f.oo for f in fiches.values() if f.axe == 3 and f.oi == 2}
    assert sorted(by_title.values()) == [[1], [2]]


def test_regression_jeunesse_fiches_58_59_under_oo3_printed_on_their_row(raw_plan):
    # `OO3 : … décrochage` and `OO1 : … mobilité` on fiche 58's row: the second, a new OI,
    # was printed ahead of its fiches; 58 and 59 are under OI 2's OO 3
    fiches = {f.numero: f for f in raw_plan.fiches if f.thematique == "jeunesse"}
    assert (fiches[58].oi, fiches[58].oo) == (2, [3])
    assert (fiches[59].oi, fiches[59].oo) == (2, [3])
    assert (fiches[61].oi, fiches[61].oo) == (3, [2])
    assert fiches[58].action_id == "jeunesse-4-2-58" and fiches[59].action_id == "jeunesse-4-2-59"


def test_regression_enfance_69_71_keep_their_oo_through_the_merge(raw_plan):
    # printed twice (OI 1 lines 338-342, OI 2 lines 351-359); the OO come with the fields
    actions = actions_by_id(raw_plan)
    assert [actions[f"enfance-3-2-{n}"].oo for n in (69, 70, 71)] == [[1], [1], [2]]
    assert not any(f"enfance-3-1-{n}" in actions for n in (69, 70, 71))


def _row(line: int, *cells: str, table: int = 1) -> SourceRow:
    return SourceRow(cells=tuple(cells), kind=RowKind.TABLE, provenance=Provenance(document="s.txt", line=line),
                     table_index=table)


def test_spanning_actions_cell_takes_the_oo_rows_below():
    rows = [SourceRow(cells=("COHÉSION SOCIALE",), kind=RowKind.TEXT, provenance=Provenance(document="s.txt", line=1)),
            _row(2, "AXE STRATEGIQUE I", "OBJECTIFS INTERMEDIAIRES", "OBJECTIFS OPERATIONNELS", "ACTIONS"),
            _row(3, "Mieux vivre", "OI 1 Coordonner", "001 : Recenser les lieux", "Réseau des cafés associatifs"),
            _row(4, "", "", "002 : Animer le réseau", ""),
            _row(5, "", "OI 2 Informer", "001 : Publier un guide", "Guide des droits"),
            _row(6, "", "", "002 : Tenir des permanences", ""),
            # a table that numbers its fiches (`Fiche 4`): its unnumbered cells are no fiches
            _row(7, "", "OI 3 Former", "OO 1 : Former les bénévoles", "Fiche 4 : Formation des bénévoles", table=2),
            _row(8, "", "", "OO 2 : Accueillir les stagiaires", "", table=2)]
    document = ExtractedDocument(path=Path("s.txt"), rows=rows, format="text", sha256="0" * 64)
    _, fiches = PriorisationBuilder(document, Ledger(rows)).build()
    assert [(f.oi, f.oo, f.titre) for f in fiches] == [
        (1, [1, 2], "Réseau des cafés associatifs"), (2, [1, 2], "Guide des droits"),
        (3, [1], "Formation des bénévoles")]  # a numbered fiche is its OO's own: OO 2 has none


def test_regression_jeunesse_fiche_60_under_the_oo_printed_ahead(raw_plan):
    # `OO1 : … mobilité` printed ahead on fiche 58's row, `OO2 : Favoriser la mobilité` on
    # fiche 60's: the block's labels are a row early, so 60 is OO 1's (as the detail says) and 61 OO 2's
    fiches = {f.numero: f for f in raw_plan.fiches if f.thematique == "jeunesse"}
    assert (fiches[60].oi, fiches[60].oo) == (3, [1])
    assert (fiches[61].oi, fiches[61].oo) == (3, [2])
    assert fiches[60].action_id == "jeunesse-4-3-60"
    early = [a for a in raw_plan.anomalies if a.code == "oo_printed_early"]
    assert [(a.line, a.cells) for a in early] == [(193, ["OO2 : Favoriser la mobilité des jeunes"])]


def test_label_after_one_printed_ahead_opens_after_its_row():
    rows = [SourceRow(cells=("JEUNESSE",), kind=RowKind.TEXT, provenance=Provenance(document="s.txt", line=1)),
            _row(2, "AXE STRATEGIQUE I", "OBJECTIFS INTERMEDIAIRES", "OBJECTIFS OPERATIONNELS", "ACTIONS"),
            _row(3, "Insertion", "OI 1 : Orienter", "OO1 : Découvrir les métiers", "Fiche 1", "Forums"),
            _row(4, "", "", "OO2 : Lutter contre le décrochage", "OO1 : Bouger", "Fiche 2", "Groupe de travail"),
            _row(5, "", "", "", "", "Fiche 3", "Instances PSAD"),
            _row(6, "", "", "OO2 : Aller plus loin", "", "Fiche 4", "Réseau de bus"),
            _row(7, "", "", "", "", "Fiche 5", "Pistes cyclables")]
    document = ExtractedDocument(path=Path("s.txt"), rows=rows, format="text", sha256="0" * 64)
    _, fiches = PriorisationBuilder(document, Ledger(rows)).build()
    assert [(f.numero, f.oo) for f in fiches] == [(1, [1]), (2, [2]), (3, [2]), (4, [1]), (5, [2])]
