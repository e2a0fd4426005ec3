"""The store's results cache: served only for the same key and code, atomic, bounded; and
``dependency`` / ``simulate`` on a store-backed snapshot say whether it served."""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.metrics import hand

from crossroads.config import Settings
from crossroads.provenance import Provenance
from crossroads.snapshots import Snapshot
from crossroads.store import Store
from crossroads.store import _results as results
from crossroads.store._results import cached, code_version, datasets_key


def test_hit_after_miss_and_keys_that_differ(tmp_path: Path) -> None:
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"x": len(calls)}

    a = cached(tmp_path, ("k", 1), compute)
    b = cached(tmp_path, ("k", 1), compute)
    c = cached(tmp_path, ("k", 2), compute)
    assert (a.served, b.served, c.served) == (False, True, False)
    assert a.value == b.value == {"x": 1} and c.value == {"x": 2} and len(calls) == 2
    assert a.key == b.key != c.key
    assert len(list(tmp_path.glob("*.result.pkl"))) == 2


def test_new_code_version_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(code_version()) == 64
    cached(tmp_path, "k", lambda: 1)
    monkeypatch.setattr(results, "code_version", lambda: "0" * 64)
    again = cached(tmp_path, "k", lambda: 2)
    assert not again.served and again.value == 2


def test_damaged_entry_is_recomputed_and_replaced(tmp_path: Path) -> None:
    first = cached(tmp_path, "k", lambda: [1, 2, 3])
    path = tmp_path / f"{first.key}.result.pkl"
    path.write_bytes(path.read_bytes()[:5])  # torn
    again = cached(tmp_path, "k", lambda: [4])
    assert not again.served and again.value == [4]
    assert cached(tmp_path, "k", lambda: [5]).value == [4]  # the rewrite is whole


def test_failed_compute_leaves_nothing(tmp_path: Path) -> None:
    def boom() -> int:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        cached(tmp_path, "k", boom)
    assert list(tmp_path.iterdir()) == []


def test_bounded_least_recently_used_go_first(tmp_path: Path) -> None:
    blob = b"x" * 1000
    old = cached(tmp_path, "old", lambda: blob, max_bytes=10_000)
    cached(tmp_path, "mid", lambda: blob, max_bytes=10_000)
    past = 1_000_000_000
    os.utime(tmp_path / f"{old.key}.result.pkl", (past, past))
    cached(tmp_path, "mid", lambda: blob, max_bytes=10_000)  # a hit refreshes "mid"
    cached(tmp_path, "new", lambda: blob, max_bytes=2_500)  # room for two of ~1 kB
    left = {p.name for p in tmp_path.glob("*.result.pkl")}
    assert f"{old.key}.result.pkl" not in left and len(left) == 2


def test_datasets_key_names_contents() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    a = Provenance("b", "x", date(2025, 9, 1), "1" * 64, when, "/p")
    b = Provenance("a", "x", date(2025, 9, 1), "2" * 64, when, "/q")
    assert datasets_key([a, b]) == (("a", "2" * 64), ("b", "1" * 64))


def test_module_example_runs() -> None:
    result = doctest.testmod(importlib.import_module("crossroads.store._results"))
    assert result.attempted >= 3 and result.failed == 0


def _snap(tmp_path: Path, sha: str) -> Snapshot:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    prov = Provenance("hand-graph", "tests", date(2025, 9, 1), sha, when, "/hand")
    snap = Snapshot.of(hand.graph(), hand.info(), datasets=[prov])
    store = Store(Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "c", mirror=None))
    return dataclasses.replace(snap, store=store)


def test_dependency_and_simulate_say_when_the_cache_served(tmp_path: Path) -> None:
    from crossroads.metrics import dependency
    from crossroads.scenarios import simulate
    from crossroads.scenarios.model import Scenario

    snap = _snap(tmp_path, "a" * 64)
    first = dependency(snap, "AA", chokepoint_k=0)
    second = dependency(snap, "AA", chokepoint_k=0)
    assert (first.cache, second.cache) == ("miss", "hit")
    assert second.inbound.by_country.equals(first.inbound.by_country)
    assert second.as_dict()["cache"] == "hit"
    # other options, other data, or no cache: computed
    assert dependency(snap, "AA", chokepoint_k=1).cache == "miss"
    assert dependency(_snap(tmp_path, "b" * 64), "AA", chokepoint_k=0).cache == "miss"
    assert dependency(snap, "AA", chokepoint_k=0, cache=False).cache == "off"
    assert dependency(Snapshot.of(hand.graph(), hand.info()), "AA").cache == "off"
    sc = Scenario.model_validate({"name": "cut", "country": "AA",
                                  "operations": [{"op": "remove_as", "asns": [20]}]})
    one = simulate(snap, sc, workers=1)
    two = simulate(snap, sc, workers=1)
    assert (one.cache, two.cache) == ("miss", "hit")
    assert two.after.reach.inbound == one.after.reach.inbound < 1.0


def test_a_cached_simulate_reads_no_territorial_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crossroads.scenarios import simulate
    from crossroads.scenarios.model import Scenario

    snap = _snap(tmp_path, "c" * 64)
    sc = Scenario.model_validate({"name": "cut", "country": "AA",
                                  "operations": [{"op": "remove_as", "asns": [20]}]})
    one = simulate(snap, sc, workers=1)

    def unread(*args: object, **kwargs: object) -> None:
        raise AssertionError("territorial inputs read on a cached call")

    monkeypatch.setattr("crossroads.scenarios.run.territory_inputs", unread)
    monkeypatch.setattr(Snapshot, "peeringdb", unread)
    monkeypatch.setattr(Snapshot, "state_owned", unread)
    two = simulate(snap, sc, workers=1)
    assert (one.cache, two.cache) == ("miss", "hit")
    assert two.after.reach.inbound == one.after.reach.inbound < 1.0
    assert two.datasets == one.datasets and two.notes == one.notes
    # the key still names the territorial datasets: a PeeringDB dump loaded since is a miss
    monkeypatch.undo()
    when = datetime(2026, 1, 1, tzinfo=UTC)
    pdb = Provenance("peeringdb-x", "tests", date(2026, 1, 1), "d" * 64, when, "/pdb",
                     kind="peeringdb")
    real = Snapshot.loaded
    monkeypatch.setattr(Snapshot, "loaded",
                        lambda self, kind: (pdb,) if kind == "peeringdb" else real(self, kind))
    monkeypatch.setattr(Snapshot, "peeringdb", lambda self: None)
    assert simulate(snap, sc, workers=1).cache == "miss"


def test_dataset_list_is_read_again_after_a_write(scratch_settings) -> None:  # noqa: ANN001
    """The dataset list is kept while the database files are unchanged and read again
    after any write (here a row added through a writing connection)."""
    from crossroads.store import open_store
    from crossroads.store._db import connect

    store = open_store(scratch_settings, read_only=False)
    before = store.datasets()
    assert store.datasets() == before
    with connect(scratch_settings, read_only=False) as con:
        con.execute("INSERT INTO datasets SELECT 'probe-x', 'probe', 's', DATE '2020-01-01', "
                    "'00', TIMESTAMP '2020-01-01', 1, TIMESTAMP '2020-01-01', []")
    assert [r.name for r in store.datasets("probe")] == ["probe-x"]
    assert len(store.datasets()) == len(before) + 1
