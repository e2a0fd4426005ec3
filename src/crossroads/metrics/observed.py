"""Observed mode: the dependency metrics from the AS paths of real RIBs.

Each RIB entry (vantage point p, IPv4 prefix, AS path ``p … o``) is one observed path,
weighted by the prefix's address count ``2^(32 - len)``; prepending is removed first and
paths ending in an AS_SET (no single origin) are skipped. With the same conventions as the
simulated metrics (:mod:`crossroads.metrics.dependency`):

* **inbound** of C: the entries whose origin ``o`` is registered in C. The transit is the
  path without its first AS (the vantage point, the far end) and its origin. "any X":
  some transit AS in X; "gateway": the last AS before the path's final run of C ASes --
  ``direct`` when that AS is the vantage point itself, ``domestic`` when the whole path
  is in C. Shares are address-weighted over every (vantage point, prefix) entry.
* **hegemony** (Fontugne et al. 2018): per origin AS d of C and vantage point v, the
  address-weighted fraction of v's paths to d's prefixes that cross a (v and d excluded);
  ``H_d(a)`` is the alpha-trimmed mean over the vantage points that see d; the country
  value is the mean of ``H_d`` weighted by the addresses of d's observed prefixes.
* **outbound** needs paths that start in C: only a RIB with a vantage point registered in
  C has them (its entries towards foreign origins); otherwise outbound is not reported.
  Path suffixes that merely cross a C AS are *not* used: an AS exports to its neighbours
  mainly its customers' routes, so they would be a biased sample of C's outbound routes.

Countries come from ``as_info`` in the snapshot's meaning (operation, registration or
ownership; current data): an old RIB is read with today's AS-to-country map, which the
report notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crossroads.errors import DataFormatError
from crossroads.ids import country_code, no_as_in
from crossroads.metrics.answer import lead
from crossroads.metrics.attribution import flag_disputed
from crossroads.metrics.concentration import concentration
from crossroads.metrics.dependency import DirectionResult
from crossroads.metrics.report import DependencyReport
from crossroads.routing.ribs import read_rib, rib_provenance
from crossroads.snapshots import UNKNOWN, Snapshot
from crossroads.snapshots.load import AS_INFO_KINDS
from crossroads.sources.bgpdump_text import clean_paths

__all__ = [
    "observed_dependency", "observed_direction", "observed_paths", "read_rib_paths",
    "rib_provenance",
]


def read_rib_paths(path: str | Path) -> pa.Table:
    """``timestamp, peer_asn, prefix, as_path`` of the IPv4 routes in a RIB file (``bgpdump
    -m`` text or MRT, :func:`crossroads.routing.ribs.read_rib`)."""
    t = read_rib(path)
    t = t.filter(pc.is_in(t.column("entry_type"), pa.array(["B", "A"])))
    return t.select(["timestamp", "peer_asn", "prefix", "as_path"])


def observed_paths(table: pa.Table) -> pd.DataFrame:
    """One row per usable IPv4 entry: ``vp, origin, path`` (tuple, prepending removed),
    ``addresses``. Entries with an empty path, a path ending in an AS_SET (the readers
    leave it out of ``as_path``; the origin is then unknown) or an IPv6 prefix are dropped."""
    prefix = table.column("prefix").to_pylist()
    paths = clean_paths(table.column("as_path")).to_pylist()
    rows = []
    for pfx, p in zip(prefix, paths, strict=True):
        if not p or pfx is None or ":" in pfx:
            continue
        length = int(pfx.rsplit("/", 1)[1])
        rows.append((p[0], p[-1], tuple(p), float(2 ** (32 - length))))
    return pd.DataFrame(rows, columns=["vp", "origin", "path", "addresses"])


def observed_direction(
    paths: pd.DataFrame,
    country_of: dict[int, str],
    names: dict[int, str],
    country: str,
    *,
    direction: str = "inbound",
    alpha: float = 0.1,
) -> DirectionResult | None:
    """Inbound (or, from vantage points in ``country``, outbound) dependency of
    ``country`` from observed paths; None when no path qualifies."""
    cc = country.upper()

    def ctry(a: int) -> str:
        return country_of.get(int(a), UNKNOWN)

    if direction == "inbound":
        sel = paths[[ctry(o) == cc and ctry(v) != cc for v, o in zip(paths.vp, paths.origin,
                                                                       strict=True)]]
    else:
        sel = paths[[ctry(v) == cc and ctry(o) != cc for v, o in zip(paths.vp, paths.origin,
                                                                       strict=True)]]
    if sel.empty:
        return None
    any_w: dict[str, float] = {}
    gw_w: dict[str, float] = {}
    as_transit: dict[int, float] = {}
    as_gateway: dict[int, float] = {}
    direct = domestic = total = 0.0
    for path, w in zip(sel.path, sel.addresses, strict=True):
        total += w
        inside = path[1:-1]
        for x in {ctry(a) for a in inside} - {cc}:
            any_w[x] = any_w.get(x, 0.0) + w
        for a in set(inside):
            if ctry(a) != cc:
                as_transit[a] = as_transit.get(a, 0.0) + w
        g = _gateway(path, [ctry(a) for a in path], cc, direction)
        if g is None:
            domestic += w
        elif g in (0, len(path) - 1):
            direct += w
        else:
            gw_w[ctry(path[g])] = gw_w.get(ctry(path[g]), 0.0) + w
            as_gateway[path[g]] = as_gateway.get(path[g], 0.0) + w
    by_country = pd.DataFrame(
        {"country": sorted(set(any_w) | set(gw_w))}
    )
    by_country["any_share"] = [any_w.get(c, 0.0) / total for c in by_country.country]
    by_country["gateway_share"] = [gw_w.get(c, 0.0) / total for c in by_country.country]
    by_country = by_country.sort_values(
        ["gateway_share", "any_share", "country"], ascending=[False, False, True]
    ).reset_index(drop=True)
    heg = _hegemony(sel, alpha)
    asns = sorted(as_transit)
    by_as = pd.DataFrame(
        {
            "asn": asns,
            "name": [names.get(a, "") for a in asns],
            "country": [ctry(a) for a in asns],
            "hegemony": [heg.get(a, 0.0) for a in asns],
            "transit_share": [as_transit[a] / total for a in asns],
            "gateway_share": [as_gateway.get(a, 0.0) / total for a in asns],
        }
    ).sort_values(["transit_share", "asn"], ascending=[False, True]).reset_index(drop=True)
    return DirectionResult(
        country=cc, direction=direction, mode="observed", by_country=by_country, by_as=by_as,
        direct_share=direct / total, domestic_share=domestic / total, unreachable_share=0.0,
        sources=f"observed paths of {sel.vp.nunique()} RIB peers",
        n_sources=int(sel.vp.nunique()), n_destinations=int(sel.origin.nunique()),
        n_vantage_points=int(sel.vp.nunique()), propagations=0,
    )


def observed_dependency(
    snap: Snapshot, files: Sequence[str | Path], country: str
) -> DependencyReport:
    """The dependency report of ``country`` from the paths of the RIB ``files``, with the
    countries and names of ``snap``'s AS table (its graph is not used)."""
    cc = country_code(country)
    if snap.table.id_of(cc) < 0:
        raise no_as_in(cc)
    tables = [read_rib_paths(f) for f in files]
    for f, t in zip(files, tables, strict=True):
        if t.num_rows == 0:
            raise DataFormatError(f, "no routes in this RIB file",
                                  hint="give a RIB dump (MRT TABLE_DUMP/_V2 or bgpdump -m text)")
    paths = pd.concat([observed_paths(t) for t in tables], ignore_index=True)
    info = snap.info
    cc_col = info.set_index("asn")[snap.table.country_column].dropna()
    country_of = {int(a): str(c) for a, c in cc_col.items() if c}
    names = {int(a): str(n) for a, n in info.set_index("asn")["name"].dropna().items()}
    inb = observed_direction(paths, country_of, names, cc, direction="inbound")
    out = observed_direction(paths, country_of, names, cc, direction="outbound")
    notes = [f"observed mode: {len(paths):,} IPv4 paths from {', '.join(map(str, files))}",
             f"countries by {snap.country_by} in today's data (as_info), not those of the "
             "RIB's date"]
    if out is None:
        notes.append(f"outbound not observable: no RIB peer is registered in {cc}")
    ribs = tuple(rib_provenance(f, t) for f, t in zip(files, tables, strict=True))
    as_info_sets = tuple(p for p in snap.datasets if p.kind in AS_INFO_KINDS)
    inb = flag_disputed(inb, info) if inb is not None else None
    out = flag_disputed(out, info) if out is not None else None
    sets = (*ribs, *as_info_sets)
    return DependencyReport(
        country=cc, mode="observed", inbound=inb, outbound=out,
        border=pd.DataFrame(), chokepoints=None,
        concentration=concentration(info, cc, country_column=snap.table.country_column),
        datasets=sets, notes=tuple(notes), country_by=snap.country_by,
        answers=tuple(lead(r, country_by=snap.country_by, datasets=sets)
                      for r in (inb, out) if r is not None),
    )


