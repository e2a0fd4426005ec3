"""interception_documented: the curated episodes and their link to the root list."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crossroads.errors import UnknownCountryError
from crossroads.tls import interception_documented


def test_kazakhstan_episodes_and_references() -> None:
    episodes = interception_documented("kz")
    assert [e.period for e in episodes] == ["2015–2016", "2019", "2020", "2024"]
    refs = " ".join(r for e in episodes for r in e.references)
    for bug in (1229827, 1567114, 1680927, 1864724):
        assert f"Mozilla bug {bug}" in refs
    assert all(e.country == "KZ" and e.references for e in episodes)


def test_episode_roots_follow_the_mirror_labels(mirror: Path) -> None:
    with open(mirror / "tls" / "kz-interception-roots.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    by_label = {label: tuple(r["sha256_der"] for r in rows if r["episode"] == label)
                for label in ("2019", "2020", "2024")}
    episodes = {e.period: e for e in interception_documented("KZ")}
    assert episodes["2015–2016"].root_sha256 == ()
    assert len(by_label["2024"]) == 2  # 89107c8e and 3472e4f1
    for label, hashes in by_label.items():
        assert episodes[label].root_sha256 == hashes


def test_no_documented_episode_is_an_empty_list() -> None:
    assert interception_documented("FR") == []


@pytest.mark.parametrize("code", ["KAZ", "", "K1"])
def test_bad_country_code(code: str) -> None:
    with pytest.raises(UnknownCountryError, match="ISO 3166-1 alpha-2"):
        interception_documented(code)
