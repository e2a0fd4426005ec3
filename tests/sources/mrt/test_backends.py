"""The compiled walker (``_cwalk``, C) writes exactly the numba reference's rows and errors.

The reference is the numba code (one module per wire structure); the C port must agree
row for row on every mirror file, with tiny batches (every record rolled back at least
once), and on mutated real records: the same table, or the same error at the same offset.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from tests.sources.mrt.test_handmade import _td2, _updates

from crossroads.errors import DataFormatError
from crossroads.sources._open import read_all
from crossroads.sources.mrt import SCHEMA
from crossroads.sources.mrt._backends import kernels
from crossroads.sources.mrt.fuzzing import corpus_records, mutate
from crossroads.sources.mrt.reader import _batches

pytest.importorskip("crossroads.sources.mrt._cwalk", reason="compiled walker not built")


def _run(data: bytes, kernel: str, batch_rows: int = 1 << 18) -> tuple[pa.Table, str | None]:
    got: list[pa.RecordBatch] = []
    error = None
    try:
        for b in _batches([data], "x", "rrc00", batch_rows, kernel):  # type: ignore[arg-type]
            got.append(b)
    except DataFormatError as exc:
        error = f"{exc.offset} {exc.problem}"
    return pa.Table.from_batches(got, SCHEMA), error


def test_auto_picks_the_compiled_walker() -> None:
    assert kernels("auto").name == "c" and kernels("numba").name == "numba"


@pytest.mark.parametrize("name", [
    "bview.20020722.2337.gz", "updates.20070211.0141.gz", "updates.20071015.1505.gz",
    "updates.20100722.2015.gz", "updates.20160811.1600.gz",
    "updates.20240914.bgpkit-sample.bz2", "updates.et-header.2015.gz",
])
def test_same_rows_on_every_mirror_file(mirror: Path, name: str) -> None:
    data = read_all(mirror / "mrt" / name)
    c, c_err = _run(data, "c", 50_000)
    ref, ref_err = _run(data, "numba", 50_000)
    assert c_err is None and ref_err is None
    assert c.num_rows > 100 and c.equals(ref)


@pytest.mark.parametrize("batch_rows", [1, 2, 7])
def test_same_rows_with_tiny_batches(batch_rows: int) -> None:
    data = _td2() + _updates()
    assert _run(data, "c", batch_rows)[0].equals(_run(data, "numba", batch_rows)[0])


def test_same_answer_on_mutated_records(mirror: Path) -> None:
    files = [read_all(f) for f in sorted((mirror / "mrt").iterdir())]
    corpus = corpus_records(files + [_td2(), _updates()], per_file=30, seed=7)
    errors = 0
    for i in range(3000):
        data = mutate(corpus[i % len(corpus)], seed=i)
        c, c_err = _run(data, "c", 64)
        ref, ref_err = _run(data, "numba", 64)
        assert c_err == ref_err, (i, c_err, ref_err)
        assert c.equals(ref), i
        errors += c_err is not None
    assert 300 < errors < 3000  # the mutations do hit the error paths, and not only them


def test_compiled_walker_refuses_mismatched_buffers() -> None:
    """The C walker checks item sizes and lengths instead of writing past an array."""
    import numpy as np

    from crossroads.sources.mrt._buffers import new_out, new_peers, new_scratch

    walk = kernels("c").walk
    data = np.frombuffer(_updates(), np.uint8)
    status = np.zeros(3, np.int64)
    out = new_out(16)
    wrong_dtype = out._replace(ts=np.zeros(16, np.int32))  # int64 expected
    with pytest.raises(TypeError, match="item size"):
        walk(data, 0, 0, wrong_dtype, new_scratch(), new_peers(), status)
    short = out._replace(plen=np.zeros(8, np.uint8))  # fewer slots than rows
    with pytest.raises(ValueError, match="shorter than the row count"):
        walk(data, 0, 0, short, new_scratch(), new_peers(), status)
    with pytest.raises(ValueError, match="scratch"):
        walk(data, 0, 0, out, new_scratch(1024), new_peers(), status)
    with pytest.raises(ValueError, match="pos outside"):
        walk(data, len(data) + 1, 0, out, new_scratch(), new_peers(), status)
    walk(data, 0, 0, out, new_scratch(), new_peers(), status)
    assert status[0] == 0 and status[1] == len(data) and out.cnt[0] > 0