def _gateway(path: tuple[int, ...], ccs: list[str], cc: str, direction: str) -> int | None:
    """Position of the gateway AS in ``path`` (None: the path never leaves ``cc``)."""
    if all(c == cc for c in ccs):
        return None
    if direction == "inbound":
        i = len(path) - 1
        while ccs[i] == cc:
            i -= 1
        return i
    i = 0
    while ccs[i] == cc:
        i += 1
    return i


def _hegemony(sel: pd.DataFrame, alpha: float) -> dict[int, float]:
    """Country hegemony from observed paths (see the module doc)."""
    from crossroads.metrics._kernels import trimmed_mean_columns

    out: dict[int, float] = {}
    weight_sum = 0.0
    for _origin, grp in sel.groupby("origin"):
        vps = sorted(grp.vp.unique())
        vpos = {v: i for i, v in enumerate(vps)}
        tot = np.zeros(len(vps))
        cross: dict[int, np.ndarray] = {}
        for v, path, w in zip(grp.vp, grp.path, grp.addresses, strict=True):
            tot[vpos[v]] += w
            for a in set(path[1:-1]):
                cross.setdefault(a, np.zeros(len(vps)))[vpos[v]] += w
        wd = float(grp.addresses.sum()) / len(vps)  # d's address space, as seen per VP
        weight_sum += wd
        if not cross:
            continue
        asns = list(cross)
        mat = np.stack([cross[a] / tot for a in asns], axis=1)
        h = trimmed_mean_columns(mat, len(vps), alpha)
        for a, x in zip(asns, h, strict=True):
            out[a] = out.get(a, 0.0) + wd * float(x)
    return {a: x / weight_sum for a, x in out.items()} if weight_sum else {}
