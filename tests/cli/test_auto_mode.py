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
    calls: list[tuple[str, object]] = []
    monkeypatch.setattr("crossroads.cli._common.load_snapshot",
                        lambda *a, **k: calls.append(("plain", None)) or "snap")
    monkeypatch.setattr("crossroads.snapshots.calibrated_snapshot",
                        lambda *a, **k: calls.append(("calibrated", k["stored"]))
                        or ("csnap", "cal"))
    reach: dict[str, list[str]] = {"ribs": []}
    monkeypatch.setattr("crossroads.routing.load.ribs_in_reach", lambda *a, **k: reach["ribs"])
    snap, cal = load_routing(None, tmp_path, mode=ModeChoice.auto)
    assert (snap, cal, calls) == ("snap", None, [("plain", None)])
    assert mode_of(ModeChoice.auto, cal) == "all-best"
    reach["ribs"] = ["rib-rrc00"]
    snap, cal = load_routing(None, tmp_path, mode=ModeChoice.auto)
    # the RIBs found in reach are the ones calibrating the graph, not those of another rule
    assert (snap, cal, calls[-1]) == ("csnap", "cal", ("calibrated", ["rib-rrc00"]))
    assert mode_of(ModeChoice.auto, cal) == "calibrated"
    # a named mode is never changed
    snap, cal = load_routing(None, tmp_path, mode=ModeChoice.deterministic)
    assert cal is None and mode_of(ModeChoice.deterministic, cal) == "deterministic"


def test_auto_history_decides_per_snapshot() -> None:
    # one RIB of 2010-07-01 and a 730-day gap: the 2010 graph (181 days) and the 2012 one
    # (549 days) are calibrated by it; 2008 (912 days) and 2014 (1,280) are all-best
    from crossroads.metrics.history import history_snapshots, plan_modes
    from crossroads.store import RibRecord

    rib = RibRecord("rib-rrc00-20100701.0000", "rrc00", datetime(2010, 7, 1, tzinfo=UTC),
                    "", "", 1, Path("x"))
    asked: list[tuple[date, int]] = []

    def near(d: date, gap: int) -> list[RibRecord]:
        asked.append((d, gap))
        return [rib] if abs((rib.data_date - d).days) <= gap else []

    specs = history_snapshots(2008, 2014)
    plans = plan_modes(specs, "auto", (), 730, stored=near)
    assert {n[-8:]: (p.mode, p.stored) for n, p in plans.items()} == {
        "20080101": ("all-best", ()), "20100101": ("calibrated", (rib,)),
        "20120101": ("calibrated", (rib,)), "20140101": ("all-best", ())}
    assert plans["caida-as-rel-20120101"].basis == \
        "auto: RIBs rib-rrc00-20100701.0000, 549 days from the graph"
    assert plans["caida-as-rel-20140101"].basis == "auto: no RIB within 730 days of the graph"
    # each snapshot asked about its own date
    assert [d.year for d, _ in asked] == [2008, 2010, 2012, 2014]
    # calibrated measures only the snapshots with RIBs; a named mode is every snapshot's
    assert sorted(plan_modes(specs, "calibrated", (), 730, stored=near)) == [
        "caida-as-rel-20100101", "caida-as-rel-20120101"]
    assert {p.mode for p in plan_modes(specs, "all-best", (), 730, stored=near).values()} \
        == {"all-best"}


def test_history_cli_passes_auto_and_names_each_snapshots_mode(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd
    from typer.testing import CliRunner

    from crossroads.cli import app
    from crossroads.metrics.history import History

    seen: dict[str, object] = {}
    row = {"ases": 10, "border_ases": 1, "foreign_upstreams": 2, "unknown_as_share": 0.0,
           "inbound_top_country": "RU", "inbound_top_any": 0.5, "inbound_top_gateway": 0.4,
           "outbound_top_country": "RU", "outbound_top_any": 0.5, "outbound_top_gateway": 0.4}
    summary = pd.DataFrame([
        {"date": "2008-01-01", "mode": "all-best",
         "mode_basis": "auto: no RIB within 730 days of the graph", **row},
        {"date": "2010-01-01", "mode": "calibrated",
         "mode_basis": "auto: RIBs rib-rrc00-20100701.0000, 181 days from the graph",
         "inbound_observed_share": 0.25, **row},
    ])

    def fake(snap: object, cc: str, **kw: object) -> History:
        seen.update(kw)
        return History(cc, str(kw["mode"]), summary, pd.DataFrame(), pd.DataFrame())

    monkeypatch.setattr("crossroads.metrics.history.history", fake)
    monkeypatch.setattr("crossroads.cli.history.load_snapshot", lambda *a, **k: None)
    res = CliRunner().invoke(app, ["history", "KZ", "--mode", "auto"], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert seen["mode"] == "auto"  # not turned into all-best before the snapshots are seen
    assert "2008-01-01: all-best (auto: no RIB within 730 days of the graph)" in res.output
    assert ("2010-01-01: calibrated (auto: RIBs rib-rrc00-20100701.0000, 181 days from "
            "the graph); inbound hops on observed routes 25.0 %") in res.output
