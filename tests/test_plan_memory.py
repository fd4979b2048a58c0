"""Issue 15, memory flat in the plan's size: the lighter ways the plan is held give the same
plan as the plain ones."""

from __future__ import annotations

import copy
import pickle
import re

import pytest
from helpers import RAW

from pgt.extract.text import clean_cell, rows_from_text
from pgt.check import run_check
from pgt.pipeline import _normalized_draft, convert, expand_inputs, read_all
from pgt.schema import Correction, Plan
from pgt.settings.profile import default_profile
from pgt.settings.text import search_key, strip_accents, unaccented
from pgt.write import CSV_DIALECTS, csv_pieces, csv_text
from pgt.write.tables import TABLES, anomaly_rows, correction_rows


@pytest.fixture(scope="module")
def raw_draft() -> Plan:
    """raw/'s plan as normalised, before its last validation."""
    profile = default_profile()
    return _normalized_draft(read_all(expand_inputs([RAW]), profile=profile), (), profile)


def test_validated_from_dump_without_defaults_is_the_plain_plan(raw_draft: Plan) -> None:
    # a field left out of the dump because it holds its default gets the default back:
    # the same values, the same JSON; only the (smaller) sets of fields set differ
    plain = Plan.model_validate(raw_draft.model_dump())
    light = Plan.model_validate(raw_draft.model_dump(exclude_defaults=True))
    assert light.model_dump() == plain.model_dump()
    assert light.model_dump_json(indent=2) == plain.model_dump_json(indent=2)
    assert light.all_actions() and len(light.corrections) == len(plain.corrections) > 0


def test_models_set_alike_share_one_fields_set_and_assignment_unshares_it() -> None:
    first = Correction(record_id="a-1", field="titre", before="x", after="y", rule="typo")
    second = Correction.model_validate({"record_id": "a-2", "field": "porteur", "before": None,
                                        "after": "CAF", "rule": "typo"})
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    assert first.model_fields_set == {"record_id", "field", "before", "after", "rule"}
    first.note = "checked"  # pydantic adds the name: to this object's set alone
    assert first.model_fields_set == {"record_id", "field", "before", "after", "rule", "note"}
    assert second.model_fields_set == {"record_id", "field", "before", "after", "rule"}
    assert first.note == "checked" and second.note is None
    assert first.model_dump(exclude_unset=True)["note"] == "checked"
    assert "note" not in second.model_dump(exclude_unset=True)


def test_copies_of_a_model_with_shared_fields_set_are_their_own(raw_plan: Plan) -> None:
    action = raw_plan.all_actions()[0]
    updated = action.model_copy(update={"titre": "autre"})
    assert updated.titre == "autre" and action.titre != "autre"
    assert "titre" in updated.model_fields_set
    deep = copy.deepcopy(action)
    deep.porteur = "CAF"
    assert deep.model_fields_set == action.model_fields_set | {"porteur"}
    assert deep.model_dump() == {**action.model_dump(), "porteur": "CAF"}
    again = pickle.loads(pickle.dumps(action))
    assert type(again.__pydantic_fields_set__) is set and again.model_fields_set == action.model_fields_set
    assert len(pickle.dumps(action.model_fields_set)) < 1000  # the names alone
    again.statut = "en cours"
    assert again.statut == "en cours" and action.statut != "en cours"


def test_plan_objects_share_their_fields_sets(raw_plan: Plan) -> None:
    sets = {id(c.__pydantic_fields_set__) for c in raw_plan.corrections}
    assert len(raw_plan.corrections) > 10 * len(sets)


def test_shared_fields_set_is_never_changed_in_place() -> None:
    first = Correction(record_id="a-1", field="titre", before="x", after="y", rule="typo")
    with pytest.raises(TypeError):
        first.model_fields_set.add("note")
    with pytest.raises(TypeError):
        first.model_fields_set.discard("rule")
    first.model_fields_set.add("rule")  # already there: no change
    with pytest.raises(ValueError):
        first.no_such_field = 1  # pydantic's error, and the names unchanged
    assert first.model_fields_set == {"record_id", "field", "before", "after", "rule"}


def test_text_reader_holds_a_repeated_cell_once_with_the_plain_cleaning() -> None:
    lines = ["Action\tPorteur\tPublic", "Accueil\tCAF  du Nord\tTout public",
             "Ateliers\tCAF du Nord\tTout <br>public", "Sorties\tCAF du Nord\tTout public"]
    rows, _ = rows_from_text("\n".join(lines), "plan.txt")
    assert [row.cells for row in rows] == [tuple(clean_cell(c) for c in line.split("\t")) for line in lines]
    assert rows[1].cells[1] is rows[2].cells[1] is rows[3].cells[1] == "CAF du Nord"
    assert rows[1].cells[2] is rows[3].cells[2] and rows[2].cells[2] == "Tout\npublic"


