"""DOCX and ODT readers on small hand-made documents: one Word/ODF feature per test."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from pgt.errors import EncryptedInput, UnreadableInput
from pgt.extract import read_document
from pgt.extract.rows import RowKind


def _table_rows(path: Path) -> list[tuple[str, ...]]:
    return [r.cells for r in read_document(path).rows if r.kind is RowKind.TABLE]


def _save(document, tmp_path: Path, name: str = "plan.docx") -> Path:
    path = tmp_path / name
    document.save(str(path))
    return path


def _table(document, rows: list[list[str]]):
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for word_row, texts in zip(table.rows, rows):
        for cell, text in zip(word_row.cells, texts):
            if text:
                cell.paragraphs[0].add_run(text)
    return table


def test_nested_table_text_kept_and_reported(tmp_path):
    document = docx.Document()
    table = _table(document, [["ACTIONS", "PARTENAIRES"], ["1. Forum", ""]])
    nested = table.cell(1, 1).add_table(rows=2, cols=2)
    nested.cell(0, 0).text, nested.cell(0, 1).text = "CAF", "PMI"
    nested.cell(1, 0).text = "Pôle Emploi"
    extracted = read_document(_save(document, tmp_path))
    rows = [r for r in extracted.rows if r.kind is RowKind.TABLE]
    assert len(rows) == 2  # the nested rows are not flattened into the outer table
    assert rows[1].cells == ("1. Forum", "CAF PMI\nPôle Emploi")
    assert extracted.warnings == [
        "nested_table: plan.docx:table 1 row 2 cell 2: a table nested in the cell "
        "(2 non-empty rows) was read into the cell text"
    ]


def test_grid_before_and_after_give_empty_cells(tmp_path):
    document = docx.Document()
    table = _table(document, [["A", "B", "C"], ["", "x", ""]])
    tr = table.rows[1]._tr
    tcs = tr.findall(qn("w:tc"))
    tr.remove(tcs[0])
    tr.remove(tcs[2])
    trpr = tr.get_or_add_trPr()
    trpr.append(parse_xml(f'<w:gridBefore {nsdecls("w")} w:val="1"/>'))
    trpr.append(parse_xml(f'<w:gridAfter {nsdecls("w")} w:val="1"/>'))
    assert _table_rows(_save(document, tmp_path)) == [("A", "B", "C"), ("", "x", "")]


def test_short_row_padded_to_table_width(tmp_path):
    document = docx.Document()
    table = _table(document, [["A", "B", "C"], ["x", "y", "z"]])
    tr = table.rows[1]._tr
    tr.remove(tr.findall(qn("w:tc"))[2])  # a row with fewer cells than the grid
    assert _table_rows(_save(document, tmp_path)) == [("A", "B", "C"), ("x", "y", "")]


def test_deleted_and_hidden_text_left_out_inserted_text_kept(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("Mont de ")
    p = paragraph._p
    deleted = "<w:r><w:delText>Mersan</w:delText></w:r>"
    p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="a">{deleted}</w:del>'))
    p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t>Marsan</w:t></w:r></w:ins>'))
    p.append(parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:vanish/></w:rPr><w:t> caché</w:t></w:r>'))
    shown = '<w:rPr><w:vanish w:val="false"/></w:rPr><w:t> Agglo</w:t>'
    p.append(parse_xml(f'<w:r {nsdecls("w")}>{shown}</w:r>'))
    rows = read_document(_save(document, tmp_path)).rows
    assert [r.cells for r in rows] == [("Mont de Marsan Agglo",)]


def test_tracked_deleted_row_left_out(tmp_path):
    document = docx.Document()
    table = _table(document, [["A"], ["supprimée"], ["B"]])
    trpr = table.rows[1]._tr.get_or_add_trPr()
    trpr.append(parse_xml(f'<w:del {nsdecls("w")} w:id="3" w:author="a"/>'))
    rows = [r for r in read_document(_save(document, tmp_path)).rows if r.kind is RowKind.TABLE]
    assert [r.cells for r in rows] == [("A",), ("B",)]
    assert [r.provenance.row for r in rows] == [0, 1]


def test_header_flag_below_a_plain_row_is_not_a_repeated_header(tmp_path):
    """Word repeats only the leading run of "repeat as header row" rows."""
    document = docx.Document()
    table = _table(document, [["ACTIONS", "OO"], ["HUMAINS", ""], ["1. x", "1"], ["ACTIONS", "OO"]])
    for index in (0, 1, 3):
        table.rows[index]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    false_flag = parse_xml(f'<w:tblHeader {nsdecls("w")} w:val="0"/>')
    table2 = _table(document, [["ACTIONS"], ["1. y"]])
    table2.rows[0]._tr.get_or_add_trPr().append(false_flag)
    rows = [r for r in read_document(_save(document, tmp_path)).rows if r.kind is RowKind.TABLE]
    assert [r.repeated_header for r in rows] == [True, True, False, False, False, False]
    assert [r.table_index for r in rows] == [0, 0, 0, 0, 1, 1]


def test_line_breaks_split_text_rows_and_stay_in_cells(tmp_path):
    document = docx.Document()
    run = document.add_paragraph().add_run("AXE STRATEGIQUE I")
    run.add_break()
    run.add_text("Améliorer   la répartition\u00a0de l'offre")
    table = _table(document, [["a", ""]])
    cell_run = table.cell(0, 1).paragraphs[0].add_run("ligne 1")
    cell_run.add_break()
    cell_run.add_text("ligne 2")
    table.cell(0, 1).add_paragraph("")  # an empty paragraph adds nothing
    table.cell(0, 1).add_paragraph("  ligne\t3 ")
    rows = read_document(_save(document, tmp_path)).rows
    assert [(r.kind, r.cells) for r in rows] == [
        (RowKind.TEXT, ("AXE STRATEGIQUE I",)),
        (RowKind.TEXT, ("Améliorer la répartition de l'offre",)),
        (RowKind.TABLE, ("a", "ligne 1\nligne 2\nligne 3")),
    ]


def test_content_controls_hyperlinks_and_page_breaks(tmp_path):
    document = docx.Document()
    body = document.element.body
    sdt = parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>THEMATIQUE ENFANCE</w:t></w:r>'
        f"</w:p></w:sdtContent></w:sdt>"
    )
    body.insert(0, sdt)
    paragraph = document.add_paragraph("Voir ")
    paragraph._p.append(
        parse_xml(f'<w:hyperlink {nsdecls("w")}><w:r><w:t>le site</w:t></w:r></w:hyperlink>')
    )
    paragraph.add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
    rows = read_document(_save(document, tmp_path)).rows
    assert [r.cells for r in rows] == [("THEMATIQUE ENFANCE",), ("Voir le site",)]


def test_text_box_read_once_not_from_its_fallback_copy(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("Titre ")
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    box = "<w:txbxContent><w:p><w:r><w:t>boîte</w:t></w:r></w:p></w:txbxContent>"
    paragraph._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")} xmlns:mc="{mc}"><mc:AlternateContent>'
            f'<mc:Choice Requires="wps"><w:drawing>{box}</w:drawing></mc:Choice>'
            f"<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        )
    )
    rows = read_document(_save(document, tmp_path)).rows
    assert [r.cells for r in rows] == [("Titre",), ("boîte",)]


@pytest.mark.parametrize(
    "damage",
    ["truncated", "invalid_xml", "missing_document_part"],
)
def test_damaged_docx_is_one_line_unreadable_input(tmp_path, damage):
    good = _save(docx.Document(), tmp_path, "good.docx")
    bad = tmp_path / "bad.docx"
    if damage == "truncated":
        bad.write_bytes(good.read_bytes()[: 3000])
    else:
        with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "word/document.xml":
                    if damage == "missing_document_part":
                        continue
                    data = data[: len(data) // 2]
                target.writestr(item, data)
    with pytest.raises(UnreadableInput) as caught:
        read_document(bad)
    message = caught.value.message
    assert str(bad) in message and "\n" not in message
    assert "Traceback" not in message


def test_template_main_part_without_element_is_read(tmp_path):
    """Bug: python-docx gives a .dotx main part as a plain Part without `.element`."""
    document = docx.Document()
    document.add_paragraph("THEMATIQUE JEUNESSE")
    path = _save(document, tmp_path, "plan.docx")
    template = tmp_path / "plan.dotx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(template, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml"
                )
            target.writestr(item, data)
    assert [r.cells for r in read_document(template).rows] == [("THEMATIQUE JEUNESSE",)]


def test_legacy_doc_refused_with_conversion_hint(tmp_path):
    doc = tmp_path / "plan.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le"))
    with pytest.raises(UnreadableInput) as caught:
        read_document(doc)
    message = caught.value.message
    assert message.startswith(f"{doc}: legacy Word .doc")
    assert "soffice --headless --convert-to docx plan.doc" in message
    assert "\n" not in message


def test_password_protected_docx_is_not_called_legacy_doc(tmp_path):
    locked = tmp_path / "plan.docx"
    locked.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
    )
    with pytest.raises(EncryptedInput, match="password-protected Word document"):
        read_document(locked)


# --- ODT ---------------------------------------------------------------------------------


def _odt(tmp_path: Path, build) -> Path:
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    build(document)
    path = tmp_path / "plan.odt"
    document.save(str(path))
    return path


def test_odt_spans_repeats_spaces_and_nested_table(tmp_path):
    from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
    from odf.text import LineBreak, List, ListItem, P, S, Span

    def build(document):
        item = ListItem()
        item.addElement(P(text="THEMATIQUE ENFANCE"))
        lst = List()
        lst.addElement(item)
        document.text.addElement(lst)
        table = Table(name="T")
        table.addElement(TableColumn(numbercolumnsrepeated=4))
        row = TableRow()
        merged = TableCell(numbercolumnsspanned=3)
        merged.addElement(P(text="MOYENS"))
        row.addElement(TableCell())
        row.addElement(merged)
        row.addElement(CoveredTableCell(numbercolumnsrepeated=2))
        table.addElement(row)
        row = TableRow()
        cell = TableCell()
        paragraph = P(text="Mont de")
        paragraph.addElement(S(c=3))
        paragraph.addElement(Span(text="Marsan"))
        paragraph.addElement(LineBreak())
        paragraph.addText("Agglo")
        cell.addElement(paragraph)
        row.addElement(cell)
        nested = Table(name="N")
        nested.addElement(TableColumn(numbercolumnsrepeated=2))
        nested_row = TableRow()
        for text in ("CAF", "PMI"):
            nested_cell = TableCell()
            nested_cell.addElement(P(text=text))
            nested_row.addElement(nested_cell)
        nested.addElement(nested_row)
        holder = TableCell()
        holder.addElement(nested)
        row.addElement(holder)
        row.addElement(TableCell(numbercolumnsrepeated=2))
        table.addElement(row)
        document.text.addElement(table)

    extracted = read_document(_odt(tmp_path, build))
    assert [r.cells for r in extracted.rows] == [
        ("THEMATIQUE ENFANCE",),
        ("", "MOYENS", "", ""),
        ("Mont de Marsan\nAgglo", "CAF PMI", "", ""),
    ]
    assert extracted.warnings == [
        "nested_table: plan.odt:table 1 row 2 cell 2: a table nested in the cell "
        "(1 non-empty rows) was read into the cell text"
    ]


def test_odt_without_odfpy_or_soffice_says_what_to_install(tmp_path, monkeypatch):
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text="x"))
    path = tmp_path / "plan.odt"
    document.save(str(path))
    monkeypatch.setitem(sys.modules, "odf.opendocument", None)  # import fails
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(UnreadableInput, match=r"needs odfpy .* or LibreOffice \(soffice\)"):
        read_document(path)


def test_damaged_odt_is_one_line_unreadable_input(tmp_path):
    from odf.opendocument import OpenDocumentText

    good = tmp_path / "good.odt"
    OpenDocumentText().save(str(good))
    bad = tmp_path / "bad.odt"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "content.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(UnreadableInput) as caught:
        read_document(bad)
    assert str(bad) in caught.value.message and "\n" not in caught.value.message


# --- Word automatic numbering ------------------------------------------------------------


def _numbered(document, text: str, num_id: int, ilvl: int = 0):
    paragraph = document.add_paragraph(text)
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
    )
    return paragraph


def test_list_labels_rendered_as_a_pdf_shows_them(tmp_path):
    """Action numbers and axe numerals typed by Word's numbering are not in the runs'
    text: without them the actions lose their numbers."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>'
            '<w:lvlText w:val="AXE STRATEGIQUE %1"/><w:suff w:val="space"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%1.%2."/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="90"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="4"/></w:lvlOverride></w:num>'
        )
    )
    _numbered(document, "", 90)
    _numbered(document, "Soutenir", 90, 1)
    _numbered(document, "Développer", 90, 1)
    _numbered(document, "", 90)
    _numbered(document, "Observer", 90, 1)
    _numbered(document, "Restart", 91)
    _numbered(document, "no numbering", 0)
    document.add_paragraph("Pérenniser", style="List Number")
    document.add_paragraph("familles", style="List Bullet")
    table = _table(document, [["", "1"]])
    table.cell(0, 0).paragraphs[0].add_run("Participation")
    table.cell(0, 0).paragraphs[0].style = document.styles["List Number"]
    rows = read_document(_save(document, tmp_path)).rows
    assert [r.cells for r in rows] == [
        ("AXE STRATEGIQUE I",),
        ("I.1. Soutenir",),
        ("I.2. Développer",),
        ("AXE STRATEGIQUE II",),
        ("II.1. Observer",),
        ("AXE STRATEGIQUE IV Restart",),
        ("no numbering",),
        ("1. Pérenniser",),
        ("- familles",),
        ("2. Participation", "1"),
    ]


