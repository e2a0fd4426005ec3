"""Finding 6 (CLI): every traceback the probe found is now one line and exit 2."""

from __future__ import annotations

import os
import random
import socket
from pathlib import Path

import pytest
from isal import igzip
from isal.igzip_lib import IsalError
from tests.hostile.conftest import cli, refused

from crossroads.config import Settings

GZ = "ip-location-db/asn-country-ipv4.csv.gz"


def isal_damaged(mirror: Path, out: Path) -> Path:
    """The mirror's gzip with bytes overwritten mid-stream so that python-isal raises its
    own ``IsalError`` (an invalid deflate block), not an OSError: the recipe of seed 38."""
    body = bytearray((mirror / GZ).read_bytes())
    r = random.Random(38)
    at = r.randrange(100, len(body) - 100)
    for i in range(r.choice([1, 4, 64, 4096])):
        if at + i < len(body):
            body[at + i] = r.randrange(256)
    out.write_bytes(bytes(body))
    return out


def test_gzip_damaged_mid_stream_isal_error(mirror: Path, tmp_path: Path) -> None:
    bad = isal_damaged(mirror, tmp_path / "asn-country-ipv4.csv.gz")
    with pytest.raises(IsalError), igzip.open(bad, "rb") as f:  # what the probe hit
        while f.read(1 << 20):
            pass
    fake = tmp_path / "mirror"
    (fake / "ip-location-db").mkdir(parents=True)
    os.replace(bad, fake / GZ)
    (fake / "README.md").write_text("a damaged copy\n")
    done = cli("fetch", "ip-location-db-asn-country-ipv4", "--mirror", fake,
               "--data-dir", tmp_path / "data")
    refused(done, GZ.split("/")[1], "compressed stream is truncated or corrupt")


