"""Which neighbour a simulated AS should take among equally best routes (calibrated mode).

Held out by vantage-point AS on the 2010 RouteViews RIB, as ``benchmarks/fidelity.py``:
each VP AS's routes are routed on a calibration built from the other VP AS's routes only.
A route counts here when its vantage point is *simulated* (its own route was not
observed in the other feed) and the observed next hop is one of two or more equally
best neighbours (same route class, same length): a tie. Class and length never depend
on the tie-break, so these tied sets are the same whichever rule the kernel follows, and
every rule below is scored on the same routes: the share of ties where it picks the
observed next hop, per VP AS.

Rules (ASN, customer cone and degree read the graph only; *learned preference* counts
how often the AS was seen choosing that neighbour in the other feed's paths; *observed*
is whether the neighbour's own route towards the destination is fixed):

* ``lowest ASN`` (BGPy's rule), ``highest ASN``;
* ``largest cone`` / ``smallest cone`` (customer cone of the neighbour);
* ``highest degree`` / ``lowest degree``;
* ``preference, lowest ASN``: calibrated mode's rule until 2026-12;
* ``observed, preference, lowest ASN``: today's rule
  (:func:`crossroads.routing._calibrated_kernels._better`).

Routes of ``--sample-origins`` random origins (seed 1; default 1,500, about 2 min) or
all of them (``--sample-origins 0``, about 20 min). ``--robust`` routes on the graph of
:func:`crossroads.metrics.robustness.discount_implausible`.

Run: ``python -m benchmarks tie_rules [-- --sample-origins 1500 --robust]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from crossroads.metrics.robustness import discount_implausible
from crossroads.metrics.targets import customer_cone_sizes
from crossroads.routing import propagate
from crossroads.routing._fidelity_data import Observed, observed_routes
from crossroads.routing._fidelity_kernels import _best_row, _is_best
from crossroads.routing._relfix import indices
from crossroads.routing.arrays import CUSTOMER, PEER, PROVIDER, position, unique
from crossroads.routing.calibration import Calibration, calibrate
from crossroads.routing.load import graph_from_file
from crossroads.sources.bgpdump_text import read_bgpdump

_MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GRAPH = "caida/serial-1/20100101.as-rel.txt.bz2"
RIB = "rib-text/route-views.wide.20100701.0759.bgpdump-m.txt.gz"

# a rule: (tied neighbours, their learned counts, their observed flags, cones, degrees)
# -> the neighbour it picks
Rule = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], int]
RULES: dict[str, Rule] = {
    "lowest ASN": lambda w, p, f, c, d: int(w.min()),
    "highest ASN": lambda w, p, f, c, d: int(w.max()),
    "largest cone": lambda w, p, f, c, d: int(w[np.lexsort((w, -c[w]))[0]]),
    "smallest cone": lambda w, p, f, c, d: int(w[np.lexsort((w, c[w]))[0]]),
    "highest degree": lambda w, p, f, c, d: int(w[np.lexsort((w, -d[w]))[0]]),
    "lowest degree": lambda w, p, f, c, d: int(w[np.lexsort((w, d[w]))[0]]),
    "preference, lowest ASN": lambda w, p, f, c, d: int(w[np.lexsort((w, -p))[0]]),
    "observed, preference, lowest ASN": lambda w, p, f, c, d: int(
        w[np.lexsort((w, -p, ~f))[0]]),
}


def _ties(cal: Calibration, obs: Observed, rows: np.ndarray, hits: dict[str, int]) -> int:
    """Score every rule on the ties among ``rows`` (one held-out VP AS); returns their
    number. Indices ascend with ASNs, so the lowest index is the lowest ASN."""
    g = cal.graph
    pp, pi, cp, ci, ep, ei = g.adjacency
    up, down, across = cal.bind(g).prefs
    # v's class -> (the CSR an offer to v travels over, its learned counts)
    offered_over = {CUSTOMER: (pp, pi, up), PEER: (ep, ei, across), PROVIDER: (cp, ci, down)}
    cones = customer_cone_sizes(g)
    degree = np.diff(pp) + np.diff(cp) + np.diff(ep)
    var = cal.variant_of_prefix(obs.prefix[rows], obs.origin[rows])
    origin = indices(g, obs.origin[rows])
    key = np.where(var >= 0, var, cal.var_origin.size + origin)
    n = 0
    for k in np.unique(key):
        sel = key == k
        v0 = int(var[sel][0])
        r = propagate(g, int(origin[sel][0]), mode="calibrated", calibration=cal,
                      variant=v0 if v0 >= 0 else None)
        fixed = r.observed
        for row in rows[sel]:
            path = indices(g, obs.flat[obs.ptr[row]:obs.ptr[row + 1]])
            v = int(path[0])
            if v < 0 or path.size < 2 or r.length[v] <= 0 or fixed[v]:
                continue
            # v's equally best next hops, as the fidelity scorer defines them; the count
            # of v choosing w sits in w's row of the CSR the offer travels over
            best, lo, hi = _best_row(*g.adjacency, r.rel, v)
            cands = [int(w) for w in best[lo:hi] if _is_best(r.rel, r.length, v, w)]
            w_ptr, w_idx, pref_of_w = offered_over[int(r.rel[v])]
            prefs = [pref_of_w[position(w_ptr, w_idx, w, v)] for w in cands]
            w = np.asarray(cands, np.int64)
            if w.size < 2 or path[1] not in w:
                continue
            n += 1
            p = np.asarray(prefs, np.int64)
            for name, rule in RULES.items():
                hits[name] += rule(w, p, fixed[w], cones, degree) == path[1]
    return n


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="tie_rules", description=__doc__)
    ap.add_argument("--mirror", type=Path, default=_MIRROR)
    ap.add_argument("--sample-origins", type=int, default=1500,
                    help="origins drawn at random (seed 1); 0: every origin")
    ap.add_argument("--robust", action="store_true", help="route on the --robust graph")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    graph = graph_from_file(args.mirror / GRAPH)
    if args.robust:
        graph = discount_implausible(graph)
    obs = observed_routes(read_bgpdump(args.mirror / RIB), graph)
    origins = unique(obs.origin)
    if args.sample_origins:
        origins = np.random.default_rng(1).choice(origins, args.sample_origins, replace=False)
    scored = np.isin(obs.origin, origins)
    print(f"2010 graph{' (--robust)' if args.robust else ''}, {origins.size:,} origins")
    print("| rule | " + " | ".join(f"AS{v} ties right" for v in unique(obs.vp_asn)) + " |")
    print("|---|" + "---|" * unique(obs.vp_asn).size)
    columns = []
    for vp in unique(obs.vp_asn):
        cal = calibrate(graph, obs, rows=np.flatnonzero(obs.vp_asn != vp))
        hits = dict.fromkeys(RULES, 0)
        n = _ties(cal, obs, np.flatnonzero((obs.vp_asn == vp) & scored), hits)
        columns.append((n, hits))
    for name in RULES:
        print(f"| {name} | " + " | ".join(
            f"{h[name] / max(n, 1):.3f} ({h[name]:,} of {n:,})" for n, h in columns) + " |")
    print(f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
