"""Prefix-to-AS readers: exact CIDR covers, ip-location-db ranges, pfx2as, bad input."""

from __future__ import annotations

import csv
import gzip
import ipaddress
import socket
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.errors import DataFormatError
from crossroads.sources._ip import cover_ints, cover_ipv4_arrays
from crossroads.sources.prefix2as import (
    parse_country_ranges,
    parse_ip_ranges,
    parse_pfx2as,
    prefixes_of_ranges,
    range_to_cidrs,
    read_country_ranges,
    read_ip_ranges,
    read_pfx2as,
)

FIXTURES = Path(__file__).parent / "fixtures"
V6_MAX = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"


def _stdlib(start: str, end: str) -> list[str]:
    first, last = ipaddress.ip_address(start), ipaddress.ip_address(end)
    return [str(n) for n in ipaddress.summarize_address_range(first, last)]


# --- range_to_cidrs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("::", V6_MAX, ["::/0"]),
        ("0.0.0.0", "255.255.255.255", ["0.0.0.0/0"]),
        ("192.0.2.7", "192.0.2.7", ["192.0.2.7/32"]),
        ("2001:db8::1", "2001:db8::1", ["2001:db8::1/128"]),
        (V6_MAX, V6_MAX, [V6_MAX + "/128"]),
        ("255.255.255.255", "255.255.255.255", ["255.255.255.255/32"]),
        # 10.0.0.1..10.0.0.6: 1 (odd: /32), 2-3 (/31), 4-5 (/31), 6 (/32)
        ("10.0.0.1", "10.0.0.6", ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"]),
        # 0.0.0.1..255.255.255.255: one block of each size 2**0 .. 2**31 -> 32 prefixes
        ("0.0.0.1", "255.255.255.255", _stdlib("0.0.0.1", "255.255.255.255")),
        # ::1 .. ffff:…:fffe: the worst IPv6 case, 127 + 127 blocks
        ("::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
         _stdlib("::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")),
        # an unaligned /48-ish run ending at the top of a /32
        ("2001:db8:1::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
         ["2001:db8:1::/48", "2001:db8:2::/47", "2001:db8:4::/46", "2001:db8:8::/45",
          "2001:db8:10::/44", "2001:db8:20::/43", "2001:db8:40::/42", "2001:db8:80::/41",
          "2001:db8:100::/40", "2001:db8:200::/39", "2001:db8:400::/38", "2001:db8:800::/37",
          "2001:db8:1000::/36", "2001:db8:2000::/35", "2001:db8:4000::/34",
          "2001:db8:8000::/33"]),
    ],
)
def test_range_to_cidrs_edges(start: str, end: str, expected: list[str]) -> None:
    assert range_to_cidrs(start, end) == expected
    assert range_to_cidrs(start, end) == _stdlib(start, end)


def test_worst_cases_have_the_expected_size() -> None:
    assert len(range_to_cidrs("0.0.0.1", "255.255.255.254")) == 62  # 31 + 31 blocks
    assert len(range_to_cidrs("::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")) == 254


@pytest.mark.parametrize(
    ("start", "end"),
    [("10.0.0.2", "10.0.0.1"), ("10.0.0.1", "::1"), ("10.0.0.256", "10.0.1.0"), ("x", "y")],
)
def test_range_to_cidrs_rejects(start: str, end: str) -> None:
    with pytest.raises(ValueError):
        range_to_cidrs(start, end)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**128 - 1), st.integers(0, 2**128 - 1), st.booleans())
def test_cover_equals_stdlib_summarize(a: int, b: int, v4: bool) -> None:
    if v4:
        a, b = a >> 96, b >> 96
    first, last = sorted((a, b))
    cls = ipaddress.IPv4Address if v4 else ipaddress.IPv6Address
    expected = [(int(n.network_address), n.prefixlen)
                for n in ipaddress.summarize_address_range(cls(first), cls(last))]
    assert cover_ints(first, last, 32 if v4 else 128) == expected


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)), min_size=1,
                max_size=40))
def test_vectorised_ipv4_cover_equals_scalar(pairs: list[tuple[int, int]]) -> None:
    ranges = [tuple(sorted(p)) for p in pairs]
    first = np.array([r[0] for r in ranges], np.uint64)
    last = np.array([r[1] for r in ranges], np.uint64)
    idx, net, length = cover_ipv4_arrays(first, last)
    got = list(zip(idx.tolist(), net.tolist(), length.tolist(), strict=True))
    want = [(i, n, p) for i, r in enumerate(ranges) for n, p in cover_ints(r[0], r[1], 32)]
    assert got == want


