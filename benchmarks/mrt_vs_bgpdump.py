"""crossroads' MRT reader against ``bgpdump -m > /dev/null`` and ``zcat > /dev/null``.

Same files, one run, single core, end to end from the compressed file: routes/s of each,
the ratio, and peak memory (max RSS of each child process). Besides every mirror MRT file,
a bigger input is built by concatenating the decompressed records of the mirror's BGP4MP
update files ``--repeat`` times into a temporary gzip file (the mirror's largest files are
small, so start-up would otherwise dominate). TABLE_DUMP v1 is kept out of the concatenation
(its record stream is fine to concatenate, but it mixes a 2002 RIB into update traffic).

Run: ``python -m benchmarks mrt_vs_bgpdump [-- --repeat 8 --json out.json]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data"

_CHILD = """
import resource, sys, time
from crossroads.sources.mrt import iter_mrt_batches
t = time.perf_counter(); n = 0
for b in iter_mrt_batches(sys.argv[1]):
    n += b.num_rows
print(n, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _bgpdump(path: Path) -> tuple[float, int, int]:
    cmd = (f"/usr/bin/time -f '%M' bgpdump -m -v {path} 2>/tmp/.bgpdump_rss | wc -l; "
           "tail -1 /tmp/.bgpdump_rss")
    t = time.perf_counter()
    out = subprocess.run(cmd, shell=True, capture_output=True, text=True, check=True).stdout
    wall = time.perf_counter() - t
    lines, rss = out.split()[:2]
    return wall, int(lines), int(rss)


def _zcat(path: Path) -> float:
    tool = "zcat" if path.suffix == ".gz" else "bzcat"
    t = time.perf_counter()
    subprocess.run(f"{tool} {path} > /dev/null", shell=True, check=True)
    return time.perf_counter() - t


def _ours(path: Path) -> tuple[float, int, int, float]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                         text=True, check=True).stdout.split()
    wall = time.perf_counter() - t
    return float(out[1]), int(out[0]), int(out[2]), wall


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="mrt_vs_bgpdump")
    ap.add_argument("--mirror", type=Path, default=MIRROR)
    ap.add_argument("--repeat", type=int, default=8)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    if shutil.which("bgpdump") is None:
        print("bgpdump missing: run scripts/system-deps.sh")
        return 2
    from crossroads.sources._open import read_all

    files = sorted((a.mirror / "mrt").iterdir())
    tmp = Path(tempfile.mkdtemp(prefix="mrt-bench-"))
    big = tmp / f"updates-concat-x{a.repeat}.gz"
    from isal import igzip

    with igzip.open(big, "wb", compresslevel=2) as f:
        parts = [read_all(p) for p in files if p.name.startswith("updates")]
        for _ in range(a.repeat):
            for part in parts:
                f.write(part)
    _ours(files[-1])  # warm the numba cache once
    rows = []
    try:
        for path in [*files, big]:
            ours_s, n, ours_kb, ours_wall = _ours(path)
            bd_s, bd_n, bd_kb = _bgpdump(path)
            z = _zcat(path)
            rows.append({
                "file": path.name, "routes": n, "bgpdump_lines": bd_n,
                "crossroads_s": round(ours_wall, 3), "crossroads_parse_s": round(ours_s, 3),
                "bgpdump_s": round(bd_s, 3), "zcat_s": round(z, 3),
                "crossroads_routes_per_s": round(n / ours_wall),
                "bgpdump_routes_per_s": round(bd_n / bd_s),
                "ratio_end_to_end": round(bd_s / ours_wall * n / max(bd_n, 1), 2),
                "ratio_in_process": round(bd_s / ours_s * n / max(bd_n, 1), 2),
                "crossroads_peak_rss_mb": ours_kb // 1024, "bgpdump_peak_rss_mb": bd_kb // 1024,
            })
            r = rows[-1]
            print(f"{r['file']:40s} {n:>9,} routes  crossroads {r['crossroads_s']:6.2f} s "
                  f"(parse {r['crossroads_parse_s']:.2f} s, {r['crossroads_routes_per_s']:,}/s, "
                  f"{r['crossroads_peak_rss_mb']} MB)  bgpdump {bd_s:6.2f} s "
                  f"({r['bgpdump_routes_per_s']:,}/s, {r['bgpdump_peak_rss_mb']} MB)  "
                  f"zcat {z:.2f} s  ratio {r['ratio_end_to_end']}x "
                  f"(in-process {r['ratio_in_process']}x)", flush=True)
    finally:
        shutil.rmtree(tmp)
    if a.json:
        a.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
