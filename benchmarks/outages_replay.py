"""Replay speed of the outage series builder (updates/s) against the MRT parser's rate.

For each mirror update file: parse time (MRT -> Arrow, the parser alone) and replay time
(Arrow -> per-country/AS series for all countries, 1-minute bins, then detection), both
best of ``--repeat`` runs after one warm-up (numba compile). AS -> country comes from the
mirror's 2018 RIR files, so no store is needed.

    .venv/bin/python benchmarks/outages_replay.py [--mirror DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from crossroads.outages import detect, series_from_table
from crossroads.outages.archive import COLUMNS
from crossroads.sources.mrt import read_mrt
from crossroads.sources.rir import asn_registrations, read_delegated

FILES = ["updates.20070211.0141.gz", "updates.20160811.1600.gz", "updates.et-header.2015.gz"]


def _best(f, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    out = f()
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser()
    default = Path(os.environ.get("CROSSROADS_MIRROR", Path(__file__).parents[2] / "shared/data"))
    ap.add_argument("--mirror", type=Path, default=default)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    rir = sorted((a.mirror / "rir-2018-10-13").glob("*.gz"))
    cc = pa.concat_tables([asn_registrations(read_delegated(p)) for p in rir]).to_pandas()
    asn_cc = cc.drop_duplicates("asn").set_index("asn")["cc"]
    print(f"{'file':32} {'routes':>9} {'parse/s':>12} {'replay/s':>12} {'ratio':>6}")
    for name in FILES:
        path = a.mirror / "mrt" / name
        t_parse, table = _best(lambda p=path: read_mrt(p), a.repeat)
        t = table.select(COLUMNS)
        t = t.take(pc.sort_indices(t, [("timestamp", "ascending")]))

        def replay(t=t) -> object:  # type: ignore[no-untyped-def]
            s = series_from_table(t, asn_country=asn_cc, countries=None,
                                  bin=timedelta(minutes=1))
            return detect(s)

        t_replay, _ = _best(replay, a.repeat)
        n = table.num_rows
        print(f"{name:32} {n:>9,} {n / t_parse:>12,.0f} {n / t_replay:>12,.0f} "
              f"{t_parse / t_replay:>6.2f}")


if __name__ == "__main__":
    main()
