"""Publisher indexes that are documents rather than directory listings.

* **npm registry metadata** ("packument", ``GET https://registry.npmjs.org/<name>``): a
  JSON object whose ``versions`` maps each published version to its manifest and whose
  ``time`` maps each version (and ``created``/``modified``) to an ISO 8601 UTC time.
  Reference: npm registry API, "Package metadata" (github.com/npm/registry,
  docs/responses/package-metadata.md).
* **RIPEstat ``rrc-info``** (``https://stat.ripe.net/data/rrc-info/data.json``):
  ``{"data": {"rrcs": [{"id", "name": "RRC00", "geographical_location",
  "topological_location", "multihop", "activated_on", "deactivated_on", "peers": […]}]}}``.
* **MD5 files** beside the RIRs' delegated files, in BSD form
  ``MD5 (delegated-afrinic-extended-latest) = 5a82…`` or GNU form ``0bb8…  name``.

>>> releases = parse_npm_packument(b'{"name": "@ip-location-db/asn", "versions": '
...     b'{"2.3.2026061719": {}}, "time": {"created": "2021-01-01T00:00:00.000Z", '
...     b'"2.3.2026061719": "2026-06-17T19:12:03.456Z"}}', source="asn")
>>> releases[0].version, releases[0].published.date().isoformat()
('2.3.2026061719', '2026-06-17')
>>> parse_md5(b"MD5 (delegated-ripencc-extended-latest) = 9dc7efb094d86f3d03e3cfab51716cd1")
'9dc7efb094d86f3d03e3cfab51716cd1'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from crossroads.errors import DataFormatError

__all__ = ["NpmRelease", "RisCollector", "parse_md5", "parse_npm_packument", "parse_rrc_info"]


@dataclass(frozen=True)
class NpmRelease:
    """One published version of an npm package and when it was published (UTC)."""

    version: str
    published: datetime


@dataclass(frozen=True)
class RisCollector:
    """A RIS route collector of RIPEstat's ``rrc-info``: ``name`` as in the archive
    (``rrc00``), where it is, and whether it still runs."""

    name: str
    location: str
    active: bool


def _json(body: bytes, source: str) -> object:
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataFormatError(source, f"invalid JSON: {exc}") from exc


def _utc(text: str, source: str, field: str) -> datetime:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise DataFormatError(source, "not an ISO 8601 time", field=field, value=text) from exc
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def parse_npm_packument(body: bytes, *, source: str = "<npm>") -> list[NpmRelease]:
    """The versions of a packument that are still published (``versions``), each with its
    publication time from ``time``, oldest first."""
    doc = _json(body, source)
    if not isinstance(doc, dict) or not isinstance(doc.get("versions"), dict) \
            or not isinstance(doc.get("time"), dict):
        raise DataFormatError(source, "not npm package metadata (no 'versions' and 'time')")
    times = doc["time"]
    out = []
    for version in doc["versions"]:
        stamp = times.get(version)
        if not isinstance(stamp, str):
            raise DataFormatError(source, "published version without a time",
                                  field=f"time.{version}")
        out.append(NpmRelease(version, _utc(stamp, source, f"time.{version}")))
    return sorted(out, key=lambda r: (r.published, r.version))


def parse_rrc_info(body: bytes, *, source: str = "<rrc-info>") -> list[RisCollector]:
    """The collectors of a RIPEstat ``rrc-info`` answer, by name."""
    doc = _json(body, source)
    rrcs = doc.get("data", {}).get("rrcs") if isinstance(doc, dict) else None
    if not isinstance(rrcs, list):
        raise DataFormatError(source, "not a RIPEstat rrc-info answer (no data.rrcs list)")
    out = []
    for k, rrc in enumerate(rrcs):
        name = rrc.get("name") if isinstance(rrc, dict) else None
        if not isinstance(name, str) or not re.fullmatch(r"RRC\d{2}", name, re.IGNORECASE):
            raise DataFormatError(source, "collector without an RRCnn name",
                                  field=f"data.rrcs[{k}].name", value=name)
        gone = str(rrc.get("deactivated_on") or "").strip()
        out.append(RisCollector(name.lower(), str(rrc.get("geographical_location") or ""),
                                not gone))
    return sorted(out, key=lambda c: c.name)


_BSD = re.compile(rb"^MD5 \((.+)\) = ([0-9a-fA-F]{32})\s*$")
_GNU = re.compile(rb"^([0-9a-fA-F]{32})(?:\s+\*?(.+))?\s*$")


def parse_md5(body: bytes, *, source: str = "<md5>") -> str:
    """The hex MD5 digest of a published ``.md5`` file (BSD or GNU form, first line)."""
    line = body.strip().splitlines()[0] if body.strip() else b""
    m = _BSD.match(line) or _GNU.match(line)
    if not m:
        raise DataFormatError(source, "not an MD5 checksum line", line=1,
                              value=line[:80].decode("ascii", "replace"))
    digest = m.group(2) if m.re is _BSD else m.group(1)
    return digest.decode("ascii").lower()
