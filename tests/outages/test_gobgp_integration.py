"""INTEGRATION: a real gobgpd streams BMP (Loc-RIB monitoring) to the watch listener.

gobgpd (Debian package, installed by scripts/system-deps.sh) runs on 127.0.0.1 with BGP
listening disabled, its gRPC API and the BMP listener on ephemeral ports. Twenty /24s with
AS path [64512] (mapped to KZ for the test) are added with `gobgp global rib add`, then
deleted: the KZ series must go 20 -> 0 visible prefixes (20 -> 0 /24-equivalents), and a
critical visibility drop plus a withdrawal burst must be written to the event log.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from crossroads.outages.eventlog import EventLog
from crossroads.outages.live import LiveMonitor, watch
from crossroads.outages.model import DetectorConfig

pytestmark = pytest.mark.slow
N = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _gobgp(api: int, *args: str) -> None:
    subprocess.run(["gobgp", "-p", str(api), "global", "rib", *args], check=True,
                   capture_output=True, timeout=10)


def _wait(cond, timeout: float = 15.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.1)
    return False


def test_gobgpd_bmp_add_and_withdraw(tmp_path: Path) -> None:
    if shutil.which("gobgpd") is None:
        pytest.fail("gobgpd is not installed: run scripts/system-deps.sh")
    log = EventLog(tmp_path / "outage_events.duckdb")
    mon = LiveMonitor(country="KZ", asn_country={64512: "KZ"}, bin=timedelta(seconds=1),
                      config=DetectorConfig(min_baseline_bins=2), event_log=log)
    stop, ready, port = threading.Event(), threading.Event(), []
    th = threading.Thread(target=watch, args=("127.0.0.1", 0), daemon=True,
                          kwargs={"monitor": mon, "stop": stop,
                                  "ready": lambda p: (port.append(p), ready.set())})
    th.start()
    daemon = None
    try:
        assert ready.wait(10)
        api = _free_port()
        conf = tmp_path / "gobgpd.toml"
        conf.write_text(f"""[global.config]
  as = 65001
  router-id = "127.0.0.1"
  port = -1
[[bmp-servers]]
  [bmp-servers.config]
    address = "127.0.0.1"
    port = {port[0]}
    route-monitoring-policy = "local-rib"
""")
        daemon = subprocess.Popen(
            ["gobgpd", "-f", str(conf), "--api-hosts", f"127.0.0.1:{api}", "--pprof-disable",
             "-p"], stdout=(tmp_path / "gobgpd.log").open("w"), stderr=subprocess.STDOUT)
        assert _wait(lambda: _try(lambda: _gobgp(api)))  # API up
        for i in range(N):
            _gobgp(api, "add", f"10.0.{i}.0/24", "aspath", "64512")

        def visible() -> int:
            s = mon.series().country
            return int(s["visible_prefixes"].iloc[-1]) if len(s) else -1

        assert _wait(lambda: visible() == N)
        time.sleep(3)  # a few bins of baseline
        assert mon.series().country["visible_slash24"].iloc[-1] == N
        for i in range(N):
            _gobgp(api, "del", f"10.0.{i}.0/24")
        assert _wait(lambda: visible() == 0)
        s = mon.series().country
        assert s["withdrawals"].sum() == N and s["announcements"].sum() == N
        def kz_events() -> pd.DataFrame:
            ev = log.read()
            return ev[(ev["scope"] == "country") & (ev["key"] == "KZ")]

        def lost() -> float:
            drops = kz_events().query("signal == 'visibility_drop'")
            return float(drops["lost_slash24"].iloc[0]) if len(drops) else -1.0

        # an open event is rewritten as its bins close: the withdrawals may straddle two
        # bins on a loaded machine, so wait for the event to cover all of them
        assert _wait(lambda: lost() == N), lost()
        kz = kz_events()
        drop = kz[kz["signal"] == "visibility_drop"].iloc[0]
        assert drop["severity"] == "critical" and drop["lost_slash24"] == N
        assert list(drop["affected_asns"]) == [64512]
        assert "withdrawal_burst" in set(kz["signal"])
    finally:
        if daemon is not None:
            daemon.terminate()
            try:
                daemon.wait(10)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait(5)
        stop.set()
        th.join(10)
    assert not th.is_alive()


def _try(f) -> bool:  # type: ignore[no-untyped-def]
    try:
        f()
        return True
    except subprocess.CalledProcessError:
        return False
