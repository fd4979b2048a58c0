"""One pair of names for the two document kinds: the model's (and the outputs'), which the
builders take too (they were `summary` / `detail` in the builder, `priorisation` /
`fiches_actions` in the model and plan.json)."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from pgt.extract import read_document
from pgt.schema import DocumentKind
from pgt.settings.profile import default_profile
from pgt.structure import detect_kind, is_action_header, remembered_header_test
from pgt.structure.mixed import layout_runs

ROOT = Path(__file__).resolve().parent.parent


def test_each_document_kind_has_its_builder_module_of_the_same_name():
    for kind in DocumentKind:
        module = importlib.import_module(f"pgt.structure.{kind.value}")
        builder = "".join(part.capitalize() for part in kind.value.split("_")) + "Builder"
        assert hasattr(module, builder), (kind, builder)
    assert importlib.util.find_spec("pgt.structure.summary") is None
    assert importlib.util.find_spec("pgt.structure.detail") is None


def test_detections_ask_the_header_test_once_per_row():
    """The layout and kind detections ask the same rows whether they are an action table's
    header: each row is asked once, and the kind found is the same as unremembered."""
    document = read_document(ROOT / "raw" / "pgt-fiches-actions.txt")
    asked: list[int] = []

    def counting(row, profile):
        asked.append(id(row))
        return is_action_header(row, profile)

    profile = default_profile()
    test = remembered_header_test(counting)
    assert layout_runs(document, profile, test) is None
    assert detect_kind(document, profile, test) is detect_kind(document, profile) is DocumentKind.fiches_actions
    assert len(asked) == len(set(asked)) > 100
