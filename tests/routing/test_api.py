"""The public surface of crossroads.routing: sorted, complete, importable."""

from __future__ import annotations

import crossroads.routing as routing
from crossroads.routing import arrays


def test_all_is_sorted_and_resolves() -> None:
    assert routing.__all__ == sorted(routing.__all__)
    for name in routing.__all__:
        assert getattr(routing, name) is not None


def test_route_classes_match_the_kernels() -> None:
    assert [int(c) for c in routing.RouteClass] == [
        arrays.UNREACHABLE, arrays.ORIGIN, arrays.CUSTOMER, arrays.PEER, arrays.PROVIDER
    ] == [0, 1, 2, 3, 4]
