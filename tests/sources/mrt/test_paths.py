"""Path cleaning and full-feed detection, on hand-made paths and on the mirror's RIB."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from crossroads.sources.mrt import read_mrt
from crossroads.sources.mrt.paths import (
    FullFeedThresholds,
    flag_loops,
    flag_private_or_reserved,
    full_feed_peers,
    has_as_set,
    is_private_or_reserved,
    remove_prepending,
)

PATHS = pa.array([[1, 2, 2, 3], [5, 5], [], [1, 2, 1], [64512, 7], [7, 4200000000]],
                 pa.list_(pa.uint32()))


def test_prepending_removed() -> None:
    assert remove_prepending(PATHS).to_pylist() == [[1, 2, 3], [5], [], [1, 2, 1],
                                                    [64512, 7], [7, 4200000000]]


def test_loops_and_private_flags() -> None:
    # only 1 2 1 revisits an AS once prepending (2 2, 5 5) is removed
    assert flag_loops(PATHS).tolist() == [False, False, False, True, False, False]
    assert flag_private_or_reserved(PATHS).tolist() == [False] * 4 + [True, True]
    assert is_private_or_reserved([0, 23456, 64495, 64496, 65551, 65552, 131072]).tolist() == [
        True, True, False, True, True, True, False]


def test_on_the_mirror_rib(mirror: Path) -> None:
    t = read_mrt(mirror / "mrt" / "bview.20020722.2337.gz")
    paths = t.column("as_path").to_pylist()
    # re-derived in plain Python
    loops = [len(set(p)) != len([a for i, a in enumerate(p) if i == 0 or p[i - 1] != a])
             for p in paths]
    assert flag_loops(t.column("as_path")).tolist() == loops
    sets = [any(s["type"] in (1, 4) for s in segs)
            for segs in t.column("as_path_segments").to_pylist()]
    assert has_as_set(t.column("as_path_segments")).tolist() == sets
    assert sum(sets) > 0
    peers = full_feed_peers(t, thresholds=FullFeedThresholds(ipv4=100_000))
    by_peer: dict[tuple[str, int], set[str]] = {}
    for ip, asn, pfx in zip(t.column("peer_ip").to_pylist(), t.column("peer_asn").to_pylist(),
                            t.column("prefix").to_pylist(), strict=True):
        by_peer.setdefault((ip, asn), set()).add(pfx)
    got = {(r["peer_ip"], r["peer_asn"]): (r["ipv4_prefixes"], r["full_feed"])
           for r in peers.to_pylist()}
    assert got == {k: (len(v), len(v) > 100_000) for k, v in by_peer.items()}
    # with the default 600k threshold no 2002 peer was a full feed (the table was ~115k)
    assert not any(full_feed_peers(t).column("full_feed").to_pylist())
