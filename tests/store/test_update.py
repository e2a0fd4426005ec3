"""``fetch`` without a mirror and ``update`` against a local publisher server built from the
mirror's files (``tests/sources/_publishers.py``): newest and dated selection, a snapshot
appearing mid-update, resumed downloads, checksum mismatches, publisher failures, the
lock and the retention rule."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.sources._publishers import publish

from crossroads.config import Settings
from crossroads.errors import BusyError, DownloadError
from crossroads.sources.index import HttpTransport
from crossroads.store import fetch, open_store, update
from crossroads.store._lock import store_lock

RIRS = ("afrinic", "apnic", "arin", "lacnic", "ripencc")
SERIAL2 = "https://publicdata.caida.org/datasets/as-relationships/serial-2/"


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", mirror=None)


def _via(server, timeout: float = 5.0) -> HttpTransport:  # type: ignore[no-untyped-def]
    return HttpTransport(base=server.base, timeout=timeout)


def _loaded(settings: Settings) -> list[str]:
    return [d.name for d in open_store(settings).datasets()]


def _links(settings: Settings, dataset: str) -> int:
    t = open_store(settings).query("SELECT count(*) AS n FROM as_links WHERE dataset = ?",
                                   [dataset])
    return t.column("n")[0].as_py()


def test_fetch_takes_per_part_the_snapshot_in_force(publishers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s = _settings(tmp_path)
    got = fetch(s, on=date(2025, 8, 15), transport=_via(publishers))
    status = {r.name: r.status for r in got}
    # every kind by the one rule; ip-location-db (2026) and today's RIS peer list are
    # after the date: skipped with a note, never a silent jump forward
    assert status == {
        "caida-as-rel2-20250801": "loaded",
        "asn-ranges": "skipped", "country-ranges": "skipped", "geo-ranges": "skipped",
        **{f"rir-{r}-20181013": "loaded" for r in RIRS},
        "caida-ixs-202410": "loaded", "ris-peers": "skipped",
        "routeviews-collectors-20230801": "loaded",
        "caida-as-org-20240101": "loaded",
        "caida-pfx2as-v4-20240201": "loaded", "caida-pfx2as-v6-20240201": "loaded",
        "peeringdb-20241101": "loaded",
    }
    notes = {r.name: r.note for r in got if r.status == "skipped"}
    assert notes["asn-ranges"] == ("no prefix→AS (ip-location-db) snapshot on or before "
                                   "2025-08-15 at the publisher")
    rows = {r.name: r.rows for r in got}
    for name in ("caida-as-rel2-20250801", "caida-ixs-202410"):
        assert rows[name] == publishers.tree.rows[name], name
    delegations = open_store(s).query(
        "SELECT count(*) AS n FROM rir_delegations WHERE dataset = 'rir-arin-20181013'")
    assert delegations.column("n")[0].as_py() == publishers.tree.rows["rir-arin-20181013"]
    rec = open_store(s).dataset("rir-ripencc-20181013")
    assert rec.source == ("https://ftp.ripe.net/pub/stats/ripencc/2018/"
                          "delegated-ripencc-extended-20181013.bz2")
    # the far-apart inputs are noted
    assert open_store(s).date_notes(["as-rel", "rir"]) == [
        "AS→country (RIR delegations) of 2018-10-13 with the AS graph (CAIDA AS "
        "relationships) of 2025-08-01: 6.8 years apart"]
    # without a date: the newest of each part
    newest = {r.name for r in fetch(s, ["caida-as-rel2-20250901",
                                        "ip-location-db-asn-ipv4-20260617"],
                                    transport=_via(publishers))}
    assert newest == {"caida-as-rel2-20250901", "ip-location-db-asn-ipv4-20260617"}
    assert open_store(s).as_rel_dataset().name == "caida-as-rel2-20250901"
    assert open_store(s).as_rel_dataset(on=date(2025, 8, 31)).name == "caida-as-rel2-20250801"


def test_update_swaps_in_the_newer_and_keeps_the_previous_until_then(
    publishers, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    s = _settings(tmp_path)
    fetch(s, ["caida-as-rel2-20250801", *(f"rir-{r}-20181012" for r in RIRS)],
          transport=_via(publishers))
    seen: dict[str, object] = {}

    def hook(step: str) -> None:
        if step == "prepared":  # new files parsed, not yet committed: readers see the old
            store = open_store(s)
            seen["as-rel"] = store.as_rel_dataset().name
            seen["rir"] = [d.name for d in store.current("rir")]
            # meanwhile CAIDA publishes the next snapshot
            publish(publishers.tree.root, SERIAL2 + "20251001.as-rel2.txt.bz2",
                    (publishers.tree.root / "publicdata.caida.org/datasets/as-relationships/"
                     "serial-2/20250901.as-rel2.txt.bz2").read_bytes())

    first = update(s, kinds=["as-rel", "rir"], transport=_via(publishers), hook=hook)
    assert seen == {"as-rel": "caida-as-rel2-20250801",
                    "rir": [f"rir-{r}-20181012" for r in RIRS]}
    # the update loads what it discovered, not what appeared while it ran
    assert sorted(r.name for r in first.loaded) == [
        "caida-as-rel2-20250901", *(f"rir-{r}-20181013" for r in RIRS)]
    assert first.pruned == []  # retention 2: the previous snapshot of each series stays
    store = open_store(s)
    assert store.as_rel_dataset().name == "caida-as-rel2-20250901"
    assert [d.name for d in store.current("rir")] == [f"rir-{r}-20181013" for r in RIRS]
    assert _links(s, "caida-as-rel2-20250901") == publishers.tree.rows["caida-as-rel2-20250901"]
    # the next run finds the new snapshot, and prunes the oldest of the series
    second = update(s, kinds=["as-rel"], transport=_via(publishers))
    assert [r.name for r in second.loaded] == ["caida-as-rel2-20251001"]
    assert second.pruned == ["caida-as-rel2-20250801"]
    assert _links(s, "caida-as-rel2-20250801") == 0
    assert "caida-as-rel2-20250801" not in _loaded(s)
    # nothing newer: nothing changes
    third = update(s, kinds=["as-rel"], transport=_via(publishers))
    assert (third.loaded, third.pruned, third.current) == ([], [], ["caida-as-rel2-20251001"])
    assert not third.changed


def test_retention_prunes_only_the_followed_series(publishers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s = _settings(tmp_path)
    fetch(s, ["caida-as-rel-20020101", "caida-as-rel-20040101", "caida-as-rel2-20250801"],
          transport=_via(publishers))
    done = update(s, kinds=["as-rel"], keep=1, transport=_via(publishers))
    assert [r.name for r in done.loaded] == ["caida-as-rel2-20250901"]
    assert done.pruned == ["caida-as-rel2-20250801"]
    # serial-1 history is another series, never pruned by an update of serial-2
    assert _loaded(s) == ["caida-as-rel-20020101", "caida-as-rel-20040101",
                          "caida-as-rel2-20250901"]


def test_a_download_cut_mid_file_is_resumed(publishers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s = _settings(tmp_path)
    fetch(s, ["caida-as-rel-20020101"], transport=_via(publishers))
    url = SERIAL2 + "20250901.as-rel2.txt.bz2"
    publishers.fault(url, ("cut", 1000))
    done = update(s, kinds=["as-rel"], transport=_via(publishers))
    assert [r.name for r in done.loaded] == ["caida-as-rel2-20250901"]
    path = "/publicdata.caida.org/datasets/as-relationships/serial-2/20250901.as-rel2.txt.bz2"
    assert [r for p, r in publishers.requests if p == path] == [None, "bytes=1000-"]
    served = publishers.tree.root / path.lstrip("/")
    assert open_store(s).dataset("caida-as-rel2-20250901").sha256 == \
        hashlib.sha256(served.read_bytes()).hexdigest()
    assert _links(s, "caida-as-rel2-20250901") == publishers.tree.rows["caida-as-rel2-20250901"]


def test_a_checksum_mismatch_loads_nothing_and_keeps_the_previous(
    publishers, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    s = _settings(tmp_path)
    fetch(s, [f"rir-{r}-20181012" for r in RIRS], transport=_via(publishers))
    before = _loaded(s)
    md5 = "https://ftp.ripe.net/pub/stats/ripencc/2018/delegated-ripencc-extended-20181013.md5"
    publish(publishers.tree.root, md5,
            b"MD5 (delegated-ripencc-extended-20181013) = 00000000000000000000000000000000")
    with pytest.raises(DownloadError) as info:
        update(s, kinds=["rir"], transport=_via(publishers))
    assert info.value.message.startswith(
        "https://ftp.ripe.net/pub/stats/ripencc/2018/delegated-ripencc-extended-20181013.bz2:"
        " checksum mismatch: MD5 of the decompressed content is ")
    assert _loaded(s) == before
    assert [d.name for d in open_store(s).current("rir")] == before
    cached = sorted(p.name for p in (s.cache_dir / "rir").iterdir())
    # the bad file is gone; the four good ones wait in the cache for the next run
    assert "delegated-ripencc-extended-20181013.bz2" not in cached
    assert not [n for n in cached if "ripencc" in n and "20181013" in n]
    assert "delegated-arin-extended-20181013" in cached


@pytest.mark.parametrize("failure", ["404", "500", "timeout"])
def test_a_failing_publisher_is_one_line_and_loses_nothing(
    publishers, tmp_path: Path, failure: str  # type: ignore[no-untyped-def]
) -> None:
    s = _settings(tmp_path)
    fetch(s, ["caida-as-rel2-20250801"], transport=_via(publishers))
    before = _loaded(s)
    timeout = 5.0
    if failure == "404":
        publishers.fault(SERIAL2 + "20250901.as-rel2.txt.bz2", 404)
        want = f"{SERIAL2}20250901.as-rel2.txt.bz2: HTTP 404 Not Found"
    elif failure == "500":
        publishers.fault(SERIAL2, 500, 500, 500)
        want = f"{SERIAL2}: HTTP 500 Internal Server Error"
    else:
        publishers.fault(SERIAL2, ("slow", 1.2))
        timeout = 0.4
        want = f"{SERIAL2}: no answer within 0.4 s (ReadTimeout)"
    with pytest.raises(DownloadError) as info:
        update(s, kinds=["as-rel"], transport=_via(publishers, timeout))
    assert info.value.message == want and "\n" not in info.value.message
    assert _loaded(s) == before
    assert open_store(s).as_rel_dataset().name == "caida-as-rel2-20250801"


def test_a_second_run_waits_for_the_lock_or_says_who_holds_it(
    publishers, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    s = _settings(tmp_path)
    fetch(s, ["caida-as-rel2-20250901"], transport=_via(publishers))
    held = threading.Event()

    def hold(seconds: float) -> None:
        with store_lock(s, what="fetch"):
            held.set()
            time.sleep(seconds)

    t = threading.Thread(target=hold, args=(1.0,))
    t.start()
    held.wait()
    with pytest.raises(BusyError, match=r"is busy: crossroads fetch \(pid \d+\) holds it"):
        update(s, kinds=["as-rel"], transport=_via(publishers))
    t0 = time.monotonic()
    done = update(s, kinds=["as-rel"], wait=10, transport=_via(publishers))
    assert time.monotonic() - t0 >= 0.3 and done.current == ["caida-as-rel2-20250901"]
    t.join()


def test_a_mirror_of_the_publisher_trees_is_read_in_place(publishers, tmp_path: Path,
                                                          mirror: Path) -> None:  # type: ignore[no-untyped-def]
    # CROSSROADS_MIRROR pointing at HOST/PATH trees: discovery and files come from there
    s = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache",
                 mirror=publishers.tree.root)
    today = f"ris-collectors-{datetime.now(UTC):%Y%m%d}"
    got = fetch(s, ["caida-as-rel2-20250901", today])
    assert [r.status for r in got] == ["loaded", "loaded"]
    rec = open_store(s).dataset("caida-as-rel2-20250901")
    assert rec.source == str(publishers.tree.root / "publicdata.caida.org/datasets/"
                             "as-relationships/serial-2/20250901.as-rel2.txt.bz2")
    assert not (tmp_path / "cache" / "as-rel").exists()  # read in place, never copied
    assert publishers.requests == []  # no HTTP at all
    # RIPEstat rrc-info read as the RIS peer list: every peer of the mirror's list
    peers = json.loads((mirror / "collectors/RIPE_RIS_collectors_20230801.json").read_bytes())
    table = open_store(s).query(
        "SELECT collector, count(*) AS n FROM collector_peers GROUP BY collector ORDER BY 1")
    assert dict(zip(table.column("collector").to_pylist(), table.column("n").to_pylist(),
                    strict=True)) == {c: len(p) for c, p in peers.items()}
    assert update(s, kinds=["as-rel"]).current == ["caida-as-rel2-20250901"]


def test_update_from_the_shipped_mirror_takes_only_what_the_store_lacks(
    scratch_settings: Settings,
) -> None:
    fetch(scratch_settings, ["caida-as-rel2-20250901", "rir-arin-20181013"])
    done = update(scratch_settings, kinds=["as-rel", "rir"])
    # the shipped mirror's index is its catalogue: nothing newer than what is held; the
    # four RIRs the store lacks are taken
    assert sorted(r.name for r in done.loaded) == [
        f"rir-{r}-20181013" for r in RIRS if r != "arin"]
    assert (done.current, done.pruned) == (["caida-as-rel2-20250901", "rir-arin-20181013"], [])
