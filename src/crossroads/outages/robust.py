"""Rolling baseline and robust z-score over regularly binned counts.

For bin *t* of a series ``x`` with ``W`` bins per baseline window, the baseline is the
median of the previous ``W`` bins (bin *t* itself excluded, bins without data — NaN —
skipped), defined only when at least ``min_count`` of them have data::

    B_t   = median{ x_s : t-W <= s < t }
    MAD_t = median{ |x_s - B_t| : t-W <= s < t }
    z_t   = (x_t - B_t) / (1.4826 * max(MAD_t, floor))

1.4826 makes the MAD a consistent estimator of the standard deviation for normal data
(Rousseeuw & Croux 1993); the floor keeps z finite over a constant baseline. The ratio
``x_t / B_t`` is what the visibility-drop rule compares with its thresholds.

>>> import numpy as np
>>> x = np.array([10., 12., 11., 30.])
>>> float(rolling_baseline(x, 3, 2)[3])   # median of 10, 12, 11
11.0
>>> round(float(robust_z(x, 3, 2, 1.0)[3]), 6)  # MAD = median(1, 1, 0) = 1; 19/1.4826
12.815324
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["MAD_SCALE", "rolling_baseline", "rolling_mad", "robust_z"]

MAD_SCALE = 1.4826


def _windows(x: np.ndarray, window: int) -> np.ndarray:
    """``[..., t, :]`` holds ``x[..., t-window : t]`` (NaN before the series starts); works
    on the last axis, so a 2-D array of series is handled at once."""
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[-1]
    window = max(1, min(window, n))  # bins before the series are NaN anyway
    pad = np.full((*x.shape[:-1], window), np.nan)
    padded = np.concatenate([pad, x], axis=-1)
    return sliding_window_view(padded, window, axis=-1)[..., :n, :]


def _nanmedian_rows(w: np.ndarray, min_count: int) -> np.ndarray:
    count = np.sum(~np.isnan(w), axis=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows are masked below
        med = np.nanmedian(w, axis=-1) if w.size else np.zeros(w.shape[:-1])
    return np.where(count >= max(min_count, 1), med, np.nan)


def rolling_baseline(x: np.ndarray, window: int, min_count: int) -> np.ndarray:
    """``B_t``: median of the previous ``window`` bins, NaN with fewer than ``min_count``."""
    return _nanmedian_rows(_windows(x, window), min_count)


def rolling_mad(x: np.ndarray, window: int, min_count: int) -> np.ndarray:
    """``MAD_t``: median absolute deviation of the previous ``window`` bins from ``B_t``."""
    w = _windows(x, window)
    base = _nanmedian_rows(w, min_count)
    return _nanmedian_rows(np.abs(w - base[..., None]), min_count)


def robust_z(x: np.ndarray, window: int, min_count: int, mad_floor: float) -> np.ndarray:
    """``z_t`` as in the module docstring; NaN where the baseline is undefined."""
    x = np.asarray(x, dtype=np.float64)
    base = rolling_baseline(x, window, min_count)
    mad = rolling_mad(x, window, min_count)
    return (x - base) / (MAD_SCALE * np.maximum(mad, mad_floor))
