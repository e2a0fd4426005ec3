"""PeeringDB dumps: exchanges, their peering LANs and the networks present on them.

A dump is what the PeeringDB API (https://www.peeringdb.com/apidocs/) returns for every
object type, gathered in one JSON object, as CAIDA archives it daily at
https://publicdata.caida.org/datasets/peeringdb/YYYY/MM/peeringdb_2_dump_YYYY_MM_DD.json::

    {"ix": {"data": [{"id": 26, "org_id": 777, "name": "AMS-IX", ...}, ...]},
     "ixlan": {"data": [...]}, "ixpfx": {"data": [...]}, "net": {"data": [...]},
     "netixlan": {"data": [...]}, "org": {"data": [...]}, "fac": ..., "poc": ..., ...}

(an object may carry a ``"meta"`` key beside ``"data"``). Eight object types are read,
the rest skipped:

- ``ix``: ``id, org_id, name, name_long, city, country, region_continent, status``;
- ``ixlan`` (a peering LAN of an exchange): ``id, ix_id``;
- ``ixpfx`` (a prefix of a peering LAN): ``id, ixlan_id, protocol`` (``IPv4``/``IPv6``)
  ``, prefix, in_dfz, status``;
- ``net`` (a network): ``id, asn, name``;
- ``netixlan`` (a network's port on a peering LAN): ``id, net_id, ix_id, ixlan_id, asn,
  ipaddr4, ipaddr6, speed`` (Mbit/s) ``, is_rs_peer, operational, status``;
- ``org``: ``id, name``;
- ``fac`` (a colocation facility): ``id, org_id, name, city, country, latitude,
  longitude, status``;
- ``netfac`` (a network's presence at a facility): ``id, net_id, fac_id, local_asn,
  status``.

The reader returns five tables, the joins done (:data:`IX_SCHEMA`, :data:`IXPFX_SCHEMA`,
:data:`NETIXLAN_SCHEMA`, :data:`FAC_SCHEMA`, :data:`NETFAC_SCHEMA`): exchanges with their
organisation's name, prefixes with the exchange their LAN belongs to, ports with the
network's name, facilities with their organisation's name, and facility presences with
the network's ASN (``local_asn``, else the ASN of ``net_id``).

Streaming: the file (plain, gz or bz2) is read in 1 MiB blocks and handed to one
incremental parser (ijson, C backend); a kept record is rebuilt from the events of its
top-level fields, one record at a time, and only the kept fields reach Arrow buffers.
PeeringDB data is public under its Acceptable Use Policy (https://www.peeringdb.com/aup);
cite PeeringDB and, for archived dumps, CAIDA.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import ijson
import pyarrow as pa
import pyarrow.compute as pc

from crossroads.errors import DataFormatError
from crossroads.sources._open import STREAM_ERRORS, open_binary
from crossroads.sources._tabular import RowBuffer

__all__ = [
    "FAC_SCHEMA",
    "IXPFX_SCHEMA",
    "IX_SCHEMA",
    "NETFAC_SCHEMA",
    "NETIXLAN_SCHEMA",
    "parse_peeringdb",
    "read_peeringdb",
]

_BLOCK = 1 << 20

IX_SCHEMA = pa.schema(
    [
        ("ix_id", pa.int64()),
        ("name", pa.string()),
        ("name_long", pa.string()),
        ("city", pa.string()),
        ("country", pa.string()),
        ("region_continent", pa.string()),
        ("org_id", pa.int64()),
        ("org_name", pa.string()),
        ("status", pa.string()),
    ]
)
IXPFX_SCHEMA = pa.schema(
    [
        ("ixpfx_id", pa.int64()),
        ("ix_id", pa.int64()),
        ("ixlan_id", pa.int64()),
        ("family", pa.int8()),
        ("prefix", pa.string()),
        ("in_dfz", pa.bool_()),
        ("status", pa.string()),
    ]
)
NETIXLAN_SCHEMA = pa.schema(
    [
        ("netixlan_id", pa.int64()),
        ("ix_id", pa.int64()),
        ("ixlan_id", pa.int64()),
        ("net_id", pa.int64()),
        ("asn", pa.uint32()),
        ("net_name", pa.string()),
        ("ipaddr4", pa.string()),
        ("ipaddr6", pa.string()),
        ("speed_mbps", pa.int64()),
        ("is_rs_peer", pa.bool_()),
        ("operational", pa.bool_()),
        ("status", pa.string()),
    ]
)

FAC_SCHEMA = pa.schema(
    [
        ("fac_id", pa.int64()),
        ("name", pa.string()),
        ("city", pa.string()),
        ("country", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("org_id", pa.int64()),
        ("org_name", pa.string()),
        ("status", pa.string()),
    ]
)
NETFAC_SCHEMA = pa.schema(
    [
        ("netfac_id", pa.int64()),
        ("net_id", pa.int64()),
        ("fac_id", pa.int64()),
        ("asn", pa.uint32()),
        ("status", pa.string()),
    ]
)

# Per object type: the Arrow columns its records are cut down to (before the joins).
_RAW: dict[str, pa.Schema] = {
    "ix": pa.schema([f for f in IX_SCHEMA if f.name != "org_name"]),
    "ixlan": pa.schema([("ixlan_id", pa.int64()), ("ix_id", pa.int64())]),
    "ixpfx": pa.schema([f for f in IXPFX_SCHEMA if f.name != "ix_id"]),
    "net": pa.schema([("net_id", pa.int64()), ("asn", pa.uint32()), ("net_name", pa.string())]),
    "netixlan": pa.schema([f for f in NETIXLAN_SCHEMA if f.name != "net_name"]),
    "org": pa.schema([("org_id", pa.int64()), ("org_name", pa.string())]),
    "fac": pa.schema([f for f in FAC_SCHEMA if f.name != "org_name"]),
    "netfac": pa.schema([("netfac_id", pa.int64()), ("net_id", pa.int64()),
                         ("fac_id", pa.int64()), ("local_asn", pa.uint32()),
                         ("status", pa.string())]),
}


def read_peeringdb(path: str | Path) -> dict[str, pa.Table]:
    """``{"ix", "ixpfx", "netixlan", "fac", "netfac"}`` tables of a PeeringDB dump (plain,
    gz or bz2)."""
    with open_binary(path) as f:
        return parse_peeringdb(f, path=path)


def parse_peeringdb(stream: BinaryIO, *, path: str | Path = "<memory>") -> dict[str, pa.Table]:
    """The tables of a PeeringDB dump read from ``stream`` (see the module doc).

    >>> import io, json
    >>> dump = {"ix": {"data": [{"id": 1, "org_id": 2, "name": "KAZ-IX", "country": "KZ"}]},
    ...         "org": {"data": [{"id": 2, "name": "KazRENA"}]},
    ...         "ixlan": {"data": [{"id": 5, "ix_id": 1}]},
    ...         "ixpfx": {"data": [{"id": 9, "ixlan_id": 5, "protocol": "IPv4",
    ...                             "prefix": "185.1.2.0/24"}]},
    ...         "netixlan": {"data": [{"id": 3, "ixlan_id": 5, "net_id": 4, "asn": 9198}]},
    ...         "net": {"data": [{"id": 4, "asn": 9198, "name": "Kazakhtelecom"}]}}
    >>> t = parse_peeringdb(io.BytesIO(json.dumps(dump).encode()))
    >>> t["ix"].column("org_name").to_pylist(), t["ixpfx"].column("ix_id").to_pylist()
    (['KazRENA'], [1])
    >>> t["netixlan"].select(["ix_id", "asn", "net_name"]).to_pylist()
    [{'ix_id': 1, 'asn': 9198, 'net_name': 'Kazakhtelecom'}]
    """
    buffers = {obj: RowBuffer(schema) for obj, schema in _RAW.items()}
    for obj, index, record in _records(stream, path):
        buffers[obj].append(_ROW[obj](record, _Where(path, obj, index)))
    raw = {obj: buf.table() for obj, buf in buffers.items()}
    if raw["ix"].num_rows == 0:
        raise DataFormatError(
            path, "no exchange records: not a PeeringDB dump",
            hint='a dump is one JSON object with "ix": {"data": [...]}, "ixlan", "ixpfx", …',
        )
    return {
        "ix": _left_join(raw["ix"], raw["org"], "org_id", IX_SCHEMA),
        "ixpfx": _left_join(raw["ixpfx"], raw["ixlan"], "ixlan_id", IXPFX_SCHEMA),
        "netixlan": _netixlan(raw["netixlan"], raw["ixlan"], raw["net"]),
        "fac": _left_join(raw["fac"], raw["org"], "org_id", FAC_SCHEMA),
        "netfac": _netfac(raw["netfac"], raw["net"]),
    }


def _records(stream: BinaryIO, path: str | Path) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """``(object type, index in its list, record)`` for every kept record, in file order.

    One incremental parser (ijson, C backend) turns each block into events; a record of a
    kept type is rebuilt from the events of its top-level fields only (a nested value is
    kept as the marker ``"[...]"`` or ``"{...}"``), everything else is passed over.
    """
    events = ijson.sendable_list()
    parser = ijson.parse_coro(events, use_float=True)
    builder = _Builder(path)
    offset = 0
    while True:
        try:
            block = stream.read(_BLOCK)
        except STREAM_ERRORS as exc:
            raise DataFormatError(
                path, f"compressed stream is truncated or corrupt: {exc}", offset=offset
            ) from exc
        try:
            if block:
                parser.send(block)
            else:
                parser.close()
        except ijson.JSONError as exc:
            where = ("the document ends early" if not block else
                     f"in the {len(block):,} decompressed bytes from this offset")
            raise DataFormatError(
                path, f"invalid JSON: {where}: {str(exc).splitlines()[0]}", offset=offset,
            ) from exc
        yield from builder.feed(events)
        del events[:]
        if not block:
            return
        offset += len(block)


_ITEMS = {f"{obj}.data.item": obj for obj in _RAW}
_OPEN = {"start_map": "{...}", "start_array": "[...]"}


class _Builder:
    """Rebuilds kept records from parser events (see :func:`_records`)."""

    def __init__(self, path: str | Path) -> None:
        self.path = path
        self.counts = dict.fromkeys(_RAW, 0)
        self.record: dict[str, Any] | None = None
        self.obj = ""
        self.key = ""
        self.depth = 0

    def feed(self, events: list[tuple[str, str, Any]]) -> Iterator[tuple[str, int, dict[str, Any]]]:
        for prefix, event, value in events:
            record = self.record
            if record is None:
                obj = _ITEMS.get(prefix)
                if obj is None:
                    continue
                if event != "start_map":
                    raise DataFormatError(
                        self.path, f"{obj} record #{self.counts[obj]} is not a JSON object",
                        value=_short(value if event not in _OPEN else _OPEN[event]),
                    )
                self.record, self.obj, self.depth = {}, obj, 0
            elif self.depth:
                if event in _OPEN:
                    self.depth += 1
                elif event in ("end_map", "end_array"):
                    self.depth -= 1
            elif event == "map_key":
                self.key = value
            elif event == "end_map":
                yield self.obj, self.counts[self.obj], record
                self.counts[self.obj] += 1
                self.record = None
            elif event in _OPEN:
                record[self.key] = _OPEN[event]
                self.depth = 1
            else:
                record[self.key] = value


class _Where:
    """Where a record sits, to name it in an error."""

    def __init__(self, path: str | Path, obj: str, index: int) -> None:
        self.path, self.obj, self.index = path, obj, index

    def error(self, problem: str, field: str, value: object) -> DataFormatError:
        return DataFormatError(
            self.path, f"{self.obj} record #{self.index}: {problem}", field=field,
            value=_short(value),
        )


def _short(value: object) -> object:
    text = repr(value)
    return value if len(text) <= 120 else text[:117] + "..."


def _id(rec: dict[str, Any], key: str, at: _Where, *, required: bool = True) -> int | None:
    value = rec.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise at.error("not a non-negative integer id", key, value)
    return value


def _asn(rec: dict[str, Any], at: _Where) -> int:
    value = rec.get("asn")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 1 << 32:
        raise at.error("not an AS number", "asn", value)
    return value


def _str(rec: dict[str, Any], key: str) -> str | None:
    value = rec.get(key)
    return str(value) if value not in (None, "") else None


def _bool(rec: dict[str, Any], key: str, at: _Where) -> bool | None:
    value = rec.get(key)
    if value is not None and not isinstance(value, bool):
        raise at.error("not true/false", key, value)
    return value


def _int(rec: dict[str, Any], key: str, at: _Where) -> int | None:
    value = rec.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise at.error("not an integer", key, value)
    return value


def _float(rec: dict[str, Any], key: str, at: _Where) -> float | None:
    value = rec.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise at.error("not a number", key, value)
    return None if value is None else float(value)


def _local_asn(rec: dict[str, Any], at: _Where) -> int | None:
    return _asn({"asn": rec["local_asn"]}, at) if rec.get("local_asn") is not None else None


def _prefix(rec: dict[str, Any], at: _Where) -> tuple[int, str]:
    """``(family, prefix)``; the family must agree with ``protocol`` when it is given."""
    text = rec.get("prefix")
    try:
        net = ipaddress.ip_network(str(text), strict=False)
    except ValueError:
        raise at.error("not an IP prefix", "prefix", text) from None
    protocol = rec.get("protocol")
    if protocol not in (None, f"IPv{net.version}"):
        raise at.error(f"protocol does not match prefix {text}", "protocol", protocol)
    return net.version, str(text)


_ROW: dict[str, Callable[[dict[str, Any], _Where], tuple[object, ...]]] = {
    "ix": lambda r, at: (
        _id(r, "id", at), _str(r, "name"), _str(r, "name_long"), _str(r, "city"),
        _str(r, "country"), _str(r, "region_continent"),
        _id(r, "org_id", at, required=False), _str(r, "status"),
    ),
    "ixlan": lambda r, at: (_id(r, "id", at), _id(r, "ix_id", at)),
    "ixpfx": lambda r, at: (
        _id(r, "id", at), _id(r, "ixlan_id", at), *_prefix(r, at), _bool(r, "in_dfz", at),
        _str(r, "status"),
    ),
    "net": lambda r, at: (_id(r, "id", at), _asn(r, at), _str(r, "name")),
    "netixlan": lambda r, at: (
        _id(r, "id", at), _id(r, "ix_id", at, required=False), _id(r, "ixlan_id", at),
        _id(r, "net_id", at), _asn(r, at), _str(r, "ipaddr4"), _str(r, "ipaddr6"),
        _int(r, "speed", at), _bool(r, "is_rs_peer", at), _bool(r, "operational", at),
        _str(r, "status"),
    ),
    "org": lambda r, at: (_id(r, "id", at), _str(r, "name")),
    "fac": lambda r, at: (
        _id(r, "id", at), _str(r, "name"), _str(r, "city"), _str(r, "country"),
        _float(r, "latitude", at), _float(r, "longitude", at),
        _id(r, "org_id", at, required=False), _str(r, "status"),
    ),
    "netfac": lambda r, at: (
        _id(r, "id", at), _id(r, "net_id", at), _id(r, "fac_id", at), _local_asn(r, at),
        _str(r, "status"),
    ),
}


def _left_join(left: pa.Table, right: pa.Table, key: str, schema: pa.Schema) -> pa.Table:
    """``left`` with ``right``'s other columns added by ``key`` (null where unmatched),
    ordered by ``left``'s first column and cast to ``schema``."""
    joined = left.join(right, keys=key, join_type="left outer")
    return joined.select(schema.names).sort_by(schema.names[0]).cast(schema)