def test_python_docx_not_shadowed_by_a_checkout_folder_named_docx():
    """Bug: pytest imported the repository root (the pgt package) under its folder's name;
    in a checkout named `docx` it shadowed python-docx (tests/conftest.py imports it first)."""
    assert hasattr(docx, "Document")
    assert "site-packages" in docx.__file__ or "dist-packages" in docx.__file__


def test_main_part_under_another_name_detected_as_docx(tmp_path):
    document = docx.Document()
    document.add_paragraph("THEMATIQUE ENFANCE")
    good = _save(document, tmp_path, "good.docx")
    renamed = tmp_path / "renamed.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(renamed, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            name = item.filename.replace("word/document.xml", "word/document2.xml")
            data = data.replace(b"/word/document.xml", b"/word/document2.xml")
            data = data.replace(b'Target="word/document.xml"', b'Target="word/document2.xml"')
            target.writestr(name, data)
    assert [r.cells for r in read_document(renamed).rows] == [("THEMATIQUE ENFANCE",)]


def test_rows_inside_content_controls_and_alt_chunk_reported(tmp_path):
    document = docx.Document()
    table = _table(document, [["ACTIONS"], ["1. Forum"]])
    tr = table.rows[1]._tr
    sdt = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtContent/></w:sdt>')
    tr.addprevious(sdt)
    sdt[0].append(tr)  # the row now sits in a repeating-section content control
    document.element.body.insert(
        0,
        parse_xml(
            f'<w:altChunk {nsdecls("w")} xmlns:r="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships" r:id="rId99"/>'
        ),
    )
    extracted = read_document(_save(document, tmp_path))
    assert [r.cells for r in extracted.rows] == [("ACTIONS",), ("1. Forum",)]
    assert extracted.warnings[0].startswith("alt_chunk: plan.docx: 1 embedded document part")


