"""Mutation of real MRT records for fuzzing (used by the tests and ``benchmarks/fuzz_mrt.py``).

A corpus input is a TABLE_DUMP_V2 peer table (when the source has one) followed by one
real record; :func:`mutate` applies a seeded mix of byte flips, random bytes, truncation,
duplicated spans and length-field edits - the damage torn or corrupt archives show.
"""

from __future__ import annotations

import random
import struct

__all__ = ["corpus_records", "mutate"]


def _records(data: bytes) -> list[tuple[int, bytes]]:
    out, o = [], 0
    while o + 12 <= len(data):
        typ = struct.unpack_from(">H", data, o + 4)[0]
        n = struct.unpack_from(">I", data, o + 8)[0]
        if o + 12 + n > len(data):
            break
        out.append((typ, data[o : o + 12 + n]))
        o += 12 + n
    return out


def corpus_records(files: list[bytes], *, per_file: int = 40, seed: int = 1) -> list[bytes]:
    """Up to ``per_file`` records from each decompressed file, each made self-contained."""
    rng = random.Random(seed)
    corpus: list[bytes] = []
    for data in files:
        recs = _records(data)
        pit = next((r for t, r in recs if t == 13 and r[6:8] == b"\x00\x01"), b"")
        body = [r for t, r in recs if r is not pit]
        for r in rng.sample(body, min(per_file, len(body))):
            corpus.append(pit + r)
    return corpus


def mutate(data: bytes, seed: int) -> bytes:
    """A seeded random mutation of ``data`` (1-4 edits)."""
    rng = random.Random(seed)
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not b:
            break
        op = rng.randrange(6)
        i = rng.randrange(len(b))
        if op == 0:
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[i] = rng.randrange(256)
        elif op == 2:
            del b[rng.randrange(len(b)) :]
        elif op == 3:
            j = min(len(b), i + rng.randint(1, 16))
            b[i:i] = b[i:j]
        elif op == 4:
            b[i] = rng.choice((0, 1, 2, 0x7F, 0x80, 0xFF))
        elif len(b) >= 12:  # rewrite the MRT length field of the first record
            struct.pack_into(">I", b, 8, rng.choice((0, 3, 4, len(b), len(b) - 12,
                                                     rng.randrange(1 << 32))))
    return bytes(b)
