"""Destination groups: single-homed stubs read off their provider's routes."""

from __future__ import annotations

import numpy as np
import pytest
from tests.routing.test_backend_array import graph, random_tangle
from tests.routing.test_propagate import random_hierarchy

from crossroads.metrics.groups import group_destinations
from crossroads.routing import ASGraph


def test_a_cut_link_makes_and_unmakes_stubs_by_hand() -> None:
    # AS 3 has providers 1 and 2; AS 4 hangs below 2 only; 1 and 2 peer (indices: AS 1
    # is 0, ..., AS 4 is 3). Without 2-3, AS 3 is a stub of 1; without 2-4, AS 4 is alone
    # (its own group, no longer read off 2).
    g = ASGraph.from_links([1, 2, 2, 1], [3, 3, 4, 2], [-1, -1, -1, 0])
    dests, w = np.arange(4), np.ones(4)
    assert [(x.root, x.virtual, x.members) for x in group_destinations(g, dests, w)] == [
        (0, False, (0,)), (1, False, (1,)), (1, True, (3,)), (2, False, (2,))]
    cut = group_destinations(g, dests, w, removed_links=[(1, 2)])
    assert [(x.root, x.virtual, x.members) for x in cut] == [
        (0, False, (0,)), (0, True, (2,)), (1, False, (1,)), (1, True, (3,))]
    cut = group_destinations(g, dests, w, removed_links=[(3, 1)])
    assert [(x.root, x.virtual, x.members) for x in cut][-1] == (3, False, (3,))


@pytest.mark.parametrize("seed", [1, 5])
def test_removed_links_give_the_groups_of_the_edited_graph(seed: int) -> None:
    """For every link (and two links at once, a pair that is no link, a pair given twice)
    the groups equal those of ``without_links`` on a random hierarchy and tangle, with
    single-homed and dual-homed stubs added."""
    rng = np.random.default_rng(seed)
    for links in (random_hierarchy(seed, n=60), random_tangle(seed, n=40, m=90)):
        ups = rng.integers(1, 30, size=(10, 2))
        links = links + [(int(a), 100 + i, -1) for i, a in enumerate(ups[:, 0])]
        links += [(int(a), 200 + i, -1) for i, a in enumerate(ups[:, 0])]
        links += [(int(b), 200 + i, -1) for i, (a, b) in enumerate(ups) if a != b]
        g = graph(links)
        dests = np.sort(rng.choice(g.n, size=g.n // 2, replace=False))
        w = rng.integers(1, 5, size=dests.size).astype(float)
        apart = dests[:3]
        lk = g.links
        ends = np.searchsorted(g.asns, np.stack([lk.as1, lk.as2], axis=1)).tolist()
        cases = [[tuple(e)] for e in ends] + [[tuple(ends[0]), tuple(ends[-1])],
                                              [(0, 1), (1, 0)], [tuple(ends[2])] * 2]
        differ = 0
        for pairs in cases:
            got = group_destinations(g, dests, w, keep_apart=apart, removed_links=pairs)
            cut = g.without_links([(int(g.asns[a]), int(g.asns[b])) for a, b in pairs])
            assert got == group_destinations(cut, dests, w, keep_apart=apart)
            differ += got != group_destinations(g, dests, w, keep_apart=apart)
        assert differ > 0
