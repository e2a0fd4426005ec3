"""The result types of outage detection: options, series, events, reports.

Frozen dataclasses and ``Literal`` aliases only; the computations live in
:mod:`~crossroads.outages.series` (time series) and :mod:`~crossroads.outages.detect`
(events).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import pandas as pd

__all__ = [
    "Anchor",
    "DetectorConfig",
    "OutageEvent",
    "OutageReport",
    "OutageSeries",
    "Severity",
    "Signal",
    "events_frame",
]

Anchor = Literal["auto", "rib", "infer", "empty"]
"""How the routing state before the first update is set.

``rib``: from the RIB rows (TABLE_DUMP / TABLE_DUMP_V2) in the input; ``infer``: a
(peer, prefix) pair whose first record is a withdrawal was carried before it, every other
pair was not (a lower bound of the true state); ``empty``: nothing is carried (right for a
BMP feed, whose router dumps its table first); ``auto``: ``rib`` when RIB rows are present,
else ``infer``.
"""

Signal = Literal["visibility_drop", "update_burst", "withdrawal_burst"]
Severity = Literal["warning", "critical"]


@dataclass(frozen=True)
class DetectorConfig:
    """Thresholds of the detector (defaults after IODA's BGP signal, see docs/methods).

    A bin's visible IPv4 space (or prefix count) below ``warning_ratio`` x baseline is a
    warning, below ``critical_ratio`` x baseline critical. A bin whose update (or
    withdrawal) count has robust z-score above ``burst_z`` is a warning burst, above
    ``critical_z`` a critical one. The baseline is the median of the bins in the previous
    ``baseline`` (at least ``min_baseline_bins`` of them with data); ``mad_floor`` keeps
    the z-score finite over a constant baseline (updates per bin). A burst needs at least
    ``min_burst_updates`` in the bin; a drop needs a baseline of at least
    ``min_baseline_prefixes`` visible prefixes (one prefix flapping is not an outage).
    """

    baseline: timedelta = timedelta(hours=24)
    min_baseline_bins: int = 3
    warning_ratio: float = 0.99
    critical_ratio: float = 0.5
    burst_z: float = 5.0
    critical_z: float = 10.0
    mad_floor: float = 1.0
    min_burst_updates: int = 10
    min_baseline_prefixes: float = 5.0


@dataclass(frozen=True)
class OutageSeries:
    """Binned time series, one row per (bin, country) and per (bin, AS).

    ``country`` columns: ``time`` (bin start, UTC), ``country``, ``visible_prefixes``,
    ``visible_slash24`` (IPv4 addresses covered by visible prefixes / 256, overlaps counted
    once), ``visible_v6_prefixes``, ``announcements``, ``withdrawals``,
    ``full_feed_peers`` (IPv4). ``asn`` has the same columns plus ``asn``.
    """

    country: pd.DataFrame
    asn: pd.DataFrame
    bin: timedelta
    anchor: str
    full_feed_peers: tuple[str, ...]
    records: int


@dataclass(frozen=True)
class OutageEvent:
    """One anomaly: consecutive anomalous bins of one signal in one country or AS.

    ``end`` is the end of the last anomalous bin (``None`` while a live event is open).
    ``baseline`` and ``extreme`` are in the unit of ``metric``: /24-equivalents or
    prefixes for a visibility drop (``extreme`` the lowest value), updates per bin for a
    burst (``extreme`` the highest). ``lost_slash24`` is baseline minus lowest visible
    IPv4 space (0 for bursts). ``affected_asns`` are the ASes with their own anomaly of
    the same signal overlapping the event (for an AS event, the AS itself).
    """

    scope: Literal["country", "asn"]
    key: str
    signal: Signal
    severity: Severity
    start: datetime
    end: datetime | None
    metric: str
    baseline: float
    extreme: float
    score: float
    lost_slash24: float
    lost_prefixes: float
    updates: int
    affected_asns: tuple[int, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (times ISO 8601 UTC)."""
        d = asdict(self)
        d["start"] = self.start.isoformat()
        d["end"] = self.end.isoformat() if self.end is not None else None
        d["affected_asns"] = list(self.affected_asns)
        return d


@dataclass(frozen=True)
class OutageReport:
    """The series and events of one run, with where they came from."""

    country: str
    series: OutageSeries
    events: tuple[OutageEvent, ...]
    sources: tuple[str, ...]
    config: DetectorConfig

    def events_frame(self) -> pd.DataFrame:
        """The events as a DataFrame (one row per event)."""
        return events_frame(self.events)

    def signals_seen(self) -> dict[str, bool]:
        """Which kinds of signal the country-level detector saw."""
        kinds = {e.signal for e in self.events if e.scope == "country"}
        return {s: s in kinds for s in ("visibility_drop", "update_burst", "withdrawal_burst")}


EVENT_COLUMNS = [
    "scope", "key", "signal", "severity", "start", "end", "metric", "baseline", "extreme",
    "score", "lost_slash24", "lost_prefixes", "updates", "affected_asns",
]


def events_frame(events: tuple[OutageEvent, ...] | list[OutageEvent]) -> pd.DataFrame:
    """Events as a DataFrame with :data:`EVENT_COLUMNS`."""
    return pd.DataFrame([asdict(e) for e in events], columns=EVENT_COLUMNS)
