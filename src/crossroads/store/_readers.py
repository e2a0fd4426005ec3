"""Which reader parses each dataset kind, and which store tables its rows go to.

A reader turns one file into ``{table name: pa.Table}``; the tables are then conformed to
the store schema (:func:`conform`): the ``dataset`` column is added, columns renamed where
the store differs from the reader (range tables: ``start``/``end`` → ``start_ip``/``end_ip``)
and types cast. The source modules are imported lazily, so loading one kind does not import the
readers of all others.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

from crossroads.errors import CrossroadsError
from crossroads.store._schema import DATA_TABLES, arrow_schema

__all__ = ["READERS", "Reader", "conform", "read_kind"]

Reader = Callable[[Path], dict[str, pa.Table]]

_RENAME = {"start": "start_ip", "end": "end_ip"}
_RANGE_TABLES = ("ip_ranges", "country_ranges")


def _as_rel(path: Path) -> dict[str, pa.Table]:
    from crossroads.sources import caida

    return {"as_links": caida.read_as_rel(path)}


def _ranges(path: Path) -> dict[str, pa.Table]:
    from crossroads.sources import prefix2as

    return {"ip_ranges": prefix2as.read_ip_ranges(path)}


def _country(kind: str) -> Reader:
    def read(path: Path) -> dict[str, pa.Table]:
        from crossroads.sources import prefix2as

        t = prefix2as.read_country_ranges(path)
        return {"country_ranges": t.append_column("kind", pa.repeat(kind, t.num_rows))}

    return read


def _rir(path: Path) -> dict[str, pa.Table]:
    from crossroads.sources import rir

    table = rir.read_delegated(path)
    return {"rir_delegations": table, "rir_asns": rir.asn_registrations(table)}


def _ixp(path: Path) -> dict[str, pa.Table]:
    from crossroads.sources import ixp

    return {"ixps": ixp.read_caida_ixs(path)}


def _as_org(path: Path) -> dict[str, pa.Table]:
    from crossroads.sources import caida

    return {"as_orgs": caida.asn_orgs(*caida.read_as_org(path))}


def _pfx2as(path: Path) -> dict[str, pa.Table]:
    from crossroads.sources import prefix2as

    return {"pfx2as": prefix2as.read_pfx2as(path)}


def _peeringdb(path: Path) -> dict[str, pa.Table]:
    from crossroads.sources import peeringdb

    return {f"pdb_{obj}": table for obj, table in peeringdb.read_peeringdb(path).items()}


def _state_owned(path: Path) -> dict[str, pa.Table]:
    from crossroads.sources import stateowned

    return {"state_owned_ases": stateowned.read_state_owned(path)}


def _peers(project: str) -> Reader:
    def read(path: Path) -> dict[str, pa.Table]:
        from crossroads.sources import collectors

        fn = collectors.read_ris_peers if project == "ris" else collectors.read_routeviews_peers
        return {"collector_peers": fn(path)}

    return read


READERS: dict[str, Reader] = {
    "as-rel": _as_rel,
    "as-org": _as_org,
    "pfx2as": _pfx2as,
    "peeringdb": _peeringdb,
    "asn-ranges": _ranges,
    "country-ranges": _country("registration"),
    "geo-ranges": _country("geo"),
    "rir": _rir,
    "ixp": _ixp,
    "state-owned": _state_owned,
    "ris-peers": _peers("ris"),
    "routeviews-peers": _peers("routeviews"),
}
"""Dataset kind (as in :data:`crossroads.sources.catalog.CATALOG`) → reader."""


def read_kind(kind: str, path: Path) -> dict[str, pa.Table]:
    """Parse ``path`` with the reader registered for ``kind``."""
    try:
        reader = READERS[kind]
    except KeyError:
        raise CrossroadsError(
            f"no reader for dataset kind {kind!r}; known kinds: {', '.join(sorted(READERS))}"
        ) from None
    return reader(path)


def conform(table_name: str, dataset: str, table: pa.Table) -> pa.Table:
    """``table`` with a ``dataset`` column, store column names and store types."""
    schema = arrow_schema(table_name)
    if table_name in _RANGE_TABLES:
        table = table.rename_columns([_RENAME.get(n, n) for n in table.column_names])
    missing = [f.name for f in schema if f.name != "dataset" and f.name not in table.column_names]
    if missing:
        raise CrossroadsError(
            f"reader for {table_name} returned no column(s) {', '.join(missing)} "
            f"(got {', '.join(table.column_names)})"
        )
    cols = [pa.repeat(dataset, table.num_rows).cast(pa.string())]
    for spec in DATA_TABLES[table_name].columns:
        cols.append(table.column(spec.name).cast(spec.arrow))
    return pa.Table.from_arrays(cols, schema=schema)
