"""crossroads' deterministic routes against BGPy's on the real CAIDA 2025-09-01 graph.

For each origin (AS9198, a few named transit ASes, then a seeded random sample), both
engines propagate one prefix over the same cleaned link list; the benchmark counts the
ASes whose chosen next hop agrees, explains every disagreement it finds (by comparing
route class and path length) and times both engines side by side.

Run: ``python -m benchmarks routing_vs_bgpy [-- --origins 50 --json out.json]``
(needs the ``bench`` extra: ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from typing import Any

import numpy as np

from crossroads.config import get_settings
from crossroads.routing import ASGraph, RouteClass, path, propagate
from crossroads.routing.load import load_graph

NAMED = (9198, 41798, 29355, 21299, 12389, 20485, 3216, 3356, 1299, 174)
# BGPy's Relationships enum values -> our route classes
_BGPY_CLASS = {"ORIGIN": RouteClass.ORIGIN, "CUSTOMERS": RouteClass.CUSTOMER,
               "PEERS": RouteClass.PEER, "PROVIDERS": RouteClass.PROVIDER}


def bgpy_engine(graph: ASGraph) -> Any:
    """A BGPy simulation engine over exactly the links of ``graph``."""
    from bgpy.as_graphs import CAIDAASGraph
    from bgpy.as_graphs.base import ASGraphInfo, PeerLink
    from bgpy.as_graphs.base import CustomerProviderLink as CPLink
    from bgpy.simulation_engine import SimulationEngine

    rows = list(zip(graph.links.as1.tolist(), graph.links.as2.tolist(),
                    graph.links.rel.tolist(), strict=True))
    info = ASGraphInfo(
        customer_provider_links=frozenset(
            CPLink(customer_asn=y, provider_asn=x) for x, y, k in rows if k == -1
        ),
        peer_links=frozenset(PeerLink(x, y) for x, y, k in rows if k == 0),
    )
    return SimulationEngine(CAIDAASGraph(info))


def bgpy_routes(engine: Any, origin: int) -> tuple[dict[int, tuple[int, ...]], dict[int, int]]:
    """BGPy's chosen AS path and route class of every AS for a prefix from ``origin``."""
    from bgpy.simulation_framework import ScenarioConfig, ValidPrefix

    cfg = ScenarioConfig(ScenarioCls=ValidPrefix, override_victim_asns=frozenset({origin}))
    scenario = ValidPrefix(scenario_config=cfg, engine=engine)
    engine.setup(scenario)
    engine.run(propagation_round=0, scenario=scenario)
    paths, classes = {}, {}
    for as_obj in engine.as_graph:
        for ann in as_obj.policy.local_rib.values():
            paths[as_obj.asn] = tuple(ann.as_path)
            classes[as_obj.asn] = int(_BGPY_CLASS[ann.recv_relationship.name])
    return paths, classes


def compare(graph: ASGraph, origin: int, bgpy_paths: dict, bgpy_classes: dict) -> dict:
    """Agreement of next hops for one origin, with every disagreement classified."""
    routes = propagate(graph, graph.index_of(origin))
    asns = graph.asns.tolist()
    nh = routes.next_hop.tolist()
    agree, why, examples = 0, Counter(), []
    for i, asn in enumerate(asns):
        bp = bgpy_paths.get(asn)
        ours = asns[nh[i]] if nh[i] >= 0 else None
        theirs = bp[1] if bp is not None and len(bp) > 1 else None
        same_reach = (bp is not None) == bool(routes.rel[i])
        if same_reach and ours == theirs:
            agree += 1
            continue
        if not same_reach:
            kind = "reachability differs"
        elif bgpy_classes[asn] != routes.rel[i]:
            kind = "route class differs"
        elif len(bp) - 1 != routes.length[i]:
            kind = "path length differs"
        else:
            kind = "tie broken differently"
        why[kind] += 1
        if len(examples) < 5:
            examples.append({"as": asn, "kind": kind, "bgpy_path": list(bp or ()),
                             "our_path": path(graph, routes, i)})
    return {"origin": origin, "ases": len(asns), "agree": agree, "why": dict(why),
            "examples": examples}


def choose_origins(graph: ASGraph, count: int, seed: int) -> list[int]:
    named = [a for a in NAMED if a in set(graph.asns.tolist())]
    rng = np.random.default_rng(seed)
    rest = [int(a) for a in rng.permutation(graph.asns) if int(a) not in named]
    return (named + rest)[:count]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="routing_vs_bgpy", description=__doc__)
    ap.add_argument("--origins", type=int, default=50)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--start", type=int, default=0,
                    help="skip the first START origins of the list (to resume a long run)")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)
    graph = load_graph(get_settings())
    t0 = time.perf_counter()
    engine = bgpy_engine(graph)
    build_s = time.perf_counter() - t0
    print(f"BGPy graph built in {build_s:.1f} s ({graph.n:,} ASes, {len(graph.links):,} links)")
    propagate(graph, 0)  # compile
    results, t_bgpy, t_ours = [], [], []
    for origin in choose_origins(graph, args.origins, args.seed)[args.start :]:
        t0 = time.perf_counter()
        paths, classes = bgpy_routes(engine, origin)
        t_bgpy.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        propagate(graph, graph.index_of(origin))
        t_ours.append(time.perf_counter() - t0)
        res = compare(graph, origin, paths, classes)
        results.append(res)
        print(f"AS{origin}: {res['agree']:,}/{res['ases']:,} next hops agree {res['why']} "
              f"(BGPy {t_bgpy[-1]:.1f} s, crossroads {1e3 * t_ours[-1]:.1f} ms)", flush=True)
    total = sum(r["ases"] for r in results)
    agree = sum(r["agree"] for r in results)
    why = sum((Counter(r["why"]) for r in results), Counter())
    summary = {
        "data": "CAIDA AS relationships 2025-09-01 (serial-2)",
        "origins": len(results),
        "as_origin_pairs": total,
        "agreeing": agree,
        "agreement": agree / total,
        "disagreements": dict(why),
        "bgpy_graph_build_s": build_s,
        "bgpy_median_s": statistics.median(t_bgpy),
        "ours_median_s": statistics.median(t_ours),
        "speedup": statistics.median(t_bgpy) / statistics.median(t_ours),
        "per_origin": results,
    }
    print(f"agreement: {agree:,}/{total:,} = {100 * agree / total:.4f}% of (origin, AS) pairs; "
          f"disagreements {dict(why)}")
    print(f"median per origin: BGPy {summary['bgpy_median_s']:.2f} s, crossroads "
          f"{1e3 * summary['ours_median_s']:.2f} ms, speed-up {summary['speedup']:,.0f}x")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(summary, fh, indent=1)
    return 0 if agree / total >= 0.999 else 1
