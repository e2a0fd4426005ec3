"""crossroads' MRT reader against ``bgpdump -m > /dev/null`` and ``zcat > /dev/null``.

Same files, one run, single core, end to end from the compressed file (each tool a fresh
process, so start-up counts): wall seconds, routes/s, the ratio to bgpdump and to the
decompression floor (zcat), and peak memory (max RSS of each process, /usr/bin/time).
The three tools run interleaved, ``--rounds`` times per file, and the median is reported;
the load average at the start is printed (the machine may be shared).

crossroads here means ``iter_mrt_batches(path)`` in a new Python process: every route
becomes a row of Arrow record batches (schema ``crossroads.sources.mrt.SCHEMA``), the
product, not text thrown away. Besides every mirror MRT file, a bigger input is built by
concatenating the decompressed records of the mirror's BGP4MP update files ``--repeat``
times into a temporary gzip file (isal level 2). ``--kernel numba`` runs the numba
reference walker instead of the compiled one.

Run: ``python -m benchmarks mrt_vs_bgpdump [-- --repeat 8 --rounds 5 --json out.json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data"

_CHILD = """
import sys
from crossroads.sources.mrt import iter_mrt_batches
print(sum(b.num_rows for b in iter_mrt_batches(sys.argv[1])))
"""


def _timed(argv: list[str], stdout: int | None = subprocess.DEVNULL,
           env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """(wall s, peak RSS KB, stdout) of one process, measured by /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r") as rss:
        t = time.perf_counter()
        r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, *argv],
                           stdout=stdout, stderr=subprocess.DEVNULL, text=True, check=True,
                           env=env)
        wall = time.perf_counter() - t
        return wall, int(rss.read().split()[-1]), r.stdout or ""


def _ours(path: Path, env: dict[str, str]) -> tuple[float, int, int]:
    wall, kb, out = _timed([sys.executable, "-c", _CHILD, str(path)], subprocess.PIPE, env)
    return wall, kb, int(out)


def _bgpdump(path: Path) -> tuple[float, int]:
    wall, kb, _ = _timed(["bgpdump", "-m", str(path)])
    return wall, kb


def _zcat(path: Path) -> float:
    return _timed(["zcat" if path.suffix == ".gz" else "bzcat", str(path)])[0]


def _lines(path: Path) -> int:
    out = subprocess.run(f"bgpdump -m {path} 2>/dev/null | wc -l", shell=True,
                         capture_output=True, text=True, check=True).stdout
    return int(out)


def _build_big(mirror: Path, dest: Path, repeat: int) -> None:
    from isal import igzip

    from crossroads.sources._open import read_all

    parts = [read_all(p) for p in sorted((mirror / "mrt").iterdir())
             if p.name.startswith("updates")]
    with igzip.open(dest, "wb", compresslevel=2) as f:
        for _ in range(repeat):
            for part in parts:
                f.write(part)


def measure(path: Path, rounds: int, env: dict[str, str]) -> dict[str, object]:
    """Median figures of ``rounds`` interleaved runs of the three tools on ``path``."""
    ours, bd, z = [], [], []
    routes = 0
    for _ in range(rounds):
        wall, kb, routes = _ours(path, env)
        ours.append((wall, kb))
        bd.append(_bgpdump(path))
        z.append(_zcat(path))
    lines = _lines(path)
    o = statistics.median(w for w, _ in ours)
    b = statistics.median(w for w, _ in bd)
    zc = statistics.median(z)
    return {
        "file": path.name, "routes": routes, "bgpdump_lines": lines,
        "crossroads_s": round(o, 3), "bgpdump_s": round(b, 3), "zcat_s": round(zc, 3),
        "crossroads_routes_per_s": round(routes / o), "bgpdump_routes_per_s": round(lines / b),
        "speedup_vs_bgpdump": round((routes / o) / (lines / b), 2),
        "times_zcat": round(o / zc, 2),
        "crossroads_peak_rss_mb": max(kb for _, kb in ours) // 1024,
        "bgpdump_peak_rss_mb": max(kb for _, kb in bd) // 1024,
    }


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="mrt_vs_bgpdump")
    ap.add_argument("--mirror", type=Path, default=MIRROR)
    ap.add_argument("--repeat", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--kernel", choices=["c", "numba"], default="c")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    if shutil.which("bgpdump") is None:
        print("bgpdump missing: run scripts/system-deps.sh")
        return 2
    env = dict(os.environ)
    if a.kernel == "numba":
        env["CROSSROADS_MRT_KERNELS"] = "numba"
    tmp = Path(tempfile.mkdtemp(prefix="mrt-bench-"))
    big = tmp / f"updates-concat-x{a.repeat}.gz"
    rows = []
    try:
        _build_big(a.mirror, big, a.repeat)
        files = sorted((a.mirror / "mrt").iterdir())
        _ours(files[-1], env)  # warm the page cache (and numba's cache, if it runs)
        load = os.getloadavg()
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} "
              f"CPUs; {a.kernel} walker; median of {a.rounds} interleaved rounds", flush=True)
        for path in [*files, big]:
            r = measure(path, a.rounds, env)
            rows.append(r)
            print(f"{r['file']:36s} {r['routes']:>9,} routes  "
                  f"crossroads {r['crossroads_s']:6.2f} s "
                  f"({r['crossroads_routes_per_s']:>10,}/s, {r['crossroads_peak_rss_mb']} MB)  "
                  f"bgpdump {r['bgpdump_s']:6.2f} s ({r['bgpdump_routes_per_s']:>9,}/s)  "
                  f"zcat {r['zcat_s']:5.2f} s  {r['speedup_vs_bgpdump']}x bgpdump, "
                  f"{r['times_zcat']}x zcat time", flush=True)
    finally:
        shutil.rmtree(tmp)
    if a.json:
        a.json.write_text(json.dumps({"load_average": load, "kernel": a.kernel,
                                      "rounds": a.rounds, "files": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
