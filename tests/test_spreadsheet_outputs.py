"""Spreadsheet-ready outputs: Excel CSV, actions.xlsx, datapackage.json, pgt schema."""

from __future__ import annotations

import csv
import json
import zipfile

import frictionless
import openpyxl
import pytest
from helpers import RAW
from typer.testing import CliRunner

from pgt.cli import app
from pgt.schema import plan_json_schema
from pgt.write.datapackage import table_schemas
from pgt.write.tables import TABLES
from pgt.write.xlsx import SHEETS, xlsx_bytes


def converted(folder, *args):
    result = CliRunner().invoke(app, ["convert", str(RAW), "-o", str(folder), "-q", *args])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return converted(tmp_path_factory.mktemp("spreadsheet") / "out")


@pytest.fixture(scope="module")
def out_excel(tmp_path_factory):
    return converted(tmp_path_factory.mktemp("spreadsheet") / "excel", "--csv", "excel")


def read_rows(path, **dialect):
    with path.open(encoding=dialect.pop("encoding", "utf-8"), newline="") as handle:
        return list(csv.DictReader(handle, **dialect))


def test_excel_csv_reads_back_the_same_rows(out, out_excel):
    for table in TABLES:
        default = read_rows(out / f"{table}.csv")
        excel = read_rows(out_excel / f"{table}.csv", delimiter=";", encoding="utf-8-sig")
        assert excel == default, table
    # multi-line cells are quoted, so a fiche title keeps its paragraph breaks
    raw_text = (out_excel / "fiches.csv").read_text(encoding="utf-8-sig")
    multi = [f["titre"] for f in read_rows(out_excel / "fiches.csv", delimiter=";", encoding="utf-8-sig")
             if "\n" in f["titre"]]
    assert multi and f'"{multi[0]}"' in raw_text.replace('""', '"')


def column_widths(sheet) -> list[float]:
    """Each column's width as Excel shows it (characters): the writer stores neighbouring
    columns of one width as one range, and the width with Excel's 5-pixel padding (+0.71)."""
    widths: dict[int, float] = {}
    for dimension in sheet.column_dimensions.values():
        for index in range(dimension.min, dimension.max + 1):
            widths[index] = round(dimension.width - 5 / 7, 1)
    return [widths[i] for i in sorted(widths)]


