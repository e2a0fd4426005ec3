"""Which record walker runs: the compiled one (``_cwalk``, C) or the numba reference.

Both take the same buffers (:mod:`._buffers`), write the same rows and return the same
codes (:data:`ERRORS`); tests/sources/mrt/test_backends.py holds them equal row for row on
every mirror file. The compiled walker is built by the package's own build
(``setup.py``, an optional extension); when it is missing, or when the environment
variable ``CROSSROADS_MRT_KERNELS=numba`` asks for it, the numba reference runs. Loading
numba's cached machine code costs about a second per process; importing ``_cwalk`` costs
a millisecond, which is what makes a small file faster to read than with bgpdump.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import numpy as np

__all__ = ["ERRORS", "KernelName", "Kernels", "kernels"]

KernelName = Literal["auto", "c", "numba"]
Strings = tuple[np.ndarray, np.ndarray]  # int32 offsets, uint8 UTF-8 bytes

ERRORS: dict[int, str] = {
    10: "extended-timestamp record shorter than its 4-byte microsecond field",
    20: "path attribute overruns the attribute block",
    21: "AS path segment type is not AS_SET/AS_SEQUENCE/AS_CONFED_*",
    22: "AS path segment overruns its attribute",
    23: "fixed-size path attribute has the wrong length",
    30: "prefix length beyond the address family's width",
    31: "NLRI prefix runs past the end of its field",
    32: "more than 65,536 distinct peers in one file",
    40: "TABLE_DUMP record shorter than its fixed fields",
    41: "TABLE_DUMP prefix length beyond the address family's width",
    50: "PEER_INDEX_TABLE shorter than its peer entries",
    51: "TABLE_DUMP_V2 RIB record shorter than its entries",
    52: "TABLE_DUMP_V2 prefix length beyond the address family's width",
    53: "TABLE_DUMP_V2 RIB record before any PEER_INDEX_TABLE",
    54: "TABLE_DUMP_V2 peer index beyond the peer table",
    60: "BGP4MP message record shorter than its fixed fields",
    61: "BGP message marker is not 16 x 0xFF",
    62: "BGP message length disagrees with the MRT record length",
    63: "BGP UPDATE field lengths overrun the message",
    64: "BGP4MP state change of a wrong length",
}


@dataclass(frozen=True)
class Kernels:
    """One walker's functions: ``walk(buf, pos, rec, out, sc, peers, status)``,
    ``format_addresses(afi, addr, plen, with_len) -> (offsets, chars, valid)`` and
    ``gather_strings(offsets, chars, index) -> (offsets, chars)``."""

    name: Literal["c", "numba"]
    walk: Callable[..., None]
    format_addresses: Callable[[np.ndarray, np.ndarray, np.ndarray, bool],
                               tuple[np.ndarray, np.ndarray, np.ndarray]]
    gather_strings: Callable[[np.ndarray, np.ndarray, np.ndarray], Strings]


def _c_kernels(mod: Any) -> Kernels:
    def format_addresses(
        afi: np.ndarray, addr: np.ndarray, plen: np.ndarray, with_len: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = afi.shape[0]
        offs = np.empty(n + 1, np.int32)
        chars = np.empty(n * 44 + 1, np.uint8)
        valid = np.empty(n, np.bool_)
        k = mod.format_into(np.ascontiguousarray(afi), np.ascontiguousarray(addr),
                            np.ascontiguousarray(plen), with_len, offs, chars, valid)
        return offs, chars[:k], valid

    def gather_strings(offs: np.ndarray, chars: np.ndarray, idx: np.ndarray) -> Strings:
        idx = np.ascontiguousarray(idx, np.int32)
        lens = np.diff(offs)
        out_offs = np.empty(idx.shape[0] + 1, np.int32)
        out_chars = np.empty(int(lens[idx].sum()) if idx.shape[0] else 0, np.uint8)
        mod.gather_into(offs, chars, idx, out_offs, out_chars)
        return out_offs, out_chars

    return Kernels("c", mod.walk, format_addresses, gather_strings)


def _numba_kernels() -> Kernels:
    from crossroads.sources.mrt import _kernels

    return Kernels("numba", _kernels.walk, _kernels.format_addresses, _kernels.gather_strings)


@cache
def kernels(which: KernelName = "auto") -> Kernels:
    """The walker ``which`` names; ``"auto"``: the compiled one when built, unless the
    environment says ``CROSSROADS_MRT_KERNELS=numba``. Raises ImportError for a missing
    ``"c"``."""
    if which == "auto":
        if os.environ.get("CROSSROADS_MRT_KERNELS") == "numba":
            return _numba_kernels()
        try:
            return kernels("c")
        except ImportError:
            return _numba_kernels()
    if which == "c":
        import crossroads.sources.mrt._cwalk as _cwalk

        return _c_kernels(_cwalk)
    return _numba_kernels()
