"""History of one country across every catalogued AS-graph snapshot (goal: <= 2 min).

Needs a store with ``as_info`` (``crossroads fetch``); reads the snapshots through the
mirror. Run: ``python -m benchmarks history -- --data-dir DIR [--country KZ] [--workers 2]``.
Measured 2026-11-22: KZ, 10 snapshots 2002-2025, 2 worker processes: 62.6 s (machine
shared, load average ~12).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from crossroads.config import Settings
from crossroads.metrics.history import history
from crossroads.snapshots import snapshot

_MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="history", description=__doc__)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--mirror", type=Path, default=_MIRROR)
    ap.add_argument("--country", default="KZ")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    settings = Settings(data_dir=args.data_dir, cache_dir=args.data_dir / "cache",
                        mirror=args.mirror)
    t0 = time.perf_counter()
    h = history(snapshot(settings), args.country, workers=args.workers)
    took = time.perf_counter() - t0
    print(f"{args.country}: {len(h.summary)} snapshots in {took:.1f} s "
          f"({'within' if took <= 120 else 'OVER'} the 2-minute goal)")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
