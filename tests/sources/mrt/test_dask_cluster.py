"""A real Dask cluster (scheduler + two workers as separate processes on 127.0.0.1) ingests
several mirror files and writes exactly the rows of the in-process run."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from crossroads.sources.mrt.ingest import ingest_files, parse_files

FILES = ["updates.20071015.1505.gz", "updates.20100722.2015.gz",
         "updates.20240914.bgpkit-sample.bz2"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def cluster(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    bindir = Path(sys.executable).parent
    logs = [open(tmp_path / f"dask{i}.log", "w") for i in range(3)]  # noqa: SIM115
    procs = [subprocess.Popen([str(bindir / "dask"), "scheduler", "--host", "127.0.0.1",
                               "--port", str(port), "--dashboard-address", ":0"],
                              stdout=logs[0], stderr=subprocess.STDOUT)]
    try:
        for i in (1, 2):
            procs.append(subprocess.Popen(
                [str(bindir / "dask"), "worker", address, "--nthreads", "1",
                 "--nworkers", "1", "--host", "127.0.0.1", "--no-dashboard",
                 "--local-directory", str(tmp_path / f"w{i}")],
                stdout=logs[i], stderr=subprocess.STDOUT))
        from distributed import Client

        deadline = time.monotonic() + 90
        with Client(address, timeout="60s") as c:
            while len(c.scheduler_info()["workers"]) < 2:
                assert time.monotonic() < deadline, "dask workers did not start"
                time.sleep(0.3)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        for f in logs:
            f.close()


@pytest.mark.slow
def test_cluster_ingest_equals_local_run(mirror: Path, tmp_path: Path, cluster: str) -> None:
    files = [mirror / "mrt" / n for n in FILES]
    local = parse_files(files, tmp_path / "local")
    seen: dict[str, int] = {}
    remote = ingest_files(files, tmp_path / "remote", scheduler=cluster,
                          progress=lambda name, done, total: seen.__setitem__(name, done))
    assert [r.routes for r in remote] == [r.routes for r in local]
    assert sum(r.routes for r in local) == 10496 + 5654 + 268  # bgpdump -m line counts
    for a, b in zip(local, remote, strict=True):
        assert pq.read_table(a.parquet).equals(pq.read_table(b.parquet))
    # each file's bar reached its compressed size
    assert seen == {n: (mirror / "mrt" / n).stat().st_size for n in FILES}