def test_odt_through_libreoffice_when_odfpy_missing(tmp_path, monkeypatch):
    """The conversion path: `soffice --convert-to docx` then the DOCX reader; rows name the
    ODT, not the temporary DOCX. A stand-in `soffice` script copies a prepared DOCX."""
    from odf.opendocument import OpenDocumentText

    odt = tmp_path / "plan.odt"
    OpenDocumentText().save(str(odt))
    document = docx.Document()
    _table(document, [["ACTIONS", "OO"], ["1. Forum", "2"]])
    prepared = _save(document, tmp_path, "prepared.docx")
    fake = tmp_path / "soffice"
    # argv: --headless --convert-to docx --outdir DIR FILE
    fake.write_text(f'#!/bin/sh\ncp "{prepared}" "$5/plan.docx"\n')
    fake.chmod(0o755)
    monkeypatch.setitem(sys.modules, "odf.opendocument", None)
    monkeypatch.setattr("shutil.which", lambda name: str(fake) if name == "soffice" else None)
    extracted = read_document(odt)
    assert extracted.format == "odt"
    assert [r.cells for r in extracted.rows] == [("ACTIONS", "OO"), ("1. Forum", "2")]
    assert {r.provenance.document for r in extracted.rows} == {"plan.odt"}
    assert extracted.warnings[-1].startswith("read through a LibreOffice conversion")