def test_assignment_stores_as_pydantic_does(raw_plan: Plan) -> None:
    # the plan models' own assignment (plain fields: store, add the name) against pydantic's
    from pydantic import BaseModel

    action = raw_plan.all_actions()[0]
    ours, theirs = copy.deepcopy(action), copy.deepcopy(action)
    values = {"titre": "Autre titre", "porteur": "CAF", "statut": "en cours", "oo": [1], "budget": 10.0}
    for name, value in values.items():
        setattr(ours, name, value)
        BaseModel.__setattr__(theirs, name, value)
    assert ours.__dict__ == theirs.__dict__ and ours.model_fields_set == theirs.model_fields_set
    assert ours.model_dump_json() == theirs.model_dump_json()
    shared = Correction(record_id="a-1", field="titre", before="x", after="y", rule="typo")
    shared.rule = "autre"  # a name already set: the same shared set
    assert shared.__pydantic_fields_set__ is Correction(record_id="b", field="f", before=None, after=None,
                                                         rule="r").__pydantic_fields_set__
    assert Correction.__plain_fields__ == set(Correction.model_fields)


@pytest.mark.parametrize("per_piece", [1, 2, 3, 500])
def test_csv_pieces_join_to_the_whole_text(raw_plan: Plan, per_piece: int) -> None:
    for name, (columns, make_rows) in TABLES.items():
        rows = make_rows(raw_plan)  # type: ignore[operator]
        for dialect in CSV_DIALECTS.values():
            pieces = list(csv_pieces(columns, rows, dialect, per_piece))
            assert "".join(pieces) == csv_text(columns, rows, dialect)
            assert len(pieces) == max(1, -(-len(rows) // per_piece))
    for dialect in CSV_DIALECTS.values():  # no rows: the header alone
        assert "".join(csv_pieces(["a", "b"], [], dialect, per_piece)) == csv_text(["a", "b"], [], dialect)


def test_sheet_rows_joined_in_chunks_give_the_same_workbook(raw_plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    import pgt.write.xlsx as xlsx

    whole = xlsx.xlsx_bytes(raw_plan)
    for chunk in (1, 100, 5000):  # a row, a few, many a string
        monkeypatch.setattr(xlsx, "XML_CHUNK", chunk)
        assert xlsx.xlsx_bytes(raw_plan) == whole


def test_correction_and_anomaly_rows_are_their_dumps(raw_plan: Plan) -> None:
    corrections = correction_rows(raw_plan)
    assert [dict(row) for row in corrections] == [c.model_dump() for c in raw_plan.corrections]
    assert [list(row) for row in corrections] == [list(c.model_dump()) for c in raw_plan.corrections]
    with pytest.raises(TypeError):
        corrections[0]["rule"] = "changed"  # read through: the plan is not written by a writer
    assert anomaly_rows(raw_plan) == [{**a.model_dump(exclude={"cells"}), "cells": " | ".join(a.cells)}
                                      for a in raw_plan.anomalies]


def test_search_key_folds_as_strip_accents_without_keeping_the_text() -> None:
    texts = ["Échéances de réalisation : 2023-2026 " * 10, "Œuvre d'accueil — CAF", "plain ascii", ""]
    strip_accents.cache_clear()
    keys = [search_key(text) for text in texts]
    assert strip_accents.cache_info().currsize == 3  # the short ones
    assert keys == [" ".join(re.sub(r"[^a-z0-9]+", " ", strip_accents(t).lower()).split()) for t in texts]
    assert keys[:2] == [" ".join(["echeances de realisation 2023 2026"] * 10), "oeuvre d accueil caf"]
    assert all(unaccented(t) == strip_accents(t) for t in texts)


def test_validated_field_assigned_on_a_shared_fields_set_gets_a_set_of_its_own() -> None:
    """A plan model whose field is validated on assignment (or frozen) is assigned through
    pydantic's handler, which adds the name to the fields set in place: the model is first
    given a plain set of its own, so that the shared set (which refuses changes) is left as
    it is and the assignment succeeds."""
    from pydantic import ConfigDict

    from pgt.schema.model import FieldNames, Strict

    class Checked(Strict):
        model_config = ConfigDict(extra="forbid", validate_assignment=True)
        kept: int = 0
        later: int = 0

    first, second = Checked(kept=1), Checked(kept=2)
    assert type(first.__pydantic_fields_set__) is FieldNames
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    first.later = "3"  # validated: coerced to 3
    assert first.later == 3 and first.model_fields_set == {"kept", "later"}
    assert second.model_fields_set == {"kept"} and type(second.__pydantic_fields_set__) is FieldNames
    with pytest.raises(ValueError):
        first.later = "not a number"


def test_rows_released_once_built_give_the_same_plan_and_keep_the_documents_facts(raw_plan: Plan) -> None:
    # `pgt convert` and `pgt check` let the documents' rows go once the plan is built
    # (keep_rows=False): the same plan, the documents' paths and counts kept
    kept = convert([RAW])
    released = convert([RAW], keep_rows=False)
    assert all(d.rows for d in kept.documents)
    assert [d.rows for d in released.documents] == [[], []]
    assert [(d.path, d.format, d.lines, d.sha256) for d in released.documents] == \
        [(d.path, d.format, d.lines, d.sha256) for d in kept.documents]
    assert released.plan.model_dump_json() == kept.plan.model_dump_json() == raw_plan.model_dump_json()
    assert len(released.plan.all_actions()) == 206 and released.plan.coverage == kept.plan.coverage
    report = run_check([RAW])  # (its documents' rows let go once built)
    assert report.passed and sum(report.figures["actions"].values()) == 206
    assert report.figures["coverage"] == round(kept.plan.coverage, 4)
