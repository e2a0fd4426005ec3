"""Published figures to compare crossroads' dependency shares with: a small, cited table.

Each :class:`PublishedFigure` is one statement of a public report about how much of a
country's international connectivity goes through (or comes from) another country, with
its source, year, address and the words it was taken from. ``value`` is a fraction when
the report gives a number, None when it states the dependency in words only; ``scope`` is
``"country"`` for a figure about that country, ``"region"`` for a figure about a region
the country belongs to (shown for each of its countries, and said to be regional).

What they measure is not what crossroads measures: the reports estimate **traffic**
volume (bytes), crossroads counts **AS-level paths** weighted by address space
(:mod:`crossroads.metrics.answer` says so beside every comparison).

>>> [(f.country, f.partner, f.value) for f in published_figures("KZ")]
[('KZ', 'RU', 0.95)]
>>> [(f.scope, f.value) for f in published_figures("UZ")]
[('region', 0.95)]

Sources (read from stored copies of the public pages; the ISOC 2025 address is the
blog's path as the stored copy gives it, without the date folders the site may add; see
``docs/validation-kz.md``):

1. Internet Society, "Report Highlights Kazakhstan's Role in Developing Internet Resilience
   in Central Asia", blog post on the report *Kazakhstan Internet Landscape: Understanding
   Threats and Opportunities*, 2025: "the estimated 95% of international Internet traffic
   between Kazakhstan and Russia is similar to the ratio of international traffic that
   goes from and to Central Asia".
2. M. Kende, M. Palovirta, J. Coffin, *Kyrgyz Internet Environment Assessment*, Internet
   Society, November 2015 (launch slides, Bishkek, 24 November 2015): "Heavy dependence on
   Kazakhstan-Russia route"; "80% of Internet traffic international".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["CENTRAL_ASIA", "PUBLISHED", "PublishedFigure", "published_figures"]

CENTRAL_ASIA = ("KG", "KZ", "TJ", "TM", "UZ")
"""The five Central Asian countries (the region of the ISOC 2025 statement)."""

_ISOC_2025 = ("Internet Society, 'Report Highlights Kazakhstan's Role in Developing Internet "
              "Resilience in Central Asia' (on the report 'Kazakhstan Internet Landscape: "
              "Understanding Threats and Opportunities'), 2025")
_ISOC_2025_URL = ("https://www.internetsociety.org/blog/"
                  "report-highlights-kazakhstans-role-in-developing-internet-resilience-in-"
                  "central-asia/")


@dataclass(frozen=True)
class PublishedFigure:
    """One published statement about a country's dependency on a partner country."""

    country: str  # the country the statement is about (for a region: each member)
    partner: str  # the country depended on
    value: float | None  # a fraction, or None when the report gives no number
    measure: str  # what the number measures, in the report's terms
    source: str
    year: int
    url: str
    quote: str
    scope: str = "country"  # "country" or "region"

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return asdict(self)


PUBLISHED: tuple[PublishedFigure, ...] = (
    PublishedFigure(
        country="KZ", partner="RU", value=0.95,
        measure="estimated share of Kazakhstan's international Internet traffic exchanged "
        "with or through Russia (traffic volume)",
        source=_ISOC_2025, year=2025, url=_ISOC_2025_URL,
        quote="the estimated 95% of international Internet traffic between Kazakhstan and "
        "Russia",
    ),
    *(
        PublishedFigure(
            country=cc, partner="RU", value=0.95,
            measure="Central Asia as a whole: a ratio of international traffic via Russia "
            "'similar' to Kazakhstan's 95 % (no figure for this country alone)",
            source=_ISOC_2025, year=2025, url=_ISOC_2025_URL,
            quote="similar to the ratio of international traffic that goes from and to "
            "Central Asia", scope="region",
        )
        for cc in CENTRAL_ASIA if cc != "KZ"
    ),
    PublishedFigure(
        country="KG", partner="KZ", value=None,
        measure="international connectivity (80 % of Kyrgyz traffic is international); "
        "no share is given",
        source="M. Kende, M. Palovirta, J. Coffin, 'Kyrgyz Internet Environment Assessment', "
        "Internet Society", year=2015,
        url="https://www.slideshare.net/slideshow/isoc-report-launch-maarit-221115/80248900",
        quote="Heavy dependence on Kazakhstan-Russia route",
    ),
)
"""Every figure, country statements before regional ones."""


def published_figures(country: str) -> tuple[PublishedFigure, ...]:
    """The figures about ``country`` (its own first, then its region's)."""
    own = [f for f in PUBLISHED if f.country == country and f.scope == "country"]
    return (*own, *(f for f in PUBLISHED if f.country == country and f.scope != "country"))
