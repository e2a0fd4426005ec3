"""Speed of the country dependency metrics on the real 2025 graph (Kazakhstan).

Needs a loaded store (``crossroads fetch``; settings from the ``CROSSROADS_*`` variables).
Measures, after data load and numba compilation (a warm-up run on the same data):

* KZ dependency end to end: inbound (every foreign AS by IPv4 space, hegemony over the
  collectors' full-feed peers when loaded), outbound (content/cloud + top-cone networks),
  border ASes and concentration -- the goal is <= 10 s;
* the chokepoints (``--chokepoints K`` candidates per kind, and the greedy carrying set);
* the world matrix: a seeded sample of ``--sample`` destination groups on ``--workers``
  processes, extrapolated linearly to every group (or every group with ``--all``).

Run: ``python -m benchmarks dependency [-- --sample 400 --workers 2 --all --json out.json]``.
"""

from __future__ import annotations

import argparse
import json
import time

from crossroads.config import get_settings
from crossroads.metrics.chokepoints import chokepoints
from crossroads.metrics.report import dependency
from crossroads.metrics.world import world_groups, world_matrix
from crossroads.snapshots import snapshot


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="dependency", description=__doc__)
    ap.add_argument("--country", default="KZ")
    ap.add_argument("--chokepoints", type=int, default=5)
    ap.add_argument("--sample", type=int, default=400, help="world-matrix groups timed")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--all", action="store_true", help="compute the whole world matrix")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)
    settings = get_settings()
    t0 = time.perf_counter()
    snap = snapshot(settings)
    graph, table = snap.graph, snap.table
    out: dict[str, object] = {"data_load_s": time.perf_counter() - t0,
                              "vantage_points": len(snap.vantage_points)}

    def report():  # type: ignore[no-untyped-def]
        return dependency(snap, args.country, chokepoint_k=0, cache=False)

    report()  # warm-up: numba compilation and caches
    t0 = time.perf_counter()
    rep = report()
    out["dependency_s"] = time.perf_counter() - t0
    out["propagations"] = rep.inbound.propagations + rep.outbound.propagations
    t0 = time.perf_counter()
    chokepoints(graph, table, args.country, rep.inbound, k=args.chokepoints)
    out[f"chokepoints_k{args.chokepoints}_s"] = time.perf_counter() - t0
    total = len(world_groups(graph, table))
    sample = None if args.all else args.sample
    world_matrix(snap, sample=min(20, total), workers=1)  # warm-up
    t0 = time.perf_counter()
    m = world_matrix(snap, sample=sample, workers=args.workers)
    secs = time.perf_counter() - t0
    out.update(
        world_groups=total,
        world_groups_timed=m.groups_done,
        world_workers=args.workers,
        world_timed_s=secs,
        world_extrapolated_s=secs * total / m.groups_done,
        world_extrapolated=m.sampled,
    )
    for k, v in out.items():
        print(f"{k:>28}: {v:.2f}" if isinstance(v, float) else f"{k:>28}: {v}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=2)
    return 0
