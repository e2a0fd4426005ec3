"""Address space covered by sets of IPv4 prefixes, overlaps counted once, per group.

The union of intervals ``[lo, hi)`` of each group is measured in one pass: sort by
(group, lo), carry the running maximum of ``hi`` within the group, and count for each
interval only the part beyond that maximum::

    covered_i = max(0, hi_i - max(lo_i, max_{j<i, same group} hi_j))

>>> import numpy as np
>>> # group 0: 10.0.0.0/16 and its /24 10.0.5.0/24 (inside) -> 65,536 addresses;
>>> # group 1: two adjacent /24s -> 512 addresses
>>> lo = np.array([167772160, 167773440, 0, 256]); hi = lo + np.array([65536, 256, 256, 256])
>>> union_per_group(np.array([0, 0, 1, 1]), lo, hi, 2).tolist()
[65536.0, 512.0]
"""

from __future__ import annotations

import numpy as np

__all__ = ["union_per_group"]

_SHIFT = np.int64(1) << np.int64(33)  # above any IPv4 end address (2**32)


def union_per_group(group: np.ndarray, lo: np.ndarray, hi: np.ndarray, n_groups: int) -> np.ndarray:
    """Addresses covered by the union of ``[lo, hi)`` within each group ``0..n_groups-1``."""
    if group.shape[0] == 0:
        return np.zeros(n_groups)
    g = group.astype(np.int64)
    order = np.lexsort((lo, g))
    g, lo_s, hi_s = g[order], lo[order].astype(np.int64), hi[order].astype(np.int64)
    run = np.maximum.accumulate(g * _SHIFT + hi_s)
    prev = np.empty_like(run)
    prev[0] = -1
    prev[1:] = run[:-1] - g[1:] * _SHIFT  # negative when the previous row is another group
    covered = np.maximum(0, hi_s - np.maximum(lo_s, prev))
    return np.bincount(g, weights=covered.astype(np.float64), minlength=n_groups)
