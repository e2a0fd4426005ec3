"""BMP messages to route rows of the MRT schema, through the MRT parser.

A Route Monitoring message carries one BGP UPDATE PDU of one peer (RFC 7854 §4.6). Rather
than a second UPDATE/attribute parser, each PDU is wrapped as the RFC 6396 record a
collector would have written for it — BGP4MP_ET / MESSAGE_AS4 (or MESSAGE for a peer with
the legacy 2-byte A flag), peer AS and address from the per-peer header — and the whole
batch goes through :func:`crossroads.sources.mrt.parse_mrt` (numba, columnar). A batch
with a damaged UPDATE is re-parsed one message at a time so only the damaged message is
dropped, with its byte offset in the connection reported.

Peers are named ``"<router> <peer address>"`` (``loc-rib`` for an RFC 9069 Loc-RIB
instance), so two routers' sessions to the same neighbour stay apart. Rows are stamped
with the station's arrival time: a router's own timestamps may be zero or date from the
original receipt of a route during the initial table dump.
"""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from crossroads.errors import DataFormatError
from crossroads.outages.archive import COLUMNS
from crossroads.outages.bmp.wire import (
    COMMON_HEADER,
    INITIATION,
    PEER_DOWN,
    PEER_HEADER,
    PEER_UP,
    ROUTE_MIRRORING,
    ROUTE_MONITORING,
    STATISTICS,
    TERMINATION,
    BmpMessage,
    parse_peer_header,
    parse_tlvs,
)

__all__ = ["Decoded", "decode", "mrt_record", "peer_name"]

_MARKER = b"\xff" * 16
_IDLE = 1  # BGP FSM state Idle: a peer-down row clears the peer's routes


@dataclass
class Decoded:
    """What a batch of messages yields: route rows, and what happened to the sessions."""

    routes: pa.Table
    problems: list[str] = field(default_factory=list)
    peers_up: list[str] = field(default_factory=list)
    peers_down: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)
    terminated: bool = False


def mrt_record(pdu: bytes, *, peer_asn: int, peer_ip: str, as2: bool, when: float) -> bytes:
    """The BGP4MP_ET MESSAGE(_AS4) record (RFC 6396 §4.4) of one BGP message."""
    ip = ipaddress.ip_address(peer_ip)
    afi = 1 if ip.version == 4 else 2
    local = bytes(4 if afi == 1 else 16)
    if as2:
        asns = struct.pack("!HH", peer_asn if peer_asn < 65536 else 23456, 0)
    else:
        asns = struct.pack("!II", peer_asn, 0)
    body = asns + struct.pack("!HH", 0, afi) + ip.packed + local + pdu
    sec = int(when)
    usec = int(round((when - sec) * 1e6)) % 1_000_000
    return struct.pack("!IHHII", sec, 17, 1 if as2 else 4, 4 + len(body), usec) + body


def _empty() -> pa.Table:
    from crossroads.sources.mrt import SCHEMA

    return pa.schema([SCHEMA.field(c) for c in COLUMNS]).empty_table()


def _parse(records: list[bytes], names: list[str]) -> pa.Table:
    from crossroads.sources.mrt import parse_mrt

    t = parse_mrt(b"".join(records), name="<bmp>")
    peer = pc.take(pa.array(names, pa.string()), t.column("record"))
    t = t.set_column(t.schema.get_field_index("peer_ip"), "peer_ip", peer)
    return t.select(COLUMNS)


def _down_rows(names: list[str], when: float) -> pa.Table:
    n = len(names)
    schema = _empty().schema
    return pa.table({
        "timestamp": pa.array([int(when * 1e6)] * n, pa.int64()).cast(schema.field(0).type),
        "peer_ip": pa.array(names, pa.string()),
        "type": pa.array(["state"] * n, pa.string()),
        "prefix": pa.nulls(n, pa.string()),
        "origin_asn": pa.nulls(n, pa.uint32()),
        "new_state": pa.array([_IDLE] * n, pa.uint16()),
    }, schema=schema)


def peer_name(router: str, address: str, peer_type: int) -> str:
    """The peer key of a session seen through ``router``."""
    return f"{router} {'loc-rib' if peer_type == 3 else address}"


def decode(messages: list[BmpMessage], *, router: str, when: float) -> Decoded:
    """Route rows (:data:`~crossroads.outages.archive.COLUMNS`) and session news of
    ``messages``; damaged bodies are listed in ``problems`` with their byte offsets."""
    out = Decoded(_empty())
    records: list[bytes] = []
    names: list[str] = []
    offsets: list[int] = []
    parts: list[pa.Table] = []

    def flush() -> None:
        if not records:
            return
        try:
            parts.append(_parse(records, names))
        except DataFormatError:
            for rec, name, off in zip(records, names, offsets, strict=True):
                try:
                    parts.append(_parse([rec], [name]))
                except DataFormatError as exc:
                    out.problems.append(f"byte offset {off}: damaged BGP UPDATE ({exc.problem})")
        records.clear()
        names.clear()
        offsets.clear()

    for m in messages:
        try:
            peer = parse_peer_header(m.data) if m.has_peer_header else None
            body = COMMON_HEADER + (PEER_HEADER if peer is not None else 0)
            if m.type == ROUTE_MONITORING and peer is not None:
                pdu = m.data[body:]
                if len(pdu) < 19 or pdu[:16] != _MARKER:
                    raise ValueError("Route Monitoring does not carry a BGP message")
                if pdu[18] != 2:
                    raise ValueError(f"Route Monitoring carries BGP message type {pdu[18]}")
                name = peer_name(router, peer.address, peer.peer_type)
                records.append(mrt_record(pdu, peer_asn=peer.asn, peer_ip=peer.address,
                                          as2=peer.as2, when=when))
                names.append(name)
                offsets.append(m.offset)
            elif m.type == PEER_DOWN and peer is not None:
                flush()  # routes before the session went down are applied first
                name = peer_name(router, peer.address, peer.peer_type)
                parts.append(_down_rows([name], when))
                out.peers_down.append(name)
            elif m.type == PEER_UP and peer is not None:
                if len(m.data) < body + 20:
                    raise ValueError("Peer Up shorter than its local address and ports")
                out.peers_up.append(peer_name(router, peer.address, peer.peer_type))
            elif m.type in (INITIATION, TERMINATION):
                tlvs = parse_tlvs(m.data, COMMON_HEADER)
                text = "; ".join(v.decode("utf-8", "replace") for t, v in tlvs if t != 1 or
                                 m.type == INITIATION)
                out.info.append(f"{m.type_name}: {text}" if text else m.type_name)
                out.terminated |= m.type == TERMINATION
            elif m.type == STATISTICS and peer is not None:
                if len(m.data) < body + 4:
                    raise ValueError("Statistics Report without its count")
                parse_tlvs(m.data, body + 4)
            elif m.type != ROUTE_MIRRORING:
                raise ValueError(f"unknown BMP message type {m.type}")
        except (ValueError, struct.error) as exc:
            out.problems.append(f"byte offset {m.offset}: {m.type_name} message skipped: {exc}")
    flush()
    if parts:
        out.routes = pa.concat_tables(parts)
    return out
