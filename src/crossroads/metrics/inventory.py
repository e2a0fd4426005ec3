"""The country inventory and the one-AS summary behind ``crossroads profile`` and ``as``.

Definitions (``docs/methods/inventory.md``):

- an AS *belongs to* country C in one of three meanings (``country_by``): it operates in
  C (``as_info.op_cc = C``, the default), is registered in C (``reg_cc``: RIR file, else
  the registration country of the space it originates) or is owned from C (``own_cc``);
- *allocated* IPv4/IPv6 space of C: the RIR delegated-extended records with ``cc = C`` and
  status ``allocated`` or ``assigned`` (IPv4: the record's address count; IPv6: a /n
  prefix counts 2^(48−n) /48 blocks);
- *originated* space of C: the ip-location-db origin ranges whose origin AS belongs to C
  (IPv4 in addresses, IPv6 in /48 blocks);
- *geolocated* space of C: the geo-whois ranges placed in C.

Each origin AS's *share* is its originated IPv4 addresses divided by the country's
originated IPv4 addresses. Every figure carries the datasets (and so data dates and
sources) it was computed from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from crossroads._countries import country_name
from crossroads.errors import DatasetMissingError, UnknownASNError
from crossroads.ids import country_code, no_as_in, parse_asn
from crossroads.provenance import Provenance
from crossroads.snapshots.astable import CountryBy, meaning_column
from crossroads.store import DatasetRecord, Store

__all__ = [
    "ASSummary",
    "CountryProfile",
    "Neighbor",
    "Origin",
    "as_summary",
    "country_profile",
]

_INVENTORY_KINDS = ("rir", "asn-ranges", "country-ranges", "geo-ranges")
_ALLOCATED = "status IN ('allocated', 'assigned')"


@dataclass(frozen=True)
class Origin:
    """One AS originating a country's IPv4 space."""

    asn: int
    name: str | None
    ipv4_addresses: int
    ipv4_share: float
    ipv6_slash48s: float


@dataclass(frozen=True)
class CountryProfile:
    """The inventory of one country; units in the field names (addresses, /48 blocks)."""

    country: str
    country_name: str
    asns: int
    asns_by_rule: dict[str, int]
    ipv4_allocated: int
    ipv4_originated: int
    ipv4_geolocated: int
    ipv6_allocated_slash48s: float
    ipv6_originated_slash48s: float
    ipv6_geolocated_slash48s: float
    top_origins: tuple[Origin, ...]
    datasets: tuple[Provenance, ...]
    country_by: CountryBy = "operation"

    def sources(self, *kinds: str) -> list[str]:
        """Names of the datasets of ``kinds`` this profile used."""
        return [d.dataset for d in self.datasets if d.kind in kinds]

    def as_dict(self) -> dict[str, Any]:
        """The ``profile --json`` shape: every figure with its unit and datasets."""
        originated = self.sources("asn-ranges", "rir", "country-ranges")
        return {
            "country": self.country,
            "country_name": self.country_name,
            "asns": self.asns,
            "asns_by_rule": self.asns_by_rule,
            "asns_unit": f"ASes of the country (by {self.country_by})",
            "country_by": self.country_by,
            "asns_sources": originated,
            "ipv4_addresses": {
                "unit": "IPv4 addresses",
                "allocated": self.ipv4_allocated,
                "originated": self.ipv4_originated,
                "geolocated": self.ipv4_geolocated,
                "allocated_sources": self.sources("rir"),
                "originated_sources": originated,
                "geolocated_sources": self.sources("geo-ranges"),
            },
            "ipv6_slash48s": {
                "unit": "IPv6 /48 blocks",
                "allocated": self.ipv6_allocated_slash48s,
                "originated": self.ipv6_originated_slash48s,
                "geolocated": self.ipv6_geolocated_slash48s,
                "allocated_sources": self.sources("rir"),
                "originated_sources": originated,
                "geolocated_sources": self.sources("geo-ranges"),
            },
            "top_origins": [
                {
                    "asn": o.asn,
                    "name": o.name,
                    "ipv4_addresses": o.ipv4_addresses,
                    "ipv4_share": o.ipv4_share,
                    "ipv6_slash48s": o.ipv6_slash48s,
                }
                for o in self.top_origins
            ],
            "top_origins_unit": "ipv4_share: fraction of the country's originated IPv4 addresses",
            "datasets": [d.as_dict() for d in self.datasets],
        }


