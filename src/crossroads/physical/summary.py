"""What ``crossroads corridors CC`` shows: a country's crossings, systems, hubs and sources,
and an offline map of them.

:func:`country_corridors` gathers every corridor whose route touches the country (the
detailed rows, then the coarse land borders), its hubs, and where the shortest corridor
routes to each hub and neighbour go. :func:`corridor_map_svg` draws them with matplotlib
(no tile server: metros at their GeoNames coordinates on a plain longitude/latitude
frame), for the CLI, the report and the dashboard.

    >>> cc = country_corridors("KZ")
    >>> [(c["id"], c["count"]) for c in cc.as_dict()["corridors"][:2]]
    [('kz-cn-border', 2), ('kz-ru-border', 17)]
    >>> cc.as_dict()["routes"]["frankfurt"]["crosses"]["RU"]
    1.0
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from crossroads.physical.corridors import Corridor, CorridorSet, Hub, load_corridors
from crossroads.physical.routes import CountryRoutes, country_routes

__all__ = ["CountryCorridors", "corridor_map_svg", "country_corridors"]


@dataclass(frozen=True)
class CountryCorridors:
    """The corridor view of one country."""

    country: str
    corridors: tuple[Corridor, ...]
    hubs: tuple[Hub, ...]
    routes: CountryRoutes
    data: CorridorSet

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form: ``corridors`` (with sources), ``hubs``, ``routes`` per hub and
        neighbour (countries crossed, hops), ``version`` and ``sources`` of the data."""
        targets = {h.metro: self.data.metros[h.metro].country for h in self.hubs}
        for c in self.corridors:
            if len(c.countries) == 2 and c.operational:
                other = c.countries[1] if c.countries[0] == self.country else c.countries[0]
                targets.setdefault(other, other)
        routes = {
            name: {"country": cc, "hops": self.routes.hops.get(cc),
                   "crosses": dict(sorted(self.routes.crossing(cc).items()))}
            for name, cc in targets.items()
        }
        return {
            "country": self.country,
            "version": self.data.version,
            "sources": list(self.data.sources),
            "corridors": [c.as_dict() for c in self.corridors],
            "hubs": [{"metro": h.metro, "city": self.data.metros[h.metro].city,
                      "country": h.country, "weight": h.weight, "grade": h.grade,
                      "source": {"url": h.source_url, "title": h.source_title,
                                 "date": h.source_date}} for h in self.hubs],
            "routes": routes,
            "units": "count: crossings, cables or systems (capacity weight); crosses: "
                     "probability that the shortest corridor route crosses the country",
        }


def country_corridors(
    country: str, *, corridor_file: str | Path | None = None, planned: bool = False
) -> CountryCorridors:
    """The corridors, hubs and routes of ``country`` (``planned``: route over planned
    corridors too)."""
    data = load_corridors(corridor_file)
    return CountryCorridors(country, data.of_country(country), data.hubs_of(country),
                            country_routes(data, country, planned=planned), data)


def corridor_map_svg(
    view: CountryCorridors, *, metros: dict[str, float] | None = None, title: str = ""
) -> str:
    """An SVG map of ``view``'s detailed corridors (lines between their metros, dashed when
    planned), its hubs (squares) and, optionally, interconnection metros sized by the
    share of mass placed there (``metros``: metro id → share). Offline: plain lon/lat."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = view.data
    fig, ax = plt.subplots(figsize=(9, 5))
    seen: set[str] = set()
    for c in view.corridors:
        if c.kind == "land":
            continue
        pts = [data.metros[m] for m in c.metros]
        if len(pts) < 2:
            continue
        style = "-" if c.operational else "--"
        ax.plot([p.lon for p in pts], [p.lat for p in pts], style, lw=1 + min(c.count, 17) / 4,
                alpha=0.7, label=None if c.kind in seen else c.kind)
        seen.add(c.kind)
        for p in pts:
            ax.plot(p.lon, p.lat, "o", color="black", ms=2)
    for h in view.hubs:
        m = data.metros[h.metro]
        ax.plot(m.lon, m.lat, "s", color="crimson", ms=8)
        ax.annotate(m.city, (m.lon, m.lat), fontsize=7, xytext=(3, 3),
                    textcoords="offset points")
    for mid, share in (metros or {}).items():
        if mid in data.metros:
            m = data.metros[mid]
            ax.scatter([m.lon], [m.lat], s=40 + 600 * share, alpha=0.35, color="navy")
    ax.set_xlabel("longitude (°)")
    ax.set_ylabel("latitude (°)")
    ax.set_title(title or f"{view.country}: corridors (solid: in service, dashed: planned) "
                 "and hubs (squares)", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    ax.grid(alpha=0.3)
    fig.text(0.01, 0.01, f"crossroads corridor data {data.version}; metros: GeoNames "
             "(CC BY 4.0); sources per corridor: `crossroads corridors`", fontsize=6)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()
