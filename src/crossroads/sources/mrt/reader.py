"""Read MRT files into Arrow record batches, streaming, with damage reported by byte offset.

``parse_mrt(data)`` parses bytes already in memory; ``read_mrt(path)`` and
``iter_mrt_batches(path)`` decompress the file (gzip through python-isal's streaming
inflater, bzip2 through indexed_bzip2, by magic bytes) in bounded chunks and hand whole
records to the record walker (:mod:`._backends`). Memory stays bounded by the chunk size
plus one output batch.

Damage policy (after bgpkit-parser's recovery iterator): every whole record before the
damage is parsed and yielded; then a :class:`~crossroads.errors.DataFormatError` names the
file, the decompressed byte offset and the 0-based number of the first damaged record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from crossroads.errors import DataFormatError
from crossroads.sources._open import STREAM_ERRORS, IsalError, compression_of, open_binary
from crossroads.sources.mrt._backends import ERRORS, KernelName, kernels
from crossroads.sources.mrt._buffers import C_ROWS, new_out, new_peers, new_scratch
from crossroads.sources.mrt.columns import SCHEMA, to_record_batch

__all__ = ["iter_mrt_batches", "parse_mrt", "read_mrt"]

CHUNK_BYTES = 1 << 21  # decompressed bytes handed to the walker at a time (fits in cache)
BATCH_ROWS = 1 << 18  # routes per record batch
_READ = 1 << 20  # compressed bytes per read
MAX_VALUES = 1 << 27  # AS path members one record may expand to (bounds memory)
OnRead = Callable[[int], None] | None


def _gzip_chunks(path: Path, size: int, on_read: OnRead) -> Iterator[bytes]:
    """Decompressed gzip members; raises DataFormatError after yielding what was readable."""
    from isal import isal_zlib

    parts: list[bytes] = []
    held = 0
    fed = False  # bytes were fed to the current member's inflater
    with open(path, "rb") as f:
        d = isal_zlib.decompressobj(31)
        while raw := f.read(_READ):
            if on_read is not None:
                on_read(f.tell())
            while raw:
                try:
                    out = d.decompress(raw)
                except IsalError as exc:
                    if parts:
                        yield b"".join(parts)
                    raise DataFormatError(path, f"gzip stream is corrupt: {exc}") from exc
                fed = True
                parts.append(out)
                held += len(out)
                raw = b""
                if d.eof:  # a member ended; the rest may start another one
                    raw = d.unused_data
                    d = isal_zlib.decompressobj(31)
                    fed = False
            if held >= size:
                yield b"".join(parts)
                parts, held = [], 0
    if parts:
        yield b"".join(parts)
    if fed:
        raise DataFormatError(path, "gzip stream is truncated (it ends inside a member)")


def _other_chunks(path: Path, size: int, on_read: OnRead) -> Iterator[bytes]:
    parts: list[bytes] = []
    held = 0
    with open_binary(path) as f:
        while True:
            try:
                block = f.read(_READ)
            except STREAM_ERRORS as exc:
                if parts:
                    yield b"".join(parts)
                raise DataFormatError(
                    path, f"compressed stream is truncated or corrupt: {exc}"
                ) from exc
            if not block:
                break
            parts.append(block)
            held += len(block)
            if held >= size:
                yield b"".join(parts)
                parts, held = [], 0
    if parts:
        yield b"".join(parts)
    if on_read is not None:
        on_read(path.stat().st_size)


def _chunks(path: Path, size: int, on_read: OnRead = None) -> Iterator[bytes]:
    if compression_of(path) == "gzip":
        return _gzip_chunks(path, size, on_read)
    return _other_chunks(path, size, on_read)


def _batches(
    chunks: Iterable[bytes], name: str | Path, collector: str | None, batch_rows: int,
    kernel: KernelName = "auto",
) -> Iterator[pa.RecordBatch]:
    k = kernels(kernel)
    walk = k.walk
    sc = new_scratch()
    peers = new_peers()
    status = np.zeros(3, np.int64)
    rows, vals = batch_rows, 12 * batch_rows
    out = new_out(rows, vals)
    carry = b""
    base = 0  # decompressed offset of carry[0]
    rec = 0
    stream_error: DataFormatError | None = None
    it = iter(chunks)
    while True:
        try:
            chunk = next(it, None)
        except DataFormatError as exc:
            stream_error, chunk = exc, None
        buf = carry + chunk if chunk else carry
        arr = np.frombuffer(buf, np.uint8)
        pos = 0
        while True:
            walk(arr, pos, rec, out, sc, peers, status)
            code, pos, rec = (int(x) for x in status)
            if code == -1:  # buffers full: emit, or grow when one record does not fit
                if out.cnt[C_ROWS] == 0:
                    rows, vals = rows * 2, vals * 4
                    if vals > MAX_VALUES:
                        raise DataFormatError(
                            name, f"MRT record {rec} expands to more than {MAX_VALUES:,} AS "
                            "path members; refusing to allocate", offset=base + pos)
                else:
                    yield to_record_batch(out, peers, collector, k)
                out = new_out(rows, vals)
                continue
            if code > 0:
                if out.cnt[C_ROWS]:
                    yield to_record_batch(out, peers, collector, k)
                raise DataFormatError(
                    name,
                    f"MRT record {rec} is damaged: {ERRORS.get(code, f'error {code}')}; "
                    f"the {rec} whole records before it were read",
                    offset=base + pos,
                    hint="the byte offset counts decompressed bytes from the file's start",
                )
            break
        carry = buf[pos:]
        base += pos
        if chunk is None:
            break
    if out.cnt[C_ROWS]:
        yield to_record_batch(out, peers, collector, k)
    if carry or stream_error is not None:
        why = f"{stream_error.problem}; " if stream_error is not None else ""
        raise DataFormatError(
            name,
            f"{why}MRT record {rec} is truncated ({len(carry)} bytes of it present); "
            f"the {rec} whole records before it were read",
            offset=base,
            hint="the byte offset counts decompressed bytes from the file's start",
        )


def iter_mrt_batches(
    path: str | Path, *, collector: str | None = None, batch_rows: int = BATCH_ROWS,
    on_read: OnRead = None,
) -> Iterator[pa.RecordBatch]:
    """Record batches of :data:`~crossroads.sources.mrt.columns.SCHEMA` from an MRT file.

    ``on_read`` is called with the count of compressed bytes read so far (for progress).
    Raises :class:`DataFormatError` (after yielding every whole record) on damage.
    """
    path = Path(path)
    return _batches(_chunks(path, CHUNK_BYTES, on_read), path, collector, batch_rows)


def parse_mrt(
    data: bytes, *, collector: str | None = None, name: str = "<bytes>",
    batch_rows: int = BATCH_ROWS,
) -> pa.Table:
    """All routes of decompressed MRT ``data`` as one table (raises on damage)."""
    return pa.Table.from_batches(list(_batches([data], name, collector, batch_rows)), SCHEMA)


def read_mrt(path: str | Path, *, collector: str | None = None) -> pa.Table:
    """All routes of an MRT file (gzip, bzip2 or plain) as one table (raises on damage)."""
    return pa.Table.from_batches(list(iter_mrt_batches(path, collector=collector)), SCHEMA)