@dataclass(frozen=True)
class Neighbor:
    """An AS adjacent to the summarised one."""

    asn: int
    name: str | None
    reg_cc: str | None


@dataclass(frozen=True)
class ASSummary:
    """One AS: attributes from ``as_info``, neighbours from one AS-relationship snapshot."""

    asn: int
    name: str | None
    reg_cc: str | None
    reg_rule: str | None
    registry: str | None
    reg_date: date | None
    geo_cc: str | None
    ipv4_addresses: int
    ipv6_slash48s: float
    providers: tuple[Neighbor, ...]
    customers: tuple[Neighbor, ...]
    peers: tuple[Neighbor, ...]
    as_rel: Provenance
    datasets: tuple[Provenance, ...]
    meanings: dict[str, Any] | None = None  # op_cc, op_rule, op_share, own_cc, own_rule, owner

    def as_dict(self) -> dict[str, Any]:
        """The ``as --json`` shape."""

        def group(ns: tuple[Neighbor, ...]) -> dict[str, Any]:
            return {"count": len(ns), "asns": [n.__dict__ for n in ns]}

        return {
            "asn": self.asn,
            "name": self.name,
            "reg_cc": self.reg_cc,
            "reg_rule": self.reg_rule,
            "registry": self.registry,
            "reg_date": self.reg_date.isoformat() if self.reg_date else None,
            "geo_cc": self.geo_cc,
            **(self.meanings or {}),
            "ipv4_addresses": self.ipv4_addresses,
            "ipv6_slash48s": self.ipv6_slash48s,
            "units": {"ipv4_addresses": "IPv4 addresses", "ipv6_slash48s": "IPv6 /48 blocks"},
            "providers": group(self.providers),
            "customers": group(self.customers),
            "peers": group(self.peers),
            "as_rel": self.as_rel.as_dict(),
            "datasets": [d.as_dict() for d in self.datasets],
        }


def country_profile(
    store: Store, country: str, *, top: int = 10, country_by: CountryBy = "operation"
) -> CountryProfile:
    """The inventory of ``country`` (ISO 3166-1 alpha-2) from the current datasets, its
    ASes those that belong to it in the meaning ``country_by``."""
    cc = country_code(country)
    col = meaning_column(country_by)
    rule = {"reg_cc": "reg_rule", "op_cc": "op_rule", "own_cc": "own_rule"}[col]
    extra = {"operation": ("peeringdb",), "ownership": ("state-owned", "as-org")}
    used = (*(d for kind in _INVENTORY_KINDS for d in store.current(kind)),
            *(d for kind in dict.fromkeys(("as-org", *extra.get(country_by, ())))
              for d in _maybe_current(store, kind)))  # as-org: the names; the meaning's
    with store.connection() as con:
        by_rule = dict(
            _rows(con, f"SELECT {rule}, count(*) FROM as_info WHERE {col} = ? GROUP BY 1", [cc])
        )
        if not by_rule:
            raise no_as_in(cc)
        v4_orig, v6_orig = _one(
            con,
            "SELECT coalesce(sum(ipv4_addresses), 0), coalesce(sum(ipv6_slash48s), 0) "
            f"FROM as_info WHERE {col} = ?",
            [cc],
        )
        v4_alloc, v6_alloc = _one(
            con,
            "SELECT coalesce(sum(value) FILTER (WHERE type = 'ipv4'), 0), "
            "coalesce(sum(pow(2, 48 - value)) FILTER (WHERE type = 'ipv6'), 0) "
            f"FROM rir_delegations WHERE cc = ? AND {_ALLOCATED} "
            "AND dataset IN (SELECT unnest(?::VARCHAR[]))",
            [cc, _names(used, "rir")],
        )
        geo = dict(
            _rows(
                con,
                "SELECT family, sum(addresses) FROM country_ranges WHERE kind = 'geo' "
                "AND cc = ? AND dataset IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1",
                [cc, _names(used, "geo-ranges")],
            )
        )
        top_rows = _rows(
            con,
            f"SELECT asn, name, ipv4_addresses, ipv6_slash48s FROM as_info WHERE {col} = ? "
            "ORDER BY ipv4_addresses DESC, asn LIMIT ?",
            [cc, top],
        )
    origins = tuple(
        Origin(int(a), n, int(v4), int(v4) / v4_orig if v4_orig else 0.0, float(v6))
        for a, n, v4, v6 in top_rows
    )
    return CountryProfile(
        country=cc,
        country_name=country_name(cc),
        asns=sum(by_rule.values()),
        asns_by_rule={str(k): int(v) for k, v in by_rule.items()},
        ipv4_allocated=int(v4_alloc),
        ipv4_originated=int(v4_orig),
        ipv4_geolocated=int(geo.get(4, 0)),
        ipv6_allocated_slash48s=float(v6_alloc),
        ipv6_originated_slash48s=float(v6_orig),
        ipv6_geolocated_slash48s=float(geo.get(6, 0.0)),
        top_origins=origins,
        datasets=_provenance(store, used),
        country_by=country_by,
    )


