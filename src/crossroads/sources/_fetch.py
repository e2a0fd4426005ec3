"""Getting a public data file: from the mirror, from the cache, or by download.

A download is written to a temporary file beside its final place and renamed only once it
is complete and its SHA-256 computed, so an interrupted download never leaves a half file
that a later run would trust. The HTTP client is injectable so tests never need a network.

Cached files are not trusted forever: each download's SHA-256 is kept beside it
(``<file>.sha256``) and a cache hit is hashed again and compared with it, and with the
catalogue's published checksum where one is pinned (``DatasetSpec.sha256``); a cached file
that differs is deleted and downloaded again. A download that differs from a pinned
checksum is refused. ``refresh`` downloads again whatever the cache holds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

from crossroads.atomic import atomic_path
from crossroads.config import Settings
from crossroads.errors import DatasetMissingError, DownloadError
from crossroads.provenance import Provenance, sha256_file

__all__ = ["DatasetSpec", "ProgressFn", "download", "in_mirror", "obtain"]

ProgressFn = Callable[[int, int | None], None]
"""Called as ``progress(bytes_done, bytes_total_or_None)``."""


@dataclass(frozen=True)
class DatasetSpec:
    """One public file: its name, public URL, path inside a mirror and data date.

    ``kind`` tells the store which reader parses it (``as-rel``, ``rir``, ``asn-ranges`` …).
    ``optional`` marks a file the reference mirror does not ship: a default ``fetch`` from
    a mirror that lacks it skips it with a note instead of failing (see
    :func:`crossroads.store.fetch`); without a mirror it is downloaded like any other.
    ``sha256``: the published file's checksum where it is fixed and known (a dated file
    that never changes); downloads and cached copies must match it.
    """

    name: str
    kind: str
    url: str
    mirror_path: str
    data_date: date
    optional: bool = False
    sha256: str | None = None

    @property
    def filename(self) -> str:
        """The file name the cache keeps it under."""
        return Path(self.mirror_path).name


def in_mirror(spec: DatasetSpec, settings: Settings) -> bool:
    """Whether a mirror is configured and holds ``spec``'s file."""
    return settings.mirror is not None and (settings.mirror / spec.mirror_path).is_file()


def obtain(
    spec: DatasetSpec,
    settings: Settings,
    *,
    client: httpx.Client | None = None,
    progress: ProgressFn | None = None,
    refresh: bool = False,
) -> Provenance:
    """Return the local path and provenance of ``spec``'s file.

    With a mirror configured the file is read from there (and must exist); otherwise the
    cache is used when it holds the file and the file still has the checksum it was
    downloaded with (and the pinned one, if any), else (or with ``refresh``) the file is
    downloaded into the cache.
    """
    if settings.mirror is not None:
        path = settings.mirror / spec.mirror_path
        if not path.is_file():
            raise DatasetMissingError(
                f"dataset {spec.name}: {path} not found in mirror {settings.mirror}",
                hint=(
                    f"put the file from {spec.url} there, or unset CROSSROADS_MIRROR / "
                    "--mirror to download it"
                    if spec.optional
                    else "check CROSSROADS_MIRROR / --mirror, or unset it to download"
                ),
            )
        if progress is not None:
            size = path.stat().st_size
            progress(size, size)
        return Provenance(
            dataset=spec.name,
            source=str(path),
            data_date=spec.data_date,
            sha256=sha256_file(path),
            retrieved_at=Provenance.now(),
            path=str(path),
        )
    target = settings.cache_dir / spec.kind / spec.filename
    if not refresh and target.is_file():
        digest = sha256_file(target)
        if _cached_ok(spec, target, digest):
            return Provenance(
                dataset=spec.name,
                source=spec.url,
                data_date=spec.data_date,
                sha256=digest,
                retrieved_at=_mtime(target),
                path=str(target),
            )
    digest = download(spec.url, target, client=client, progress=progress,
                      expect=spec.sha256)
    return Provenance(
        dataset=spec.name,
        source=spec.url,
        data_date=spec.data_date,
        sha256=digest,
        retrieved_at=Provenance.now(),
        path=str(target),
    )


def download(
    url: str,
    target: Path,
    *,
    client: httpx.Client | None = None,
    progress: ProgressFn | None = None,
    expect: str | None = None,
) -> str:
    """Stream ``url`` to ``target`` atomically and return its SHA-256, also written to
    ``<target>.sha256``.

    On any failure, or when the SHA-256 is not ``expect`` (if given), the temporary file
    is removed and :class:`DownloadError` raised.
    """
    own = client is None
    http = client or httpx.Client(follow_redirects=True, timeout=httpx.Timeout(60.0))
    h = hashlib.sha256()
    try:
        with atomic_path(target, fsync=True) as tmp, open(tmp, "wb") as out, http.stream(
            "GET", url
        ) as resp:
            if resp.status_code != 200:
                raise DownloadError(f"{url}: HTTP {resp.status_code}")
            total = resp.headers.get("content-length")
            expected = int(total) if total and total.isdigit() else None
            done = 0
            for chunk in resp.iter_raw(1 << 20):
                out.write(chunk)
                h.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, expected)
            if expected is not None and done != expected:
                raise DownloadError(f"{url}: got {done} of {expected} bytes")
            if expect is not None and h.hexdigest() != expect:
                raise DownloadError(
                    f"{url}: the file's SHA-256 is {h.hexdigest()}, not the published "
                    f"{expect}; nothing was kept",
                    hint="a proxy or mirror serves another file; retry, or use --mirror",
                )
    except httpx.HTTPError as exc:
        raise DownloadError(
            f"{url}: {exc.__class__.__name__}: {exc}",
            hint="no network? set CROSSROADS_MIRROR to a local mirror directory",
        ) from exc
    finally:
        if own:
            http.close()
    with atomic_path(_sidecar(target)) as tmp:
        tmp.write_text(h.hexdigest() + "\n", encoding="ascii")
    return h.hexdigest()


def _sidecar(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _cached_ok(spec: DatasetSpec, target: Path, digest: str) -> bool:
    """Whether the cached ``target`` (of SHA-256 ``digest``) is the file downloaded: it
    matches its recorded checksum and the pinned one. A file cached before checksums were
    recorded is trusted once (its checksum is recorded now) unless a pin says otherwise.
    A file that fails is removed, so it is downloaded again."""
    side = _sidecar(target)
    try:
        recorded: str | None = side.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        recorded = None
    good = digest == (recorded or digest) and digest == (spec.sha256 or digest)
    if not good:
        target.unlink(missing_ok=True)
        side.unlink(missing_ok=True)
    elif recorded is None:
        with atomic_path(side) as tmp:
            tmp.write_text(digest + "\n", encoding="ascii")
    return good


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)
