"""Bounded mixed load on ``crossroads serve`` (loopback only): cheap pages stay fast while
distinct expensive scenarios are queued, refused (503 + Retry-After) and cancelled.

Starts ``crossroads serve --host 127.0.0.1 --port 0`` over the loaded store with an empty
result cache (so every scenario really computes), then for ``--seconds`` (bounded):

- ``--concurrency`` clients loop over cheap requests (scenario list, TLS roots, the KZ
  profile, AS9198, the KZ page, app.js) and record each latency;
- one client posts a *distinct* scenario (its own name and removed AS) every
  ``--every`` seconds, at most ``--scenarios`` in all, without waiting for the answer;
  each answer's status is counted (200 computed, 503 refused with Retry-After);
- the memory of the server and every process below it (pool workers, the Dask cluster)
  is summed from /proc every 0.5 s: resident sets (RSS, the checked figure: a page shared
  by several processes counts once per process, so it is an upper bound) and
  proportional sets (PSS, shared pages split between their sharers: the truth, printed
  beside it).

At the end the scenario clients disconnect; the server must cancel their work (its
``/api/status`` back to nothing running within 60 s). The run fails (exit 1) when cheap
p99 is 1 s or more, the summed-RSS peak passes ``--cap-mib``, no scenario was computed,
nothing was refused, or the work was not cancelled. Needs a loaded store (``crossroads fetch``).

    python -m benchmarks web_mixed_load -- --seconds 90 --concurrency 8 --cap-mib 3072
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

CHEAP = ("/api/scenarios", "/api/tls/roots", "/api/countries/KZ/profile", "/api/as/9198",
         "/country/KZ", "/static/app.js")


def _tree_memory_mib(root: int) -> dict[str, float]:
    """Memory of ``root`` and all its descendants (MiB): ``rss``, the sum of their resident
    sets (a page shared by several processes -- libraries, copy-on-write -- counted in
    each, so an upper bound), ``pss``, the sum of their proportional sets (a shared page
    split between its sharers: what the tree really holds), ``server``, the root's own
    RSS, and ``processes``."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out = {"rss": 0.0, "pss": 0.0, "server": 0.0, "processes": 0.0}
    todo = [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        kib = {k: int(v.split()[0]) for k, v in (ln.split(":", 1) for ln in rollup[1:])}
        out["rss"] += kib["Rss"] / 1024
        out["pss"] += kib["Pss"] / 1024
        out["processes"] += 1
        if pid == root:
            out["server"] = kib["Rss"] / 1024
    return out


def _scenario(i: int) -> str:
    return (f"name: load-{i}\ncountry: KZ\noperations:\n  - op: remove_as\n"
            f"    asns: [{[12389, 20485, 3216, 31133, 9002, 1299, 174, 3356][i % 8]}]\n"
            f"    label: distinct {i}\n")


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def _run(url: str, pid: int, args: argparse.Namespace) -> dict[str, object]:
    latencies: list[float] = []
    cheap_errors = 0
    statuses: dict[str, int] = {}
    retry_after: set[str] = set()
    peak = _tree_memory_mib(pid)
    start = time.perf_counter()
    stop = start + args.seconds

    async def cheap(client: httpx.AsyncClient, k: int) -> None:
        nonlocal cheap_errors
        i = k
        while time.perf_counter() < stop:
            t = time.perf_counter()
            try:
                ok = (await client.get(CHEAP[i % len(CHEAP)])).status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - t)
            cheap_errors += not ok
            i += 1

    async def one(client: httpx.AsyncClient, i: int) -> None:
        try:
            r = await client.post("/api/simulate", json={"yaml": _scenario(i)})
            statuses[str(r.status_code)] = statuses.get(str(r.status_code), 0) + 1
            if r.status_code == 503:
                retry_after.add(r.headers.get("retry-after", "missing"))
        except httpx.HTTPError as exc:
            statuses[type(exc).__name__] = statuses.get(type(exc).__name__, 0) + 1

    async def memory() -> None:
        while time.perf_counter() < stop:
            now = _tree_memory_mib(pid)
            for key, value in now.items():
                peak[key] = max(peak[key], value)
            await asyncio.sleep(0.5)

    async with httpx.AsyncClient(base_url=url, timeout=args.seconds + 60) as client, \
            httpx.AsyncClient(base_url=url, timeout=args.seconds + 60) as heavy:
        pending: list[asyncio.Task[None]] = []

        async def expensive() -> None:
            for i in range(args.scenarios):
                if time.perf_counter() >= stop:
                    break
                pending.append(asyncio.create_task(one(heavy, i)))
                await asyncio.sleep(args.every)

        await asyncio.gather(memory(), expensive(),
                             *(cheap(client, k) for k in range(args.concurrency)))
        unanswered = sum(not t.done() for t in pending)
        for t in pending:
            t.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        while time.monotonic() < deadline:
            st = (await client.get("/api/status")).json()["heavy"]
            if st["running"] + st["waiting"] == 0:
                break
            await asyncio.sleep(0.5)
    return {
        "seconds": round(time.perf_counter() - start, 1),
        "cheap_requests": len(latencies), "cheap_errors": cheap_errors,
        "cheap_p50_ms": round(1000 * _p(latencies, 0.5), 1),
        "cheap_p99_ms": round(1000 * _p(latencies, 0.99), 1),
        "cheap_max_ms": round(1000 * max(latencies, default=float("nan")), 1),
        "scenarios_sent": len(pending), "scenario_statuses": statuses,
        "scenarios_unanswered_at_end": unanswered, "retry_after": sorted(retry_after),
        "rss_peak_mib": round(peak["rss"], 1), "pss_peak_mib": round(peak["pss"], 1),
        "server_rss_peak_mib": round(peak["server"], 1),
        "processes_peak": int(peak["processes"]), "status_after_disconnect": st,
        "load_average": os.getloadavg(),
    }


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="benchmarks.web_mixed_load")
    ap.add_argument("--seconds", type=float, default=90.0)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--scenarios", type=int, default=12)
    ap.add_argument("--every", type=float, default=2.0)
    ap.add_argument("--cap-mib", type=float, default=3072.0)
    args = ap.parse_args(argv)
    args.seconds = min(args.seconds, 300.0)  # bounded in time ...
    args.scenarios = min(args.scenarios, 50)  # ... and in count
    cache = tempfile.mkdtemp(prefix="crossroads-load-cache-")
    server = subprocess.Popen(
        [sys.executable, "-c", "from crossroads.cli import main; main()", "serve", "--host",
         "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "CROSSROADS_CACHE_DIR": cache, "COLUMNS": "200"})
    try:
        assert server.stdout is not None
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", server.stdout.readline())
        if found is None:
            print("the server did not start:", server.stderr.read() if server.stderr else "")
            return 1
        url = f"http://127.0.0.1:{found.group(1)}"
        httpx.get(f"{url}/api/countries/KZ/profile", timeout=120)  # warm: open the store
        out = asyncio.run(_run(url, server.pid, args))
    finally:
        server.terminate()
        server.wait(30)
    for key, value in out.items():
        print(f"{key}: {value}")
    refused = out["scenario_statuses"].get("503", 0)  # type: ignore[union-attr]
    computed = out["scenario_statuses"].get("200", 0)  # type: ignore[union-attr]
    st = out["status_after_disconnect"]
    checks = {
        "some scenarios computed (200) under the load": computed > 0,
        "cheap p99 < 1 s": out["cheap_p99_ms"] < 1000,  # type: ignore[operator]
        f"memory peak (summed RSS) < {args.cap_mib:.0f} MiB": out["rss_peak_mib"] < args.cap_mib,  # type: ignore[operator]
        "some scenarios refused with 503 + Retry-After": refused > 0
        and "missing" not in out["retry_after"],  # type: ignore[operator]
        "work of gone clients cancelled": st["running"] + st["waiting"] == 0,  # type: ignore[index]
    }
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1
