"""The batched routing backends against the numba kernel, on the real 2025 graph.

For each backend, origins are propagated ``K`` per batch (``--batches`` batch sizes, the
same random origins for every backend) and the time per origin is reported, after a
warm-up batch (numba compilation, CUDA context and kernel compilation). The numba
reference is ``propagate()`` once per origin on one thread. Every backend's matrices are
compared with the numba ones on the timed origins; a difference fails the benchmark.
The GPU rows appear only where CuPy sees a CUDA device. All-origins figures are per-origin
time x number of ASes (one worker).

Run: ``python -m benchmarks routing_gpu [-- --origins 512 --batches 32,128,256
--gpu-batches 1024,4096 --json out.json]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time

import numpy as np

from crossroads.config import get_settings
from crossroads.routing import ASGraph, propagate
from crossroads.routing.backends import BatchRoutes, gpu_available, propagate_batch
from crossroads.routing.load import load_graph


def _numba_per_origin_ms(g: ASGraph, origins: np.ndarray) -> float:
    propagate(g, int(origins[0]))  # compile / load the cache
    times = []
    for o in origins:
        t0 = time.perf_counter()
        propagate(g, int(o))
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


def _batched(g: ASGraph, origins: np.ndarray, backend: str, k: int) -> tuple[float, BatchRoutes]:
    """Milliseconds per origin over ``origins`` in batches of ``k``, after a warm-up."""
    propagate_batch(g, origins[: min(k, 8)], backend=backend, batch_size=k)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    out = propagate_batch(g, origins, backend=backend, batch_size=k)  # type: ignore[arg-type]
    return 1e3 * (time.perf_counter() - t0) / origins.size, out


def _same(a: BatchRoutes, b: BatchRoutes) -> bool:
    return bool(
        np.array_equal(a.rel, b.rel)
        and np.array_equal(a.length, b.length)
        and np.array_equal(a.next_hop, b.next_hop)
    )


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="routing_gpu", description=__doc__)
    ap.add_argument("--origins", type=int, default=512, help="random origins timed")
    ap.add_argument("--batches", default="32,128,256", help="K values for the numpy backend")
    ap.add_argument("--gpu-batches", default="1024,4096", help="K values for the GPU backend")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)
    g = load_graph(get_settings())
    rng = np.random.default_rng(1)
    origins = rng.choice(g.n, size=min(args.origins, g.n), replace=False).astype(np.int32)
    out: dict[str, float | int | str | bool] = {
        "data": "CAIDA AS relationships 2025-09-01 (serial-2)",
        "ases": g.n,
        "origins_timed": int(origins.size),
        "gpu": gpu_available(),
    }
    out["numba_ms_per_origin"] = _numba_per_origin_ms(g, origins)
    ref = propagate_batch(g, origins, backend="cpu")
    out["numba_all_origins_s"] = out["numba_ms_per_origin"] * g.n / 1e3
    status = 0
    runs = [("array", int(k)) for k in args.batches.split(",")]
    if out["gpu"]:
        runs += [("gpu", int(k)) for k in args.gpu_batches.split(",")]
    for backend, k in runs:
        ms, got = _batched(g, origins, backend, k)
        out[f"{backend}_K{k}_ms_per_origin"] = ms
        out[f"{backend}_K{k}_all_origins_s"] = ms * g.n / 1e3
        out[f"{backend}_K{k}_equal_to_numba"] = _same(got, ref)
        status |= 0 if out[f"{backend}_K{k}_equal_to_numba"] else 1
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for key, v in out.items():
        print(f"{key:36s} {v:,.3f}" if isinstance(v, float) else f"{key:36s} {v}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1)
    return status
