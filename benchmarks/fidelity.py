"""Fidelity of the simulator against the 2010 RouteViews RIB, every variant, with timings.

Scores the 2010-01-01 CAIDA serial-1 graph against the route-views.wide RIB of 2010-07-01
(mirror paths) in each variant of ``docs/validation.md``: plain Gao-Rexford in both tie
modes, each improvement option held out (leave-one-vantage-point-out), all of them
together, and Gao-inferred relationships (held out, and in sample -- circular, shown only
as an upper bound). Plain's two tie modes share one propagation. ``--sample-origins N``
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

from crossroads.routing._fidelity_data import observed_routes
from crossroads.routing.fidelity import evaluate
from crossroads.routing.infer import infer_relationships
from crossroads.routing.load import graph_from_file
from crossroads.sources.bgpdump_text import read_bgpdump

_MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GRAPH = "caida/serial-1/20100101.as-rel.txt.bz2"
RIB = "rib-text/route-views.wide.20100701.0759.bgpdump-m.txt.gz"

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
]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="fidelity", description=__doc__)
    ap.add_argument("--mirror", type=Path, default=_MIRROR)
    ap.add_argument("--write", type=Path, help="write the packaged measurement table here")
    ap.add_argument("--only", type=int, nargs="*", help="run only these variant numbers")
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
    print("| variant | held out | exact | first hop | length | among best | time (s) |")
    print("|---|---|---|---|---|---|---|")
    for i, (name, opts) in enumerate(VARIANTS):
        if args.only and i not in args.only:
            continue
        run = evaluate(graph, obs, options=opts, **sample)  # type: ignore[arg-type]
        modes = ("deterministic", "all-best") if not opts else ("deterministic",)
        for mode in modes:
            rep = run.report(mode, graph_label=label)  # type: ignore[arg-type]
            title = name if mode == "deterministic" else f"{name}, tie-split"
            _row(title, rep)
            rows.append(_record(title, rep))
        for note in run.notes:
            print(f"  {note}")
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
        table = {"command": cmd, "measurements": rows}
        args.write.write_text(json.dumps(table, indent=1) + "\n")
        print(f"wrote {args.write}")
    return 0


def _row(name: str, rep) -> None:  # noqa: ANN001
    o = rep.overall
    print(f"| {name} ({rep.mode}) | {'yes' if rep.held_out else 'no'} | {o['exact']:.3f} | "
          f"{o['next_hop']:.3f} | {o['length']:.3f} | {o['among_best']:.3f} | "
          f"{rep.seconds:.0f} |", flush=True)


def _record(name: str, rep) -> dict[str, object]:  # noqa: ANN001
    return {
        "variant": name,
        "mode": rep.mode,
        "options": list(rep.options),
        "held_out": rep.held_out,
        "graph": rep.graph,
        "graph_date": "2010-01-01",
        "rib": "RouteViews route-views.wide",
        "rib_date": rep.rib_date.isoformat() if rep.rib_date else None,
        "vantage_points": rep.population["vantage_points"],
        "routes": rep.population["routes"],
        "scored_routes": rep.overall["routes"],
        "overall": rep.overall,
        "per_vp": rep.per_vp.to_dict(orient="records"),
        "seconds": rep.seconds,
        "notes": rep.notes,
    }


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
