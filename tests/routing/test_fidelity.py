"""Fidelity on hand-made RIBs whose agreement values are derived by hand, and one real count.

Hand graph (CAIDA convention, ``a > b`` means a provides transit to b)::

    1 > 2, 1 > 3, 2 > 4, 3 > 4, and 5 -- 1 peers.

Towards origin 4: ASes 2 and 3 have customer routes of 1 hop, AS 1 a customer route of
2 hops tied over 2 and 3 (deterministic: 2, the lower ASN), AS 5 a peer route 5 1 2 4.
Towards origin 2: 1 has a customer route (1 2), 4 a provider route (4 2), 3 a provider
route (3 1 2).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pytest

from crossroads.routing import ASGraph
from crossroads.routing._fidelity_data import observed_routes
from crossroads.routing.fidelity import fidelity
from crossroads.routing.load import graph_from_file
from crossroads.sources.bgpdump_text import parse_bgpdump


def _graph() -> ASGraph:
    return ASGraph.from_links([1, 1, 2, 3, 5], [2, 3, 4, 4, 1], [-1, -1, -1, -1, 0])


def _rib(*routes: tuple[int, str, str]) -> pa.Table:
    """``bgpdump -m`` lines for (peer AS, prefix, AS path) triples, parsed."""
    lines = [
        (i + 1, f"TABLE_DUMP2|1277971199|B|10.0.0.{peer}|{peer}|{prefix}|{path}|IGP|"
                f"10.0.0.{peer}|0|0||NAG||".encode())
        for i, (peer, prefix, path) in enumerate(routes)
    ]
    return pa.Table.from_batches(list(parse_bgpdump(lines)))


HAND = _rib(
    (5, "10.4.0.0/16", "5 1 2 4"),    # L1: the deterministic path exactly
    (5, "10.5.0.0/16", "5 1 3 3 4"),  # L2: prepending removed -> 5 1 3 4, the other tie
    (1, "10.4.0.0/16", "1 3 4"),      # L3: the tie the deterministic mode did not pick
    (1, "10.6.0.0/16", "1 5 4"),      # L4: link 5-4 is not in the graph
    (1, "10.7.0.0/16", "1 2 {4,7}"),  # excluded: AS-set
    (1, "10.8.0.0/16", "1"),          # excluded: the peer originates it
    (5, "10.9.0.0/16", "5 1 5 4"),    # excluded: loop
    (1, "10.10.0.0/16", "1 2 99"),    # excluded: origin 99 not in the graph
    (3, "10.2.0.0/16", "3 4 2"),      # L9: 3 > 4 then 4 < 2: a valley
)


def test_population_and_exclusions_by_hand() -> None:
    rep = fidelity(_graph(), HAND)
    assert rep.population["routes"] == 5
    assert rep.population["rib_lines"] == 9
    assert rep.population["origins"] == 2  # AS 4 (L1-L4) and AS 2 (L9)
    assert {k: v for k, v in rep.excluded.items() if v} == {
        "AS-set in path": 1, "loop in path": 1, "peer originates the prefix": 1,
        "origin AS not in graph": 1,
    }


def test_deterministic_agreement_by_hand() -> None:
    rep = fidelity(_graph(), HAND, mode="deterministic")
    o = rep.overall
    # exact: L1 only (1/5); first hop: L1 and L2 share hop 1 (2/5); lengths: all five
    # equal (L4: 1 5 4 vs 1 2 4, L9: 3 4 2 vs 3 1 2); among best: L1, L2, L3 (3/5)
    assert (o["exact"], o["next_hop"], o["length"], o["among_best"]) == (0.2, 0.4, 1.0, 0.6)
    assert (o["path_missing_link"], o["path_valley"], o["unreachable"]) == (0.2, 0.2, 0.0)
    vp = rep.per_vp.set_index("vp_asn")
    assert vp.loc[5, "routes"] == 2 and vp.loc[5, "exact"] == 0.5 and vp.loc[5, "next_hop"] == 1
    assert vp.loc[1, "exact"] == 0.0 and vp.loc[3, "among_best"] == 0.0


def test_tie_split_agreement_by_hand() -> None:
    rep = fidelity(_graph(), HAND, mode="all-best")
    # walk probabilities: L1 and L2 1 * 1/2 * 1 = 0.5 (AS 1 splits over 2 and 3), first
    # hop 1; L3 0.5 and first hop 0.5; L4, L9 0. Means: exact 1.5/5, first hop 2.5/5
    assert rep.overall["exact"] == 0.3
    assert rep.overall["next_hop"] == 0.5
    assert rep.overall["among_best"] == 0.6  # does not depend on the tie mode


def test_learned_preference_is_held_out() -> None:
    rib = _rib(
        (5, "10.4.0.0/16", "5 1 2 4"),
        (5, "10.5.0.0/16", "5 1 3 4"),
        (5, "10.9.0.0/16", "5 1 3 4"),
        (1, "10.4.0.0/16", "1 3 4"),
    )
    plain = fidelity(_graph(), rib)
    assert plain.overall["exact"] == 0.25  # lowest ASN: 1 -> 2 everywhere; only 5 1 2 4
    rep = fidelity(_graph(), rib, options=["learned-preference"])
    assert rep.held_out
    vp = rep.per_vp.set_index("vp_asn")
    # VP 1, learned from VP 5's paths: 1 -> 3 seen twice, 1 -> 2 once, so 1 picks 3: exact
    assert vp.loc[1, "exact"] == 1.0
    # VP 5, learned from VP 1's path only (1 -> 3): 5 1 3 4 twice of three routes
    assert vp.loc[5, "exact"] == round(2 / 3, 4)
    assert rep.overall["exact"] == 0.75


def test_relationship_fixes_relabel_a_valley_seen_elsewhere() -> None:
    # VP 3 sees 3 4 2: 3 > 4 then 4 < 2, a valley at link 4-2, which the fix re-labels
    # "4 provides transit to 2" -- learned from VP 3, used only to score VP 1. VP 1 sees
    # 1 2 4 for origin 4; under the fixed graph 2 is a customer of 4, so AS 1's customer
    # route via 2 is gone and 1 reaches 4 via 3: VP 1's route stops matching (a fix can
    # hurt, which is why every option is measured). VP 3's fold learns from 1 2 4, which
    # is valley-free: no fix, the valley stays.
    rib = _rib((3, "10.2.0.0/16", "3 4 2"), (1, "10.4.0.0/16", "1 2 4"))
    plain = fidelity(_graph(), rib).per_vp.set_index("vp_asn")
    fixed = fidelity(_graph(), rib, options=["relationship-fixes"]).per_vp.set_index("vp_asn")
    assert plain.loc[1, "exact"] == 1.0 and plain.loc[3, "path_valley"] == 1.0
    assert fixed.loc[1, "exact"] == 0.0
    assert fixed.loc[3, "path_valley"] == 1.0  # VP 1's path 1 2 4 implies no fix for 3 4 2


def test_relationship_fixes_revert_a_relabel_that_closes_a_p2c_cycle() -> None:
    # The failure mode of the first 2010 measurement (length agreement 0.77 -> 0.14).
    # Graph: 1 > 2, 2 > 3, 1 > 3, 1 > 6, 2 > 4. VP 4 sees 4 2 3 1 6: up to 2, down to 3,
    # then up to 3's provider 1 -- a valley at 3 -> 1. Re-labelling it "3 provides 1"
    # closes the cycle 1 > 2 > 3 > 1. Towards origin 6, customer routes would then climb
    # 6 -> 1 -> 3 -> 2, so AS 2 would prefer the "customer" route 2 3 1 6 to its provider
    # route 2 1 6 -- the route VP 2 really uses. The fix reverts the re-label: VP 2 stays
    # exact (learned from VP 4 only). VP 4's fold learns from 2 1 6 (valley-free): no fix;
    # its own valley path cannot match (simulated 4 2 1 6, 3 hops against 4).
    g = ASGraph.from_links([1, 2, 1, 1, 2], [2, 3, 3, 6, 4], [-1, -1, -1, -1, -1])
    rib = _rib((4, "10.6.0.0/16", "4 2 3 1 6"), (2, "10.6.0.0/16", "2 1 6"))
    rep = fidelity(g, rib, options=["relationship-fixes"])
    vp = rep.per_vp.set_index("vp_asn")
    assert vp.loc[2, "exact"] == 1.0 and vp.loc[2, "length"] == 1.0
    assert vp.loc[4, "exact"] == 0.0 and vp.loc[4, "path_valley"] == 1.0
    assert any("re-labelled 1, reverted (p2c cycle) 1" in n for n in rep.notes)
    # without the reversion the re-labelled graph routes AS 2 round the cycle
    cyclic = g.with_links([3], [1], [-1])
    assert fidelity(cyclic, _rib((2, "10.6.0.0/16", "2 1 6"))).overall["exact"] == 0.0


def test_added_links_take_gao_label_from_the_other_vp() -> None:
    # Graph: 1 > 2, 2 > 3, 1 > 9, 9 > 8; link 1-3 is missing. VP 1 sees 1 3 (impossible on
    # the graph: plain simulates 1 2 3). VP 9 sees 9 1 3 and 9 8. Gao on VP 9's paths:
    # degrees 9:2 (1, 8), 1:2 (9, 3), 3:1, 8:1; in 9 1 3 the first AS of top degree is 9,
    # so every link votes downhill: 1 provides 3; link 1-3 is not next to the top, so it
    # cannot be a peer link -> added as 1 > 3, and VP 1 now simulates 1 3 (customer, one
    # hop): exact. VP 9's fold learns from 1 3 alone: Gao calls 1-3 a peer link (one path,
    # degrees 1:1), AS 1 keeps its customer route 1 2 3, so VP 9's 9 1 3 still misses;
    # its route 9 8 matches with or without the option: 1/2.
    g = ASGraph.from_links([1, 2, 1, 9], [2, 3, 9, 8], [-1, -1, -1, -1])
    rib = _rib((1, "10.3.0.0/16", "1 3"), (9, "10.3.0.0/16", "9 1 3"),
               (9, "10.8.0.0/16", "9 8"))
    plain = fidelity(g, rib).per_vp.set_index("vp_asn")
    assert plain.loc[1, "exact"] == 0.0 and plain.loc[1, "path_missing_link"] == 1.0
    rep = fidelity(g, rib, options=["added-links"])
    vp = rep.per_vp.set_index("vp_asn")
    assert vp.loc[1, "exact"] == 1.0 and vp.loc[9, "exact"] == 0.5
    assert any("links added 1, valley links 0, re-labelled 0" in n for n in rep.notes)


def test_learned_routes_follow_the_choice_seen_for_the_same_destination() -> None:
    # Hand graph of the module docstring; AS 7 is a customer of AS 1 (a second VP).
    # Towards origin 4, AS 1 ties over 2 and 3 (lowest ASN: 2). VP 7 sees 7 1 3 4, so in
    # VP 1's fold AS 1 prefers 3 towards origin 4 -> VP 1's 1 3 4 is exact. VP 7's fold
    # learns from VP 1's 1 3 4 (AS 1 -> 3 for origin 4): 7 1 3 4 exact too. Plain: both
    # miss (2 is the lower ASN).
    g = ASGraph.from_links([1, 1, 2, 3, 5, 1], [2, 3, 4, 4, 1, 7], [-1, -1, -1, -1, 0, -1])
    rib = _rib((7, "10.4.0.0/16", "7 1 3 4"), (1, "10.4.0.0/16", "1 3 4"))
    assert fidelity(g, rib).overall["exact"] == 0.0
    rep = fidelity(g, rib, options=["learned-routes"])
    assert rep.held_out and rep.overall["exact"] == 1.0 and rep.overall["next_hop"] == 1.0


def test_learned_routes_are_per_destination_where_preferences_are_not() -> None:
    # Graph: 1 > 2, 1 > 3, 2 > 4, 3 > 4, 2 > 5, 3 > 5, 1 > 7. AS 1 ties over 2 and 3
    # towards origins 4 and 5. VP 7 sees 7 1 3 4 and 7 1 2 5: for origin 4 AS 1 used 3,
    # for origin 5 AS 1 used 2. VP 1 sees the same two choices, 1 3 4 and 1 2 5.
    # learned-routes (VP 1's fold, from VP 7): 1 -> 3 for 4, 1 -> 2 for 5: both exact.
    # learned-preference: counts 1->3 once, 1->2 once, a tie -> lowest ASN 2 for both:
    # 1 2 5 exact, 1 3 4 missed: 1/2 at VP 1, and likewise 1/2 at VP 7.
    g = ASGraph.from_links([1, 1, 2, 3, 2, 3, 1], [2, 3, 4, 4, 5, 5, 7], [-1] * 7)
    rib = _rib((7, "10.4.0.0/16", "7 1 3 4"), (7, "10.5.0.0/16", "7 1 2 5"),
               (1, "10.4.0.0/16", "1 3 4"), (1, "10.5.0.0/16", "1 2 5"))
    routes = fidelity(g, rib, options=["learned-routes"]).per_vp.set_index("vp_asn")
    prefs = fidelity(g, rib, options=["learned-preference"]).per_vp.set_index("vp_asn")
    assert routes.loc[1, "exact"] == 1.0 and routes.loc[7, "exact"] == 1.0
    assert prefs.loc[1, "exact"] == 0.5 and prefs.loc[7, "exact"] == 0.5


def test_origin_sample_scores_only_the_drawn_origins() -> None:
    # HAND has two origins (4: L1-L4, 2: L9). Drawing one origin scores either the four
    # routes of origin 4 or L9 alone; both draws are checked against the full run's rows.
    full = fidelity(_graph(), HAND)
    for seed in range(6):
        rep = fidelity(_graph(), HAND, sample_origins=1, seed=seed)
        n = rep.population["scored_routes"]
        assert n in (1, 4) and rep.overall["routes"] == n
        assert rep.overall["exact"] == (0.25 if n == 4 else 0.0)  # L1 of L1-L4; L9 misses
        assert rep.notes and "1 origins drawn" in rep.notes[-1]
    assert "scored_routes" not in full.population


def test_scc_labels_find_the_p2c_cycle() -> None:
    from crossroads.routing._fidelity_kernels import scc_labels

    # 1 > 2 > 3 > 1 is a cycle, 3 > 4 hangs off it, 5 is alone
    g = ASGraph.from_links([1, 2, 3, 3], [2, 3, 1, 4], [-1, -1, -1, -1], asns=[5])
    lab = scc_labels(g.cust_ptr, g.cust_idx).tolist()
    assert lab[0] == lab[1] == lab[2] and len({lab[0], lab[3], lab[4]}) == 3


def test_bad_option_and_mode() -> None:
    with pytest.raises(ValueError, match="unknown fidelity option"):
        fidelity(_graph(), HAND, options=["magic"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="unknown mode"):
        fidelity(_graph(), HAND, mode="random")  # type: ignore[arg-type]


@pytest.mark.slow
def test_real_2010_population_of_one_vp(mirror: Path) -> None:
    """AS2497's routes in the population, re-derived with plain Python over the raw files."""
    graph = graph_from_file(mirror / "caida/serial-1/20100101.as-rel.txt.bz2")
    rib = mirror / "rib-text/route-views.wide.20100701.0759.bgpdump-m.txt.gz"
    obs = observed_routes(rib, graph)
    known = set(graph.asns.tolist())
    count = 0
    with gzip.open(rib, "rt") as f:
        for line in f:
            fields = line.split("|")
            if fields[4] != "2497" or "{" in fields[6]:
                continue
            path: list[int] = []
            for a in map(int, fields[6].split()):
                if not path or path[-1] != a:
                    path.append(a)
            if (path and path[0] == 2497 and len(set(path)) == len(path) and len(path) > 1
                    and path[-1] in known):
                count += 1
    assert int((obs.vp_asn == 2497).sum()) == count
    assert count > 300_000


