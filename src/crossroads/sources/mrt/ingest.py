"""MRT files to Parquet: one file at a time (:func:`parse_files`) or many in parallel on Dask.

Each input ``X`` becomes ``OUT/X.parquet`` (schema :data:`~crossroads.sources.mrt.SCHEMA`),
written to a temporary name (``.X.parquet.*.part``, which ``OUT/*.parquet`` never matches)
and renamed into place, so a reader never sees half a file. A damaged input still gets its
whole records written, but as ``OUT/X.partial.parquet`` whose Parquet metadata
``crossroads:damage`` says what was wrong and where; the damage (file, decompressed byte
offset, record number) is also returned in :class:`ParseResult` and, once every file is
done, raised as one :class:`~crossroads.errors.CrossroadsError`. A missing input, or a
directory, writes nothing.

:func:`ingest_files` sends one task per file to a Dask distributed scheduler (a
``LocalCluster`` of single-threaded worker processes when none is given); workers report
compressed bytes read through a distributed ``Queue`` so the caller can draw a progress bar
per file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from crossroads._dask import dask_client
from crossroads.atomic import atomic_path
from crossroads.errors import CrossroadsError, DataFormatError
from crossroads.sources.mrt.columns import SCHEMA
from crossroads.sources.mrt.reader import iter_mrt_batches

__all__ = ["DAMAGE_KEY", "ParseResult", "drain_queue", "ingest_files", "parse_file",
           "parse_files"]

DAMAGE_KEY = "crossroads:damage"
"""Parquet key-value metadata of a partial output: the damage found in its input."""

Progress = Callable[[str, int, int], None]  # (file name, bytes done, bytes total)


@dataclass(frozen=True)
class ParseResult:
    """What one MRT file produced."""

    source: str
    parquet: str
    routes: int
    seconds: float
    damage: str | None = None


def _output_path(src: Path, out_dir: Path, *, partial: bool = False) -> Path:
    return out_dir / f"{src.name}.{'partial.' if partial else ''}parquet"


def parse_file(
    path: str | Path, out_dir: str | Path, *, collector: str | None = None,
    progress: Progress | None = None,
) -> ParseResult:
    """Parse one MRT file to ``out_dir/<name>.parquet`` atomically; damage is returned and
    the whole records of a damaged file go to ``<name>.partial.parquet`` instead."""
    src, out_dir = Path(path), Path(out_dir)
    if not src.is_file():
        problem = "is a directory, not an MRT file" if src.is_dir() else "file not found"
        raise DataFormatError(src, problem)
    out_dir.mkdir(parents=True, exist_ok=True)
    dest = _output_path(src, out_dir)
    total = src.stat().st_size
    t0 = time.perf_counter()
    rows = 0
    damage: str | None = None
    last = [0.0]

    def on_read(done: int) -> None:
        now = time.monotonic()
        if progress is not None and now - last[0] > 0.2:
            last[0] = now
            progress(src.name, done, total)

    partial = _output_path(src, out_dir, partial=True)
    with atomic_path(partial, temp_suffix=".part") as tmp:
        writer = pq.ParquetWriter(tmp, SCHEMA, compression="zstd")
        try:
            for batch in iter_mrt_batches(src, collector=collector, on_read=on_read):
                writer.write_batch(batch)
                rows += batch.num_rows
        except DataFormatError as exc:
            damage = str(exc)  # the whole records before the damage are kept, marked
            writer.add_key_value_metadata({DAMAGE_KEY: damage})
        finally:
            writer.close()
    if damage is None:
        os.replace(partial, dest)  # whole: the final name (an older X.parquet stays if not)
    else:
        dest = partial
    if progress is not None:
        progress(src.name, total, total)
    return ParseResult(str(src), str(dest), rows, time.perf_counter() - t0, damage)


def _raise_damage(results: Sequence[ParseResult]) -> None:
    bad = [r for r in results if r.damage]
    if bad:
        more = f" (and {len(bad) - 1} more damaged files)" if len(bad) > 1 else ""
        raise CrossroadsError(
            f"{bad[0].damage}{more}; its whole records were written to {bad[0].parquet} "
            f"(metadata {DAMAGE_KEY!r})"
        )


def parse_files(
    paths: Sequence[str | Path], out_dir: str | Path, *, collector: str | None = None,
    progress: Progress | None = None,
) -> list[ParseResult]:
    """Parse files one after the other in this process; raises after all if any was damaged."""
    results = [parse_file(p, out_dir, collector=collector, progress=progress) for p in paths]
    _raise_damage(results)
    return results


def _task(path: str, out_dir: str, collector: str | None, queue_name: str | None) -> ParseResult:
    """Run on a worker: parse one file and post progress to the client's queue."""
    report: Progress | None = None
    if queue_name is not None:
        from distributed import Queue

        queue = Queue(queue_name)

        def report(name: str, done: int, total: int) -> None:
            queue.put((name, done, total))

    return parse_file(path, out_dir, collector=collector, progress=report)


def ingest_files(
    paths: Sequence[str | Path], out_dir: str | Path, *, scheduler: str | None = None,
    workers: int | None = None, collector: str | None = None,
    progress: Progress | None = None,
) -> list[ParseResult]:
    """Parse many files in parallel on Dask distributed (``scheduler`` like tcp://host:8786).

    Without ``scheduler`` a LocalCluster of ``workers`` single-threaded processes (default:
    the CPU count) is started and closed. Output paths must be visible to every worker.
    Raises after all files are done if any was damaged.
    """
    from distributed import Queue, wait

    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with dask_client(scheduler, workers=workers) as client:
        qname = f"crossroads-mrt-{os.getpid()}-{time.time_ns()}" if progress else None
        queue = Queue(qname, client=client) if qname else None
        futures = [
            client.submit(_task, str(Path(p).resolve()), str(out_dir), collector, qname,
                          key=f"mrt-{i}-{Path(p).name}", pure=False)
            for i, p in enumerate(paths)
        ]
        while queue is not None and not all(f.done() for f in futures):
            drain_queue(queue, progress)
        wait(futures)
        if queue is not None:
            drain_queue(queue, progress, timeout=0.2)
        results = client.gather(futures)
    _raise_damage(results)
    return list(results)


def drain_queue(queue: object, progress: Progress | None, timeout: float = 0.5) -> None:
    """Hand the ``(name, done, total)`` triples workers posted to ``queue`` to
    ``progress`` (waits up to ``timeout`` seconds for the first)."""
    try:
        items = queue.get(timeout=timeout, batch=True)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a timeout only means nothing was posted
        time.sleep(0.05)
        return
    for name, done, total in items or []:
        if progress is not None:
            progress(name, done, total)
