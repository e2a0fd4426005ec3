"""Getting a public data file: from the mirror, from the cache, or by download.

A download (:mod:`crossroads.sources._download`) is written to a partial file beside its
final place, resumed by HTTP Range after a cut, checked against the publisher's size and
checksum, and renamed only once complete, so a later run never trusts a half or bad file.
The transport (an ``httpx.Client``, a local publisher tree) is injectable so tests never
need a network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

from crossroads.config import Settings
from crossroads.errors import DatasetMissingError
from crossroads.provenance import Provenance, sha256_file
from crossroads.sources import _download
from crossroads.sources._names import part_of, series_of
from crossroads.sources.index.documents import parse_md5
from crossroads.sources.index.transport import HttpTransport, Transport

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
    dump's UTC time) and ``collector``.
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
        """The series it belongs to (:func:`crossroads.sources._names.series_of`)."""
        return series_of(self.name)

    @property
    def part(self) -> str:
        """The part of its kind it covers (:func:`crossroads.sources._names.part_of`)."""
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
) -> Provenance:
    """Return the local path and provenance of ``spec``'s file.

    With a mirror configured the file is read from there (and must exist); otherwise the
    cache is used when it holds the file, else the file is downloaded into the cache
    through ``transport`` (default: HTTP with ``client``), resumably and checked against
    the publisher's size and checksum (:mod:`crossroads.sources._download`).
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
    if target.is_file():
        return Provenance(
            dataset=spec.name,
            source=spec.url,
            data_date=spec.data_date,
            sha256=sha256_file(target),
            retrieved_at=_mtime(target),
            path=str(target),
        )
    transport = transport or HttpTransport(client=client)
    local = transport.local(spec.url)
    if local is not None:
        return Provenance(spec.name, str(local), spec.data_date, sha256_file(local),
                          Provenance.now(), str(local))
    digest = _download.download(spec.url, target, transport=transport,
                                expect=expectation(spec, transport), progress=progress)
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
) -> str:
    """Fetch ``url`` to ``target`` (resumable, size-checked) and return its SHA-256."""
    return _download.download(url, target, transport=HttpTransport(client=client),
                              progress=progress)


def expectation(spec: DatasetSpec, transport: Transport) -> _download.Expect:
    """What the publisher says ``spec``'s file is: listed size, published MD5."""
    md5 = None
    if spec.checksum_url is not None:
        md5 = parse_md5(transport.document(spec.checksum_url), source=spec.checksum_url)
    return _download.Expect(size=spec.size, slack=spec.size_slack, md5=md5,
                            md5_decompressed=spec.checksum_decompressed,
                            md5_source=spec.checksum_url or "")


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)
