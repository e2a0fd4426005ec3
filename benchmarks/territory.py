"""Territorial section overhead: `dependency KZ` with and without it, in one process.

Run: ``python benchmarks/territory.py [ROUNDS]`` with the store fetched (``CROSSROADS_DATA_DIR``
/ ``CROSSROADS_MIRROR`` set as for the CLI). One snapshot is loaded once; then each round
times ``dependency(snap, "KZ", chokepoint_k=0, cache=False)`` (one worker thread; the
store's results cache off, or every round after the first would be a lookup) without and
with the territorial section (and state control), alternating which goes first, so that a machine
whose load drifts treats both alike. On a shared machine the wall time of one run swings
by 2x with the neighbours' load, so besides the medians of wall time it prints the
medians of the process CPU time (what this process itself spent) and of the per-round
ratios (each pair run back to back), the one-time cost of reading the section's inputs (a
snapshot reads its store tables once; the rounds do not include it) and the load average
before and after. The issue's target: the section adds at most 20 %.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import sys
import time

from crossroads.config import get_settings
from crossroads.metrics import dependency
from crossroads.metrics.territory import territory_inputs
from crossroads.snapshots import snapshot


def main(rounds: int = 5) -> None:
    snap = snapshot(get_settings())
    load0 = os.getloadavg()
    for terr in (False, True):  # warm numba, the corridor data and the store's tables
        dependency(snap, "KZ", chokepoint_k=0, territory=terr, cache=False)
    wall: dict[bool, list[float]] = {False: [], True: []}
    cpu: dict[bool, list[float]] = {False: [], True: []}
    for r in range(rounds):
        order = (False, True) if r % 2 == 0 else (True, False)
        for terr in order:
            w, c = time.perf_counter(), time.process_time()
            dependency(snap, "KZ", chokepoint_k=0, territory=terr, cache=False)
            wall[terr].append(time.perf_counter() - w)
            cpu[terr].append(time.process_time() - c)
    t = time.perf_counter()
    territory_inputs(dataclasses.replace(snap))  # a copy that has read nothing yet
    cold = time.perf_counter() - t
    load1 = os.getloadavg()
    print(f"dependency KZ (chokepoints 0, 1 worker), {rounds} interleaved rounds on "
          f"{os.cpu_count()} CPUs (without -> with territory):")
    for name, times in (("wall", wall), ("cpu", cpu)):
        off, on = statistics.median(times[False]), statistics.median(times[True])
        pairs = statistics.median(b / a for a, b in zip(times[False], times[True], strict=True))
        print(f"  {name:4s} medians {off:.2f} s -> {on:.2f} s, ratio of medians "
              f"{on / off:.3f}, median of per-round ratios {pairs:.3f}")
        print(f"       without: {', '.join(f'{x:.2f}' for x in times[False])}")
        print(f"       with:    {', '.join(f'{x:.2f}' for x in times[True])}")
    print(f"  once per snapshot (in the warm-up, not in the rounds): reading the corridor "
          f"data and the store's PeeringDB / state-owned tables {cold:.2f} s")
    print(f"  load average (1, 5, 15 min) before {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, "
          f"after {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
