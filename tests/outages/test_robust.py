"""Rolling baseline, MAD, robust z and the /24 union on hand-made series."""

from __future__ import annotations

import numpy as np

from crossroads.outages._space import union_per_group
from crossroads.outages.robust import MAD_SCALE, robust_z, rolling_baseline, rolling_mad


def test_rolling_baseline_excludes_current_bin_and_needs_min_count() -> None:
    x = np.array([4.0, 8.0, 6.0, 100.0, 2.0])
    # window 3, min 2: t=0 none; t=1 one value (<2) -> NaN; t=2 median(4,8)=6;
    # t=3 median(4,8,6)=6; t=4 median(8,6,100)=8
    b = rolling_baseline(x, 3, 2)
    assert np.isnan(b[0]) and np.isnan(b[1])
    assert b[2:].tolist() == [6.0, 6.0, 8.0]


def test_nan_bins_are_skipped() -> None:
    x = np.array([5.0, np.nan, 7.0, 9.0])
    # t=3: window (5, NaN, 7) -> median of 5 and 7 = 6 with 2 values
    assert rolling_baseline(x, 3, 2)[3] == 6.0
    assert np.isnan(rolling_baseline(x, 3, 3)[3])


def test_mad_and_z_by_hand() -> None:
    x = np.array([10.0, 14.0, 12.0, 11.0, 40.0])
    # t=4, window 4: values 10,14,12,11 -> median 11.5; |dev| 1.5,2.5,0.5,0.5 -> MAD 1.0
    assert rolling_baseline(x, 4, 3)[4] == 11.5
    assert rolling_mad(x, 4, 3)[4] == 1.0
    z = robust_z(x, 4, 3, mad_floor=0.0)[4]
    assert abs(z - (40 - 11.5) / (MAD_SCALE * 1.0)) < 1e-12


def test_mad_floor_on_constant_baseline() -> None:
    x = np.array([3.0, 3.0, 3.0, 9.0])
    # MAD 0 -> floor 2: z = (9-3)/(1.4826*2)
    assert abs(robust_z(x, 3, 3, 2.0)[3] - 6 / (MAD_SCALE * 2)) < 1e-12


def test_window_longer_than_series_is_all_previous_bins() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert rolling_baseline(x, 1000, 1)[3] == 2.0  # median(1,2,3)


def test_union_counts_overlaps_once() -> None:
    # group 0: [0,256) and [128,512) overlap -> 512; [1024,1280) apart -> +256 = 768
    # group 1: [0,256) nested in [0,65536) -> 65536
    g = np.array([0, 0, 0, 1, 1])
    lo = np.array([0, 128, 1024, 0, 0])
    hi = np.array([256, 512, 1280, 256, 65536])
    assert union_per_group(g, lo, hi, 3).tolist() == [768.0, 65536.0, 0.0]
