"""The store's tables: one declaration gives both the Parquet (Arrow) and DuckDB types.

Every data table carries a ``dataset`` column naming the catalogue entry its rows came
from, so one dataset's rows can be replaced in a single transaction and several snapshots
of the same kind (e.g. CAIDA as-rel 2002 … 2025) live side by side. ``datasets`` holds the
provenance of each loaded file; ``as_info`` is derived from the others (see
:mod:`crossroads.store._asinfo`); ``derived`` remembers which inputs each derived table
was built from.

``pdb_*`` tables hold a PeeringDB dump (exchanges, their peering-LAN prefixes, networks'
ports on them, facilities and networks' presences at them); ``state_owned_ases`` the
ASes of state-owned operators (Carisimo et al., IMC 2021); ``pfx2as`` the CAIDA
RouteViews prefix-to-AS rows; ``as_orgs`` the CAIDA AS-organisation rows.

IP-range columns are ``start_ip``/``end_ip`` (``end`` is an SQL keyword); ``start_num`` /
``end_num`` are the IPv4 address as an integer, or the top 64 bits of an IPv6 address.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

__all__ = ["DATA_TABLES", "DDL", "Column", "TableSpec", "arrow_schema"]


@dataclass(frozen=True)
class Column:
    """One column: its name, Arrow type and DuckDB type."""

    name: str
    arrow: pa.DataType
    sql: str


@dataclass(frozen=True)
class TableSpec:
    """A data table fed by readers; ``columns`` excludes the leading ``dataset`` column."""

    name: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        """All column names, ``dataset`` first."""
        return ["dataset", *(c.name for c in self.columns)]


def _c(name: str, arrow: pa.DataType, sql: str) -> Column:
    return Column(name, arrow, sql)


_STR = (pa.string(), "VARCHAR")
_U32 = (pa.uint32(), "UINTEGER")
_U64 = (pa.uint64(), "UBIGINT")
_I8 = (pa.int8(), "TINYINT")
_U8 = (pa.uint8(), "UTINYINT")
_I64 = (pa.int64(), "BIGINT")
_F64 = (pa.float64(), "DOUBLE")
_DATE = (pa.date32(), "DATE")
_STRS = (pa.list_(pa.string()), "VARCHAR[]")
_U32S = (pa.list_(pa.uint32()), "UINTEGER[]")
_BOOL = (pa.bool_(), "BOOLEAN")

_RANGE = (
    _c("family", *_I8),
    _c("start_ip", *_STR),
    _c("end_ip", *_STR),
    _c("start_num", *_U64),
    _c("end_num", *_U64),
)

DATA_TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec(
            "as_links",
            (_c("as1", *_U32), _c("as2", *_U32), _c("rel", *_I8), _c("source", *_STR)),
        ),
        TableSpec(
            "ip_ranges",
            (*_RANGE, _c("asn", *_U32), _c("org", *_STR), _c("addresses", *_F64)),
        ),
        TableSpec(
            "country_ranges",
            (_c("kind", *_STR), *_RANGE, _c("cc", *_STR), _c("addresses", *_F64)),
        ),
        TableSpec(
            "rir_delegations",
            (
                _c("registry", *_STR),
                _c("cc", *_STR),
                _c("type", *_STR),
                _c("start", *_STR),
                _c("value", *_I64),
                _c("date", *_DATE),
                _c("status", *_STR),
                _c("opaque_id", *_STR),
            ),
        ),
        TableSpec(
            "rir_asns",
            (
                _c("asn", *_U32),
                _c("cc", *_STR),
                _c("registry", *_STR),
                _c("date", *_DATE),
                _c("status", *_STR),
                _c("opaque_id", *_STR),
            ),
        ),
        TableSpec(
            "ixps",
            (
                _c("ix_id", *_I64),
                _c("name", *_STR),
                _c("country", *_STR),
                _c("countries", *_STRS),
                _c("region", *_STR),
                _c("city", *_STR),
                _c("prefixes_v4", *_STRS),
                _c("prefixes_v6", *_STRS),
                _c("pdb_id", *_I64),
                _c("pch_id", *_I64),
                _c("sources", *_STRS),
                _c("alternatenames", *_STRS),
                _c("url", *_STR),
            ),
        ),
        TableSpec(
            "collector_peers",
            (
                _c("project", *_STR),
                _c("collector", *_STR),
                _c("asn", *_U32),
                _c("ip", *_STR),
                _c("v4_prefixes", *_I64),
                _c("v6_prefixes", *_I64),
                _c("cc", *_STR),
                _c("as_name", *_STR),
            ),
        ),
        TableSpec(
            "as_orgs",
            (
                _c("asn", *_U32),
                _c("as_name", *_STR),
                _c("org_id", *_STR),
                _c("org_name", *_STR),
                _c("country", *_STR),
                _c("source", *_STR),
            ),
        ),
        TableSpec(
            "pfx2as",
            (
                _c("prefix", *_STR),
                _c("family", *_I8),
                _c("length", *_U8),
                _c("origin_asns", *_U32S),
                _c("is_moas", *_BOOL),
                _c("is_as_set", *_BOOL),
            ),
        ),
        TableSpec(
            "pdb_ix",
            (
                _c("ix_id", *_I64),
                _c("name", *_STR),
                _c("name_long", *_STR),
                _c("city", *_STR),
                _c("country", *_STR),
                _c("region_continent", *_STR),
                _c("org_id", *_I64),
                _c("org_name", *_STR),
                _c("status", *_STR),
            ),
        ),
        TableSpec(
            "pdb_ixpfx",
            (
                _c("ixpfx_id", *_I64),
                _c("ix_id", *_I64),
                _c("ixlan_id", *_I64),
                _c("family", *_I8),
                _c("prefix", *_STR),
                _c("in_dfz", *_BOOL),
                _c("status", *_STR),
            ),
        ),
        TableSpec(
            "pdb_netixlan",
            (
                _c("netixlan_id", *_I64),
                _c("ix_id", *_I64),
                _c("ixlan_id", *_I64),
                _c("net_id", *_I64),
                _c("asn", *_U32),
                _c("net_name", *_STR),
                _c("ipaddr4", *_STR),
                _c("ipaddr6", *_STR),
                _c("speed_mbps", *_I64),
                _c("is_rs_peer", *_BOOL),
                _c("operational", *_BOOL),
                _c("status", *_STR),
            ),
        ),
        TableSpec(
            "pdb_fac",
            (
                _c("fac_id", *_I64),
                _c("name", *_STR),
                _c("city", *_STR),
                _c("country", *_STR),
                _c("latitude", *_F64),
                _c("longitude", *_F64),
                _c("org_id", *_I64),
                _c("org_name", *_STR),
                _c("status", *_STR),
            ),
        ),
        TableSpec(
            "pdb_netfac",
            (
                _c("netfac_id", *_I64),
                _c("net_id", *_I64),
                _c("fac_id", *_I64),
                _c("asn", *_U32),
                _c("status", *_STR),
            ),
        ),
        TableSpec(
            "state_owned_ases",
            (
                _c("asn", *_U32),
                _c("conglomerate", *_STR),
                _c("org_name", *_STR),
                _c("ownership", *_STR),
                _c("ownership_percentage", *_F64),
                _c("ownership_cc", *_STR),
                _c("target_cc", *_STR),
                _c("source", *_STR),
                _c("url", *_STR),
            ),
        ),
    )
}


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of a data table's Parquet files (``dataset`` first)."""
    spec = DATA_TABLES[table]
    return pa.schema(
        [pa.field("dataset", pa.string()), *(pa.field(c.name, c.arrow) for c in spec.columns)]
    )


