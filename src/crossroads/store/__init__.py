"""The embedded store: DuckDB tables backed by per-dataset Parquet files.

Write side: :func:`fetch` (obtain + load datasets, refresh ``as_info``), :func:`fetch_ribs`
(route-collector RIBs by date and collector), :func:`update` (follow the publishers).
Read side: :func:`open_store` returns a :class:`Store` with short-lived read-only queries;
:func:`available` lists what the publishers have.
"""

from crossroads.store._plan import available
from crossroads.store._results import Cached, cached, code_version, datasets_key, prune
from crossroads.store.load import FetchProgress, LoadResult, LoadStatus, fetch, load_file
from crossroads.store.queries import DatasetRecord, Store, open_store
from crossroads.store.ribs import RibRecord, fetch_ribs
from crossroads.store.update import UpdateResult, update

__all__ = [
    "Cached",
    "DatasetRecord",
    "FetchProgress",
    "LoadResult",
    "LoadStatus",
    "RibRecord",
    "Store",
    "UpdateResult",
    "available",
    "cached",
    "code_version",
    "datasets_key",
    "fetch",
    "fetch_ribs",
    "load_file",
    "open_store",
    "prune",
    "update",
]
