"""Territorial section overhead: `dependency KZ` with and without it, in one process.

Run: ``python benchmarks/territory.py`` (store fetched, CROSSROADS_DATA_DIR set). Prints
the median of 3 interleaved runs each and the ratio (target: at most 1.20).
"""

from __future__ import annotations

import statistics
import time

from crossroads.config import get_settings
from crossroads.metrics.report import country_dependency


def main() -> None:
    settings = get_settings()
    country_dependency(settings, "KZ", chokepoint_k=0)  # warm caches and numba
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(3):
        for terr in (False, True):
            t = time.perf_counter()
            country_dependency(settings, "KZ", chokepoint_k=0, territory=terr)
            times[terr].append(time.perf_counter() - t)
    off, on = statistics.median(times[False]), statistics.median(times[True])
    print(f"dependency KZ without territory {off:.2f} s, with {on:.2f} s, "
          f"ratio {on / off:.3f} (runs: {times})")


if __name__ == "__main__":
    main()
