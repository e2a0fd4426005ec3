"""Border ASes of a country and their foreign neighbours.

A *border AS* of C is an AS registered in C with at least one neighbour in the graph
registered elsewhere (or of unknown country). Its foreign neighbours are listed with the
relationship seen from the border AS: ``provider`` (the neighbour sells it transit),
``peer``, or ``customer``.

Example -- AS 10 (AA) has providers 20 (BB) and 3 (AA); AS 3 has provider 30 (CC)::

    >>> import pandas as pd
    >>> from crossroads.routing import ASGraph
    >>> from crossroads.snapshots.astable import ASTable
    >>> g = ASGraph.from_links([20, 3, 30], [10, 10, 3], [-1, -1, -1])
    >>> t = ASTable.from_frame(g, pd.DataFrame({"asn": [3, 10, 20, 30],
    ...     "reg_cc": ["AA", "AA", "BB", "CC"], "ipv4_addresses": [0, 256, 0, 0]}))
    >>> border_links(g, t, "AA")[["asn", "neighbor", "country", "relationship"]].values.tolist()
    [[3, 30, 'CC', 'provider'], [10, 20, 'BB', 'provider']]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crossroads.routing import ASGraph
from crossroads.snapshots.astable import ASTable

__all__ = ["border_ases", "border_links"]


def border_links(graph: ASGraph, table: ASTable, country: str) -> pd.DataFrame:
    """Every link from an AS of ``country`` to a foreign AS: ``asn, name, neighbor,
    neighbor_name, country, relationship`` (seen from ``asn``), by ASN then neighbour."""
    home = table.country_id(country)
    rows: list[tuple[int, int, str]] = []
    for rel, ptr, idx in (
        ("provider", graph.prov_ptr, graph.prov_idx),
        ("peer", graph.peer_ptr, graph.peer_idx),
        ("customer", graph.cust_ptr, graph.cust_idx),
    ):
        src = np.repeat(np.arange(graph.n, dtype=np.int32), np.diff(ptr))
        keep = (table.cc_id[src] == home) & (table.cc_id[idx] != home)
        pairs = zip(src[keep].tolist(), idx[keep].tolist(), strict=True)
        rows.extend((a, b, rel) for a, b in pairs)
    rows.sort()
    return pd.DataFrame(
        {
            "asn": [int(graph.asns[a]) for a, _, _ in rows],
            "name": [table.names[a] for a, _, _ in rows],
            "neighbor": [int(graph.asns[b]) for _, b, _ in rows],
            "neighbor_name": [table.names[b] for _, b, _ in rows],
            "country": [table.codes[table.cc_id[b]] for _, b, _ in rows],
            "relationship": [r for _, _, r in rows],
        },
        columns=["asn", "name", "neighbor", "neighbor_name", "country", "relationship"],
    )


def border_ases(graph: ASGraph, table: ASTable, country: str) -> pd.DataFrame:
    """One row per border AS: ``asn, name, ipv4_addresses, foreign_providers,
    foreign_peers, foreign_customers, upstream_countries`` (the countries of its foreign
    providers and peers, most links first, as ``"RU:3, DE:1"``), by foreign upstream count."""
    links = border_links(graph, table, country)
    if links.empty:
        return pd.DataFrame(
            columns=["asn", "name", "ipv4_addresses", "foreign_providers", "foreign_peers",
                     "foreign_customers", "upstream_countries"]
        )
    counts = links.pivot_table(index="asn", columns="relationship", values="neighbor",
                               aggfunc="count", fill_value=0)
    out = pd.DataFrame(index=counts.index)
    for rel, col in (("provider", "foreign_providers"), ("peer", "foreign_peers"),
                     ("customer", "foreign_customers")):
        out[col] = counts[rel] if rel in counts else 0
    up = links[links.relationship != "customer"]
    out["upstream_countries"] = up.groupby("asn").country.agg(_country_counts)
    out["upstream_countries"] = out["upstream_countries"].fillna("")
    idx = graph.indices_of(out.index.to_numpy())
    out.insert(0, "name", [table.names[i] for i in idx])
    out.insert(1, "ipv4_addresses", table.ipv4[idx].astype(np.int64))
    out = out.reset_index()
    up_n = out.foreign_providers + out.foreign_peers
    return out.assign(_n=up_n).sort_values(["_n", "asn"], ascending=[False, True]).drop(
        columns="_n"
    ).reset_index(drop=True)


def _country_counts(countries: pd.Series) -> str:
    vc = countries.value_counts()
    vc = vc.sort_index().sort_values(ascending=False, kind="stable")
    return ", ".join(f"{c}:{n}" for c, n in vc.items())
