"""Loading datasets into the store: idempotent, and safe against a crash at any point.

One dataset is loaded in three steps:

1. parse the file with its kind's reader (:mod:`crossroads.store._readers`);
2. write each resulting table to a Parquet file named after the dataset and the file's
   SHA-256, through a temporary file that is fsynced and then renamed;
3. in **one** DuckDB transaction, delete the dataset's old rows, insert the new ones from
   the Parquet file(s) and replace its ``datasets`` row; then delete the superseded Parquet
   files. :func:`commit` does step 3 for several datasets in one transaction (``update``
   swaps a whole set of new snapshots in at once).

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

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from crossroads.atomic import atomic_path
from crossroads.config import Settings
from crossroads.errors import DataFormatError
from crossroads.provenance import Provenance
from crossroads.sources import DatasetSpec, obtain
from crossroads.sources.index.transport import Transport
from crossroads.store._asinfo import refresh_as_info
from crossroads.store._db import connect, ensure_schema
from crossroads.store._lock import store_lock
from crossroads.store._plan import plan_fetch, publisher_index, select_specs
from crossroads.store._readers import conform, read_kind
from crossroads.store._schema import DATA_TABLES

if TYPE_CHECKING:  # annotations only: HttpTransport imports httpx (~70 ms) when it is used
    import httpx

__all__ = [
    "MAX_DROP",
    "FetchProgress",
    "LoadResult",
    "LoadStatus",
    "Prepared",
    "commit",
    "fetch",
    "finish",
    "load_file",
    "prepare",
    "prune",
    "register",
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
    """What loading one dataset did (``skipped``: not fetched -- an optional file the
    mirror lacks, or nothing in force on the date; rows 0, ``note`` says why)."""

    name: str
    kind: str
    status: LoadStatus
    rows: int
    data_date: date
    source: str
    sha256: str
    seconds: float
    note: str = ""


@dataclass(frozen=True)
class Prepared:
    """A dataset parsed and written to Parquet, ready to be swapped in by :func:`commit`
    (``files`` empty and ``unchanged`` set when the store already holds these bytes)."""

    spec: DatasetSpec
    prov: Provenance
    files: dict[str, Path]
    rows: int
    started: float
    unchanged: bool = False


def fetch(
    settings: Settings,
    names: Sequence[str] = (),
    *,
    on: date | None = None,
    progress: FetchProgress | None = None,
    client: httpx.Client | None = None,
    transport: Transport | None = None,
    force: bool = False,
    refresh: bool = False,
) -> list[LoadResult]:
    """Obtain and load the datasets of :func:`crossroads.store._plan.plan_fetch` (the
    catalogue from a mirror; otherwise the publishers' snapshots in force on ``on``, the
    newest without it), then refresh ``as_info``. Stops at the first bad file; what was
    loaded before it stays loaded.

    ``client``/``transport`` reach the publishers (tests inject them); skipped datasets
    (an optional file the mirror lacks, a part with nothing on or before ``on``) come
    back with status ``skipped`` and a note. ``refresh`` downloads files again whatever
    the cache holds; ``force`` loads files that would lose most of a dataset (see the
    module doc).
    """
    index = publisher_index(settings, client=client, transport=transport)
    plan = plan_fetch(settings, names, on=on, index=index)
    via = transport or (index.transport if index is not None else None)
    results: list[LoadResult] = []
    with store_lock(settings):
        try:
            for item in plan.items:
                if item.spec is None or item.note:
                    results.append(_skipped(item.spec, item.kind, item.note))
                    continue
                cb = _bytes_progress(item.spec.name, progress)
                prov = obtain(item.spec, settings, client=client, transport=via, progress=cb,
                              refresh=refresh)
                results.append(load_file(settings, item.spec, prov, progress=progress,
                                         force=force))
        finally:
            finish(settings)
    return results


def finish(settings: Settings) -> None:
    """After loading: rebuild ``as_info`` if its inputs changed, drop orphan files."""
    with connect(settings, read_only=False) as con:
        ensure_schema(con)
        refresh_as_info(con)
        _remove_orphans(con, settings.parquet_dir)


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
    ready = prepare(settings, spec, prov, progress=progress, hook=hook, force=force)
    return commit(settings, [ready], progress=progress, hook=hook)[0]


def prepare(settings: Settings, spec: DatasetSpec, prov: Provenance, *,
            progress: FetchProgress | None = None, hook: Hook | None = None,
            force: bool = False) -> Prepared:
    """Steps 1 and 2 of the module doc: parse ``prov.path`` and write its Parquet files
    (nothing the store reads changes yet); a file losing most of the dataset is refused
    unless ``force``."""
    started = time.perf_counter()
    say = progress or (lambda *_args: None)
    with connect(settings, read_only=False) as con:
        ensure_schema(con)
        row = con.execute(
            "SELECT sha256, rows FROM datasets WHERE name = ?", [spec.name]
        ).fetchone()
    if row is not None and row[0] == prov.sha256:
        return Prepared(spec, prov, {}, int(row[1]), started, unchanged=True)
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
    (hook or (lambda _step: None))("parquet-written")
    return Prepared(spec, prov, files, rows, started)


def commit(settings: Settings, batch: Sequence[Prepared], *,
           progress: FetchProgress | None = None, hook: Hook | None = None
           ) -> list[LoadResult]:
    """Step 3 for every prepared dataset of ``batch`` in **one** transaction: the store
    reads all of the old ones until the commit and all of the new ones after it."""
    step = hook or (lambda _step: None)
    say = progress or (lambda *_args: None)
    fresh = [p for p in batch if not p.unchanged]
    for p in batch:
        if p.unchanged:
            say(p.spec.name, "unchanged", 1, 1)
    if fresh:
        for p in fresh:
            say(p.spec.name, "load", 0, None)
        with connect(settings, read_only=False) as con:
            _replace_in_transaction(con, fresh, settings.parquet_dir, step)
        step("committed")
        for p in fresh:
            say(p.spec.name, "loaded", 1, 1)
    return [_result(p.spec, p.prov, "unchanged" if p.unchanged else "loaded", p.rows,
                    p.started) for p in batch]


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


def prune(settings: Settings, names: Iterable[str]) -> list[str]:
    """Remove the datasets ``names`` (rows, ``datasets`` rows) in one transaction, then
    their Parquet files; returns the names that were loaded."""
    names = list(names)
    with connect(settings, read_only=False) as con:
        ensure_schema(con)
        present = [n for (n,) in con.execute(
            "SELECT name FROM datasets WHERE name IN (SELECT unnest(?::VARCHAR[]))", [names]
        ).fetchall()]
        if present:
            con.execute("BEGIN TRANSACTION")
            try:
                for name in present:
                    for table in _tables_of(con, name):
                        con.execute(f"DELETE FROM {table} WHERE dataset = ?", [name])
                    con.execute("DELETE FROM datasets WHERE name = ?", [name])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        _remove_orphans(con, settings.parquet_dir)
    return sorted(present)


def _replace_in_transaction(
    con: duckdb.DuckDBPyConnection,
    batch: Sequence[Prepared],
    root: Path,
    step: Hook,
) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        for p in batch:
            name = p.spec.name
            for table in _tables_of(con, name) | set(p.files):
                con.execute(f"DELETE FROM {table} WHERE dataset = ?", [name])
        step("rows-deleted")
        for p in batch:
            for table, path in p.files.items():
                cols = ", ".join(DATA_TABLES[table].column_names)
                con.execute(
                    f"INSERT INTO {table} ({cols}) SELECT {cols} FROM read_parquet(?)",
                    [str(path)],
                )
            register(con, p.spec, p.prov, [str(f.relative_to(root)) for f in p.files.values()],
                     p.rows)
        step("before-commit")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def register(con: duckdb.DuckDBPyConnection, spec: DatasetSpec, prov: Provenance,
             files: list[str], rows: int) -> None:
    """Replace ``spec``'s ``datasets`` row (inside the caller's transaction)."""
    con.execute("DELETE FROM datasets WHERE name = ?", [spec.name])
    con.execute(
        "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [spec.name, spec.kind, prov.source, prov.data_date, prov.sha256,
         _utc_naive(prov.retrieved_at), rows, _utc_naive(datetime.now(UTC)), files],
    )


def _tables_of(con: duckdb.DuckDBPyConnection, dataset: str) -> set[str]:
    """Data tables holding rows of ``dataset`` according to its ``datasets`` row (RIBs
    live in Parquet partitions only, not in tables)."""
    row = con.execute("SELECT files FROM datasets WHERE name = ?", [dataset]).fetchone()
    return {Path(f).parts[0] for f in row[0]} & set(DATA_TABLES) if row else set()


def _write_parquet(root: Path, table: str, dataset: str, sha256: str, data: pa.Table) -> Path:
    folder = root / table
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{dataset}.{sha256[:16]}.parquet"
    with atomic_path(final, fsync=True) as tmp:
        pq.write_table(data, tmp, compression="zstd")
    return final


def _remove_orphans(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    """Delete Parquet files (and temporaries) no ``datasets`` row refers to, and the
    RIB partition folders left empty."""
    if not root.is_dir():
        return
    live = {root / f for (f,) in con.execute("SELECT unnest(files) FROM datasets").fetchall()}
    for path in sorted(root.rglob("*"), key=lambda p: -len(p.parts)):
        if path.is_file() and path not in live:
            path.unlink(missing_ok=True)
        elif path.is_dir() and path.parent != root and not any(path.iterdir()):
            path.rmdir()


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


def _skipped(spec: DatasetSpec | None, kind: str, note: str) -> LoadResult:
    return LoadResult(
        name=spec.name if spec else kind,
        kind=spec.kind if spec else kind,
        status="skipped",
        rows=0,
        data_date=spec.data_date if spec else date.min,
        source=spec.url if spec else "",
        sha256="",
        seconds=0.0,
        note=note,
    )
