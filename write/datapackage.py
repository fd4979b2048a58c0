"""Frictionless Table Schemas for the CSV files and the `datapackage.json` that lists them.

Hand-written from the column lists of `write/tables.py` (one place says what a column
holds, its type and whether it may be empty), so that the output folder can be published on
an open-data portal and checked with `frictionless validate output/datapackage.json`.

Multi-valued cells are declared with the Table Schema `list` type and the ` | ` delimiter:
a validator then checks each item (e.g. every OO number is an integer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pgt.errors import OutputNotWritable
from pgt.schema import plan_schema_text
from pgt.schema.model import SCHEMA_VERSION, THEMATIQUE_CODE_PATTERN
from pgt.write.encoding import json_text
from pgt.write.tables import LIST_SEPARATOR, TABLES

Descriptor = dict[str, Any]

PROFILE = "tabular-data-package"

# column → (type, description); list columns carry their item type as "list:<item>"
COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("string", "Stable identifier (thématique-axe-oi-numéro, or a title slug when unnumbered)"),
    "action_id": ("string", "Identifier of the action (actions.id)"),
    "record_id": ("string", "Identifier of the record the correction applies to"),
    "thematique": ("string", "Thématique code"),
    "axe": ("integer", "Axe stratégique number (from the roman numeral)"),
    "axe_titre": ("string", "Title of the axe"),
    "oi": ("integer", "Objectif intermédiaire number (empty when the axe has no OI)"),
    "oi_titre": ("string", "Title of the objectif intermédiaire"),
    "oo": ("list:integer", "Objectif(s) opérationnel(s) numbers"),
    "oo_titre": ("string", "Title of the objectif opérationnel"),
    "numero": ("integer", "Number of the action or fiche as printed (empty when unnumbered)"),
    "titre": ("string", "Title"),
    "libelle": ("string", "Label of the offer"),
    "porteur": ("string", "Porteur de projets"),
    "public_vise": ("string", "Public visé"),
    "echeances": ("string", "Échéances / calendrier, as printed"),
    "annee_debut": ("integer", "First year stated in échéances"),
    "annee_fin": ("integer", "Last year stated in échéances"),
    "partenaires": ("list:string", "Partenaires"),
    "moyens_humains": ("string", "Moyens humains"),
    "moyens_techniques": ("string", "Moyens techniques"),
    "moyens_financiers": ("string", "Moyens financiers"),
    "parcours": ("string", "Parcours (enfance)"),
    "indicateurs": ("list:string", "Indicateurs d'évaluation"),
    "description": ("string", "Description of the action"),
    "objectifs": ("string", "Objectives of the action as printed"),
    "statut": ("string", "Status (À venir, En cours, Réalisé…)"),
    "budget": ("number", "Budget in euros, when the source states one amount"),
    "budget_texte": ("string", "Budget as printed"),
    "territoire": ("string", "Territory or place of the action"),
    "date_debut": ("date", "Start date, when the source states one"),
    "date_fin": ("date", "End date, when the source states one"),
    "autres": ("object", "Headers or labels that map to no field, with their values (JSON object)"),
    "source_sheet": ("string", "Sheet of the source workbook"),
    "source_cell": ("string", "Cell of that sheet (A1 notation)"),
    "nb_offres": ("integer", "Number of offers of the action (rows of offres.csv)"),
    "nb_actions": ("integer", "Number of actions attached to the objectif opérationnel"),
    "fiche_priorisation": ("integer", "Number of the action in the priorisation (summary) document"),
    "fiches_liees": ("list:integer", "Numbers of the fiches the action refers to (cohésion sociale)"),
    "fiches_annexees": ("list:integer", "Numbers of the fiches annexées (summary document)"),
    "confidence": ("number", "Confidence of the crosswalk pair fiche ↔ action, 0..1: the title similarity, "
                   "0.4 for a pair by place and order only, 0.3–0.6 by content (empty when unmatched)"),
    "source": ("string", "Source document name"),
    "source_ligne": ("integer", "Line of the source document (text exports)"),
    "source_page": ("integer", "Page of the source document (PDF)"),
    "source_table": ("integer", "Table of the source document the record was read from, counted from 1"),
    "source_row": ("integer", "Row of that table, counted from 1"),
    "field": ("string", "Field changed"),
    "before": ("string", "Value before the correction"),
    "after": ("string", "Value after the correction"),
    "rule": ("string", "Name of the normalizer rule"),
    "note": ("string", "Note of the data officer's override (rule override), else empty"),
    "code": ("string", "Anomaly code"),
    "severity": ("string", "Severity"),
    "message": ("string", "What was not read as expected"),
    "document": ("string", "Source document name"),
    "line": ("integer", "Line of the source document"),
    "page": ("integer", "Page of the source document"),
    "table": ("integer", "Table of the source document, counted from 1 (where lines do not apply: DOCX, ODT; PDF too)"),
    "row": ("integer", "Row of that table, counted from 1"),
    "cells": ("list:string", "Raw cells of the source row"),
    "sheet": ("string", "Sheet of the source workbook (spreadsheets)"),
    "cell": ("string", "Cells of that sheet listed, in A1 notation, space-separated (spreadsheets)"),
}

TITLES = {
    "actions": "Actions", "offres": "Offres (exemples d'offres des actions)",
    "objectifs": "Objectifs opérationnels", "fiches": "Fiches du document de priorisation",
    "corrections": "Corrections made by the normalizers", "anomalies": "Anomalies met while reading",
}
# columns that must never be empty, per table (ids and what the id is built from)
REQUIRED: dict[str, set[str]] = {
    "actions": {"id", "thematique"},  # an action may sit under no axe (a plan without axes)
    "offres": {"id", "action_id", "thematique"},
    "objectifs": {"id", "thematique", "axe", "oi", "oo"},
    "fiches": {"id", "thematique", "titre"},
    "corrections": {"record_id", "field", "rule"},
    "anomalies": {"code", "severity", "message"},
}
ENUMS: dict[str, list[str]] = {
    "severity": ["info", "warning", "error"],
}
PRIMARY_KEYS = {"actions": "id", "offres": "id", "objectifs": "id", "fiches": "id"}
FOREIGN_KEYS = {"offres": "action_id", "fiches": "action_id"}


def field_descriptor(table: str, column: str) -> Descriptor:
    kind, description = COLUMNS[column]
    field: Descriptor = {"name": column, "description": description}
    if kind.startswith("list:"):
        field.update(type="list", delimiter=LIST_SEPARATOR, itemType=kind.removeprefix("list:"))
        field["description"] += f" (several values joined with '{LIST_SEPARATOR}')"
    else:
        field["type"] = kind
    constraints: Descriptor = {}
    if column in REQUIRED[table]:
        constraints["required"] = True
    if column in ENUMS:
        constraints["enum"] = ENUMS[column]
    if column == "thematique":  # an open list: any slug (CTG_PLANS.md), not an enum
        constraints["pattern"] = THEMATIQUE_CODE_PATTERN
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(table: str) -> Descriptor:
    """The Table Schema of `<table>.csv`."""
    columns = TABLES[table][0]
    schema: Descriptor = {
        "fields": [field_descriptor(table, column) for column in columns],
        "missingValues": [""],
    }
    if table in PRIMARY_KEYS:
        schema["primaryKey"] = [PRIMARY_KEYS[table]]
    if table in FOREIGN_KEYS:
        schema["foreignKeys"] = [{"fields": [FOREIGN_KEYS[table]],
                                  "reference": {"resource": "actions", "fields": ["id"]}}]
    return schema


def table_schemas() -> dict[str, Descriptor]:
    return {table: table_schema(table) for table in TABLES}


def datapackage(*, delimiter: str = ",", bom: bool = False) -> Descriptor:
    """`datapackage.json` for an output folder written with the given CSV dialect.

    Resource paths are relative to the folder, so it can be moved or published as is.
    """
    resources = []
    for table, schema in table_schemas().items():
        resource: Descriptor = {
            "name": table, "title": TITLES[table], "path": f"{table}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig" if bom else "utf-8",
            "dialect": {"delimiter": delimiter, "lineTerminator": "\r\n", "doubleQuote": True, "header": True},
            "schema": schema,
        }
        resources.append(resource)
    return {
        "profile": PROFILE,
        "name": "pgt-plan-d-action",
        "title": "Plan d'action CTG / PGT — actions, offres, objectifs, fiches",
        "version": SCHEMA_VERSION,
        "resources": resources,
    }


def schema_files() -> dict[str, str]:
    """`pgt schema`: the JSON Schema of plan.json and one Table Schema per CSV file."""
    files = {"plan.schema.json": plan_schema_text()}
    for table, schema in table_schemas().items():
        files[f"{table}.tableschema.json"] = json_text(schema)
    return files


def write_schemas(target: Path) -> list[Path]:
    """Write the schema files into `target` (created if needed; other files there are kept)."""
    try:
        Path(target).mkdir(parents=True, exist_ok=True)
        written = []
        for name, content in schema_files().items():
            path = Path(target) / name
            path.write_text(content, encoding="utf-8")
            written.append(path)
    except OSError as error:
        raise OutputNotWritable(f"{target}: cannot write the schemas ({error.strerror})") from None
    return written
