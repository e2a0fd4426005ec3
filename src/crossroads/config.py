"""Where crossroads finds its data: mirror, cache and data directories.

Resolution order for each setting: explicit argument, environment variable, platform
default (platformdirs). ``CROSSROADS_MIRROR`` points at a local directory laid out like the
public-data mirror (``caida/``, ``ip-location-db/``, ``rir-…/``, ``mrt/`` …); when set, sources
read from it instead of downloading.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = ["Settings", "get_settings"]

APP = "crossroads"


@dataclass(frozen=True)
class Settings:
    """Resolved locations. ``mirror`` is ``None`` when sources should download."""

    data_dir: Path
    cache_dir: Path
    mirror: Path | None

    @property
    def database(self) -> Path:
        """The DuckDB file of the store."""
        return self.data_dir / "crossroads.duckdb"

    @property
    def parquet_dir(self) -> Path:
        """Where the store keeps its Parquet files."""
        return self.data_dir / "parquet"


def get_settings(
    *, mirror: str | Path | None = None, data_dir: str | Path | None = None
) -> Settings:
    """Resolve settings from arguments, then ``CROSSROADS_*`` variables, then defaults."""
    mirror = mirror if mirror is not None else os.environ.get("CROSSROADS_MIRROR") or None
    data = data_dir or os.environ.get("CROSSROADS_DATA_DIR") or platformdirs.user_data_dir(APP)
    cache = os.environ.get("CROSSROADS_CACHE_DIR") or platformdirs.user_cache_dir(APP)
    return Settings(
        data_dir=Path(data).expanduser().resolve(),
        cache_dir=Path(cache).expanduser().resolve(),
        mirror=Path(mirror).expanduser().resolve() if mirror else None,
    )
