"""Global AS hegemony against IIJ's Internet Health Report (2022-07), per routing mode.

IHR's global hegemony (Fontugne, Shah & Aben, PAM 2018; ihr.live) is, for every AS ``a``,
the alpha-trimmed mean over the RIS/RouteViews full-feed peers ``v`` of the fraction of
``v``'s paths that cross ``a`` (``v`` and the origin excluded). crossroads computes the
same from its simulated routes: with the collectors' full-feed peers of the store as
vantage points and a random sample of origin ASes ``d`` (those originating IPv4 space),

    H_v(a) = sum_d w_d P(a in path_v(d)) / sum_d w_d,    H(a) = trimmed mean_v H_v(a)

(``P`` the tie-split probability; alpha = 0.1; ``w_d`` = 1 per origin, and, in a second
column, the origin's IPv4 space). All 78,643 origins of the 2025 graph cost as much as
the world matrix, so a sample is drawn, ``--origins`` per seed, for two seeds: the spread
between the seeds is the sampling error shown.

Compared with ``ihr/ihr-as-hegemony-global-2022-07.csv`` (mirror): Spearman's rank
correlation over IHR's 200 highest ASes (an AS crossroads never sees counts 0) and the
overlap of the two top-20 lists. Modes: ``deterministic`` and ``all-best`` on the
2025-09-01 graph (the nearest to 2022-07); ``calibrated`` needs RIBs near the graph date
and the mirror has none for 2022, so the three modes are also compared on the 2010-01-01
graph (calibrated with the 2010 RouteViews RIB) -- twelve years from IHR's data, shown for
how the modes rank against each other, not as a 2010 validation.

Run: ``python -m benchmarks hegemony_ihr [-- --origins 2000 --seeds 1 2 --no-2010]``
(needs ``crossroads fetch`` for as_info and the collector peers).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from crossroads.config import get_settings
from crossroads.metrics._engine import routes_of
from crossroads.metrics._kernels import trimmed_mean_columns
from crossroads.routing import ASGraph, per_source_through
from crossroads.routing.calibration import Calibration, calibrate
from crossroads.routing.load import graph_from_file
from crossroads.snapshots import full_feed_asns
from crossroads.snapshots.astable import ASTable
from crossroads.store import open_store

_MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
IHR = "ihr/ihr-as-hegemony-global-2022-07.csv"
GRAPH_2025 = "caida/20250901.as-rel2.txt.bz2"
GRAPH_2010 = "caida/serial-1/20100101.as-rel.txt.bz2"
RIB_2010 = "rib-text/route-views.wide.20100701.0759.bgpdump-m.txt.gz"


def global_hegemony(
    graph: ASGraph, origins: np.ndarray, weights: np.ndarray, vps: np.ndarray, mode: str,
    calibration: Calibration | None = None, alpha: float = 0.1,
) -> np.ndarray:
    """``H(a)`` per AS index (module doc) from the routes towards ``origins`` (indices),
    one row per row of ``weights`` (weightings of the origins, computed in one pass)."""
    weights = np.atleast_2d(weights)
    m = np.zeros((weights.shape[0], vps.size, graph.n), np.float32)
    seen = np.zeros((weights.shape[0], vps.size))
    for j, d in enumerate(origins.tolist()):
        for routes, frac in routes_of(graph, d, mode, calibration):  # type: ignore[arg-type]
            ok = (routes.length[vps] >= 0) & (vps != d)
            spos, node, prob = per_source_through(graph, routes, vps)
            keep = ok[spos] & (node != vps[spos]) & (node != d)
            for k in range(weights.shape[0]):
                w = weights[k, j] * frac
                np.add.at(m[k], (spos[keep], node[keep]), (w * prob[keep]).astype(np.float32))
                seen[k, ok] += w
    out = np.zeros((weights.shape[0], graph.n))
    for k in range(weights.shape[0]):
        live = seen[k] > 0
        frac_v = m[k][live] / seen[k][live, None]
        cols = np.flatnonzero(frac_v.any(axis=0))
        out[k, cols] = trimmed_mean_columns(frac_v[:, cols].astype(np.float64),
                                            int(live.sum()), alpha)
    return out


def compare(graph: ASGraph, h: np.ndarray, ihr: pd.DataFrame) -> tuple[float, int]:
    """Spearman over IHR's top 200 and the overlap of the top-20 lists."""
    top = ihr.nlargest(200, "hege")
    pos = np.searchsorted(graph.asns, top.asn.to_numpy())
    pos = np.minimum(pos, graph.n - 1)
    ours = np.where(graph.asns[pos] == top.asn.to_numpy(), h[pos], 0.0)
    rho = float(spearmanr(top.hege.to_numpy(), ours).statistic)
    our_top = set(graph.asns[np.lexsort((graph.asns, -h))[:20]].tolist())
    return rho, len(our_top & set(top.asn.head(20).tolist()))


def _sample(graph: ASGraph, table: ASTable, k: int, seed: int) -> np.ndarray:
    cand = np.flatnonzero(table.ipv4 > 0)
    return np.sort(np.random.default_rng(seed).choice(cand, min(k, cand.size), replace=False))


def _block(name, graph, table, vps, ihr, modes, origins_n, seeds, cal=None):  # noqa: ANN001
    rows = []
    for seed in seeds:
        origins = _sample(graph, table, origins_n, seed)
        for mode in modes:
            t0 = time.perf_counter()
            c = cal if mode == "calibrated" else None
            h_one, h_addr = global_hegemony(
                graph, origins, np.stack([np.ones(origins.size), table.ipv4[origins]]), vps,
                mode, c)
            r1, o1 = compare(graph, h_one, ihr)
            r2, o2 = compare(graph, h_addr, ihr)
            rows.append((name, mode, seed, r1, o1, r2, o2, time.perf_counter() - t0))
            print(f"| {name} | {mode} | {seed} | {r1:.3f} | {o1} | {r2:.3f} | {o2} | "
                  f"{rows[-1][-1]:.0f} |", flush=True)
    return rows


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="hegemony_ihr", description=__doc__)
    ap.add_argument("--mirror", type=Path, default=_MIRROR)
    ap.add_argument("--origins", type=int, default=2000, help="origins sampled per seed")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--no-2010", action="store_true", help="skip the 2010 graph block")
    args = ap.parse_args(argv)
    store = open_store(get_settings())
    info = store.as_info()
    vp_asns = np.asarray(full_feed_asns(store), np.int64)
    ihr = pd.read_csv(args.mirror / IHR)
    print(f"IHR 2022-07: {len(ihr):,} ASes; vantage points: {vp_asns.size} full-feed peers")
    print("| graph | mode | seed | Spearman (top 200 IHR), per origin | top-20 overlap | "
          "Spearman, by IPv4 space | top-20 overlap | time (s) |")
    print("|---|---|---|---|---|---|---|---|")
    blocks = [("2025-09-01", graph_from_file(args.mirror / GRAPH_2025), None)]
    if not args.no_2010:
        g10 = graph_from_file(args.mirror / GRAPH_2010)
        cal = calibrate(g10, [args.mirror / RIB_2010])
        blocks.append(("2010-01-01", cal.graph, cal))
    for name, graph, cal in blocks:
        table = ASTable.from_frame(graph, info)
        vps = graph.indices_of(vp_asns[np.isin(vp_asns, graph.asns)])
        modes = ("deterministic", "all-best") + (("calibrated",) if cal is not None else ())
        _block(name, graph, table, vps, ihr, modes, args.origins, args.seeds, cal)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
