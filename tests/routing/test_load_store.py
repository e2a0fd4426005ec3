"""load_graph reads a fetched snapshot from the store, so no mirror or network is needed."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import numpy as np

from crossroads.config import Settings
from crossroads.routing.load import graph_from_file, load_graph


def test_graph_from_store_equals_graph_from_file(loaded_settings: Settings, mirror: Path) -> None:
    raw = mirror / "caida" / "20250901.as-rel2.txt.bz2"
    # no mirror and an unreachable cache: only the store can supply the links
    offline = replace(loaded_settings, mirror=None, cache_dir=Path("/nonexistent"))
    stored = load_graph(offline)
    direct = graph_from_file(raw)
    assert np.array_equal(stored.asns, direct.asns)
    for name in ("prov_ptr", "prov_idx", "cust_ptr", "cust_idx", "peer_ptr", "peer_idx"):
        assert np.array_equal(getattr(stored, name), getattr(direct, name)), name
    assert stored.provenance is not None
    assert stored.provenance.sha256 == hashlib.sha256(raw.read_bytes()).hexdigest()
    assert stored.provenance.data_date.isoformat() == "2025-09-01"
