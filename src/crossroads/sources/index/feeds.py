"""The publishers' series: where each one files its snapshots and how they are named.

One :class:`TreeFeed` per series filed in directories (CAIDA, the five RIRs), one
:class:`NpmFeed` per ip-location-db table (versions from the npm registry, files from
jsDelivr), and :class:`RisPeersFeed` for RIPEstat's live ``rrc-info`` document. Each turns
what it finds into :class:`~crossroads.sources._fetch.DatasetSpec` rows named like the
shipped catalogue (``caida-as-rel2-YYYYMMDD``, ``rir-<rir>-YYYYMMDD``,
``ip-location-db-<table>-YYYYMMDD``, ``caida-ixs-YYYYMM`` …), so a discovered snapshot and
a catalogued one of the same series compare by date. URL patterns, cadences and licences
are in ``docs/methods/data-sources.md``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from crossroads.sources._fetch import DatasetSpec
from crossroads.sources.index.cache import IndexCache
from crossroads.sources.index.documents import NpmRelease, parse_npm_packument
from crossroads.sources.index.transport import Transport, host_path
from crossroads.sources.index.tree import Found, Tree, between, find

__all__ = ["CAIDA", "FEEDS", "Feed", "NpmFeed", "RisPeersFeed", "TreeFeed", "spec_of"]

CAIDA = "https://publicdata.caida.org/datasets/"
NPM_REGISTRY = "https://registry.npmjs.org/"
JSDELIVR = "https://cdn.jsdelivr.net/npm/"
RRC_INFO = "https://stat.ripe.net/data/rrc-info/data.json"

_YMD = r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"
_YEAR = r"(?P<y>\d{4})/"
_MONTH = r"(?P<m>\d{2})/"
_COMPRESSED = re.compile(r"\.(gz|bz2)$")


class Feed(Protocol):
    """A publisher's series of snapshots of one kind (frozen dataclasses: read-only)."""

    @property
    def series(self) -> str: ...

    @property
    def kind(self) -> str: ...

    def newest(self, transport: Transport, cache: IndexCache, *,
               until: datetime | None = None) -> DatasetSpec | None: ...

    def between(self, transport: Transport, cache: IndexCache, *,
                since: datetime | None = None, until: datetime | None = None
                ) -> list[DatasetSpec]: ...


def spec_of(found: Found, *, name: str, kind: str, optional: bool = False,
            collector: str | None = None) -> DatasetSpec:
    """The dataset row of a file found in a tree, with its published checksum (a
    ``.md5`` beside it: of the file itself, or of its decompressed content when the
    ``.md5`` is named after the uncompressed file)."""
    checksum, decompressed = None, False
    stem = _COMPRESSED.sub("", found.name)
    folder = found.url[: -len(found.name)]
    if found.name + ".md5" in found.siblings:
        checksum = folder + found.name + ".md5"
    elif stem != found.name and stem + ".md5" in found.siblings:
        checksum, decompressed = folder + stem + ".md5", True
    return DatasetSpec(
        name=name, kind=kind, url=found.url, mirror_path=host_path(found.url),
        data_date=found.when.date(), optional=optional, size=found.entry.size,
        size_slack=found.entry.slack, published=found.entry.modified,
        checksum_url=checksum, checksum_decompressed=decompressed,
        data_time=found.when if collector else None, collector=collector,
    )


