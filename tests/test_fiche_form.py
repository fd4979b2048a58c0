"""The fiche form (one label | value table per action) in every input format.

One plan description (`fiche_fixtures.PLAN`, worded unlike raw/) is written as a text
export, a DOCX (python-docx), an ODT and a PDF (LibreOffice: tables and rows break across
pages as real plans do) and a scan of three of its pages; each converts with no profile and
is scored against the description (thresholds of issue #12) and audited cell by cell.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fiche_fixtures import (
    PLAN, convert_with_libreoffice, expected_actions, score, scanned_pages, write_docx, write_text_export,
)
from helpers import DETAIL, SUMMARY

from pgt.accounting import audit, audit_ledger
from pgt.extract import read_document
from pgt.extract.rows import ExtractedDocument, Provenance, RowKind, SourceRow
from pgt.extract.text import rows_from_text
from pgt.normalize import RULES, normalize_plan, typos
from pgt.pipeline import convert
from pgt.schema import Plan
from pgt.structure import assemble, build_document
from pgt.structure.fiche import (
    garbled, is_fiche_form, label_field, list_items, match_axe_heading, match_fiche_heading, match_oi_heading,
    match_thematique_heading, parse_budget, thematique_code,
)

# issue #12, "Done when"
FOUND, PRECISION, FIELDS, YEARS = 0.97, 0.97, 0.95, 0.95
SCAN_PAGES = [1, 2, 3]


@pytest.fixture(scope="session")
def fiche_files(tmp_path_factory) -> dict[str, Path]:
    """The plan in each format, built once per session: wording `a` in every format, the
    held-out wording `b` (other labels and heading forms) as text, DOCX and PDF."""
    files: dict[str, Path] = {}
    for dialect, formats in (("a", ("odt", "pdf")), ("b", ("pdf",))):
        folder = tmp_path_factory.mktemp(f"fiche-form-{dialect}")
        suffix = "" if dialect == "a" else f"-{dialect}"
        files[f"text{suffix}"] = write_text_export(folder / "fiches.txt", dialect)
        files[f"docx{suffix}"] = write_docx(folder / "fiches.docx", dialect)
        for fmt in formats:
            files[f"{fmt}{suffix}"] = convert_with_libreoffice(files[f"docx{suffix}"], fmt, folder)
    return files


@pytest.fixture(scope="session")
def converted(fiche_files):
    cache: dict[str, object] = {}

    def get(fmt: str):
        if fmt not in cache:
            cache[fmt] = convert([fiche_files[fmt]])
        return cache[fmt]

    return get


@pytest.fixture(scope="session")
def scan(fiche_files, tmp_path_factory) -> Path:
    return scanned_pages(fiche_files["pdf"], tmp_path_factory.mktemp("fiche-scan") / "fiches-scan.pdf", SCAN_PAGES)


def _document(text: str, name: str = "fiches.txt") -> ExtractedDocument:
    rows, set_aside = rows_from_text(text, name)
    return ExtractedDocument(Path(name), rows, "text", "0" * 64, lines=text.count("\n") + 1, set_aside=set_aside)


def _plan(text: str) -> Plan:
    """A small document built and normalized; its every cell accounted for (the ledger's
    placed cells are in the plan, the others listed at their row)."""
    ledger = audit_ledger(_document(text))
    assert ledger.honest, (ledger.placed_not_found, ledger.unplaced_not_listed)
    built = build_document(_document(text))
    thematiques, _ = assemble([built])
    plan = Plan(documents=[built.source], thematiques=thematiques, corrections=built.corrections,
                anomalies=built.anomalies)
    return normalize_plan(plan, BUILDER_RULES)


# the field-parsing rules without the typo fixer, whose lexicon does not know these plans' words
# (it turns `Assistantes maternelles` into `Assistants maternels`: see the report of #12)
BUILDER_RULES = [rule for rule in RULES if rule is not typos.fix_typos_rule]


# ---- every format, scored against the description ----------------------------------------------------
ALL_FORMATS = ["text", "docx", "odt", "pdf", "text-b", "docx-b", "pdf-b"]


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_fiche_form_converts_with_no_profile(fmt, converted):
    result = converted(fmt)
    measured = score(result.plan)
    print(f"\n{fmt}: {measured.line()}")
    assert measured.found >= FOUND and measured.precision >= PRECISION, measured.wrong
    assert measured.fields >= FIELDS, measured.wrong
    assert measured.years >= YEARS, measured.wrong
    assert result.plan.documents[0].kind.value == "fiches_actions"
    cells = audit(result.plan, result.documents)
    assert not cells.unaccounted and cells.holds, cells.unaccounted[:5]


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_fiche_builder_reads_every_field(fmt, fiche_files):
    """The builder alone (with the field-parsing rules, without the typo fixer, whose
    lexicon does not know this plan's words): every field of every fiche as described."""
    document = read_document(fiche_files[fmt])
    built = build_document(document)
    thematiques, _ = assemble([built])
    plan = Plan(documents=[built.source], thematiques=thematiques, anomalies=built.anomalies)
    normalize_plan(plan, BUILDER_RULES)
    measured = score(plan)
    print(f"\n{fmt} (builder): {measured.line()}")
    assert measured.matched == measured.expected == measured.produced
    assert measured.fields_right == measured.fields_total, measured.wrong
    assert measured.years_right == measured.years_total, measured.wrong
    ledger = audit_ledger(document)
    assert ledger.honest, (ledger.placed_not_found[:3], ledger.unplaced_not_listed[:3])


def test_scanned_fiches(converted, fiche_files, scan):
    """Three pages of the LibreOffice PDF, scanned (200 dpi, skewed, noised), through OCR: the
    fiches on those pages, fiche 1 going on over the page break."""
    born_digital = converted("pdf").plan
    pages = {a.numero: a.provenance.pages or [a.provenance.page] for a in born_digital.all_actions()}
    inside = {n for n, p in pages.items() if max(p) <= SCAN_PAGES[-1]}
    partial = frozenset(n for n, p in pages.items() if min(p) <= SCAN_PAGES[-1] < max(p))
    expected = [a for a in expected_actions() if a["numero"] in inside | partial]
    result = convert([scan])
    measured = score(result.plan, expected, partial)
    print(f"\nscan of pages {SCAN_PAGES} ({len(inside)} whole fiches, {len(partial)} cut): {measured.line()}")
    assert len(inside) >= 3
    assert measured.found == 1.0 and measured.precision == 1.0, measured.wrong
    assert measured.fields >= 0.90, measured.wrong  # OCR: a few letters go
    assert measured.years >= YEARS, measured.wrong
    assert not audit(result.plan, result.documents).unaccounted
    fiche_1 = next(a for a in result.plan.all_actions() if a.numero == 1)
    assert fiche_1.provenance.pages == [1, 2] and fiche_1.statut == "En cours"


# ---- specific fiches --------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["text", "docx", "pdf", "pdf-b"])
def test_specific_fiches(fmt, converted):
    plan = converted(fmt).plan
    actions = {a.numero: a for a in plan.all_actions()}
    # fiche 7 is printed as two tables: one action, its partners from the second table
    seven = actions[7]
    assert seven.partenaires == ["CAF de l'Oise", "Commune de Montaubry", "Fédération des centres sociaux"]
    assert seven.porteur == "Association Vivre à Montaubry" and seven.echeances == "2025-2026"
    assert (seven.annee_debut, seven.annee_fin) == (2025, 2026) and seven.budget == 30000
    # fiche 5: the author went on with the description in a row with no label
    assert actions[5].description.endswith("Chaque famille repart avec un bilan de ses droits.")
    assert "au pied des immeubles" in actions[5].description
    # empty labels are empty fields, not a shift: fiche 2's budget is empty, its calendar right
    assert actions[2].budget_texte is None and actions[2].echeances == "Septembre 2024 à juin 2025"
    assert actions[8].statut is None and actions[8].echeances == "2024"
    # labels that name no field are kept
    assert actions[6].autres == {"Priorité": "Haute"}
    assert actions[10].autres == {"Contexte": "Renouvellement difficile des bureaux associatifs"}
    # the title from a title row in the table, from an `Intitulé` row under a bare heading
    assert actions[3].titre == "Créer des ateliers numériques pour les seniors"
    assert actions[4].titre == "Recruter un conseiller numérique mutualisé"
    # bulleted lists (Word bullets and typed dashes)
    assert actions[13].partenaires == ["Auto-école sociale", "Département de l'Oise", "Pôle emploi"]
    assert actions[13].indicateurs == ["Nombre de jeunes inscrits", "Taux de réussite à l'examen"]
    assert actions[1].budget == 85000 and actions[1].budget_texte == "85 000 € par an"


@pytest.mark.parametrize("fmt", ["text", "pdf", "pdf-b"])
def test_hierarchy_from_headings_and_rows(fmt, converted):
    plan = converted(fmt).plan
    codes = [t.code for t in plan.thematiques]
    assert codes == [t.code for t in PLAN] == ["acces_aux_droits", "animation_vie_sociale", "jeunesse", "logement"]
    access = plan.thematique("acces_aux_droits")
    assert [(a.numero, a.titre) for a in access.axes] == [
        (1, "Faciliter l'accès aux droits des habitants"), (2, "Lutter contre le non-recours")]
    assert [o.titre for o in access.axes[0].objectifs_intermediaires] == [
        "Rapprocher les services publics des habitants", "Accompagner les usages numériques"]
    jeunesse = plan.thematique("jeunesse")  # hierarchy in rows of each fiche
    assert jeunesse.titre == "Jeunesse" and [a.numero for a in jeunesse.axes] == [4]
    oi_1, oi_2 = jeunesse.axes[0].objectifs_intermediaires
    assert oi_1.titre == "Favoriser l'engagement des jeunes" and [a.numero for a in oi_1.actions] == [11, 12]
    assert [(o.numero, o.titre) for o in oi_1.objectifs_operationnels] == [(1, "Donner la parole aux jeunes")]
    assert [a.oo for a in oi_2.actions] == [[1], [1]]
    assert [a.numero for a in plan.thematique("logement").all_actions()] == [15, 16, 17, 18, 19, 20]


def test_pdf_fiche_broken_across_pages(converted):
    """LibreOffice breaks fiche 1's description over pages 1 and 2: one action, one value."""
    plan = converted("pdf").plan
    fiche_1 = next(a for a in plan.all_actions() if a.numero == 1)
    assert fiche_1.provenance.pages[:2] == [1, 2]
    assert fiche_1.description.startswith("Un véhicule aménagé se rend chaque semaine")
    assert "avec les témoignages recueillis auprès des participants." in fiche_1.description
    unplaced = [c for a in plan.anomalies if a.code in ("unplaced_cells", "missing_title") for c in a.cells]
    assert unplaced == ["Convention Territoriale Globale 2024-2028 – Communauté de communes du Val de Sérène",
                        "Plan d'actions"]  # the cover lines: no fiche, no heading


# ---- small documents: one rule each -----------------------------------------------------------------
FICHE = """AXE 1 – Renforcer l'accueil des familles

Fiche action n°3 – Créer un lieu d'accueil parents-enfants
Thématique\tParentalité
Pilote\tCentre social de la Vallée
Partenaires\t• CAF<br>• PMI<br>• Commune de Bellerive
Calendrier\t2025-2027
Budget\t
Description\tUn lieu ouvert deux matinées par semaine.
\tIl tourne entre trois communes.
Indicateurs de suivi\tNombre de familles accueillies
Remarques\tÀ articuler avec le REAAP

Pilote\tdoublon
"""


def test_small_fiche_rules():
    plan = _plan(FICHE)
    (action,) = plan.all_actions()
    assert plan.thematiques[0].code == "parentalite" and plan.thematiques[0].axes[0].numero == 1
    assert (action.numero, action.titre) == (3, "Créer un lieu d'accueil parents-enfants")
    assert action.partenaires == ["CAF", "PMI", "Commune de Bellerive"]
    assert action.description == "Un lieu ouvert deux matinées par semaine.\nIl tourne entre trois communes."
    assert action.budget_texte is None and (action.annee_debut, action.annee_fin) == (2025, 2027)
    assert action.autres == {"Remarques": "À articuler avec le REAAP"}
    # the second table (no heading between) is the same fiche: its Pilote row adds to the porteur
    assert action.porteur == "Centre social de la Vallée\ndoublon"
    unknown = [a for a in plan.anomalies if a.code == "unknown_header"]
    assert [(a.cells, a.line) for a in unknown] == [(["Remarques"], 12)]


def test_fiche_without_axe_opens_an_inferred_axe():
    text = "FICHE ACTION 4 : Accompagner les aidants\nPilote\tCIAS\nPublic cible\tAidants\nCalendrier\t2024\n"
    plan = _plan(text)
    (action,) = plan.all_actions()
    assert action.numero == 4 and action.porteur == "CIAS" and action.public_vise == "Aidants"
    assert plan.thematiques[0].code == "plan" and plan.thematiques[0].axes[0].numero == 1
    assert {a.code for a in plan.anomalies} >= {"inferred_axe", "inferred_thematique"}


def test_fiches_titled_by_intitule_rows_only():
    """No headings at all: each `Intitulé` row opens the next fiche."""
    text = ("Intitulé\tAccueil des familles\nPilote\tA\nCalendrier\t2024\n\n"
            "Intitulé\tSoutien aux parents\nPilote\tB\nCalendrier\t2025\n")
    plan = _plan(text)
    assert [(a.titre, a.porteur, a.annee_debut) for a in plan.all_actions()] == [
        ("Accueil des familles", "A", 2024), ("Soutien aux parents", "B", 2025)]


def test_fiche_heading_repeated_over_the_rest_of_its_table():
    text = ("Fiche action n°2 – Ouvrir une ludothèque\nPilote\tCommune\nCalendrier\t2025\nPartenaires\tCAF\n\n"
            "Fiche action n°2 (suite)\n\tMédiathèque\nIndicateurs\tNombre de prêts\n")
    plan = _plan(text)
    (action,) = plan.all_actions()
    assert action.partenaires == ["CAF", "Médiathèque"] and action.indicateurs == ["Nombre de prêts"]


def test_hierarchical_action_number_names_its_axe():
    text = ("Action 2.1 – Former les assistantes maternelles\nPilote\tRPE\nPublic\tAssistantes maternelles\n"
            "Calendrier\t2024\n\nAction 3.1 – Ouvrir une crèche\nPilote\tCommune\nPublic\tFamilles\nDurée\t2026\n")
    plan = _plan(text)
    assert [(axe.numero, [a.numero for a in axe.actions]) for axe in plan.thematiques[0].axes] == [(2, [1]), (3, [1])]


def test_labels_by_synonym_and_fuzzily():
    assert label_field("Structure pilote") == label_field("Pilote(s)") == label_field("Responsable") == "porteur"
    assert label_field("Bénéficiaires") == label_field("Public cible :") == "public_vise"
    assert label_field("Échéancier") == label_field("Calendrier prévisionnel") == "echeances"
    assert label_field("Calendrler") == "echeances" and label_field("Partenaircs associés") == "partenaires"
    assert label_field("Moyens humains") == "moyens_humains" and label_field("Moyens matériels") == "moyens_techniques"
    assert label_field("Financement(s)") == "moyens_financiers" and label_field("Budget") == "budget"
    assert label_field("Indicateurs d'évaluation") == label_field("Indicateurs de suivi") == "indicateurs"
    assert label_field("Objectif stratégique") == "oi" and label_field("Objectif(s) opérationnel(s)") == "oo"
    assert label_field("Objectifs de l'action") == "objectifs" and label_field("État d'avancement") == "statut"
    assert label_field("Territoire concerné") == "territoire" and label_field("Intitulé de l'action") == "titre"
    assert label_field("Coordination : structure pilote") == "porteur" and label_field("Partenariats") == "partenaires"
    assert label_field("Points de vigilance") is None and label_field("Contexte") is None
    assert label_field("Un lieu ouvert deux matinées par semaine dans chaque commune du territoire") is None


def test_heading_forms():
    assert match_fiche_heading("Fiche action n°3 – Créer un lieu").numbers == (3,)
    assert match_fiche_heading("FICHE ACTION 4 :").numbers == (4,)
    assert match_fiche_heading("Action 2.1 Développer").numbers == (2, 1)
    assert match_fiche_heading("FA 12").titre == "" and match_fiche_heading("N° 12 – Lire").titre == "Lire"
    assert match_fiche_heading("Actions de prévention 2024") is None
    assert match_axe_heading("AXE 2 – Favoriser").numbers == (2,)
    assert match_axe_heading("Axe stratégique II : Agir").numbers == (2,)
    assert match_oi_heading("Objectif stratégique 1.2 : Garantir").numbers == (1, 2)
    assert match_thematique_heading("Thématique : Jeunesse").titre == "Jeunesse"
    assert match_thematique_heading("Thématiques de la convention") is None
    assert thematique_code("Accès aux droits et inclusion numérique") == "acces_aux_droits"
    assert thematique_code("Petite enfance") == "petite_enfance" and thematique_code("Culture et sport") == "culture_et_sport"


def test_list_items_and_budget():
    assert list_items("- CAF\n- PMI") == ["CAF", "PMI"]
    assert list_items("\uf0b7 Nombre A \uf0b7 Nombre B") == ["Nombre A", "Nombre B"]  # a PDF cell, lines folded
    assert list_items("- CAF - MSA Picardie - Mont-de-Marsan") == ["CAF", "MSA Picardie", "Mont-de-Marsan"]
    assert list_items("Nombre de familles\naccueillies") == ["Nombre de familles accueillies"]
    assert parse_budget("15 000 €") == 15000 and parse_budget("20 k€") == 20000
    assert parse_budget("5 000 € en 2024, 7 000 € en 2025") is None and parse_budget("à définir") is None
    assert garbled("BERRRRESSUaSRE reelneea Fe aNTDeee.Vers“et aepeosR") and not garbled("Points de vigilance")


def test_grid_documents_are_not_fiche_forms():
    assert not is_fiche_form(read_document(DETAIL)) and not is_fiche_form(read_document(SUMMARY))


def test_regression_ocr_noise_in_the_empty_label_of_a_continued_row():
    """A scan read the empty label cell of a row going on after a page break as noise: the
    value continues the label above, the noise is listed."""
    rows = [
        SourceRow(("Fiche action n°1 – Ouvrir un espace",), Provenance("s.pdf", page=1), RowKind.TEXT),
        SourceRow(("Description", "Un véhicule se rend"), Provenance("s.pdf", page=1, table=0, row=0), table_index=0),
        SourceRow(("BERRRRESSUaSRE reelneea aNTDeee.Vers“et", "chaque semaine dans six communes."),
                  Provenance("s.pdf", page=2, table=1, row=0), table_index=1),
        SourceRow(("Pilote", "CCAS"), Provenance("s.pdf", page=2, table=1, row=1), table_index=1),
        SourceRow(("Calendrier", "2024"), Provenance("s.pdf", page=2, table=1, row=2), table_index=1),
    ]
    built = build_document(ExtractedDocument(Path("s.pdf"), rows, "pdf", "0" * 64, pages=2))
    (action,) = [a for t in built.thematiques for a in t.all_actions()]
    assert action.description == "Un véhicule se rend\nchaque semaine dans six communes."
    assert action.autres == {} and action.porteur == "CCAS"
    assert [a.page for a in built.anomalies if a.code == "unreadable_label"] == [2]


def test_labels_side_by_side_in_one_row():
    """Four-column fiches: `Pilote | … | Calendrier | …` are two fields, not one value."""
    text = ("Fiche action n°6 – Ouvrir un relais petite enfance\n"
            "Pilote\tCommune de Bellerive\tCalendrier\t2025-2026\n"
            "Public cible\tAssistantes maternelles\tBudget\t20 000 €\n"
            "Description\tUn relais itinérant.\t\t\n"
            "Partenaires\t- CAF<br>- PMI\tStatut\tEn projet\n")
    (action,) = _plan(text).all_actions()
    assert (action.porteur, action.echeances, action.annee_fin) == ("Commune de Bellerive", "2025-2026", 2026)
    assert (action.public_vise, action.budget, action.description) == ("Assistantes maternelles", 20000, "Un relais itinérant.")
    assert action.partenaires == ["CAF", "PMI"] and action.statut == "En projet"


def test_page_header_inside_fiches_cut_by_a_page_break(converted):
    """Wording `b` has a page header: printed between the parts of fiches cut by a page
    break, it is listed once a page (info), and the fiches stay whole."""
    plan = converted("pdf-b").plan
    header = [a for a in plan.anomalies if any("Plan d'actions" in c and "CTG" in c for c in a.cells)]
    assert len(header) >= 5 and {(a.code, a.severity) for a in header} == {("page_header", "info")}
    fiche_7 = next(a for a in plan.all_actions() if a.numero == 7)  # cut by a page break and split in two
    assert fiche_7.porteur == "Association Vivre à Montaubry" and len(fiche_7.partenaires) == 3


def test_label_and_value_in_one_cell_or_line():
    """`Pilote : …` in a one-cell row, or as a line under the fiche's table, is a field."""
    text = ("Fiche action n°8 – Créer une ludothèque\n"
            "Pilote : Commune de Bellerive\t\n"
            "Public cible\tFamilles\n"
            "Calendrier\t2026\n"
            "\nBudget : 9 000 €\n")
    plan = _plan(text)
    (action,) = plan.all_actions()
    assert (action.porteur, action.public_vise, action.budget) == ("Commune de Bellerive", "Familles", 9000)
    assert not [a for a in plan.anomalies if a.severity != "info"]


def test_axe_heading_as_a_merged_row_of_the_table():
    text = ("AXE 3 – Accompagner les familles\t\n"
            "Fiche action n°9 : Ouvrir un lieu d'écoute\t\n"
            "Pilote\tCCAS\nPublic cible\tParents\nCalendrier\t2025\n")
    plan = _plan(text)
    axe = plan.thematiques[0].axes[0]
    assert (axe.numero, axe.titre) == (3, "Accompagner les familles")
    assert [(a.numero, a.titre, a.porteur) for a in axe.actions] == [(9, "Ouvrir un lieu d'écoute", "CCAS")]


def test_sub_labels_under_a_merged_label():
    """`Moyens` merged down over `Humains` / `Matériels` / `Financiers` rows: three fields."""
    text = ("Fiche action n°5 – Ouvrir un accueil de loisirs\nPilote\tCommune\t\nPublic cible\tEnfants\t\n"
            "Moyens\tHumains\tDeux animateurs\n\tMatériels\tUn minibus\n\tFinanciers\tPrestation de service\n"
            "Calendrier\t2026\t\n")
    (action,) = _plan(text).all_actions()
    assert (action.moyens_humains, action.moyens_techniques, action.moyens_financiers) == (
        "Deux animateurs", "Un minibus", "Prestation de service")
    assert action.porteur == "Commune" and action.annee_debut == 2026
    assert audit_ledger(_document(text)).honest


# ---- a grid and fiche forms in one document --------------------------------------------------
def _blocks_as_text(blocks, path: Path) -> Path:
    """Blocks as a text export prints them: lines, then a table's rows tab-separated, a blank
    line after each block."""
    lines: list[str] = []
    for kind, block in blocks:
        if kind == "text":
            for line in block:
                lines += [line, ""]
        else:
            lines += ["\t".join(cell.replace("\n", " ") for cell in row) for row in block.cells]
            lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["text", "docx"])
