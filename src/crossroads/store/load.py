"""Loading datasets into the store: idempotent, and safe against a crash at any point.

One dataset is loaded in three steps:

1. parse the file with its kind's reader (:mod:`crossroads.store._readers`);
2. write each resulting table to a Parquet file named after the dataset and the file's
   SHA-256, through a temporary file that is fsynced and then renamed;
3. in **one** DuckDB transaction, delete the dataset's old rows, insert the new ones from
   the Parquet file(s) and replace its ``datasets`` row; then delete the superseded Parquet
   files.

A process killed during step 1 or 2 leaves at most an unreferenced file (removed by the
next fetch); killed during step 3, DuckDB discards the uncommitted transaction. Either way
the store reads exactly as before. A dataset whose SHA-256 equals the loaded one is
skipped, so re-running ``fetch`` never duplicates rows. Derived tables (``as_info``) are
rebuilt afterwards, in their own transaction, whenever their inputs changed; a process
killed between the two leaves ``as_info`` older than the datasets, which readers detect
(its input fingerprint) and refuse until the next ``fetch`` rebuilds it.

**No silent loss.** A file that parses into no rows, or into fewer than
``1 - MAX_DROP`` (half) of the rows of the same dataset loaded now, is refused before
anything is written (a truncated or emptied archive is still a valid archive); the loaded
version stays. ``force`` loads it anyway.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import duckdb
import httpx
import pyarrow as pa
import pyarrow.parquet as pq

from crossroads.atomic import atomic_path
from crossroads.config import Settings
from crossroads.errors import CrossroadsError, DataFormatError, DatasetMissingError
from crossroads.provenance import Provenance
from crossroads.sources import DatasetSpec, in_mirror, obtain
from crossroads.sources.catalog import CATALOG, DEFAULT_FETCH, in_force_on
from crossroads.store._asinfo import refresh_as_info
from crossroads.store._db import connect, ensure_schema
from crossroads.store._readers import conform, read_kind
from crossroads.store._schema import DATA_TABLES

__all__ = [
    "MAX_DROP", "FetchProgress", "LoadResult", "LoadStatus", "fetch", "load_file",
    "select_specs",
]

MAX_DROP = 0.5
"""The largest share of a loaded dataset's rows a reload may lose without ``force``."""

LoadStatus = Literal["loaded", "unchanged", "skipped"]

FetchProgress = Callable[[str, str, int, int | None], None]
"""Called as ``progress(dataset, phase, done, total)``; phase is ``fetch`` (bytes),
``parse``, ``write``, ``load``, ``loaded`` or ``unchanged``."""

Hook = Callable[[str], None]
"""Test seam: called with the name of each step (``parquet-written``, ``rows-deleted``,
``before-commit``, ``committed``) so a test can kill the process there."""


@dataclass(frozen=True)
class LoadResult:
    """What loading one dataset did (``skipped``: an optional file the mirror lacks; rows
    0, ``source`` its public URL, ``sha256`` empty, ``note`` says why)."""

    name: str
    kind: str
    status: LoadStatus
    rows: int
    data_date: date
    source: str
    sha256: str
    seconds: float
    note: str = ""


def select_specs(names: Sequence[str] = (), *, on: date | None = None) -> list[DatasetSpec]:
    """The catalogue entries to fetch: ``names`` (default: all), and with ``on`` only the
    AS-relationship snapshot in force on that date (the latest on or before it, see
    :func:`crossroads.sources.catalog.in_force_on`); other kinds are kept whatever ``on``."""
    known = {s.name: s for s in CATALOG}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise DatasetMissingError(
            f"unknown dataset {unknown[0]!r}",
            hint=f"known datasets: {', '.join(DEFAULT_FETCH)}",
        )
    specs = [known[n] for n in (names or DEFAULT_FETCH)]
    rels = [s for s in specs if s.kind == "as-rel"]
    if on is None or not rels:
        return specs
    keep = in_force_on(rels, on, what="selected AS-relationship snapshot")
    return [s for s in specs if s.kind != "as-rel" or s is keep]


