"""Stress (untimed): a plan ten times the size of raw/, generated from raw/, converts and has
(about) ten times the actions and exactly ten times the fiches. Timings and memory are in docs/benchmark-stress.md."""

from __future__ import annotations

import importlib.util

from helpers import RAW, ROOT

from pgt.pipeline import convert


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_stress", ROOT / "scripts" / "bench_stress.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ten_times_raw_converts_with_ten_times_the_actions(tmp_path):
    bench = load_bench()
    base = convert([RAW]).plan
    big = convert([bench.scaled_plan(10, tmp_path / "x10")]).plan
    # copies are renumbered, so they stay distinct actions; a few duplicate pairs (enfance
    # axe III) are merged per copy slightly differently, hence the tolerance
    assert 9.5 * len(base.all_actions()) <= len(big.all_actions()) <= 10.5 * len(base.all_actions())
    assert len(big.fiches) == 10 * len(base.fiches)
    assert sum(d.non_empty_cells for d in big.documents) >= 9.9 * sum(d.non_empty_cells for d in base.documents)
    assert abs(big.coverage - base.coverage) < 1e-4  # the preamble is printed once, not ten times
    ids = [a.id for a in big.all_actions()]
    assert len(ids) == len(set(ids))
