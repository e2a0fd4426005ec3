"""Short-lived DuckDB connections to the store file.

DuckDB lets one process write a database file, or many processes read it; connections are
therefore opened per operation and closed at once, read-only wherever nothing is written,
so the CLI and the web server can read side by side.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from crossroads.config import Settings
from crossroads.errors import CrossroadsError, DatasetMissingError
from crossroads.store._schema import DDL

__all__ = ["connect", "ensure_schema"]


@contextmanager
def connect(settings: Settings, *, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to ``settings.database``, closed on exit.

    Read-only on a store that does not exist yet raises :class:`DatasetMissingError`.
    """
    path = settings.database
    if read_only and not path.is_file():
        raise DatasetMissingError(
            f"no data loaded yet in {settings.data_dir}",
            hint="run `crossroads fetch` (with --mirror DIR when offline)",
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise CrossroadsError(
            f"cannot open the store {path}: {str(exc).splitlines()[0]}",
            hint="another crossroads process may be writing it (fetch); retry when it ends",
        ) from exc
    try:
        con.execute("SET enable_progress_bar = false")
        yield con
    finally:
        con.close()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create any missing table of the store."""
    for statement in DDL:
        con.execute(statement)
