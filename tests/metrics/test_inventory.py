"""Kazakhstan's inventory against values re-derived here from the raw mirror files.

The derivation below reads the files with gzip/bz2/csv and plain Python, sharing no code
with crossroads: RIR registrations → KZ ASes; for ASes absent from the RIR files, the
AS-country range covering most of their originated IPv4 space (IPv6 /64s when they
originate no IPv4); then sums over the origin ranges.
"""

from __future__ import annotations

import bisect
import bz2
import csv
import gzip
import socket
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from crossroads.config import Settings
from crossroads.errors import DatasetMissingError, UnknownASNError, UnknownCountryError
from crossroads.ids import parse_asn
from crossroads.metrics.inventory import as_summary, country_profile
from crossroads.store import open_store

MIRROR = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@dataclass
class Raw:
    rir_cc: dict[int, str]
    v4_alloc_kz: int
    v6_alloc_kz: float
    ranges4: list[tuple[int, int, int]]  # start, end, asn
    ranges6: list[tuple[int, int, int]]  # start, end (top 64 bits), asn
    reg_kz: set[int]
    geo4_kz: int


def _csv(mirror: Path, name: str) -> list[list[str]]:
    with gzip.open(mirror / "ip-location-db" / name, "rt", newline="") as f:
        return list(csv.reader(f))


def _majority(ranges: list[tuple[int, int, int]], country: list[tuple[int, int, str]],
              asns: set[int]) -> dict[int, dict[str, int]]:
    """Per AS in ``asns``: overlap of its ranges with each country's ranges."""
    ends = [c[1] for c in country]
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for s, e, asn in ranges:
        if asn not in asns:
            continue
        i = bisect.bisect_left(ends, s)
        while i < len(country) and country[i][0] <= e:
            cs, ce, cc = country[i]
            out[asn][cc] += min(e, ce) - max(s, cs) + 1
            i += 1
    return out


def ip4(text: str) -> int:
    return int.from_bytes(socket.inet_pton(socket.AF_INET, text), "big")


def ip6(text: str) -> int:
    """Top 64 bits of an IPv6 address."""
    return int.from_bytes(socket.inet_pton(socket.AF_INET6, text)[:8], "big")


@cache
def raw(mirror: Path) -> Raw:
    rir_cc: dict[int, str] = {}
    v4 = 0
    v6 = 0.0
    for path in sorted((mirror / "rir-2018-10-13").glob("delegated-*.gz")):
        with gzip.open(path, "rt") as f:
            for line in f:
                p = line.strip().split("|")
                if len(p) < 7 or p[6] not in ("allocated", "assigned"):
                    continue
                if p[2] == "asn":
                    for asn in range(int(p[3]), int(p[3]) + int(p[4])):
                        rir_cc[asn] = p[1]
                elif p[2] == "ipv4" and p[1] == "KZ":
                    v4 += int(p[4])
                elif p[2] == "ipv6" and p[1] == "KZ":
                    v6 += 2.0 ** (48 - int(p[4]))
    ranges4 = [(ip4(r[0]), ip4(r[1]), int(r[2])) for r in _csv(mirror, "asn-ipv4.csv.gz")]
    ranges6 = [(ip6(r[0]), ip6(r[1]), int(r[2])) for r in _csv(mirror, "asn-ipv6.csv.gz")]
    origins = {a for _, _, a in ranges4} | {a for _, _, a in ranges6}
    others = origins - set(rir_cc) - {0}
    c4 = sorted((ip4(r[0]), ip4(r[1]), r[2]) for r in _csv(mirror, "asn-country-ipv4.csv.gz"))
    w4 = _majority(ranges4, c4, others)
    reg_kz = {a for a, cc in rir_cc.items() if cc == "KZ"}
    for asn, weights in w4.items():
        if max(sorted(weights), key=lambda cc: weights[cc]) == "KZ":
            reg_kz.add(asn)
    v6_only = others - set(w4)
    c6 = sorted((ip6(r[0]), ip6(r[1]), r[2]) for r in _csv(mirror, "asn-country-ipv6.csv.gz"))
    for asn, weights in _majority(ranges6, c6, v6_only).items():
        if max(sorted(weights), key=lambda cc: weights[cc]) == "KZ":
            reg_kz.add(asn)
    geo4 = sum(ip4(r[1]) - ip4(r[0]) + 1
               for r in _csv(mirror, "geo-whois-asn-country-ipv4.csv.gz") if r[2] == "KZ")
    return Raw(rir_cc, v4, v6, ranges4, ranges6, reg_kz, geo4)


