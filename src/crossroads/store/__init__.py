"""The embedded store: DuckDB tables backed by per-dataset Parquet files.

Write side: :func:`fetch` (obtain + load catalogue datasets, refresh ``as_info``).
Read side: :func:`open_store` returns a :class:`Store` with short-lived read-only queries.
"""

from crossroads.store.load import FetchProgress, LoadResult, LoadStatus, fetch, load_file
from crossroads.store.queries import DatasetRecord, Store, open_store

__all__ = [
    "DatasetRecord",
    "FetchProgress",
    "LoadResult",
    "LoadStatus",
    "Store",
    "fetch",
    "load_file",
    "open_store",
]
