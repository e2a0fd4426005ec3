"""More-specific announcements: forwarding when two nested prefixes are announced.

When a prefix ``P`` and a more-specific ``p`` inside it are announced (by the same or
different origins -- a de-aggregation, a traffic-engineering split, a sub-prefix hijack),
packets to an address in ``p`` follow longest-prefix match at every hop: an AS that has
a route to ``p`` forwards along it, any other AS along its route to ``P``. Each prefix is
propagated on its own (:func:`~crossroads.routing.propagate.propagate`);
:func:`forwarding` combines the two into the routes packets actually follow.

Once a packet reaches an AS with a route to ``p`` it stays on ``p``'s next-hop DAG (every
AS on it has that route), and before that each hop is one step closer on ``P``'s DAG, so
the combined next hops are again a DAG and every :mod:`~crossroads.routing.flow` function
applies. In the result, ``rel`` is the class of the route used and ``length`` the
forwarding path length in hops (in ``all-best`` mode, the longest of the equally best
branches). ``origins`` lists both prefixes' origins.

Example -- 4 provides 1 and 5; 1 peers with 6. AS 5 announces ``p``, AS 1 the covering
``P``. AS 1 learns ``p`` from its provider 4 and so does not pass it to its peer 6, but 6
has ``P`` from 1; packets from 6 go to 1, which forwards them along ``p``: 6 1 4 5::

    >>> from crossroads.routing.graph import ASGraph
    >>> from crossroads.routing.propagate import propagate
    >>> g = ASGraph.from_links([4, 4, 1], [1, 5, 6], [-1, -1, 0])
    >>> f = forwarding(propagate(g, g.index_of(5)), propagate(g, g.index_of(1)))
    >>> [int(g.asns[h]) if h >= 0 else None for h in f.next_hop]  # AS 1, 4, 5, 6
    [4, 5, None, 1]
    >>> f.length.tolist()
    [2, 1, 0, 3]
"""

from __future__ import annotations

import numpy as np

from crossroads.routing import _kernels as _k
from crossroads.routing.arrays import union
from crossroads.routing.routes import Routes

__all__ = ["forwarding"]


def forwarding(specific: Routes, covering: Routes) -> Routes:
    """The routes packets to the more-specific prefix follow (longest-prefix match)."""
    if specific.rel.shape != covering.rel.shape:
        raise ValueError("routes over different graphs (AS counts differ)")
    if specific.mode != covering.mode:
        raise ValueError(f"mixed tie modes: {specific.mode} and {covering.mode}")
    rel, length, ptr, idx = _k.overlay(
        specific.rel, specific.length, specific.nh_ptr, specific.nh_idx,
        covering.rel, covering.length, covering.nh_ptr, covering.nh_idx,
    )
    has = specific.rel != 0
    next_hop = covering.next_hop.copy()
    next_hop[has] = specific.next_hop[has]
    return Routes(
        origins=_union(specific.origins, covering.origins),
        mode=specific.mode,
        rel=rel,
        length=length,
        next_hop=next_hop,
        nh_ptr=ptr,
        nh_idx=idx,
    )


def _union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return union(a, b).astype(np.int32)
