"""Fuzz the MRT parser with mutated real records from the mirror: no crash, hang or blow-up.

Each input is a real record (with its file's peer table) mutated by
:func:`crossroads.sources.mrt.fuzzing.mutate`. The walker (``--kernel``: the compiled one by
default, or the numba reference) runs on every input; every
``--full-every``-th input also goes through :func:`parse_mrt` (Arrow building, error text).
An input may parse or raise DataFormatError; anything else, an input slower than
``--hang-s`` seconds, or resident memory above ``--max-rss-mb`` stops the run.

Run: ``python -m benchmarks fuzz_mrt -- --inputs 1000000``.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np

from crossroads.errors import DataFormatError
from crossroads.sources._open import read_all
from crossroads.sources.mrt import parse_mrt
from crossroads.sources.mrt._backends import kernels
from crossroads.sources.mrt._buffers import new_out, new_peers, new_scratch
from crossroads.sources.mrt.fuzzing import corpus_records, mutate

MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="fuzz_mrt")
    ap.add_argument("--inputs", type=int, default=1_000_000)
    ap.add_argument("--mirror", type=Path, default=MIRROR)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--full-every", type=int, default=50)
    ap.add_argument("--hang-s", type=float, default=2.0)
    ap.add_argument("--max-rss-mb", type=int, default=2048)
    ap.add_argument("--kernel", choices=["c", "numba"], default="c")
    a = ap.parse_args(argv)
    walk = kernels(a.kernel).walk
    files = sorted((a.mirror / "mrt").iterdir())
    corpus = corpus_records([read_all(f) for f in files], per_file=200)
    out, sc, status = new_out(4096, 65536), new_scratch(), np.zeros(3, np.int64)
    t0 = time.perf_counter()
    clean = damaged = 0
    for i in range(a.inputs):
        data = mutate(corpus[i % len(corpus)], a.seed * 1_000_003 + i)
        t = time.perf_counter()
        peers = new_peers(256)
        out.cnt[:] = 0
        walk(np.frombuffer(data, np.uint8), 0, 0, out, sc, peers, status)
        if i % a.full_every == 0:
            try:
                parse_mrt(data)
                clean += 1
            except DataFormatError as exc:
                damaged += 1
                assert exc.offset is not None and 0 <= exc.offset <= len(data), exc
        if time.perf_counter() - t > a.hang_s:
            print(f"HANG: input {i} took {time.perf_counter() - t:.1f} s")
            return 1
        if i % 100_000 == 0 and i:
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(f"{i:,} inputs, {time.perf_counter() - t0:.0f} s, peak RSS {rss} MB",
                  flush=True)
            if rss > a.max_rss_mb:
                print("memory limit exceeded")
                return 1
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"fuzz_mrt: {a.inputs:,} mutated inputs from {len(corpus)} real records of "
          f"{len(files)} mirror files, {a.kernel} walker, {time.perf_counter() - t0:.0f} s, "
          "no crash or hang; "
          f"full parses: {clean} clean, {damaged} DataFormatError; peak RSS {rss} MB")
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
