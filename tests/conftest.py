"""Shared fixtures: the real documents of raw/ and the plan converted from them (once)."""

from __future__ import annotations

import pytest
from helpers import DETAIL, RAW


@pytest.fixture(scope="session")
def raw_plan():
    from pgt.pipeline import convert

    return convert([RAW]).plan


@pytest.fixture(scope="session")
def detail_plan():
    from pgt.pipeline import convert

    return convert([DETAIL]).plan