# --- ip-location-db, real files -------------------------------------------------------------


def _csv_rows(path: Path) -> list[list[str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


@pytest.mark.slow
def test_asn_ipv4_matches_raw_file(mirror: Path) -> None:
    path = mirror / "ip-location-db/asn-ipv4.csv.gz"
    raw = _csv_rows(path)
    table = read_ip_ranges(path)
    assert table.num_rows == len(raw)

    def num(a: str) -> int:
        return int.from_bytes(socket.inet_aton(a), "big")

    def size(r: list[str]) -> int:
        return num(r[1]) - num(r[0]) + 1

    kt = sum(size(r) for r in raw if r[2] == "9198")  # Kazakhtelecom's originated IPv4
    mask = pc.equal(table.column("asn"), 9198)
    assert pc.sum(pc.filter(table.column("addresses"), mask)).as_py() == kt > 1_000_000
    assert pc.sum(table.column("addresses")).as_py() == sum(size(r) for r in raw)
    first = table.slice(0, 1).to_pylist()[0]
    assert first["org"] == raw[0][3] == "Cloudflare, Inc."
    assert first["start_num"] == num(raw[0][0])

    # The exact CIDR cover of AS9198's ranges, re-derived with the standard library.
    prefixes = prefixes_of_ranges(table.filter(mask))
    want = sorted(p for r in raw if r[2] == "9198" for p in _stdlib(r[0], r[1]))
    assert sorted(prefixes.column("prefix").to_pylist()) == want
    assert set(prefixes.column("asn").to_pylist()) == {9198}


def test_asn_ipv6_matches_raw_file(mirror: Path) -> None:
    path = mirror / "ip-location-db/asn-ipv6.csv.gz"
    raw = _csv_rows(path)
    table = read_ip_ranges(path)
    assert table.num_rows == len(raw)
    assert set(table.column("family").to_pylist()) == {6}

    def slash48s(r: list[str]) -> float:
        n = int(ipaddress.IPv6Address(r[1])) - int(ipaddress.IPv6Address(r[0])) + 1
        return n / 2**80

    for asn in ("9198", "35104", "6939"):
        want = sum(slash48s(r) for r in raw if r[2] == asn)
        got = pc.sum(pc.filter(table.column("addresses"), pc.equal(table.column("asn"),
                                                                   int(asn)))).as_py()
        assert got == pytest.approx(want, rel=1e-12)
    row = raw[100]
    assert table.column("start_num")[100].as_py() == int(ipaddress.IPv6Address(row[0])) >> 64
    assert table.column("end_num")[100].as_py() == int(ipaddress.IPv6Address(row[1])) >> 64
    # Every range's CIDR cover adds back up to its size.
    pfx = prefixes_of_ranges(table.slice(0, 2000))
    total = sum(2.0 ** (48 - p) for p in pfx.column("length").to_pylist())
    assert total == pytest.approx(pc.sum(table.column("addresses").slice(0, 2000)).as_py())


@pytest.mark.parametrize("stem", ["asn-country-ipv4", "geo-whois-asn-country-ipv6"])
def test_country_ranges_match_raw_file(mirror: Path, stem: str) -> None:
    path = mirror / f"ip-location-db/{stem}.csv.gz"
    raw = _csv_rows(path)
    table = read_country_ranges(path)
    assert table.num_rows == len(raw)
    kz = [r for r in raw if r[2] == "KZ"]
    unit = 1 if stem.endswith("ipv4") else 2**80
    want = sum(int(ipaddress.ip_address(r[1])) - int(ipaddress.ip_address(r[0])) + 1
               for r in kz) / unit
    got = pc.sum(pc.filter(table.column("addresses"), pc.equal(table.column("cc"), "KZ")))
    assert got.as_py() == pytest.approx(want, rel=1e-12) and kz


def test_non_canonical_ipv6_spelling_is_read() -> None:
    # geo-whois writes "2c0f:e9a0:2:0:0:0:2a::" (7 groups then "::"): = 2c0f:e9a0:2::2a:0
    t = parse_country_ranges([(1, b"2c0f:e9a0:2:0:0:0:2a::,2c0f:e9a0:2::2a:ffff,FR")])
    assert t.column("start")[0].as_py() == "2c0f:e9a0:2:0:0:0:2a::"  # kept as written
    assert t.column("addresses")[0].as_py() == 65536 / 2**80
    assert range_to_cidrs("2c0f:e9a0:2:0:0:0:2a::", "2c0f:e9a0:2::2a:ffff") == [
        "2c0f:e9a0:2::2a:0/112"]


def test_prefixes_of_ranges_keeps_cc() -> None:
    t = parse_country_ranges([(1, b"10.0.0.1,10.0.0.6,KZ"), (2, b"::,::ffff,US")])
    p = prefixes_of_ranges(t)
    assert p.column("prefix").to_pylist() == ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31",
                                               "10.0.0.6/32", "::/112"]
    assert p.column("cc").to_pylist() == ["KZ"] * 4 + ["US"]
    assert p.column("asn").null_count == 5


# --- pfx2as --------------------------------------------------------------------------------


def test_pfx2as_fixture() -> None:
    t = read_pfx2as(FIXTURES / "routeviews-rv2-20240101.pfx2as")
    rows = {r["prefix"]: r for r in t.to_pylist()}
    assert len(rows) == 9
    assert rows["5.34.0.0/17"]["origin_asns"] == [9198, 50482]
    assert rows["5.34.0.0/17"]["is_moas"] and not rows["5.34.0.0/17"]["is_as_set"]
    assert rows["12.0.0.0/8"]["origin_asns"] == [7018, 2386]
    assert rows["12.0.0.0/8"]["is_as_set"] and not rows["12.0.0.0/8"]["is_moas"]
    assert rows["45.8.0.0/22"]["origin_asns"] == [206026, 21299, 3216]
    assert rows["45.8.0.0/22"]["is_as_set"] and rows["45.8.0.0/22"]["is_moas"]
    assert rows["2a03:9900::/32"] == {"prefix": "2a03:9900::/32", "family": 6, "length": 32,
                                      "origin_asns": [29355, 21299], "is_moas": True,
                                      "is_as_set": False}


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        (b"1.0.0.0,1.0.0.255,13335", "expected 4 fields, found 3"),
        (b'1.0.0.0,1.0.0.255,13335,"A, B",x', "expected 4 fields, found 5"),
        (b"1.0.0.0,1.0.0.255,AS13335,Cloudflare", "not an AS number"),
        (b"1.0.0.0,1.0.0.256,13335,Cloudflare", "not an IPv4 address"),
        (b"1.0.0,1.0.0.255,13335,Cloudflare", "not an IPv4 address"),
        (b"2001:db8::g,2001:db8::ffff,64500,Bad", "not an IPv6 address"),
        (b"2001:db8::1::2,2001:db8::ffff,64500,Bad", "not an IPv6 address"),
        (b"2001:db8::ffff,2001:db8::1,64500,Backwards", "range ends before it starts"),
        (b"1.0.0.9,1.0.0.1,64500,Backwards", "range ends before it starts"),
    ],
)
def test_ip_ranges_bad_line_names_file_and_line(line: bytes, needle: str) -> None:
    lines = [(1, b"1.0.0.0,1.0.0.255,13335,Cloudflare"), (2, b"::,::ff,1,X"), (3, line)]
    with pytest.raises(DataFormatError) as err:
        parse_ip_ranges(lines, path="asn.csv")
    assert err.value.line == 3 and needle in str(err.value)
    assert str(err.value).startswith("asn.csv, line 3: ")


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        (b"1.0.0.0\t24", "expected 3 fields, found 2"),
        (b"1.0.0.0\t33\t1", "prefix length out of range"),
        (b"2001:db8::\t129\t1", "prefix length out of range"),
        (b"1.0.0.0\t24\t1_x", "not an AS number"),
        (b"2001:db8:::\t32\t1", "not an IPv6 address"),
    ],
)
def test_pfx2as_bad_line(line: bytes, needle: str) -> None:
    with pytest.raises(DataFormatError) as err:
        parse_pfx2as([(1, b"1.0.0.0\t24\t13335"), (2, line)], path="rv.pfx2as")
    assert err.value.line == 2 and needle in str(err.value)


def test_truncated_gz_names_file(mirror: Path, tmp_path: Path) -> None:
    data = (mirror / "ip-location-db/asn-ipv4.csv.gz").read_bytes()
    cut = tmp_path / "asn-ipv4.csv.gz"
    cut.write_bytes(data[: len(data) * 3 // 4])
    with pytest.raises(DataFormatError) as err:
        read_ip_ranges(cut)
    assert err.value.path == str(cut) and err.value.line is not None and err.value.line > 1
    assert "truncated" in str(err.value)