def fetch(
    settings: Settings,
    names: Sequence[str] = (),
    *,
    on: date | None = None,
    progress: FetchProgress | None = None,
    client: httpx.Client | None = None,
    force: bool = False,
    refresh: bool = False,
) -> list[LoadResult]:
    """Obtain and load the selected datasets (see :func:`select_specs`), then refresh
    ``as_info``. Stops at the first bad file; what was loaded before it stays loaded.

    With a mirror and no ``names``, an ``optional`` entry the mirror lacks is not fetched:
    its result has status ``skipped`` and a note saying where the file would come from.
    Named explicitly, it must be in the mirror like any other. Without a mirror, files
    are taken from the cache or downloaded with ``client`` (default: a new httpx client);
    ``refresh`` downloads them again whatever the cache holds. ``force`` loads files that
    would lose most of a dataset (see the module doc).
    """
    specs = select_specs(names, on=on)
    results: list[LoadResult] = []
    with _fetch_lock(settings):
        try:
            for spec in specs:
                if spec.optional and not names and settings.mirror is not None \
                        and not in_mirror(spec, settings):
                    results.append(_skipped(spec, settings.mirror))
                    continue
                cb = _bytes_progress(spec.name, progress)
                prov = obtain(spec, settings, client=client, progress=cb, refresh=refresh)
                results.append(load_file(settings, spec, prov, progress=progress, force=force))
        finally:
            with connect(settings, read_only=False) as con:
                ensure_schema(con)
                refresh_as_info(con)
                _remove_orphans(con, settings.parquet_dir)
    return results


def load_file(
    settings: Settings,
    spec: DatasetSpec,
    prov: Provenance,
    *,
    progress: FetchProgress | None = None,
    hook: Hook | None = None,
    force: bool = False,
) -> LoadResult:
    """Load one obtained file (``prov.path``) as dataset ``spec.name``; see module doc."""
    started = time.perf_counter()
    step = hook or (lambda _step: None)
    say = progress or (lambda *_args: None)
    with connect(settings, read_only=False) as con:
        ensure_schema(con)
        row = con.execute(
            "SELECT sha256, rows FROM datasets WHERE name = ?", [spec.name]
        ).fetchone()
    if row is not None and row[0] == prov.sha256:
        say(spec.name, "unchanged", 1, 1)
        return _result(spec, prov, "unchanged", int(row[1]), started)

    say(spec.name, "parse", 0, None)
    tables = read_kind(spec.kind, Path(prov.path))
    if not force:
        _refuse_loss(spec, prov, sum(t.num_rows for t in tables.values()),
                     None if row is None else int(row[1]))
    say(spec.name, "write", 0, None)
    files = {
        name: _write_parquet(settings.parquet_dir, name, spec.name, prov.sha256, table)
        for name, table in ((n, conform(n, spec.name, t)) for n, t in tables.items())
    }
    rows = sum(pq.read_metadata(p).num_rows for p in files.values())
    step("parquet-written")
    say(spec.name, "load", 0, None)
    with connect(settings, read_only=False) as con:
        _replace_in_transaction(con, spec, prov, files, rows, settings.parquet_dir, step)
    step("committed")
    say(spec.name, "loaded", 1, 1)
    return _result(spec, prov, "loaded", rows, started)


def _refuse_loss(spec: DatasetSpec, prov: Provenance, rows: int, loaded: int | None) -> None:
    """Refuse a file of no rows, or one losing more than :data:`MAX_DROP` of ``loaded``."""
    keep = "the loaded version stays" if loaded else "nothing was loaded"
    if rows == 0:
        raise DataFormatError(
            prov.path, f"dataset {spec.name} parses into no rows (an empty or comments-only "
            f"file); {keep}", hint="check the file; `crossroads fetch --force` loads it anyway")
    if loaded and rows < (1 - MAX_DROP) * loaded:
        raise DataFormatError(
            prov.path, f"dataset {spec.name} would shrink from {loaded:,} to {rows:,} rows "
            f"(a loss of {1 - rows / loaded:.1%}, more than {MAX_DROP:.0%}); {keep}",
            hint="a truncated or wrong file? `crossroads fetch --force` loads it anyway")


