"""Dataset names: which series a snapshot belongs to, what kind it is, how to call it.

A dataset is named ``<series>-<date>`` (``caida-as-rel2-20250901``, ``rir-ripencc-20181013``,
``caida-ixs-202410``, ``rib-rrc00-20240901.0000``); the series is the name without its
date. The shipped catalogue's ip-location-db names carry no date
(``ip-location-db-asn-ipv4``): there the whole name is the series.

A *part* is what one snapshot of a kind covers. Usually one series is one part (the five
RIRs are five parts of ``rir``, the two families of each ip-location-db table two parts);
CAIDA's serial-1 and serial-2 AS relationships are two series of **one** part, since either
is a whole AS graph.

>>> series_of("caida-as-rel2-20250901"), series_of("rib-rrc00-20240901.0000")
('caida-as-rel2', 'rib-rrc00')
>>> part_of("as-rel", "caida-as-rel-20020101"), part_of("rir", "rir-apnic-20181013")
('as-rel', 'rir-apnic')
>>> kind_of("ip-location-db-geo-whois-asn-country-ipv6")
'geo-ranges'
"""

from __future__ import annotations

import re

__all__ = ["LABELS", "kind_of", "label_of", "part_of", "series_of"]

_DATE = re.compile(r"-(?:\d{8}(?:\.\d{4})?|\d{6})$")

_PREFIXES = (
    ("caida-as-rel", "as-rel"),
    ("caida-as-org", "as-org"),
    ("caida-pfx2as", "pfx2as"),
    ("caida-ixs", "ixp"),
    ("peeringdb", "peeringdb"),
    ("rir-", "rir"),
    ("ip-location-db-asn-country", "country-ranges"),
    ("ip-location-db-geo-whois", "geo-ranges"),
    ("ip-location-db-asn-ipv", "asn-ranges"),
    ("ris-collectors", "ris-peers"),
    ("routeviews-collectors", "routeviews-peers"),
    ("rib-", "rib"),
)

LABELS: dict[str, str] = {
    "as-rel": "AS graph (CAIDA AS relationships)",
    "as-org": "AS names (CAIDA AS organisations)",
    "pfx2as": "prefix→AS (CAIDA RouteViews pfx2as)",
    "peeringdb": "IXP membership (PeeringDB)",
    "ixp": "IXP list (CAIDA)",
    "rir": "AS→country (RIR delegations)",
    "asn-ranges": "prefix→AS (ip-location-db)",
    "country-ranges": "AS→country (ip-location-db)",
    "geo-ranges": "geolocation (ip-location-db)",
    "ris-peers": "collector peers (RIPE RIS)",
    "routeviews-peers": "collector peers (RouteViews)",
    "rib": "observed routes (RIBs)",
}
"""What each kind of dataset gives an analysis, in words for notes and tables."""


def series_of(name: str) -> str:
    """The series of a dataset name: the name without its trailing date."""
    return _DATE.sub("", name)


def part_of(kind: str, name: str) -> str:
    """The part a dataset covers (see module doc)."""
    return "as-rel" if kind == "as-rel" else series_of(name)


def kind_of(name: str) -> str | None:
    """The kind of a dataset from its name (None for a name no publisher uses)."""
    for prefix, kind in _PREFIXES:
        if name.startswith(prefix):
            return kind
    return None


def label_of(kind: str) -> str:
    """:data:`LABELS` entry of ``kind``, or the kind itself."""
    return LABELS.get(kind, kind)