def test_grid_columns_where_no_cell_starts_are_left_out(tmp_path):
    """A grid finer than every row (borders dragged in Word): no empty phantom columns."""
    document = docx.Document()
    table = _table(document, [["A", "", "B", "", "C", ""], ["x", "y", "", "", "z", ""]])
    table.cell(0, 0).merge(table.cell(0, 1))
    table.cell(0, 2).merge(table.cell(0, 3))
    table.cell(0, 4).merge(table.cell(0, 5))
    table.cell(1, 2).merge(table.cell(1, 3))
    table.cell(1, 4).merge(table.cell(1, 5))
    assert _table_rows(_save(document, tmp_path)) == [("A", "", "B", "C"), ("x", "y", "", "z")]


def test_list_defined_by_a_numbering_style_link(tmp_path):
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="80">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
            '<w:lvlText w:val="%1)"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.insert(
        1,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="81">'
            '<w:numStyleLink w:val="ListeFiches"/></w:abstractNum>'
        ),
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="80"><w:abstractNumId w:val="80"/></w:num>')
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="81"><w:abstractNumId w:val="81"/></w:num>')
    )
    document.styles.element.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="numbering" w:styleId="ListeFiches">'
            '<w:name w:val="Liste fiches"/><w:pPr><w:numPr><w:numId w:val="80"/></w:numPr>'
            "</w:pPr></w:style>"
        )
    )
    _numbered(document, "Forum", 81)
    _numbered(document, "Atelier", 81)
    rows = read_document(_save(document, tmp_path)).rows
    assert [r.cells for r in rows] == [("a) Forum",), ("b) Atelier",)]