def test_kz_profile_matches_the_raw_files(loaded_settings: Settings, mirror: Path) -> None:
    r = raw(mirror)
    p = country_profile(open_store(loaded_settings), "kz", top=5, country_by="registration")
    v4 = defaultdict(int)
    for s, e, asn in r.ranges4:
        if asn in r.reg_kz:
            v4[asn] += e - s + 1
    total = sum(v4.values())
    assert p.country == "KZ"
    assert p.asns == len(r.reg_kz)
    assert p.asns_by_rule["rir"] == sum(1 for cc in r.rir_cc.values() if cc == "KZ")
    assert p.ipv4_allocated == r.v4_alloc_kz
    assert p.ipv6_allocated_slash48s == pytest.approx(r.v6_alloc_kz)
    assert p.ipv4_originated == total
    assert p.ipv4_geolocated == r.geo4_kz
    top = sorted(v4.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    assert [(o.asn, o.ipv4_addresses) for o in p.top_origins] == top
    assert p.top_origins[0].asn == 9198  # Kazakhtelecom
    assert p.top_origins[0].ipv4_share == pytest.approx(top[0][1] / total)
    kinds = {d.kind for d in p.datasets}
    assert kinds == {"rir", "asn-ranges", "country-ranges", "geo-ranges"}


def test_profile_json_shape(loaded_settings: Settings) -> None:
    d = country_profile(open_store(loaded_settings), "KZ").as_dict()
    assert {"country", "asns", "ipv4_addresses", "ipv6_slash48s", "top_origins",
            "datasets"} <= set(d)
    assert set(d["top_origins"][0]) >= {"asn", "name", "ipv4_share"}
    assert d["top_origins"][0]["name"] == "JSC Kazakhtelecom"
    assert all("data_date" in x and "source" in x for x in d["datasets"])


def test_as_summary_neighbours_match_the_raw_as_rel(
    loaded_settings: Settings, mirror: Path
) -> None:
    prov, cust, peer = set(), set(), set()
    with bz2.open(mirror / "caida" / "20250901.as-rel2.txt.bz2", "rt") as f:
        for line in f:
            if line.startswith("#"):
                continue
            a, b, rel = (int(x) for x in line.split("|")[:3])
            if 9198 in (a, b):
                other = b if a == 9198 else a
                if rel == 0:
                    peer.add(other)
                elif a == 9198:
                    cust.add(other)
                else:
                    prov.add(other)
    s = as_summary(open_store(loaded_settings), "AS9198")
    assert {n.asn for n in s.providers} == prov
    assert {n.asn for n in s.customers} == cust
    assert {n.asn for n in s.peers} == peer
    assert (s.name, s.reg_cc, s.reg_rule, s.geo_cc) == ("JSC Kazakhtelecom", "KZ", "rir", "KZ")
    assert s.ipv4_addresses == sum(e - s_ + 1 for s_, e, a in raw(mirror).ranges4 if a == 9198)
    assert s.as_rel.dataset == "caida-as-rel2-20250901"


def test_as_summary_on_an_older_snapshot(loaded_settings: Settings) -> None:
    # in force on 2011-11-01: the latest snapshot on or before it, 2010-01-01 (the nearest,
    # 2012-01-01, lies 61 days after it and is not used).
    s = as_summary(open_store(loaded_settings), 9198, on=__import__("datetime").date(2011, 11, 1))
    assert s.as_rel.dataset == "caida-as-rel-20100101"


@pytest.mark.parametrize("bad", ["AS", "-5", "4294967296", "9198x", ""])
def test_malformed_asn(bad: str) -> None:
    with pytest.raises(UnknownASNError):
        parse_asn(bad)


def test_unknown_asn_and_country(loaded_settings: Settings) -> None:
    # 4000000000 lies in the unallocated IANA block 399261-4199999999: in no file.
    with pytest.raises(UnknownASNError, match="AS4000000000"):
        as_summary(open_store(loaded_settings), 4000000000)
    with pytest.raises(UnknownCountryError, match="registered in XX"):
        country_profile(open_store(loaded_settings), "XX")
    with pytest.raises(DatasetMissingError, match="nope"):
        as_summary(open_store(loaded_settings), 9198, as_rel="nope")
