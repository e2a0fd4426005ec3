"""A small real store: the RIPE RIS collector list from the mirror, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossroads.config import Settings
from crossroads.store import fetch


@pytest.fixture(scope="session")
def small_settings(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Settings:
    """Settings over a store holding one real dataset (provenance for the report)."""
    root = tmp_path_factory.mktemp("report-store")
    settings = Settings(data_dir=root / "data", cache_dir=root / "cache", mirror=mirror)
    fetch(settings, ["ris-collectors-20230801"])
    return settings