def test_regression_grid_and_fiche_forms_in_one_document_are_both_read(fmt, tmp_path):
    """The held-out plan (tests/lo_pdf_fixtures.py `held_out_blocks`): a grid of nine actions
    (N° | Intitulé de l'action | Pilote | …), then the same nine as fiche forms (Pilote |
    Objectifs | Description…). One builder was picked for the whole document: the grid was
    read, the fiches listed as "table with no action header" (54 anomalies, 71 of 171 cells
    placed). Each run of tables is now read by its layout's builder, into one thématique."""
    from docx_fixtures import render_docx_blocks
    from lo_pdf_fixtures import filler_text, held_out_blocks

    blocks = held_out_blocks()
    path = (_blocks_as_text(blocks, tmp_path / "plan.txt") if fmt == "text"
            else render_docx_blocks(blocks, tmp_path / "plan.docx"))
    result = convert([path])
    plan = result.plan
    [thematique] = plan.thematiques
    assert thematique.titre == "CONVENTION TERRITORIALE GLOBALE – PLAN D'ACTIONS"
    # `ENJEU 1 – …` above the grid (it was listed, and the grid's rows sat on the thématique):
    # the axe of the grid's rows, and of the fiches that go on after it
    [axe] = thematique.axes
    assert (axe.numero, axe.titre) == (1, "Vivre ensemble sur le territoire") and not thematique.actions
    grid, fiches = axe.actions[:9], axe.actions[9:]
    assert [a.numero for a in grid] == list(range(1, 10))
    assert [a.numero for a in fiches] == list(range(1, 10))
    assert len({a.id for a in plan.all_actions()}) == 18
    for n, action in enumerate(grid, 1):
        assert action.porteur == f"Service enfance-jeunesse de la commune {n}"
        assert action.echeances == f"{2024 + n % 3} - {2027 + n % 2}"
    for n, action in enumerate(fiches, 1):
        assert action.porteur == f"Service enfance-jeunesse de la commune {n}"
        assert action.objectifs is not None and action.objectifs.split()[:3] == filler_text(400 + n, 25).split()[:3]
        assert action.description is not None and len(action.description.split()) == 120 + 40 * (n % 3)
        assert action.indicateurs
    assert not any(a.code == "table_not_plan" for a in plan.anomalies)
    [document] = plan.documents
    assert document.placed_cells == document.non_empty_cells
    cells = audit(plan, result.documents)
    assert not cells.unaccounted and cells.holds, cells.unaccounted[:5]
