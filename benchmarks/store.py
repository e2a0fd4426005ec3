"""Store load times: full fetch of the mirror, re-fetch, ``as_info`` rebuild, profile query.

Run: ``python -m benchmarks store [-- --mirror DIR]``. Uses a temporary data directory.
Measured 2026-11-22 on the shared 2-core machine (load average ~7): 24 datasets,
3,516,979 rows, full fetch 22.8 s (11.5 s CPU) including the as_info rebuild (116,797
ASes, 3.1 s); re-fetch with nothing changed 1.0 s; ``country_profile("KZ")`` 0.26 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from crossroads.config import Settings
from crossroads.metrics.inventory import country_profile
from crossroads.store import fetch
from crossroads.store._asinfo import refresh_as_info
from crossroads.store._db import connect

_MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="store", description=__doc__)
    ap.add_argument("--mirror", type=Path, default=_MIRROR)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(Path(tmp) / "data", Path(tmp) / "cache", args.mirror)
        t0 = time.perf_counter()
        results = fetch(settings)
        full = time.perf_counter() - t0
        for r in sorted(results, key=lambda r: -r.seconds)[:5]:
            print(f"  {r.name:<44} {r.rows:>9,} rows  {r.seconds:6.2f} s")
        rows = sum(r.rows for r in results)
        print(f"full fetch: {len(results)} datasets, {rows:,} rows, {full:.1f} s (incl. as_info)")
        t0 = time.perf_counter()
        fetch(settings)
        print(f"re-fetch (nothing changed): {time.perf_counter() - t0:.1f} s")
        with connect(settings, read_only=False) as con:
            t0 = time.perf_counter()
            refresh_as_info(con, force=True)
            (n,) = con.execute("SELECT count(*) FROM as_info").fetchone() or (0,)
        print(f"as_info rebuild: {n:,} ASes, {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        country_profile(settings, "KZ")
        print(f"country_profile(KZ): {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
