"""How discovery and downloads reach a publisher: over HTTP, or in a local copy of its tree.

Both transports take the publisher's public URL (``https://data.ris.ripe.net/rrc00/``) and
answer the same three questions: the entries of a directory (:meth:`listing`), the bytes
of an index document (:meth:`document`) and a file's bytes from an offset on
(:meth:`open`), so discovery code never knows which one it talks to.

* :class:`HttpTransport` asks the publisher (an injectable ``httpx.Client``). With
  ``base`` set, ``https://HOST/PATH`` is asked of ``BASE/HOST/PATH`` instead: one local
  server (tests, a lab mirror) stands in for every publisher.
* :class:`DirectoryTransport` reads a mirror laid out as ``ROOT/HOST/PATH`` (what
  ``wget --mirror`` writes). A directory's listing is the publisher's own page when the
  mirror kept it (``index.html`` from HTTP, ``.listing`` from FTP), read by the same parser
  as a live page; otherwise the directory itself.

Failures are :class:`~crossroads.errors.DownloadError` with one line naming the URL and
what went wrong (HTTP status, time-out, refused connection).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlsplit

from crossroads.errors import DownloadError
from crossroads.sources.index.listing import Entry, parse_listing

if TYPE_CHECKING:  # imported where a request is made: httpx and ssl cost ~70 ms, and
    import httpx  # every process that reads the store imports this module

__all__ = ["Body", "DirectoryTransport", "HttpTransport", "Transport", "host_path"]

_CHUNK = 1 << 20


@dataclass
class Body:
    """An open file body: ``start`` is where its bytes begin (0 unless a range was
    granted), ``total`` the whole file's size when known, ``validator`` what identifies
    this version of the file (ETag or Last-Modified) for a later resume."""

    chunks: Iterator[bytes]
    start: int
    total: int | None
    validator: str | None = None


class Transport(Protocol):
    """What discovery and downloads need of a publisher."""

    def listing(self, url: str) -> list[Entry]: ...

    def document(self, url: str) -> bytes: ...

    def open(self, url: str, *, start: int = 0, validator: str | None = None
             ) -> AbstractContextManager[Body]: ...

    def local(self, url: str) -> Path | None: ...


def host_path(url: str) -> str:
    """``HOST/PATH`` of a public URL, percent-decoded: its place in a mirror tree.

    >>> host_path("https://registry.npmjs.org/@ip-location-db%2Fasn")
    'registry.npmjs.org/@ip-location-db/asn'
    """
    parts = urlsplit(url)
    return f"{parts.netloc}/{unquote(parts.path).lstrip('/')}"


@dataclass
class HttpTransport:
    """Publishers over HTTP(S). ``client`` is created on first use unless given (tests
    inject one); ``timeout`` is per connect/read in seconds."""

    base: str | None = None
    timeout: float = 60.0
    client: httpx.Client | None = field(default=None, repr=False)

    def __getstate__(self) -> dict[str, object]:  # a client does not travel to Dask workers
        return {"base": self.base, "timeout": self.timeout, "client": None}

    def _http(self) -> httpx.Client:
        import httpx

        if self.client is None:
            self.client = httpx.Client(
                follow_redirects=True, timeout=httpx.Timeout(self.timeout),
                headers={"User-Agent": "crossroads (+https://github.com/crossroads)"},
            )
        return self.client

    def where(self, url: str) -> str:
        """The URL actually asked (``base`` applied)."""
        if self.base is None:
            return url
        return f"{self.base.rstrip('/')}/{host_path(url)}"

    def _get(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
        import httpx

        try:
            resp = self._http().get(self.where(url), headers=headers)
        except httpx.HTTPError as exc:
            raise _failure(url, exc, self.timeout) from exc
        if resp.status_code != 200:
            raise _status(url, resp)
        return resp

    def listing(self, url: str) -> list[Entry]:
        """The entries of the directory page at ``url``."""
        text = self._get(url).text
        return parse_listing(text, base_path=urlsplit(url).path, now=datetime.now(UTC))

    def document(self, url: str) -> bytes:
        """The bytes of the index document at ``url`` (full npm metadata: JSON accepted)."""
        return self._get(url, {"Accept": "application/json"}).content

    @contextmanager
    def open(self, url: str, *, start: int = 0, validator: str | None = None
             ) -> Iterator[Body]:
        """Stream ``url`` from byte ``start`` (HTTP Range, guarded by ``If-Range`` so a
        changed file is sent whole rather than spliced)."""
        import httpx

        headers = {"Accept-Encoding": "identity"}
        if start > 0:
            headers["Range"] = f"bytes={start}-"
            if validator:
                headers["If-Range"] = validator
        try:
            with self._http().stream("GET", self.where(url), headers=headers) as resp:
                if resp.status_code not in (200, 206):
                    raise _status(url, resp)
                begin, total = _extent(resp)
                tag = resp.headers.get("etag") or resp.headers.get("last-modified")
                yield Body(_guard(resp.iter_raw(), url, self.timeout), begin, total, tag)
        except httpx.HTTPError as exc:
            raise _failure(url, exc, self.timeout) from exc

    def local(self, url: str) -> Path | None:
        """None: files over HTTP must be downloaded."""
        return None


def _extent(resp: httpx.Response) -> tuple[int, int | None]:
    """(first byte, whole size) of a 200 or 206 answer."""
    if resp.status_code == 206:
        spec = resp.headers.get("content-range", "")  # bytes 100-999/1000
        try:
            span, size = spec.split(" ", 1)[1].split("/")
            return int(span.split("-")[0]), (None if size == "*" else int(size))
        except (IndexError, ValueError):
            raise DownloadError(f"{resp.request.url}: bad Content-Range {spec!r}") from None
    length = resp.headers.get("content-length")
    return 0, int(length) if length and length.isdigit() else None


def _guard(chunks: Iterator[bytes], url: str, timeout: float) -> Iterator[bytes]:
    import httpx

    try:
        yield from chunks
    except httpx.HTTPError as exc:
        raise _failure(url, exc, timeout) from exc


_HINT = "the publisher may be down or the file gone; run again later, or set CROSSROADS_MIRROR"


def _status(url: str, resp: httpx.Response) -> DownloadError:
    """An HTTP error answer; worth retrying only when the server failed (5xx)."""
    err = DownloadError(f"{url}: HTTP {resp.status_code} {resp.reason_phrase}".rstrip(),
                        hint=_HINT)
    err.retryable = resp.status_code >= 500  # type: ignore[attr-defined]
    return err


def _failure(url: str, exc: httpx.HTTPError, timeout: float) -> DownloadError:
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        why = f"no answer within {timeout:g} s ({exc.__class__.__name__})"
    elif isinstance(exc, httpx.ConnectError):
        why = f"cannot connect ({exc})"
    else:
        why = f"{exc.__class__.__name__}: {exc}"
    err = DownloadError(f"{url}: {why}", hint=_HINT)
    err.retryable = True  # type: ignore[attr-defined]
    return err


@dataclass(frozen=True)
class DirectoryTransport:
    """A publisher tree copied to ``root`` as ``ROOT/HOST/PATH``."""

    root: Path

    def path(self, url: str) -> Path:
        """Where ``url`` lives in the mirror."""
        return self.root / host_path(url)

    def listing(self, url: str) -> list[Entry]:
        """The publisher's own page if the mirror kept it, else the directory's entries."""
        folder = self.path(url)
        if not folder.is_dir():
            raise DownloadError(f"{url}: not in mirror {self.root} (no directory {folder})")
        for saved in ("index.html", ".listing"):
            page = folder / saved
            if page.is_file():
                text = page.read_text(encoding="utf-8", errors="replace")
                return parse_listing(text, base_path=urlsplit(url).path,
                                     now=_mtime(page))
        out = []
        with os.scandir(folder) as it:
            for e in it:
                if e.name.startswith("."):
                    continue
                st = e.stat()
                when = datetime.fromtimestamp(st.st_mtime, UTC)
                out.append(Entry(e.name + "/", None, when) if e.is_dir()
                           else Entry(e.name, st.st_size, when))
        return sorted(out, key=lambda x: x.name)

    def document(self, url: str) -> bytes:
        """The saved index document."""
        path = self.path(url)
        if not path.is_file():
            raise DownloadError(f"{url}: not in mirror {self.root} (no file {path})")
        return path.read_bytes()

    @contextmanager
    def open(self, url: str, *, start: int = 0, validator: str | None = None
             ) -> Iterator[Body]:
        """The mirrored file from ``start`` on."""
        path = self.path(url)
        if not path.is_file():
            raise DownloadError(f"{url}: not in mirror {self.root} (no file {path})")
        size = path.stat().st_size
        with open(path, "rb") as f:
            f.seek(start)
            yield Body(iter(lambda: f.read(_CHUNK), b""), start, size, None)

    def local(self, url: str) -> Path | None:
        """The mirrored file itself: read in place, never copied."""
        path = self.path(url)
        return path if path.is_file() else None


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)
