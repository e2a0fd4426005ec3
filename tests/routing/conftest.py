"""Shared fixtures of the routing tests: the raw 2025 CAIDA links, read once per session."""

from __future__ import annotations

import bz2
from pathlib import Path

import pytest

from ._reference import neighbours

FILE_2025 = "caida/20250901.as-rel2.txt.bz2"


def raw_links(file: Path) -> list[tuple[int, int, int]]:
    """``(as1, as2, rel)`` of a CAIDA as-rel file, read with plain Python (independent)."""
    out = []
    with bz2.open(file, "rt") as fh:
        for line in fh:
            if not line.startswith("#"):
                a, b, r = line.split("|")[:3]
                out.append((int(a), int(b), int(r)))
    return out


@pytest.fixture(scope="session")
def links_2025(mirror: Path) -> list[tuple[int, int, int]]:
    return raw_links(mirror / FILE_2025)


@pytest.fixture(scope="session")
def nb_2025(links_2025: list[tuple[int, int, int]]) -> dict[int, dict[int, int]]:
    return neighbours(links_2025)