@dataclass(frozen=True)
class TreeFeed:
    """A series filed in a dated directory tree; names are ``<series>-<date>`` with the
    date written by ``stamp`` (``%Y%m%d``; CAIDA's IXP lists keep their file's month)."""

    series: str
    kind: str
    tree: Tree
    stamp: str = "%Y%m%d"
    optional: bool = False

    def _spec(self, found: Found) -> DatasetSpec:
        when = found.when
        if self.tree.shift_months:  # name after the file's own month, not the data date
            m = when.month - self.tree.shift_months
            when = when.replace(year=when.year + (m - 1) // 12, month=(m - 1) % 12 + 1)
        return spec_of(found, name=f"{self.series}-{when:{self.stamp}}", kind=self.kind,
                       optional=self.optional)

    def newest(self, transport: Transport, cache: IndexCache, *,
               until: datetime | None = None) -> DatasetSpec | None:
        """The snapshot in force at ``until`` (the newest when None)."""
        found = find(self.tree, transport, cache, until=until)
        return None if found is None else self._spec(found)

    def between(self, transport: Transport, cache: IndexCache, *,
                since: datetime | None = None, until: datetime | None = None
                ) -> list[DatasetSpec]:
        """Every snapshot dated in the window, one per name (ties: the later file name)."""
        specs = {}
        for found in between(self.tree, transport, cache, since=since, until=until):
            spec = self._spec(found)
            specs[spec.name] = spec
        return sorted(specs.values(), key=lambda s: (s.data_date, s.name))


@dataclass(frozen=True)
class NpmFeed:
    """One ip-location-db table: versions of ``@ip-location-db/<package>`` from the npm
    registry (dated by their publication time), the CSV from jsDelivr."""

    series: str
    kind: str
    package: str
    stem: str

    @property
    def index_url(self) -> str:
        """The package's registry metadata (scoped name with ``/`` encoded)."""
        return f"{NPM_REGISTRY}@ip-location-db%2f{self.package}"

    def _releases(self, transport: Transport, cache: IndexCache) -> list[NpmRelease]:
        """Published versions, oldest first, the last of each day only (parsed once)."""

        def parse() -> list[NpmRelease]:
            body, _ = cache.document(transport, self.index_url)
            by_day = {r.published.date(): r
                      for r in parse_npm_packument(body, source=self.index_url)}
            return [by_day[d] for d in sorted(by_day)]

        return cache.memo(("npm", self.index_url), parse)

    def _spec(self, rel: NpmRelease) -> DatasetSpec:
        url = f"{JSDELIVR}@ip-location-db/{self.package}@{rel.version}/{self.stem}.csv"
        return DatasetSpec(name=f"{self.series}-{rel.published:%Y%m%d}", kind=self.kind,
                           url=url, mirror_path=host_path(url),
                           data_date=rel.published.date(), published=rel.published)

    def between(self, transport: Transport, cache: IndexCache, *,
                since: datetime | None = None, until: datetime | None = None
                ) -> list[DatasetSpec]:
        """Every version published in the window, the last of each day."""
        rels = self._releases(transport, cache)
        times = [r.published for r in rels]
        lo = 0 if since is None else bisect.bisect_left(times, since)
        hi = len(rels) if until is None else bisect.bisect_right(times, until)
        return [self._spec(r) for r in rels[lo:hi]]

    def newest(self, transport: Transport, cache: IndexCache, *,
               until: datetime | None = None) -> DatasetSpec | None:
        """The version in force at ``until`` (the newest when None)."""
        rels = self._releases(transport, cache)
        hi = len(rels) if until is None else bisect.bisect_right(
            [r.published for r in rels], until)
        return self._spec(rels[hi - 1]) if hi else None


@dataclass(frozen=True)
class RisPeersFeed:
    """RIS collectors and their peers from RIPEstat ``rrc-info``: a live document with
    no archive, so its one snapshot is dated when it was retrieved."""

    series: str = "ris-collectors"
    kind: str = "ris-peers"
    url: str = RRC_INFO

    def between(self, transport: Transport, cache: IndexCache, *,
                since: datetime | None = None, until: datetime | None = None
                ) -> list[DatasetSpec]:
        """Today's document, if the window reaches today."""
        _, when = cache.document(transport, self.url)
        day = datetime(when.year, when.month, when.day, tzinfo=UTC)
        if (since and when < since) or (until and day > until):
            return []
        return [DatasetSpec(name=f"{self.series}-{when:%Y%m%d}", kind=self.kind,
                            url=self.url, mirror_path=host_path(self.url),
                            data_date=when.date(), published=when)]

    def newest(self, transport: Transport, cache: IndexCache, *,
               until: datetime | None = None) -> DatasetSpec | None:
        """Today's document (None for a past ``until``)."""
        found = self.between(transport, cache, until=until)
        return found[-1] if found else None


def _caida(series: str, kind: str, path: str, leaf: str, levels: tuple[str, ...] = (),
           **kw: object) -> TreeFeed:
    return TreeFeed(series, kind, Tree(CAIDA + path, levels, leaf), **kw)  # type: ignore[arg-type]


def _rir(rir: str, root: str, levels: tuple[str, ...] = (_YEAR,),
         depths: frozenset[int] = frozenset({0, 1})) -> TreeFeed:
    leaf = rf"delegated-{rir}-extended-{_YMD}(?:\.gz|\.bz2)?"
    return TreeFeed(f"rir-{rir}", "rir", Tree(root, levels, leaf, depths))


_ILDB = (
    ("asn", "asn-ranges", ("asn-ipv4", "asn-ipv6")),
    ("asn-country", "country-ranges", ("asn-country-ipv4", "asn-country-ipv6")),
    ("geo-whois-asn-country", "geo-ranges",
     ("geo-whois-asn-country-ipv4", "geo-whois-asn-country-ipv6")),
)

FEEDS: tuple[Feed, ...] = (
    _caida("caida-as-rel2", "as-rel", "as-relationships/serial-2/",
           rf"{_YMD}\.as-rel2\.txt\.bz2"),
    _caida("caida-as-rel", "as-rel", "as-relationships/serial-1/", rf"{_YMD}\.as-rel\.txt\.bz2"),
    _caida("caida-as-org", "as-org", "as-organizations/",
           rf"{_YMD}\.as-org2info\.(?:jsonl|txt)\.gz", optional=True),
    _caida("caida-pfx2as-v4", "pfx2as", "routing/routeviews-prefix2as/",
           rf"routeviews-rv2-{_YMD}-(?P<H>\d{{2}})(?P<M>\d{{2}})\.pfx2as\.gz", (_YEAR, _MONTH),
           optional=True),
    _caida("caida-pfx2as-v6", "pfx2as", "routing/routeviews6-prefix2as/",
           rf"routeviews-rv6-{_YMD}-(?P<H>\d{{2}})(?P<M>\d{{2}})\.pfx2as\.gz", (_YEAR, _MONTH),
           optional=True),
    _caida("peeringdb", "peeringdb", "peeringdb/",
           r"peeringdb_2_dump_(?P<y>\d{4})_(?P<m>\d{2})_(?P<d>\d{2})\.json", (_YEAR, _MONTH),
           optional=True),
    TreeFeed("caida-ixs", "ixp", Tree(CAIDA + "ixps/", (), r"ixs_(?P<y>\d{4})(?P<m>\d{2})\.jsonl",
                                      shift_months=1), stamp="%Y%m"),
    _rir("afrinic", "https://ftp.afrinic.net/pub/stats/afrinic/"),
    _rir("apnic", "https://ftp.apnic.net/stats/apnic/"),
    _rir("arin", "https://ftp.arin.net/pub/stats/arin/",
         (r"(?:archive/|(?P<y>\d{4})/)", _YEAR), frozenset({0, 1, 2})),
    _rir("lacnic", "https://ftp.lacnic.net/pub/stats/lacnic/"),
    _rir("ripencc", "https://ftp.ripe.net/pub/stats/ripencc/"),
    *(NpmFeed(f"ip-location-db-{stem}", kind, pkg, stem)
      for pkg, kind, stems in _ILDB for stem in stems),
    RisPeersFeed(),
)
"""Every discoverable series except the route collectors' RIBs (:mod:`.ribs`)."""
