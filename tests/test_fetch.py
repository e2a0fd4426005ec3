"""The fetch layer: mirror reads, atomic downloads, provenance."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import httpx
import pytest

from crossroads.config import Settings
from crossroads.errors import DatasetMissingError, DownloadError
from crossroads.sources._fetch import DatasetSpec, obtain
from crossroads.sources.catalog import CATALOG, by_name

SPEC = DatasetSpec("t", "as-rel", "https://example.invalid/f.txt", "x/f.txt", date(2020, 1, 1))


def test_every_required_catalogue_entry_is_in_the_mirror(mirror: Path) -> None:
    missing = [s.mirror_path for s in CATALOG
               if not s.optional and not (mirror / s.mirror_path).is_file()]
    assert missing == []
    # the optional ones are exactly the sources the reference mirror does not ship
    assert {s.kind for s in CATALOG if s.optional} == {"as-org", "pfx2as", "peeringdb"}


def test_mirror_read_records_provenance(scratch_settings: Settings, mirror: Path) -> None:
    spec = by_name("caida-as-rel2-20250901")
    prov = obtain(spec, scratch_settings)
    raw = (mirror / spec.mirror_path).read_bytes()
    assert prov.sha256 == hashlib.sha256(raw).hexdigest()
    assert prov.data_date == date(2025, 9, 1)
    assert prov.source.endswith("caida/20250901.as-rel2.txt.bz2")


def test_missing_mirror_file_is_a_clear_error(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path, cache_dir=tmp_path, mirror=tmp_path)
    with pytest.raises(DatasetMissingError, match="x/f.txt"):
        obtain(SPEC, s)


def test_download_is_atomic_and_checksummed(tmp_path: Path) -> None:
    body = b"1|2|-1\n" * 1000
    client = httpx.Client(transport=httpx.MockTransport(
        lambda r: httpx.Response(200, stream=httpx.ByteStream(body))))
    s = Settings(data_dir=tmp_path, cache_dir=tmp_path / "c", mirror=None)
    prov = obtain(SPEC, s, client=client)
    assert Path(prov.path).read_bytes() == body
    assert prov.sha256 == hashlib.sha256(body).hexdigest()
    assert prov.source == SPEC.url


def test_interrupted_download_keeps_only_a_partial_and_resumes(tmp_path: Path) -> None:
    body = b"1|2|-1\n" * 2000
    ranges: list[str | None] = []

    def cut(request: httpx.Request) -> httpx.Response:
        # announces the whole body, sends its first 10 bytes: a connection cut mid-file
        ranges.append(request.headers.get("range"))
        return httpx.Response(200, headers={"content-length": str(len(body)), "etag": '"v1"'},
                              stream=httpx.ByteStream(body[:10]))

    s = Settings(data_dir=tmp_path, cache_dir=tmp_path / "c", mirror=None)
    with pytest.raises(DownloadError, match=f"ended after 10 of {len(body):,} bytes"):
        obtain(SPEC, s, client=httpx.Client(transport=httpx.MockTransport(cut)))
    # three attempts (two resumed from byte 10 with If-Range), and never a file under the
    # final name: only the hidden partial with its validator, for the next run
    assert ranges == [None, "bytes=10-", "bytes=10-"]
    assert sorted(p.name for p in (tmp_path / "c" / "as-rel").iterdir()) == [
        ".f.txt.partial", ".f.txt.partial.json"]

    def rest(request: httpx.Request) -> httpx.Response:
        assert request.headers["range"] == "bytes=10-" and request.headers["if-range"] == '"v1"'
        return httpx.Response(206, headers={"content-range": f"bytes 10-{len(body) - 1}/"
                                            f"{len(body)}"}, stream=httpx.ByteStream(body[10:]))

    prov = obtain(SPEC, s, client=httpx.Client(transport=httpx.MockTransport(rest)))
    assert Path(prov.path).read_bytes() == body
    assert prov.sha256 == hashlib.sha256(body).hexdigest()
    assert sorted(p.name for p in (tmp_path / "c" / "as-rel").iterdir()) == [
        "f.txt", "f.txt.sha256"]  # the file and its recorded checksum
