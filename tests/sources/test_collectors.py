"""Collector peer lists: RIS JSON and RouteViews text from the mirror, full-feed rule."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.compute as pc
import pytest

from crossroads.errors import DataFormatError
from crossroads.sources.collectors import (
    full_feed_peers,
    parse_ris_peers,
    parse_routeviews_peers,
    read_ris_peers,
    read_routeviews_peers,
)

RIS = "collectors/RIPE_RIS_collectors_20230801.json"
RV = "collectors/RouteViews_20230801.txt"


def test_ris_peers_match_raw_file(mirror: Path) -> None:
    doc = json.loads((mirror / RIS).read_text())
    peers = [(c, p) for c, ps in doc.items() for p in ps]
    table = read_ris_peers(mirror / RIS)
    assert table.num_rows == len(peers) == 1499
    assert set(table.column("collector").to_pylist()) == set(doc) and len(doc) == 22
    full = full_feed_peers(table)
    want = [(c, int(p["asn"]), p["ip"]) for c, p in peers
            if p["v4_prefix_count"] >= 600_000 or p["v6_prefix_count"] >= 80_000]
    got = list(zip(full.column("collector").to_pylist(), full.column("asn").to_pylist(),
                   full.column("ip").to_pylist(), strict=True))
    assert got == want and len(want) == 756
    assert pc.sum(full.column("full_v4")).as_py() == sum(
        1 for _, p in peers if p["v4_prefix_count"] >= 600_000)


def test_routeviews_peers_match_raw_file(mirror: Path) -> None:
    lines = (mirror / RV).read_text().splitlines()[1:]  # line 1 is the header
    fields = [line.split("|") for line in lines]
    table = read_routeviews_peers(mirror / RV)
    assert table.num_rows == len(fields) == 1121
    v4 = [f for f in fields if ":" not in f[2]]
    assert pc.sum(table.column("v4_prefixes")).as_py() == sum(int(f[3]) for f in v4)
    assert table.column("v6_prefixes").null_count == len(v4)
    full = full_feed_peers(table)
    want = sum(1 for f in fields if int(f[3]) >= (80_000 if ":" in f[2] else 600_000))
    assert full.num_rows == want
    kz = table.filter(pc.equal(table.column("cc"), "KZ"))
    assert kz.num_rows == sum(1 for f in fields if f[4] == "KZ")


def test_full_feed_thresholds_by_hand() -> None:
    # 600,000 IPv4 is full (>=), 599,999 is not; an IPv6 session with 80,000 is full.
    t = parse_routeviews_peers([
        (1, b"c|1|10.0.0.1|600000|KZ|ripe |A"),
        (2, b"c|2|10.0.0.2|599999|KZ|ripe |B"),
        (3, b"c|3|2001:db8::3|80000|KZ|ripe |C"),
    ])
    full = full_feed_peers(t)
    assert full.column("asn").to_pylist() == [1, 3]
    assert full.column("full_v6").to_pylist() == [False, True]
    assert full_feed_peers(t, v4_threshold=599_999).num_rows == 3


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        (b"c|AS1|10.0.0.1|5|KZ|ripe |A", "not an AS number"),
        (b"c|1|10.0.0.300|5|KZ|ripe |A", "not an IP address"),
        (b"c|1|10.0.0.1|many|KZ|ripe |A", "not a prefix count"),
        (b"c|1|10.0.0.1|5", "expected 7 fields, found 4"),
    ],
)
def test_routeviews_bad_lines(line: bytes, needle: str) -> None:
    with pytest.raises(DataFormatError) as err:
        parse_routeviews_peers([(1, b"ROUTEVIEWS_COLLECTOR|AS_NUMBER|x|x|x|x|x"), (2, line)],
                               path="rv.txt")
    assert err.value.line == 2 and needle in str(err.value)


@pytest.mark.parametrize(
    ("doc", "needle"),
    [
        (b'{"rrc00": [{"asn": "x", "ip": "10.0.0.1", "v4_prefix_count": 1, '
         b'"v6_prefix_count": 0}]}', "rrc00[0].asn"),
        (b'{"rrc00": [{"asn": "1", "ip": "10.0.0.1"}]}', "lacks"),
        (b'{"rrc00": [{"asn": "1", "ip": "10.0.0.1", "v4_prefix_count": -1, '
         b'"v6_prefix_count": 0}]}', "not a prefix count"),
        (b'{"rrc00": [', "invalid JSON"),
    ],
)
def test_ris_bad_documents(doc: bytes, needle: str) -> None:
    with pytest.raises(DataFormatError, match=r"^ris\.json") as err:
        parse_ris_peers([(1, doc)], path="ris.json")
    assert needle in str(err.value)
