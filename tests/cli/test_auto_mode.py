"""``--mode auto``: calibrated when the store holds a RIB within ``--rib-max-gap`` days of
the graph in force, else all-best; the mode used is the one the output names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from crossroads.cli._common import ModeChoice, load_routing, mode_of
from crossroads.config import Settings
from crossroads.routing.load import rib_in_reach


@dataclass(frozen=True)
class _Dataset:
    name: str
    data_date: date


@dataclass(frozen=True)
class _Rib:
    collector: str
    data_time: datetime


class _Store:
    """The two store questions rib_in_reach asks: the loaded graphs, the RIBs in force."""

    def __init__(self, graphs: list[date], ribs: list[date]) -> None:
        self.graphs = [_Dataset(f"as-rel-{d:%Y%m%d}", d) for d in graphs]
        self.rib_dates = ribs

    def datasets(self, kind: str) -> list[_Dataset]:
        assert kind == "as-rel"
        return self.graphs

    def ribs(self, *, on: date) -> list[_Rib]:
        # the newest dump at or before ``on`` (one collector)
        before = [d for d in self.rib_dates if d <= on]
        return [_Rib("rrc00", datetime.combine(max(before), datetime.min.time(), UTC))] \
            if before else []


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", mirror=None)
    s.database.parent.mkdir(parents=True)
    s.database.touch()  # a store exists; its answers come from _Store
    return s


def _with(monkeypatch: pytest.MonkeyPatch, store: _Store) -> None:
    monkeypatch.setattr("crossroads.store.open_store", lambda s: store)


def test_a_rib_a_year_from_the_newest_graph_is_in_reach(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # graphs 2010-01-01 and 2025-09-01; one RIB of 2024-09-01: 365 days from the newest
    _with(monkeypatch, _Store([date(2010, 1, 1), date(2025, 9, 1)], [date(2024, 9, 1)]))
    assert rib_in_reach(settings)
    assert not rib_in_reach(settings, max_gap_days=364)
    # on 2012-06-01 the 2010 graph is in force: 14 years from the RIB
    assert not rib_in_reach(settings, date(2012, 6, 1))


def test_a_rib_after_the_graph_counts_within_the_gap(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # graph 2010-01-01, RIBs 2010-07-01 (181 days after) and 2024-09-01 (far after): the
    # newest at or before 2010-01-01 + 200 days is the July dump
    _with(monkeypatch, _Store([date(2010, 1, 1)], [date(2010, 7, 1), date(2024, 9, 1)]))
    assert rib_in_reach(settings, date(2011, 1, 1), max_gap_days=200)
    assert not rib_in_reach(settings, date(2011, 1, 1), max_gap_days=180)


def test_no_store_or_no_rib_is_not_in_reach(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = Settings(data_dir=tmp_path / "none", cache_dir=tmp_path / "c", mirror=None)
    assert not rib_in_reach(bare)
    _with(monkeypatch, _Store([date(2025, 9, 1)], []))
    assert not rib_in_reach(settings)


def test_auto_loads_calibrated_only_with_a_rib_in_reach(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[str] = []
    monkeypatch.setattr("crossroads.cli._common.load_snapshot",
                        lambda *a, **k: calls.append("plain") or "snap")
    monkeypatch.setattr("crossroads.snapshots.calibrated_snapshot",
                        lambda *a, **k: calls.append("calibrated") or ("csnap", "cal"))
    reach = {"ok": False}
    monkeypatch.setattr("crossroads.routing.load.rib_in_reach", lambda *a, **k: reach["ok"])
    snap, cal = load_routing(None, tmp_path, mode=ModeChoice.auto)
    assert (snap, cal, calls) == ("snap", None, ["plain"])
    assert mode_of(ModeChoice.auto, cal) == "all-best"
    reach["ok"] = True
    snap, cal = load_routing(None, tmp_path, mode=ModeChoice.auto)
    assert (snap, cal, calls[-1]) == ("csnap", "cal", "calibrated")
    assert mode_of(ModeChoice.auto, cal) == "calibrated"
    # a named mode is never changed
    snap, cal = load_routing(None, tmp_path, mode=ModeChoice.deterministic)
    assert cal is None and mode_of(ModeChoice.deterministic, cal) == "deterministic"
