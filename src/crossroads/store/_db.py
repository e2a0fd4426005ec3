"""Short-lived DuckDB connections to the store file.

DuckDB lets one process write a database file, or many processes read it; connections are
therefore opened per operation and closed at once, read-only wherever nothing is written,
so the CLI and the web server can read side by side.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from crossroads.config import Settings
from crossroads.errors import BusyError, CrossroadsError, DatasetMissingError
from crossroads.store._schema import DDL

__all__ = ["LOCK_WAIT_SECONDS", "connect", "ensure_schema", "lock_holder"]

LOCK_WAIT_SECONDS = float(os.environ.get("CROSSROADS_LOCK_WAIT", "") or 10.0)
"""How long opening the store waits for another process's lock (retrying with backoff
from 50 ms to 1 s) before giving up with :class:`~crossroads.errors.BusyError`; 10 s, or
``CROSSROADS_LOCK_WAIT`` seconds."""

_DAMAGE = re.compile(r"corrupt|checksum|not a valid DuckDB|serializ", re.IGNORECASE)


@contextmanager
def connect(
    settings: Settings, *, read_only: bool = True, wait: float = LOCK_WAIT_SECONDS,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to ``settings.database``, closed on exit.

    Read-only on a store that does not exist yet raises :class:`DatasetMissingError`. While
    another process holds the file's lock (a ``fetch`` writing, or readers while this one
    writes) the open is retried for up to ``wait`` seconds, then :class:`BusyError` names
    the process holding it. A damaged file is one :class:`CrossroadsError` line.
    """
    path = settings.database
    if settings.data_dir.exists() and not settings.data_dir.is_dir():
        raise CrossroadsError(f"the data directory {settings.data_dir} is a file",
                              hint="give --data-dir a folder (it is created if missing)")
    if read_only and not path.is_file():
        raise DatasetMissingError(
            f"no data loaded yet in {settings.data_dir}",
            hint="run `crossroads fetch` (with --mirror DIR when offline)",
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only, wait)
    try:
        con.execute("SET enable_progress_bar = false")
        yield con
    except duckdb.Error as exc:
        if _DAMAGE.search(str(exc)):
            raise _damaged(path, exc) from exc
        raise
    finally:
        con.close()


def _open(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            text = str(exc)
            if not re.search(r"could not set lock|conflicting lock", text, re.IGNORECASE):
                raise _damaged(path, exc) from exc
            if time.monotonic() >= deadline:
                raise BusyError(
                    f"the store {path} is locked by another process (waited {wait:.0f} s)",
                    hint=lock_holder(text) + "; retry when it ends",
                    retry_after=max(1, round(wait)),
                ) from exc
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(2 * delay, 1.0)


def _damaged(path: Path, exc: Exception) -> CrossroadsError:
    return CrossroadsError(
        f"the store {path} is damaged or not a DuckDB file: {str(exc).splitlines()[0]}",
        hint=f"move it away and run `crossroads fetch` to rebuild it (the Parquet files in "
        f"{path.parent / 'parquet'} are not needed for that)",
    )


def lock_holder(message: str) -> str:
    """Who holds the lock, from DuckDB's message ("... held in /usr/bin/python3 (PID 123)
    ...") and, on Linux, that process's command line.

    >>> lock_holder("Conflicting lock is held in /bin/x (PID 0) by user u")
    'held by PID 0 (/bin/x)'
    """
    found = re.search(r"held in (\S+) \(PID (\d+)\)", message)
    if found is None:
        return "held by another process (a `crossroads fetch`?)"
    program, pid = found.group(1), found.group(2)
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        command = " ".join(part.decode("utf-8", "replace") for part in raw.split(b"\0") if part)
    except OSError:
        command = ""
    return f"held by PID {pid} ({command[:200] or program})"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create any missing table of the store."""
    for statement in DDL:
        con.execute(statement)
