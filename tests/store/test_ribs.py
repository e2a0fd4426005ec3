"""RIBs by date and collector: discovered at the collectors' archives (a local server whose
dumps are the mirror's MRT files), downloaded, parsed into Parquet partitions, read back."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from tests.sources._publishers import RIS_FILES, RV_FILES, publish

from crossroads.config import Settings
from crossroads.errors import CrossroadsError
from crossroads.sources.index import HttpTransport
from crossroads.sources.mrt import read_mrt
from crossroads.sources.mrt.paths import FullFeedThresholds, full_feed_peers
from crossroads.store import fetch_ribs, open_store, update


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", mirror=None)


def _via(server) -> HttpTransport:  # type: ignore[no-untyped-def]
    return HttpTransport(base=server.base, timeout=5.0)


def _routes(mirror: Path, rel: str) -> pa.Table:
    """RIB and announce rows of the mirror file a served dump was made from."""
    t = read_mrt(mirror / rel)
    return t.filter(pc.is_in(t.column("type"), pa.array(["rib", "announce"])))


def test_ribs_of_two_collectors_are_fetched_parsed_and_read_back(
    publishers, tmp_path: Path, mirror: Path  # type: ignore[no-untyped-def]
) -> None:
    s = _settings(tmp_path)
    got = fetch_ribs(s, on=date(2024, 9, 1), collectors=["rrc00", "route-views2"],
                     transport=_via(publishers))
    rrc00 = read_mrt(mirror / RIS_FILES["rrc00/2024.09/bview.20240901.0000.gz"])
    rv2 = read_mrt(mirror / RV_FILES["bgpdata/2024.09/RIBS/rib.20240901.0000.bz2"])
    assert [(r.name, r.status, r.rows) for r in got] == [
        ("rib-rrc00-20240901.0000", "loaded", rrc00.num_rows),
        ("rib-route-views2-20240901.0000", "loaded", rv2.num_rows)]
    store = open_store(s)
    recs = store.ribs()
    assert [(r.collector, r.data_time, r.rows) for r in recs] == [
        ("route-views2", datetime(2024, 9, 1, tzinfo=UTC), rv2.num_rows),
        ("rrc00", datetime(2024, 9, 1, tzinfo=UTC), rrc00.num_rows)]
    # Parquet partitioned by date and collector, every row tagged with its collector
    assert recs[1].path == (s.parquet_dir / "ribs" / "date=2024-09-01" / "collector=rrc00"
                            / "bview.20240901.0000.gz.parquet")
    routes = store.rib_routes()
    assert routes.column_names == ["timestamp", "collector", "peer_asn", "prefix", "as_path"]
    want = _routes(mirror, RIS_FILES["rrc00/2024.09/bview.20240901.0000.gz"]).num_rows + \
        _routes(mirror, RV_FILES["bgpdata/2024.09/RIBS/rib.20240901.0000.bz2"]).num_rows
    assert routes.num_rows == want
    assert set(routes.column("collector").to_pylist()) == {"rrc00", "route-views2"}
    # vantage points: the full-feed peers of the stored RIBs (a low threshold, small files)
    low = FullFeedThresholds(ipv4=1000, ipv6=1000)
    both = pa.concat_tables([rv2, rrc00])
    direct = full_feed_peers(both, thresholds=low)
    assert store.rib_vantage_points(thresholds=low) == sorted(
        {int(a) for a in direct.filter(direct.column("full_feed")).column("peer_asn").to_pylist()})
    assert store.rib_vantage_points(thresholds=low) != []
    # fetched again: nothing new
    again = fetch_ribs(s, on=date(2024, 9, 1), collectors=["rrc00", "route-views2"],
                       transport=_via(publishers))
    assert [r.status for r in again] == ["unchanged", "unchanged"]


def test_the_dump_in_force_at_an_instant(publishers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s = _settings(tmp_path)
    fetch_ribs(s, on=datetime(2024, 8, 31, 23, 0), transport=_via(publishers))
    fetch_ribs(s, on=date(2024, 9, 1), collectors=["rrc00"], transport=_via(publishers))
    store = open_store(s)
    assert [r.name for r in store.ribs()] == ["rib-route-views2-20240831.2200",
                                              "rib-rrc00-20240901.0000"]
    # a date is its 00:00 UTC, an instant is itself
    assert [r.name for r in store.ribs(on=date(2024, 9, 1))] == [
        "rib-route-views2-20240831.2200", "rib-rrc00-20240901.0000"]
    assert [r.name for r in store.ribs(on=datetime(2024, 8, 31, 21, 0, tzinfo=UTC))] == [
        "rib-rrc00-20240831.1600"]
    assert store.ribs(on=date(2024, 8, 31)) == []


def test_a_damaged_dump_is_not_loaded(publishers, tmp_path: Path, mirror: Path) -> None:  # type: ignore[no-untyped-def]
    s = _settings(tmp_path)
    fetch_ribs(s, on=datetime(2024, 8, 31, 23, 0), collectors=["rrc00"],
               transport=_via(publishers))
    whole = gzip.decompress((mirror / "mrt/bview.20020722.2337.gz").read_bytes())
    publish(publishers.tree.root, "https://data.ris.ripe.net/rrc00/2024.09/"
            "bview.20240901.0000.gz", gzip.compress(whole[: len(whole) // 2]))
    with pytest.raises(CrossroadsError, match=r"bview\.20240901\.0000\.gz, byte offset \d+: "
                       r"MRT record \d+ is truncated.*RIB rib-rrc00-20240901.0000 was not"):
        fetch_ribs(s, on=date(2024, 9, 1), collectors=["rrc00"], transport=_via(publishers))
    store = open_store(s)
    assert [r.name for r in store.ribs()] == ["rib-rrc00-20240831.1600"]
    assert not list((s.parquet_dir / "ribs").glob("date=2024-09-01/*/*.parquet"))


def test_update_follows_the_stored_collectors(publishers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s = _settings(tmp_path)
    fetch_ribs(s, on=date(2024, 9, 1), collectors=["rrc00"], transport=_via(publishers))
    done = update(s, kinds=["rib"], keep=1, transport=_via(publishers))
    assert [r.name for r in done.loaded] == ["rib-rrc00-20240901.0800"]
    assert done.pruned == ["rib-rrc00-20240901.0000"]
    assert [r.name for r in open_store(s).ribs()] == ["rib-rrc00-20240901.0800"]
    assert len(list((s.parquet_dir / "ribs").rglob("*.parquet"))) == 1


@pytest.mark.slow
def test_ribs_on_a_local_dask_cluster(publishers, tmp_path: Path, mirror: Path) -> None:  # type: ignore[no-untyped-def]
    s = _settings(tmp_path)
    seen: list[tuple[str, str]] = []
    got = fetch_ribs(s, on=date(2024, 9, 1), collectors=["rrc00", "route-views2"],
                     transport=_via(publishers), scheduler="local", workers=2,
                     progress=lambda name, phase, done, total: seen.append((name, phase)))
    rrc00 = read_mrt(mirror / RIS_FILES["rrc00/2024.09/bview.20240901.0000.gz"])
    assert [(r.name, r.rows) for r in got][0] == ("rib-rrc00-20240901.0000", rrc00.num_rows)
    assert ("rib-rrc00-20240901.0000", "fetch") in seen and \
        ("rib-route-views2-20240901.0000", "loaded") in seen
    assert [r.collector for r in open_store(s).ribs()] == ["route-views2", "rrc00"]