def test_odt_list_labels_rendered_as_a_pdf_shows_them(tmp_path):
    from odf.style import ListLevelProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, ListLevelStyleBullet, ListLevelStyleNumber, ListStyle, P

    def build(document):
        numbers = ListStyle(name="Numbers")
        numbers.addElement(ListLevelStyleNumber(level=1, numformat="1", numsuffix="."))
        second = ListLevelStyleNumber(level=2, numformat="a", numsuffix=")", displaylevels=2)
        second.addElement(ListLevelProperties())
        numbers.addElement(second)
        axes = ListStyle(name="Axes")
        axes.addElement(ListLevelStyleNumber(level=1, numformat="I", numprefix="AXE STRATEGIQUE "))
        bullets = ListStyle(name="Bullets")
        bullets.addElement(ListLevelStyleBullet(level=1, bulletchar="•"))
        for style in (numbers, axes, bullets):
            document.automaticstyles.addElement(style)

        def lst(style, *texts, **attributes):
            element = List(**({"stylename": style} if style else {}), **attributes)
            for text in texts:
                item = ListItem()
                if isinstance(text, str):
                    item.addElement(P(text=text))
                else:
                    item.addElement(P(text=text[0]))
                    item.addElement(lst(None, *text[1:]))
                element.addElement(item)
            return element

        document.text.addElement(lst(axes, "Améliorer l'offre"))
        document.text.addElement(lst(numbers, "Maintenir", ("Recruter", "Elargir", "Communiquer")))
        document.text.addElement(P(text="entre deux"))
        document.text.addElement(lst(numbers, "Intégrer", continuenumbering="true"))
        document.text.addElement(lst(bullets, "familles"))
        document.text.addElement(lst(numbers, "Nouveau départ"))
        document.text.addElement(H(outlinelevel=1, text="Sans numérotation de plan"))
        table = Table(name="T")
        table.addElement(TableColumn(numbercolumnsrepeated=2))
        row = TableRow()
        cell = TableCell()
        cell.addElement(lst(numbers, "Forum", continuenumbering="true"))
        row.addElement(cell)
        cell = TableCell()
        cell.addElement(P(text="4"))
        row.addElement(cell)
        table.addElement(row)
        document.text.addElement(table)

    rows = read_document(_odt(tmp_path, build)).rows
    assert [r.cells for r in rows] == [
        ("AXE STRATEGIQUE I Améliorer l'offre",),
        ("1. Maintenir",),
        ("2. Recruter",),
        ("2.a) Elargir",),
        ("2.b) Communiquer",),
        ("entre deux",),
        ("3. Intégrer",),
        ("- familles",),
        ("1. Nouveau départ",),
        ("Sans numérotation de plan",),
        ("2. Forum", "4"),
    ]


