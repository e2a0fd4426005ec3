"""Territorial section overhead: `dependency KZ` with and without it, in one process.

Run: ``python benchmarks/territory.py [ROUNDS]`` with the store fetched (``CROSSROADS_DATA_DIR``
/ ``CROSSROADS_MIRROR`` set as for the CLI). One snapshot is loaded once; then each round
times ``dependency(snap, "KZ", chokepoint_k=0)`` without and with the territorial section
(and state control), alternating which goes first, so that a machine whose load drifts
treats both alike. Prints every time, the medians, their ratio (the issue's target: at
most 1.20), the one-time cost of reading the section's inputs (a snapshot reads its
store tables once; the rounds do not include it) and the load average before and after.
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
        dependency(snap, "KZ", chokepoint_k=0, territory=terr)
    times: dict[bool, list[float]] = {False: [], True: []}
    for r in range(rounds):
        order = (False, True) if r % 2 == 0 else (True, False)
        for terr in order:
            t = time.perf_counter()
            dependency(snap, "KZ", chokepoint_k=0, territory=terr)
            times[terr].append(time.perf_counter() - t)
    off, on = statistics.median(times[False]), statistics.median(times[True])
    t = time.perf_counter()
    territory_inputs(dataclasses.replace(snap))  # a copy that has read nothing yet
    cold = time.perf_counter() - t
    load1 = os.getloadavg()
    print(f"dependency KZ (chokepoints 0), {rounds} interleaved rounds on {os.cpu_count()} "
          f"CPUs: without territory median {off:.2f} s, with {on:.2f} s, ratio "
          f"{on / off:.3f}")
    print("  without: " + ", ".join(f"{t:.2f}" for t in times[False]))
    print("  with:    " + ", ".join(f"{t:.2f}" for t in times[True]))
    print(f"  once per snapshot (in the warm-up, not in the rounds): reading the corridor "
          f"data and the store's PeeringDB / state-owned tables {cold:.2f} s")
    print(f"  load average (1, 5, 15 min) before {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, "
          f"after {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
