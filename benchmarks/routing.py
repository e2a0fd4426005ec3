"""Speed and memory of the routing engine on the real CAIDA 2025-09-01 graph.

Measures, after numba compilation: building the graph from the link columns; one full
propagation (median over origins, both tie modes); through-weights from every AS; and
all origins streamed through :func:`propagate_many` on ``--workers`` threads -- a sample of
``--sample`` origins timed and extrapolated to all ASes unless ``--all`` is given.
Peak memory is the process's maximum resident set size.

Run: ``python -m benchmarks routing [-- --sample 2000 --workers 2 --all --json out.json]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time

import numpy as np

from crossroads.config import get_settings
from crossroads.routing import ASGraph, propagate, propagate_many, through_weights
from crossroads.routing.load import load_graph


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _reach_summary(routes) -> tuple[int, int]:
    """A small per-origin result, like a metric reducer would keep."""
    return int(routes.reachable.sum()), int(routes.length.max())


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="routing", description=__doc__)
    ap.add_argument("--sample", type=int, default=2000, help="origins timed for the all-run")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--all", action="store_true", help="run every origin instead of a sample")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)
    base = load_graph(get_settings())
    g = base
    links = g.links
    out: dict[str, float | int | str] = {
        "data": "CAIDA AS relationships 2025-09-01 (serial-2)",
        "ases": g.n,
        "links": len(links),
        "graph_bytes": int(sum(a.nbytes for a in g.adjacency)),
    }
    out["build_s"] = _median_time(
        lambda: ASGraph.from_links(links.as1, links.as2, links.rel), repeat=5
    )
    rng = np.random.default_rng(1)
    origins = rng.choice(g.n, size=50, replace=False)
    for mode in ("deterministic", "all-best"):
        propagate(g, 0, mode=mode)  # compile
        per = [_median_time(lambda o=o, m=mode: propagate(g, int(o), mode=m), 3) for o in origins]
        out[f"propagate_{mode}_median_ms"] = 1e3 * statistics.median(per)
    r = propagate(g, g.index_of(9198), mode="all-best")
    src = np.arange(g.n)
    through_weights(g, r, src[:10])
    out["through_weights_all_sources_ms"] = 1e3 * _median_time(
        lambda: through_weights(g, r, src), repeat=5
    )
    todo = np.arange(g.n) if args.all else rng.choice(g.n, size=args.sample, replace=False)
    t0 = time.perf_counter()
    propagate_many(g, todo.tolist(), _reach_summary, workers=args.workers)
    took = time.perf_counter() - t0
    out["many_origins_timed"] = int(todo.size)
    out["many_workers"] = args.workers
    out["many_s"] = took
    out["all_origins_s" + ("" if args.all else "_extrapolated")] = took * g.n / todo.size
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for k, v in out.items():
        print(f"{k:36s} {v:,.3f}" if isinstance(v, float) else f"{k:36s} {v}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1)
    return 0
