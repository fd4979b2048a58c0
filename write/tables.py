"""Flatten the plan into the tables of the output contract (one list of dicts per CSV).

Column names are the contract analysts rely on (see PLAN_MODEL.md); lists are joined with
` | `. Pure functions: writers only serialise what these return.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType

from pgt.schema import Action, Offre, Plan, Provenance

LIST_SEPARATOR = " | "

FIELD_COLUMNS = [
    "porteur", "public_vise", "echeances", "annee_debut", "annee_fin", "partenaires",
    "moyens_humains", "moyens_techniques", "moyens_financiers", "parcours", "indicateurs",
]
# fields other plans print (issue 11/12), after the contract's columns so those keep their places;
# `autres` is one JSON object (header → value) of what maps to no field
EXTRA_FIELD_COLUMNS = [
    "description", "objectifs", "statut", "budget", "budget_texte", "territoire", "date_debut", "date_fin",
    "autres",
]
SOURCE_COLUMNS = ["source", "source_ligne", "source_page"]
# where a document has no lines (DOCX, ODT) or to find the table on a PDF page: counted from 1,
# kept at the end of each table so the contract's columns keep their places
TABLE_COLUMNS = ["source_table", "source_row"]
SHEET_COLUMNS = ["source_sheet", "source_cell"]  # spreadsheet sources: sheet and cell (`D4`)
ACTION_COLUMNS = [
    "id", "thematique", "axe", "axe_titre", "oi", "oi_titre", "oo", "numero", "titre", *FIELD_COLUMNS,
    "nb_offres", "fiche_priorisation", *SOURCE_COLUMNS, "fiches_liees", *TABLE_COLUMNS, *EXTRA_FIELD_COLUMNS,
    *SHEET_COLUMNS,
]
OFFRE_COLUMNS = ["id", "action_id", "thematique", "axe", "oi", "libelle", *FIELD_COLUMNS, *SOURCE_COLUMNS,
                 *TABLE_COLUMNS, *EXTRA_FIELD_COLUMNS, *SHEET_COLUMNS]
OBJECTIF_COLUMNS = ["id", "thematique", "axe", "axe_titre", "oi", "oi_titre", "oo", "oo_titre", "nb_actions"]
FICHE_COLUMNS = ["id", "thematique", "axe", "oi", "oo", "numero", "titre", "fiches_annexees", "action_id",
                 *SOURCE_COLUMNS, *TABLE_COLUMNS, *SHEET_COLUMNS, "confidence"]
CORRECTION_COLUMNS = ["record_id", "field", "before", "after", "rule", "note"]
ANOMALY_COLUMNS = ["code", "severity", "message", "document", "line", "page", "table", "row", "record_id", "cells",
                   "sheet", "cell"]  # where in a workbook (after the columns analysts had first)

Row = dict[str, object]


def joined(values: list[object]) -> str:
    return LIST_SEPARATOR.join(str(v) for v in values)


def _source(provenance: Provenance | None) -> Row:
    if provenance is None:
        return dict.fromkeys([*SOURCE_COLUMNS, *TABLE_COLUMNS, *SHEET_COLUMNS])
    table, row = provenance.table, provenance.row
    return {"source": provenance.document, "source_ligne": provenance.line, "source_page": provenance.page,
            "source_table": table + 1 if table is not None else None,
            "source_row": row + 1 if row is not None and table is not None else None,
            "source_sheet": provenance.sheet, "source_cell": provenance.cell}


def _fields(record: Action | Offre) -> Row:
    row: Row = {name: getattr(record, name) for name in FIELD_COLUMNS}
    row["partenaires"] = joined(record.partenaires)
    row["indicateurs"] = joined(record.indicateurs)
    row.update({name: getattr(record, name) for name in EXTRA_FIELD_COLUMNS})
    if isinstance(record.budget, float) and record.budget.is_integer():
        row["budget"] = int(record.budget)  # 5000000, not 5000000.0
    for name in ("date_debut", "date_fin"):
        row[name] = row[name].isoformat() if row[name] is not None else None
    row["autres"] = json.dumps(record.autres, ensure_ascii=False, sort_keys=True) if record.autres else None
    return row


def action_rows(plan: Plan) -> list[Row]:
    rows = []
    for thematique, axe, oi, action in plan.walk_actions():
        rows.append({
            "id": action.id, "thematique": thematique.code, "axe": axe.numero if axe else None,
            "axe_titre": axe.titre if axe else None,
            "oi": oi.numero if oi else None, "oi_titre": oi.titre if oi else None, "oo": joined(action.oo),
            "numero": action.numero, "titre": action.titre, **_fields(action), "nb_offres": len(action.offres),
            "fiche_priorisation": action.fiche_priorisation, **_source(action.provenance),
            "fiches_liees": joined(action.fiches_liees),
        })
    return rows


def offre_rows(plan: Plan) -> list[Row]:
    rows = []
    for thematique, axe, oi, action in plan.walk_actions():
        for rank, offre in enumerate(action.offres, start=1):
            rows.append({
                "id": f"{action.id}-o{rank}", "action_id": action.id, "thematique": thematique.code,
                "axe": axe.numero if axe else None, "oi": oi.numero if oi else None, "libelle": offre.libelle,
                **_fields(offre), **_source(offre.provenance),
            })
    return rows


def objectif_rows(plan: Plan) -> list[Row]:
    rows = []
    for thematique in plan.thematiques:
        for axe in thematique.axes:
            for oi in axe.objectifs_intermediaires:
                for oo in oi.objectifs_operationnels:
                    rows.append({
                        "id": f"{thematique.code}-{axe.numero}-{oi.numero}-oo{oo.numero}",
                        "thematique": thematique.code, "axe": axe.numero, "axe_titre": axe.titre,
                        "oi": oi.numero, "oi_titre": oi.titre, "oo": oo.numero, "oo_titre": oo.titre,
                        "nb_actions": sum(1 for a in oi.actions if oo.numero in a.oo),
                    })
    return rows


def fiche_rows(plan: Plan) -> list[Row]:
    return [
        {
            "id": f.id, "thematique": f.thematique, "axe": f.axe, "oi": f.oi, "oo": joined(f.oo),
            "numero": f.numero, "titre": f.titre, "fiches_annexees": joined(f.fiches_annexees),
            "action_id": f.action_id, **_source(f.provenance), "confidence": f.match_confidence,
        }
        for f in plan.fiches
    ]


def correction_rows(plan: Plan) -> list[Mapping[str, object]]:
    # a correction's fields are its columns, as plain values (its dump, field for field):
    # read through, not copied (a 10× plan's 8,800 dicts were the largest table's rows)
    return [MappingProxyType(c.__dict__) for c in plan.corrections]


def anomaly_rows(plan: Plan) -> list[Row]:
    return [{**a.__dict__, "cells": joined(a.cells)} for a in plan.anomalies]  # (plain values: its dump)


TABLES: dict[str, tuple[list[str], object]] = {
    "actions": (ACTION_COLUMNS, action_rows),
    "offres": (OFFRE_COLUMNS, offre_rows),
    "objectifs": (OBJECTIF_COLUMNS, objectif_rows),
    "fiches": (FICHE_COLUMNS, fiche_rows),
    "corrections": (CORRECTION_COLUMNS, correction_rows),
    "anomalies": (ANOMALY_COLUMNS, anomaly_rows),
}


class SharedTables:
    """The table rows of a plan, made when first asked for, shared by the CSV file and the
    workbook sheet of each table, and let go once both have used them (`done`): they are not
    held while the plan's JSON and the review page are written."""

    USERS = 2  # the CSV file and the workbook sheet

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._rows: dict[str, list[Mapping[str, object]]] = {}
        self._uses: dict[str, int] = {}

    def rows(self, name: str) -> list[Mapping[str, object]]:
        if name not in self._rows:
            self._rows[name] = TABLES[name][1](self.plan)  # type: ignore[operator]
        return self._rows[name]

    def done(self, name: str) -> None:
        self._uses[name] = self._uses.get(name, 0) + 1
        if self._uses[name] >= self.USERS:
            self._rows.pop(name, None)
