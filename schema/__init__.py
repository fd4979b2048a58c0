"""The plan's Pydantic model, its validators and its JSON Schema."""

from importlib import resources

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


SCHEMA_FILE = "plan.schema.json"  # in data/: `plan_schema_text`


def plan_json_schema() -> dict:
    """The JSON Schema of `plan.json`, as Pydantic generates it from the model."""
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://pgt.local/schema/plan.schema.json"
    return schema


def plan_schema_text() -> str:
    """plan.schema.json as pgt writes it: `plan_json_schema()` as JSON text, kept in the
    package (data/plan.schema.json) rather than generated on every convert (pydantic's
    schema generation, ~9 ms of `pgt convert raw/`). A constant of the model: tests/test_golden.py
    holds the file equal to what the model generates, and regenerates it with the golden files."""
    return resources.files("pgt.schema").joinpath("data", SCHEMA_FILE).read_text(encoding="utf-8")


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
    "plan_schema_text",
]
