"""Discovery: what each publisher has, read from the publisher's own index.

Low-level pieces, importable from here: index formats (:mod:`.listing`,
:mod:`.documents`), transports (:mod:`.transport`), the index cache (:mod:`.cache`) and
dated-tree search (:mod:`.tree`). The publishers themselves are described in
:mod:`.feeds` and :mod:`.ribs`; :class:`crossroads.sources.index.discover.Index` is the
entry point (``Index(transport, cache).available("rir")``, ``.in_force("as-rel", on=…)``).
Those modules build :class:`~crossroads.sources._fetch.DatasetSpec` rows and are imported
by name, not from here, so that the download layer can use the transports without a cycle.
"""

from crossroads.sources.index.cache import IndexCache, Listing
from crossroads.sources.index.documents import (
    NpmRelease,
    RisCollector,
    parse_md5,
    parse_npm_packument,
    parse_rrc_info,
)
from crossroads.sources.index.listing import Entry, parse_listing
from crossroads.sources.index.transport import (
    Body,
    DirectoryTransport,
    HttpTransport,
    Transport,
    host_path,
)

__all__ = [
    "Body",
    "DirectoryTransport",
    "Entry",
    "HttpTransport",
    "IndexCache",
    "Listing",
    "NpmRelease",
    "RisCollector",
    "Transport",
    "host_path",
    "parse_listing",
    "parse_md5",
    "parse_npm_packument",
    "parse_rrc_info",
]