def test_workbook_sheets_frozen_header_filters(out):
    book = openpyxl.load_workbook(out / "actions.xlsx")
    assert book.sheetnames == SHEETS == ["actions", "offres", "objectifs", "fiches", "corrections", "anomalies"]
    actions_csv = read_rows(out / "actions.csv")
    for name in SHEETS:
        sheet = book[name]
        rows = read_rows(out / f"{name}.csv")
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(sheet.max_column)}{len(rows) + 1}"
        assert sheet.max_row == len(rows) + 1
        assert sorted(c.value for c in sheet[1]) == sorted(TABLES[name][0])
        widths = column_widths(sheet)
        assert len(widths) == sheet.max_column and all(6 <= w <= 60 for w in widths), name
        assert all(c.font.b for c in sheet[1]), name
    sheet = book["actions"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == ["thematique", "axe", "axe_titre", "oi", "oi_titre", "oo", "numero", "titre"]
    first = dict(zip(header, [c.value for c in sheet[2]]))
    assert first["id"] == actions_csv[0]["id"] and first["axe"] == 1 and first["numero"] == 1  # numbers, not text
    row = next(dict(zip(header, [c.value for c in r])) for r in sheet.iter_rows(min_row=2)
               if r[header.index("id")].value == "petite_enfance-1-1-4")
    assert row["oo"] == "4 | 5" and row["porteur"].startswith("Pôle Petite Enfance")


def test_workbook_bytes_are_fixed(raw_plan):
    data = xlsx_bytes(raw_plan)
    assert data == xlsx_bytes(raw_plan)
    archive = zipfile.ZipFile(__import__("io").BytesIO(data))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z</dcterms:modified>" in core


@pytest.mark.parametrize("folder", ["out", "out_excel"])
def test_datapackage_is_valid_frictionless(folder, request):
    path = request.getfixturevalue(folder) / "datapackage.json"
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:5]
    package = json.loads(path.read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == [f"{t}.csv" for t in TABLES]  # relative paths
    actions = package["resources"][0]["schema"]
    fields = {f["name"]: f for f in actions["fields"]}
    # thématiques are an open list (issue 11): a slug pattern, not an enum of this plan's five
    assert "enum" not in fields["thematique"]["constraints"]
    assert fields["thematique"]["constraints"]["pattern"] == "^[a-z][a-z0-9_]*$"
    assert fields["id"]["constraints"]["required"] is True and actions["primaryKey"] == ["id"]
    assert (fields["oo"]["type"], fields["oo"]["delimiter"], fields["oo"]["itemType"]) == ("list", " | ", "integer")
    assert fields["numero"]["type"] == "integer"
    offres = package["resources"][1]["schema"]
    assert offres["foreignKeys"] == [{"fields": ["action_id"], "reference": {"resource": "actions", "fields": ["id"]}}]
    dialect = package["resources"][0]["dialect"]
    assert dialect["delimiter"] == ("," if folder == "out" else ";")


def test_datapackage_catches_broken_data(out, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    offres = (broken / "offres.csv").read_text(encoding="utf-8")
    (broken / "offres.csv").write_text(offres.replace(",enfance-1-1-1,", ",enfance-1-1-999,", 1), encoding="utf-8")
    actions = (broken / "actions.csv").read_text(encoding="utf-8")
    (broken / "actions.csv").write_text(actions.replace(",petite_enfance,", ",petite-enfance,", 1), encoding="utf-8")
    report = frictionless.validate(str(broken / "datapackage.json"))
    types = {error[0] for error in report.flatten(["type"])}
    assert not report.valid and {"foreign-key", "constraint-error"} <= types


def test_schema_command_writes_json_and_table_schemas(tmp_path):
    result = CliRunner().invoke(app, ["schema", "-o", str(tmp_path / "schemas")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert names == sorted(["plan.schema.json", *(f"{t}.tableschema.json" for t in TABLES)])
    assert json.loads((tmp_path / "schemas" / "plan.schema.json").read_text()) == plan_json_schema()
    for table, schema in table_schemas().items():
        written = json.loads((tmp_path / "schemas" / f"{table}.tableschema.json").read_text(encoding="utf-8"))
        assert written == schema and [f["name"] for f in written["fields"]] == TABLES[table][0]
        assert frictionless.Schema.validate_descriptor(written).valid, table


def test_workbook_cells_are_text_never_formulas():
    import io

    import xlsxwriter
    from openpyxl import load_workbook

    from pgt.write.xlsx import RowSheet, fill_sheet

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = {"header": book.add_format({"bold": True}), "wrap": book.add_format({"text_wrap": True})}
    fill_sheet(book.add_worksheet(worksheet_class=RowSheet), ["titre", "axe"],
               [{"titre": "=1+1", "axe": "2"}, {"titre": "- familles", "axe": None},
                {"titre": "https://caf.fr 0612", "axe": "3"}, {"titre": "0033", "axe": None}], formats)
    book.close()
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows(min_row=2)] == [
        [(2, "n"), ("=1+1", "s")], [(None, "n"), ("- familles", "s")],
        [(3, "n"), ("https://caf.fr 0612", "s")], [(None, "n"), ("0033", "s")]]
    assert not sheet._hyperlinks  # a URL in the text is text, not a link


def _xlsxwriter_sheet(sheet, columns, rows, formats) -> None:
    """How actions.xlsx's sheets were written before `RowSheet`, by XlsxWriter's own cell
    methods: the reference its bytes must match."""
    import re

    from pgt.write.datapackage import COLUMNS
    from pgt.write.xlsx import EXCEL_CELL_LIMIT, MAX_WIDTH, MIN_WIDTH, sheet_columns

    def value_of(column, value):
        if value is None or value == "":
            return None
        if COLUMNS.get(column, ("string",))[0] == "integer":
            return int(value)
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", str(value))[:EXCEL_CELL_LIMIT]

    def longest_line(value):
        return max((len(line) for line in str(value).splitlines()), default=0)

    ordered = sheet_columns(columns)
    table = [[value_of(c, row.get(c)) for c in ordered] for row in rows]
    for index, column in enumerate(ordered):
        longest = max([len(column)] + [longest_line(v[index]) for v in table if v[index] is not None])
        sheet.set_column(index, index, float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))))
    sheet.write_row(0, 0, ordered, formats["header"])
    for row_index, values in enumerate(table, start=1):
        for column_index, value in enumerate(values):
            if isinstance(value, str):
                wrap = formats["wrap"] if "\n" in value or len(value) > MAX_WIDTH else None
                sheet.write_string(row_index, column_index, value, wrap)
            elif value is not None:
                sheet.write_number(row_index, column_index, value)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(table), len(ordered) - 1)


def _book_bytes(fill, tables) -> bytes:
    import io

    import xlsxwriter

    from pgt.write.xlsx import FIXED_DATE, RowSheet

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    formats = {"header": book.add_format({"bold": True}),
               "wrap": book.add_format({"text_wrap": True, "valign": "top"})}
    for name, (columns, rows) in tables.items():
        fill(book.add_worksheet(name, worksheet_class=RowSheet if fill is not _xlsxwriter_sheet else None),
             columns, rows, formats)
    book.set_properties({"author": "pgt", "created": FIXED_DATE})
    book.close()
    return buffer.getvalue()


def test_row_sheet_writes_the_bytes_xlsxwriter_wrote():
    """RowSheet writes its cells' XML itself: the workbook must be byte for byte the one
    XlsxWriter's write_string/write_number made, on the awkward values too (control
    characters only, tabs, line breaks, long and over-the-limit text, astral characters
    counted twice in UTF-16, numbers as text, empty rows, rows over many 16-row blocks)."""
    from pgt.write.xlsx import fill_sheet

    awkward = ["=1+1", "\x01\x02", "a\tb", "ligne 1\nligne 2\r\nligne 3", "x" * 61, " espace ", "a\u00a0b",
               "é" * 20000, "😀" * 17000, "y" * 40000, "a\u2028b", "<&>\"'", "_x0041_", "0033"]
    rows = [{"titre": text, "axe": rank % 7 or None, "budget": 1.5 if rank % 3 else None,
             "porteur": "" if rank % 2 else "CAF", "numero": str(rank) if rank % 5 else ""}
            for rank, text in enumerate(awkward * 3)]
    rows[5:9] = [{}, {}, {}, {}]  # rows with no cell
    tables = {"one": (["titre", "axe", "budget", "porteur", "numero"], rows),
              "two": (["porteur", "titre"], rows[:3]), "empty": (["titre"], [])}
    assert _book_bytes(fill_sheet, tables) == _book_bytes(_xlsxwriter_sheet, tables)
    no_wrap = {"short": (["titre", "axe"], [{"titre": "court", "axe": 2}])}  # the wrap format is never used
    assert _book_bytes(fill_sheet, no_wrap) == _book_bytes(_xlsxwriter_sheet, no_wrap)
