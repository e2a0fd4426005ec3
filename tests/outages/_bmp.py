"""Hand-built BMP messages (RFC 7854) for the tests; byte layouts written out in full."""

from __future__ import annotations

import ipaddress
import struct


def common(msg_type: int, body: bytes) -> bytes:
    """Version 3, length (header included), type."""
    return struct.pack("!BIB", 3, 6 + len(body), msg_type) + body


def peer_header(addr: str = "192.0.2.1", asn: int = 64500, flags: int = 0,
                peer_type: int = 0) -> bytes:
    ip = ipaddress.ip_address(addr)
    raw = ip.packed if ip.version == 6 else bytes(12) + ip.packed
    flags |= 0x80 if ip.version == 6 else 0
    return struct.pack("!BB8s16sI4sII", peer_type, flags, bytes(8), raw, asn,
                       ipaddress.IPv4Address("10.255.0.1").packed, 1_700_000_000, 0)


def bgp_update(withdrawn: list[str], announced: list[str], as_path: list[int]) -> bytes:
    """An UPDATE with IPv4 NLRI: ORIGIN IGP, AS_PATH one AS_SEQUENCE (4-byte), NEXT_HOP."""
    def nlri(prefixes: list[str]) -> bytes:
        out = b""
        for p in prefixes:
            net = ipaddress.ip_network(p)
            out += bytes([net.prefixlen]) + net.network_address.packed[: (net.prefixlen + 7) // 8]
        return out

    attrs = b""
    if announced:
        seg = struct.pack("!BB", 2, len(as_path)) + b"".join(struct.pack("!I", a) for a in as_path)
        attrs = (bytes([0x40, 1, 1, 0])                      # ORIGIN IGP
                 + bytes([0x40, 2, len(seg)]) + seg         # AS_PATH
                 + bytes([0x40, 3, 4]) + bytes([192, 0, 2, 1]))  # NEXT_HOP
    w = nlri(withdrawn)
    body = struct.pack("!H", len(w)) + w + struct.pack("!H", len(attrs)) + attrs + nlri(announced)
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), 2) + body


def route_monitoring(update: bytes, **peer: object) -> bytes:
    return common(0, peer_header(**peer) + update)  # type: ignore[arg-type]


def initiation(text: str = "test router") -> bytes:
    v = text.encode()
    return common(4, struct.pack("!HH", 2, len(v)) + v)  # sysName TLV


def peer_up(**peer: object) -> bytes:
    # local address (16), local port, remote port, then (here empty) OPEN messages
    return common(3, peer_header(**peer) + bytes(16) + struct.pack("!HH", 179, 40000))  # type: ignore[arg-type]


def peer_down(**peer: object) -> bytes:
    return common(2, peer_header(**peer) + bytes([2]))  # type: ignore[arg-type]  # reason 2


def termination() -> bytes:
    return common(5, struct.pack("!HH", 1, 2) + struct.pack("!H", 0))


def stats(**peer: object) -> bytes:
    return common(1, peer_header(**peer) + struct.pack("!I", 1) + struct.pack("!HHI", 0, 4, 7))  # type: ignore[arg-type]
