"""A full-size TABLE_DUMP_V2 RIB: peak memory of ``crossroads mrt parse``, and bgpdump's agreement.

The mirror holds no full TABLE_DUMP_V2 RIB, so one is written from the 2010 RouteViews RIB
text (``rib-text/route-views.wide.20100701.0759.bgpdump-m.txt.gz``: 642k entries of 5
peers): each prefix becomes one RIB record whose entries are the text's entries repeated
for ``--copies`` copies of the peer table (copy ``i`` of peer ``a.b.c.d`` is
``a.b.c.(d + i) mod 256`` with AS ``asn + i``), ORIGIN, AS_PATH (4-byte) and NEXT_HOP as
in the text. IPv4 entries whose path holds no AS_SET are kept (the text renders sets in a
way that does not round-trip). ``--copies 24`` gives about 15 M routes, the size of a
RouteViews or RIS full RIB of dozens of peers.

Then, on the same file: ``crossroads mrt parse FILE --out DIR`` (peak RSS, wall),
``bgpdump -m FILE`` to a text file and ``zcat FILE > /dev/null``; the Arrow-only read
against ``bgpdump -m > /dev/null`` (one round of ``mrt_vs_bgpdump.measure``); and the
routes themselves:
bgpdump's lines and the Parquet rows are loaded into DuckDB and compared as multisets of
(peer, peer AS, prefix, AS path, next hop) with EXCEPT ALL both ways.

Run: ``python -m benchmarks mrt_rib [-- --copies 24 --keep DIR]``.
"""

from __future__ import annotations

import argparse
import gzip
import ipaddress
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data"
RIB_TEXT = "rib-text/route-views.wide.20100701.0759.bgpdump-m.txt.gz"
TS = 1277971199


def _attrs(path: list[int], nh: str) -> bytes:
    seg = struct.pack(">BB", 2, len(path)) + b"".join(struct.pack(">I", a) for a in path)
    return (
        b"\x40\x01\x01\x00"
        + (struct.pack(">BBH", 0x50, 2, len(seg)) if len(seg) > 255
           else struct.pack(">BBB", 0x40, 2, len(seg))) + seg
        + b"\x40\x03\x04" + ipaddress.IPv4Address(nh).packed
    )


def _record(sub: int, body: bytes) -> bytes:
    return struct.pack(">IHHI", TS, 13, sub, len(body)) + body


def write_rib(text: Path, dest: Path, copies: int) -> int:
    """Write the synthetic RIB to ``dest`` (gzip); returns the number of RIB entries."""
    peers: dict[tuple[str, int], int] = {}
    groups: list[tuple[str, list[tuple[int, bytes]]]] = []
    with gzip.open(text, "rt") as f:
        for line in f:
            p = line.split("|")
            if ":" in p[5] or "{" in p[6] or not p[6]:
                continue
            key = (p[3], int(p[4]))
            idx = peers.setdefault(key, len(peers))
            entry = (idx, _attrs([int(a) for a in p[6].split()], p[8]))
            if groups and groups[-1][0] == p[5]:
                groups[-1][1].append(entry)
            else:
                groups.append((p[5], [entry]))
    table = []
    for i in range(copies):
        for (ip, asn), _ in sorted(peers.items(), key=lambda kv: kv[1]):
            a = ipaddress.IPv4Address(ip).packed
            a = a[:3] + bytes([(a[3] + i) % 256])
            table.append(struct.pack(">BI", 2, 1) + a + struct.pack(">I", asn + i))
    pit = struct.pack(">IH", 0x0A000001, 0) + struct.pack(">H", len(table)) + b"".join(table)
    n = 0
    from isal import igzip

    with igzip.open(dest, "wb", compresslevel=1) as out:
        out.write(_record(1, pit))
        for seq, (prefix, entries) in enumerate(groups):
            net = ipaddress.IPv4Network(prefix, strict=False)
            nb = (net.prefixlen + 7) // 8
            body = [struct.pack(">IB", seq, net.prefixlen), net.network_address.packed[:nb],
                    struct.pack(">H", len(entries) * copies)]
            for i in range(copies):
                for idx, attrs in entries:
                    body.append(struct.pack(">HIH", idx + i * len(peers), TS, len(attrs)))
                    body.append(attrs)
            n += len(entries) * copies
            out.write(_record(2, b"".join(body)))
    return n


def _timed(cmd: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of a shell command, through /usr/bin/time."""
    t = time.perf_counter()
    subprocess.run(f"/usr/bin/time -f '%M' -o /tmp/.mrt_rib_rss {cmd}", shell=True, check=True)
    wall = time.perf_counter() - t
    return wall, int(Path("/tmp/.mrt_rib_rss").read_text().split()[-1])


def _compare(bgpdump_txt: Path, parquet: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"""CREATE TABLE theirs AS SELECT column03 AS peer, CAST(column04 AS UBIGINT) AS asn,
            column05 AS prefix, column06 AS path, column08 AS nh
            FROM read_csv('{bgpdump_txt}', delim='|', header=false, all_varchar=true,
                          quote='', escape='')""")
    con.execute(
        f"""CREATE TABLE ours AS SELECT peer_ip AS peer, CAST(peer_asn AS UBIGINT) AS asn,
            prefix, array_to_string(as_path, ' ') AS path, next_hop AS nh
            FROM read_parquet('{parquet}')""")
    q = "SELECT count(*) FROM (SELECT * FROM {} EXCEPT ALL SELECT * FROM {})"
    return {
        "bgpdump_rows": con.execute("SELECT count(*) FROM theirs").fetchone()[0],
        "crossroads_rows": con.execute("SELECT count(*) FROM ours").fetchone()[0],
        "only_bgpdump": con.execute(q.format("theirs", "ours")).fetchone()[0],
        "only_crossroads": con.execute(q.format("ours", "theirs")).fetchone()[0],
    }


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="mrt_rib")
    ap.add_argument("--mirror", type=Path, default=MIRROR)
    ap.add_argument("--copies", type=int, default=24)
    ap.add_argument("--keep", type=Path, help="write the RIB here and keep it")
    ap.add_argument("--no-compare", action="store_true")
    a = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="mrt-rib-"))
    rib = (a.keep or tmp) / f"rib.synthetic-x{a.copies}.gz"
    try:
        if not rib.exists():
            t = time.perf_counter()
            n = write_rib(a.mirror / RIB_TEXT, rib, a.copies)
            print(f"wrote {rib} ({n:,} RIB entries, {rib.stat().st_size / 1e6:.0f} MB) in "
                  f"{time.perf_counter() - t:.0f} s", flush=True)
        load = os.getloadavg()
        exe = Path(sys.executable).with_name("crossroads")
        ours_s, ours_kb = _timed(f"{exe} mrt parse {rib} --out {tmp / 'out'} --json > /dev/null")
        bd_s, bd_kb = _timed(f"bgpdump -m {rib} > {tmp / 'bgpdump.txt'} 2>/dev/null")
        z_s, _ = _timed(f"zcat {rib} > /dev/null")
        print(f"load average {load[0]:.1f}; crossroads mrt parse (to Parquet, zstd) "
              f"{ours_s:.1f} s, peak RSS {ours_kb // 1024} MB; bgpdump -m (to a file) "
              f"{bd_s:.1f} s, {bd_kb // 1024} MB; zcat {z_s:.1f} s", flush=True)
        from benchmarks.mrt_vs_bgpdump import measure

        print(measure(rib, 1, dict(os.environ)), flush=True)
        if not a.no_compare:
            print(_compare(tmp / "bgpdump.txt", tmp / "out" / f"{rib.name}.parquet"))
    finally:
        shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
