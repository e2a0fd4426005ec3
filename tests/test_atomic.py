"""atomic_path: whole file or nothing, with normal permissions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crossroads.atomic import atomic_path


def test_success_replaces_target_with_normal_modes(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()
    target.write_text("old")
    umask = os.umask(0o022)
    try:
        with atomic_path(target) as tmp:
            assert tmp.parent == target.parent and tmp.suffix == ".html"
            tmp.write_text("new")
            assert target.read_text() == "old"  # readers still see the old file
    finally:
        os.umask(umask)
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]


def test_failure_keeps_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "data.parquet"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target, fsync=True) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.parquet"]
