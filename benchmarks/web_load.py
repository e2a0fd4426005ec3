"""Load test of the dependency endpoint: requests/s, p50/p99 latency, errors, server RSS.

Starts ``crossroads serve``'s app under uvicorn in a child process on 127.0.0.1 (a free
port), warms the cache with one request (the computation itself is timed separately),
then runs a bounded async httpx client (``--concurrency`` connections for ``--seconds``)
against ``/api/countries/CC/dependency``. RSS of the server is read from /proc before and
after the load. Needs a loaded store (``crossroads fetch``).

    python -m benchmarks web_load -- --country KZ --seconds 20 --concurrency 16
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import socket
import time
from pathlib import Path

import httpx


def _serve(port: int) -> None:
    import uvicorn

    from crossroads.config import get_settings
    from crossroads.web.app import create_app

    uvicorn.run(create_app(get_settings()), host="127.0.0.1", port=port, log_level="warning")


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _load(url: str, seconds: float, concurrency: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            t = time.perf_counter()
            try:
                r = await client.get(url)
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - t)
            errors += not ok

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return latencies, errors


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="web_load")
    ap.add_argument("--country", default="KZ")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--concurrency", type=int, default=16)
    args = ap.parse_args(argv)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = multiprocessing.get_context("spawn").Process(target=_serve, args=(port,), daemon=True)
    proc.start()
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/api/countries/{args.country}/dependency"
    try:
        for _ in range(600):
            try:
                httpx.get(f"{base}/openapi.json", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        t = time.perf_counter()
        first = httpx.get(url, timeout=600)
        cold = time.perf_counter() - t
        if first.status_code != 200:
            print(json.dumps({"error": first.json()}))
            return 1
        rss0 = _rss_mib(proc.pid)
        lat, errors = asyncio.run(_load(url, args.seconds, args.concurrency))
        rss1 = _rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.join(10)
    lat.sort()
    out = {
        "endpoint": url.replace(base, ""),
        "cold_compute_s": round(cold, 2),
        "requests": len(lat),
        "requests_per_s": round(len(lat) / args.seconds, 1),
        "p50_ms": round(1000 * lat[len(lat) // 2], 2),
        "p99_ms": round(1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))], 2),
        "errors": errors,
        "rss_mib_before": round(rss0, 1),
        "rss_mib_after": round(rss1, 1),
        "concurrency": args.concurrency,
        "seconds": args.seconds,
    }
    print(json.dumps(out, indent=2))
    return 0 if errors == 0 else 1
