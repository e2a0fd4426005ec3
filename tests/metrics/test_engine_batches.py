"""The engine sums each lane batch (64 groups) on its own, then the batches in order.

Checked on a random graph with 400 destination groups (7 batches, the last of 16):
every sum equals the plain loop -- one propagation per group, its part added to the
totals in group order, as the engine summed before batches were summed apart -- to
rounding, and is bit-identical for 1 and 3 worker threads.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from tests.metrics.test_lanes import random_table
from tests.routing.test_backend_array import graph
from tests.routing.test_propagate import random_hierarchy

from crossroads.metrics import _engine
from crossroads.routing import propagate


def _case() -> tuple[object, ...]:
    g = graph(random_hierarchy(19, n=400))
    t = random_table(g, 19)
    home = t.country_id("AA")
    dests = np.arange(g.n)
    groups = _engine.group_destinations(g, dests, np.ones(g.n), grouping=False)
    src_w = np.asarray(t.ipv4, float).copy()
    src_w[t.cc_id == home] = 0.0
    vps = np.arange(0, g.n, 7)
    return g, t, home, groups, src_w, vps


def _loop(g, t, home, groups, src_w, vps):  # type: ignore[no-untyped-def]
    """The reference: every group's part added to the totals one by one, in order."""
    n = g.n
    sums = _engine.Sums(np.zeros(t.n_countries), np.zeros(n), np.zeros(n),
                        hegemony=np.zeros(n), link_mass=np.zeros(len(g.links)))
    lids = _engine.link_ids(g)
    total_w = float(src_w.sum())
    for grp in groups:
        r = propagate(g, grp.root, mode="all-best")
        part = _engine._routes_part(g, t, home, grp, src_w, False, r, vps, 0.1, lids)
        sums.propagations += 1
        sums.destinations += len(grp.members)
        sums.offered += grp.weight * (total_w - float(src_w[grp.root]) * (not grp.virtual))
        _engine._add(sums, grp.weight, part)
    return sums


def test_batches_sum_to_the_plain_loop_for_any_workers() -> None:
    g, t, home, groups, src_w, vps = _case()
    assert len(groups) == 400 > 6 * 64
    runs = [_engine.run(g, t, home, groups, src_w, outbound=False, mode="all-best",
                        vantage_points=vps, workers=w, links=True) for w in (1, 3)]
    want = _loop(g, t, home, groups, src_w, vps)
    for f in dataclasses.fields(_engine.Sums):
        one, three, ref = (getattr(s, f.name) for s in (*runs, want))
        if isinstance(ref, np.ndarray):
            np.testing.assert_array_equal(one, three, err_msg=f.name)
            np.testing.assert_allclose(one, ref, rtol=1e-12, atol=1e-9, err_msg=f.name)
            assert f.name == "any" or np.count_nonzero(ref), f.name  # a sum that can fail
        elif ref is not None:
            assert one == three, f.name
            assert one == pytest.approx(ref, rel=1e-12), f.name
    assert runs[0].propagations == 400 and runs[0].destinations == 400
    assert runs[0].hegemony_weight > 0 and runs[0].reached > 0
