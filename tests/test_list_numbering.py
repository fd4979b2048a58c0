"""The list numbering shared by the DOCX and ODT readers (extract/list_numbering.py): number
formats, counters by level, label templates; the same list stored by Word and by
LibreOffice gives the same labels."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from odf.opendocument import OpenDocumentText
from odf.text import List, ListItem, ListLevelStyleNumber, ListStyle, P
from pgt.extract import read_document
from pgt.extract.list_numbering import (
    NO_LABEL,
    Counters,
    ListLevel,
    format_number,
    render_label,
    to_int,
)


@pytest.mark.parametrize(
    ("number", "fmt", "expected"),
    [
        (4, "decimal", "4"),
        (4, "upperRoman", "IV"),
        (1994, "upperRoman", "MCMXCIV"),
        (9, "lowerRoman", "ix"),
        (3, "upperLetter", "C"),
        (2, "lowerLetter", "b"),
        (27, "lowerLetter", "aa"),
        (53, "upperLetter", "AAA"),
        (7, "decimalZero", "07"),
        (0, "upperRoman", "0"),
        (5, "ordinal", "5"),  # a rarer format reads as decimal
    ],
)
def test_number_formats(number, fmt, expected):
    assert format_number(number, fmt) == expected


def test_counters_reset_deeper_levels_and_restart():
    counters = Counters()
    assert [counters.advance(1, 1), counters.advance(2, 1), counters.advance(2, 1)] == [1, 1, 2]
    assert counters.advance(1, 1) == 2
    assert counters.get(2, 0) == 0  # item 2 starts its sub-items anew
    assert counters.advance(2, 5) == 5  # a level's own start value
    assert counters.advance(1, 1, restart=10) == 10
    counters.forget(1)
    assert counters.advance(1, 3) == 3


def test_label_template_formats_each_referenced_level_its_own_way():
    axe = ListLevel("upperRoman", ("AXE ", 0), separator=" ")
    action = ListLevel("lowerLetter", (0, ".", 1, ")"))
    levels = {0: axe, 1: action}
    numbers = {0: 2, 1: 3}

    def number_of(level: int):
        return (numbers[level], levels[level].fmt) if level in levels else None

    assert render_label(axe, number_of) == "AXE II "
    assert render_label(action, number_of) == "II.c) "
    legal = ListLevel("lowerLetter", (0, ".", 1), legal=True)
    assert render_label(legal, number_of) == "2.3 "
    assert render_label(ListLevel("decimal", (1, "."), separator=""), number_of) == "c."
    assert render_label(ListLevel("decimal", (5, "  ")), number_of) == ""  # nothing drawn
    assert render_label(ListLevel("bullet"), number_of) == "- "
    assert render_label(ListLevel(NO_LABEL, (0,)), number_of) == ""


def test_unreadable_numbers_fall_back():
    assert [to_int("3", 1), to_int(None, 1), to_int("x", 0)] == [3, 1, 0]


# --- the same list in both formats --------------------------------------------------------
# An axe level in upper roman after "AXE ", and actions "I.a)" (two levels shown), starting
# at 2 for the axes: II, then III after a second axe.
EXPECTED = [
    "AXE II Familles",
    "II.a) Forum",
    "II.b) Atelier",
    "AXE III Jeunesse",
    "III.a) Accueil",
]
ITEMS = [("Familles", ["Forum", "Atelier"]), ("Jeunesse", ["Accueil"])]


def _docx(tmp_path: Path) -> Path:
    document = docx.Document()
    document.part.numbering_part.element.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="70">'
            '<w:lvl w:ilvl="0"><w:start w:val="2"/><w:numFmt w:val="upperRoman"/>'
            '<w:lvlText w:val="AXE %1"/><w:suff w:val="space"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
            '<w:lvlText w:val="%1.%2)"/></w:lvl></w:abstractNum>'
        ),
    )
    document.part.numbering_part.element.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="70"><w:abstractNumId w:val="70"/></w:num>')
    )
    for axe, actions in ITEMS:
        for text, ilvl in [(axe, 0)] + [(action, 1) for action in actions]:
            paragraph = document.add_paragraph(text)
            paragraph._p.get_or_add_pPr().append(
                parse_xml(
                    f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="70"/></w:numPr>'
                )
            )
    path = tmp_path / "plan.docx"
    document.save(str(path))
    return path


def _item(text: str, nested: List | None = None) -> ListItem:
    item = ListItem()
    item.addElement(P(text=text))
    if nested is not None:
        item.addElement(nested)
    return item


def _odt(tmp_path: Path) -> Path:
    document = OpenDocumentText()
    style = ListStyle(name="Plan")
    style.addElement(ListLevelStyleNumber(level=1, numformat="I", numprefix="AXE ", startvalue=2))
    style.addElement(ListLevelStyleNumber(level=2, numformat="a", numsuffix=")", displaylevels=2))
    document.automaticstyles.addElement(style)
    top = List(stylename="Plan")
    for axe, actions in ITEMS:
        nested = List()
        for action in actions:
            nested.addElement(_item(action))
        top.addElement(_item(axe, nested))
    document.text.addElement(top)
    path = tmp_path / "plan.odt"
    document.save(str(path))
    return path


@pytest.mark.parametrize("write", [_docx, _odt], ids=["docx", "odt"])
def test_same_list_same_labels_in_docx_and_odt(tmp_path, write):
    rows = read_document(write(tmp_path)).rows
    assert [" ".join(r.cells) for r in rows] == EXPECTED
