"""The plan's Pydantic model, its validators and its JSON Schema."""

from pgt.schema.model import (
    Action,
    Anomaly,
    Axe,
    Correction,
    DocumentKind,
    Fiche,
    ObjectifIntermediaire,
    ObjectifOperationnel,
    Offre,
    Plan,
    Provenance,
    SourceDocument,
    Thematique,
    ThematiqueCode,
)


def plan_json_schema() -> dict:
    """The JSON Schema of `plan.json`, as Pydantic generates it from the model."""
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://pgt.local/schema/plan.schema.json"
    return schema


__all__ = [
    "Action",
    "Anomaly",
    "Axe",
    "Correction",
    "DocumentKind",
    "Fiche",
    "ObjectifIntermediaire",
    "ObjectifOperationnel",
    "Offre",
    "Plan",
    "Provenance",
    "SourceDocument",
    "Thematique",
    "ThematiqueCode",
    "plan_json_schema",
]
