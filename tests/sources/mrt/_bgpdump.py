"""Render crossroads rows the way ``bgpdump -m`` prints them, and run bgpdump itself.

Used only by the tests: an independent re-statement of bgpdump's text rules (bgpdump.c
``table_line_*`` and bgpdump_lib.c ``process_attr_aspath_string``), so the comparison is
field by field on the real program's output.
"""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
from pathlib import Path

import pyarrow as pa
import pytest

_OPEN = {1: "{", 3: "(", 4: "["}
_CLOSE = {1: "}", 3: ")", 4: "]"}
_WELL_KNOWN = {0xFFFFFF01: "no-export", 0xFFFFFF02: "no-advertise", 0xFFFFFF03: "local-AS"}


def bgpdump_path(asns: list[int], segments: list[dict[str, int]]) -> str:
    """AS path text: sequences space-separated, ``{a,b}`` sets, ``(a b)``/``[a,b]`` confeds."""
    out: list[str] = []
    i = 0
    prev = 2
    space = False
    for seg in segments:
        t, n = seg["type"], seg["length"]
        if prev != 2:
            out.append(_CLOSE[prev])
        if space:
            out.append(" ")
        if t != 2:
            out.append(_OPEN[t])
        sep = "," if t in (1, 4) else " "
        out.append(sep.join(str(a) for a in asns[i : i + n]))
        space = n > 0 or space
        i += n
        prev = t
    if segments and prev != 2:
        out.append(_CLOSE[prev])
    return "".join(out)


def bgpdump_communities(values: list[int]) -> str:
    return " ".join(_WELL_KNOWN.get(v, f"{v >> 16}:{v & 0xFFFF}") for v in values)


def rows_as_bgpdump(table: pa.Table, et: bool) -> list[tuple[str, ...]]:
    """(ts, type, peer, peer_as, prefix, path, origin, next_hop, communities) per row."""
    cols = {name: table.column(name).to_pylist() for name in (
        "timestamp", "type", "peer_ip", "peer_asn", "prefix", "as_path", "as_path_segments",
        "origin", "next_hop", "communities", "old_state", "new_state")}
    out = []
    for i in range(table.num_rows):
        t = cols["timestamp"][i]
        sec = int(t.timestamp())
        ts = f"{sec}.{t.microsecond:06d}" if et else str(sec)
        kind = cols["type"][i]
        peer, pas = cols["peer_ip"][i], str(cols["peer_asn"][i])
        if kind == "state":
            out.append((ts, "STATE", peer, pas, str(cols["old_state"][i]),
                        str(cols["new_state"][i])))
        elif kind == "withdraw":
            out.append((ts, "W", peer, pas, cols["prefix"][i]))
        else:
            o = cols["origin"][i]
            out.append((
                ts, "B" if kind == "rib" else "A", peer, pas, cols["prefix"][i],
                bgpdump_path(cols["as_path"][i], cols["as_path_segments"][i]),
                {0: "IGP", 1: "EGP"}.get(o, "INCOMPLETE"),
                cols["next_hop"][i] or "255.255.255.255",
                bgpdump_communities(cols["communities"][i]),
            ))
    return out


def canonical(text: str) -> str:
    """An address or prefix in Python's RFC 5952 form (bgpdump compresses single 0 groups)."""
    if "/" in text:
        addr, length = text.split("/")
        return f"{ipaddress.ip_address(addr)}/{length}"
    return str(ipaddress.ip_address(text))


def _canon_row(r: tuple[str, ...]) -> tuple[str, ...]:
    f = list(r)
    f[2] = canonical(f[2])
    if f[1] != "STATE":
        f[4] = canonical(f[4])
    if f[1] in ("A", "B"):
        f[7] = canonical(f[7])
    return tuple(f)


def canonical_rows(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Rows with every address and prefix rewritten by :func:`canonical`."""
    return [_canon_row(r) for r in rows]


def bgpdump_lines(path: Path) -> list[tuple[str, ...]]:
    """``bgpdump -m`` on ``path``, each line cut to the fields of :func:`rows_as_bgpdump`."""
    exe = shutil.which("bgpdump")
    if exe is None:
        pytest.fail("bgpdump is not installed: run scripts/system-deps.sh")
    text = subprocess.run(
        [exe, "-m", "-v", str(path)], check=True, capture_output=True, text=True
    ).stdout
    out = []
    for line in text.splitlines():
        f = line.split("|")
        if f[0].endswith("_AP") and f[2] in ("A", "B"):
            del f[6]  # ADD-PATH lines carry the path identifier after the prefix
        if f[2] == "STATE":
            out.append((f[1], "STATE", f[3], f[4], f[5], f[6]))
        elif f[2] == "W":
            out.append((f[1], "W", f[3], f[4], f[5]))
        else:
            out.append((f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[11]))
    return out
