"""Discovery: index formats parsed as published, and snapshots found by date at a local
server shaped like the publishers (``tests/sources/_publishers.py``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.sources._publishers import render_apache, render_ftp, render_nginx

from crossroads.errors import DataFormatError, DatasetMissingError, DownloadError
from crossroads.sources.index import (
    DirectoryTransport,
    Entry,
    HttpTransport,
    IndexCache,
    parse_listing,
    parse_md5,
    parse_npm_packument,
    parse_rrc_info,
)
from crossroads.sources.index.discover import KINDS, Index

WHEN = datetime(2024, 9, 1, 1, 42, tzinfo=UTC)
ROWS = [("2024.09/", None, WHEN), ("bview.20240901.0000.gz", 1_610_612_736, WHEN),
        ("updates.20240901.0005.gz", 6_710_886, WHEN)]


def _index(server, tmp_path: Path, **kw: object) -> Index:  # type: ignore[no-untyped-def]
    return Index(HttpTransport(base=server.base, timeout=2.0),
                 IndexCache(tmp_path / "index", **kw))  # type: ignore[arg-type]


def _names(specs: list) -> list[str]:  # type: ignore[type-arg]
    return [s.name for s in specs]


# -- index formats -------------------------------------------------------------------

def test_apache_table_listing_rounds_sizes_with_their_slack() -> None:
    got = parse_listing(render_apache("/rrc00", ROWS), base_path="/rrc00/")
    assert [e.name for e in got] == ["2024.09/", "bview.20240901.0000.gz",
                                     "updates.20240901.0005.gz"]
    # Apache writes 1.5G and 6.4M: 1024-based, one decimal, so ±0.1 of the unit
    assert (got[1].size, got[1].slack) == (int(1.5 * 2**30), 2**30 // 10)
    assert (got[2].size, got[2].slack) == (int(6.4 * 2**20), 2**20 // 10)
    assert abs(got[2].size - 6_710_886) <= got[2].slack
    assert got[0].is_dir and got[0].size is None and got[1].modified == WHEN


def test_nginx_listing_gives_exact_sizes() -> None:
    got = parse_listing(render_nginx("/rrc00/", ROWS))
    assert [(e.name, e.size, e.slack, e.modified) for e in got] == [
        ("2024.09/", None, 0, WHEN), ("bview.20240901.0000.gz", 1_610_612_736, 0, WHEN),
        ("updates.20240901.0005.gz", 6_710_886, 0, WHEN)]


def test_ftp_list_infers_the_year_of_recent_files() -> None:
    now = datetime(2024, 9, 10, tzinfo=UTC)
    text = render_ftp(ROWS, now) + "lrwxrwxrwx 1 ftp ftp 40 Sep 01 01:42 latest -> bview\r\n"
    got = parse_listing(text, now=now)
    assert [(e.name, e.size, e.modified) for e in got] == [
        ("2024.09/", None, WHEN), ("bview.20240901.0000.gz", 1_610_612_736, WHEN),
        ("updates.20240901.0005.gz", 6_710_886, WHEN), ("latest", 40, WHEN)]
    # "Dec 31 23:59" seen on 2025-01-02 is from the year before
    old = parse_listing("-rw-r--r-- 1 ftp ftp 5 Dec 31 23:59 x", now=datetime(2025, 1, 2,
                                                                             tzinfo=UTC))
    assert old[0].modified == datetime(2024, 12, 31, 23, 59, tzinfo=UTC)


def test_listing_links_outside_the_directory_are_ignored() -> None:
    page = ('<a href="?C=M;O=A">Last modified</a><a href="/pub/">Parent Directory</a>'
            '<a href="/pub/stats/2018/">2018/</a>  13-Oct-2018 23:59  -\n'
            '<a href="https://elsewhere.example/x">x</a>'
            '<a href="delegated%2Dx">delegated-x</a>  13-Oct-2018 23:59  42\n')
    got = parse_listing(page, base_path="/pub/stats/")
    assert [(e.name, e.size) for e in got] == [("2018/", None), ("delegated-x", 42)]


def test_entry_round_trips_through_the_cache_form() -> None:
    e = Entry("x.gz", 10, WHEN, 3)
    assert Entry.from_row(e.as_row()) == e


def test_npm_metadata_lists_published_versions_with_their_times() -> None:
    body = (b'{"name": "@ip-location-db/asn", "versions": {"2.3.2026061719": {}, '
            b'"2.3.2026052019": {}}, "time": {"created": "2021-03-01T00:00:00.000Z", '
            b'"2.3.2026052019": "2026-05-20T19:20:11.123Z", "1.0.0": "2021-03-01T00:00:00Z",'
            b' "2.3.2026061719": "2026-06-17T19:12:03.456Z"}}')
    got = parse_npm_packument(body)
    # unpublished 1.0.0 is only in "time"; oldest first
    assert [(r.version, r.published.isoformat()) for r in got] == [
        ("2.3.2026052019", "2026-05-20T19:20:11.123000+00:00"),
        ("2.3.2026061719", "2026-06-17T19:12:03.456000+00:00")]
    with pytest.raises(DataFormatError, match="not npm package metadata"):
        parse_npm_packument(b'{"versions": {}}', source="npm-x")


def test_rrc_info_and_md5_files() -> None:
    got = parse_rrc_info(b'{"data": {"rrcs": [{"name": "RRC03", "deactivated_on": '
                         b'"2008-11-01T00:00:00", "geographical_location": "Amsterdam"}, '
                         b'{"name": "RRC00", "deactivated_on": ""}]}}')
    assert [(c.name, c.active) for c in got] == [("rrc00", True), ("rrc03", False)]
    digest = "0bb8d65f1ff9d820f4bb56844f9948be"
    assert parse_md5(f"{digest}  delegated-arin-extended-20260928\n".encode()) == digest
    assert parse_md5(f"MD5 (delegated-x-latest) = {digest.upper()}".encode()) == digest
    with pytest.raises(DataFormatError, match="not an MD5 checksum line"):
        parse_md5(b"<html>", source="x.md5")


# -- discovery at the publishers -----------------------------------------------------

def test_newest_of_every_kind(publishers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    idx = _index(publishers, tmp_path)
    newest = {k: _names(idx.in_force(k)) for k in KINDS if k != "ris-peers"}
    assert newest == {
        "as-rel": ["caida-as-rel2-20250901"],
        "as-org": ["caida-as-org-20240101"],
        "pfx2as": ["caida-pfx2as-v4-20240201", "caida-pfx2as-v6-20240201"],
        "peeringdb": ["peeringdb-20241101"],
        "ixp": ["caida-ixs-202410"],
        "rir": [f"rir-{r}-20181013" for r in ("afrinic", "apnic", "arin", "lacnic", "ripencc")],
        "asn-ranges": ["ip-location-db-asn-ipv4-20260617", "ip-location-db-asn-ipv6-20260617"],
        "country-ranges": ["ip-location-db-asn-country-ipv4-20260617",
                           "ip-location-db-asn-country-ipv6-20260617"],
        "geo-ranges": ["ip-location-db-geo-whois-asn-country-ipv4-20260617",
                       "ip-location-db-geo-whois-asn-country-ipv6-20260617"],
        "rib": ["rib-rrc00-20240901.0800", "rib-route-views2-20240901.0000"],
        "updates": ["updates-rrc00-20240901.0000", "updates-route-views2-20240901.0000"],
    }
    # today's rrc-info, dated when it was retrieved
    (peers,) = idx.in_force("ris-peers")
    assert peers.name == f"ris-collectors-{datetime.now(UTC):%Y%m%d}"


def test_dated_selection_takes_the_latest_on_or_before(publishers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    idx = _index(publishers, tmp_path)
    # serial-1 and serial-2 are one part: whichever is in force
    assert _names(idx.in_force("as-rel", date(2025, 8, 31))) == ["caida-as-rel2-20250801"]
    assert _names(idx.in_force("as-rel", date(2025, 9, 1))) == ["caida-as-rel2-20250901"]
    assert _names(idx.in_force("as-rel", date(2010, 6, 1))) == ["caida-as-rel-20040101"]
    assert idx.in_force("as-rel", date(2001, 12, 31)) == []
    assert _names(idx.in_force("rir", date(2018, 10, 12))) == [
        f"rir-{r}-20181012" for r in ("afrinic", "apnic", "arin", "lacnic", "ripencc")]
    assert _names(idx.in_force("asn-ranges", date(2026, 6, 16))) == [
        "ip-location-db-asn-ipv4-20260520", "ip-location-db-asn-ipv6-20260520"]
    assert _names(idx.in_force("pfx2as", date(2024, 1, 31))) == [
        "caida-pfx2as-v4-20240101", "caida-pfx2as-v6-20240101"]
    assert _names(idx.in_force("peeringdb", date(2024, 10, 31))) == ["peeringdb-20241031"]
    # CAIDA builds ixs_202410 on 2024-11-01: in force from then on, not on 2024-10-15
    assert _names(idx.in_force("ixp", date(2024, 10, 15))) == ["caida-ixs-202409"]
    (ixs,) = idx.in_force("ixp", date(2024, 11, 1))
    assert (ixs.name, ixs.data_date) == ("caida-ixs-202410", date(2024, 11, 1))
    # same-day files (as-org's .jsonl.gz and .txt.gz, read alike): the alphabetically last
    assert idx.in_force("as-org")[0].url.endswith("20240101.as-org2info.txt.gz")
    assert _names(idx.in_force("as-org", date(2023, 1, 1))) == ["caida-as-org-20100101"]


def test_ribs_by_instant_and_collector(publishers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    idx = _index(publishers, tmp_path)
    three = ["rrc00", "route-views2", "route-views.linx"]
    # a date means its 00:00 UTC: each collector's first dump of the day
    assert _names(idx.in_force("rib", date(2024, 9, 1), collectors=three)) == [
        "rib-rrc00-20240901.0000", "rib-route-views2-20240901.0000",
        "rib-route-views.linx-20240901.0000"]
    late = idx.in_force("rib", datetime(2024, 8, 31, 23, 0, tzinfo=UTC))
    assert [(s.name, s.collector, s.data_time) for s in late] == [
        ("rib-rrc00-20240831.1600", "rrc00", datetime(2024, 8, 31, 16, tzinfo=UTC)),
        ("rib-route-views2-20240831.2200", "route-views2", datetime(2024, 8, 31, 22, tzinfo=UTC))]
    rv = idx.in_force("rib", collectors=["route-views2"])[0]
    assert rv.url == "https://archive.routeviews.org/bgpdata/2024.09/RIBS/rib.20240901.0000.bz2"
    # without --since: the newest month of each collector
    assert _names(idx.available("rib")) == [
        "rib-route-views2-20240901.0000", "rib-rrc00-20240901.0000", "rib-rrc00-20240901.0800"]
    names = [c.name for c in idx.collectors(every=True)]
    assert names[:3] == ["route-views.linx", "route-views2", "rrc00"] and "rrc03" not in names
    with pytest.raises(DatasetMissingError, match="unknown route collector 'rrc99'"):
        idx.collectors(["rrc99"])


def test_newest_rib_opens_two_listings_not_the_archive(publishers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    idx = _index(publishers, tmp_path)
    idx.collectors()  # rrc-info and the RouteViews root
    before = len(publishers.requests)
    idx.in_force("rib", collectors=["rrc00"])
    assert publishers.paths()[before:] == ["/data.ris.ripe.net/rrc00/",
                                           "/data.ris.ripe.net/rrc00/2024.09/"]


def test_warm_cache_reads_nothing_refresh_rereads_open_ones(publishers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    want = _names(_index(publishers, tmp_path).in_force("rib", date(2024, 8, 31)))
    before = len(publishers.requests)
    assert _names(_index(publishers, tmp_path).in_force("rib", date(2024, 8, 31))) == want
    assert len(publishers.requests) == before  # a new run, every index from the cache
    _index(publishers, tmp_path, refresh=True).in_force("rib", date(2024, 8, 31))
    reread = publishers.paths()[before:]
    # the collectors' roots and documents are open-ended and read again; the month of
    # August 2024, closed long before it was read, is not
    assert "/data.ris.ripe.net/rrc00/" in reread
    assert not [p for p in reread if "2024.08" in p]


def test_a_mirror_of_the_trees_reads_like_the_publishers(publishers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    http = _index(publishers, tmp_path)
    local = Index(DirectoryTransport(publishers.tree.root), IndexCache(None))
    for kind in KINDS:
        a, b = http.in_force(kind), local.in_force(kind)
        assert [(s.name, s.url, s.size, s.checksum_url) for s in a] == \
            [(s.name, s.url, s.size, s.checksum_url) for s in b], kind
    assert _names(http.available("rir", since=date(2018, 10, 13))) == _names(
        local.available("rir", since=date(2018, 10, 13)))


def test_published_checksums_and_sizes_are_recorded(publishers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    by_name = {s.name: s for s in _index(publishers, tmp_path).in_force("rir")}
    ripe, arin = by_name["rir-ripencc-20181013"], by_name["rir-arin-20181013"]
    # RIPE NCC archives .bz2 beside an .md5 of the uncompressed file; ARIN a plain file
    assert ripe.url.endswith("/ripencc/2018/delegated-ripencc-extended-20181013.bz2")
    assert (ripe.checksum_url, ripe.checksum_decompressed) == (
        "https://ftp.ripe.net/pub/stats/ripencc/2018/delegated-ripencc-extended-20181013.md5",
        True)
    assert arin.checksum_url.endswith("delegated-arin-extended-20181013.md5")
    assert not arin.checksum_decompressed
    served = publishers.tree.root / "ftp.arin.net/pub/stats/arin/delegated-arin-extended-20181013"
    assert (arin.size, arin.size_slack) == (served.stat().st_size, 0)  # nginx: exact bytes


def test_a_publisher_error_is_one_clear_line(publishers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    publishers.fault("https://publicdata.caida.org/datasets/as-relationships/serial-2/", 500,
                     500, 500)
    with pytest.raises(DownloadError) as info:
        _index(publishers, tmp_path).in_force("as-rel")
    assert str(info.value.message) == (
        "https://publicdata.caida.org/datasets/as-relationships/serial-2/: "
        "HTTP 500 Internal Server Error")
    publishers.fault("https://ftp.ripe.net/pub/stats/ripencc/", ("slow", 1.5))
    idx = Index(HttpTransport(base=publishers.base, timeout=0.5), IndexCache(None))
    with pytest.raises(DownloadError, match=r"ripencc/: no answer within 0.5 s"):
        idx.in_force("rir")
    with pytest.raises(DatasetMissingError, match="unknown dataset kind 'as-rels'"):
        idx.available("as-rels")
