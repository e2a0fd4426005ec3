"""Directory listings as publishers serve them, read into :class:`Entry` rows.

Three shapes are read, recognised from the text itself:

* **Apache ``mod_autoindex`` as an HTML table** (CAIDA, RouteViews, AFRINIC):
  ``<tr><td><a href="rib.20240901.0000.bz2">rib.20240901.0000.bz2</a></td>
  <td align="right">2024-09-01 00:54  </td><td align="right"> 93M</td>…``;
* **``<pre>`` listings** (nginx ``autoindex``: RIPE RIS, the RIPE NCC and ARIN stats
  servers; Apache without ``HTMLTable``): ``<a href="x">x</a>   01-Sep-2024 08:00   12345``;
* **FTP ``LIST`` answers** (``ls -l`` lines, what the RIRs' FTP servers return and what
  ``wget`` keeps as ``.listing`` in an FTP mirror):
  ``-rw-r--r--  1 ftp ftp 3330266 Oct 13 23:59 delegated-ripencc-extended-20181013.bz2``.

Sizes: nginx and FTP give bytes (exact); Apache prints ``6.4M``/``1.5G`` in 1024 units,
so such a size is kept with its rounding ``slack`` (one unit of the last digit shown).
Times are UTC (both servers print the server's zone; the publishers read here run on UTC).

>>> rows = parse_listing('<a href="bview.20240901.0000.gz">bview.20240901.0000.gz</a>'
...                      '     01-Sep-2024 01:42     1610612736')
>>> rows[0].name, rows[0].size, rows[0].modified.isoformat()
('bview.20240901.0000.gz', 1610612736, '2024-09-01T01:42:00+00:00')
>>> parse_listing('drwxr-xr-x   2 ftp  ftp   4096 Jan 02  2018 2018')[0].is_dir
True
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

__all__ = ["Entry", "parse_ftp_list", "parse_html_index", "parse_listing", "parse_size"]


@dataclass(frozen=True)
class Entry:
    """One row of a directory listing; ``name`` ends with ``/`` for a directory."""

    name: str
    size: int | None = None
    modified: datetime | None = None
    slack: int = 0
    """How far the true size may be from ``size`` (a rounded ``12M`` is ±1 MiB)."""

    @property
    def is_dir(self) -> bool:
        """Whether the entry is a subdirectory."""
        return self.name.endswith("/")

    def as_row(self) -> list[object]:
        """Compact JSON form (for the index cache): name, size, POSIX time, slack."""
        stamp = int(self.modified.timestamp()) if self.modified else None
        return [self.name, self.size, stamp, self.slack]

    @staticmethod
    def from_row(row: list[object]) -> Entry:
        """Inverse of :meth:`as_row`."""
        name, size, stamp, slack = row
        when = datetime.fromtimestamp(stamp, UTC) if stamp is not None else None  # type: ignore[arg-type]
        return Entry(str(name), None if size is None else int(size), when, int(slack))  # type: ignore[call-overload]


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_SIZE = re.compile(r"^(\d+(?:\.(\d+))?)([KMGT]?)$", re.IGNORECASE)


def parse_size(token: str) -> tuple[int, int] | None:
    """``(bytes, slack)`` of a listing's size column; None for ``-`` (a directory).

    >>> parse_size("6.4M"), parse_size("14"), parse_size("-")
    ((6710886, 104857), (14, 0), None)
    """
    m = _SIZE.match(token.strip())
    if not m:
        return None
    unit = _UNITS[m.group(3).upper()]
    if unit == 1:
        return int(float(m.group(1))), 0
    decimals = len(m.group(2) or "")
    return int(float(m.group(1)) * unit), int(unit / 10**decimals)


_HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_WHEN = re.compile(
    r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?|\d{2}-[A-Za-z]{3}-\d{4} \d{2}:\d{2}(?::\d{2})?)"
    r"\s+(\S+)"
)
_WHEN_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d-%b-%Y %H:%M", "%d-%b-%Y %H:%M:%S")


def _when(text: str) -> datetime | None:
    for fmt in _WHEN_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _child(href: str, base_path: str) -> str | None:
    """The entry name an ``href`` names inside the listed directory, or None (parent,
    sort links, other directories, other hosts)."""
    if not href or href.startswith(("?", "#", "../", "mailto:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or parts.query:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        base = unquote(base_path)
        if not base.endswith("/") or not path.startswith(base) or path == base:
            return None
        path = path[len(base):]
    name = path.rstrip("/")
    if not name or "/" in name or name in (".", ".."):
        return None
    return name + ("/" if path.endswith("/") else "")


def parse_html_index(text: str, *, base_path: str = "") -> list[Entry]:
    """Entries of an Apache (table or ``<pre>``) or nginx autoindex page.

    Each link is read with the text that follows it up to the next link: the date and
    the size column come there in every layout. ``base_path`` (the listed URL's path)
    resolves absolute links some servers write.
    """
    links = list(_HREF.finditer(text))
    out: list[Entry] = []
    for i, link in enumerate(links):
        name = _child(html.unescape(link.group(1)), base_path)
        if name is None:
            continue
        end = links[i + 1].start() if i + 1 < len(links) else len(text)
        tail = html.unescape(_TAG.sub(" ", text[link.end():end])).replace("\xa0", " ")
        m = _WHEN.search(tail)
        modified = _when(m.group(1)) if m else None
        size = parse_size(m.group(2)) if m else None
        if size is None or name.endswith("/"):
            out.append(Entry(name, None, modified))
        else:
            out.append(Entry(name, size[0], modified, size[1]))
    return out


_LS = re.compile(
    r"^([dl-])[rwxsStT-]{9}\S*\s+\d+\s+\S+\s+\S+\s+(\d+)\s+"
    r"([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{4}|\d{1,2}:\d{2})\s+(.+)$"
)
_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def parse_ftp_list(text: str, *, now: datetime | None = None) -> list[Entry]:
    """Entries of an FTP ``LIST`` answer (``ls -l`` lines; ``total`` and other lines are
    skipped). A time of day instead of a year means within the last six months: the year
    is ``now``'s, or the one before when that date would lie in the future."""
    now = now or datetime.now(UTC)
    out: list[Entry] = []
    for line in text.splitlines():
        m = _LS.match(line.strip())
        if not m:
            continue
        kind, size, mon, day, year_or_time, name = m.groups()
        if kind == "l":
            name = name.split(" -> ", 1)[0]
        month = _MONTHS.get(mon)
        if month is None or name in (".", ".."):
            continue
        if ":" in year_or_time:
            hour, minute = (int(x) for x in year_or_time.split(":"))
            when = datetime(now.year, month, int(day), hour, minute, tzinfo=UTC)
            if when > now:
                when = when.replace(year=now.year - 1)
        else:
            when = datetime(int(year_or_time), month, int(day), tzinfo=UTC)
        if kind == "d":
            out.append(Entry(name + "/", None, when))
        else:
            out.append(Entry(name, int(size), when))
    return out


def parse_listing(text: str, *, base_path: str = "", now: datetime | None = None) -> list[Entry]:
    """Entries of a directory listing in any of the three shapes (see module doc)."""
    head = text.lstrip()[:2000]
    if "<a " in head.lower() or "<html" in head.lower() or "<a " in text[:20000].lower():
        return parse_html_index(text, base_path=base_path)
    return parse_ftp_list(text, now=now)
