"""Open a possibly compressed data file as a stream of bytes or text lines.

Compression is recognised by magic bytes, not by name (``.gz`` via python-isal, ``.bz2``
via indexed_bzip2, otherwise plain). A truncated or corrupt archive surfaces as a
:class:`~crossroads.errors.DataFormatError` naming the file, the line reached and the
compressed byte offset, never as a bare ``EOFError`` or ``OSError``.
"""

from __future__ import annotations

import bz2
import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, cast

from isal.igzip_lib import IsalError as _IsalError

from crossroads.errors import DataFormatError

__all__ = ["STREAM_ERRORS", "IsalError", "compression_of", "iter_lines", "open_binary", "read_all"]

IsalError = cast("type[Exception]", _IsalError)
"""python-isal's error class (its stub declares an instance of ``Exception``); also
``isal_zlib.error``."""

STREAM_ERRORS: tuple[type[BaseException], ...] = (
    EOFError, OSError, ValueError, RuntimeError, IsalError,
)
"""What the decompressors raise on a cut or damaged stream (python-isal's ``IsalError``
for a bad deflate block derives from none of the others)."""

_GZ = b"\x1f\x8b"
_BZ = b"BZh"


def compression_of(path: str | Path) -> str:
    """``"gzip"``, ``"bzip2"`` or ``"none"``, from the file's first bytes. A missing
    file, a directory or an unreadable file is a :class:`DataFormatError`."""
    try:
        with open(path, "rb") as f:
            head = f.read(3)
    except FileNotFoundError:
        raise DataFormatError(path, "file not found") from None
    except IsADirectoryError:
        raise DataFormatError(path, "is a directory, not a file") from None
    except OSError as exc:
        raise DataFormatError(path, f"cannot read the file: {exc.strerror or exc}") from None
    if head[:2] == _GZ:
        return "gzip"
    if head[:3] == _BZ:
        return "bzip2"
    return "none"


def open_binary(path: str | Path) -> BinaryIO:
    """A decompressing binary reader for ``path``."""
    path = Path(path)
    kind = compression_of(path)
    if kind == "gzip":
        from isal import igzip

        return cast(BinaryIO, igzip.open(path, "rb"))
    if kind == "bzip2":
        try:
            import indexed_bzip2

            return indexed_bzip2.open(str(path), parallelization=1)
        except ImportError:  # pragma: no cover - optional speed-up
            return bz2.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def read_all(path: str | Path) -> bytes:
    """The whole decompressed content; truncation becomes a :class:`DataFormatError`."""
    with open_binary(path) as f:
        try:
            return f.read()
        except STREAM_ERRORS as exc:
            raise DataFormatError(
                path, f"compressed stream is truncated or corrupt: {_reason(exc)}"
            ) from exc


def iter_lines(path: str | Path, *, chunk: int = 1 << 20) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line_number, line)`` pairs (1-based, without the newline) as bytes.

    Decompression happens in chunks, so memory stays bounded whatever the file size. A
    damaged archive raises after the last whole chunk, naming the first line not read and
    the decompressed byte offset reached.
    """
    lineno = 0
    done = 0
    tail = b""
    with open_binary(path) as raw:
        # BufferedReader reads any binary stream (typeshed asks for a RawIOBase)
        f = raw if hasattr(raw, "peek") else io.BufferedReader(
            raw, buffer_size=chunk)  # type: ignore[type-var]
        while True:
            try:
                block = f.read(chunk)
            except STREAM_ERRORS as exc:
                raise DataFormatError(
                    path,
                    f"compressed stream is truncated or corrupt ({lineno} whole lines and "
                    f"{done} decompressed bytes read before it): {_reason(exc)}",
                    line=lineno + 1,
                    offset=done,
                ) from exc
            if not block:
                break
            done += len(block)
            block = tail + block
            lines = block.split(b"\n")
            tail = lines.pop()
            for line in lines:
                lineno += 1
                yield lineno, line.rstrip(b"\r")
    if tail:
        yield lineno + 1, tail.rstrip(b"\r")


def _reason(exc: BaseException) -> str:
    """The decompressor's complaint, or a plain one where it gives none (indexed_bzip2
    reports a cut stream as a bare ``std::exception``)."""
    text = str(exc).strip()
    if not text or text == "std::exception":
        return "the stream ends early or one of its blocks is damaged"
    return text
