"""The world matrix on the hand graph: its AA row is the inbound result of the hand tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.metrics import hand

from crossroads.metrics.world import DIRECT, plot_world_matrix, world_matrix
from crossroads.snapshots import Snapshot


def test_world_matrix_rows_by_hand(tmp_path: Path) -> None:
    # Row AA: 21/32 BB, 11/32 CC (see test_dependency_hand). Row EE (AS 50, a stub of 40,
    # 512 addresses): foreign sources 1 (768), 2 (256), 60 (256), 80 (256) in units of 256:
    # 3, 1, 1, 1, and AS 40 itself (1024: 4). Towards 50: 1 -> 20 -> 40 -> 50,
    # 2 -> 3 -> {20|30} -> 40 -> 50, 60 -> 30 -> 40 -> 50, 80 -> 60 -> 30 -> 40 -> 50: the
    # last foreign transit AS before EE is AS 40 (DD) for 6 of the 10 units; AS 40's own
    # path 40 -> 50 has no transit: direct. M[EE, DD] = 0.6, M[EE, (direct)] = 0.4.
    g, t = hand.graph(), hand.table()
    ck = tmp_path / "ck.npz"
    m = world_matrix(Snapshot.of(g, hand.info(), table=t), chunk=2, checkpoint=ck)
    assert m.shares.loc["AA", "BB"] == pytest.approx(21 / 32)
    assert m.shares.loc["AA", "CC"] == pytest.approx(11 / 32)
    assert m.shares.loc["EE", "DD"] == pytest.approx(0.6)
    assert m.shares.loc["EE", DIRECT] == pytest.approx(0.4)
    assert m.shares.sum(axis=1).to_numpy() == pytest.approx(1.0)
    assert not m.sampled and ck.exists()
    # resuming from a finished checkpoint recomputes nothing and gives the same matrix
    again = world_matrix(Snapshot.of(g, hand.info(), table=t), chunk=2, checkpoint=ck)
    assert again.shares.equals(m.shares)
    png = plot_world_matrix(m, tmp_path / "m.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_world_matrix_in_two_processes_matches_one() -> None:
    g, t = hand.graph(), hand.table()
    one = world_matrix(Snapshot.of(g, hand.info(), table=t), chunk=2)
    two = world_matrix(Snapshot.of(g, hand.info(), table=t), chunk=2, workers=2)
    assert two.shares.to_numpy() == pytest.approx(one.shares.to_numpy())
