"""A tiny MRT writer for hand-made test inputs (struct.pack; independent of the parser)."""

from __future__ import annotations

import ipaddress
import struct


def record(ts: int, typ: int, sub: int, body: bytes, usec: int | None = None) -> bytes:
    if usec is not None:
        return struct.pack(">IHHII", ts, typ, sub, len(body) + 4, usec) + body
    return struct.pack(">IHHI", ts, typ, sub, len(body)) + body


def attr(typ: int, value: bytes, flags: int = 0x40) -> bytes:
    if len(value) > 255:
        return struct.pack(">BBH", flags | 0x10, typ, len(value)) + value
    return struct.pack(">BBB", flags, typ, len(value)) + value


def as_path(segments: list[tuple[int, list[int]]], width: int = 4, typ: int = 2) -> bytes:
    fmt = ">I" if width == 4 else ">H"
    v = b"".join(bytes([t, len(a)]) + b"".join(struct.pack(fmt, x) for x in a)
                 for t, a in segments)
    return attr(typ, v)


def origin(v: int = 0) -> bytes:
    return attr(1, bytes([v]))


def next_hop(ip: str) -> bytes:
    return attr(3, ipaddress.ip_address(ip).packed)


def communities(values: list[tuple[int, int]]) -> bytes:
    return attr(8, b"".join(struct.pack(">HH", a, b) for a, b in values), 0xC0)


def large_communities(values: list[tuple[int, int, int]]) -> bytes:
    return attr(32, b"".join(struct.pack(">III", *v) for v in values), 0xC0)


def nlri(prefix: str, path_id: int | None = None) -> bytes:
    net = ipaddress.ip_network(prefix)
    n = (net.prefixlen + 7) // 8
    head = struct.pack(">I", path_id) if path_id is not None else b""
    return head + bytes([net.prefixlen]) + net.network_address.packed[:n]


def mp_reach(afi: int, nh: str, prefixes: list[str], path_id: int | None = None) -> bytes:
    h = ipaddress.ip_address(nh).packed
    body = struct.pack(">HBB", afi, 1, len(h)) + h + b"\x00"
    return attr(14, body + b"".join(nlri(p, path_id) for p in prefixes), 0x80)


def mp_reach_abbrev(nh: str) -> bytes:
    h = ipaddress.ip_address(nh).packed
    return attr(14, bytes([len(h)]) + h, 0x80)


def mp_unreach(afi: int, prefixes: list[str]) -> bytes:
    return attr(15, struct.pack(">HB", afi, 1) + b"".join(nlri(p) for p in prefixes), 0x80)


def peer_index_table(peers: list[tuple[str, int]]) -> bytes:
    body = ipaddress.ip_address("10.0.0.1").packed + struct.pack(">H", 4) + b"view"
    body += struct.pack(">H", len(peers))
    for ip, asn in peers:
        a = ipaddress.ip_address(ip)
        body += bytes([(1 if a.version == 6 else 0) | 2]) + b"\x01\x02\x03\x04" + a.packed
        body += struct.pack(">I", asn)
    return record(1_600_000_000, 13, 1, body)


def rib(prefix: str, entries: list[tuple[int, bytes]], seq: int = 0,
        path_ids: list[int] | None = None) -> bytes:
    net = ipaddress.ip_network(prefix)
    sub = 2 if net.version == 4 else 4
    if path_ids is not None:
        sub += 6
    n = (net.prefixlen + 7) // 8
    body = struct.pack(">IB", seq, net.prefixlen) + net.network_address.packed[:n]
    body += struct.pack(">H", len(entries))
    for k, (idx, attrs) in enumerate(entries):
        body += struct.pack(">HI", idx, 1_599_999_000)
        if path_ids is not None:
            body += struct.pack(">I", path_ids[k])
        body += struct.pack(">H", len(attrs)) + attrs
    return record(1_600_000_100, 13, sub, body)


def update(withdrawn: bytes, attrs: bytes, announced: bytes) -> bytes:
    body = struct.pack(">H", len(withdrawn)) + withdrawn + struct.pack(">H", len(attrs))
    body += attrs + announced
    return b"\xff" * 16 + struct.pack(">HB", 19 + len(body), 2) + body


def bgp4mp(msg: bytes, peer: str, peer_as: int, local: str | None = None,
           local_as: int = 65000, sub: int = 4, ts: int = 1_600_000_200,
           usec: int | None = None) -> bytes:
    a = ipaddress.ip_address(peer)
    local = local or ("192.0.2.254" if a.version == 4 else "2001:db8::fe")
    w = ">I" if sub in (4, 5, 7, 9, 11) else ">H"
    if sub in (6, 7, 10, 11):  # *_LOCAL: the collector is the source
        head = struct.pack(w, local_as) + struct.pack(w, peer_as)
        ips = ipaddress.ip_address(local).packed + a.packed
    else:
        head = struct.pack(w, peer_as) + struct.pack(w, local_as)
        ips = a.packed + ipaddress.ip_address(local).packed
    head += struct.pack(">HH", 0, 1 if a.version == 4 else 2)
    return record(ts, 16 if usec is None else 17, sub, head + ips + msg, usec)


def state_change(peer: str, peer_as: int, old: int, new: int, ts: int = 1_600_000_300) -> bytes:
    a = ipaddress.ip_address(peer)
    body = struct.pack(">IIHH", peer_as, 65000, 0, 1 if a.version == 4 else 2) + a.packed
    body += ipaddress.ip_address("192.0.2.254" if a.version == 4 else "2001:db8::fe").packed
    return record(ts, 16, 5, body + struct.pack(">HH", old, new))


def table_dump_v1(prefix: str, peer: str, peer_as: int, attrs: bytes, ts: int = 1_000) -> bytes:
    net = ipaddress.ip_network(prefix)
    body = struct.pack(">HH", 0, 0) + net.network_address.packed + bytes([net.prefixlen, 1])
    body += struct.pack(">I", 999) + ipaddress.ip_address(peer).packed
    body += struct.pack(">HH", peer_as, len(attrs)) + attrs
    return record(ts, 12, 1, body)
