"""What ``crossroads corridors CC`` shows: a country's crossings, systems, hubs and sources,
and an offline map of them.

:func:`country_corridors` gathers every corridor whose route touches the country (the
detailed rows, then the coarse land borders), its hubs, and where the shortest corridor
routes to each hub and neighbour go. :func:`corridor_map_svg` draws them with matplotlib
(no tile server: metros at their GeoNames coordinates on a plain longitude/latitude
frame), for the CLI, the report and the dashboard; :func:`plot_corridors` writes it to
a file.

    >>> cc = country_corridors("KZ")
    >>> [(c["id"], c["count"]) for c in cc.as_dict()["corridors"][:2]]
    [('kz-cn-border', 2), ('kz-ru-border', 17)]
    >>> cc.as_dict()["routes"]["frankfurt"]["crosses"]["RU"]
    1.0
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crossroads.atomic import atomic_path
from crossroads.errors import CrossroadsError
from crossroads.ids import country_code
from crossroads.physical.corridors import Corridor, CorridorSet, Hub, load_corridors
from crossroads.physical.routes import CountryRoutes, country_routes
from crossroads.provenance import Provenance

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["CountryCorridors", "corridor_map_svg", "country_corridors", "place_point",
           "plot_corridors"]

# no <metadata> block: no creation date (the same map draws the same bytes) and no RDF
# namespace URLs in a page that must reference nothing external
_NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}


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
        routes = {
            name: {"country": cc, "hops": self.routes.hops.get(cc),
                   "crosses": dict(sorted(self.routes.crossing(cc).items()))}
            for name, cc in self.targets().items()
        }
        return {
            "country": self.country,
            "version": self.data.version,
            "sources": list(self.data.sources),
            "datasets": [p.as_dict() for p in self.datasets],
            "corridors": [c.as_dict() for c in self.corridors],
            "hubs": [{"metro": h.metro, "city": self.data.metros[h.metro].city,
                      "country": h.country, "weight": h.weight, "grade": h.grade,
                      "source": {"url": h.source_url, "title": h.source_title,
                                 "date": h.source_date}} for h in self.hubs],
            "routes": routes,
            "units": "count: crossings, cables or systems (capacity weight); crosses: "
                     "probability that the shortest corridor route crosses the country",
        }

    @property
    def datasets(self) -> tuple[Provenance, ...]:
        """The provenance of the corridor data read (shipped files, a user file)."""
        return self.data.datasets

    def targets(self) -> dict[str, str]:
        """Where routes are shown to: each hub (metro id → its country), then each
        neighbour with a two-country corridor in service (code → code)."""
        out = {h.metro: self.data.metros[h.metro].country for h in self.hubs}
        for c in self.corridors:
            if len(c.countries) == 2 and c.operational:
                other = c.countries[1] if c.countries[0] == self.country else c.countries[0]
                out.setdefault(other, other)
        return out


def country_corridors(
    country: str, *, corridors: CorridorSet | None = None, planned: bool = False
) -> CountryCorridors:
    """The corridors, hubs and routes of ``country`` on ``corridors`` (default: the shipped
    data); ``planned``: route over planned corridors too."""
    cc = country_code(country)
    data = corridors if corridors is not None else load_corridors()
    return CountryCorridors(cc, data.of_country(cc), data.hubs_of(cc),
                            country_routes(data, cc, planned=planned), data)


def corridor_map_svg(
    view: CountryCorridors, *, places: Mapping[str, float] | None = None, title: str = ""
) -> str:
    """An SVG map of ``view``'s detailed corridors (lines between their metros, dashed when
    planned), its hubs (squares) and, optionally, the interconnection places sized by the
    share of crossing-link mass placed there (``places``: ``where`` label of
    :attr:`Candidate.where` → share; a border is drawn at the centre of its crossings'
    metros). Offline: plain longitude/latitude axes, no tile server; text stays text, and
    there is no XML prolog, so the SVG can be inlined into HTML."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig = _figure(view, places or {}, title)
    buf = io.StringIO()
    try:
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            fig.savefig(buf, format="svg", bbox_inches="tight", metadata=_NO_METADATA)
    finally:
        plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def plot_corridors(
    view: CountryCorridors, path: str | Path, *, places: Mapping[str, float] | None = None
) -> Path:
    """Write the map of :func:`corridor_map_svg` to ``path`` (``.svg`` or ``.png``),
    atomically."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    path = Path(path)
    fmt = {".png": "png", ".svg": "svg"}.get(path.suffix.lower())
    if fmt is None:
        raise CrossroadsError(f"{path}: the plot file must end in .png or .svg")
    fig = _figure(view, places or {}, "")
    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=120, bbox_inches="tight",
                        metadata=_NO_METADATA if fmt == "svg" else None)
    finally:
        plt.close(fig)
    return path


def place_point(data: CorridorSet, where: str) -> tuple[float, float] | None:
    """``(lon, lat)`` of an interconnection place: a metro id, or ``border A-B`` (the
    centre of the metros of the direct A-B corridors); None when it has no coordinates
    (a PeeringDB city outside the metro list, a coarse land border).

    >>> data = load_corridors()
    >>> place_point(data, "frankfurt"), place_point(data, "border KZ-XX")
    ((8.68417, 50.11552), None)
    """
    if where in data.metros:
        m = data.metros[where]
        return m.lon, m.lat
    if not where.startswith("border "):
        return None
    pair = set(where.removeprefix("border ").split("-"))
    pts = [data.metros[m] for c in data.corridors if set(c.countries) == pair
           for m in c.metros]
    if not pts:
        return None
    return sum(p.lon for p in pts) / len(pts), sum(p.lat for p in pts) / len(pts)


def _figure(view: CountryCorridors, places: Mapping[str, float], title: str) -> Figure:
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
    off = 0.0
    for where, share in places.items():
        xy = place_point(data, where)
        if xy is None:
            off += share
            continue
        ax.scatter([xy[0]], [xy[1]], s=40 + 900 * share, alpha=0.35, color="navy")
        if share >= 0.005:
            ax.annotate(f"{100 * share:.0f} %", xy, fontsize=7, color="navy", ha="center",
                        va="top", xytext=(0, -9), textcoords="offset points")
    ax.set_xlabel("longitude (°)")
    ax.set_ylabel("latitude (°)")
    ax.set_title(title or f"{view.country}: corridors (solid: in service, dashed: planned), "
                 "hubs (squares)" + (", interconnection places (circles, % of crossing-"
                                      "link mass)" if places else ""), fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    ax.grid(alpha=0.3)
    foot = (f"crossroads corridor data {data.version}; metros: GeoNames (CC BY 4.0); "
            "sources per corridor: `crossroads corridors`")
    if off > 0:
        foot += f"; {100 * off:.1f} % placed where the map has no coordinates"
    fig.text(0.01, 0.01, foot, fontsize=6)
    return fig
