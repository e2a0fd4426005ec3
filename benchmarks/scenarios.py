"""Scenario engine speed: one KZ scenario end to end, and the full KZ border-link sweep.

Goals (issue 5): one scenario <= 5 s after the data is loaded; the single-link sweep of
every KZ border link <= 2 min on the 2-core build machine. The graph and ``as_info`` are
loaded first and not timed (they are shared by every run of a session).

    python -m benchmarks scenarios -- [--preset NAME] [--workers N] [--limit K]
                                       [--skip-sweep] [--ases] [--json FILE]

Needs a store fetched from the mirror (``CROSSROADS_MIRROR``, ``CROSSROADS_DATA_DIR``).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from crossroads.config import get_settings
from crossroads.scenarios import load_scenario, simulate, sweep
from crossroads.snapshots import snapshot


def main(argv: list[str]) -> int:
    """Time one scenario and the KZ link sweep; print (and optionally write) the times."""
    ap = argparse.ArgumentParser(prog="benchmarks.scenarios")
    ap.add_argument("--preset", default="kz-russia-transit-loss")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit", type=int, default=None, help="sweep only the first K links")
    ap.add_argument("--skip-sweep", action="store_true")
    ap.add_argument("--ases", action="store_true",
                    help="also time the single-AS sweep (every foreign upstream)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    settings = get_settings()
    t0 = time.perf_counter()
    snap = snapshot(settings)
    graph = snap.graph
    load_s = time.perf_counter() - t0
    out: dict[str, object] = {"load_s": round(load_s, 2), "preset": args.preset}
    print(f"data load (not counted): {load_s:.1f} s, {graph.n:,} ASes, "
          f"{len(graph.links):,} links", flush=True)

    scenario = load_scenario(args.preset)
    for label in ("first (numba cache warm-up)", "second"):
        t0 = time.perf_counter()
        res = simulate(snap, scenario, workers=args.workers, cache=False)
        secs = time.perf_counter() - t0
        out[f"scenario_{label.split()[0]}_s"] = round(secs, 2)
        print(f"{args.preset} end to end, {label}: {secs:.2f} s (goal <= 5 s); "
              f"inbound {res.before.reach.inbound:.4f} -> {res.after.reach.inbound:.4f}",
              flush=True)

    if not args.skip_sweep:
        t0 = time.perf_counter()
        sw = sweep(snap, "KZ", kind="links", workers=args.workers, limit=args.limit)
        secs = time.perf_counter() - t0
        out.update(sweep_s=round(secs, 1), sweep_items=len(sw.rows), workers=args.workers)
        top = sw.rows[0] if sw.rows else None
        print(f"KZ single-link sweep: {len(sw.rows)} border links in {secs:.1f} s with "
              f"{args.workers} workers (goal <= 120 s)"
              + (f"; worst {top.item}: -{100 * top.lost_inbound:.3f} pp inbound" if top else ""),
              flush=True)
    if args.ases:
        t0 = time.perf_counter()
        sw = sweep(snap, "KZ", kind="ases", workers=args.workers)
        secs = time.perf_counter() - t0
        out.update(ases_sweep_s=round(secs, 1), ases_items=len(sw.rows))
        print(f"KZ single-AS sweep: {len(sw.rows)} foreign upstreams in {secs:.1f} s with "
              f"{args.workers} workers", flush=True)
    out["load_average"] = list(os.getloadavg())
    print(f"load average (1, 5, 15 min): {out['load_average']}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0
