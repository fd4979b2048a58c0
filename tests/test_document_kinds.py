"""One pair of names for the two document kinds: the model's (and the outputs'), which the
builders take too (they were `summary` / `detail` in the builder, `priorisation` /
`fiches_actions` in the model and plan.json)."""

from __future__ import annotations

import importlib
import importlib.util

from pgt.schema import DocumentKind


def test_each_document_kind_has_its_builder_module_of_the_same_name():
    for kind in DocumentKind:
        module = importlib.import_module(f"pgt.structure.{kind.value}")
        builder = "".join(part.capitalize() for part in kind.value.split("_")) + "Builder"
        assert hasattr(module, builder), (kind, builder)
    assert importlib.util.find_spec("pgt.structure.summary") is None
    assert importlib.util.find_spec("pgt.structure.detail") is None
