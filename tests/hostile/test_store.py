"""Findings 3, 5 and 8 (store): no silent loss, consistent derived tables, verified cache."""

from __future__ import annotations

import bz2
import hashlib
import shutil
from pathlib import Path

import duckdb
import httpx
import pytest
from tests.hostile.conftest import cli, refused, snapshot

from crossroads.config import Settings
from crossroads.errors import CrossroadsError
from crossroads.sources.catalog import by_name
from crossroads.store import fetch, open_store
from crossroads.store._asinfo import as_info_is_current

REL = "caida/20250901.as-rel2.txt.bz2"
NAME = "caida-as-rel2-20250901"


def _mirror_with(tmp: Path, mirror: Path, body: bytes) -> Path:
    """A mirror whose CAIDA serial-2 file is ``body`` (bzip2-compressed)."""
    fake = tmp / "mirror"
    (fake / "caida").mkdir(parents=True)
    (fake / REL).write_bytes(bz2.compress(body))
    (fake / "README.md").write_text("a mirror made by the test\n")
    return fake


@pytest.mark.parametrize("case", ["empty", "comments-only", "1000-lines"])
def test_a_reload_that_loses_most_of_a_dataset_is_refused(
        tiny_copy: Settings, mirror: Path, tmp_path: Path, case: str) -> None:
    full = bz2.decompress((mirror / REL).read_bytes())
    body = {"empty": b"",
            "comments-only": b"\n".join(x for x in full.splitlines() if x.startswith(b"#")),
            "1000-lines": b"\n".join(full.splitlines()[:1000]) + b"\n"}[case]
    fake = _mirror_with(tmp_path, mirror, body)
    before = snapshot(tiny_copy.data_dir)
    done = cli("fetch", NAME, "--mirror", fake, "--data-dir", tiny_copy.data_dir)
    err = refused(done, NAME, "--force")
    assert ("no rows" in err) if case != "1000-lines" else ("570,696" in err)
    assert snapshot(tiny_copy.data_dir) == before  # byte-identical: the old graph stays
    if case == "1000-lines":  # forced, it loads, and the old Parquet goes
        done = cli("fetch", NAME, "--mirror", fake, "--data-dir", tiny_copy.data_dir, "--force")
        assert done.returncode == 0, done.stderr
        assert open_store(tiny_copy).dataset(NAME).rows < 1000


def test_as_info_older_than_the_datasets_is_refused_then_rebuilt(tiny_copy: Settings) -> None:
    """What a kill -9 between a dataset's commit and the as_info rebuild leaves."""
    with duckdb.connect(str(tiny_copy.database)) as con:
        con.execute("UPDATE derived SET inputs = inputs || '-old' WHERE name = 'as_info'")
        assert not as_info_is_current(con)
    with pytest.raises(CrossroadsError, match="as_info.*built from other datasets"):
        open_store(tiny_copy).as_info()
    refused(cli("as", "9198", "--data-dir", tiny_copy.data_dir), "run `crossroads fetch` again")
    fetch(tiny_copy, ())  # loads nothing new, rebuilds the table
    assert len(open_store(tiny_copy).as_info()) > 70_000


def test_readers_retry_while_a_writer_holds_the_lock(tiny_copy: Settings) -> None:
    import threading

    con = duckdb.connect(str(tiny_copy.database))
    threading.Timer(0.5, con.close).start()
    done = cli("datasets", "--json", "--data-dir", tiny_copy.data_dir)
    assert done.returncode == 0 and NAME in done.stdout, done.stderr
    con = duckdb.connect(str(tiny_copy.database))
    try:
        done = cli("datasets", "--data-dir", tiny_copy.data_dir,
                   env={"CROSSROADS_LOCK_WAIT": "1"})
    finally:
        con.close()
    refused(done, "locked by another process", "held by PID")


class _Web:
    def __init__(self, mirror: Path) -> None:
        self.mirror, self.requests = mirror, 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        spec = next(s for s in [by_name(NAME), by_name("ris-collectors-20230801")]
                    if s.url == str(request.url))
        body = (self.mirror / spec.mirror_path).read_bytes()
        return httpx.Response(200, stream=httpx.ByteStream(body))


def test_cached_downloads_are_verified_and_refreshable(mirror: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", mirror=None)
    web = _Web(mirror)
    client = httpx.Client(transport=httpx.MockTransport(web))
    fetch(settings, ["ris-collectors-20230801"], client=client)
    cached = settings.cache_dir / "ris-peers" / "RIPE_RIS_collectors_20230801.json"
    assert (cached.parent / (cached.name + ".sha256")).is_file() and web.requests == 1
    fetch(settings, ["ris-collectors-20230801"], client=client)
    assert web.requests == 1  # a good cached copy is used
    cached.write_bytes(cached.read_bytes()[:-10] + b"tampered!!")
    fetch(settings, ["ris-collectors-20230801"], client=client)
    assert web.requests == 2  # a cached copy that changed is downloaded again
    assert cached.read_bytes() == (mirror / "collectors/RIPE_RIS_collectors_20230801.json") \
        .read_bytes()
    fetch(settings, ["ris-collectors-20230801"], client=client, refresh=True)
    assert web.requests == 3  # --refresh


def test_a_download_that_differs_from_the_published_checksum(mirror: Path,
                                                             tmp_path: Path) -> None:
    """A spec whose checksum is pinned (``DatasetSpec.sha256``; none is pinned in the
    shipped catalogue, where no publisher checksum could be checked) refuses another
    file, and accepts the pinned one."""
    from dataclasses import replace

    from crossroads.sources import obtain

    good = (mirror / by_name(NAME).mirror_path).read_bytes()
    spec = replace(by_name(NAME), sha256=hashlib.sha256(good).hexdigest())
    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", mirror=None)
    served = [bz2.compress(b"1|2|-1|bgp\n")]
    client = httpx.Client(transport=httpx.MockTransport(
        lambda r: httpx.Response(200, stream=httpx.ByteStream(served[0]))))
    with pytest.raises(CrossroadsError, match="not the published"):
        obtain(spec, settings, client=client)
    assert not (settings.cache_dir / "as-rel" / spec.filename).exists()
    served[0] = good
    assert obtain(spec, settings, client=client).sha256 == spec.sha256


def test_country_ranges_binds_its_argument(tiny_store: Settings) -> None:
    with pytest.raises(ValueError, match="registration' or 'geo"):
        open_store(tiny_store).country_ranges("geo' OR 1=1 --")  # type: ignore[arg-type]


def test_fetch_with_a_file_as_data_dir_leaves_it(tmp_path: Path, mirror: Path) -> None:
    target = tmp_path / "f"
    target.write_bytes(b"keep")
    with pytest.raises(CrossroadsError, match="is a file"):
        fetch(Settings(target, tmp_path / "c", mirror), ["ris-collectors-20230801"])
    assert target.read_bytes() == b"keep"
    shutil.rmtree(tmp_path / "c", ignore_errors=True)
