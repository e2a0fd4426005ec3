"""The BMP station on hand-built messages: framing, decoding, malformed input, TCP."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

from tests.outages import _bmp

from crossroads.outages.bmp import BmpFramingError, decode, parse_peer_header, split_messages
from crossroads.outages.live import LiveMonitor, watch
from crossroads.outages.model import DetectorConfig


def _stream() -> bytes:
    upd = _bmp.bgp_update([], ["10.1.0.0/16", "10.2.0.0/24"], [64500, 64512])
    wd = _bmp.bgp_update(["10.2.0.0/24"], [], [])
    return (_bmp.initiation() + _bmp.peer_up() + _bmp.route_monitoring(upd)
            + _bmp.stats() + _bmp.route_monitoring(wd) + _bmp.peer_down() + _bmp.termination())


def test_framing_offsets_and_partial_tail() -> None:
    data = _stream()
    msgs, used, fatal = split_messages(data + data[:10], 1000)
    assert fatal is None
    assert [m.type_name for m in msgs] == ["initiation", "peer-up", "route-monitoring",
                                           "statistics", "route-monitoring", "peer-down",
                                           "termination"]
    assert used == len(data)  # the 10-byte tail waits for more bytes
    assert msgs[0].offset == 1000 and msgs[1].offset == 1000 + len(_bmp.initiation())


def test_peer_header_fields() -> None:
    h = parse_peer_header(_bmp.peer_up(addr="2001:db8::1", asn=4200000001))
    assert (h.address, h.asn, h.bgp_id, h.ipv6, h.timestamp) == (
        "2001:db8::1", 4200000001, "10.255.0.1", True, 1_700_000_000.0)


def test_decode_routes_and_sessions() -> None:
    msgs, _, _ = split_messages(_stream(), 0)
    out = decode(msgs, router="127.0.0.9", when=1_700_000_100.5)
    t = out.routes.to_pylist()
    assert [(r["type"], r["prefix"], r["origin_asn"]) for r in t] == [
        ("announce", "10.1.0.0/16", 64512), ("announce", "10.2.0.0/24", 64512),
        ("withdraw", "10.2.0.0/24", None), ("state", None, None)]
    assert {r["peer_ip"] for r in t} == {"127.0.0.9 192.0.2.1"}
    assert t[0]["timestamp"].timestamp() == 1_700_000_100.5
    assert out.peers_up == out.peers_down == ["127.0.0.9 192.0.2.1"]
    assert out.terminated and out.problems == []
    assert out.info[0] == "initiation: test router"


def test_bad_version_is_fatal_with_offset() -> None:
    good = _bmp.initiation()
    bad = bytes([1]) + _bmp.initiation()[1:]
    msgs, used, fatal = split_messages(good + bad, 0)
    assert [m.type_name for m in msgs] == ["initiation"] and used == len(good)
    assert isinstance(fatal, BmpFramingError) and fatal.offset == len(good)


def test_length_out_of_range_is_fatal() -> None:
    _, _, fatal = split_messages(bytes([3, 0, 0, 0, 3, 4]), 0)
    assert fatal is not None and fatal.problem == "BMP message length 3 out of range"


def test_damaged_bodies_are_skipped_with_offsets() -> None:
    short_peer = _bmp.common(0, bytes(10))  # Route Monitoring with a 10-byte per-peer header
    upd = bytearray(_bmp.bgp_update([], ["10.9.0.0/16"], [64512]))
    upd[23 + 3 + 3 + 1] = 9  # the AS_PATH segment claims 9 ASes, holds 1
    damaged = _bmp.route_monitoring(bytes(upd))
    good = _bmp.route_monitoring(_bmp.bgp_update([], ["10.3.0.0/16"], [64512]))
    data = short_peer + damaged + good
    msgs, _, _ = split_messages(data, 0)
    out = decode(msgs, router="r", when=0.0)
    assert [r["prefix"] for r in out.routes.to_pylist()] == ["10.3.0.0/16"]
    assert out.problems[0].startswith("byte offset 0: route-monitoring message skipped")
    assert out.problems[1].startswith(f"byte offset {len(short_peer)}: damaged BGP UPDATE")


def _send(port: int, data: bytes) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(data)
        time.sleep(0.3)


def test_listener_survives_garbage_and_reconnect() -> None:
    mon = LiveMonitor(country="KZ", asn_country={64512: "KZ"}, bin=timedelta(seconds=1),
                      config=DetectorConfig(min_baseline_bins=1))
    stop, ready, port = threading.Event(), threading.Event(), []
    th = threading.Thread(target=watch, args=("127.0.0.1", 0), daemon=True,
                          kwargs={"monitor": mon, "stop": stop,
                                  "ready": lambda p: (port.append(p), ready.set())})
    th.start()
    try:
        assert ready.wait(10)
        upd = _bmp.route_monitoring(_bmp.bgp_update([], ["10.1.0.0/16"], [64512]))
        # a bad body (kept connection), then a route; then a bad header (closed)
        _send(port[0], _bmp.common(0, bytes(10)) + upd + bytes([9, 0, 0, 0, 6, 0]))
        assert mon.problems == 1
        deadline = time.time() + 10
        while mon.builder.records < 2 and time.time() < deadline:  # route + peer-down row
            time.sleep(0.05)
        assert mon.builder.records == 2  # the connection ended: its peer is down
        with socket.create_connection(("127.0.0.1", port[0]), timeout=5) as again:
            again.sendall(_bmp.initiation() + upd)  # the router reconnects
            time.sleep(2.5)
            s = mon.series().country
            # 10.1.0.0/16 = 256 /24s, from the one peer (the only full-feed peer)
            assert s["visible_prefixes"].iloc[-1] == 1 and s["visible_slash24"].iloc[-1] == 256
            assert s["full_feed_peers"].iloc[-1] == 1
        time.sleep(2.5)
        s = mon.series().country
        assert s["full_feed_peers"].iloc[-1] == 0  # disconnected: no data, not an outage
        assert not [e for e in mon.events.values() if e.signal == "visibility_drop"]
    finally:
        stop.set()
        th.join(10)
    assert not th.is_alive()