@pytest.mark.parametrize(("text", "needle"), [
    ("name: x\ncountry: KZ\noperations: !nosuchtag []\n", "could not determine a constructor"),
    ("!!python/object/apply:os.system ['echo pwned']\n", "python/object/apply"),
    ("name: x\x00\ncountry: KZ\noperations: []\n", "special characters are not allowed"),
    ("[" * 20_000, "nested too deeply"),
])
def test_scenario_yaml_tags_and_nul_bytes(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    refused(cli("simulate", path, "--data-dir", tmp_path), needle)


@pytest.mark.parametrize("command", [
    ["mrt", "parse", "{dir}", "--out", "{out}"],
    ["mrt", "ingest", "{dir}", "--out", "{out}"],
    ["outages", "{dir}", "--country", "KZ"],
    ["dependency", "KZ", "--observed", "{dir}"],
    ["fidelity", "--relationships", "{dir}", "--rib", "{dir}"],
])
def test_a_directory_where_a_file_is_expected(tmp_path: Path, command: list[str]) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    args = [a.format(dir=folder, out=tmp_path / "out") for a in command]
    refused(cli(*args, "--data-dir", tmp_path) if command[0] in ("outages", "dependency")
            else cli(*args), "is a directory")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_damaged_store_file(tiny_copy: Settings) -> None:
    db = tiny_copy.database
    body = bytearray(db.read_bytes())
    for at in range(16384, len(body), 4096 * 7):
        body[at:at + 512] = b"\xff" * 512
    db.write_bytes(bytes(body))
    for command in (["datasets"], ["as", "9198"], ["profile", "KZ"]):
        refused(cli(*command, "--data-dir", tiny_copy.data_dir), "is damaged or not a DuckDB")


def _busy_port() -> tuple[socket.socket, int]:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s, s.getsockname()[1]


@pytest.mark.parametrize("case", ["in-use", "out-of-range", "bad-host", "privileged"])
def test_watch_and_serve_bind_errors(tiny_store: Settings, case: str) -> None:
    if case == "privileged" and os.geteuid() == 0:
        pytest.skip("root may bind ports below 1024")
    held, port = _busy_port()
    try:
        host, number = {"in-use": ("127.0.0.1", port), "out-of-range": ("127.0.0.1", 70000),
                        "bad-host": ("no-such-host.invalid", 8000),
                        "privileged": ("127.0.0.1", 80)}[case]
        store = ["--data-dir", str(tiny_store.data_dir)]
        for done in (cli("serve", "--host", host, "--port", str(number), *store, timeout=60),
                     cli("watch", "--bmp", f"{host}:{number}", "--country", "KZ", *store,
                         timeout=60)):
            refused(done)
            assert "crossroads dashboard on" not in done.stdout  # no URL before binding
    finally:
        held.close()


@pytest.mark.parametrize("args", [
    ["profile", "KZ", "--top", "-1"],
    ["profile", "KZ", "--top", "99999999999999999999"],
    ["as", "9198", "--top", "-5"],
    ["dependency", "KZ", "--top", "-3"],
    ["dependency", "KZ", "--chokepoints", "1000000"],
    ["simulate", "kz-china-route", "--top", "-1"],
    ["sweep", "KZ", "--single-link-failures", "--top", "-1"],
    ["world-matrix", "--out", "x.parquet", "--sample", "-4"],
    ["world-matrix", "--out", "x.parquet", "--sample", "0"],
    ["world-matrix", "--out", "x.parquet", "--workers", "100000"],
])
def test_negative_or_huge_counts(tmp_path: Path, args: list[str]) -> None:
    done = cli(*args, "--data-dir", tmp_path)
    refused(done, "Invalid value for")
    assert "Input should be" in done.stderr or "not a valid integer" in done.stderr


@pytest.mark.parametrize("args", [
    ["simulate", "kz-china-route", "--plot", "{dir}"],
    ["simulate", "kz-china-route", "--plot", "{file}/sub/x.png"],
    ["simulate", "kz-china-route", "--plot", "{tmp}/x.gif"],
    ["history", "KZ", "--plot", "{dir}"],
    ["world-matrix", "--out", "{dir}"],
    ["world-matrix", "--out", "{tmp}/m.parquet", "--png", "{file}/x.png"],
    ["report", "KZ", "--out", "{dir}"],
    ["report", "KZ", "--out", "{tmp}/r.html", "--pdf", "{file}/r.pdf"],
    ["outages", "{mrt}", "--country", "KZ", "--plot", "{dir}"],
])
def test_output_paths_checked_before_computing(tmp_path: Path, mirror: Path,
                                                args: list[str]) -> None:
    """An output onto a directory, under a file, or with a wrong suffix fails at once (the
    store here is empty: computing would fail differently, later)."""
    folder, file = tmp_path / "dir.png", tmp_path / "a-file"
    folder.mkdir()
    file.write_text("x")
    mrt = mirror / "mrt" / "updates.20240914.bgpkit-sample.bz2"
    argv = [a.format(dir=folder, file=file, tmp=tmp_path, mrt=mrt) for a in args]
    err = refused(cli(*argv, "--data-dir", tmp_path / "empty-store"))
    assert "no data loaded" not in err  # refused before the store was even opened
    assert not (tmp_path / "empty-store").exists()


def test_history_checks_the_country_before_dask(tmp_path: Path) -> None:
    err = refused(cli("history", "EU", "--data-dir", tmp_path), "EU")
    assert "distributed" not in err and len(err.strip().splitlines()) <= 2


def test_fidelity_with_an_empty_relationships_file(tmp_path: Path, mirror: Path) -> None:
    empty = tmp_path / "empty.as-rel.txt"
    empty.write_text("# comments only\n")
    rib = mirror / "rib-text" / "route-views.wide.20100701.0759.bgpdump-m.txt.gz"
    refused(cli("fidelity", "--relationships", empty, "--rib", rib), "holds no AS links")


def test_fidelity_with_an_empty_rib_says_no_routes(tmp_path: Path, mirror: Path) -> None:
    import bz2

    rel = tmp_path / "rel.txt"
    rel.write_bytes(bz2.decompress(
        (mirror / "caida" / "serial-1" / "20100101.as-rel.txt.bz2").read_bytes())[:200_000]
        .rsplit(b"\n", 1)[0])
    rib = tmp_path / "empty-rib.txt"
    rib.write_text("")
    refused(cli("fidelity", "--relationships", rel, "--rib", rib), "no routes to score")


def test_fetch_data_dir_onto_a_file(tmp_path: Path, mirror: Path) -> None:
    target = tmp_path / "not-a-dir"
    target.write_text("x")
    refused(cli("fetch", "ris-collectors-20230801", "--mirror", mirror, "--data-dir", target),
            "is a file")
    assert target.read_text() == "x"
