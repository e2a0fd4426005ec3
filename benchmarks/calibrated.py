"""Cost of a calibrated propagation against a plain one, same origins, same run.

The 2010-01-01 CAIDA graph is calibrated with the 2010-07-01 RouteViews RIB (mirror);
then, for ``--origins`` random observed origins, ``propagate(mode="deterministic")`` on
the calibrated graph and ``propagate(mode="calibrated")`` (the origin's main variant) are
timed in interleaved rounds (``--rounds``), after numba compilation; the medians per
origin and their ratio are printed, with the kernels alone beside them. The goal is a
ratio of at most 2; the exit status is 1 above it. Also timed: building the calibration.

Run: ``python -m benchmarks calibrated [-- --origins 500 --rounds 5]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np

from crossroads.routing import _calibrated_kernels as _ck
from crossroads.routing import _kernels as _k
from crossroads.routing import propagate
from crossroads.routing.calibration import calibrate
from crossroads.routing.load import graph_from_file

_MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GRAPH = "caida/serial-1/20100101.as-rel.txt.bz2"
RIB = "rib-text/route-views.wide.20100701.0759.bgpdump-m.txt.gz"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="calibrated", description=__doc__)
    ap.add_argument("--mirror", type=Path, default=_MIRROR)
    ap.add_argument("--origins", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    graph = graph_from_file(args.mirror / GRAPH)
    t0 = time.perf_counter()
    cal = calibrate(graph, [args.mirror / RIB])
    print(f"calibration: {time.perf_counter() - t0:.1f} s ({cal.describe()})")
    g = cal.graph
    pick = np.random.default_rng(1).choice(np.unique(cal.var_origin), args.origins,
                                           replace=False)
    origins = g.indices_of(pick).tolist()
    b = cal.bind(g)
    nodes = [b.nodes(cal, [cal.variants_of(int(a))[0][0]]) for a in pick]

    def plain() -> None:
        for o in origins:
            propagate(g, o)

    def calibrated() -> None:
        for o in origins:
            propagate(g, o, mode="calibrated", calibration=cal)

    def plain_kernel() -> None:
        for o in origins:
            _k.gao_rexford(*g.adjacency, np.array([o], np.int32))

    def calibrated_kernel() -> None:
        for o, nd in zip(origins, nodes, strict=True):
            _ck.calibrated_routes(*g.adjacency, np.array([o], np.int32), *nd, *b.prefs)

    runs = {f.__name__: [] for f in (plain, calibrated, plain_kernel, calibrated_kernel)}
    for f in (plain, calibrated, plain_kernel, calibrated_kernel):
        f()  # compile and warm up
    for _ in range(args.rounds):
        for f in (plain, calibrated, plain_kernel, calibrated_kernel):
            t = time.perf_counter()
            f()
            runs[f.__name__].append((time.perf_counter() - t) / len(origins) * 1e3)
    med = {k: statistics.median(v) for k, v in runs.items()}
    load = os.getloadavg()[0]
    print(f"2010-01-01 graph ({g.n:,} ASes), {len(origins)} observed origins, "
          f"{args.rounds} interleaved rounds, load average {load:.1f}")
    print("| measure | plain (ms/origin) | calibrated (ms/origin) | ratio |")
    print("|---|---|---|---|")
    ratio = med["calibrated"] / med["plain"]
    print(f"| propagate() | {med['plain']:.2f} | {med['calibrated']:.2f} | {ratio:.2f} |")
    kr = med["calibrated_kernel"] / med["plain_kernel"]
    print(f"| kernel only | {med['plain_kernel']:.2f} | {med['calibrated_kernel']:.2f} | "
          f"{kr:.2f} |")
    return 0 if ratio <= 2.0 else 1


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
