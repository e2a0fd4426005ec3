"""Events from binned series: visibility drops and update/withdrawal bursts.

For each country and each AS, over regular bins of width Δ with ``W = baseline / Δ`` bins
per baseline window (:mod:`~crossroads.outages.robust`):

- **visibility drop** (after IODA's BGP signal, Dainotti et al. 2011): the ratio
  ``r_t = min(S_t / B^S_t, P_t / B^P_t)`` of visible IPv4 space ``S`` (/24-equivalents)
  and visible prefixes ``P`` to their baselines; warning when ``r_t < warning_ratio``,
  critical when ``r_t < critical_ratio``.
- **update burst** / **withdrawal burst**: the robust z-score of the bin's updates
  (announcements + withdrawals), resp. withdrawals; warning when ``z_t > burst_z`` and
  the count is at least ``min_burst_updates``, critical when ``z_t > critical_z``.

Bins without data (no full-feed peer) are NaN: they neither trigger nor feed a baseline.
Consecutive anomalous bins of one signal form one event from the first bin's start to the
last bin's end; its severity is the worst bin's.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from crossroads.outages.model import DetectorConfig, OutageEvent, OutageSeries
from crossroads.outages.robust import robust_z, rolling_baseline

__all__ = ["detect", "detect_frame"]


def _ratio(x: np.ndarray, base: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(base > 0, x / base, np.nan)


def _runs(flag: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index ranges of consecutive True values."""
    d = np.diff(np.r_[0, flag.astype(np.int8), 0])
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(),
                    strict=True))


_CHUNK_CELLS = 4_000_000  # keys x bins x window values held at once


def _matrix(frame: pd.DataFrame, key: str, column: str, nodata: pd.DataFrame) -> np.ndarray:
    m = frame.pivot(index=key, columns="time", values=column).to_numpy(np.float64)
    return np.where(nodata.to_numpy(), np.nan, m)


