"""Issue 15, memory flat in the plan's size: the lighter ways the plan is held give the same
plan as the plain ones."""

from __future__ import annotations

import pytest
from helpers import RAW

from pgt.pipeline import _normalized_draft, expand_inputs, read_all
from pgt.schema import Plan
from pgt.settings.profile import default_profile


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
