"""The download path end to end, offline: ``fetch`` with no mirror and an injected HTTP
client whose transport serves the real mirror files' bytes at the catalogue URLs.

It exercises what a user without a mirror runs: public URL → atomic download into the
cache with SHA-256 → load → provenance naming the URL; then the cache on later runs, and
the failures (HTTP 404, a connection cut mid-file: only a hidden partial file is kept, to
resume from).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from crossroads.config import Settings
from crossroads.errors import DownloadError
from crossroads.sources.catalog import CATALOG, by_name
from crossroads.store import fetch, open_store

NAMES = ["caida-as-rel-20020101", "rir-afrinic-20181013", "ris-collectors-20230801",
         "caida-ixs-202410"]


class _Server:
    """A fake public web: catalogue URL → the mirror file's bytes; counts requests."""

    def __init__(self, mirror: Path) -> None:
        self.files = {s.url: mirror / s.mirror_path for s in CATALOG if not s.optional}
        self.requests: list[str] = []
        self.override: dict[str, Callable[[bytes], httpx.Response]] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.requests.append(url)
        if url not in self.files:
            return httpx.Response(404)
        body = self.files[url].read_bytes()
        if url in self.override:
            return self.override[url](body)
        return httpx.Response(200, headers={"content-length": str(len(body))},
                              stream=httpx.ByteStream(body))

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


class _CutStream(httpx.SyncByteStream):
    """Sends the first half of ``body``, then the connection drops."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def __iter__(self) -> Iterator[bytes]:
        yield self.body[: len(self.body) // 2]
        raise httpx.ReadError("connection reset by peer")


def _offline(root: Path, cache: Path | None = None) -> Settings:
    return Settings(data_dir=root / "data", cache_dir=cache or root / "cache", mirror=None)


def _rows(settings: Settings, dataset: str) -> dict[str, list[dict]]:
    """Every row of ``dataset`` per store table, in a fixed order."""
    store = open_store(settings)
    tables = store.query("SELECT DISTINCT split_part(unnest(files), '/', 1) AS t FROM datasets "
                         "WHERE name = ?", [dataset]).column("t").to_pylist()
    return {t: store.query(f"SELECT * EXCLUDE (dataset) FROM {t} WHERE dataset = ? ORDER BY ALL",
                           [dataset]).to_pylist() for t in sorted(tables)}


@pytest.fixture(scope="module")
def downloaded(tmp_path_factory: pytest.TempPathFactory, mirror: Path
               ) -> tuple[Settings, Settings, _Server]:
    """The same four datasets fetched once from the mirror and once by 'download'."""
    root = tmp_path_factory.mktemp("download")
    from_mirror = Settings(root / "m-data", root / "m-cache", mirror)
    fetch(from_mirror, NAMES)
    server = _Server(mirror)
    offline = _offline(root)
    results = fetch(offline, NAMES, client=server.client())
    assert [r.status for r in results] == ["loaded"] * len(NAMES)
    return from_mirror, offline, server


def test_downloaded_rows_equal_the_mirror_loaded_rows(
    downloaded: tuple[Settings, Settings, _Server],
) -> None:
    from_mirror, offline, server = downloaded
    assert sorted(server.requests) == sorted(by_name(n).url for n in NAMES)
    for name in NAMES:
        got, want = _rows(offline, name), _rows(from_mirror, name)
        assert got == want and sum(map(len, got.values())) > 0, name


def test_downloaded_provenance_names_the_url_and_checksum(
    downloaded: tuple[Settings, Settings, _Server], mirror: Path
) -> None:
    _, offline, _ = downloaded
    for name in NAMES:
        spec = by_name(name)
        rec = open_store(offline).dataset(name)
        digest = hashlib.sha256((mirror / spec.mirror_path).read_bytes()).hexdigest()
        assert (rec.source, rec.sha256, rec.data_date) == (spec.url, digest, spec.data_date)
        cached = offline.cache_dir / spec.kind / spec.filename
        assert hashlib.sha256(cached.read_bytes()).hexdigest() == digest
    assert not list(offline.cache_dir.rglob("*.part")), "no temporary file is left"


def test_refetch_uses_the_cache_without_http(
    downloaded: tuple[Settings, Settings, _Server], tmp_path: Path
) -> None:
    _, offline, server = downloaded
    before = len(server.requests)
    again = fetch(offline, NAMES, client=server.client())
    assert [r.status for r in again] == ["unchanged"] * len(NAMES)
    # a new store fed from the same cache loads everything, still without a request
    fresh = _offline(tmp_path, cache=offline.cache_dir)
    loaded = fetch(fresh, NAMES, client=server.client())
    assert [r.status for r in loaded] == ["loaded"] * len(NAMES)
    assert [r.source for r in loaded] == [by_name(n).url for n in NAMES]
    assert len(server.requests) == before


@pytest.mark.parametrize("failure", ["404", "cut"])
def test_failed_download_names_the_url_and_leaves_nothing(
    mirror: Path, tmp_path: Path, failure: str
) -> None:
    good, bad = by_name("ris-collectors-20230801"), by_name("caida-as-rel-20020101")
    server = _Server(mirror)
    if failure == "404":
        del server.files[bad.url]
    else:
        server.override[bad.url] = lambda body: httpx.Response(
            200, headers={"content-length": str(len(body))}, stream=_CutStream(body))
    settings = _offline(tmp_path)
    with pytest.raises(DownloadError) as info:
        fetch(settings, [good.name, bad.name], client=server.client())
    message = str(info.value)
    assert bad.url in message
    assert ("HTTP 404" if failure == "404" else "ReadError") in message
    cached = sorted(p.name for p in (settings.cache_dir / bad.kind).glob("*")) \
        if (settings.cache_dir / bad.kind).exists() else []
    # no file under its final name; a cut leaves only the hidden partial to resume from
    assert cached == ([] if failure == "404" else [f".{bad.filename}.partial",
                                                   f".{bad.filename}.partial.json"])
    # what came before the failure stays loaded; the failed dataset left no row
    assert [d.name for d in open_store(settings).datasets()] == [good.name]
    assert open_store(settings).query(
        "SELECT count(*) AS n FROM as_links").column("n").to_pylist() == [0]
