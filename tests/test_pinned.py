"""The figures users quote do not move when the code is reorganised.

``tests/data/pinned/`` holds the JSON of ``dependency KZ``, ``profile KZ`` and ``simulate``
of six presets as the code before the snapshot refactor printed them (see its README).
Each is recomputed here through the API, turned into the same JSON, and compared key by
key (keys the pins lack, e.g. new sections, are not compared) within float tolerance.
The old code put every AS in its registration country: the pins are recomputed with
``country_by="registration"``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crossroads.config import Settings
from crossroads.formatting import jsonable
from crossroads.metrics import dependency
from crossroads.metrics.inventory import country_profile
from crossroads.scenarios import load_scenario, simulate
from crossroads.snapshots import Snapshot, snapshot
from crossroads.store import open_store

pytestmark = pytest.mark.slow

PINNED = Path(__file__).parent / "data" / "pinned"
PRESETS = sorted(p.stem.removeprefix("simulate-") for p in PINNED.glob("simulate-*.json"))


def _pinned(name: str) -> Any:
    return json.loads((PINNED / f"{name}.json").read_text(encoding="utf-8"))


def _same(got: Any, want: Any, where: str = "") -> None:
    """``got`` holds ``want``: equal strings and integers, floats within tolerance, every
    key of ``want`` present, lists of the same length."""
    if isinstance(want, dict):
        assert isinstance(got, dict), where
        for key, value in want.items():
            assert key in got, f"{where}.{key} is missing"
            _same(got[key], value, f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: length"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _same(g, w, f"{where}[{i}]")
    elif isinstance(want, float):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12), where
    else:
        assert got == want, where


@pytest.fixture(scope="module")
def snap(loaded_settings: Settings) -> Snapshot:
    return snapshot(loaded_settings, country_by="registration")


def test_dependency_kz(snap: Snapshot) -> None:
    _same(jsonable(dependency(snap, "KZ").as_dict(top=10)), _pinned("dependency-KZ"))


def test_profile_kz(loaded_settings: Settings) -> None:
    got = jsonable(country_profile(open_store(loaded_settings), "KZ",
                                   country_by="registration").as_dict())
    _same(got, _pinned("profile-KZ"))


def test_the_pins_cover_six_presets() -> None:
    assert len(PRESETS) == 6 and "kz-russia-transit-loss" in PRESETS


@pytest.mark.parametrize("preset", PRESETS)
def test_simulate_preset(snap: Snapshot, preset: str) -> None:
    got = jsonable(simulate(snap, load_scenario(preset)).as_dict(top=10))
    _same(got, _pinned(f"simulate-{preset}"))
