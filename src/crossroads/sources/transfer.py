"""Resumable, checked downloads: streamed to disk, resumed by HTTP Range, verified, renamed.

A file is downloaded into ``.<name>.partial`` beside its final place, with a small
``.<name>.partial.json`` recording the URL and the server's validator (ETag or
Last-Modified). If the connection drops, the next attempt -- in the same call (up to
``retries`` times) or in a later run -- asks for the rest with ``Range: bytes=<have>-``
and ``If-Range: <validator>``: a server whose file changed meanwhile sends it whole, so
old and new bytes are never spliced.

Once the body is complete it is checked, in this order, and only then renamed into place:

1. **size** -- the byte count equals the ``Content-Length``/``Content-Range`` total and,
   when the publisher's listing gave one, the listed size (within its rounding slack);
2. **published checksum** -- where the publisher has one (the RIRs' ``.md5`` files), the
   MD5 of the file, or of its decompressed content when the ``.md5`` names the
   uncompressed file, must match.

A failed check deletes the partial file: a bad file is never renamed, so it is never
loaded and whatever was loaded before stays. :func:`bounded` runs several downloads at
once (at most ``workers``).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from crossroads.atomic import promote
from crossroads.errors import DownloadError
from crossroads.sources._open import open_binary
from crossroads.sources.index.transport import Transport

__all__ = ["Expect", "bounded", "download"]

ProgressFn = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Expect:
    """What the publisher says the file should be: its listed size (± ``slack``), the hex
    MD5 it publishes (of the decompressed content when ``md5_decompressed``), and a pinned
    SHA-256 where the file is dated and its checksum known."""

    size: int | None = None
    slack: int = 0
    md5: str | None = None
    md5_decompressed: bool = False
    md5_source: str = ""
    sha256: str | None = None


def _partial(target: Path) -> tuple[Path, Path]:
    part = target.with_name(f".{target.name}.partial")
    return part, part.with_name(part.name + ".json")


def download(url: str, target: Path, *, transport: Transport, expect: Expect = Expect(),
             progress: ProgressFn | None = None, retries: int = 2) -> str:
    """Fetch ``url`` into ``target`` (see module doc) and return its SHA-256.

    Raises :class:`DownloadError` when the publisher fails after ``retries`` resumed
    attempts (the partial file stays for the next run) or a check fails (it is deleted).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    part, meta = _partial(target)
    validator = _resume_point(part, meta, url)
    attempt = 0
    while True:
        try:
            total = _fetch_into(url, part, meta, transport, validator, progress)
            break
        except DownloadError as exc:
            if attempt >= retries or not getattr(exc, "retryable", True):
                raise
            attempt += 1
            time.sleep(0.2 * attempt)
            validator = _resume_point(part, meta, url)
    try:
        _check(url, part, total, expect)
        digest = _sha256(part)
        if expect.sha256 is not None and digest != expect.sha256:
            raise DownloadError(
                f"{url}: the file's SHA-256 is {digest}, not the published {expect.sha256}; "
                "nothing was kept",
                hint="a proxy or mirror serves another file; retry, or use --mirror")
    except DownloadError:
        part.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)
        raise
    promote(part, target, fsync=True)
    meta.unlink(missing_ok=True)
    return digest


def _resume_point(part: Path, meta: Path, url: str) -> str | None:
    """The validator to resume ``part`` with, or None after clearing a stale partial."""
    if part.is_file() and meta.is_file():
        try:
            doc = json.loads(meta.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            doc = {}
        if doc.get("url") == url:
            return doc.get("validator") or ""
    part.unlink(missing_ok=True)
    meta.unlink(missing_ok=True)
    return None


def _fetch_into(url: str, part: Path, meta: Path, transport: Transport,
                validator: str | None, progress: ProgressFn | None) -> int | None:
    """Append the rest of ``url`` to ``part``; returns the whole file's size if known."""
    have = part.stat().st_size if part.is_file() and validator is not None else 0
    with transport.open(url, start=have, validator=validator or None) as body:
        mode = "r+b" if body.start and part.is_file() else "wb"
        meta.write_text(json.dumps({"url": url, "validator": body.validator}), encoding="utf-8")
        with open(part, mode) as out:
            out.seek(body.start)
            out.truncate()
            done = body.start
            for chunk in body.chunks:
                out.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, body.total)
        if body.total is not None and done != body.total:
            err = DownloadError(f"{url}: the connection ended after {done:,} of "
                                f"{body.total:,} bytes")
            err.retryable = True  # type: ignore[attr-defined]
            raise err
        return body.total if body.total is not None else done


def _check(url: str, part: Path, total: int | None, expect: Expect) -> None:
    size = part.stat().st_size
    if total is not None and size != total:
        raise DownloadError(f"{url}: got {size:,} of {total:,} bytes")
    if expect.size is not None and abs(size - expect.size) > expect.slack:
        listed = f"{expect.size:,}" + (f" ± {expect.slack:,}" if expect.slack else "")
        raise DownloadError(f"{url}: size mismatch: {size:,} bytes, the publisher's "
                            f"listing says {listed}")
    if expect.md5 is not None:
        got = _md5(part, decompressed=expect.md5_decompressed)
        if got != expect.md5:
            what = "decompressed content" if expect.md5_decompressed else "file"
            raise DownloadError(
                f"{url}: checksum mismatch: MD5 of the {what} is {got}, the publisher's "
                f"{expect.md5_source or 'checksum'} says {expect.md5}",
                hint="the file was deleted and nothing was loaded; run again later")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _md5(path: Path, *, decompressed: bool) -> str:
    h = hashlib.md5(usedforsecurity=False)
    try:
        with (open_binary(path) if decompressed else open(path, "rb")) as f:
            while block := f.read(1 << 20):
                h.update(block)
    except (OSError, EOFError, ValueError, RuntimeError) as exc:
        raise DownloadError(f"{path}: cannot decompress to check its MD5: {exc}") from exc
    return h.hexdigest()


T = TypeVar("T")
R = TypeVar("R")


def bounded(fn: Callable[[T], R], items: Sequence[T], *, workers: int = 4) -> list[R]:
    """``[fn(x) for x in items]`` with at most ``workers`` running at once (threads: the
    work is waiting on the network). Every call runs to its end -- a finished download is
    kept for the next run even when another fails -- then the first failure is raised."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(fn, x) for x in items]
    for f in futures:
        if f.exception() is not None:
            raise f.exception()  # type: ignore[misc]
    return [f.result() for f in futures]
