"""PDFs made the way a local authority makes them (issue #13): the plan typed in Word (here
python-docx), exported to PDF by LibreOffice. Table rows break across pages there (the
default of both), the header rows repeat after each break, and long words are cut at the
edge of narrow cells. The reader joins the pieces of a broken row back into one row.

The PDFs are made at test time from raw/ (tests/lo_pdf_fixtures.py), once per session.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from helpers import DETAIL, SUMMARY, actions_by_id
from lo_pdf_fixtures import SOFFICE, render_blocks_pdf, render_libreoffice_pdf, sliding_copies
from plan_scores import score_plan

from pgt.extract import read_document
from pgt.extract.pdf import read_pdf
from pgt.extract.pdf_breaks import continued_cells, has_row_start_mark
from pgt.extract.pdf_layout import WORD_CUT, CellExtent, PageTable, join_cell_lines, resolve_word_cuts, word_vocabulary
from pgt.extract.pdf_tables import PdfSettings
from pgt.extract.rows import Provenance, RowKind, SourceRow
from pgt.pipeline import convert, plan_from_documents

RULES = PdfSettings()
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


# ---- the join decision, on tables made by hand ----------------------------------------------


def table(rows: list[list[tuple[str, float | None]]], top: float, row_height: float, edges=(0, 100, 200, 300)):
    """A PageTable of `rows` (cells given as (text, how far down the row its text goes));
    each cell's text fills its lines (left 2 pt to right 98 pt of the cell), 10 pt a line,
    first word 30 pt wide."""
    cells, boxes, extents = [], [], []
    for r, row in enumerate(rows):
        y0 = top + r * row_height
        cells.append([text for text, _ in row])
        boxes.append([(edges[c], y0, edges[c + 1], y0 + row_height) for c in range(len(row))])
        extents.append([
            CellExtent(edges[c] + 2, y0 + reach, edges[c + 1] - 2, 30.0, 10.0) if reach is not None else None
            for c, (_, reach) in enumerate(row)
        ])
    bbox = (edges[0], top, edges[-1], top + row_height * len(rows))
    return PageTable(bbox, cells, boxes, list(edges), "test", {}, extents)


# A row whose first and third cells ran to the bottom of the page (540): the porteur and the
# moyens went on over the break; its number cell ended early.
CUT = table([[("14. Identifier les besoins", 98.0), ("2", 12.0), ("Direction de la", 99.0)]], 440, 100)


def test_row_continues_when_its_cells_continue_cells_that_reached_the_cut():
    following = table([[("en matière de santé", 10.0), ("", None), ("Jeunesse CROUS", 10.0)]], 40, 30)
    assert continued_cells(CUT, following, 0, 540, RULES) == {0: (0, 0), 2: (0, 2)}


def test_row_is_its_own_when_a_cell_above_it_had_ended_early():
    # text under the number cell, which ended at its second line: a new row
    following = table([[("", None), ("3", 10.0), ("Direction", 10.0)]], 40, 30)
    assert continued_cells(CUT, following, 0, 540, RULES) is None


def test_short_row_at_the_page_end_is_whole():
    """A one-line row (`Pilote | Service …`) reaches the bottom in every cell: its lines
    ended their paragraphs (the next row's first word would have fitted), so the next
    page's `Objectifs | …` is a row of its own."""
    short = table([[("Pilote", 9.0), ("Service de la commune", 9.0)]], 530, 10)
    short.extents[0] = [e._replace(last_right=e.left + 25) for e in short.extents[0]]
    following = table([[("Objectifs", 10.0), ("Familles", 10.0)]], 40, 30)
    assert continued_cells(short, following, 0, 540, RULES) is None
    full = table([[("Pilote", 9.0), ("Service de la commune", 9.0)]], 530, 10)
    assert continued_cells(full, following, 0, 540, RULES) == {0: (0, 0), 1: (0, 1)}


def test_regression_fiche_form_label_after_a_full_one_line_row_is_its_own():
    """`Description | … 2025-2028.` (one line, full) ends a page, `Public visé | Habitants…`
    starts the next: the label ended its paragraph and the next starts with a capital."""
    previous = table([[("Description", 9.0), ("Diagnostic participatif 2025-2028.", 9.0)]], 530, 10)
    previous.extents[0][0] = previous.extents[0][0]._replace(last_right=50.0)  # a short label
    following = table([[("Public visé", 10.0), ("Habitants du territoire", 10.0)]], 40, 30)
    assert continued_cells(previous, following, 0, 540, RULES) is None


def test_row_with_an_action_number_is_its_own():
    following = table([[("15. Promouvoir les dispositifs", 10.0), ("", None), ("Jeunesse", 10.0)]], 40, 30)
    assert continued_cells(CUT, following, 0, 540, RULES) is None


def test_row_is_its_own_when_the_grid_changes_or_the_table_stopped_short():
    other_grid = table([[("santé", 10.0), ("", None), ("Jeunesse", 10.0)]], 40, 30, edges=(0, 150, 200, 300))
    assert continued_cells(CUT, other_grid, 0, 540, RULES) is None
    following = table([[("santé", 10.0), ("", None), ("Jeunesse", 10.0)]], 40, 30)
    assert continued_cells(CUT, following, 0, 700, RULES) is None  # text area ends far lower


def test_cell_merged_down_from_an_earlier_row_is_the_one_continued():
    """The action cell merged down over its offer rows ran over the break: its rest goes to
    the action's row, not to the offer row beside it."""
    previous = table([[("45. Résolution des conflits avec", 99.0), ("Offre A", 20.0)], [("", None), ("Offre B", 98.0)]], 340, 100)
    previous.cell_bboxes[0][0] = (0, 340, 100, 540)  # merged over both rows
    previous.cell_bboxes[1][0] = None
    previous.extents[0][0] = previous.extents[0][0]._replace(bottom=538.0)
    following = table([[("et/ou par les enfants.", 10.0), ("fin de l'offre B", 10.0)]], 40, 30)
    assert continued_cells(previous, following, 0, 540, RULES) == {0: (0, 0), 1: (1, 1)}


def test_rest_of_an_action_cell_beside_the_next_offer_goes_to_the_action():
    """The action cell merged over its offer rows ran over the break beside the next offer
    row (`45. … avec` / `et/ou par les enfants.` next to `Rencontres…`): the offer row is a
    row of its own, its first cell the end of the action's title."""
    from pgt.extract.pdf_breaks import continued_first_cell

    previous = table([[("45. Résolution des conflits avec", 99.0), ("Création de rôles", 20.0)]], 440, 100)
    following = table([[("et/ou par les enfants.", 10.0), ("Rencontres, temps d'échanges", 10.0)]], 40, 30)
    assert continued_cells(previous, following, 0, 540, RULES) is None
    assert continued_first_cell(previous, following, 0, 540, RULES) == (0, 0)
    capital = table([[("Visite d'expositions", 10.0), ("Rencontres", 10.0)]], 40, 30)
    assert continued_first_cell(previous, capital, 0, 540, RULES) is None


def test_regression_word_cut_by_the_cell_edge_and_a_page_break_read_whole():
    """A narrow column cut `Direction` at each line, the last piece at the top of the next
    page (`Dire` / `ctio` | `n des sports`): the pieces were joined with a space on each
    side of the break (`Dire ctio n des sports`, portrait LibreOffice PDF). The row's
    pieces are now joined as read, their cut words settled once joined."""
    from pgt.extract.pdf import rows_from_pages
    from pgt.extract.pdf_layout import PageContent

    cut = WORD_CUT
    previous = table([[("FA 3 Ouvrir le gymnase", 99.0), (f"Dire{cut}ctio", 99.0), ("collèges", 20.0)]], 440, 100)
    previous.extents[0][2] = previous.extents[0][2]._replace(last_right=40.0)  # ended its paragraph
    following = table([[("le vendredi soir", 10.0), ("n des sports", 10.0), ("", None)]], 40, 30)
    pages = [PageContent(1, 300, 600, [previous]), PageContent(2, 300, 600, [following])]
    rows, notes = rows_from_pages(pages, "plan.pdf")
    [row] = rows
    assert row.cells == ("FA 3 Ouvrir le gymnase le vendredi soir", "Direction des sports", "collèges")
    assert row.provenance.pages == (1, 2)
    assert any("broken by a page break joined" in note for note in notes)


def test_a_page_break_after_a_line_that_did_not_fill_the_cell_cuts_no_word():
    from pgt.extract.pdf_breaks import cut_at_break

    box = (100.0, 440.0, 200.0, 540.0)
    full = CellExtent(102.0, 539.0, 198.0, 30.0, 10.0)
    assert cut_at_break("Dire", full, box, "ction des sports", full)
    assert not cut_at_break("Dire", full._replace(last_right=150.0), box, "ction des sports", full)
    assert not cut_at_break("de la", full._replace(last_words=2), box, "ction", full)
    assert not cut_at_break("Direction", full, box, "Pôle jeunesse", full)  # a capital: a new word


def test_row_start_marks_count_only_where_the_row_began():
    patterns = RULES.row_start_patterns
    assert has_row_start_mark(["12. Titre", ""], ["", "x"], patterns)
    assert has_row_start_mark(["", "OO2. Mettre en œuvre"], ["", "OO1. Maintenir"], patterns)
    # `Fiche 14 : …` right of where the row above began: the rest of a cell of fiches
    assert not has_row_start_mark(["", "", "Fiche 14 : Sensibilisation"], ["", "OO 4 : …", "Fiche 13 : …"], patterns)
    assert not has_row_start_mark(["mois des familles", "x"], ["Participation au", "y"], patterns)


def test_break_thresholds_are_named_settings():
    short_reach = PdfSettings(break_cell_reach_lines=0.1)
    following = table([[("en matière de santé", 10.0), ("", None), ("Jeunesse CROUS", 10.0)]], 40, 30)
    cut_early = table([[("14. Identifier les besoins", 97.0), ("2", 12.0), ("Direction de la", 99.0)]], 440, 100)
    assert continued_cells(cut_early, following, 0, 540, RULES) == {0: (0, 0), 2: (0, 2)}
    assert continued_cells(cut_early, following, 0, 540, short_reach) is None  # 3 pt short of the cut
    with pytest.raises(ValueError):
        PdfSettings(column_tolerance=-1)


# ---- cells holding several markers (summary builder), on rows directly ---------------------


def summary_document(*data: tuple[str, ...]):
    """A small summary (priorisation) document as a reader's row stream, worded unlike raw/."""
    from pgt.extract.rows import ExtractedDocument

    def row(cells: tuple[str, ...], index: int, kind=RowKind.TABLE) -> SourceRow:
        return SourceRow(cells, Provenance("resume.pdf", page=1, table=0, row=index), kind, 0)

    rows = [
        SourceRow(("PGT PETITE ENFANCE - PRIORISATION DES ACTIONS",), Provenance("resume.pdf", page=1), RowKind.TEXT),
        row(("AXE STRATEGIQUE I", "OBJECTIFS INTERMÉDIAIRES", "OBJECTIFS OPÉRATIONNELS", "FICHES ACTIONS"), 0),
        *(row(cells, i + 1) for i, cells in enumerate(data)),
    ]
    return ExtractedDocument(Path("resume.pdf"), rows, "pdf", "0" * 64, pages=1)


def fiches_of(document):
    from pgt.structure import build_document

    return {f.numero: f for f in build_document(document).fiches}


def test_cell_of_several_fiches_gives_one_fiche_each():
    fiches = fiches_of(summary_document(
        ("Ouvrir les modes d'accueil", "OI 1 : Adapter l'offre", "OO 1 : Créer des places",
         "Fiche 8 : Ouvrir une micro-crèche Fiche 9 : Créer un jardin d'enfants"),
    ))
    assert {n: (f.titre, f.oi, f.oo) for n, f in fiches.items()} == {
        8: ("Ouvrir une micro-crèche", 1, [1]),
        9: ("Créer un jardin d'enfants", 1, [1]),
    }


def test_cell_holding_an_oo_and_its_fiches_is_split():
    """Cells drift: the OO and its fiches in one cell, as a PDF joins them."""
    fiches = fiches_of(summary_document(
        ("Ouvrir les modes d'accueil", "OI 2 : Informer les familles", "OO 3 : Guichet unique Fiche 4 : Un site internet"),
        ("", "", "OO 4 : Relais Fiche 5 : Des permanences Fiche 6 : Une lettre"),
    ))
    assert {n: (f.titre, f.oi, f.oo) for n, f in fiches.items()} == {
        4: ("Un site internet", 2, [3]),
        5: ("Des permanences", 2, [4]),
        6: ("Une lettre", 2, [4]),
    }


def test_cell_of_several_oo_on_one_line_gives_each_to_the_fiches():
    """Cohésion sociale's `001 : … 002 : …` in one cell, its lines joined by the PDF."""
    from pgt.structure.priorisation import split_marker_cell

    assert split_marker_cell("001 : Se rencontrer. 002 : Animer un réseau 003 : Coordonner") == [
        "001 : Se rencontrer.\n002 : Animer un réseau\n003 : Coordonner"
    ]
    assert split_marker_cell("Fiche 13 : Initiation\nFiche 14 : Sensibilisation") == [
        "Fiche 13 : Initiation", "Fiche 14 : Sensibilisation"
    ]
    assert split_marker_cell("OI 2 Développer OO 1 : Favoriser") == ["OI 2 Développer", "OO 1 : Favoriser"]
    assert split_marker_cell("A l'échelle de la commune Fiche 3 : x") == ["A l'échelle de la commune Fiche 3 : x"]


# ---- words cut at a narrow cell's edge -------------------------------------------------------


def test_word_cut_at_the_cell_edge_is_marked_and_settled_by_the_documents_words():
    box = (0.0, 0.0, 50.0, 40.0)  # text from x=2, so the line may end at 48
    lines = [[("enseigna", 2.0, 47.0)], [("nts,", 2.0, 20.0), ("les", 22.0, 30.0)]]
    assert join_cell_lines(lines, box) == f"enseigna{WORD_CUT}nts, les"
    short = [[("Les", 2.0, 15.0)], [("enseignants", 2.0, 47.0)]]  # a short first line: a wrap
    assert join_cell_lines(short, box) == "Les enseignants"
    vocabulary = word_vocabulary(["Les enseignants du territoire", "Préfabriqué", "artistique"])
    assert resolve_word_cuts(f"Les enseigna{WORD_CUT}nts, les", vocabulary) == "Les enseignants, les"
    # a wrap that happens to fill the line: both pieces are words of the document
    assert resolve_word_cuts(f"Préfabriqué{WORD_CUT}artistique", vocabulary) == "Préfabriqué artistique"
    # a short ending that is no word: `aménagemen` + `ts`
    assert resolve_word_cuts(f"aménagemen{WORD_CUT}ts nécessaires", vocabulary) == "aménagements nécessaires"


def test_compound_cut_at_its_hyphen_is_joined():
    box = (0.0, 0.0, 200.0, 40.0)
    assert join_cell_lines([[("durable,", 2, 40), ("éco-", 42, 60)], [("responsable", 2, 50)]], box) == (
        "durable, éco-responsable"
    )
    assert join_cell_lines([[("Ville", 2, 30), ("-", 32, 36)], [("CREPI", 2, 30)]], box) == "Ville - CREPI"
    assert resolve_word_cuts(join_cell_lines([[("CCAS-", 2, 30)], [("Acteurs", 2, 30)]], box), set()) == "CCAS- Acteurs"
    assert join_cell_lines([[("2023-", 2, 30)], [("2027", 2, 30)]], box) == "2023-2027"


# ---- the plan of raw/ typed in Word and exported by LibreOffice -----------------------------


@pytest.fixture(scope="session")
def libreoffice_pdfs(tmp_path_factory) -> dict[str, Path]:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("libreoffice")
    return {
        name: render_libreoffice_pdf(read_document(path).rows, folder, path.stem)
        for name, path in (("fiches", DETAIL), ("priorisation", SUMMARY))
    }


@pytest.fixture(scope="session")
def libreoffice_documents(libreoffice_pdfs):
    return {name: read_document(path) for name, path in libreoffice_pdfs.items()}


@pytest.fixture(scope="session")
def libreoffice_plan(libreoffice_documents):
    return plan_from_documents([libreoffice_documents["fiches"], libreoffice_documents["priorisation"]])


def test_libreoffice_fixture_really_breaks_rows(libreoffice_documents):
    """Guard the fixture: the figures below are only worth something if the PDF holds rows
    broken across pages and repeated headers, as real exports do."""
    detail = libreoffice_documents["fiches"]
    assert detail.pages >= 40
    broken = [r for r in detail.rows if r.provenance.pages and len(r.provenance.pages) > 1]
    assert len(broken) >= 20
    assert sum(r.repeated_header for r in detail.rows) >= 10
    assert any("broken by a page break joined" in w for w in detail.warnings)


def test_plan_from_libreoffice_pdfs_scores(libreoffice_plan, raw_plan):
    scores = score_plan(raw_plan, libreoffice_plan)
    print(f"LibreOffice PDFs of raw/: {scores.summary()}")
    assert scores.precision >= 0.99
    assert scores.found >= 0.99
    assert scores.placement_axe >= 0.99
    assert scores.fields >= 0.985
    assert scores.fiches >= 0.99
    assert scores.fiche_oo >= 0.99
    assert scores.crosswalk >= 0.95


def test_regression_row_broken_across_pages_no_junk_action(libreoffice_plan, raw_plan):
    """The rest of a broken row at the top of the next page was read as an action of its
    own (`(travail avec l'IME notamment), favoriser la mixité…`, `sans-titre`)."""
    scores = score_plan(raw_plan, libreoffice_plan)
    junk = [t for t in scores.extra_titles if not t[:1].isupper() or t.startswith(("OBJECTIF", "ACTIONS"))]
    assert len(junk) <= 1, junk  # one: a header LibreOffice draws over itself (see report)
    assert not any(t[:1].islower() for t in scores.extra_titles)
    assert abs(len(libreoffice_plan.all_actions()) - len(raw_plan.all_actions())) <= 1


def test_regression_row_broken_across_pages_provenance_lists_both_pages(libreoffice_documents, libreoffice_plan):
    broken = [r for r in libreoffice_documents["fiches"].rows if r.provenance.pages and len(r.provenance.pages) > 1]
    row = next(r for r in broken if r.cells[0].startswith("2. Maintenir l'offre d'accueil familial"))
    first, second = row.provenance.pages
    assert second == first + 1 and row.provenance.page == first
    piece = row.provenance.continuation[0]
    assert piece.page == second and piece.bbox is not None
    # the boxes of both pieces: the cells that went on have a box on each page
    went_on = [i for i, box in enumerate(piece.cell_bboxes) if box]
    assert went_on and all(row.provenance.cell_bboxes[i] for i in went_on)
    assert row.provenance.location().endswith(f"pages {first}-{second}")
    action = actions_by_id(libreoffice_plan)["petite_enfance-1-1-2"]
    assert action.porteur == "Direction Pôle Petite Enfance, Directrice Crèche Familiale"
    assert action.public_vise == "- familles avec enfants de 2 mois 1/2 à 3 ans et futures familles"
    assert action.provenance.pages == [first, second]


def test_regression_broken_cell_of_several_fiches_loses_none(libreoffice_plan, raw_plan):
    """`Fiche 34 : … Fiche 35 : … Fiche 36 : …` in one cell broke across a page: fiche 36,
    at the top of the next page, was lost, and fiche 14 (`Fiche 13 : … Fiche 14 : …`)
    lost its OO."""
    expected = {f.id: f for f in raw_plan.fiches}
    got = {f.id: f for f in libreoffice_plan.fiches}
    for fiche_id in ("enfance-f35", "enfance-f36", "enfance-f37", "enfance-f14"):
        assert got[fiche_id].titre == expected[fiche_id].titre
        assert got[fiche_id].oo == expected[fiche_id].oo
    assert got["enfance-f14"].oo == [4]


def test_regression_action_title_merged_over_offers_read_whole(libreoffice_plan):
    """Enfance action 45's title cell, merged over its offer rows, ran over the page break
    beside its next offer: the title lost `et/ou par les enfants.`"""
    action = actions_by_id(libreoffice_plan)["enfance-2-1-45"]
    assert action.titre == "Proposition de résolution des conflits avec et/ou par les enfants."
    assert len(action.provenance.pages) == 2


def test_regression_cohesion_oo_of_one_cell_all_read(libreoffice_plan, raw_plan):
    """Cohésion sociale's `001 : … 002 : … 003 : …` in one cell: the PDF joins the cell's
    lines, and only OO 001 was read (the fiche's OO 1 instead of 1, 2, 3)."""
    got = {f.id: f for f in libreoffice_plan.fiches}
    assert got["cohesion_sociale-f-1-1-cafes-partenaires-creation-reseau-adresses"].oo == [1, 2, 3]
    assert got["cohesion_sociale-f-1-2-promouvoir-dispositif-juniors-associations-porte"].oo == [1, 2, 3, 4]


def test_regression_repeated_summary_header_keeps_the_oi(libreoffice_plan):
    """The summary header repeated at the top of a page reopened the axe: the OO below it
    (enfance fiche 88, OO 4) lost their OI."""
    got = {f.id: f for f in libreoffice_plan.fiches}
    assert (got["enfance-f88"].oi, got["enfance-f88"].oo) == (4, [4])
    assert (got["enfance-f89"].oi, got["enfance-f89"].oo) == (4, [5])


# ---- jeunesse action 14 at every height on the page ------------------------------------------


def _text(line: str) -> SourceRow:
    return SourceRow((line,), Provenance("fixture"), RowKind.TEXT)


JEUNESSE_HEADINGS = [
    "THEMATIQUE JEUNESSE ET VIE ETUDIANTE 12-30 ANS",
    "AXE STRATEGIQUE II",
    "Favoriser l'épanouissement et le bien-être",
    "OBJECTIF INTERMEDIAIRE 3",
    "Favoriser l'insertion sociale et territoriale des étudiants",
]


@pytest.fixture(scope="session")
def sliding_jeunesse(tmp_path_factory) -> Path:
    """Jeunesse actions 13-15 (header rows above them) once per page, pushed down one line
    more on each page: on some pages action 14 breaks across the page break."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    rows = read_document(DETAIL).rows
    start = next(i for i, r in enumerate(rows) if r.cells[0].startswith("13. Accompagner les étudiants"))
    first_header = next(i for i in range(start, 0, -1) if rows[i].cells[0] == "ACTIONS")
    header = rows[first_header : first_header + 2]
    table = header + rows[start : start + 3]  # ACTIONS / HUMAINS header rows, actions 13, 14, 15
    assert [r.cells[0][:3] for r in table] == ["ACT", "", "13.", "14.", "15."]
    blocks = sliding_copies([_text(t) for t in JEUNESSE_HEADINGS], table, 2, range(34, 46))
    return render_blocks_pdf(blocks, tmp_path_factory.mktemp("sliding"), "jeunesse-14")


def _copies(document) -> list:
    """The document cut at each copy's thématique heading: one small plan per copy."""
    starts = [i for i, r in enumerate(document.rows) if r.kind is RowKind.TEXT and r.cells[0] == JEUNESSE_HEADINGS[0]]
    return [
        dataclasses.replace(document, rows=document.rows[a:b]) for a, b in zip(starts, starts[1:] + [len(document.rows)])
    ]


def test_regression_row_broken_across_pages_jeunesse_14_porteur(sliding_jeunesse):
    document = read_document(sliding_jeunesse)
    copies = _copies(document)
    assert len(copies) == 12
    broken = 0
    for copy in copies:
        row = next(r for r in copy.rows if r.cells[0].startswith("14. Identifier"))
        broken += bool(row.provenance.pages)
        plan = plan_from_documents([copy])
        actions = {a.numero: a for a in plan.all_actions()}
        assert sorted(actions) == [13, 14, 15], [a.titre for a in plan.all_actions()]  # no junk action
        fourteen = actions[14]
        assert fourteen.porteur == "Direction de la Jeunesse CROUS UPPA Solidarité Centre hospitalier"
        assert fourteen.moyens_humains == (
            "1 référent Maison des Étudiants – 2 volontaires – 1 informateur jeunesse – Collectif étudiants BDE"
        )
        assert fourteen.titre == "Identifier les besoins et les solutions possibles en matière de Santé."
    assert broken >= 2  # the fixture did break action 14 on some pages


def test_without_the_join_the_broken_rows_make_junk(sliding_jeunesse):
    """What the reader did before: the rest of action 14 read as a row of its own."""
    document = read_pdf(sliding_jeunesse, settings=PdfSettings(join_broken_rows=False))
    porteurs = []
    for copy in _copies(document):
        plan = plan_from_documents([copy])
        porteurs += [a.porteur for a in plan.all_actions() if a.numero == 14]
    assert any(p != "Direction de la Jeunesse CROUS UPPA Solidarité Centre hospitalier" for p in porteurs)


# ---- a held-out plan of other wording: a grid and fiche forms with long cells ----------------


@pytest.fixture(scope="session")
def held_out_plan(tmp_path_factory):
    from lo_pdf_fixtures import held_out_blocks

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    blocks = held_out_blocks()
    pdf = render_blocks_pdf(blocks, tmp_path_factory.mktemp("held-out"), "plan-ctg")
    return blocks, read_document(pdf)


def test_rows_broken_across_pages_in_a_plan_of_other_wording_are_read_whole(held_out_plan):
    from pdf_fixtures import normalise_cell

    blocks, document = held_out_plan
    expected = [tuple(normalise_cell(c) for c in cells) for kind, block in blocks if kind == "table" for cells in block.cells]
    got = [
        tuple(normalise_cell(c) for c in row.cells)
        for row in document.rows
        if row.kind is RowKind.TABLE and not row.repeated_header
    ]
    assert got == expected
    broken = [r for r in document.rows if r.provenance.pages]
    # the grid's long rows and a fiche form's description did break across pages
    assert sum(len(r.cells) == 7 for r in broken) >= 2
    assert any(r.cells[0] == "Description" for r in broken)
    # the grid's header was repeated on the next pages and skipped
    assert sum(r.repeated_header for r in document.rows) >= 1


def test_regression_held_out_grid_and_fiche_forms_both_read_from_pdf(held_out_plan):
    """The held-out plan's LibreOffice PDF: its grid and its fiche forms (some cut across
    pages) each read by their layout's builder — it was read as a grid only, the fiches
    listed as tables with no action header."""
    _, document = held_out_plan
    plan = plan_from_documents([document])
    [thematique] = plan.thematiques
    [axe] = thematique.axes  # `ENJEU 1 – …` above the grid: the axe of its rows and of the fiches after it
    assert (axe.numero, axe.titre) == (1, "Vivre ensemble sur le territoire")
    grid, fiches = axe.actions[:9], axe.actions[9:]
    assert [a.numero for a in grid] == [a.numero for a in fiches] == list(range(1, 10))
    for n, action in enumerate(fiches, 1):
        assert action.porteur == f"Service enfance-jeunesse de la commune {n}"
        assert len(action.description.split()) == 120 + 40 * (n % 3)  # whole across the page breaks
    assert not any(a.code == "table_not_plan" for a in plan.anomalies)
    assert plan.documents[0].placed_cells == plan.documents[0].non_empty_cells


@pytest.fixture(scope="session")
def other_wording_plans(tmp_path_factory):
    """A plan worded unlike raw/ (tests/other_plans.py: `ENJEU 1 –`, `OBJECTIF GÉNÉRAL 1`,
    `FA 3 …`, Responsable / Bénéficiaires / Critères d'évaluation…) with long cells, as
    DOCX and as its LibreOffice PDF: its rows break across pages, its narrow header cells
    cut their words (`Responsabl` / `e`)."""
    from lo_pdf_fixtures import with_long_cells
    from other_plans import saint_exemple

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("other-wording")
    spec = with_long_cells(saint_exemple())
    docx_plan = plan_from_documents([read_document(spec.write_docx(folder / "plan-docx.docx"))])
    pdf = render_blocks_pdf(spec.blocks(), folder, "saint-exemple")
    document = read_document(pdf)
    return spec, docx_plan, document, plan_from_documents([document])


def test_regression_other_wording_rows_broken_across_pages_read_whole(other_wording_plans):
    """The plan of other wording read from its LibreOffice PDF is the plan read from its
    DOCX: every action once (no junk from a row's rest), each field whole across breaks.
    Its fourth table's header printed `Responsabl` / `e` at a narrow cell's edge, a line
    ending 1.2 pt short of where the `e` would have fitted: unread as one word, the column
    named no field and FA 3's porteur (`Direction des sports`) was lost."""
    spec, docx_plan, document, plan = other_wording_plans
    broken = [r for r in document.rows if r.provenance.pages]
    assert len(broken) >= 5  # the fixture does break rows across pages
    assert len(plan.all_actions()) == len(spec.expected()) == 6
    scores = score_plan(docx_plan, plan)
    assert (scores.found, scores.precision, scores.placement_axe, scores.fields) == (1.0, 1.0, 1.0, 1.0), (
        scores.field_differences
    )
    actions = {a.numero: a for a in plan.all_actions()}
    assert actions[3].porteur == "Direction des sports"
    expected = {a.numero: a for _, _, _, a in spec.expected()}
    for numero in (1, 2, 5):
        assert len(actions[numero].provenance.pages) >= 2  # broken across pages, read whole
        assert " ".join(actions[numero].moyens_humains.split()) == expected[numero].values["moyens_humains"]
    assert actions[5].autres == {"Couleur du projet": "rouge"}


@pytest.fixture(scope="session")
def portrait_plans(tmp_path_factory):
    """Two plans of other wording as python-docx lays them out (A4 portrait, a dozen equal
    columns some 1.4 cm wide) printed by LibreOffice: nearly every word is cut at a cell's
    edge, some by a page break too."""
    from lo_pdf_fixtures import docx_to_pdf
    from other_plans import saint_exemple, val_d_adour

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("portrait")
    plans = {}
    for make in (saint_exemple, val_d_adour):
        spec = make()
        pdf = docx_to_pdf(spec.write_docx(folder / f"{make.__name__}.docx"), folder / f"{make.__name__}.pdf")
        plans[make.__name__] = spec, plan_from_documents([read_document(pdf)])
    plans["pdf"] = folder / "saint_exemple.pdf"
    return plans


def test_regression_portrait_plan_words_cut_by_the_edge_and_a_page_break(portrait_plans):
    """saint-exemple's FA 3 broke across pages in three columns in the middle of a word:
    `Dire ctio n des sports`, `adol esce nts des quartiers`, `gymnas e Jean Moulin`; FA 6
    was `For merles animateurs…` (not found by its title), FA 4's territoire `cent
    re-ville`; val-d-adour's action 2.1 `Proposer des rende z- vous…`. Before: 5/6 and
    6/7 actions found, fields 73.6 % and 85.7 %."""
    from other_plans import score_plan as score_spec

    spec, plan = portrait_plans["saint_exemple"]
    score = score_spec(spec, plan)
    assert score.found == score.actions == 6
    actions = {a.numero: a for a in plan.all_actions()}
    fa3 = actions[3]
    assert (fa3.porteur, fa3.public_vise, fa3.moyens_techniques) == (
        "Direction des sports", "adolescents des quartiers", "gymnase Jean Moulin"
    )
    assert actions[6].titre == "Former les animateurs à l'accueil d'enfants handicapés"
    assert actions[4].territoire == "centre-ville"
    # words the dictionary lacks and this short plan never prints whole, that the lexicon knows
    assert (actions[4].moyens_humains, actions[6].public_vise) == ("une référente familles", "animateurs périscolaires")
    # and words it knows not (a name, `monoparentales`) stay cut: see the profile's lexicon below
    assert (actions[5].public_vise, actions[5].partenaires) == ("familles mon oparentales", ["association Soli date ch"])
    assert score.fields_equal == score.fields - 2

    spec, plan = portrait_plans["val_d_adour"]
    score = score_spec(spec, plan)
    assert (score.found, score.fields_equal) == (score.actions, score.fields) == (7, 70), score.misses
    assert "Proposer des rendez-vous des droits aux allocataires" in [a.titre for a in plan.all_actions()]


def test_words_a_profile_adds_to_the_lexicon_join_the_cuts_of_a_pdf(portrait_plans, tmp_path):
    """A profile's `[words] lexicon` lines reach the PDF reader (`pipeline.read_all`)."""
    from pgt.pipeline import read_all
    from pgt.settings.profile import load_profile

    path = tmp_path / "profil.toml"
    path.write_text('[words]\nlexicon = ["Solidatech", "monoparentales"]\n', encoding="utf-8")
    [document] = read_all([portrait_plans["pdf"]], profile=load_profile(path))
    fa5 = {a.numero: a for a in plan_from_documents([document]).all_actions()}[5]
    assert (fa5.public_vise, fa5.partenaires) == ("familles monoparentales", ["association Solidatech"])


def test_regression_word_cut_several_times_by_a_narrow_cell_read_as_words():
    """A narrow column cuts a word at each line (`Moyens`/`hum`/`ains`, `conseil`/`mun`/
    `icipal`): the pieces were joined left to right (`Moyenshum ains`), the header named
    no column. Read as a whole, the reading of most words wins."""
    cut = WORD_CUT
    assert resolve_word_cuts(f"Moyens{cut}hum{cut}ains", set()) == "Moyens humains"
    assert resolve_word_cuts(f"un conseil{cut}mun{cut}icipal", set()) == "un conseil municipal"
    assert resolve_word_cuts(f"Part{cut}enaires{cut}mob{cut}ilisés", set()) == "Partenaires mobilisés"
    assert resolve_word_cuts(f"Bén{cut}éfici{cut}aires", set()) == "Bénéficiaires"
    assert resolve_word_cuts(f"202{cut}4-2027", set()) == "2024-2027"
    # two words still two, two names no word still two
    assert resolve_word_cuts(f"CROUS{cut}UPPA", set()) == "CROUS UPPA"
    assert resolve_word_cuts(f"gymnase{cut}le", set()) == "gymnase le"
    # a form the dictionary lacks, from one it knows or the document prints
    assert resolve_word_cuts(f"intergénérationn{cut}elles", {"intergénérationnel"}) == "intergénérationnelles"


def test_regression_cut_words_of_narrow_portrait_columns_read_as_printed():
    """Cuts of a portrait page's narrow columns that were read wrong (saint-exemple,
    val-d-adour and raw/ as portrait LibreOffice PDFs)."""
    cut = WORD_CUT
    document = word_vocabulary(["les animateurs", "les objectifs opérationnels", "les familles"])
    # two readings of words: the one of the document's words (`merles` it never prints)
    assert resolve_word_cuts(f"FA 6 For{cut}mer{cut}les animateurs", document) == "FA 6 Former les animateurs"
    # a compound's words are words (`centre` and `ville`)
    assert resolve_word_cuts(f"cent{cut}re-ville", set()) == "centre-ville"
    # a word the document prints in another form (`incivilité`) is one, a verb and `les` two
    assert resolve_word_cuts(f"d'in{cut}civil{cut}ités", {"incivilité"}) == "d'incivilités"
    assert resolve_word_cuts(f"afin d'aiguiller{cut}les porteurs", set()) == "afin d'aiguiller les porteurs"
    # capitals printed without their accents
    assert resolve_word_cuts(f"OBJECTIFS OPE{cut}RATI{cut}ONN{cut}ELS", document) == "OBJECTIFS OPERATIONNELS"
    assert resolve_word_cuts(f"Ecol{cut}es", set()) == "Ecoles"
    # one letter and a hyphen ending a cut word (`rende` / `z-` / `vous`)
    box = (0.0, 0.0, 40.0, 40.0)
    lines = [[("rende", 2.0, 37.5)], [("z-", 2.0, 12.0)], [("vous", 2.0, 25.0)]]
    assert resolve_word_cuts(join_cell_lines(lines, box), set()) == "rendez-vous"
    assert join_cell_lines([[("a-", 2.0, 12.0)], [("vous", 2.0, 25.0)]], box) == "a- vous"  # no cut before it


def test_regression_header_word_cut_a_little_short_of_the_cell_edge():
    box = (86.4, 0.0, 149.6, 30.0)  # text from 91.9; `Responsabl` ends at 138.3, the `e` is 4.7 wide
    lines = [[("Responsabl", 91.9, 138.3)], [("e", 91.9, 96.6)]]
    assert resolve_word_cuts(join_cell_lines(lines, box), set()) == "Responsable"
    # a line that ends well short of the edge is a wrap
    assert join_cell_lines([[("Respons", 91.9, 125.0)], [("able", 91.9, 110.0)]], box) == "Respons able"


def test_regression_colon_at_a_line_start_is_no_cut():
    """French spaces `:` — a line starting at it wrapped there (`Communication` / `: …`)."""
    box = (0.0, 0.0, 60.0, 30.0)
    assert join_cell_lines([[("Communication", 2.0, 57.0)], [(":", 2.0, 5.0), ("création", 7.0, 40.0)]], box) == (
        "Communication : création"
    )


def test_regression_place_name_cut_at_its_hyphen():
    box = (0.0, 0.0, 60.0, 30.0)
    joined = join_cell_lines([[("Mont-de-", 2.0, 30.0)], [("Marsan", 2.0, 30.0)]], box)
    assert resolve_word_cuts(joined, {"mont-de-marsan"}) == "Mont-de-Marsan"


# ---- scans of LibreOffice pages: rows broken across scanned pages ----------------------------

TESSERACT = __import__("shutil").which("tesseract") is not None


@pytest.fixture(scope="session")
def scanned_parentalite(libreoffice_pdfs, libreoffice_documents, tmp_path_factory):
    """The two pages where parentalité begins (a row of it broken across them), scanned:
    turned by 0.6° and 0.4°, grain, blur and dust."""
    from lo_pdf_fixtures import noisy_scan

    if not TESSERACT:
        pytest.skip("Tesseract is not installed (test_pdf_ocr covers the error)")
    rows = libreoffice_documents["fiches"].rows
    first = next(r.provenance.page for r in rows if r.cells[0] == "PARENTALITE")
    pages = [first, first + 1]
    scan = noisy_scan(libreoffice_pdfs["fiches"], tmp_path_factory.mktemp("scans") / "parentalite.pdf", pages)
    return pages, read_document(scan, jobs=2)


def test_regression_row_broken_across_scanned_pages_is_one_row(scanned_parentalite, libreoffice_documents):
    pages, scan = scanned_parentalite
    born = [r for r in libreoffice_documents["fiches"].rows if r.provenance.pages and r.provenance.page == pages[0]]
    assert born, "the fixture breaks a row between the two scanned pages"
    joined = [r for r in scan.rows if r.provenance.pages == (1, 2)]
    assert [r.cells[0][:20] for r in joined] == [r.cells[0][:20] for r in born]
    assert scan.warnings[0].startswith("OCR used on 2 scanned page(s)")


def test_scanned_parentalite_pages_give_their_actions_whole(scanned_parentalite, raw_plan):
    _, scan = scanned_parentalite
    plan = plan_from_documents([scan])
    expected = {a.titre: a for a in raw_plan.thematique("parentalite").all_actions()}
    got = plan.thematique("parentalite").all_actions()
    assert len(got) >= 6
    assert {t.code for t in plan.thematiques} == {"parentalite"}  # no action filed elsewhere
    found = [a for a in got if a.titre in expected]
    assert len(found) >= len(got) - 1  # titles read letter for letter (one OCR slip allowed)
    comite = next(a for a in got if a.titre.startswith("Mise en place du comité local parentalité"))
    assert comite.titre == expected[comite.titre].titre  # the title broken across the pages
    assert comite.porteur == "direction du PPE" and comite.echeances == "2022/2026"
    assert comite.partenaires == expected[comite.titre].partenaires
    assert comite.provenance.pages == [1, 2]


def test_skewed_scan_is_turned_upright():
    import numpy as np
    from PIL import Image

    from pgt.extract.ocr import deskew, skew_angle

    page = np.full((1200, 1600), 255, dtype=np.uint8)
    for y in range(200, 1100, 150):
        page[y : y + 3, 100:1500] = 0  # table rules
    turned = np.asarray(Image.fromarray(page).rotate(0.8, resample=Image.BICUBIC, fillcolor=255))
    assert abs(skew_angle(turned, 300) - 0.8) < 0.1
    upright, angle = deskew(turned, 300)
    assert abs(angle - 0.8) < 0.1 and abs(skew_angle(upright, 300)) < 0.1
    assert deskew(page, 300)[1] == 0.0  # a straight page is left as it is


def test_dust_is_not_ink():
    import numpy as np

    from pgt.extract.ocr import _glyph_ink

    crop = np.full((60, 200), 255, dtype=np.uint8)
    crop[np.random.default_rng(1).random(crop.shape) < 0.004] = 0  # scattered specks
    assert _glyph_ink(crop).sum() < 12
    crop[20:40, 50:53] = 0  # a stroke
    assert _glyph_ink(crop).sum() >= 60


def test_ocr_colons_in_a_list_of_fiche_numbers_are_dots():
    from pgt.extract.ocr_repairs import fix_ocr_cell

    assert fix_ocr_cell("39.11:12:13: A l'échelle") == "39.11.12.13. A l'échelle"
    assert fix_ocr_cell("10:30 : réunion") == "10:30 : réunion"


def test_regression_fiche_numbers_of_three_digits_are_no_oo():
    """`Fiche 123 : …` is one fiche: its number is no cohésion `123 :` OO marker."""
    from pgt.structure.priorisation import split_marker_cell

    assert split_marker_cell("Fiche 123 : Maintenir Fiche 124 : Créer") == ["Fiche 123 : Maintenir", "Fiche 124 : Créer"]


def test_regression_ocr_heading_line_not_glued_to_the_next():
    """A tall box in a heading line (a bar, a speck joined to a letter) made the line's
    band swallow the next printed line: `PARENTALITE SIX GRANDES THEMATIQUES` as one."""
    from pgt.extract.ocr import Word, _text_lines

    words = [
        Word("PARENTALITE", (40, 100, 110, 110), (1, 1, 1)),
        Word("|", (115, 99, 117, 126), (1, 1, 1)),  # a bar reaching into the next line
        Word("SIX", (40, 114, 60, 124), (1, 1, 2)),
        Word("GRANDES", (64, 114, 110, 124), (1, 1, 2)),
        Word("THEMATIQUES", (114, 114, 180, 124), (1, 1, 2)),
        Word("page", (400, 100.5, 430, 110), (2, 1, 1)),  # the same printed line, another block
    ]
    assert [line.text for line in _text_lines(words)] == ["PARENTALITE | page", "SIX GRANDES THEMATIQUES"]


def test_regression_word_cut_by_a_narrow_column_joined_by_the_dictionary():
    # LibreOffice cut `environnementaux`, `thématiques`, `prestataires` at a narrow column's
    # edge with no hyphen; the document printed none of them whole elsewhere, so the cut
    # stayed a space (`environnement aux`) — the French dictionary tells
    assert resolve_word_cuts(f"impacts environnement{WORD_CUT}aux dans", set()) == "impacts environnementaux dans"
    assert resolve_word_cuts(f"Projets/thémati{WORD_CUT}ques (ex.", set()) == "Projets/thématiques (ex."
    assert resolve_word_cuts(f"associations/prestat{WORD_CUT}aires valorisant", set()) == "associations/prestataires valorisant"
    # a wrap between two words stays one, even where the second begins with an elision
    assert resolve_word_cuts(f"organisation{WORD_CUT}d'un forum", set()) == "organisation d'un forum"
    assert resolve_word_cuts(f"Préfabriqué{WORD_CUT}artistique", set()) == "Préfabriqué artistique"


# ---- scans of LibreOffice pages: cohésion sociale's heading, garbled action numbers -----------


def test_regression_scanned_framed_headings_are_not_one_paragraph():
    """A scan's boxed headings (one-column tables, read as text lines the width of their
    frame) follow each other with no gap: `COHESION SOCIALE` and `AXE STRATEGIQUE I …` were
    joined as one paragraph, the thématique never opened, its 13 actions went to jeunesse."""
    from pgt.extract.pdf_layout import TextLine, join_paragraphs

    heading = TextLine("COHESION SOCIALE", (37.1, 517.7, 794.3, 527.0), 0.0, boxed=True)
    axe = TextLine("AXE STRATEGIQUE I Renforcement du lien social", (37.1, 527.0, 794.3, 545.0), 0.0, boxed=True)
    assert [line.text for line in join_paragraphs([heading, axe], 794.3)] == [heading.text, axe.text]
    # lines of running text that fill the line still make one paragraph
    first = TextLine("Une phrase qui remplit toute la ligne jusqu'au bord", (37.1, 100.0, 793.0, 109.0), 20.0)
    second = TextLine("et continue en dessous.", (37.1, 110.0, 200.0, 119.0), 15.0)
    assert [line.text for line in join_paragraphs([first, second], 794.3)] == [f"{first.text} {second.text}"]


def test_regression_action_numbers_garbled_by_ocr_repaired_from_the_sequence():
    """Enfance's scanned pages: `12 Organisation` (dot lost), `22: …`, `25; …`, `42.. …`,
    `1 Développement` (11: a digit lost), `ZT Participation` (21 as letters). No row start,
    each was read as more of the action above: 11 enfance actions lost."""
    from pgt.extract.ocr_repairs import repair_action_marks

    cells = ["10. Festival", "1 Développement des actions", "12 Organisation d'échanges", "13. Lecture",
             "3 Ateliers de lecture", "20. Sciences", "ZT Participation à la Fête", "22: Organisation de la semaine",
             "23. Jeux", "25; Sensibilisation", "26. Risques", "41. Vélo", "42.. Développement", "43. Code",
             "Les enfants du territoire", "A l'échelle de la commune"]
    assert repair_action_marks(cells, [True] * len(cells)) == [
        "10. Festival", "11. Développement des actions", "12. Organisation d'échanges", "13. Lecture",
        "3 Ateliers de lecture", "20. Sciences", "21. Participation à la Fête", "22. Organisation de la semaine",
        "23. Jeux", "25. Sensibilisation", "26. Risques", "41. Vélo", "42. Développement", "43. Code",
        "Les enfants du territoire", "A l'échelle de la commune",
    ]
    # the numbering starting again (jeunesse after enfance's 89): `1K` before `2.`
    assert repair_action_marks(["89. Fin", "1K Recensement des dispositifs", "2. Utiliser"], [True] * 3)[1] == (
        "1. Recensement des dispositifs")
    # born-digital pages are left as printed
    assert repair_action_marks(["10. A", "12 Organisation", "13. B"], [False] * 3)[1] == "12 Organisation"


@pytest.fixture(scope="session")
def scanned_cohesion(libreoffice_pdfs, libreoffice_documents, tmp_path_factory):
    """The LibreOffice page where cohésion sociale begins, scanned (skew, grain, dust)."""
    from lo_pdf_fixtures import noisy_scan

    if not TESSERACT:
        pytest.skip("Tesseract is not installed (test_pdf_ocr covers the error)")
    rows = libreoffice_documents["fiches"].rows
    first = next(r.provenance.page for r in rows if r.cells[0] == "COHESION SOCIALE")
    scan = noisy_scan(libreoffice_pdfs["fiches"], tmp_path_factory.mktemp("scans") / "cohesion.pdf", [first])
    return read_document(scan, jobs=1)


def test_regression_scanned_cohesion_heading_opens_its_thematique(scanned_cohesion, raw_plan):
    plan = plan_from_documents([scanned_cohesion])
    codes = [t.code for t in plan.thematiques]
    assert "cohesion_sociale" in codes, codes
    cohesion = plan.thematique("cohesion_sociale")
    assert [a.numero for a in cohesion.axes] == [1]
    assert cohesion.axes[0].titre.startswith("Renforcement du lien social")


def test_regression_scanned_cell_strokes_braces_and_commas():
    """Tesseract read an OO column's `1` as `l` (the action lost its OO), `/` as `{`
    (`année scolaire {vacances`), and spaced commas (`enseignants ,les`)."""
    from pgt.extract.ocr_repairs import repair_cell_text

    assert repair_cell_text("l") == "1" and repair_cell_text("|") == "1"
    assert repair_cell_text("année scolaire {vacances / mercredis") == "année scolaire / vacances / mercredis"
    assert repair_cell_text("Les enseignants ,les équipes") == "Les enseignants, les équipes"
    assert repair_cell_text("le CAMSP , la pédiatrie") == "le CAMSP, la pédiatrie"
    assert repair_cell_text("{a}") == "{a}" and repair_cell_text("la") == "la"


def test_regression_scanned_words_cut_at_the_wrong_letter():
    """`financemen tavec`, `préparatio net`: no words; `périscolaire set`: words, but `set`
    is printed a few times by OCR slips where `périscolaires` and `et` are printed
    everywhere. Names and words the document prints stay as they are."""
    from collections import Counter

    from pgt.extract.ocr_repairs import respace_words
    from pgt.settings.dictionary import is_french_word

    counts = Counter({"périscolaires": 86, "et": 472, "set": 5, "périscolaire": 25, "jean": 4, "moulin": 4, "ans": 40})

    def known(word):
        return counts[word.casefold()] >= 3 or is_french_word(word.casefold())

    def count(word):
        return counts[word.casefold()]

    assert respace_words("convention de financemen tavec l'association", known, count) == (
        "convention de financement avec l'association")
    assert respace_words("la préparatio net pendant", known, count) == "la préparation et pendant"
    assert respace_words("les équipes périscolaire set extrascolaires,", known, count) == (
        "les équipes périscolaires et extrascolaires,")
    assert respace_words("à 3 anset futures", known, count) == "à 3 ans et futures"
    for kept in ("gymnase Jean Moulin", "CROUS UPPA", "le temps périscolaire et le mercredi", "2022 - 27"):
        assert respace_words(kept, known, count) == kept
