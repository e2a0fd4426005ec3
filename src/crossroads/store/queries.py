"""Reading the store: what later stages (routing, metrics, web) ask of it.

:class:`Store` is a read-only handle; every method opens a short-lived read-only DuckDB
connection, so many readers can run beside each other. "Current" data of a kind means the
loaded dataset(s) of that kind with the newest data date (all five RIR files of one day,
both families of one ip-location-db release).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crossroads.config import Settings
from crossroads.errors import DatasetMissingError
from crossroads.provenance import Provenance
from crossroads.sources.catalog import in_force_on
from crossroads.store._db import connect, ensure_schema

__all__ = ["DatasetRecord", "PeeringDBTable", "Store", "open_store"]

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
        """One read-only connection for several queries in a row (closed on exit)."""
        with connect(self.settings) as con:
            yield con

    def query(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        """Run a read-only SQL query and return its rows as Arrow."""
        with connect(self.settings) as con:
            return con.sql(sql, params=params).to_arrow_table()

    def frame(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run a read-only SQL query and return its rows as a DataFrame."""
        with connect(self.settings) as con:
            return con.sql(sql, params=params).df()

    def datasets(self, kind: str | None = None) -> list[DatasetRecord]:
        """Every loaded dataset (of ``kind``), by kind then data date."""
        where, params = ("WHERE kind = ?", [kind]) if kind else ("", [])
        with connect(self.settings) as con:
            rows = con.execute(
                f"SELECT {_DATASET_COLS} FROM datasets {where} ORDER BY kind, data_date, name",
                params,
            ).fetchall()
        return [_record(r) for r in rows]

    def dataset(self, name: str) -> DatasetRecord:
        """The loaded dataset called ``name``."""
        for rec in self.datasets():
            if rec.name == name:
                return rec
        raise DatasetMissingError(
            f"dataset {name!r} is not loaded", hint=f"run `crossroads fetch {name}`"
        )

    def current(self, kind: str) -> list[DatasetRecord]:
        """The loaded datasets of ``kind`` with the newest data date."""
        recs = self.datasets(kind)
        if not recs:
            raise DatasetMissingError(
                f"no {kind} dataset is loaded in {self.settings.data_dir}",
                hint="run `crossroads fetch` (with --mirror DIR when offline)",
            )
        newest = max(r.data_date for r in recs)
        return [r for r in recs if r.data_date == newest]

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
        """The derived AS table (see :mod:`crossroads.store._asinfo`), one row per AS."""
        return self.frame("SELECT * FROM as_info ORDER BY asn")

    def ip_ranges(self, family: int | None = None) -> pa.Table:
        """Current origin ranges: ``family, start_ip, end_ip, start_num, end_num, asn, org,
        addresses`` (IPv4 addresses, or IPv6 /48 blocks)."""
        return self._ranges("ip_ranges", "asn-ranges", family, "")

    def country_ranges(self, kind: str = "registration", family: int | None = None) -> pa.Table:
        """Current AS-country (``registration``) or geolocation (``geo``) ranges."""
        dataset_kind = "country-ranges" if kind == "registration" else "geo-ranges"
        return self._ranges("country_ranges", dataset_kind, family, f"AND kind = '{kind}'")

    def rir_delegations(self) -> pa.Table:
        """Current RIR delegated-extended rows (all registries)."""
        return self._current_rows("rir_delegations", "rir")

    def collector_peers(self) -> pa.Table:
        """Route-collector peers of the current RIS and RouteViews lists."""
        return self._current_rows("collector_peers", "ris-peers", "routeviews-peers")

    def ixps(self) -> pa.Table:
        """IXPs of the current CAIDA IXP list."""
        return self._current_rows("ixps", "ixp")

    def as_orgs(self) -> pa.Table:
        """The current CAIDA AS-organisation rows: ``asn, as_name, org_id, org_name,
        country, source`` (``source``: the registry the WHOIS record came from)."""
        return self._current_rows("as_orgs", "as-org")

    def pfx2as(self, family: int | None = None) -> pa.Table:
        """The current CAIDA RouteViews prefix-to-AS rows (both families unless
        ``family``): ``prefix, family, length, origin_asns, is_moas, is_as_set``."""
        table = self._current_rows("pfx2as", "pfx2as")
        if family is None:
            return table
        return table.filter(pc.equal(table.column("family"), family))

    def peeringdb(self, table: PeeringDBTable) -> pa.Table:
        """One table of the current PeeringDB dump: ``ix`` (exchanges), ``ixpfx`` (their
        peering-LAN prefixes), ``netixlan`` (networks' ports on them), ``fac``
        (facilities) or ``netfac`` (networks' presences at facilities)."""
        return self._current_rows(f"pdb_{table}", "peeringdb")

    def state_owned(self) -> pa.Table:
        """ASes of state-owned operators (current ``state-owned`` datasets): ``asn,
        conglomerate, org_name, ownership`` (``majority``/``minority``)``,
        ownership_percentage, ownership_cc, target_cc, source, url``."""
        return self._current_rows("state_owned_ases", "state-owned")

    def _current_rows(self, table: str, *kinds: str) -> pa.Table:
        """Rows of ``table`` from the current dataset(s) of each of ``kinds``."""
        names = [r.name for k in kinds for r in self.current(k)]
        return self.query(
            f"SELECT * EXCLUDE (dataset) FROM {table} WHERE dataset IN "
            "(SELECT unnest(?::VARCHAR[]))",
            [names],
        )

    def _ranges(self, table: str, kind: str, family: int | None, extra: str) -> pa.Table:
        names = [r.name for r in self.current(kind)]
        fam = "AND family = ?" if family is not None else ""
        params: list[Any] = [names, *([family] if family is not None else [])]
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


def _record(row: tuple[Any, ...]) -> DatasetRecord:
    name, kind, source, data_date, sha, retrieved, rows, loaded = row
    return DatasetRecord(
        name, kind, source, data_date, sha, _utc(retrieved), int(rows), _utc(loaded)
    )


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when
