"""The read API on the fully loaded store, checked against counts taken from the raw files."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from crossroads.config import Settings
from crossroads.errors import DatasetMissingError
from crossroads.routing.load import relationship_snapshot
from crossroads.sources.catalog import CATALOG
from crossroads.store import open_store
from crossroads.store.load import select_specs


def _gz_lines(path: Path) -> list[str]:
    with gzip.open(path, "rt") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def test_every_catalogue_dataset_the_mirror_holds_is_loaded(
    loaded_settings: Settings, mirror: Path
) -> None:
    names = {d.name for d in open_store(loaded_settings).datasets()}
    assert names == {s.name for s in CATALOG if (mirror / s.mirror_path).is_file()}
    assert names >= {s.name for s in CATALOG if not s.optional}


def test_one_date_rule_for_fetch_store_and_routing(loaded_settings: Settings) -> None:
    # Every snapshot is loaded here, so the catalogue (routing, fetch --date) and the store
    # (as --date) choose among the same ones and must agree: latest on or before the date.
    store = open_store(loaded_settings)
    for day, want in [
        (date(2002, 1, 1), "caida-as-rel-20020101"),   # the day itself
        (date(2003, 12, 31), "caida-as-rel-20020101"),  # one day before 2004-01-01
        (date(2011, 11, 1), "caida-as-rel-20100101"),   # 2012-01-01 is nearer, but later
        (date(2025, 8, 31), "caida-as-rel-20180101"),
        (date(2030, 1, 1), "caida-as-rel2-20250901"),
    ]:
        fetched = [s.name for s in select_specs(on=day) if s.kind == "as-rel"]
        assert fetched == [relationship_snapshot(day).name] == [
            store.as_rel_dataset(on=day).name] == [want], day
    with pytest.raises(DatasetMissingError, match="on or before 2001-12-31"):
        store.as_rel_dataset(on=date(2001, 12, 31))


def test_ranges_match_the_files(loaded_settings: Settings, mirror: Path) -> None:
    store = open_store(loaded_settings)
    asn4 = _gz_lines(mirror / "ip-location-db" / "asn-ipv4.csv.gz")
    t = store.ip_ranges(family=4)
    assert t.num_rows == len(asn4)
    first = asn4[0].split(",")  # 1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."
    row = t.slice(0, 1).to_pylist()[0]
    assert (row["start_ip"], row["end_ip"], row["asn"]) == (first[0], first[1], int(first[2]))
    assert row["addresses"] == 256 and row["start_num"] == 1 << 24
    geo6 = _gz_lines(mirror / "ip-location-db" / "geo-whois-asn-country-ipv6.csv.gz")
    assert store.country_ranges("geo", family=6).num_rows == len(geo6)


def test_rir_and_asn_registrations(loaded_settings: Settings, mirror: Path) -> None:
    """KZ ASNs in the RIR files (allocated/assigned, blocks expanded) = rule 'rir' rows."""
    kz = set()
    for path in (mirror / "rir-2018-10-13").glob("*.gz"):
        for line in _gz_lines(path):
            p = line.split("|")
            if len(p) >= 7 and p[1] == "KZ" and p[2] == "asn" and p[6] in ("allocated",
                                                                           "assigned"):
                kz.update(range(int(p[3]), int(p[3]) + int(p[4])))
    info = open_store(loaded_settings).as_info()
    got = set(info.loc[(info.reg_cc == "KZ") & (info.reg_rule == "rir"), "asn"].astype(int))
    assert got == kz
    assert 9198 in kz and 29355 in kz


def test_links_default_named_and_nearest(loaded_settings: Settings) -> None:
    store = open_store(loaded_settings)
    assert store.links().num_rows == 570_696  # data README: 570,696 links
    assert store.as_rel_dataset(on=date(2007, 1, 1)).name == "caida-as-rel-20060101"
    assert store.links("caida-as-rel-20020101").num_rows == store.dataset(
        "caida-as-rel-20020101").rows


def test_peers_and_ixps(loaded_settings: Settings, mirror: Path) -> None:
    store = open_store(loaded_settings)
    rv = (mirror / "collectors" / "RouteViews_20230801.txt").read_text().splitlines()
    peers = store.collector_peers()
    assert peers.filter(peers.column("project").to_numpy(zero_copy_only=False)
                        == "routeviews").num_rows == len([x for x in rv[1:] if x.strip()])
    ixs = (mirror / "ixp" / "caida-ixs-202410.jsonl").read_text().splitlines()
    assert store.ixps().num_rows == len([x for x in ixs if x.strip() and not x.startswith("#")])
