"""The hostile suite's helpers: the CLI in a subprocess, servers on 127.0.0.1, small stores.

Every corrupt or odd input is made by the test itself, in ``tmp_path``, from the mirror's
files (see README.md); nothing here is committed data.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from crossroads.config import Settings

TINY = ("caida-as-rel2-20250901", "ris-collectors-20230801")
"""A store of two datasets (5 s to fetch): enough for the store, fetch and lock cases."""


def cli(*args: str | Path, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``crossroads ARGS`` in a fresh interpreter (stdin closed)."""
    return subprocess.run(
        [sys.executable, "-c", "from crossroads.cli import main; main()", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


def refused(done: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Assert the run failed the one documented way: exit 2, no traceback, an ``error:``
    line (or click's usage error) naming each of ``needles``; return stderr."""
    err = done.stderr
    assert done.returncode == 2, (done.returncode, err[-2000:])
    assert "Traceback" not in err, err[-2000:]
    assert err.startswith("error:") or "Usage:" in err, err[:500]
    for needle in needles:
        assert needle in err, (needle, err)
    return err


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative name → bytes), to compare before and after."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".fetch.lock"}


@pytest.fixture(scope="session")
def tiny_store(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Settings:
    """A fetched store of :data:`TINY` (read-only to tests; copy it to change it)."""
    from crossroads.store import fetch

    root = tmp_path_factory.mktemp("tiny")
    settings = Settings(data_dir=root / "data", cache_dir=root / "cache", mirror=mirror)
    fetch(settings, TINY)
    return settings


@pytest.fixture()
def tiny_copy(tiny_store: Settings, tmp_path: Path) -> Settings:
    """A private copy of the tiny store, free to damage."""
    data = tmp_path / "data"
    shutil.copytree(tiny_store.data_dir, data)
    return Settings(data_dir=data, cache_dir=tmp_path / "cache", mirror=tiny_store.mirror)


@dataclass
class Served:
    """A ``crossroads serve`` process on 127.0.0.1 and its URL."""

    url: str
    process: subprocess.Popen[str]
    stdout: str

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)  # type: ignore[arg-type]


def serve(settings: Settings, *extra: str, env: dict[str, str] | None = None) -> Served:
    """Start ``crossroads serve --port 0`` over ``settings``; wait for its URL line."""
    process = subprocess.Popen(
        [sys.executable, "-c", "from crossroads.cli import main; main()", "serve",
         "--host", "127.0.0.1", "--port", "0", "--data-dir", str(settings.data_dir), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
        env={**os.environ, "CROSSROADS_CACHE_DIR": str(settings.cache_dir),
             "COLUMNS": "200", **(env or {})},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert found, (line, process.stderr.read() if process.poll() is not None else "")
    url = f"http://127.0.0.1:{found.group(1)}"
    deadline = time.monotonic() + 60
    while True:  # the URL is printed after binding, so it answers (or queues) at once
        try:
            httpx.get(f"{url}/api/scenarios", timeout=10)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the server does not answer"
            time.sleep(0.2)
    return Served(url, process, line)


def stop(served: Served) -> str:
    """Stop the server (SIGINT, as Ctrl-C); its stderr."""
    served.process.send_signal(signal.SIGINT)
    try:
        _, err = served.process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        served.process.kill()
        _, err = served.process.communicate()
    return err


@pytest.fixture(scope="session")
def server(loaded_settings: Settings) -> Iterator[Served]:
    """``crossroads serve`` over the full loaded store, for the whole session."""
    served = serve(loaded_settings)
    yield served
    err = stop(served)
    assert "Traceback" not in err, err[-3000:]
