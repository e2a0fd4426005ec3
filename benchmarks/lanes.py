"""The lane engine against today's per-origin engine, side by side in one run (issue 18).

On the store's newest snapshot (``CROSSROADS_*`` settings; the 2025 CAIDA graph):

* routes: ``propagate()`` one origin at a time vs ``propagate_lanes`` 64 at a time (CPU
  time per origin, both tie modes, equality checked);
* the world matrix of every destination group on the lane engine (``--workers``
  threads), and today's per-origin engine on ``--reference-groups`` of them (processes,
  extrapolated), the two matrices on those groups required identical; ``--full``
  runs today's engine on every group too and compares the whole matrices;
* hegemony of every origin AS (``hegemony()`` on all origins, and IHR's global form), the
  per-origin loop on ``--reference-origins`` of them (extrapolated, required identical);
* the KZ single-AS sweep on lanes, and (with ``--reference-bin``) today's engine's sweep;
* fresh processes: ``dependency KZ`` and ``simulate PRESET`` with ``--no-cache`` (cold)
  and twice with the cache (the second is served), each with peak memory; with
  ``--reference-bin`` (today's ``crossroads`` executable, e.g. of a worktree of the
  commit before this engine) the same commands of today's code with ``--no-cache``
  (code older than the results cache has none and is always cold), each run once
  untimed first (a new tree compiles its numba kernels), for the ratios;
  ``--reference-data-dir`` gives it a store of its own (``crossroads fetch`` run by that
  tree on the same mirror: the same datasets, in the tables that code reads).

Times are wall-clock seconds of this run (CPU seconds in brackets where the machine is
shared); every ratio is today's time over the lane engine's, in the same run.

Run: ``nice python -m benchmarks lanes [-- --workers 2 --full --reference-bin BIN
--json out.json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from crossroads import snapshot
from crossroads.config import get_settings
from crossroads.metrics.hegemony import global_hegemony, hegemony
from crossroads.metrics.world import world_groups, world_matrix
from crossroads.routing import propagate
from crossroads.routing.lanes import propagate_lanes
from crossroads.scenarios import sweep


def _timed(fn):  # type: ignore[no-untyped-def]
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cli(binary: str, args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak MiB and stdout of one fresh ``crossroads`` process."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M", binary, *args], env=env,
                         capture_output=True, text=True, check=True)
    wall, kib = out.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kib) / 1024, out.stdout


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="lanes", description=__doc__)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--reference-groups", type=int, default=1500)
    ap.add_argument("--reference-origins", type=int, default=1000)
    ap.add_argument("--full", action="store_true", help="today's world matrix in full too")
    ap.add_argument("--reference-bin", help="today's crossroads executable")
    ap.add_argument("--reference-data-dir",
                    help="the reference's CROSSROADS_DATA_DIR (a store it loaded itself)")
    ap.add_argument("--preset", default="kz-russia-transit-loss")
    ap.add_argument("--skip", default="", help="comma list of parts to skip")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)
    skip = set(args.skip.split(","))
    out: dict[str, object] = {"load_average_start": list(os.getloadavg())}
    snap = snapshot(get_settings())
    g = snap.graph
    out["ases"] = g.n

    def say(key: str, value: object) -> None:
        out[key] = value
        print(f"{key:44s} {value:,.2f}" if isinstance(value, float) else f"{key:44s} {value}",
              flush=True)

    if "routes" not in skip:
        rng = np.random.default_rng(18)
        origins = rng.choice(g.n, 512, replace=False).tolist()
        for mode in ("deterministic", "all-best"):
            propagate(g, 0, mode=mode)
            propagate_lanes(g, origins[:64], mode=mode).all_routes()
            _, _, c1 = _timed(lambda m=mode: [propagate(g, o, mode=m) for o in origins])
            _, _, c2 = _timed(lambda m=mode: [propagate_lanes(g, origins[i : i + 64], mode=m)
                                              for i in range(0, 512, 64)])
            b = propagate_lanes(g, origins[:64], mode=mode).all_routes()
            same = all(np.array_equal(r.nh_idx, propagate(g, o, mode=mode).nh_idx)
                       for o, r in zip(origins[:64], b, strict=True))
            say(f"routes_{mode}_per_origin_ms", 1e3 * c1 / 512)
            say(f"routes_{mode}_lanes_ms", 1e3 * c2 / 512)
            say(f"routes_{mode}_ratio", c1 / c2)
            say(f"routes_{mode}_equal", same)

    if "world" not in skip:
        total = len(world_groups(g, snap.table))
        world_matrix(snap, sample=64)  # compile
        world_matrix(snap, sample=8, engine="per-origin")
        m, wall, cpu = _timed(lambda: world_matrix(snap, workers=args.workers))
        say("world_groups", total)
        say("world_lanes_s", wall)
        say("world_lanes_cpu_s", cpu)
        n = min(args.reference_groups, total)
        ref_l = world_matrix(snap, sample=n, seed=18, workers=args.workers)
        ref_o, w_o, _ = _timed(lambda: world_matrix(snap, sample=n, seed=18,
                                                    workers=args.workers, engine="per-origin"))
        say("world_per_origin_sample_groups", n)
        say("world_per_origin_extrapolated_s", w_o * total / n)
        say("world_ratio", w_o * total / n / wall)
        say("world_sample_identical", bool(ref_l.shares.equals(ref_o.shares)))
        if args.full:
            full, w_f, _ = _timed(lambda: world_matrix(snap, workers=args.workers,
                                                       engine="per-origin"))
            say("world_per_origin_full_s", w_f)
            say("world_full_ratio", w_f / wall)
            say("world_full_identical", bool(full.shares.equals(m.shares)
                                             and full.weights.equals(m.weights)))
        say("peak_rss_after_world_mib", _peak_mib())

    if "hegemony" not in skip:
        vps = [int(a) for a in snap.vantage_points]
        all_origins = [int(a) for a in g.asns[snap.table.ipv4 > 0]]
        hegemony(g, all_origins[:64], vps, table=snap.table)
        h, wall, _ = _timed(lambda: hegemony(g, all_origins, vps, table=snap.table,
                                             workers=args.workers))
        say("hegemony_origins", len(all_origins))
        say("hegemony_vantage_points", len(vps))
        say("hegemony_lanes_s", wall)
        _, w_g, _ = _timed(lambda: global_hegemony(g, vps, table=snap.table,
                                                   workers=args.workers))
        say("global_hegemony_ihr_lanes_s", w_g)
        n = min(args.reference_origins, len(all_origins))
        pick = [all_origins[i] for i in np.random.default_rng(18).choice(
            len(all_origins), n, replace=False)]
        a = hegemony(g, pick, vps, table=snap.table, workers=args.workers)
        b, w_o, _ = _timed(lambda: hegemony(g, pick, vps, table=snap.table,
                                            engine="per-origin"))
        say("hegemony_per_origin_extrapolated_s", w_o * len(all_origins) / n)
        say("hegemony_ratio", w_o * len(all_origins) / n / wall)
        say("hegemony_sample_identical", bool(a.equals(b)))
        say("hegemony_top_asn", int(h.asn.iloc[0]))
        say("peak_rss_after_hegemony_mib", _peak_mib())

    if "sweep" not in skip:
        sweep(snap, "KZ", kind="ases", workers=args.workers, limit=1)
        res, wall, _ = _timed(lambda: sweep(snap, "KZ", kind="ases", workers=args.workers))
        say("kz_as_sweep_items", len(res.rows))
        say("kz_as_sweep_lanes_s", wall)
        say("peak_rss_after_sweep_mib", _peak_mib())

    if "fresh" not in skip:
        env = dict(os.environ)
        ref_env = dict(env)
        if args.reference_data_dir:
            ref_env["CROSSROADS_DATA_DIR"] = args.reference_data_dir
        ours = str(Path(sys.executable).with_name("crossroads"))
        runs = [("dependency", ["dependency", "KZ", "--json"]),
                ("simulate", ["simulate", args.preset, "--json"])]
        for name, cmd in runs:
            cold, mem, _ = _cli(ours, [*cmd, "--no-cache"], env)
            _cli(ours, cmd, env)  # computes and keeps the result (or finds it kept)
            warm, mem2, text = _cli(ours, cmd, env)
            say(f"fresh_{name}_cold_s", cold)
            say(f"fresh_{name}_cold_peak_mib", mem)
            say(f"fresh_{name}_cached_s", warm)
            say(f"fresh_{name}_cached_served", json.loads(text)["cache"] == "hit")
            if args.reference_bin:
                # once untimed: a reference tree's first run compiles its numba kernels;
                # code from before the results cache has no --no-cache (always cold)
                help_text = subprocess.run([args.reference_bin, cmd[0], "--help"],
                                           env=ref_env, capture_output=True, text=True).stdout
                ref_cmd = [*cmd, "--no-cache"] if "--no-cache" in help_text else cmd
                _cli(args.reference_bin, ref_cmd, ref_env)
                ref, ref_mem, _ = _cli(args.reference_bin, ref_cmd, ref_env)
                say(f"fresh_{name}_today_s", ref)
                say(f"fresh_{name}_today_peak_mib", ref_mem)
                say(f"fresh_{name}_cold_ratio", ref / cold)
                say(f"fresh_{name}_cached_ratio", ref / warm)
        if args.reference_bin and "kz_as_sweep_lanes_s" in out:  # not with --skip sweep
            ref, _, _ = _cli(args.reference_bin, ["sweep", "KZ", "--single-as-failures",
                                                  "--json"], ref_env)
            say("kz_as_sweep_today_s", ref)
            say("kz_as_sweep_ratio", ref / float(out["kz_as_sweep_lanes_s"]))  # type: ignore[arg-type]

    out["load_average_end"] = list(os.getloadavg())
    out["peak_rss_mib"] = _peak_mib()
    print(f"load average (start, end): {out['load_average_start']} {out['load_average_end']}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, default=str))
    return 0
