"""``datasets --available``, ``fetch ribs`` and ``update`` through the CLI boundary, against
the local publisher server (``$CROSSROADS_PUBLISHERS``)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from tests.cli.test_data_cli import run

from crossroads.config import get_settings
from crossroads.store._lock import store_lock


@pytest.fixture()
def online(publishers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """No mirror; every publisher answered by the local server; a scratch cache."""
    monkeypatch.delenv("CROSSROADS_MIRROR", raising=False)
    monkeypatch.setenv("CROSSROADS_PUBLISHERS", publishers.base)
    monkeypatch.setenv("CROSSROADS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CROSSROADS_DATA_DIR", str(tmp_path / "data"))
    return publishers


def test_available_lists_what_the_publishers_have(online, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "datasets", "--available", "--kind", "as-rel", "--json")
    assert code == 0
    got = json.loads(out)
    assert [d["name"] for d in got] == ["caida-as-rel-20020101", "caida-as-rel-20040101",
                                        "caida-as-rel2-20250801", "caida-as-rel2-20250901"]
    assert got[-1]["url"] == ("https://publicdata.caida.org/datasets/as-relationships/serial-2/"
                              "20250901.as-rel2.txt.bz2")
    code, out, _ = run(capsys, "datasets", "--available", "--kind", "rir", "--since",
                       "2018-10-13")
    assert code == 0 and "rir-ripencc-20181013" in out and "rir-ripencc-20181012" not in out
    code, out, _ = run(capsys, "datasets", "--available", "--kind", "rib", "--collectors",
                       "rrc00", "--json")
    assert [d["name"] for d in json.loads(out)] == ["rib-rrc00-20240901.0000",
                                                   "rib-rrc00-20240901.0800"]


def test_fetch_ribs_and_update_exit_codes(online, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CROSSROADS_PROGRESS", "1")  # bars although stderr is captured
    code, out, err = run(capsys, "fetch", "ribs", "--collectors", "rrc00,route-views2",
                         "--date", "2024-09-01")
    assert code == 0, err
    assert "rib-rrc00-20240901.0000" in out and "rib-route-views2-20240901.0000" in out
    assert "all files" in err  # the overall progress bar, on stderr
    code, out, err = run(capsys, "fetch", "--collectors", "rrc00")
    assert code == 2 and "go with `fetch ribs`" in err
    code, _, _ = run(capsys, "fetch", "caida-as-rel2-20250801")
    assert code == 0
    code, out, _ = run(capsys, "update", "--kind", "as-rel", "--no-ribs", "--json")
    assert code == 0
    assert [d["name"] for d in json.loads(out)["loaded"]] == ["caida-as-rel2-20250901"]
    code, out, _ = run(capsys, "update", "--kind", "as-rel", "--no-ribs")
    assert code == 0 and "is up to date" in " ".join(out.split())
    # a publisher failure: one line, status 2
    online.fault("https://publicdata.caida.org/datasets/as-relationships/serial-2/", 500)
    code, out, err = run(capsys, "update", "--kind", "as-rel", "--no-ribs")
    assert code == 2 and "Traceback" not in err
    assert "serial-2/: HTTP 500 Internal Server Error" in " ".join(err.split())
    # another run holds the store: status 75
    held, free = threading.Event(), threading.Event()

    def hold() -> None:
        with store_lock(get_settings(), what="update"):
            held.set()
            free.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    held.wait()
    try:
        code, _, err = run(capsys, "update", "--kind", "as-rel")
    finally:
        free.set()
        t.join()
    assert code == 75 and "busy" in err and "crossroads update (pid" in " ".join(err.split())


def test_available_from_the_shipped_mirror_is_its_catalogue(capsys, mirror: Path,  # type: ignore[no-untyped-def]
                                                            tmp_path: Path) -> None:
    code, out, _ = run(capsys, "datasets", "--available", "--mirror", str(mirror), "--kind",
                       "as-rel", "--since", "2016-01-01", "--data-dir", str(tmp_path), "--json")
    assert code == 0
    assert [d["name"] for d in json.loads(out)] == [
        "caida-as-rel-20160101", "caida-as-rel-20180101", "caida-as-rel2-20250901"]
