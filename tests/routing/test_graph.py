"""ASGraph construction, cleaning rules, lookups and what-if edits on hand-made links."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from crossroads.errors import UnknownASNError
from crossroads.routing import ASGraph, find_p2c_cycles


def small() -> ASGraph:
    # 10 provides 20 and 30; 20 and 30 peer; 30 provides 40.
    return ASGraph.from_links([10, 10, 20, 30], [20, 30, 30, 40], [-1, -1, 0, -1])


def test_csr_rows_hold_each_relationship() -> None:
    g = small()
    assert g.asns.tolist() == [10, 20, 30, 40]
    assert g.asns.dtype == np.int64 and g.prov_idx.dtype == np.int32
    assert g.customers_of(10).tolist() == [20, 30]
    assert g.providers_of(30).tolist() == [10]
    assert g.providers_of(10).tolist() == []
    assert g.peers_of(20).tolist() == [30] and g.peers_of(30).tolist() == [20]
    assert g.customers_of(30).tolist() == [40]
    assert g.prov_ptr.tolist() == [0, 0, 1, 2, 3]  # 10 none; 20, 30, 40 one each


def test_rows_sorted_by_asn_whatever_the_input_order() -> None:
    g = ASGraph.from_links([5, 5, 5], [9, 7, 8], [-1, -1, -1])
    assert g.customers_of(5).tolist() == [7, 8, 9]


def test_cleaning_drops_self_loops_and_later_listings_of_a_pair() -> None:
    # rows: 1-1 self-loop (dropped); 1>2 kept; 2>1 reversed listing of the same pair
    # (dropped, first wins); 1=2 peer listing (dropped); 2=3 kept; 2=3 exact duplicate.
    g = ASGraph.from_links([1, 1, 2, 1, 2, 2], [1, 2, 1, 2, 3, 3], [0, -1, -1, 0, 0, 0])
    assert g.dropped_links == 4
    assert len(g.links) == 2
    assert g.customers_of(1).tolist() == [2]
    assert g.providers_of(1).tolist() == []
    assert g.peers_of(2).tolist() == [3]


def test_bad_values_are_refused() -> None:
    with pytest.raises(ValueError, match="relationship 1"):
        ASGraph.from_links([1], [2], [1])
    with pytest.raises(ValueError, match="ASN outside"):
        ASGraph.from_links([-5], [2], [0])
    with pytest.raises(ValueError, match="differ in length"):
        ASGraph.from_links([1, 2], [2], [0])


def test_pyarrow_columns_are_accepted() -> None:
    g = ASGraph.from_links(
        pa.array([4_200_000_000], pa.uint32()),
        pa.array([7], pa.uint32()),
        pa.array([-1], pa.int8()),
    )
    assert g.asns.tolist() == [7, 4_200_000_000]
    assert g.customers_of(4_200_000_000).tolist() == [7]


def test_index_lookup_and_unknown_asn() -> None:
    g = small()
    assert g.index_of(30) == 2
    assert g.indices_of([40, 10]).tolist() == [3, 0]
    with pytest.raises(UnknownASNError, match="AS25"):
        g.index_of(25)
    with pytest.raises(UnknownASNError, match="AS99"):
        g.indices_of([10, 99])


def test_without_ases_keeps_indices_and_isolates() -> None:
    g = small().without_ases([30])
    assert g.asns.tolist() == [10, 20, 30, 40]  # 30 stays, isolated
    assert g.customers_of(10).tolist() == [20]
    assert g.peers_of(20).tolist() == []
    assert g.providers_of(40).tolist() == []
    assert len(g.links) == 1


def test_without_links_either_order_and_unknown_pairs_ignored() -> None:
    g = small().without_links([(30, 10), (20, 30), (10, 40)])
    assert g.customers_of(10).tolist() == [20]
    assert g.peers_of(20).tolist() == []
    assert g.customers_of(30).tolist() == [40]


def test_with_links_adds_and_retypes() -> None:
    # new AS 5 becomes a customer of 40; the 20-30 peering becomes 20 provider of 30.
    g = small().with_links([40, 20], [5, 30], [-1, -1])
    assert g.asns.tolist() == [5, 10, 20, 30, 40]
    assert g.customers_of(40).tolist() == [5]
    assert g.customers_of(20).tolist() == [30]
    assert g.peers_of(20).tolist() == []
    assert g.providers_of(30).tolist() == [10, 20]


def test_isolated_extra_ases() -> None:
    g = ASGraph.from_links([1], [2], [0], asns=[9])
    assert g.asns.tolist() == [1, 2, 9]
    assert g.peers_of(9).tolist() == []


def test_p2c_cycles_are_reported() -> None:
    # Cycle A: 1>2>3>1, with 3>4 hanging below and 0>1 above (not on the cycle).
    # Cycle B: 7>8>9>7 (a pair is one link, so the shortest cycle has three ASes).
    # Peer links never make a cycle: 4=7 joins them without merging the components.
    g = ASGraph.from_links(
        [1, 2, 3, 3, 0, 7, 8, 9, 4], [2, 3, 1, 4, 1, 8, 9, 7, 7], [-1] * 8 + [0]
    )
    assert find_p2c_cycles(g) == [[1, 2, 3], [7, 8, 9]]
    assert find_p2c_cycles(small()) == []


def test_two_cycles_sharing_an_as_are_one_component() -> None:
    # 1>2>3>1 and 3>4>5>3 both contain 3: one strongly connected component.
    g = ASGraph.from_links([1, 2, 3, 3, 4, 5], [2, 3, 1, 4, 5, 3], [-1] * 6)
    assert find_p2c_cycles(g) == [[1, 2, 3, 4, 5]]


def test_removals_filter_the_adjacency_to_the_arrays_a_rebuild_gives() -> None:
    """``without_ases`` and ``without_links`` filter the CSR arrays in place of a rebuild;
    the result is array for array what rebuilding from the kept links gives."""
    from tests.routing.test_backend_array import random_tangle

    g = ASGraph.from_links(*zip(*random_tangle(5, n=40, m=100), strict=True))
    lk = g.links
    for edited in (g.without_ases([int(lk.as1[0]), int(lk.as2[7])]),
                   g.without_links([(int(lk.as2[3]), int(lk.as1[3])), (1, 10**6)])):
        rebuilt = ASGraph._from_clean(edited.links, g.asns)
        for name in ("asns", "prov_ptr", "prov_idx", "cust_ptr", "cust_idx", "peer_ptr",
                     "peer_idx"):
            a, b = getattr(edited, name), getattr(rebuilt, name)
            assert a.dtype == b.dtype and a.tolist() == b.tolist(), name
    assert len(g.without_ases([int(lk.as1[0])]).links) < len(lk)