def as_summary(
    store: Store,
    asn: int | str,
    *,
    as_rel: str | None = None,
    on: date | None = None,
) -> ASSummary:
    """One AS: ``as_info`` attributes and its providers, customers and peers in the
    AS-relationship snapshot ``as_rel`` (else the one in force on ``on``: the latest on or
    before it; else the newest)."""
    number = parse_asn(asn)
    snapshot = store.as_rel_dataset(as_rel, on=on)
    used = tuple(d for kind in (*_INVENTORY_KINDS, "as-org", "state-owned", "peeringdb")
                 for d in _maybe_current(store, kind))
    with store.connection() as con:
        info = con.execute(
            "SELECT name, reg_cc, reg_rule, registry, reg_date, geo_cc, ipv4_addresses, "
            "ipv6_slash48s FROM as_info WHERE asn = ?",
            [number],
        ).fetchone()
        extra = con.execute(f"SELECT {', '.join(_MEANINGS)} FROM as_info WHERE asn = ?",
                            [number]).fetchone()
        roles = _rows(con, _NEIGHBOURS, [snapshot.name, number, number, number, number])
    if info is None and not roles:
        raise UnknownASNError(
            f"AS{number} is in neither the AS table nor the {snapshot.name} snapshot",
            hint="check the number, or run `crossroads fetch` for newer data",
        )
    name, reg_cc, rule, registry, reg_date, geo_cc, v4, v6 = info or (None,) * 6 + (0, 0.0)
    by_role: dict[str, list[Neighbor]] = {"provider": [], "customer": [], "peer": []}
    for role, n_asn, n_name, n_cc in roles:
        by_role[role].append(Neighbor(int(n_asn), n_name, n_cc))
    return ASSummary(
        asn=number,
        name=name,
        reg_cc=reg_cc,
        reg_rule=rule,
        registry=registry,
        reg_date=reg_date,
        geo_cc=geo_cc,
        ipv4_addresses=int(v4),
        ipv6_slash48s=float(v6),
        providers=tuple(by_role["provider"]),
        customers=tuple(by_role["customer"]),
        peers=tuple(by_role["peer"]),
        as_rel=snapshot.provenance(str(store.settings.database)),
        datasets=_provenance(store, (snapshot, *used)),
        meanings=dict(zip(_MEANINGS, extra, strict=True)) if extra else None,
    )


_MEANINGS = ("op_cc", "op_rule", "op_share", "own_cc", "own_rule", "owner")


_NEIGHBOURS = """
WITH l AS (SELECT as1, as2, rel FROM as_links WHERE dataset = ?),
n AS (
    SELECT 'provider' AS role, as1 AS asn FROM l WHERE as2 = ? AND rel = -1
    UNION ALL SELECT 'customer', as2 FROM l WHERE as1 = ? AND rel = -1
    UNION ALL SELECT 'peer', as2 FROM l WHERE as1 = ? AND rel = 0
    UNION ALL SELECT 'peer', as1 FROM l WHERE as2 = ? AND rel = 0
)
SELECT DISTINCT n.role, n.asn, i.name, i.reg_cc FROM n LEFT JOIN as_info i USING (asn)
ORDER BY n.role, n.asn
"""


def _names(used: tuple[DatasetRecord, ...], *kinds: str) -> list[str]:
    return [d.name for d in used if d.kind in kinds]


def _provenance(store: Store, records: tuple[DatasetRecord, ...]) -> tuple[Provenance, ...]:
    return tuple(r.provenance(str(store.settings.database)) for r in records)


def _maybe_current(store: Store, kind: str) -> list[DatasetRecord]:
    try:
        return store.current(kind)
    except DatasetMissingError:
        return []


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    return con.execute(sql, params).fetchall()


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> tuple[Any, ...]:
    row = con.execute(sql, params).fetchone()
    assert row is not None  # aggregate queries always return one row
    return row