def _netixlan(ports: pa.Table, lans: pa.Table, nets: pa.Table) -> pa.Table:
    """Ports with the network's name, and the exchange from their LAN where the record
    gives none (dumps before ``netixlan.ix_id`` existed)."""
    with_lan = ports.join(
        lans.rename_columns(["ixlan_id", "lan_ix_id"]), keys="ixlan_id", join_type="left outer"
    )
    ix_id = pc.coalesce(with_lan.column("ix_id"), with_lan.column("lan_ix_id"))
    with_lan = with_lan.set_column(with_lan.schema.get_field_index("ix_id"), "ix_id", ix_id)
    named = with_lan.join(nets.select(["net_id", "net_name"]), keys="net_id",
                          join_type="left outer")
    return named.select(NETIXLAN_SCHEMA.names).sort_by("netixlan_id").cast(NETIXLAN_SCHEMA)


def _netfac(presences: pa.Table, nets: pa.Table) -> pa.Table:
    """Facility presences with the network's ASN (``local_asn``, else the ASN of the
    ``net`` record)."""
    named = presences.join(nets.select(["net_id", "asn"]), keys="net_id",
                           join_type="left outer")
    asn = pc.coalesce(named.column("local_asn"), named.column("asn"))
    named = named.set_column(named.schema.get_field_index("asn"), "asn", asn)
    return named.select(NETFAC_SCHEMA.names).sort_by("netfac_id").cast(NETFAC_SCHEMA)