def _replace_in_transaction(
    con: duckdb.DuckDBPyConnection,
    spec: DatasetSpec,
    prov: Provenance,
    files: dict[str, Path],
    rows: int,
    root: Path,
    step: Hook,
) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        for table in _tables_of(con, spec.name) | set(files):
            con.execute(f"DELETE FROM {table} WHERE dataset = ?", [spec.name])
        step("rows-deleted")
        for table, path in files.items():
            cols = ", ".join(DATA_TABLES[table].column_names)
            con.execute(
                f"INSERT INTO {table} ({cols}) SELECT {cols} FROM read_parquet(?)", [str(path)]
            )
        con.execute("DELETE FROM datasets WHERE name = ?", [spec.name])
        con.execute(
            "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                spec.name,
                spec.kind,
                prov.source,
                prov.data_date,
                prov.sha256,
                _utc_naive(prov.retrieved_at),
                rows,
                _utc_naive(datetime.now(UTC)),
                [str(p.relative_to(root)) for p in files.values()],
            ],
        )
        step("before-commit")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _tables_of(con: duckdb.DuckDBPyConnection, dataset: str) -> set[str]:
    """Data tables holding rows of ``dataset`` according to its ``datasets`` row."""
    row = con.execute("SELECT files FROM datasets WHERE name = ?", [dataset]).fetchone()
    return {Path(f).parts[0] for f in row[0]} if row else set()


def _write_parquet(root: Path, table: str, dataset: str, sha256: str, data: pa.Table) -> Path:
    folder = root / table
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{dataset}.{sha256[:16]}.parquet"
    with atomic_path(final, fsync=True) as tmp:
        pq.write_table(data, tmp, compression="zstd")
    return final


def _remove_orphans(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    """Delete Parquet files (and temporaries) no ``datasets`` row refers to."""
    if not root.is_dir():
        return
    live = {root / f for (f,) in con.execute("SELECT unnest(files) FROM datasets").fetchall()}
    for path in root.glob("*/*"):
        if path.is_file() and path not in live:
            path.unlink(missing_ok=True)


@contextmanager
def _fetch_lock(settings: Settings) -> Iterator[None]:
    """One fetch at a time per data directory (an advisory lock the OS drops on exit)."""
    if settings.data_dir.exists() and not settings.data_dir.is_dir():
        raise CrossroadsError(f"the data directory {settings.data_dir} is a file",
                              hint="give --data-dir a folder (it is created if missing)")
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CrossroadsError(f"cannot create the data directory {settings.data_dir}: "
                              f"{exc.strerror or exc}") from None
    with open(settings.data_dir / ".fetch.lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CrossroadsError(
                f"another crossroads fetch is running on {settings.data_dir}"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _utc_naive(when: datetime) -> datetime:
    """The store keeps timestamps as UTC without a zone (TIMESTAMP)."""
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def _bytes_progress(name: str, progress: FetchProgress | None) -> Callable[[int, int | None], None]:
    def cb(done: int, total: int | None) -> None:
        if progress is not None:
            progress(name, "fetch", done, total)

    return cb


def _result(
    spec: DatasetSpec, prov: Provenance, status: LoadStatus, rows: int, started: float
) -> LoadResult:
    return LoadResult(
        name=spec.name,
        kind=spec.kind,
        status=status,
        rows=rows,
        data_date=prov.data_date,
        source=prov.source,
        sha256=prov.sha256,
        seconds=time.perf_counter() - started,
    )


def _skipped(spec: DatasetSpec, mirror: Path) -> LoadResult:
    return LoadResult(
        name=spec.name,
        kind=spec.kind,
        status="skipped",
        rows=0,
        data_date=spec.data_date,
        source=spec.url,
        sha256="",
        seconds=0.0,
        note=f"not in mirror {mirror} (an optional dataset): put the file at "
        f"{spec.mirror_path} there, or fetch it with no mirror set to download it",
    )
