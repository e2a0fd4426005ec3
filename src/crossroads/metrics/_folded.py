"""The inbound sums of one destination on its next-hop DAG with the leaves folded away.

:func:`inbound_sums` returns what :func:`crossroads.metrics.flows.flow_crossings`
(``outbound=False``) returns for the same routes, and the "any" sums (:func:`any_sums`, both
directions), computed over the ASes that something passes through, after one fold of the
others (:mod:`crossroads.metrics._fold_kernels`): about a tenth of the ASes towards a KZ
destination. Private to :mod:`crossroads.metrics._engine`.

Example -- ``3 -> 2 -> 1 -> 0`` and ``4 -> 1`` towards AS 0 at home (country 0), ASes
1..4 abroad (country 1), sources 3 and 4 with weight 1 each. AS 3 and AS 4 are leaves;
AS 1 carries both units (it is the gateway of both), AS 2 one of them:

>>> import numpy as np
>>> length = np.array([0, 1, 2, 3, 2], np.int32)
>>> ptr, idx = np.array([0, 0, 1, 2, 3, 4]), np.array([0, 1, 2, 1], np.int32)
>>> cc, w = np.array([0, 1, 1, 1, 1], np.int32), np.array([0.0, 0.0, 0.0, 1.0, 1.0])
>>> s = inbound_sums(length, ptr, idx, cc, 0, w, 0, False, True, False,
...                  np.full(5, -1, np.int32), 2)
>>> s.transit.tolist(), s.gateway.tolist(), s.direct, s.reached, s.any.tolist()
([0.0, 2.0, 1.0, 0.0, 0.0], [0.0, 2.0, 0.0, 0.0, 0.0], 0.0, 2.0, [0.0, 2.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crossroads.metrics import _fold_kernels as _k

__all__ = ["FoldedDag", "InboundSums", "any_sums", "inbound_sums"]


@dataclass(frozen=True)
class FoldedDag:
    """One propagation's next-hop DAG with its leaves folded (:func:`_k.fold`), kept for a
    later pass over the same routes (the carrying set's greedy rounds,
    :func:`crossroads.metrics._fold_kernels.uncovered`): the group's ``root`` and
    ``virtual`` flag, the pair ``weight`` (the group's, times the variant's share), the
    kept AS indices ``kept`` (every next hop earlier), their next hops ``ptr``/``idx`` in
    local numbers, ``mass0`` (their own source weight plus their leaves' credit) and
    ``own`` (their own source weight)."""

    root: int
    virtual: bool
    weight: float
    kept: np.ndarray
    ptr: np.ndarray
    idx: np.ndarray
    mass0: np.ndarray
    own: np.ndarray


@dataclass(frozen=True)
class InboundSums:
    """One destination's inbound sums (see :func:`crossroads.metrics.flows.flow`):
    ``transit`` and ``gateway`` per AS index, ``direct``, ``domestic``, ``reached``, the
    crossing entries (``home_as``, ``foreign_as``, ``mass``) and ``to_stub``, and ``any``
    per label id (zeros unless asked for)."""

    transit: np.ndarray
    gateway: np.ndarray
    direct: float
    domestic: float
    reached: float
    home_as: np.ndarray
    foreign_as: np.ndarray
    mass: np.ndarray
    to_stub: float
    any: np.ndarray
    dag: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    """The folded DAG: ``kept``, ``ptr``, ``idx``, ``mass0``, ``own`` (see
    :class:`FoldedDag`)."""


def inbound_sums(
    length: np.ndarray, nh_ptr: np.ndarray, nh_idx: np.ndarray, cc: np.ndarray, home: int,
    w: np.ndarray, root: int, virtual: bool, dest_home: bool, record: bool,
    second: np.ndarray, n_labels: int, *, any_sums: bool = True,
) -> InboundSums:
    """The inbound sums of the routes ``length``/``nh_ptr``/``nh_idx`` (module doc):
    ``record`` keeps the crossing entries; ``second`` is the second labelling and
    ``n_labels`` the number of label ids of the "any" sums (``any_sums=False``: none)."""
    kept, ptr, idx, lw, lf, lh, xv, xu, xs, reached = _k.fold(
        length, nh_ptr, nh_idx, cc, home, w)
    transit, gateway, direct, domestic, ha, fa, ms, to_stub = _k.inbound_flow(
        kept, ptr, idx, lw, lf, lh, xv, xu, xs, length.shape[0], cc, home, w, root,
        virtual, dest_home, record)
    total = (_any(kept, ptr, idx, lw, cc, second, w, root, virtual, n_labels) if any_sums
             else np.zeros(n_labels))
    own = w[kept]
    return InboundSums(transit, gateway, float(direct), float(domestic), float(reached),
                       ha, fa, ms, float(to_stub), total, (kept, ptr, idx, own + lw, own))


def any_sums(
    length: np.ndarray, nh_ptr: np.ndarray, nh_idx: np.ndarray, cc: np.ndarray,
    second: np.ndarray, w: np.ndarray, root: int, virtual: bool, n_labels: int,
) -> np.ndarray:
    """Per label id, the weighted chance that a path has an AS with that label strictly
    inside (:func:`crossroads.metrics._fold_kernels.any_label`), for any sources ``w``."""
    kept, ptr, idx, lw, *_ = _k.fold(length, nh_ptr, nh_idx, cc, -1, w)
    return _any(kept, ptr, idx, lw, cc, second, w, root, virtual, n_labels)


def _any(kept: np.ndarray, ptr: np.ndarray, idx: np.ndarray, lw: np.ndarray,
         cc: np.ndarray, second: np.ndarray, w: np.ndarray, root: int, virtual: bool,
         n_labels: int) -> np.ndarray:
    """:func:`~crossroads.metrics._fold_kernels.any_label`, its sparse width doubled
    until it fits (64 labels per AS fit every KZ destination with countries and owning
    states, so a retry, a whole second pass, is rare)."""
    width = 64
    while True:
        total, overflow = _k.any_label(kept, ptr, idx, lw, cc, second, w, root, virtual,
                                       n_labels, width)
        if not overflow:
            return total
        width *= 2
