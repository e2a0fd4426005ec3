"""A load killed with SIGKILL at any step leaves the previous complete state.

The child process loads a second version of a dataset with a hook that announces each
step on stdout and then sleeps; the parent kills it (SIGKILL) at the announced step and
checks that the store still reads exactly as after the first version.
"""

from __future__ import annotations

import bz2
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from crossroads.config import Settings
from crossroads.store import fetch, open_store

SNAP = "caida-as-rel-20020101"
SNAP_PATH = "caida/serial-1/20020101.as-rel.txt.bz2"

CHILD = """
import sys, time
from pathlib import Path
from crossroads.config import Settings
from crossroads.sources._fetch import obtain
from crossroads.sources.catalog import by_name
from crossroads.store import load_file

data, mirror, stop_at = sys.argv[1:4]
settings = Settings(Path(data), Path(data) / "cache", Path(mirror))
spec = by_name("caida-as-rel-20020101")

def hook(step):
    if step == stop_at:
        print(step, flush=True)
        time.sleep(120)

load_file(settings, spec, obtain(spec, settings), hook=hook)
print("finished", flush=True)
"""


def _write(mirror: Path, lines: list[str]) -> None:
    path = mirror / SNAP_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bz2.compress(("\n".join(lines) + "\n").encode()))


@pytest.mark.parametrize("step", ["parquet-written", "rows-deleted", "before-commit"])
def test_sigkill_mid_load_keeps_previous_state(tmp_path: Path, step: str) -> None:
    mirror = tmp_path / "mirror"
    _write(mirror, ["1|2|-1", "1|3|-1", "2|3|0"])
    settings = Settings(tmp_path / "data", tmp_path / "cache", mirror)
    before = fetch(settings, [SNAP])[0]

    _write(mirror, [f"{a}|{a + 1}|0" for a in range(10, 5010)])  # version 2: 5000 links
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(settings.data_dir), str(mirror), step],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == step
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    store = open_store(settings)
    rec = store.dataset(SNAP)
    assert (rec.sha256, rec.rows) == (before.sha256, 3)
    links = sorted((r["as1"], r["as2"], r["rel"]) for r in store.links(SNAP).to_pylist())
    assert links == [(1, 2, -1), (1, 3, -1), (2, 3, 0)]

    # the next fetch completes version 2 and sweeps the dead process's Parquet file
    after = fetch(settings, [SNAP])[0]
    assert (after.status, after.rows) == ("loaded", 5000)
    assert open_store(settings).links(SNAP).num_rows == 5000
    assert len(list((settings.parquet_dir / "as_links").iterdir())) == 1
