"""crossroads.snapshots: one loaded view of the Internet at a date.

:func:`snapshot` reads the store once and returns a frozen :class:`Snapshot` (AS graph,
the AS table aligned with it, vantage points, provenance); every computing function of the
layers above takes one. :class:`ASTable` is the one per-AS table (country, IPv4 space,
name). See ``docs/architecture.md``.
"""

from crossroads.snapshots.astable import COUNTRY_COLUMNS, UNKNOWN, ASTable, CountryBy
from crossroads.snapshots.calibrated import calibrated_snapshot
from crossroads.snapshots.load import full_feed_asns, merged_info, snapshot
from crossroads.snapshots.model import Snapshot

__all__ = [
    "ASTable",
    "COUNTRY_COLUMNS",
    "CountryBy",
    "Snapshot",
    "UNKNOWN",
    "calibrated_snapshot",
    "full_feed_asns",
    "merged_info",
    "snapshot",
]
