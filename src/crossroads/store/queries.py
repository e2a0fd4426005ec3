"""Reading the store: what later stages (routing, metrics, web) ask of it.

:class:`Store` is a read-only handle; every method opens a short-lived read-only DuckDB
connection, so many readers can run beside each other. "Current" data of a kind means, per
part (each RIR, each family of a range table, the one AS graph), the loaded dataset in
force on the date asked (``on``: the latest dated on or before it) or the newest
(:mod:`crossroads.store._current`). RIB dumps: :meth:`Store.ribs`,
:meth:`Store.rib_routes`, :meth:`Store.rib_vantage_points` (:mod:`crossroads.store.ribs`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crossroads.config import Settings
from crossroads.errors import CrossroadsError, DatasetMissingError
from crossroads.provenance import Provenance
from crossroads.sources.catalog import date_mix_notes, in_force_on
from crossroads.sources.mrt.paths import FullFeedThresholds
from crossroads.store._asinfo import as_info_is_current
from crossroads.store._current import current_names
from crossroads.store._db import connect, ensure_schema
from crossroads.store._results import Cached, cached
from crossroads.store.ribs import (
    ROUTE_COLUMNS,
    RibRecord,
    rib_routes,
    rib_vantage_points,
    stored_ribs,
)

__all__ = ["DatasetRecord", "PeeringDBTable", "Store", "open_store"]

T = TypeVar("T")

PeeringDBTable = Literal["ix", "ixpfx", "netixlan", "fac", "netfac"]

_DATASET_COLS = "name, kind, source, data_date, sha256, retrieved_at, rows, loaded_at"


@dataclass(frozen=True)
class DatasetRecord:
    """Provenance of one loaded dataset."""

    name: str
    kind: str
    source: str
    data_date: date
    sha256: str
    retrieved_at: datetime
    rows: int
    loaded_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO strings)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "source": self.source,
            "data_date": self.data_date.isoformat(),
            "sha256": self.sha256,
            "retrieved_at": self.retrieved_at.isoformat(timespec="seconds"),
            "rows": self.rows,
        }

    def provenance(self, path: str = "") -> Provenance:
        """The same record in the shape every result carries (:class:`Provenance`);
        ``path`` is where the data was read (the store's database)."""
        return Provenance(dataset=self.name, source=self.source, data_date=self.data_date,
                          sha256=self.sha256, retrieved_at=self.retrieved_at, path=path,
                          kind=self.kind)


@dataclass(frozen=True)
class Store:
    """Read access to the store of ``settings.data_dir``."""

    settings: Settings

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One read-only connection for several queries in a row (closed on exit); the
        derived ``as_info`` is checked to match the loaded datasets."""
        with connect(self.settings) as con:
            _check_as_info(con, self.settings)
            yield con

    def query(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        """Run a read-only SQL query and return its rows as Arrow."""
        with connect(self.settings) as con:
            return con.sql(sql, params=params).to_arrow_table()

    def frame(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run a read-only SQL query and return its rows as a DataFrame."""
        with connect(self.settings) as con:
            frame: pd.DataFrame = con.sql(sql, params=params).df()
            return frame

    def cached(self, key_parts: object, compute: Callable[[], T]) -> Cached[T]:
        """``compute()``, or the value an earlier process saved in the store's results
        directory under the same key and code version (:mod:`crossroads.store._results`);
        callers put the SHA-256 of the datasets they read in ``key_parts``."""
        return cached(self.settings.data_dir / "results", key_parts, compute)

    def datasets(self, kind: str | None = None) -> list[DatasetRecord]:
        """Every loaded dataset (of ``kind``), by kind then data date. The list is read
        once per state of the database files: kept while neither the file nor its
        write-ahead log changed (size, mtime in ns, inode), re-read after any write."""
        path = self.settings.database
        stamp = _file_stamp(path)
        kept = _DATASETS.get(path)
        if stamp is not None and kept is not None and kept[0] == stamp:
            records = kept[1]
        else:
            with connect(self.settings) as con:
                rows = con.execute(
                    f"SELECT {_DATASET_COLS} FROM datasets ORDER BY kind, data_date, name"
                ).fetchall()
            records = [_record(r) for r in rows]
            if stamp is not None and stamp == _file_stamp(path):
                _DATASETS[path] = (stamp, records)
        return [r for r in records if kind is None or r.kind == kind]

    def dataset(self, name: str) -> DatasetRecord:
        """The loaded dataset called ``name``."""
        for rec in self.datasets():
            if rec.name == name:
                return rec
        raise DatasetMissingError(
            f"dataset {name!r} is not loaded", hint=f"run `crossroads fetch {name}`"
        )

    def current(self, kind: str, *, on: date | None = None) -> list[DatasetRecord]:
        """The datasets of ``kind`` an analysis on ``on`` reads: per part the one in force
        (the newest without ``on``), by name."""
        recs = self.datasets(kind)
        if not recs:
            raise DatasetMissingError(
                f"no {kind} dataset is loaded in {self.settings.data_dir}",
                hint="run `crossroads fetch` (with --mirror DIR when offline)",
            )
        names = set(current_names(((r.name, r.kind, r.data_date) for r in recs), kind, on))
        if not names:
            oldest = min(recs, key=lambda r: r.data_date)
            raise DatasetMissingError(
                f"no {kind} dataset loaded is dated on or before {on}; the oldest is "
                f"{oldest.name} ({oldest.data_date.isoformat()})",
                hint=f"use --date {oldest.data_date.isoformat()} or later")
        return [r for r in recs if r.name in names]

    def inputs(self, kinds: list[str], *, on: date | None = None) -> list[DatasetRecord]:
        """The datasets of every loaded kind of ``kinds`` in force on ``on``: the
        provenance of a result's inputs (kinds not loaded are left out)."""
        loaded = {r.kind for r in self.datasets()}
        return [r for k in kinds if k in loaded for r in self.current(k, on=on)]

    def date_notes(self, kinds: list[str], *, on: date | None = None,
                   max_gap_days: int = 365) -> list[str]:
        """Notes when the inputs of ``kinds`` in force on ``on`` lie far apart in time
        (:func:`crossroads.sources.catalog.date_mix_notes`), e.g. "AS→country (RIR
        delegations) of 2018-10-13 with the AS graph … of 2025-09-01: 6.9 years apart"."""
        return date_mix_notes(self.inputs(kinds, on=on), max_gap_days=max_gap_days)

    def ribs(self, *, on: date | datetime | None = None,
             collectors: list[str] | None = None) -> list[RibRecord]:
        """Per collector, the stored RIB in force on ``on`` (the dump at or before 00:00
        UTC of a date; the newest without it): :func:`crossroads.store.ribs.stored_ribs`."""
        return stored_ribs(self.settings, on=on, collectors=collectors)

    def rib_routes(self, *, on: date | datetime | None = None,
                   collectors: list[str] | None = None,
                   columns: tuple[str, ...] = ROUTE_COLUMNS) -> pa.Table:
        """The routes of :meth:`ribs` (``timestamp, collector, peer_asn, prefix,
        as_path`` by default): the observed AS paths ``dependency --observed`` and
        ``fidelity`` read. Empty when no RIB is stored."""
        return rib_routes(self.ribs(on=on, collectors=collectors), columns=columns)

    def rib_vantage_points(self, *, on: date | datetime | None = None,
                           collectors: list[str] | None = None,
                           thresholds: FullFeedThresholds | None = None) -> list[int]:
        """ASNs of the full-feed peers of :meth:`ribs` (hegemony's vantage points)."""
        return rib_vantage_points(self.ribs(on=on, collectors=collectors),
                                  thresholds=thresholds)

    def provenance(self, *kinds: str) -> tuple[Provenance, ...]:
        """Provenance of the current datasets of each of ``kinds``, in that order; a kind
        that is not loaded is left out (the caller says what it needs)."""
        out: list[Provenance] = []
        for kind in kinds:
            try:
                out.extend(r.provenance(str(self.settings.database)) for r in self.current(kind))
            except DatasetMissingError:
                continue
        return tuple(out)

    def as_rel_dataset(self, name: str | None = None, *, on: date | None = None) -> DatasetRecord:
        """An AS-relationship snapshot: ``name``, else the loaded one in force on ``on``
        (the latest dated on or before it, :func:`crossroads.sources.catalog.in_force_on`),
        else the newest loaded."""
        if name is not None:
            rec = self.dataset(name)
            if rec.kind != "as-rel":
                raise DatasetMissingError(f"dataset {name!r} is {rec.kind}, not as-rel")
            return rec
        recs = self.datasets("as-rel")
        if not recs:
            self.current("as-rel")  # raises the "not loaded" error
        return in_force_on(recs, on, what="loaded AS-relationship snapshot")

    def links(self, dataset: str | None = None, *, on: date | None = None) -> pa.Table:
        """AS links ``as1, as2, rel, source`` of one snapshot (see :meth:`as_rel_dataset`);
        ``rel`` −1: as1 is a provider of as2, 0: peers."""
        rec = self.as_rel_dataset(dataset, on=on)
        return self.query(
            "SELECT as1, as2, rel, source FROM as_links WHERE dataset = ?", [rec.name]
        )

    def as_info(self) -> pd.DataFrame:
        """The derived AS table (see :mod:`crossroads.store._asinfo`), one row per AS;
        refused when it was built from other datasets than those loaded."""
        with self.connection() as con:
            info: pd.DataFrame = con.sql("SELECT * FROM as_info ORDER BY asn").df()
            return info

    def ip_ranges(self, family: int | None = None, *, on: date | None = None) -> pa.Table:
        """Current origin ranges: ``family, start_ip, end_ip, start_num, end_num, asn, org,
        addresses`` (IPv4 addresses, or IPv6 /48 blocks)."""
        return self._ranges("ip_ranges", "asn-ranges", family, on=on)

    def country_ranges(
        self, kind: Literal["registration", "geo"] = "registration", family: int | None = None,
        *, on: date | None = None,
    ) -> pa.Table:
        """Current AS-country (``registration``) or geolocation (``geo``) ranges."""
        kinds = {"registration": "country-ranges", "geo": "geo-ranges"}
        if kind not in kinds:
            raise ValueError(f"kind is 'registration' or 'geo', not {kind!r}")
        return self._ranges("country_ranges", kinds[kind], family, "AND kind = ?", [kind],
                            on=on)

    def rir_delegations(self, *, on: date | None = None) -> pa.Table:
        """Current RIR delegated-extended rows (all registries)."""
        return self._current_rows("rir_delegations", "rir", on=on)

    def collector_peers(self, *, on: date | None = None) -> pa.Table:
        """Route-collector peers of the current RIS and RouteViews lists."""
        return self._current_rows("collector_peers", "ris-peers", "routeviews-peers", on=on)

    def ixps(self, *, on: date | None = None) -> pa.Table:
        """IXPs of the current CAIDA IXP list."""
        return self._current_rows("ixps", "ixp", on=on)

    def as_orgs(self, *, on: date | None = None) -> pa.Table:
        """The current CAIDA AS-organisation rows: ``asn, as_name, org_id, org_name,
        country, source`` (``source``: the registry the WHOIS record came from)."""
        return self._current_rows("as_orgs", "as-org", on=on)

    def pfx2as(self, family: int | None = None, *, on: date | None = None) -> pa.Table:
        """The current CAIDA RouteViews prefix-to-AS rows (both families unless
        ``family``): ``prefix, family, length, origin_asns, is_moas, is_as_set``."""
        table = self._current_rows("pfx2as", "pfx2as", on=on)
        if family is None:
            return table
        return table.filter(pc.equal(table.column("family"), family))

    def peeringdb(self, table: PeeringDBTable, *, on: date | None = None) -> pa.Table:
        """One table of the current PeeringDB dump: ``ix`` (exchanges), ``ixpfx`` (their
        peering-LAN prefixes), ``netixlan`` (networks' ports on them), ``fac``
        (facilities) or ``netfac`` (networks' presences at facilities)."""
        return self._current_rows(f"pdb_{table}", "peeringdb", on=on)

    def state_owned(self) -> pa.Table:
        """ASes of state-owned operators (current ``state-owned`` datasets): ``asn,
        conglomerate, org_name, ownership`` (``majority``/``minority``)``,
        ownership_percentage, ownership_cc, target_cc, source, url``."""
        return self._current_rows("state_owned_ases", "state-owned")

    def _current_rows(self, table: str, *kinds: str, on: date | None = None) -> pa.Table:
        """Rows of ``table`` from the current dataset(s) of each of ``kinds``."""
        names = [r.name for k in kinds for r in self.current(k, on=on)]
        return self.query(
            f"SELECT * EXCLUDE (dataset) FROM {table} WHERE dataset IN "
            "(SELECT unnest(?::VARCHAR[]))",
            [names],
        )

    def _ranges(self, table: str, kind: str, family: int | None, extra: str = "",
                extra_params: list[Any] | None = None, *, on: date | None = None) -> pa.Table:
        names = [r.name for r in self.current(kind, on=on)]
        fam = "AND family = ?" if family is not None else ""
        params: list[Any] = [names, *([family] if family is not None else []),
                             *(extra_params or [])]
        return self.query(
            f"SELECT * EXCLUDE (dataset) FROM {table} "
            f"WHERE dataset IN (SELECT unnest(?::VARCHAR[])) {fam} {extra} "
            "ORDER BY family, start_num",
            params,
        )


def open_store(settings: Settings, *, read_only: bool = True) -> Store:
    """A :class:`Store` for ``settings``; read-only requires data to have been fetched,
    otherwise the (empty) schema is created."""
    if read_only:
        with connect(settings):
            pass
    else:
        with connect(settings, read_only=False) as con:
            ensure_schema(con)
    return Store(settings)


_DATASETS: dict[Path, tuple[tuple[tuple[int, int, int], ...], list[DatasetRecord]]] = {}


def _file_stamp(path: Path) -> tuple[tuple[int, int, int], ...] | None:
    """(size, mtime ns, inode) of the database file and of its WAL (when present)."""
    out = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st = p.stat()
        except OSError:
            if p == path:
                return None
            continue
        out.append((st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


def _check_as_info(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    if not as_info_is_current(con):
        raise CrossroadsError(
            f"the AS table (as_info) in {settings.data_dir} was built from other datasets "
            "than those loaded (a fetch was interrupted before rebuilding it)",
            hint="run `crossroads fetch` again: it rebuilds the table and loads nothing twice",
        )


def _record(row: tuple[Any, ...]) -> DatasetRecord:
    name, kind, source, data_date, sha, retrieved, rows, loaded = row
    return DatasetRecord(
        name, kind, source, data_date, sha, _utc(retrieved), int(rows), _utc(loaded)
    )


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when
