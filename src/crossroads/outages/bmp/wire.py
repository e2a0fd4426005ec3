"""BMP (RFC 7854, RFC 9069 Loc-RIB) wire structures: framing, per-peer header, TLVs.

Common header (RFC 7854 §4.1): version (1, = 3), message length (4, header included),
message type (1). Per-peer header (§4.2, 42 bytes) in Route Monitoring, Statistics, Peer
Up and Peer Down: peer type (1), flags (1: V 0x80 IPv6 peer, L 0x40 post-policy,
A 0x20 legacy 2-byte AS path), distinguisher (8), address (16; IPv4 in the last 4),
peer AS (4), peer BGP ID (4), timestamp seconds (4) and microseconds (4).
Initiation and Termination carry TLVs: type (2), length (2), value.

:func:`split_messages` frames a byte stream: a damaged *header* (wrong version, length
too short or too long) cannot be resynchronised and ends the split (the connection is then
closed, after the messages before it are used); a damaged *body*
inside a well-framed message is skipped by the caller with its byte offset logged.
"""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass

__all__ = [
    "COMMON_HEADER",
    "MAX_MESSAGE",
    "PEER_HEADER",
    "BmpFramingError",
    "BmpMessage",
    "PeerHeader",
    "parse_peer_header",
    "parse_tlvs",
    "split_messages",
]

VERSION = 3
COMMON_HEADER = 6
PEER_HEADER = 42
MAX_MESSAGE = 1 << 20  # a BGP message is at most 65,535 bytes (RFC 8654); BMP adds headers
ROUTE_MONITORING, STATISTICS, PEER_DOWN, PEER_UP, INITIATION, TERMINATION, ROUTE_MIRRORING = \
    range(7)
TYPE_NAMES = {0: "route-monitoring", 1: "statistics", 2: "peer-down", 3: "peer-up",
              4: "initiation", 5: "termination", 6: "route-mirroring"}
_HAS_PEER = {ROUTE_MONITORING, STATISTICS, PEER_DOWN, PEER_UP, ROUTE_MIRRORING}


class BmpFramingError(ValueError):
    """A common header that cannot be trusted; the stream cannot be resynchronised."""

    def __init__(self, offset: int, problem: str) -> None:
        self.offset = offset
        self.problem = problem
        super().__init__(f"byte offset {offset}: {problem}")


@dataclass(frozen=True)
class PeerHeader:
    """The per-peer header of one message."""

    peer_type: int  # 0 global, 1 RD instance, 2 local instance, 3 Loc-RIB (RFC 9069)
    flags: int
    distinguisher: bytes
    address: str
    asn: int
    bgp_id: str
    timestamp: float  # seconds since the epoch as the router stamped it (0: unknown)

    @property
    def ipv6(self) -> bool:
        return bool(self.flags & 0x80) and self.peer_type != 3

    @property
    def as2(self) -> bool:
        """The AS_PATH of this peer's UPDATEs uses 2-byte ASNs (legacy A flag)."""
        return bool(self.flags & 0x20) and self.peer_type != 3


@dataclass(frozen=True)
class BmpMessage:
    """One framed message: ``offset`` is its first byte's position in the connection."""

    type: int
    offset: int
    data: bytes  # the whole message, common header included

    @property
    def type_name(self) -> str:
        return TYPE_NAMES.get(self.type, f"unknown-{self.type}")

    @property
    def has_peer_header(self) -> bool:
        return self.type in _HAS_PEER


def parse_peer_header(data: bytes, pos: int = COMMON_HEADER) -> PeerHeader:
    """The per-peer header at ``data[pos:]`` (ValueError when too short)."""
    if len(data) < pos + PEER_HEADER:
        raise ValueError(f"per-peer header needs {PEER_HEADER} bytes, {len(data) - pos} left")
    ptype, flags = data[pos], data[pos + 1]
    dist = bytes(data[pos + 2: pos + 10])
    raw = bytes(data[pos + 10: pos + 26])
    v6 = bool(flags & 0x80) and ptype != 3
    addr = str(ipaddress.IPv6Address(raw)) if v6 else str(ipaddress.IPv4Address(raw[12:]))
    asn, bgp_id, sec, usec = struct.unpack_from("!I4sII", data, pos + 26)
    return PeerHeader(ptype, flags, dist, addr, asn, str(ipaddress.IPv4Address(bgp_id)),
                      sec + usec / 1e6)


def parse_tlvs(data: bytes, pos: int) -> list[tuple[int, bytes]]:
    """Information TLVs from ``pos`` to the end (ValueError when one overruns)."""
    out = []
    while pos < len(data):
        if pos + 4 > len(data):
            raise ValueError(f"TLV header at message byte {pos} is cut short")
        typ, length = struct.unpack_from("!HH", data, pos)
        if pos + 4 + length > len(data):
            raise ValueError(f"TLV of type {typ} at message byte {pos} overruns the message")
        out.append((typ, bytes(data[pos + 4: pos + 4 + length])))
        pos += 4 + length
    return out


def split_messages(
    buf: bytes | bytearray, base: int
) -> tuple[list[BmpMessage], int, BmpFramingError | None]:
    """Whole messages at the start of ``buf`` (whose first byte is stream offset ``base``),
    the number of bytes they use, and the framing error that stopped the split (the
    messages before a bad header are still returned)."""
    out: list[BmpMessage] = []
    pos = 0
    n = len(buf)
    while pos + COMMON_HEADER <= n:
        version = buf[pos]
        (length,) = struct.unpack_from("!I", buf, pos + 1)
        if version != VERSION:
            return out, pos, BmpFramingError(
                base + pos, f"BMP version {version}, expected {VERSION}")
        if length < COMMON_HEADER or length > MAX_MESSAGE:
            return out, pos, BmpFramingError(
                base + pos, f"BMP message length {length} out of range")
        if pos + length > n:
            break
        out.append(BmpMessage(buf[pos + 5], base + pos, bytes(buf[pos: pos + length])))
        pos += length
    return out, pos, None
