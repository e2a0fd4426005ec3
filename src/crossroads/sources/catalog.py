"""The public datasets crossroads knows: public URL, mirror path, data date, reader kind.

The mirror layout (``CROSSROADS_MIRROR``) follows the public-data mirror shipped beside
the project; each entry's ``url`` is the file's public home, used when no mirror is set.
Entries marked ``optional`` (CAIDA as-organizations, RouteViews pfx2as, PeeringDB) are not
in that mirror: a mirror-based fetch skips them unless the files are put there.

:func:`in_force_on` is the one rule every ``--date`` option follows: the snapshot in force
on a date is the latest one dated on or before it. :func:`date_mix_notes` says when the
inputs of one result come from dates far apart. What the publishers hold beyond this list
is found by :mod:`crossroads.sources.index` (discovery); its snapshots are named like these.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Protocol, TypeVar

from crossroads.errors import DatasetMissingError
from crossroads.sources._fetch import DatasetSpec
from crossroads.sources.names import kind_of, label_of

__all__ = [
    "CATALOG",
    "DEFAULT_FETCH",
    "Dated",
    "by_name",
    "date_mix_notes",
    "in_force_on",
    "serial1_snapshots",
]

_PUBLIC = "https://publicdata.caida.org/datasets"
_CAIDA = f"{_PUBLIC}/as-relationships"
_PFX2AS = f"{_PUBLIC}/routing"
_ILDB = "https://cdn.jsdelivr.net/npm/@ip-location-db"
_ILDB_DATE = date(2026, 6, 17)
_ILDB_VERSION = "2.3.2026061719"

# Carisimo et al., IMC 2021 (CC BY 4.0): ASes of state-owned operators.
_STATE_OWNED = ("https://raw.githubusercontent.com/estcarisimo/state-owned-ases/main/"
                "data/state-owned-ases/csv")

_RIR_URL = {
    "afrinic": "https://ftp.afrinic.net/pub/stats/afrinic/2018/delegated-afrinic-extended-20181013",
    "apnic": "https://ftp.apnic.net/stats/apnic/2018/delegated-apnic-extended-20181013.gz",
    "arin": "https://ftp.arin.net/pub/stats/arin/delegated-arin-extended-20181013",
    "lacnic": "https://ftp.lacnic.net/pub/stats/lacnic/delegated-lacnic-extended-20181013",
    "ripencc": "https://ftp.ripe.net/pub/stats/ripencc/2018/delegated-ripencc-extended-20181013.bz2",
}


def serial1_snapshots() -> list[DatasetSpec]:
    """The CAIDA serial-1 snapshots of the mirror: 1 January every two years, 2002–2018."""
    return [
        DatasetSpec(
            name=f"caida-as-rel-{year}0101",
            kind="as-rel",
            url=f"{_CAIDA}/serial-1/{year}0101.as-rel.txt.bz2",
            mirror_path=f"caida/serial-1/{year}0101.as-rel.txt.bz2",
            data_date=date(year, 1, 1),
        )
        for year in range(2002, 2019, 2)
    ]


CATALOG: tuple[DatasetSpec, ...] = (
    DatasetSpec(
        name="caida-as-rel2-20250901",
        kind="as-rel",
        url=f"{_CAIDA}/serial-2/20250901.as-rel2.txt.bz2",
        mirror_path="caida/20250901.as-rel2.txt.bz2",
        data_date=date(2025, 9, 1),
    ),
    *serial1_snapshots(),
    *(
        DatasetSpec(
            name=f"ip-location-db-{stem}",
            kind=kind,
            url=f"{_ILDB}/{pkg}@{_ILDB_VERSION}/{stem}.csv",
            mirror_path=f"ip-location-db/{stem}.csv.gz",
            data_date=_ILDB_DATE,
        )
        for stem, kind, pkg in (
            ("asn-ipv4", "asn-ranges", "asn"),
            ("asn-ipv6", "asn-ranges", "asn"),
            ("asn-country-ipv4", "country-ranges", "asn-country"),
            ("asn-country-ipv6", "country-ranges", "asn-country"),
            ("geo-whois-asn-country-ipv4", "geo-ranges", "geo-whois-asn-country"),
            ("geo-whois-asn-country-ipv6", "geo-ranges", "geo-whois-asn-country"),
        )
    ),
    *(
        DatasetSpec(
            name=f"rir-{rir}-20181013",
            kind="rir",
            url=url,
            mirror_path=f"rir-2018-10-13/delegated-{rir}-extended-20181013.gz",
            data_date=date(2018, 10, 13),
        )
        for rir, url in _RIR_URL.items()
    ),
    DatasetSpec(
        name="caida-ixs-202410",
        kind="ixp",
        url="https://publicdata.caida.org/datasets/ixps/ixs_202410.jsonl",
        mirror_path="ixp/caida-ixs-202410.jsonl",
        data_date=date(2024, 11, 1),
    ),
    DatasetSpec(
        name="caida-as-org-20250701",
        kind="as-org",
        url=f"{_PUBLIC}/as-organizations/20250701.as-org2info.jsonl.gz",
        mirror_path="caida/20250701.as-org2info.jsonl.gz",
        data_date=date(2025, 7, 1),
        optional=True,
    ),
    *(
        DatasetSpec(
            name=f"caida-pfx2as-v{v}-20241101",
            kind="pfx2as",
            url=f"{_PFX2AS}/{tree}/2024/11/{stem}.pfx2as.gz",
            mirror_path=f"caida/{tree}/{stem}.pfx2as.gz",
            data_date=date(2024, 11, 1),
            optional=True,
        )
        # The time of day is part of the name and differs per day and family.
        for v, tree, stem in (
            (4, "routeviews-prefix2as", "routeviews-rv2-20241101-0400"),
            (6, "routeviews6-prefix2as", "routeviews-rv6-20241101-0000"),
        )
    ),
    DatasetSpec(
        name="peeringdb-20241101",
        kind="peeringdb",
        url=f"{_PUBLIC}/peeringdb/2024/11/peeringdb_2_dump_2024_11_01.json",
        mirror_path="peeringdb/peeringdb_2_dump_2024_11_01.json",
        data_date=date(2024, 11, 1),
        optional=True,
    ),
    *(
        DatasetSpec(
            name=f"state-owned-{part}-20220211",
            kind="state-owned",
            url=f"{_STATE_OWNED}/{stem}.csv",
            mirror_path=f"state-owned/{stem}.csv",
            data_date=date(2022, 2, 11),
        )
        for part, stem in (("majority", "state_owned_ases"),
                           ("minority", "minority_state_owned_ases"))
    ),
    DatasetSpec(
        name="ris-collectors-20230801",
        kind="ris-peers",
        url="https://raw.githubusercontent.com/sermpezis/ai4netmon/main/data/misc/RIPE_RIS_collectors_20230801.json",
        mirror_path="collectors/RIPE_RIS_collectors_20230801.json",
        data_date=date(2023, 8, 1),
    ),
    DatasetSpec(
        name="routeviews-collectors-20230801",
        kind="routeviews-peers",
        url="https://raw.githubusercontent.com/sermpezis/ai4netmon/main/data/misc/RouteViews_20230801.txt",
        mirror_path="collectors/RouteViews_20230801.txt",
        data_date=date(2023, 8, 1),
    ),
)

DEFAULT_FETCH: tuple[str, ...] = tuple(s.name for s in CATALOG)
"""What ``crossroads fetch`` loads when no names are given: every catalogued file (from a
mirror, the ``optional`` ones only where the mirror holds them)."""


def by_name(name: str) -> DatasetSpec:
    """The catalogue entry called ``name``."""
    for spec in CATALOG:
        if spec.name == name:
            return spec
    raise KeyError(name)


class Dated(Protocol):
    """Anything with a name and a data date: a :class:`DatasetSpec`, a loaded dataset."""

    @property
    def name(self) -> str: ...

    @property
    def data_date(self) -> date: ...


D = TypeVar("D", bound=Dated)


def _instant(s: Dated) -> datetime:
    """When a snapshot was taken: its ``data_time`` (RIBs), else 00:00 UTC of its date."""
    when = getattr(s, "data_time", None)
    if isinstance(when, datetime):
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return datetime.combine(s.data_date, time(), tzinfo=UTC)


def in_force_on(snapshots: Iterable[D], day: date | datetime | None, *,
                what: str = "snapshot") -> D:
    """The snapshot in force on ``day``: the latest dated on or before it (ties: the
    alphabetically last name); the newest when ``day`` is None.

    A snapshot describes the Internet as measured up to its date, so one dated after
    ``day`` would show links that did not yet exist; a date before every snapshot is an
    error rather than a silent jump forward. A ``date`` counts whole (a snapshot dated
    that day is in force on it); a ``datetime`` is an instant, compared with snapshots'
    ``data_time`` (RIB dumps are dated to the minute) or 00:00 UTC of their date.

    >>> specs = [s for s in CATALOG if s.kind == "as-rel"]
    >>> in_force_on(specs, date(2011, 3, 1)).name
    'caida-as-rel-20100101'
    >>> in_force_on(specs, None).name
    'caida-as-rel2-20250901'
    >>> in_force_on(specs, datetime(2010, 1, 1, tzinfo=UTC)).name
    'caida-as-rel-20100101'
    """
    if isinstance(day, datetime):
        at = day if day.tzinfo else day.replace(tzinfo=UTC)
        pool = sorted(snapshots, key=lambda s: (_instant(s), s.name))
        before = [s for s in pool if _instant(s) <= at]
        shown = at.isoformat(timespec="minutes")
    else:
        pool = sorted(snapshots, key=lambda s: (s.data_date, _instant(s), s.name))
        before = [s for s in pool if day is None or s.data_date <= day]
        shown = day.isoformat() if day else ""
    if not pool:
        raise DatasetMissingError(f"no {what} is available")
    if day is None:
        return pool[-1]
    if not before:
        raise DatasetMissingError(
            f"no {what} on or before {shown}; the oldest is {pool[0].name} "
            f"({pool[0].data_date.isoformat()})",
            hint=f"use --date {pool[0].data_date.isoformat()} or later",
        )
    return before[-1]


def date_mix_notes(inputs: Iterable[object], *, max_gap_days: int = 365) -> list[str]:
    """Notes for a result whose inputs come from dates far apart.

    ``inputs`` are the datasets a result used (:class:`DatasetSpec`, a store's
    ``DatasetRecord``, a :class:`~crossroads.provenance.Provenance`): anything with a
    ``data_date`` and a ``kind``, or a ``name``/``dataset`` to tell the kind from. The
    reference is the AS graph (``as-rel``) when there is one, else the newest input;
    every other kind whose oldest input is more than ``max_gap_days`` from it gets one
    note, the widest gap first.

    >>> notes = date_mix_notes([by_name("caida-as-rel2-20250901"),
    ...                         by_name("rir-ripencc-20181013"), by_name("caida-ixs-202410")])
    >>> print(notes[0])  # doctest: +NORMALIZE_WHITESPACE
    AS→country (RIR delegations) of 2018-10-13 with the AS graph
    (CAIDA AS relationships) of 2025-09-01: 6.9 years apart
    >>> len(notes)
    1
    """
    oldest: dict[str, date] = {}
    for item in inputs:
        kind = getattr(item, "kind", None) or kind_of(
            str(getattr(item, "name", None) or getattr(item, "dataset", "")))
        when = getattr(item, "data_date", None)
        if kind is None or not isinstance(when, date):
            continue
        when = when.date() if isinstance(when, datetime) else when
        oldest[kind] = min(when, oldest.get(kind, when))
    if not oldest:
        return []
    ref_kind = "as-rel" if "as-rel" in oldest else max(oldest, key=lambda k: oldest[k])
    ref = oldest[ref_kind]
    gaps = sorted(((abs((when - ref).days), kind) for kind, when in oldest.items()
                   if kind != ref_kind), reverse=True)
    return [
        f"{label_of(kind)} of {oldest[kind].isoformat()} with the {label_of(ref_kind)} of "
        f"{ref.isoformat()}: {days / 365.25:.1f} years apart"
        for days, kind in gaps if days > max_gap_days
    ]
