"""Fixtures: AS -> country from the mirror's RIR delegated files (fast, no store needed)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from crossroads.sources.rir import asn_registrations, read_delegated


@pytest.fixture(scope="session")
def rir_countries(mirror: Path) -> pd.Series:
    """Registration country of every AS in the 2018-10-13 RIR files (first registry wins)."""
    files = sorted((mirror / "rir-2018-10-13").glob("delegated-*-extended-*.gz"))
    regs = pa.concat_tables([asn_registrations(read_delegated(p)) for p in files]).to_pandas()
    return regs.drop_duplicates("asn").set_index("asn")["cc"]
