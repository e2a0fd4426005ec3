"""Physical routes: which countries' territory the bits cross from a country to a metro.

The corridors in force form a multigraph on countries. A row with route ``c0-c1-...-ck``
(two countries for border crossings or a land border; more for a long-haul system or a
cable with several landings) gives one edge between every pair ``ci, cj`` of its
countries, crossing the countries between them: a system carries bits from any of its
points of presence to any other as one hop. Every edge has a capacity weight, the row's
``count`` (parallel rows add up).

A route from C to the country Y of a metro is a **shortest** path in edges; ties are split
in proportion to the product of the capacity weights along each path. With ``σ(v)`` the
weighted number of shortest paths from C to v and ``p_v(X)`` the probability that the
path to v crosses X (the countries strictly between C and v, and the ``via`` countries of
its express edges), one pass over the breadth-first layers gives, for every v at once,

    σ(v) = Σ_{e=(u,v)} σ(u)·w(e),
    p_v(X) = Σ_{e=(u,v)} σ(u)·w(e)·max(p_u(X), [X = u ≠ C], [X ∈ via(e)]) / σ(v).

The route to Y crosses ``{X: p_Y(X)}`` plus Y itself (the metro's country) with
probability 1; C itself is never counted. The same pass gives the probability that the
route uses each corridor.

Example: KZ reaches DE over two express systems through RU and one through RU and LV
(weights 1 each), so the route to Frankfurt crosses RU with probability 1 and LV 1/3:

    >>> from crossroads.physical.corridors import load_corridors
    >>> r = country_routes(load_corridors(), "KZ")
    >>> x = r.crossing("DE")
    >>> round(x["RU"], 3), round(x["LV"], 3), x["DE"]
    (1.0, 0.333, 1.0)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from crossroads.physical.corridors import Corridor, CorridorSet

__all__ = ["CountryRoutes", "Edge", "add_corridor", "corridor_edges", "country_routes",
           "cut_corridor"]


@dataclass(frozen=True)
class Edge:
    """One hop of the corridor graph: from ``a`` to ``b`` crossing ``via``."""

    a: str
    b: str
    via: tuple[str, ...]
    weight: float
    corridor: str


@dataclass(frozen=True)
class CountryRoutes:
    """Routes from ``origin`` to every reachable country (see the module doc)."""

    origin: str
    hops: dict[str, int]
    crosses: dict[str, dict[str, float]]  # Y -> {X: P(route to Y crosses X)}, Y included
    uses: dict[str, dict[str, float]]  # Y -> {corridor id: P(route to Y uses it)}
    direct: dict[str, dict[str, float]]  # neighbour -> {corridor id: capacity share}

    def reachable(self, country: str) -> bool:
        """Whether some corridor path leads from the origin to ``country``."""
        return country in self.hops

    def reaches(self, country: str, *, border: bool = False) -> bool:
        """Whether a link can be made in ``country``: at the border (``border``) needs a
        direct corridor; elsewhere a corridor route, or ``country`` being the origin."""
        if border:
            return country in self.direct
        return country == self.origin or country in self.hops

    def crossing(self, country: str) -> dict[str, float]:
        """``{X: probability}`` of crossing X on the way to ``country`` ({} if domestic)."""
        return self.crosses.get(country, {})


def corridor_edges(corridors: CorridorSet, *, planned: bool = False) -> list[Edge]:
    """The edges of the corridors in service (and the planned ones with ``planned``)."""
    out: list[Edge] = []
    for c in corridors.corridors:
        if not (c.operational or planned):
            continue
        route = c.countries
        for i in range(len(route) - 1):
            for j in range(i + 1, len(route)):
                out.append(Edge(route[i], route[j], route[i + 1 : j], float(c.count), c.id))
    return out


def country_routes(
    corridors: CorridorSet, origin: str, *, planned: bool = False
) -> CountryRoutes:
    """Shortest corridor routes from ``origin`` to every country (module doc)."""
    adj: dict[str, list[Edge]] = defaultdict(list)
    for e in corridor_edges(corridors, planned=planned):
        adj[e.a].append(e)
        adj[e.b].append(Edge(e.b, e.a, e.via, e.weight, e.corridor))
    direct: dict[str, dict[str, float]] = defaultdict(dict)
    for e in adj[origin]:
        if not e.via:
            direct[e.b][e.corridor] = direct[e.b].get(e.corridor, 0.0) + e.weight
    direct = {y: {k: w / sum(d.values()) for k, w in d.items()} for y, d in direct.items()}
    hops = {origin: 0}
    sigma = {origin: 1.0}
    cross: dict[str, dict[str, float]] = {origin: {}}
    uses: dict[str, dict[str, float]] = {origin: {}}
    layer = [origin]
    while layer:
        nxt: dict[str, list[tuple[float, Edge]]] = defaultdict(list)
        for u in layer:
            for e in adj[u]:
                if e.b not in hops:
                    nxt[e.b].append((sigma[u] * e.weight, e))
        for v, ins in nxt.items():
            hops[v] = hops[ins[0][1].a] + 1
            total = sum(x for x, _ in ins)
            sigma[v] = total
            cv: dict[str, float] = defaultdict(float)
            uv: dict[str, float] = defaultdict(float)
            for x, e in ins:
                share = x / total
                here = {*e.via, *([e.a] if e.a != origin else [])} - {origin}
                for k in here | cross[e.a].keys():
                    cv[k] += share * (1.0 if k in here else cross[e.a][k])
                uv[e.corridor] += share
                for k, p in uses[e.a].items():
                    uv[k] += share * p
            cross[v], uses[v] = dict(cv), dict(uv)
        layer = list(nxt)
    crosses = {y: {**c, y: 1.0} for y, c in cross.items() if y != origin}
    crosses[origin] = {}
    return CountryRoutes(origin, hops, crosses, uses, direct)


def cut_corridor(
    corridors: CorridorSet, a: str, b: str, *, count: int | None = None
) -> tuple[CorridorSet, int]:
    """``corridors`` with ``count`` of the a-b crossings gone (all when None).

    A partial cut lowers the counts of the direct a-b rows (largest first). A full cut
    removes every direct a-b row and splits every system whose route has a and b next
    to each other into its two halves (a system cannot carry bits over a cut border).
    Returns the new set and the number of crossings cut.
    """
    pair = {a, b}
    direct = [c for c in corridors.corridors if set(c.countries) == pair]
    total = sum(c.count for c in direct)
    if count is not None and count < total:
        left, rows = count, []
        for c in sorted(direct, key=lambda c: -c.count):
            take = min(left, c.count)
            left -= take
            if c.count - take > 0:
                rows.append(replace(c, count=c.count - take))
        kept = [c for c in corridors.corridors if c not in direct]
        return replace(corridors, corridors=(*kept, *rows)), count
    out: list[Corridor] = []
    for c in corridors.corridors:
        if set(c.countries) == pair:
            continue
        out.extend(_split(c, pair))
    return replace(corridors, corridors=tuple(out)), total


def add_corridor(corridors: CorridorSet, row: Corridor) -> CorridorSet:
    """``corridors`` with ``row`` in service (a planned row of the same id is replaced)."""
    return corridors.with_rows([replace(row, status="operational")])


def _split(c: Corridor, pair: set[str]) -> list[Corridor]:
    """``c`` cut where its route passes from one country of ``pair`` to the other."""
    r = c.countries
    for i in range(len(r) - 1):
        if {r[i], r[i + 1]} == pair:
            parts = (r[: i + 1], r[i + 1 :])
            return [replace(c, id=f"{c.id}#{k}", countries=p)
                    for k, p in enumerate(parts) if len(p) >= 2]
    return [c]
