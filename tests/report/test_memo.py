"""The disk cache of long results: computed once per (what, arguments, data, code)."""

from __future__ import annotations

from crossroads.config import Settings
from crossroads.report._memo import memo


def test_computes_once_then_reads_the_file(scratch_settings: Settings) -> None:
    calls: list[int] = []

    def compute() -> dict[str, list[int]]:
        calls.append(1)
        return {"x": [1, 2]}

    assert memo(scratch_settings, "t", {"cc": "KZ"}, compute) == {"x": [1, 2]}
    assert memo(scratch_settings, "t", {"cc": "KZ"}, compute) == {"x": [1, 2]}
    assert len(calls) == 1
    memo(scratch_settings, "t", {"cc": "RU"}, compute)  # other arguments: computed
    assert len(calls) == 2
    files = sorted((scratch_settings.cache_dir / "results").iterdir())
    assert len(files) == 2 and all(f.name.startswith("t-") for f in files)
    files[0].write_text("{half")  # a damaged file is recomputed, not trusted
    files[1].write_text("{half")
    assert memo(scratch_settings, "t", {"cc": "KZ"}, compute) == {"x": [1, 2]}
    assert len(calls) == 3


def test_loading_data_changes_the_key(scratch_settings: Settings) -> None:
    from crossroads.store import fetch

    calls: list[int] = []
    memo(scratch_settings, "t", {}, lambda: calls.append(1) or 1)
    fetch(scratch_settings, ["ris-collectors-20230801"])
    memo(scratch_settings, "t", {}, lambda: calls.append(1) or 1)
    assert len(calls) == 2
