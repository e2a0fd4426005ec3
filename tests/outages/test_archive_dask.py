"""Archives read on a Dask LocalCluster give the same series and events as in-process."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
from pandas.testing import assert_frame_equal

from crossroads.outages import outages_from_files

FILES = ("updates.20070211.0141.gz", "updates.20071015.1505.gz", "updates.20100722.2015.gz")


def test_local_cluster_equals_in_process(mirror: Path, rir_countries: pd.Series) -> None:
    paths = [mirror / "mrt" / f for f in FILES]
    # the files lie years apart: day bins keep the series short
    kwargs = {"country": "US", "asn_country": rir_countries, "bin": timedelta(days=1)}
    local = outages_from_files(paths, workers=0, **kwargs)
    dask = outages_from_files(paths, workers=2, **kwargs)
    assert local.series.records == dask.series.records > 60_000
    assert_frame_equal(local.series.country, dask.series.country)
    assert local.events == dask.events
