"""A plain-Python re-derivation of the series (one row at a time), for the tests.

Independent of the vectorised builder: dicts and loops over the rows of the MRT table.
Rules (docs/methods/outages.md): 'infer' anchor, full-feed peers fixed from the input
(distinct prefixes per family >= half the busiest peer's), visible = carried by more than
half of the family's full-feed peers, prefix origin = last announced origin (seeded with
the first announced one), counts of announce/withdraw rows per bin by origin country.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping


def reference_series(rows: list[dict], asn_cc: Mapping[int, str], country: str,
                     bin_s: int) -> dict[int, dict[str, int]]:
    routes = [r for r in rows if r["type"] in ("announce", "withdraw")]
    seen: dict[tuple[bool, str], set[str]] = defaultdict(set)
    for r in routes:
        seen[(":" in r["prefix"], r["peer_ip"])].add(r["prefix"])
    ff: dict[bool, set[str]] = {False: set(), True: set()}
    for v6 in (False, True):
        counts = {p: len(s) for (f, p), s in seen.items() if f == v6}
        if counts:
            top = max(counts.values())
            ff[v6] = {p for p, c in counts.items() if c >= 0.5 * top}
    carried: set[tuple[str, str]] = set()
    first_seen: set[tuple[str, str]] = set()
    origin: dict[str, int] = {}
    for r in routes:
        key = (r["peer_ip"], r["prefix"])
        if key not in first_seen:
            first_seen.add(key)
            if r["type"] == "withdraw":
                carried.add(key)
        if r["type"] == "announce" and r["origin_asn"] is not None:
            origin.setdefault(r["prefix"], r["origin_asn"])
    out: dict[int, dict[str, int]] = {}
    t0 = int(rows[0]["timestamp"].timestamp()) // bin_s
    t1 = int(rows[-1]["timestamp"].timestamp()) // bin_s

    def snapshot(b: int, ann: int, wd: int) -> None:
        per_prefix: dict[str, int] = defaultdict(int)
        for peer, prefix in carried:
            if peer in ff[":" in prefix]:
                per_prefix[prefix] += 1
        vis = [p for p, c in per_prefix.items()
               if 2 * c > len(ff[":" in p]) and asn_cc.get(origin.get(p, -1)) == country]
        out[b] = {"visible_prefixes": len(vis), "announcements": ann, "withdrawals": wd}

    i = 0
    for b in range(t0, t1 + 1):
        ann = wd = 0
        while i < len(rows) and int(rows[i]["timestamp"].timestamp()) // bin_s == b:
            r = rows[i]
            i += 1
            if r["type"] not in ("announce", "withdraw"):
                continue
            key = (r["peer_ip"], r["prefix"])
            if r["type"] == "announce":
                carried.add(key)
                if r["origin_asn"] is not None:
                    origin[r["prefix"]] = r["origin_asn"]
            else:
                carried.discard(key)
            if asn_cc.get(origin.get(r["prefix"], -1)) == country:
                ann += r["type"] == "announce"
                wd += r["type"] == "withdraw"
        snapshot(b, ann, wd)
    return out