def detect_frame(
    frame: pd.DataFrame, key: str, bin: timedelta, config: DetectorConfig,
    scope: str,
) -> list[OutageEvent]:
    """Events of every series in ``frame`` (rows of one scope, one row per key and bin)."""
    window = max(1, int(config.baseline / bin))
    nodata = frame.pivot(index=key, columns="time", values="full_feed_peers").fillna(0) <= 0
    keys = nodata.index.to_list()
    times = pd.DatetimeIndex(nodata.columns)
    s24 = _matrix(frame, key, "visible_slash24", nodata)
    pfx = _matrix(frame, key, "visible_prefixes", nodata)
    wd = _matrix(frame, key, "withdrawals", nodata)
    upd = wd + _matrix(frame, key, "announcements", nodata)
    step = max(1, _CHUNK_CELLS // max(1, times.shape[0] * min(window, times.shape[0])))
    events: list[OutageEvent] = []
    for lo in range(0, len(keys), step):
        sl = slice(lo, lo + step)
        m = _Metrics(s24[sl], pfx[sl], upd[sl], wd[sl], window, config)
        for i in np.flatnonzero(m.any_flag()).tolist():
            k = keys[lo + i]
            events += m.events(i, k, scope, times, bin, config)
    return events


class _Metrics:
    """Baselines, ratios and z-scores of a block of series (rows = keys)."""

    def __init__(self, s24: np.ndarray, pfx: np.ndarray, upd: np.ndarray, wd: np.ndarray,
                 window: int, c: DetectorConfig) -> None:
        self.s24, self.pfx, self.upd, self.wd = s24, pfx, upd, wd
        self.b24 = rolling_baseline(s24, window, c.min_baseline_bins)
        self.bpx = rolling_baseline(pfx, window, c.min_baseline_bins)
        self.r24, self.rpx = _ratio(s24, self.b24), _ratio(pfx, self.bpx)
        self.ratio = np.fmin(self.r24, self.rpx)
        self.drop = (self.ratio < c.warning_ratio) & (self.bpx >= c.min_baseline_prefixes)
        self.bursts = {}
        for signal, x in (("update_burst", upd), ("withdrawal_burst", wd)):
            z = robust_z(x, window, c.min_baseline_bins, c.mad_floor)
            base = rolling_baseline(x, window, c.min_baseline_bins)
            self.bursts[signal] = (x, z, base, (z > c.burst_z) & (x >= c.min_burst_updates))

    def any_flag(self) -> np.ndarray:
        flags = self.drop.any(axis=1)
        for *_, hot in self.bursts.values():
            flags |= hot.any(axis=1)
        return flags

    def events(self, i: int, k: object, scope: str, times: pd.DatetimeIndex, bin: timedelta,
               c: DetectorConfig) -> list[OutageEvent]:
        out = []
        own = (int(str(k)),) if scope == "asn" else ()
        ratio, s24, pfx = self.ratio[i], self.s24[i], self.pfx[i]
        b24, bpx = self.b24[i], self.bpx[i]
        for a, b in _runs(self.drop[i]):
            worst = a + int(np.nanargmin(ratio[a:b]))
            out.append(OutageEvent(
                scope=scope, key=str(k), signal="visibility_drop",  # type: ignore[arg-type]
                severity="critical" if np.nanmin(ratio[a:b]) < c.critical_ratio else "warning",
                start=times[a].to_pydatetime(), end=(times[b - 1] + bin).to_pydatetime(),
                metric="visible_slash24" if self.r24[i, worst] <= self.rpx[i, worst]
                else "visible_prefixes",
                baseline=float(b24[worst]), extreme=float(np.nanmin(s24[a:b])),
                score=float(ratio[worst]),
                lost_slash24=float(np.nanmax(np.maximum(b24[a:b] - s24[a:b], 0))),
                lost_prefixes=float(np.nanmax(np.maximum(bpx[a:b] - pfx[a:b], 0))),
                updates=int(np.nansum(self.upd[i, a:b])), affected_asns=own,
            ))
        for signal, (x, z, base, hot) in self.bursts.items():
            for a, b in _runs(hot[i]):
                peak = a + int(np.nanargmax(z[i, a:b]))
                out.append(OutageEvent(
                    scope=scope, key=str(k), signal=signal,  # type: ignore[arg-type]
                    severity="critical" if np.nanmax(z[i, a:b]) > c.critical_z else "warning",
                    start=times[a].to_pydatetime(), end=(times[b - 1] + bin).to_pydatetime(),
                    metric="withdrawals" if signal == "withdrawal_burst" else "updates",
                    baseline=float(base[i, peak]), extreme=float(np.nanmax(x[i, a:b])),
                    score=float(z[i, peak]), lost_slash24=0.0, lost_prefixes=0.0,
                    updates=int(np.nansum(x[i, a:b])), affected_asns=own,
                ))
        return out


def detect(series: OutageSeries, config: DetectorConfig | None = None) -> tuple[OutageEvent, ...]:
    """Country and AS events of ``series``; a country event lists the ASes of that country
    whose own event of the same signal overlaps it."""
    config = config or DetectorConfig()
    as_events = detect_frame(series.asn, "asn", series.bin, config, "asn") \
        if len(series.asn) else []
    cc_events = detect_frame(series.country, "country", series.bin, config, "country") \
        if len(series.country) else []
    cc_of = dict(zip(series.asn["asn"].astype(str), series.asn["country"], strict=False)) \
        if len(series.asn) else {}
    linked = []
    for e in cc_events:
        hits = sorted({int(a.key) for a in as_events
                       if a.signal == e.signal and cc_of.get(a.key) == e.key
                       and a.start < (e.end or a.end or a.start) and (a.end or e.start) > e.start})
        linked.append(_with_asns(e, tuple(hits)))
    return tuple(sorted(linked + as_events, key=lambda e: (e.start, e.scope != "country", e.key)))


def _with_asns(e: OutageEvent, asns: tuple[int, ...]) -> OutageEvent:
    from dataclasses import replace

    return replace(e, affected_asns=asns)
