"""Shared fixtures: the real documents of raw/ and the plan converted from them (once)."""

from __future__ import annotations

# The repository root is the `pgt` package and holds an `__init__.py`, so pytest imports it
# as a package named after the checkout folder: a checkout in a folder named `docx` would
# shadow python-docx (`import docx` finding the repository root). Importing python-docx
# here, before pytest sets the root package up, keeps the real one in `sys.modules`.
import os

# openpyxl (reading the workbooks back) imports numpy, whose OpenBLAS starts a thread of its
# own: pgt then rightly refuses to fork a writer in this process (pgt.write.can_fork), and
# the tests of writing on two processes would not fork. One BLAS thread: none started.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import docx  # noqa: E402,F401
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
