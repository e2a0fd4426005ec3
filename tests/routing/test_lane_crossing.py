"""``LaneBatch.crossing``: a lane whose routes use none of the cut ASes and links keeps
every route when they are removed, and one that uses them is flagged.

On random hierarchies and tangles (provider->customer cycles), both tie modes: for random
cuts of ASes and links, each lane's routes towards its origin on the edited graph
(``without_ases``/``without_links``) are compared with the uncut ones.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from crossroads.routing import propagate
from crossroads.routing.lanes import propagate_lanes

from .test_backend_array import graph, random_tangle
from .test_propagate import random_hierarchy

MODES = ("deterministic", "all-best")


def same_routes(a, b, removed: set[int]) -> bool:  # type: ignore[no-untyped-def]
    keep = np.array([i not in removed for i in range(a.length.size)])
    if not (np.array_equal(a.length[keep], b.length[keep])
            and np.array_equal(a.rel[keep], b.rel[keep])):
        return False
    return all(a.next_hops(i).tolist() == b.next_hops(i).tolist()
               for i in np.flatnonzero(keep).tolist())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("seed", range(6))
def test_lanes_not_crossing_a_cut_keep_their_routes(seed: int, mode: str) -> None:
    rnd = random.Random(seed)
    flagged = kept = 0
    for links in (random_hierarchy(seed, n=50), random_tangle(seed, n=40, m=100)):
        g = graph(links)
        origins = rnd.sample(range(g.n), k=min(40, g.n))
        batch = propagate_lanes(g, origins, mode=mode)
        for _ in range(6):
            ases = rnd.sample(range(g.n), k=rnd.choice([0, 1, 2]))
            pairs = [(int(g.asns.searchsorted(a)), int(g.asns.searchsorted(b)))
                     for a, b, _ in rnd.sample(links, k=rnd.choice([0, 1, 2]))]
            if not ases and not pairs:
                continue
            crossing = batch.crossing(ases, pairs)
            edited = g
            if ases:
                edited = edited.without_ases(g.asns[ases].tolist())
            if pairs:
                edited = edited.without_links([(int(g.asns[a]), int(g.asns[b]))
                                               for a, b in pairs])
            for j, o in enumerate(origins):
                before = batch.routes(j)
                unchanged = same_routes(before, propagate(edited, o, mode=mode), set(ases))
                if not crossing[j]:
                    assert unchanged, f"lane {j} changed though it crosses no cut"
                    kept += 1
                else:
                    flagged += 1
    assert kept > 20 and flagged > 20  # both kinds of lanes occur