def _create(spec: TableSpec) -> str:
    cols = ", ".join(f"{c.name} {c.sql}" for c in spec.columns)
    return f"CREATE TABLE IF NOT EXISTS {spec.name} (dataset VARCHAR NOT NULL, {cols})"


DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS datasets (
        name VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        data_date DATE NOT NULL,
        sha256 VARCHAR NOT NULL,
        retrieved_at TIMESTAMP NOT NULL,
        rows BIGINT NOT NULL,
        loaded_at TIMESTAMP NOT NULL,
        files VARCHAR[] NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS derived (
        name VARCHAR PRIMARY KEY,
        inputs VARCHAR NOT NULL,
        rows BIGINT NOT NULL,
        built_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS as_info (
        asn UINTEGER PRIMARY KEY,
        name VARCHAR,
        reg_cc VARCHAR,
        reg_rule VARCHAR,
        registry VARCHAR,
        reg_date DATE,
        geo_cc VARCHAR,
        ipv4_addresses BIGINT NOT NULL,
        ipv6_slash48s DOUBLE NOT NULL
    )""",
    # name_source came with the CAIDA as-org loader; stores made before it gain it here.
    "ALTER TABLE as_info ADD COLUMN IF NOT EXISTS name_source VARCHAR",
    # the operation and ownership meanings (as_info/3); a store made before them gains
    # the columns here, empty until `crossroads fetch` rebuilds as_info
    *(f"ALTER TABLE as_info ADD COLUMN IF NOT EXISTS {c}" for c in (
        "op_cc VARCHAR", "op_rule VARCHAR", "op_share DOUBLE", "own_cc VARCHAR",
        "own_rule VARCHAR", "owner VARCHAR")),
    *(_create(spec) for spec in DATA_TABLES.values()),
)
"""Statements that create every table of an empty store; safe to run on an existing one."""