def test_one_cell_frame_table_around_the_plan_read_as_body(tmp_path):
    """A page frame drawn as a one-cell table holding the plan's tables must not turn the
    whole plan into one cell of nested tables."""
    document = docx.Document()
    document.add_paragraph("THEMATIQUE ENFANCE")
    frame = document.add_table(rows=1, cols=1)
    cell = frame.cell(0, 0)
    cell.paragraphs[0].add_run("AXE STRATEGIQUE I")
    inner = cell.add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "ACTIONS", "OO"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "1. Forum", "2"
    cell.add_paragraph("")
    after = _table(document, [["ACTIONS", "OO"], ["2. Atelier", "1"]])
    assert after is not None
    extracted = read_document(_save(document, tmp_path))
    assert [(r.kind, r.table_index, r.cells) for r in extracted.rows] == [
        (RowKind.TEXT, None, ("THEMATIQUE ENFANCE",)),
        (RowKind.TEXT, None, ("AXE STRATEGIQUE I",)),
        (RowKind.TABLE, 0, ("ACTIONS", "OO")),
        (RowKind.TABLE, 0, ("1. Forum", "2")),
        (RowKind.TABLE, 1, ("ACTIONS", "OO")),
        (RowKind.TABLE, 1, ("2. Atelier", "1")),
    ]
    assert [w.split(":")[0] for w in extracted.warnings] == ["frame_table"]


def test_odt_one_cell_frame_table_read_as_body(tmp_path):
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    def table_of(rows):
        table = Table()
        table.addElement(TableColumn(numbercolumnsrepeated=len(rows[0])))
        for texts in rows:
            row = TableRow()
            for text in texts:
                cell = TableCell()
                cell.addElement(P(text=text))
                row.addElement(cell)
            table.addElement(row)
        return table

    def build(document):
        frame = Table()
        frame.addElement(TableColumn())
        row = TableRow()
        cell = TableCell()
        cell.addElement(P(text="AXE STRATEGIQUE I"))
        cell.addElement(table_of([["ACTIONS", "OO"], ["1. Forum", "2"]]))
        row.addElement(cell)
        frame.addElement(row)
        document.text.addElement(frame)

    extracted = read_document(_odt(tmp_path, build))
    assert [r.cells for r in extracted.rows] == [
        ("AXE STRATEGIQUE I",), ("ACTIONS", "OO"), ("1. Forum", "2")
    ]
    assert extracted.rows[1].table_index == 0
    assert [w.split(":")[0] for w in extracted.warnings] == ["frame_table"]


def test_table_inside_a_text_box_keeps_its_text(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("Encadré")
    box = (
        "<w:txbxContent><w:tbl><w:tr><w:tc><w:p><w:r><w:t>CAF</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>PMI</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:txbxContent>"
    )
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:pict>{box}</w:pict></w:r>'))
    rows = read_document(_save(document, tmp_path)).rows
    assert [r.cells for r in rows] == [("Encadré",), ("CAF PMI",)]


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("plan.rtf", b"{\\rtf1\\ansi PGT}", "RTF"),
        (
            "plan.fodt",
            b'<?xml version="1.0"?><office:document xmlns:office="urn:oasis:names:tc:'
            b'opendocument:xmlns:office:1.0"/>',
            "single-file XML",
        ),
    ],
)
def test_rtf_and_flat_xml_refused_with_conversion_hint(tmp_path, name, content, kind):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableInput) as caught:
        read_document(path)
    assert caught.value.message.startswith(f"{path}: {kind}")
    assert f"soffice --headless --convert-to docx {name}" in caught.value.message


def test_bare_ole_file_still_gets_the_conversion_hint(tmp_path):
    """Only the OLE magic bytes: no Word stream to be sure it is a .doc."""
    doc = tmp_path / "plan.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    with pytest.raises(UnreadableInput) as caught:
        read_document(doc)
    message = caught.value.message
    assert message.startswith(f"{doc}: a legacy Office file (OLE)")
    assert "soffice --headless --convert-to docx plan.doc" in message and "\n" not in message
