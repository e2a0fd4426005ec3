"""Getting a public data file: from the mirror, from the cache, or by download.

A download (:mod:`crossroads.sources.transfer`) is written to a partial file beside its
final place, resumed by HTTP Range after a cut, checked against the publisher's size and
checksum, and renamed only once complete, so a later run never trusts a half or bad file.
The transport (an ``httpx.Client``, a local publisher tree) is injectable so tests never
need a network.

Cached files are not trusted forever: each download's SHA-256 is kept beside it
(``<file>.sha256``) and a cache hit is hashed again and compared with it, and with the
catalogue's pinned checksum where one is known (``DatasetSpec.sha256``); a cached file that
differs is deleted and downloaded again, and a download that differs from a pinned
checksum is refused. ``refresh`` downloads again whatever the cache holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crossroads.atomic import atomic_path
from crossroads.config import Settings
from crossroads.errors import DatasetMissingError
from crossroads.provenance import Provenance, sha256_file
from crossroads.sources import transfer
from crossroads.sources.index.documents import parse_md5
from crossroads.sources.index.transport import HttpTransport, Transport
from crossroads.sources.names import part_of, series_of

if TYPE_CHECKING:  # annotations only: HttpTransport imports httpx (~70 ms) when it is used
    import httpx

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

    Discovery (:mod:`crossroads.sources.index`) fills in what the publisher's index says:
    ``size`` (± ``size_slack`` when the listing rounds it), ``published`` (the listing's
    time, or npm's publication time), ``checksum_url`` (a published ``.md5``; of the
    decompressed file when ``checksum_decompressed``), and for RIBs ``data_time`` (the
    dump's UTC time) and ``collector``. ``sha256`` pins the checksum of a dated file that
    never changes, where it is known: downloads and cached copies must match it.
    """

    name: str
    kind: str
    url: str
    mirror_path: str
    data_date: date
    optional: bool = False
    size: int | None = None
    size_slack: int = 0
    published: datetime | None = None
    checksum_url: str | None = None
    checksum_decompressed: bool = False
    data_time: datetime | None = None
    collector: str | None = None
    sha256: str | None = None

    @property
    def filename(self) -> str:
        """The file name the publisher gives it."""
        return Path(self.mirror_path).name

    @property
    def cache_name(self) -> str:
        """Its place under ``<cache>/<kind>/`` (RIBs of different collectors share names)."""
        return f"{self.collector}/{self.filename}" if self.collector else self.filename

    @property
    def series(self) -> str:
        """The series it belongs to (:func:`crossroads.sources.names.series_of`)."""
        return series_of(self.name)

    @property
    def part(self) -> str:
        """The part of its kind it covers (:func:`crossroads.sources.names.part_of`)."""
        return part_of(self.kind, self.name)


def in_mirror(spec: DatasetSpec, settings: Settings) -> bool:
    """Whether a mirror is configured and holds ``spec``'s file."""
    return settings.mirror is not None and (settings.mirror / spec.mirror_path).is_file()


def obtain(
    spec: DatasetSpec,
    settings: Settings,
    *,
    client: httpx.Client | None = None,
    transport: Transport | None = None,
    progress: ProgressFn | None = None,
    refresh: bool = False,
) -> Provenance:
    """Return the local path and provenance of ``spec``'s file.

    With a mirror configured the file is read from there (and must exist); otherwise the
    cache is used when it holds the file and the file still has the checksum it was
    downloaded with (and the pinned one, if any), else (or with ``refresh``) the file is
    downloaded into the cache through ``transport`` (default: HTTP with ``client``),
    resumably and checked against the publisher's size and checksum
    (:mod:`crossroads.sources.transfer`).
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
    target = settings.cache_dir / spec.kind / spec.cache_name
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
    transport = transport or HttpTransport(client=client)
    local = transport.local(spec.url)
    if local is not None:
        return Provenance(spec.name, str(local), spec.data_date, sha256_file(local),
                          Provenance.now(), str(local))
    digest = transfer.download(spec.url, target, transport=transport,
                                expect=expectation(spec, transport), progress=progress)
    _record(target, digest)
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
    """Fetch ``url`` to ``target`` (resumable, size-checked) and return its SHA-256, also
    recorded in ``<target>.sha256``; with ``expect`` a download of another SHA-256 is
    refused and nothing is kept."""
    digest = transfer.download(url, target, transport=HttpTransport(client=client),
                                progress=progress, expect=transfer.Expect(sha256=expect))
    _record(target, digest)
    return digest


def expectation(spec: DatasetSpec, transport: Transport) -> transfer.Expect:
    """What the publisher says ``spec``'s file is: listed size, published MD5."""
    md5 = None
    if spec.checksum_url is not None:
        md5 = parse_md5(transport.document(spec.checksum_url), source=spec.checksum_url)
    return transfer.Expect(size=spec.size, slack=spec.size_slack, md5=md5,
                            md5_decompressed=spec.checksum_decompressed,
                            md5_source=spec.checksum_url or "", sha256=spec.sha256)


def _sidecar(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _record(target: Path, digest: str) -> None:
    with atomic_path(_sidecar(target)) as tmp:
        tmp.write_text(digest + "\n", encoding="ascii")


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
        _record(target, digest)
    return good


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)
