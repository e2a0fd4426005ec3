"""Load test of the dependency endpoint: requests/s, p50/p99 latency, errors, server RSS.

Starts ``crossroads serve``'s app under uvicorn in a child process on 127.0.0.1 (a free
port), warms the cache with one request (the computation itself is timed separately:
``cold_compute_s``, quick when the disk cache already holds it), then runs ``--rounds``
rounds of ``wrk`` (``--concurrency`` connections, 2 threads, ``--seconds`` each; the
async httpx client below when wrk is not installed) against
``/api/countries/CC/dependency``. The server's RSS is read from /proc before the load
and after each round: memory that keeps growing from round to round is a leak. Needs a
loaded store (``crossroads fetch``) and the mirror (``CROSSROADS_MIRROR``).

    python -m benchmarks web_load -- --country KZ --seconds 20 --concurrency 16 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import re
import shutil
import socket
import subprocess
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


_UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if m is None:
        raise ValueError(f"wrk latency {text!r}")
    return float(m.group(1)) * _UNIT[m.group(2)]


def _wrk(url: str, seconds: float, concurrency: int) -> dict[str, float]:
    """One wrk run: requests, requests/s, p50/p99 latency (ms), errors (socket + non-2xx)."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{concurrency}", f"-d{int(seconds)}s", "--latency", "--timeout", "30s",
         url], check=True, capture_output=True, text=True, timeout=seconds + 60).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": requests,
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
        "p99_ms": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
        "errors": errors + (int(non2xx.group(1)) if non2xx else 0),
    }


def _httpx(url: str, seconds: float, concurrency: int) -> dict[str, float]:
    lat, errors = asyncio.run(_load(url, seconds, concurrency))
    lat.sort()
    return {
        "requests": len(lat),
        "requests_per_s": round(len(lat) / seconds, 1),
        "p50_ms": round(1000 * lat[len(lat) // 2], 2),
        "p99_ms": round(1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))], 2),
        "errors": errors,
    }


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="web_load")
    ap.add_argument("--country", default="KZ")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    tool = "wrk" if shutil.which("wrk") else "httpx"
    run_round = _wrk if tool == "wrk" else _httpx
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
        rss = [_rss_mib(proc.pid)]
        rounds = []
        for _ in range(args.rounds):
            rounds.append(run_round(url, args.seconds, args.concurrency))
            rss.append(_rss_mib(proc.pid))
    finally:
        proc.terminate()
        proc.join(10)
    out = {
        "endpoint": url.replace(base, ""),
        "tool": tool,
        "cold_compute_s": round(cold, 2),
        "concurrency": args.concurrency,
        "seconds_per_round": args.seconds,
        "rounds": rounds,
        "errors": sum(r["errors"] for r in rounds),
        "rss_mib": [round(r, 1) for r in rss],
    }
    print(json.dumps(out, indent=2))
    return 0 if out["errors"] == 0 else 1
