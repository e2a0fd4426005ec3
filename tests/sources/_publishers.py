"""A publisher-shaped tree for discovery tests, and a local HTTP server that serves it.

:func:`build_tree` lays out, under ``ROOT/HOST/PATH``, files made from the public-data
mirror's real files (whole, or their first lines when a second date is needed and only
one file exists), each publisher's index in its own format, and at least two dates per
kind:

* CAIDA (``publicdata.caida.org``) and RouteViews (``archive.routeviews.org``): Apache
  ``mod_autoindex`` HTML tables, sizes rounded (``1.7M``);
* RIPE RIS (``data.ris.ripe.net``), the RIPE NCC and ARIN stats servers: nginx
  ``autoindex`` ``<pre>`` pages, exact sizes;
* AFRINIC: an Apache table; APNIC and LACNIC: FTP ``LIST`` answers (``ls -l`` lines, as
  their FTP servers give and ``wget`` keeps in ``.listing``);
* npm registry metadata for ``@ip-location-db/*`` (``versions``/``time``), the CSVs on a
  jsDelivr-shaped path; RIPEstat ``rrc-info`` built from the mirror's RIS peer list.

Every directory's page is a file (``index.html`` or ``.listing``) so that the same tree is
also a local mirror, read by :class:`~crossroads.sources.index.DirectoryTransport`.
:func:`publish` adds a file later and rewrites its directory's page (a snapshot that
appears). :class:`PublisherServer` serves the tree on 127.0.0.1 with HTTP Range, ETags,
and injectable faults (404, 500, a connection cut after N bytes, a slow answer).
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import html
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

APACHE = {"publicdata.caida.org", "archive.routeviews.org", "ftp.afrinic.net"}
NGINX = {"data.ris.ripe.net", "ftp.ripe.net", "ftp.arin.net"}
FTP = {"ftp.apnic.net", "ftp.lacnic.net"}
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _apache_size(n: int) -> str:
    for unit, mult in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if n >= mult:
            v = n / mult
            return f"{v:.1f}{unit}" if v < 10 else f"{round(v)}{unit}"
    return str(n)


def _rows(folder: Path) -> list[tuple[str, int | None, datetime]]:
    out = []
    for p in sorted(folder.iterdir()):
        if p.name in ("index.html", ".listing"):
            continue
        when = datetime.fromtimestamp(p.stat().st_mtime, UTC)
        out.append((p.name + "/", None, when) if p.is_dir() else (p.name, p.stat().st_size, when))
    return out


def render_apache(path: str, rows: list[tuple[str, int | None, datetime]]) -> str:
    """An Apache 2.4 ``mod_autoindex`` page with ``HTMLTable``."""
    head = (f'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<html>\n <head>\n'
            f"  <title>Index of {path}</title>\n </head>\n <body>\n<h1>Index of {path}</h1>\n"
            '  <table>\n   <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th>'
            '<th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th>'
            '<th><a href="?C=S;O=A">Size</a></th><th><a href="?C=D;O=A">Description</a></th>'
            '</tr>\n   <tr><th colspan="5"><hr></th></tr>\n'
            '<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td>'
            f'<a href="{quote(path.rsplit("/", 2)[0] + "/")}">Parent Directory</a></td>'
            '<td>&nbsp;</td><td align="right">  - </td><td>&nbsp;</td></tr>\n')
    body = []
    for name, size, when in rows:
        shown = html.escape(name if len(name) <= 23 else name[:20] + "..>")
        body.append(
            '<tr><td valign="top"><img src="/icons/unknown.gif" alt="[   ]"></td>'
            f'<td><a href="{quote(name)}">{shown}</a></td>'
            f'<td align="right">{when:%Y-%m-%d %H:%M}  </td>'
            f'<td align="right">{"  - " if size is None else _apache_size(size)}</td>'
            "<td>&nbsp;</td></tr>")
    return head + "\n".join(body) + '\n   <tr><th colspan="5"><hr></th></tr>\n</table>\n' \
        "</body></html>\n"


def render_nginx(path: str, rows: list[tuple[str, int | None, datetime]]) -> str:
    """An nginx ``autoindex`` page (exact sizes)."""
    lines = [f"<html>\n<head><title>Index of {path}</title></head>\n<body>\n"
             f'<h1>Index of {path}</h1><hr><pre><a href="../">../</a>']
    for name, size, when in rows:
        pad = " " * max(1, 51 - len(name))
        lines.append(f'<a href="{quote(name)}">{html.escape(name)}</a>{pad}'
                     f'{when:%d-%b-%Y %H:%M} {"-" if size is None else size:>19}')
    return "\n".join(lines) + "\n</pre><hr></body>\n</html>\n"


def render_ftp(rows: list[tuple[str, int | None, datetime]], now: datetime) -> str:
    """An FTP ``LIST`` answer (``ls -l``; a time of day within the last six months)."""
    out = []
    for name, size, when in rows:
        recent = (now - when).days < 180
        stamp = f"{when:%H:%M}" if recent else f" {when.year}"
        kind, n = ("d", 4096) if size is None else ("-", size)
        out.append(f"{kind}rw-r--r--    1 ftp      ftp      {n:>10} "
                   f"{_MONTHS[when.month - 1]} {when.day:2d} {stamp:>5} {name.rstrip('/')}")
    return "\r\n".join(out) + "\r\n"


def write_index(root: Path, folder: Path) -> None:
    """(Re)write ``folder``'s listing page in its publisher's format."""
    rel = folder.relative_to(root)
    host = rel.parts[0]
    path = "/" + "/".join(rel.parts[1:]) + ("/" if len(rel.parts) > 1 else "")
    rows = _rows(folder)
    if host in FTP:
        (folder / ".listing").write_text(render_ftp(rows, datetime.now(UTC)), encoding="utf-8")
    elif host in NGINX:
        (folder / "index.html").write_text(render_nginx(path, rows), encoding="utf-8")
    else:
        (folder / "index.html").write_text(render_apache(path.rstrip("/") or "/", rows),
                                           encoding="utf-8")


def publish(root: Path, url: str, data: bytes, when: datetime | None = None) -> Path:
    """Put ``data`` at ``url``'s place in the tree (modified ``when``) and rewrite the
    listing pages of its directory and of every directory above it on that host."""
    parts = urlsplit(url)
    host = root / parts.netloc
    path = host / unquote(parts.path).lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if when is not None:
        os.utime(path, (when.timestamp(), when.timestamp()))
    for folder in [path.parent, *path.parent.parents]:
        if folder != host and host not in folder.parents:
            break
        write_index(root, folder)
    return path


def _lines(path: Path, n: int) -> bytes:
    """The first ``n`` lines of a compressed mirror file."""
    opener = bz2.open if path.suffix == ".bz2" else gzip.open
    with opener(path, "rb") as f:
        return b"".join(f.readline() for _ in range(n))


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


@dataclass
class Tree:
    """The tree built, and what the tests need to know of it."""

    root: Path
    mirror: Path
    rows: dict[str, int] = field(default_factory=dict)
    """Dataset name → its data lines (RIR files: delegation records)."""


def build_tree(root: Path, mirror: Path) -> Tree:
    """Lay out every publisher (see module doc); see each block for what is served."""
    tree = Tree(root, mirror)
    _caida(tree)
    _rirs(tree)
    _ildb(tree)
    _ris(tree)
    _routeviews(tree)
    # RouteViews' peer list has no publisher index: the catalogue's URL, served as is
    publish(root, "https://raw.githubusercontent.com/sermpezis/ai4netmon/main/data/misc/"
                  "RouteViews_20230801.txt",
            (mirror / "collectors/RouteViews_20230801.txt").read_bytes())
    return tree


def _count(data: bytes) -> int:
    return sum(1 for line in data.splitlines() if line.strip() and not line.startswith(b"#"))


def _caida(tree: Tree) -> None:
    base, m = "https://publicdata.caida.org/datasets/", tree.mirror
    for year in (2002, 2004):  # serial-1: two real files
        data = (m / f"caida/serial-1/{year}0101.as-rel.txt.bz2").read_bytes()
        publish(tree.root, f"{base}as-relationships/serial-1/{year}0101.as-rel.txt.bz2", data,
                _at(f"{year}-01-05T10:00"))
        tree.rows[f"caida-as-rel-{year}0101"] = _count(bz2.decompress(data))
    real = m / "caida/20250901.as-rel2.txt.bz2"  # serial-2: the real file's first lines
    for day, n in (("20250801", 3000), ("20250901", 6000)):
        data = _lines(real, n)
        publish(tree.root, f"{base}as-relationships/serial-2/{day}.as-rel2.txt.bz2",
                bz2.compress(data), _at(f"{day[:4]}-{day[4:6]}-03T08:00"))
        tree.rows[f"caida-as-rel2-{day}"] = _count(data)
    fixtures = Path(__file__).parent / "fixtures"
    for name, when in (("20100101.as-org2info.txt", "2010-01-20"),
                       ("20240101.as-org2info.txt", "2024-01-20"),
                       ("20240101.as-org2info.jsonl", "2024-01-20")):
        publish(tree.root, f"{base}as-organizations/{name}.gz",
                gzip.compress((fixtures / name).read_bytes()), _at(when + "T06:00"))
    v4 = (fixtures / "routeviews-rv2-20240101.pfx2as").read_bytes()
    v6 = b"2001:db8::\t32\t64500\n2001:db8:1::\t48\t64501_64502\n"
    for day, hm4, hm6 in (("20240101", "1200", "0000"), ("20240201", "0800", "1000")):
        y, mo = day[:4], day[4:6]
        publish(tree.root, f"{base}routing/routeviews-prefix2as/{y}/{mo}/"
                f"routeviews-rv2-{day}-{hm4}.pfx2as.gz", gzip.compress(v4),
                _at(f"{y}-{mo}-{day[6:]}T20:00"))
        publish(tree.root, f"{base}routing/routeviews6-prefix2as/{y}/{mo}/"
                f"routeviews-rv6-{day}-{hm6}.pfx2as.gz", gzip.compress(v6),
                _at(f"{y}-{mo}-{day[6:]}T20:00"))
    dump = (fixtures / "peeringdb_2_dump_2024_11_01.json").read_bytes()
    for y, mo, d in (("2024", "10", "31"), ("2024", "11", "01")):
        publish(tree.root, f"{base}peeringdb/{y}/{mo}/peeringdb_2_dump_{y}_{mo}_{d}.json",
                dump, _at(f"{y}-{mo}-{d}T02:00"))
    ixs = (m / "ixp/caida-ixs-202410.jsonl").read_bytes()
    for month, data in (("202409", b"".join(ixs.splitlines(keepends=True)[:400])),
                        ("202410", ixs)):
        publish(tree.root, f"{base}ixps/ixs_{month}.jsonl", data, None)
        tree.rows[f"caida-ixs-{month}"] = _count(data)


# Where each RIR files a dated copy, how it compresses it and how it writes its .md5.
_RIR_LAYOUT = {
    "afrinic": ("https://ftp.afrinic.net/pub/stats/afrinic/", "{y}/", "", "bsd"),
    "apnic": ("https://ftp.apnic.net/stats/apnic/", "{y}/", ".gz", "bsd"),
    "arin": ("https://ftp.arin.net/pub/stats/arin/", "", "", "gnu"),
    "lacnic": ("https://ftp.lacnic.net/pub/stats/lacnic/", "", "", "bsd"),
    "ripencc": ("https://ftp.ripe.net/pub/stats/ripencc/", "{y}/", ".bz2", "bsd"),
}


def _md5_line(style: str, name: str, data: bytes) -> bytes:
    digest = _md5(data)
    return (f"MD5 ({name}) = {digest}" if style == "bsd" else f"{digest}  {name}\n").encode()


def _rirs(tree: Tree) -> None:
    for rir, (root, sub, comp, style) in _RIR_LAYOUT.items():
        real = tree.mirror / f"rir-2018-10-13/delegated-{rir}-extended-20181013.gz"
        for day, n in (("20181012", 1500), ("20181013", 3000)):
            data = _lines(real, n)
            name = f"delegated-{rir}-extended-{day}"
            folder = root + sub.format(y=day[:4])
            packed = {"": data, ".gz": gzip.compress(data), ".bz2": bz2.compress(data)}[comp]
            when = _at(f"2018-10-{int(day[6:]) + 1}T00:07")
            publish(tree.root, folder + name + comp, packed, when)
            # the .md5 names the uncompressed file, and checks its content
            publish(tree.root, folder + name + ".md5", _md5_line(style, name, data), when)
            # records: not the version line, not the summaries, not comments
            tree.rows[f"rir-{rir}-{day}"] = sum(
                1 for line in data.splitlines()[1:]
                if line.strip() and not line.startswith(b"#") and not line.endswith(b"|summary"))
        publish(tree.root, f"{root}delegated-{rir}-extended-latest", data,
                _at("2018-10-14T00:07"))
        publish(tree.root, f"{root}delegated-{rir}-extended-latest.md5",
                _md5_line(style, f"delegated-{rir}-extended-latest", data),
                _at("2018-10-14T00:07"))


ILDB_VERSIONS = (("2.3.2026052019", "2026-05-20T19:20:11.123Z", 1500),
                 ("2.3.2026061719", "2026-06-17T19:12:03.456Z", 3000))


def _ildb(tree: Tree) -> None:
    packages = {"asn": ("asn-ipv4", "asn-ipv6"),
                "asn-country": ("asn-country-ipv4", "asn-country-ipv6"),
                "geo-whois-asn-country": ("geo-whois-asn-country-ipv4",
                                          "geo-whois-asn-country-ipv6")}
    for pkg, stems in packages.items():
        doc = {"_id": f"@ip-location-db/{pkg}", "name": f"@ip-location-db/{pkg}",
               "dist-tags": {"latest": ILDB_VERSIONS[-1][0]},
               "time": {"created": "2021-03-01T00:00:00.000Z",
                        "modified": ILDB_VERSIONS[-1][1],
                        "1.0.0-unpublished": "2021-03-01T00:00:00.000Z"},
               "versions": {}}
        for version, stamp, n in ILDB_VERSIONS:
            doc["time"][version] = stamp
            doc["versions"][version] = {
                "name": doc["name"], "version": version,
                "dist": {"tarball": f"https://registry.npmjs.org/@ip-location-db/{pkg}/-/"
                                    f"{pkg}-{version}.tgz", "shasum": "0" * 40}}
            for stem in stems:
                data = _lines(tree.mirror / f"ip-location-db/{stem}.csv.gz", n)
                publish(tree.root, f"https://cdn.jsdelivr.net/npm/@ip-location-db/{pkg}@"
                        f"{version}/{stem}.csv", data)
                tree.rows[f"ip-location-db-{stem}-{stamp[:10].replace('-', '')}"] = n
        publish(tree.root, f"https://registry.npmjs.org/@ip-location-db/{pkg}",
                json.dumps(doc).encode())


def rrc_info(mirror: Path) -> bytes:
    """RIPEstat ``rrc-info`` built from the mirror's RIS peer list (RRC03 marked
    deactivated, to have one)."""
    peers = json.loads((mirror / "collectors/RIPE_RIS_collectors_20230801.json").read_bytes())
    rrcs = []
    for k, (name, plist) in enumerate(sorted(peers.items())):
        rrcs.append({
            "id": k, "name": name.upper(), "geographical_location": "Somewhere",
            "topological_location": "Multihop" if name == "rrc00" else "IXP",
            "multihop": name == "rrc00", "activated_on": "1999-10-01T00:00:00",
            "deactivated_on": "2008-11-01T00:00:00" if name == "rrc03" else "",
            "peers": [{"asn": int(p["asn"]), "ip": p["ip"],
                       "v4_prefix_count": p["v4_prefix_count"],
                       "v6_prefix_count": p["v6_prefix_count"],
                       "is_full_feed_v4": p["v4_prefix_count"] > 600000,
                       "is_full_feed_v6": p["v6_prefix_count"] > 80000} for p in plist]})
    return json.dumps({"status": "ok", "data_call_name": "rrc-info",
                       "data": {"rrcs": rrcs}}).encode()


# RIB bytes: the mirror's rrc00 bview (TABLE_DUMP) and update files standing in for dumps
RIS_FILES = {
    "rrc00/2024.08/bview.20240831.1600.gz": "mrt/bview.20020722.2337.gz",
    "rrc00/2024.09/bview.20240901.0000.gz": "mrt/bview.20020722.2337.gz",
    "rrc00/2024.09/bview.20240901.0800.gz": "mrt/updates.20070211.0141.gz",
    "rrc00/2024.09/updates.20240901.0000.gz": "mrt/updates.20100722.2015.gz",
}
RV_FILES = {
    "bgpdata/2024.08/RIBS/rib.20240831.2200.bz2": "mrt/updates.20071015.1505.gz",
    "bgpdata/2024.09/RIBS/rib.20240901.0000.bz2": "mrt/updates.20160811.1600.gz",
    "bgpdata/2024.09/UPDATES/updates.20240901.0000.bz2": "mrt/updates.20100722.2015.gz",
    "route-views.linx/bgpdata/2024.09/RIBS/rib.20240901.0000.bz2":
        "mrt/updates.20070211.0141.gz",
}


def _ris(tree: Tree) -> None:
    publish(tree.root, "https://stat.ripe.net/data/rrc-info/data.json", rrc_info(tree.mirror))
    for rel, src in RIS_FILES.items():
        stamp = rel.rsplit("/", 1)[1].split(".")
        publish(tree.root, f"https://data.ris.ripe.net/{rel}", (tree.mirror / src).read_bytes(),
                _at(f"{stamp[1][:4]}-{stamp[1][4:6]}-{stamp[1][6:]}T{stamp[2][:2]}:40"))


def _routeviews(tree: Tree) -> None:
    for rel, src in RV_FILES.items():
        stamp = rel.rsplit("/", 1)[1].split(".")
        data = bz2.compress(gzip.decompress((tree.mirror / src).read_bytes()), 1)
        publish(tree.root, f"https://archive.routeviews.org/{rel}", data,
                _at(f"{stamp[1][:4]}-{stamp[1][4:6]}-{stamp[1][6:]}T{stamp[2][:2]}:50"))


def source_of(url: str) -> str:
    """The mirror file (``mrt/…``) a RIB URL of the tree was made from."""
    return {**RIS_FILES, **RV_FILES}[urlsplit(url).path.lstrip("/")]


class _QuietServer(ThreadingHTTPServer):
    """A client that gave up (a time-out test) is not an error worth a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class PublisherServer:
    """Serves a tree on 127.0.0.1 (``base`` is its URL); see :func:`fault`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[tuple[str, str | None]] = []
        self.faults: dict[str, list[object]] = {}
        handler = _handler(self)
        self.httpd = _QuietServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def fault(self, url: str, *behaviours: object) -> None:
        """The next requests of ``url`` (a public URL) fail, one behaviour each: ``404``,
        ``500``, ``("cut", n)`` (send n bytes then drop the connection), ``("slow", s)``
        (answer after s seconds)."""
        parts = urlsplit(url)
        self.faults[f"/{parts.netloc}{unquote(parts.path)}"] = list(behaviours)

    def paths(self) -> list[str]:
        """The request paths seen, in order."""
        return [p for p, _ in self.requests]

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> PublisherServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _handler(server: PublisherServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

        def do_GET(self) -> None:  # noqa: N802
            path = unquote(urlsplit(self.path).path)
            server.requests.append((path, self.headers.get("Range")))
            pending = server.faults.get(path)
            fault = pending.pop(0) if pending else None
            if isinstance(fault, tuple) and fault[0] == "slow":
                time.sleep(float(fault[1]))  # type: ignore[arg-type]
                fault = None
            if fault in (404, 500):
                self._send(int(fault), b"error\n", "text/plain")  # type: ignore[arg-type]
                return
            target = server.root / path.lstrip("/")
            if target.is_dir():
                for page, ctype in (("index.html", "text/html"), (".listing", "text/plain")):
                    if (target / page).is_file():
                        self._send(200, (target / page).read_bytes(), ctype)
                        return
            if not target.is_file():
                self._send(404, b"not found\n", "text/plain")
                return
            self._file(target, fault)

        def _send(self, code: int, body: bytes, ctype: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _file(self, target: Path, fault: object) -> None:
            data = target.read_bytes()
            st = target.stat()
            etag = f'"{st.st_size:x}-{st.st_mtime_ns:x}"'
            start, code = 0, 200
            rng = self.headers.get("Range")
            if rng and rng.startswith("bytes=") and self.headers.get("If-Range") in (None, etag):
                start, code = int(rng[6:].split("-")[0]), 206
            self.send_response(code)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(st.st_mtime, usegmt=True))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(len(data) - start))
            if code == 206:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.end_headers()
            if isinstance(fault, tuple) and fault[0] == "cut":
                self.wfile.write(data[start:start + int(fault[1])])  # type: ignore[call-overload]
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(data[start:])

    return Handler


def iter_requests(server: PublisherServer, prefix: str) -> Iterator[tuple[str, str | None]]:
    """The requests whose path starts with ``prefix``."""
    return (r for r in server.requests if r[0].startswith(prefix))
