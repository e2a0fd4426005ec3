"""A snapshot calibrated by RIBs: the graph of the RIBs' date, with their links and routes.

:func:`calibrated_snapshot` is what every ``--mode calibrated`` command loads: the store's
snapshot in force on the RIBs' date (or on ``date``), its graph with the links seen in
the RIBs added, and the :class:`~crossroads.routing.calibration.Calibration` that fixes
the observed routes (:func:`crossroads.routing.load.calibrated_graph`; method:
``docs/methods/calibration.md``). The snapshot's datasets list the RIB files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING

from crossroads.config import Settings
from crossroads.routing import ASGraph
from crossroads.routing.calibration import Calibration
from crossroads.routing.load import RIB_MAX_GAP_DAYS, calibrated_graph
from crossroads.snapshots.astable import CountryBy
from crossroads.snapshots.load import snapshot
from crossroads.snapshots.model import Snapshot

if TYPE_CHECKING:
    from crossroads.store import RibRecord

__all__ = ["calibrated_snapshot"]


def calibrated_snapshot(
    settings: Settings,
    ribs: Sequence[str | Path],
    *,
    date: Date | None = None,
    max_gap_days: int = RIB_MAX_GAP_DAYS,
    prepare: Callable[[ASGraph], ASGraph] | None = None,
    country_by: CountryBy = "operation",
    stored: Sequence[RibRecord] | None = None,
) -> tuple[Snapshot, Calibration]:
    """The snapshot of the RIBs' date (or ``date``) on the calibrated graph, and the
    calibration to route with (``mode="calibrated"``). ``ribs`` are RIB files; empty,
    the RIBs stored by ``crossroads fetch ribs`` in force on ``date`` (the newest without
    it). ``prepare`` edits the graph before it is calibrated (``--robust``). RIBs more
    than ``max_gap_days`` from the graph's date are refused; ``country_by``: the meaning
    of every AS's country (:func:`crossroads.snapshots.snapshot`); ``stored``: the stored
    RIBs ``--mode auto`` chose for the graph in force on ``date``
    (:func:`crossroads.routing.load.ribs_in_reach`), read instead."""
    graph, cal = calibrated_graph(settings, ribs, date, max_gap_days, prepare=prepare,
                                  stored=stored)
    when = graph.provenance.data_date if graph.provenance is not None else date
    snap = snapshot(settings, date=when, country_by=country_by).with_graph(graph)
    return replace(snap, datasets=(*snap.datasets, *cal.provenance)), cal
