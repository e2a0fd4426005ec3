"""Fidelity of the simulator against the 2010 RouteViews RIB, every variant, with timings.

Scores the 2010-01-01 CAIDA serial-1 graph against the route-views.wide RIB of 2010-07-01
(mirror paths) in each variant of ``docs/validation.md``: plain Gao-Rexford in both tie
modes, each improvement option held out (leave-one-vantage-point-AS-out), all of them
together, calibrated routing (observed routes of the other VP ASes fixed), and
Gao-inferred relationships (held out, and in sample -- circular, shown only as an upper
bound); then plain and calibrated on the 2002-01-01 graph against the RIPE RIS rrc00
bview of 2002-07-22 (one full feed, AS1853, and 17 partial ones); and plain and calibrated
on the ``--robust`` graph (:func:`crossroads.metrics.robustness.discount_implausible`:
provider links whose provider's own customer cone is over 10x smaller than the
customer's become peer links -- a rule that reads no RIB). Plain's two tie modes
share one propagation. Every row gives the mean over routes and over VP ASes; calibrated
rows also split first hop and exact path by whether the VP's own route was observed in
the training routes. ``--sample-origins N``
scores only the routes of N random origins (seed 1; training still uses every route of
the other vantage point). Prints a Markdown table with the time of each run; ``--write FILE``
also stores the results as the packaged table read by
:func:`crossroads.routing.fidelity_note.fidelity_note`.

Run: ``python -m benchmarks fidelity [-- --write src/crossroads/routing/fidelity_measured.json]``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from crossroads.metrics.robustness import discount_implausible, implausible_links
from crossroads.routing._fidelity_data import observed_routes
from crossroads.routing.fidelity import evaluate
from crossroads.routing.infer import infer_relationships
from crossroads.routing.load import graph_from_file
from crossroads.routing.ribs import read_rib
from crossroads.sources.bgpdump_text import read_bgpdump

_MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GRAPH = "caida/serial-1/20100101.as-rel.txt.bz2"
RIB = "rib-text/route-views.wide.20100701.0759.bgpdump-m.txt.gz"
GRAPH_2002 = "caida/serial-1/20020101.as-rel.txt.bz2"
RIB_2002 = "mrt/bview.20020722.2337.gz"
RIB_NAME = "RouteViews route-views.wide"

VARIANTS: list[tuple[str, tuple[str, ...]]] = [
    ("plain Gao-Rexford", ()),
    ("learned next-hop preference", ("learned-preference",)),
    ("learned per-destination routes", ("learned-routes",)),
    ("added links (Gao-labelled)", ("added-links",)),
    ("relationship fixes (added + valley re-labels)", ("relationship-fixes",)),
    ("per-prefix propagation", ("per-prefix",)),
    ("all options", ("learned-preference", "learned-routes", "relationship-fixes",
                     "per-prefix")),
    ("Gao-inferred relationships", ("inferred",)),
    ("calibrated (observed routes fixed, rest simulated)", ("calibrated",)),
]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="fidelity", description=__doc__)
    ap.add_argument("--mirror", type=Path, default=_MIRROR)
    ap.add_argument("--write", type=Path, help="write the packaged measurement table here")
    ap.add_argument("--only", type=int, nargs="*",
                    help="run only these variant numbers (with --write: replace those rows)")
    ap.add_argument("--no-2002", action="store_true", help="skip the 2002 rows")
    ap.add_argument("--sample-origins", type=int, default=None,
                    help="score the routes of this many random origins (seed 1) only")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    rib = read_bgpdump(args.mirror / RIB)
    graph = graph_from_file(args.mirror / GRAPH)
    obs = observed_routes(rib, graph)
    print(f"read RIB and graph: {time.perf_counter() - t0:.1f} s")
    label = f"CAIDA serial-1 2010-01-01 ({graph.n:,} ASes, {len(graph.links):,} links)"
    sample = {"sample_origins": args.sample_origins, "seed": 1}
    rows = []
    print("| variant | held out | exact | first hop | length | among best | first hop, "
          "mean over VP ASes | time (s) |")
    print("|---|---|---|---|---|---|---|---|")
    for i, (name, opts) in enumerate(VARIANTS):
        if args.only and i not in args.only:
            continue
        rows.extend(_variant(graph, obs, name, opts, label, "2010-01-01", RIB_NAME, sample))
    if not args.only:  # the --robust rule: a graph edit fixed before any measurement
        robust = discount_implausible(graph)
        n_bad = len(implausible_links(graph))
        print(f"--robust: {n_bad} implausible provider links made peer links")
        obs_r = observed_routes(rib, robust)
        for name, opts in ((f"{VARIANTS[0][0]}, --robust graph", ()),
                           (f"{VARIANTS[-1][0]}, --robust graph", ("calibrated",))):
            rows.extend(_variant(robust, obs_r, name, opts, label + ", --robust",
                                 "2010-01-01", RIB_NAME, sample))
    if not args.no_2002 and not args.only:
        g02 = graph_from_file(args.mirror / GRAPH_2002)
        obs02 = observed_routes(read_rib(args.mirror / RIB_2002), g02)
        lab02 = f"CAIDA serial-1 2002-01-01 ({g02.n:,} ASes, {len(g02.links):,} links)"
        for name, opts in (VARIANTS[0], VARIANTS[-1]):
            rows.extend(_variant(g02, obs02, f"{name} [2002]", opts, lab02, "2002-01-01",
                                 "RIPE RIS rrc00 bview", sample))
    if not args.only:
        t1 = time.perf_counter()
        inferred = infer_relationships((obs.ptr, obs.flat)).graph()
        run = evaluate(inferred, rib, **sample)  # type: ignore[arg-type]
        rep = run.report("deterministic", graph_label="Gao-inferred from all VPs (in sample)")
        print(f"(inference + run {time.perf_counter() - t1:.1f} s)")
        _row("Gao-inferred, in sample (circular)", rep)
        rows.append(_record("Gao-inferred, in sample (circular)", rep))
    if args.write:
        cmd = ("python -m benchmarks fidelity -- --write "
               "src/crossroads/routing/fidelity_measured.json")
        if args.sample_origins:
            cmd += f" --sample-origins {args.sample_origins}"
        if args.only and args.write.is_file():  # replace the re-measured rows only
            old = json.loads(args.write.read_text())["measurements"]
            new = {r["variant"] for r in rows}
            rows = [r for r in old if r["variant"] not in new] + rows
        table = {"command": cmd, "measurements": rows}
        args.write.write_text(json.dumps(table, indent=1) + "\n")
        print(f"wrote {args.write}")
    return 0


def _variant(graph, obs, name, opts, label, graph_date, rib_name, sample):  # noqa: ANN001, ANN202
    """Rows of one variant (plain: both tie modes from one propagation)."""
    run = evaluate(graph, obs, options=opts, **sample)
    if "calibrated" in opts:
        modes = ("calibrated",)
    else:
        modes = ("deterministic", "all-best") if not opts else ("deterministic",)
    out = []
    for mode in modes:
        rep = run.report(mode, graph_label=label)
        title = f"{name}, tie-split" if mode == "all-best" else name
        _row(title, rep)
        rec = _record(title, rep, graph_date, rib_name)
        if mode == "calibrated":
            rec["by_vp_observed"] = _by_vp_observed(run)
            for r in rec["by_vp_observed"]:
                print(f"  {r}")
        out.append(rec)
    for note in run.notes:
        print(f"  {note}")
    return out


def _by_vp_observed(run) -> list[dict[str, object]]:  # noqa: ANN001
    """First hop and exact path per VP AS, split by whether the VP's own route was
    observed in the training routes (where the calibrated gain comes from)."""
    import pandas as pd

    s, keep = run.scores, run.scored
    f = pd.DataFrame({"vp_asn": run.obs.vp_asn, "observed": s["vp_fixed"],
                      "first_hop": s["det_nh"], "exact": s["det_exact"]})[keep]
    g = f.groupby(["vp_asn", "observed"]).agg(routes=("exact", "size"),
                                              first_hop=("first_hop", "mean"),
                                              exact=("exact", "mean"))
    g[["first_hop", "exact"]] = g[["first_hop", "exact"]].round(4)
    return g.reset_index().to_dict(orient="records")


def _row(name: str, rep) -> None:  # noqa: ANN001
    o = rep.overall
    print(f"| {name} ({rep.mode}) | {'yes' if rep.held_out else 'no'} | {o['exact']:.3f} | "
          f"{o['next_hop']:.3f} | {o['length']:.3f} | {o['among_best']:.3f} | "
          f"{rep.mean_over_vps.get('next_hop', 0):.3f} | {rep.seconds:.0f} |", flush=True)


def _record(name: str, rep, graph_date: str = "2010-01-01",  # noqa: ANN001
            rib_name: str = "RouteViews route-views.wide") -> dict[str, object]:
    return {
        "variant": name,
        "mode": rep.mode,
        "options": list(rep.options),
        "held_out": rep.held_out,
        "graph": rep.graph,
        "graph_date": graph_date,
        "rib": rib_name,
        "rib_date": rep.rib_date.isoformat() if rep.rib_date else None,
        "vantage_points": rep.population["vantage_points"],
        "routes": rep.population["routes"],
        "scored_routes": rep.overall["routes"],
        "overall": rep.overall,
        "mean_over_vp_ases": rep.mean_over_vps,
        "per_vp": rep.per_vp.to_dict(orient="records"),
        "seconds": rep.seconds,
        "notes": rep.notes,
    }


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
