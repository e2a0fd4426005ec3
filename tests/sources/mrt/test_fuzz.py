"""Property test: mutated real MRT records never crash the parser.

Any input gives either a table or a DataFormatError naming a byte offset within the input;
never another exception, and whole records before the damage are kept. The standalone
fuzzer ``benchmarks/fuzz_mrt.py`` runs the same oracle over millions of inputs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.sources.mrt.test_handmade import _td2, _updates

from crossroads.errors import DataFormatError
from crossroads.sources._open import read_all
from crossroads.sources.mrt import parse_mrt
from crossroads.sources.mrt.fuzzing import corpus_records, mutate

_CORPUS: list[bytes] = []


@pytest.fixture(scope="module")
def corpus(mirror: Path) -> list[bytes]:
    files = sorted((mirror / "mrt").iterdir())
    recs = corpus_records([read_all(f) for f in files], per_file=40)
    recs += corpus_records([_td2(), _updates()], per_file=40)
    _CORPUS[:] = recs
    return recs


def test_corpus_parses_cleanly(corpus: list[bytes]) -> None:
    assert len(corpus) > 250
    for r in corpus:
        parse_mrt(r)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(pick=st.integers(min_value=0), seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_mutated_records_fail_cleanly(corpus: list[bytes], pick: int, seed: int) -> None:
    data = mutate(corpus[pick % len(corpus)], seed)
    try:
        parse_mrt(data)
    except DataFormatError as exc:
        assert exc.offset is not None and 0 <= exc.offset <= len(data)
