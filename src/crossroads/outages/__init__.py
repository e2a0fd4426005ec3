"""Outage and shutdown detection from BGP: archives (MRT) and a live router feed (BMP).

Public API: :func:`outages_from_files` (MRT files to a report), :func:`series_from_table`,
:class:`SeriesBuilder`, :func:`detect`, the robust statistics :func:`rolling_baseline` and
:func:`robust_z`, and the result types. The BMP listener lives in
:mod:`crossroads.outages.bmp`. Methods: ``docs/methods/outages.md``.
"""

from crossroads.outages.archive import outages_from_files, read_routes, series_from_table
from crossroads.outages.detect import detect
from crossroads.outages.model import (
    Anchor,
    DetectorConfig,
    OutageEvent,
    OutageReport,
    OutageSeries,
    Severity,
    Signal,
    events_frame,
)
from crossroads.outages.robust import robust_z, rolling_baseline, rolling_mad
from crossroads.outages.series import SeriesBuilder

__all__ = [
    "Anchor",
    "DetectorConfig",
    "OutageEvent",
    "OutageReport",
    "OutageSeries",
    "SeriesBuilder",
    "Severity",
    "Signal",
    "detect",
    "events_frame",
    "outages_from_files",
    "read_routes",
    "robust_z",
    "rolling_baseline",
    "rolling_mad",
    "series_from_table",
]
