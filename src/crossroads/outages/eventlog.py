"""The ``outage_events`` table: events written as they are detected, one transaction each.

Kept in its own DuckDB file beside the store (``<data dir>/outage_events.duckdb``) so a
long-running ``crossroads watch`` never holds the store's write lock. An event's identity
is (scope, key, signal, start); a later write of the same event (it grew, or closed)
replaces the row inside the same transaction, so a reader sees the old or the new row,
never half of one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from crossroads.outages.model import OutageEvent

__all__ = ["EventLog", "event_id"]

_DDL = """
CREATE TABLE IF NOT EXISTS outage_events (
    id VARCHAR PRIMARY KEY,
    scope VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    signal VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    start TIMESTAMPTZ NOT NULL,
    "end" TIMESTAMPTZ,
    open BOOLEAN NOT NULL,
    metric VARCHAR NOT NULL,
    baseline DOUBLE,
    extreme DOUBLE,
    score DOUBLE,
    lost_slash24 DOUBLE,
    lost_prefixes DOUBLE,
    updates BIGINT,
    affected_asns BIGINT[],
    source VARCHAR,
    updated_at TIMESTAMPTZ NOT NULL
)"""


def event_id(e: OutageEvent) -> str:
    """The stable identity of an event."""
    return f"{e.scope}:{e.key}:{e.signal}:{e.start.isoformat()}"


class EventLog:
    """Append/replace outage events in a DuckDB file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(self.path)) as con:
            con.execute(_DDL)

    def write(self, events: Iterable[tuple[OutageEvent, bool]], *, source: str) -> int:
        """Write (event, still open) pairs in one transaction; returns the count."""
        rows = [
            (event_id(e), e.scope, e.key, e.signal, e.severity, e.start, e.end, is_open,
             e.metric, e.baseline, e.extreme, e.score, e.lost_slash24, e.lost_prefixes,
             e.updates, list(e.affected_asns), source, datetime.now(UTC))
            for e, is_open in events
        ]
        if not rows:
            return 0
        with duckdb.connect(str(self.path)) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                con.executemany(
                    "INSERT OR REPLACE INTO outage_events VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return len(rows)

    def read(self) -> pd.DataFrame:
        """Every stored event, oldest first."""
        with duckdb.connect(str(self.path)) as con:
            return con.execute("SELECT * FROM outage_events ORDER BY start, id").df()