def test_fidelity_note_uses_the_nearest_packaged_measurement() -> None:
    from datetime import date

    from crossroads.routing.fidelity_note import fidelity_note, measured_fidelity

    plain = next(m for m in measured_fidelity()["measurements"]
                 if not m["options"] and m["mode"] == "deterministic")
    note = fidelity_note(date(2025, 9, 1))
    assert f"{100 * plain['overall']['next_hop']:.0f} % of observed routes" in note
    assert "16 years" in note  # 2010-01-01 is the only measured graph
    assert "years" not in fidelity_note(date(2010, 6, 1))


def test_cli_fidelity_on_hand_files(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from crossroads.cli import app

    rel = tmp_path / "rel.txt"
    rel.write_text("1|2|-1\n1|3|-1\n2|4|-1\n3|4|-1\n5|1|0\n")
    rib = tmp_path / "rib.txt"
    rib.write_text("".join(
        f"TABLE_DUMP2|1277971199|B|10.0.0.{p}|{p}|{pfx}|{path}|IGP|10.0.0.{p}|0|0||NAG||\n"
        for p, pfx, path in [(5, "10.4.0.0/16", "5 1 2 4"), (1, "10.4.0.0/16", "1 3 4")]))
    res = CliRunner().invoke(app, ["fidelity", "--relationships", str(rel), "--rib", str(rib),
                                   "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["overall"]["exact"] == 0.5 and out["overall"]["among_best"] == 1.0


def test_calibrated_held_out_by_vp_as_reads_choices_off_the_other_feed() -> None:
    """VP 1 sees ``1 3 4`` and VP 5 sees ``5 1 3 4`` (the tie the deterministic mode does
    not pick). Held out by VP AS: scoring VP 1, the calibration learned from VP 5's path
    fixes AS 1 -> 3 (AS 1's choice seen from its peer's feed): exact. Scoring VP 5, VP 1's
    path fixes AS 1 -> 3; AS 5, simulated, takes the peer route from AS 1 and follows
    it: 5 1 3 4, exact. Plain deterministic gets neither (1 2 4 and 5 1 2 4)."""
    rib = _rib((1, "10.4.0.0/16", "1 3 4"), (5, "10.4.0.0/16", "5 1 3 4"))
    cal = fidelity(_graph(), rib, mode="calibrated")
    plain = fidelity(_graph(), rib)
    assert cal.held_out and cal.mode == "calibrated"
    assert (cal.overall["exact"], cal.overall["next_hop"]) == (1.0, 1.0)
    assert (plain.overall["exact"], plain.overall["next_hop"]) == (0.0, 0.5)
    vp = cal.per_vp.set_index("vp_asn")
    assert vp.loc[1, "vp_observed"] == 1.0 and vp.loc[5, "vp_observed"] == 0.0
    assert cal.mean_over_vps == {**cal.mean_over_vps, "vp_ases": 2, "exact": 1.0}


def test_calibrated_fidelity_on_the_hand_rib() -> None:
    """Folds of the HAND population (VP ASes 1, 3, 5), worked out by hand:

    * without VP 5, trained on L3 ``1 3 4``, L4 ``1 5 4`` and L9: link 5-4 is added (Gao:
      a peer link); 4's prefixes 10.4/16 and 10.6/16 were seen via 3 and via 5 at AS 1,
      so two variants of equal weight, the main one (10.4/16) fixing 1 -> 3 -> 4. AS 5 is
      simulated and takes its new peer route 5 4 (1 hop): L1 ``5 1 2 4`` and L2 ``5 1 3 4``
      (its prefix unseen: main variant) miss first hop, length and "among best";
    * without VP 1, trained on L1, L2, L9: AS 1 is fixed 1 -> 2 (10.4/16's variant; 10.6/16
      unseen: the main variant, the same); L3 ``1 3 4`` and L4 ``1 5 4`` miss the first hop
      but have its length (2); both count as "VP observed"; L4's 5-4 is missing here;
    * without VP 3, trained on L1-L4: origin 2 unobserved; AS 3 simulated, 3 1 2 (its
      only provider); L9 ``3 4 2`` (a valley) misses all but the length.
    """
    rep = fidelity(_graph(), HAND, mode="calibrated")
    o = rep.overall
    assert (o["exact"], o["next_hop"], o["length"], o["among_best"]) == (0.0, 0.0, 0.6, 0.0)
    assert (o["vp_observed"], o["path_missing_link"], o["path_valley"]) == (0.4, 0.2, 0.2)
    m = rep.mean_over_vps
    assert m["vp_ases"] == 3
    assert (m["length"], m["vp_observed"]) == (pytest.approx(2 / 3, abs=1e-4),
                                                pytest.approx(1 / 3, abs=1e-4))
