"""MRT routing archives (RFC 6396, RFC 8050) read into Arrow, without a Python object per route.

Public API: :func:`read_mrt`, :func:`iter_mrt_batches`, :func:`parse_mrt` (this package),
:func:`~crossroads.sources.mrt.ingest.parse_files` / ``ingest_files`` (Parquet, Dask) and the
path helpers in :mod:`crossroads.sources.mrt.paths`.
"""

from crossroads.sources.mrt.columns import SCHEMA
from crossroads.sources.mrt.reader import iter_mrt_batches, parse_mrt, read_mrt

__all__ = ["SCHEMA", "iter_mrt_batches", "parse_mrt", "read_mrt"]
