"""Numba primitives on the routing arrays, shared by the kernels of every layer.

The route-class codes, and small jitted functions over CSR rows and next-hop DAGs that the
private kernels of :mod:`crossroads.routing`, :mod:`crossroads.metrics` and
:mod:`crossroads.scenarios` call from inside their own jitted loops (a jitted function can
only call jitted functions, so these cannot sit behind Python wrappers; the Python API is
:mod:`crossroads.routing.propagate` and :mod:`crossroads.routing.flow`).

Route classes (the values of :class:`~crossroads.routing.routes.RouteClass`):
0 unreachable, 1 origin, 2 learned from a customer, 3 from a peer, 4 from a provider.

Example: on the DAG ``2 -> 1 -> 0`` and ``3 -> 1`` (next hops towards AS 0), a unit of
mass at ASes 2 and 3 crosses AS 1 twice:

>>> import numpy as np
>>> length = np.array([0, 1, 2, 2])
>>> nh_ptr, nh_idx = np.array([0, 0, 1, 2, 3]), np.array([0, 1, 1])
>>> push_mass(length, nh_ptr, nh_idx, np.array([0.0, 0.0, 1.0, 1.0])).tolist()
[2.0, 2.0, 1.0, 1.0]
>>> int(position(nh_ptr, nh_idx, 2, 1)), int(position(nh_ptr, nh_idx, 2, 5))
(1, 2)
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["CUSTOMER", "ORIGIN", "PEER", "PROVIDER", "UNREACHABLE", "grow", "is_best_via",
           "position", "push_mass", "sort_by_length", "union", "unique"]

UNREACHABLE = 0
ORIGIN = 1
CUSTOMER = 2
PEER = 3
PROVIDER = 4


@njit(cache=True, nogil=True)
def sort_by_length(nodes: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Counting sort of ``nodes`` by ``length`` (stable)."""
    m = 0
    for v in nodes:
        if length[v] > m:
            m = length[v]
    count = np.zeros(m + 2, np.int64)
    for v in nodes:
        count[length[v] + 1] += 1
    for i in range(1, m + 2):
        count[i] += count[i - 1]
    out = np.empty(nodes.shape[0], np.int32)
    for v in nodes:
        out[count[length[v]]] = v
        count[length[v]] += 1
    return out


@njit(cache=True, nogil=True)
def is_best_via(rel_v: int, len_v: int, rel_u: int, len_u: int) -> bool:
    """Whether neighbour u's route, offered to v over the relationship implied by v's
    route class, is one of v's equally best routes."""
    if len_u != len_v - 1:
        return False
    if rel_v == PROVIDER:
        return rel_u != UNREACHABLE
    return rel_u == ORIGIN or rel_u == CUSTOMER


@njit(cache=True, nogil=True)
def push_mass(
    length: np.ndarray, nh_ptr: np.ndarray, nh_idx: np.ndarray, mass: np.ndarray
) -> np.ndarray:
    """Push ``mass`` (modified in place) down the next-hop DAG, longest routes first.

    An AS splits what it holds evenly over its next hops. Every next hop is one hop
    shorter, so when an AS is processed all mass destined to it has arrived; at the end
    ``mass[v]`` is the total that passed through ``v``.
    """
    reach = np.empty(length.shape[0], np.int32)
    m = 0
    for v in range(length.shape[0]):
        if length[v] >= 0:
            reach[m] = v
            m += 1
    order = sort_by_length(reach[:m], length)
    for i in range(m - 1, -1, -1):
        v = order[i]
        x = mass[v]
        a, b = nh_ptr[v], nh_ptr[v + 1]
        if x == 0.0 or a == b:
            continue
        share = x / (b - a)
        for k in range(a, b):
            mass[nh_idx[k]] += share
    return mass


@njit(cache=True, nogil=True)
def grow(a: np.ndarray, cap: int) -> np.ndarray:
    """``a`` copied into a new array of its dtype with ``cap`` elements (the rest unset)."""
    b = np.empty(cap, a.dtype)
    b[: a.shape[0]] = a
    return b


@njit(cache=True, nogil=True)
def position(ptr: np.ndarray, idx: np.ndarray, v: int, u: int) -> int:
    """Where ``u`` is, or would be inserted, in CSR row ``v`` (rows sorted ascending)."""
    lo: int = ptr[v]
    hi = ptr[v + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if idx[mid] < u:
            lo = mid + 1
        else:
            hi = mid
    return lo


def unique(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an integer array, by one sort: ``np.unique`` without
    ``return_*`` takes numpy 2.4's hash path, 20-40x slower on 10^5-10^6 integers (1.5 s
    against 0.06 s for the 1.1 M link ends of the 2025 graph, measured).

    >>> unique(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    out = np.sort(np.asarray(values).ravel())
    if out.size < 2:
        return out
    keep = np.empty(out.size, bool)
    keep[0] = True
    np.not_equal(out[1:], out[:-1], out=keep[1:])
    return out[keep]


def union(*arrays: np.ndarray) -> np.ndarray:
    """The sorted distinct values of integer arrays together (``np.union1d``, by
    :func:`unique`).

    >>> union(np.array([4, 1]), np.array([1, 2])).tolist()
    [1, 2, 4]
    """
    return unique(np.concatenate([np.asarray(a).ravel() for a in arrays]))
