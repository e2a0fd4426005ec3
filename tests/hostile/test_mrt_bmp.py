"""Finding 7 (mrt parse outputs) and the BMP part of finding 8, replayed."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import struct
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.hostile.conftest import cli, refused
from tests.outages import _bmp

from crossroads.outages.bmp.listener import BmpServer
from crossroads.sources.mrt.ingest import DAMAGE_KEY

MRT = "mrt/updates.20070211.0141.gz"


def test_damaged_input_gives_a_marked_partial_output(mirror: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole.mrt"
    import gzip

    raw = gzip.decompress((mirror / MRT).read_bytes())
    whole.write_bytes(raw)
    cut = tmp_path / "cut.mrt"
    cut.write_bytes(raw[: len(raw) // 2])  # ends inside a record
    out = tmp_path / "out"
    done = cli("mrt", "parse", whole, cut, "--out", out)
    refused(done, "truncated", "cut.mrt.partial.parquet")
    assert sorted(p.name for p in out.iterdir()) == ["cut.mrt.partial.parquet",
                                                      "whole.mrt.parquet"]
    meta = pq.read_metadata(out / "cut.mrt.partial.parquet").metadata
    assert b"truncated" in meta[DAMAGE_KEY.encode()]
    assert DAMAGE_KEY.encode() not in (pq.read_metadata(out / "whole.mrt.parquet").metadata
                                       or {})
    assert 0 < pq.read_metadata(out / "cut.mrt.partial.parquet").num_rows \
        < pq.read_metadata(out / "whole.mrt.parquet").num_rows


def test_missing_input_writes_nothing(tmp_path: Path, mirror: Path) -> None:
    out = tmp_path / "out"
    refused(cli("mrt", "parse", mirror / MRT, tmp_path / "nope.gz", "--out", out),
            "nope.gz", "not found")
    assert not out.exists() or list(out.iterdir()) == []


def test_temporaries_never_match_star_parquet(tmp_path: Path, mirror: Path) -> None:
    """A killed parse leaves its temporary; ``OUT/*.parquet`` must not pick it up."""
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    src = mirror / "mrt" / "bview.20020722.2337.gz"  # long enough to be killed mid-way
    p = subprocess.Popen([sys.executable, "-c", "from crossroads.cli import main; main()",
                          "mrt", "parse", str(src), "--out", str(out), "--json"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (out.is_dir() and any(out.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    left = list(out.iterdir())
    assert left and all(not x.name.endswith(".parquet") for x in left), left
    import duckdb
    with pytest.raises(duckdb.IOException, match="No files found"):
        duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/*.parquet')").fetchall()


# --- BMP ------------------------------------------------------------------------------
def _initiation() -> bytes:
    return _bmp.common(4, struct.pack("!HH", 0, 4) + b"test")


def test_bmp_caps_connections_and_closes_idle_ones(caplog: pytest.LogCaptureFixture) -> None:
    async def run() -> tuple[int, int, list[bytes]]:
        server = BmpServer("127.0.0.1", 0, lambda d: None, max_connections=2, idle_timeout=0.5)
        port = await server.start()
        conns = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3)]
        await asyncio.sleep(0.2)
        refused = server.refused
        await asyncio.sleep(1.0)  # past the idle timeout: the two kept ones are closed
        ends = [await asyncio.wait_for(r.read(), 2) for r, _ in conns]
        for _, w in conns:
            w.close()
        await server.close()
        return refused, len(server.tasks), ends

    with caplog.at_level(logging.INFO, logger="crossroads.outages.bmp"):
        refused_count, open_tasks, ends = asyncio.run(run())
    assert refused_count == 1 and open_tasks == 0 and ends == [b"", b"", b""]
    text = caplog.text
    assert "refused: 2 connections already open" in text
    assert text.count("silent for 0 s; closing") + text.count("silent for 1 s; closing") == 2


def test_bmp_warnings_are_rate_limited(caplog: pytest.LogCaptureFixture) -> None:
    bad = _bmp.common(0, b"\x00" * 10)  # a route-monitoring message with a cut peer header

    async def run() -> None:
        server = BmpServer("127.0.0.1", 0, lambda d: None)
        port = await server.start()
        _, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(bad * 500)
        await w.drain()
        await asyncio.sleep(0.5)
        w.close()
        await asyncio.sleep(0.3)
        await server.close()

    with caplog.at_level(logging.WARNING, logger="crossroads.outages.bmp"):
        asyncio.run(run())
    damaged = [r for r in caplog.records if r.getMessage().startswith("router 127.0.0.1:")
               and "held back" not in r.getMessage()]
    assert len(damaged) == 20
    assert "480 more damaged-message warnings held back" in caplog.text


def test_bmp_warns_on_a_non_loopback_address(caplog: pytest.LogCaptureFixture) -> None:
    async def run() -> None:
        server = BmpServer("0.0.0.0", 0, lambda d: None)
        await server.start()
        await server.close()

    with caplog.at_level(logging.WARNING, logger="crossroads.outages.bmp"):
        asyncio.run(run())
    assert "accepts connections from other machines" in caplog.text


def test_watch_port_in_use_is_one_line(tiny_store, tmp_path: Path) -> None:  # noqa: ANN001
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    try:
        port = s.getsockname()[1]
        refused(cli("watch", "--bmp", f"127.0.0.1:{port}", "--country", "KZ", "--data-dir",
                    tiny_store.data_dir, timeout=60), "cannot listen for BMP", "in use")
    finally:
        s.close()
    assert os.environ.get("CROSSROADS_MIRROR")
