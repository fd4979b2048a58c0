"""The summary read by shape and profile phrases, not by this plan's thématiques: a table
without `Fiche N` markers holds unnumbered fiches in any thématique (cohésion sociale's form),
and a fiche list heading of the profile opens a list of fiches in any thématique."""

from __future__ import annotations

from pathlib import Path

from pgt.extract.rows import ExtractedDocument, Provenance, RowKind, SourceRow
from pgt.settings.profile import profile_from_data
from pgt.structure.ledger import Ledger
from pgt.structure.priorisation import PriorisationBuilder


def _text(line: int, text: str) -> SourceRow:
    return SourceRow(cells=(text,), kind=RowKind.TEXT, provenance=Provenance(document="s.txt", line=line))


def _row(line: int, table: int, *cells: str) -> SourceRow:
    return SourceRow(cells=tuple(cells), kind=RowKind.TABLE, provenance=Provenance(document="s.txt", line=line),
                     table_index=table)


def _build(rows: list[SourceRow], profile=None):
    document = ExtractedDocument(path=Path("s.txt"), rows=rows, format="text", sha256="0" * 64)
    ledger = Ledger(rows)
    thematiques, fiches = PriorisationBuilder(document, ledger, profile).build()
    return thematiques, fiches, ledger


def test_table_without_fiche_markers_holds_unnumbered_fiches_in_any_thematique():
    rows = [_text(1, "PETITE ENFANCE"),
            _row(2, 1, "AXE 1", "OBJECTIFS INTERMEDIAIRES", "OBJECTIFS OPERATIONNELS", "ACTIONS"),
            _row(3, 1, "Accueillir", "OI 1 Développer l'offre", "OO 1 : Créer des places", "Micro-crèche de Bretagne"),
            _row(4, 1, "", "OI 2 Informer les familles", "OO 1 : Un guichet unique", "Relais petite enfance"),
            _text(5, "JEUNESSE"),
            _row(6, 2, "AXE 1", "OBJECTIFS INTERMEDIAIRES", "OBJECTIFS OPERATIONNELS", "ACTIONS"),
            _row(7, 2, "Insertion", "OI 1 Orienter", "OO 1 : Découvrir les métiers", "Fiche 3 : Forum des métiers"),
            _row(8, 2, "", "", "OO 2 : Lutter contre le décrochage", "Ces actions sont détaillées ailleurs")]
    _, fiches, _ = _build(rows)
    assert [(f.thematique, f.numero, f.oi, f.oo, f.titre) for f in fiches] == [
        ("petite_enfance", None, 1, [1], "Micro-crèche de Bretagne"),
        ("petite_enfance", None, 2, [1], "Relais petite enfance"),
        ("jeunesse", 3, 1, [1], "Forum des métiers")]


def test_fiche_list_heading_of_the_profile_opens_a_list_in_any_thematique():
    rows = [_text(1, "JEUNESSE"), _text(2, "ACTIONS EXISTANTES"), _text(3, "Conseil municipal des jeunes"),
            _text(4, "(liste à compléter)"), _text(5, "ENFANCE"), _text(6, "Quelques mots sans liste")]
    _, fiches, ledger = _build(rows)
    assert [(f.thematique, f.titre) for f in fiches] == [("jeunesse", "Conseil municipal des jeunes")]

    profile = profile_from_data({"phrases": {"summary_fiche_lists": ["DEJA EN PLACE"]}})
    assert "ACTIONS EXISTANTES" in profile.phrases.summary_fiche_lists  # the profile extends the default
    rows = [_text(1, "ENFANCE"), _text(2, "Déjà en place :"), _text(3, "Ludothèque itinérante")]
    _, fiches, _ = _build(rows, profile)
    assert [(f.thematique, f.titre) for f in fiches] == [("enfance", "Ludothèque itinérante")]
