"""Discovery and date selection over ten years of snapshots: cold, then from a warm cache.

A synthetic set of publishers, ending today, is served in-process (``httpx.MockTransport``)
with every index page rendered in its publisher's own format by the renderers of
``tests/sources/_publishers.py``:

* CAIDA serial-1 and serial-2 (monthly, 120 each, Apache tables), as-organizations
  (quarterly), IXP lists (monthly), RouteViews pfx2as v4 and v6 and PeeringDB dumps
  (daily under ``YYYY/MM/``: 3,652 each);
* the five RIRs (daily, a ``.md5`` beside each file, one directory per year: 7,300
  entries each; RIPE NCC and ARIN as nginx pages, AFRINIC Apache, APNIC and LACNIC FTP
  ``LIST``);
* npm metadata with a version a day (3,652 versions) for each ip-location-db package;
* RIPE RIS rrc00 and RouteViews route-views2 (120 month directories each; a RIS month
  lists 90 RIB dumps and 8,640 update files, a RouteViews month 360 and 2,880).

The work timed is what ``fetch``, ``update`` and ``datasets --available`` ask: the newest
snapshot of every kind, the snapshot in force on 25 dates spread over the ten years for
every kind, the RIB in force on those dates at both collectors, and the list of every RIR
file of the last year. It runs twice: cold (every index fetched and parsed, and written to
the cache) and warm (a new run reading only the cache; ``update`` and ``--refresh`` would
re-read the open periods, the newest month or year of each series).

Goal (issue 16): under 2 s from a warm cache.

Run: ``python -m benchmarks discovery`` (from the repository root). Measured 2026-12-03 on the
shared 2-core machine (load average 4.8): 1,506,393 index entries; cold 22.2 s (258
listings fetched, rendered and parsed, 261,651 entries); warm 1.15 s wall, 0.96 s CPU,
2,325 selections, no request.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
from tests.sources._publishers import render_apache, render_ftp, render_nginx

from crossroads.sources.index import HttpTransport, IndexCache
from crossroads.sources.index.discover import KINDS, Index

Rows = list[tuple[str, int | None, datetime]]


def _days(end: date, years: int = 10) -> list[date]:
    start = end.replace(year=end.year - years)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _months(days: list[date]) -> list[date]:
    return sorted({d.replace(day=1) for d in days})


def _at(d: date, hour: int = 6) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC)


class Synthetic:
    """The publishers' directories: small ones listed up front, the collectors' month
    directories (about 9,000 entries each) made when asked for."""

    def __init__(self, end: date) -> None:
        self.days = _days(end)
        self.months = _months(self.days)
        self.dirs: dict[str, Rows] = {}
        self._known: set[tuple[str, str]] = set()
        self.docs: dict[str, bytes] = {}
        self._fill(end)

    def add(self, folder: str, name: str, size: int | None, when: datetime) -> None:
        """A row in ``folder``, and ``folder`` in its parent's rows (once)."""
        if name.endswith("/"):
            if (folder.rstrip("/"), name.rstrip("/")) in self._known:
                return
            self._known.add((folder.rstrip("/"), name.rstrip("/")))
        rows = self.dirs.setdefault(folder, [])
        rows.append((name, size, when))
        parent, _, last = folder.rstrip("/").rpartition("/")
        if parent.count("/") >= 2:
            self.add(parent + "/", last + "/", None, when)

    def _fill(self, end: date) -> None:
        caida = "/publicdata.caida.org/datasets/"
        for m in self.months:
            self.add(caida + "as-relationships/serial-1/", f"{m:%Y%m%d}.as-rel.txt.bz2",
                     900_000, _at(m))
            self.add(caida + "as-relationships/serial-2/", f"{m:%Y%m%d}.as-rel2.txt.bz2",
                     1_800_000, _at(m))
            self.add(caida + "ixps/", f"ixs_{m:%Y%m}.jsonl", 600_000, _at(m))
            if m.month in (1, 4, 7, 10):
                self.add(caida + "as-organizations/", f"{m:%Y%m%d}.as-org2info.jsonl.gz",
                         9_000_000, _at(m))
            for root in ("/data.ris.ripe.net/rrc00/", "/archive.routeviews.org/bgpdata/"):
                self.add(root, f"{m:%Y.%m}/", None, _at(m))
            for sub in ("RIBS/", "UPDATES/"):
                self.add(f"/archive.routeviews.org/bgpdata/{m:%Y.%m}/", sub, None, _at(m))
        for d in self.days:
            for tree, fam in (("routeviews-prefix2as", "rv2"), ("routeviews6-prefix2as", "rv6")):
                self.add(f"{caida}routing/{tree}/{d:%Y}/{d:%m}/",
                         f"routeviews-{fam}-{d:%Y%m%d}-1200.pfx2as.gz", 3_000_000, _at(d, 20))
            self.add(f"{caida}peeringdb/{d:%Y}/{d:%m}/", f"peeringdb_2_dump_{d:%Y_%m_%d}.json",
                     250_000_000, _at(d, 2))
            for rir, root, comp in (
                ("afrinic", "/ftp.afrinic.net/pub/stats/afrinic/", ""),
                ("apnic", "/ftp.apnic.net/stats/apnic/", ".gz"),
                ("arin", "/ftp.arin.net/pub/stats/arin/", ""),
                ("lacnic", "/ftp.lacnic.net/pub/stats/lacnic/", ""),
                ("ripencc", "/ftp.ripe.net/pub/stats/ripencc/", ".bz2"),
            ):
                name = f"delegated-{rir}-extended-{d:%Y%m%d}"
                self.add(f"{root}{d:%Y}/", name + comp, 3_000_000, _at(d, 23))
                self.add(f"{root}{d:%Y}/", name + ".md5", 74, _at(d, 23))
        self.dirs["/archive.routeviews.org/"] = [("bgpdata/", None, _at(end))]
        self.docs["/stat.ripe.net/data/rrc-info/data.json"] = json.dumps(
            {"data": {"rrcs": [{"name": "RRC00", "deactivated_on": "", "peers": []}]}}).encode()
        for pkg in ("asn", "asn-country", "geo-whois-asn-country"):
            versions = {f"2.3.{d:%Y%m%d}19": f"{d:%Y-%m-%d}T19:12:03.456Z" for d in self.days}
            self.docs[f"/registry.npmjs.org/@ip-location-db/{pkg}"] = json.dumps(
                {"name": f"@ip-location-db/{pkg}", "versions": {v: {} for v in versions},
                 "time": {"created": "2016-01-01T00:00:00Z", **versions}}).encode()

    def rows(self, path: str) -> Rows | None:
        """The rows of directory ``path`` (None: no such directory)."""
        parts = path.strip("/").split("/")
        if path.startswith("/data.ris.ripe.net/rrc00/") and len(parts) == 3:
            return self._month(parts[2], (
                *((f"bview.{{d:%Y%m%d}}.{h:02d}00.gz", h, 1_600_000_000) for h in (0, 8, 16)),
                *((f"updates.{{d:%Y%m%d}}.{k // 12:02d}{k % 12 * 5:02d}.gz", k // 12, 6_000_000)
                  for k in range(288))))
        if path.startswith("/archive.routeviews.org/bgpdata/") and len(parts) == 4:
            if parts[3] == "RIBS":
                return self._month(parts[2], ((f"rib.{{d:%Y%m%d}}.{h:02d}00.bz2", h, 90_000_000)
                                              for h in range(0, 24, 2)))
            return self._month(parts[2], ((f"updates.{{d:%Y%m%d}}.{k // 4:02d}{k % 4 * 15:02d}"
                                           ".bz2", k // 4, 500_000) for k in range(96)))
        return self.dirs.get(path)

    def _month(self, month: str, files: object) -> Rows:
        pattern = list(files)  # type: ignore[call-overload]
        days = [d for d in self.days if f"{d:%Y.%m}" == month]
        return [(name.format(d=d), size, _at(d, hour)) for d in days
                for name, hour, size in pattern]

    def entries(self) -> int:
        """Index entries in all directories (the collectors' months counted, not made:
        a day is 3 + 288 RIS files and 12 + 96 RouteViews files)."""
        return len(self.days) * (3 + 288 + 12 + 96) + sum(len(r) for r in self.dirs.values())


def _page(path: str, rows: Rows, now: datetime) -> str:
    host = path.split("/")[1]
    shown = "/" + "/".join(path.split("/")[2:])
    if host in ("ftp.apnic.net", "ftp.lacnic.net"):
        return render_ftp(rows, now)
    if host in ("data.ris.ripe.net", "ftp.ripe.net", "ftp.arin.net"):
        return render_nginx(shown, rows)
    return render_apache(shown.rstrip("/") or "/", rows)


def _transport(pubs: Synthetic, counts: dict[str, int]) -> HttpTransport:
    now = datetime.now(UTC)
    pages: dict[str, bytes] = {}

    def handle(request: httpx.Request) -> httpx.Response:
        path = unquote(urlsplit(str(request.url)).path)
        counts["requests"] += 1
        if path in pubs.docs:
            return httpx.Response(200, content=pubs.docs[path])
        if path not in pages:
            rows = pubs.rows(path)
            if rows is None:
                return httpx.Response(404)
            pages[path] = _page(path, sorted(rows), now).encode()
            counts["entries"] += len(rows)
        return httpx.Response(200, content=pages[path])

    client = httpx.Client(transport=httpx.MockTransport(handle))
    return HttpTransport(base="http://publishers.test", client=client)


def workload(idx: Index, end: date) -> int:
    """The queries timed; returns how many snapshots they selected."""
    dates = [end - timedelta(days=int(i * 3650 / 24)) for i in range(25)]
    n = 0
    for kind in KINDS:
        n += len(idx.in_force(kind, collectors=["rrc00", "route-views2"]) if kind in (
            "rib", "updates") else idx.in_force(kind))
        if kind in ("rib", "updates", "ris-peers"):
            continue
        for d in dates:
            n += len(idx.in_force(kind, d))
    for d in dates:
        n += len(idx.in_force("rib", d, collectors=["rrc00", "route-views2"]))
    n += len(idx.available("rir", since=end - timedelta(days=365)))
    return n


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="discovery", description=__doc__)
    ap.add_argument("--end", type=date.fromisoformat, default=datetime.now(UTC).date())
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    pubs = Synthetic(args.end)
    print(f"synthetic publishers: {len(pubs.dirs) + 3 * len(pubs.months):,} directories, "
          f"{pubs.entries():,} index entries, made in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "index"
        counts = {"requests": 0, "entries": 0}
        t0 = time.perf_counter()
        cold = workload(Index(_transport(pubs, counts), IndexCache(cache)), args.end)
        cold_s = time.perf_counter() - t0  # includes rendering the pages it asks for
        print(f"cold: {cold_s:.2f} s, {counts['requests']} index requests, "
              f"{counts['entries']:,} entries listed, {cold} selections")
        warm_counts = {"requests": 0, "entries": 0}
        t0, c0 = time.perf_counter(), time.process_time()
        warm = workload(Index(_transport(pubs, warm_counts), IndexCache(cache)), args.end)
        warm_s, warm_cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"warm: {warm_s:.2f} s ({warm_cpu:.2f} s CPU), {warm_counts['requests']} index "
              "requests, "
              f"{warm} selections (cache {sum(f.stat().st_size for f in cache.iterdir()):,} "
              f"bytes); goal < 2 s: {'met' if warm_s < 2 else 'NOT met'}")
        print(f"load average {os.getloadavg()[0]:.1f}")
    return 0 if warm == cold else 1


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
