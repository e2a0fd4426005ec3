"""Gao (2001) inference on hand paths; every answer derived in the comments."""

from __future__ import annotations

from crossroads.routing.infer import infer_relationships


def _triples(r) -> list[tuple[int, int, int]]:  # noqa: ANN001
    return sorted(zip(r.links.as1.tolist(), r.links.as2.tolist(), r.links.rel.tolist(),
                      strict=True))


def test_hill_with_top_in_the_middle() -> None:
    # [1 2 3] and [3 2 1]: degrees 1:1, 2:2, 3:1, AS 2 tops both paths. Votes: t(1,2) = 2
    # and t(3,2) = 2 ("2 provides transit"), none the other way -> 2 > 1, 2 > 3. Peering:
    # in each path the top's two neighbours tie on degree, so the link before the top
    # (1-2 in the first path, 3-2 in the second) is ruled out; the link after it is ruled
    # out by the other path: no peer link.
    r = infer_relationships([[1, 2, 3], [3, 2, 1]])
    assert _triples(r) == [(2, 1, -1), (2, 3, -1)]
    assert (r.peers, r.siblings, r.paths) == (0, 0, 2)


def test_peer_candidate_by_degree_ratio() -> None:
    # [1 3 4], [5 3 2]: AS 3 degree 4, others 1; links after the top (3-4, 3-2) stay peer
    # candidates; degree ratio 4 < R = 60 -> peers; with R = 3 -> provider-to-customer.
    assert _triples(infer_relationships([[1, 3, 4], [5, 3, 2]])) == [
        (3, 1, -1), (3, 2, 0), (3, 4, 0), (3, 5, -1)]
    assert _triples(infer_relationships([[1, 3, 4], [5, 3, 2]], degree_ratio=3)) == [
        (3, 1, -1), (3, 2, -1), (3, 4, -1), (3, 5, -1)]


def test_siblings_from_opposite_votes() -> None:
    # [1 2] and [2 1]: degrees tie (1 and 1), the first AS is each path's top, so
    # t(2,1) = 1 and t(1,2) = 1: both in (0, L=1] -> sibling, output as a peer link and
    # counted; a sibling is never a peer candidate, so peers = 0.
    r = infer_relationships([[1, 2], [2, 1]])
    assert [(a, b, c) for a, b, c in _triples(r)] in ([(1, 2, 0)], [(2, 1, 0)])
    assert (r.siblings, r.peers) == (1, 0)


def test_contradicting_vote_at_or_below_threshold_is_outvoted() -> None:
    # [1 2 9] three times: AS 2 has degree 3 (neighbours 1, 9, 7), AS 9 degree 1 -> t(1,2) = 3.
    # [2 1 7] once: AS 1 has degree 2 (neighbours 2, 7), AS 2 degree 3: top at position 0 ->
    # votes 2 > 1 and 1 > 7. [7 2]: 2 tops -> 2 > 7. So t(1,2) = 4, t(2,1) = 0: 2 > 1.
    # Link 1-7 has one vote "1 > 7" and none the other way: 1 > 7.
    r = infer_relationships([[1, 2, 9]] * 3 + [[2, 1, 7], [7, 2]], degree_ratio=1.5)
    assert _triples(r) == [(1, 7, -1), (2, 1, -1), (2, 7, -1), (2, 9, -1)]
    assert r.graph().customers_of(2).tolist() == [1, 7, 9]
