"""Territorial section overhead: `dependency KZ` with and without it, in one process.

Run: ``python benchmarks/territory.py [ROUNDS]`` with the store fetched (``CROSSROADS_DATA_DIR``
/ ``CROSSROADS_MIRROR`` set as for the CLI). One snapshot is loaded once; then each round
times ``dependency(snap, "KZ", chokepoint_k=0)`` without and with the territorial section
(and state control), alternating which goes first, so that a machine whose load drifts
treats both alike. Prints every time, the medians, their ratio (the issue's target: at
most 1.20) and the load average before and after.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from crossroads.config import get_settings
from crossroads.metrics import dependency
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
    load1 = os.getloadavg()
    print(f"dependency KZ (chokepoints 0), {rounds} interleaved rounds on {os.cpu_count()} "
          f"CPUs: without territory median {off:.2f} s, with {on:.2f} s, ratio "
          f"{on / off:.3f}")
    print("  without: " + ", ".join(f"{t:.2f}" for t in times[False]))
    print("  with:    " + ", ".join(f"{t:.2f}" for t in times[True]))
    print(f"  load average (1, 5, 15 min) before {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, "
          f"after {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
