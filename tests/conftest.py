"""Shared fixtures: the public-data mirror (required, never skipped) and scratch settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crossroads.config import Settings

REPO = Path(__file__).resolve().parents[1]


def _mirror_path() -> Path:
    env = os.environ.get("CROSSROADS_MIRROR")
    return Path(env).resolve() if env else (REPO.parent / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The public-data mirror. Its absence fails the test: CI must have the real data."""
    path = _mirror_path()
    if not (path / "README.md").is_file():
        pytest.fail(f"public-data mirror not found at {path}; set CROSSROADS_MIRROR")
    return path


@pytest.fixture()
def scratch_settings(tmp_path: Path, mirror: Path) -> Settings:
    """Settings that read the mirror and keep the store and cache under ``tmp_path``."""
    return Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", mirror=mirror)


@pytest.fixture(scope="session")
def loaded_settings(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Settings:
    """A store holding every catalogued mirror dataset, fetched once per test session.

    Shared by the store, metrics, routing and CLI tests; treat it as read-only.
    """
    from crossroads.store import fetch

    root = tmp_path_factory.mktemp("loaded")
    settings = Settings(data_dir=root / "data", cache_dir=root / "cache", mirror=mirror)
    fetch(settings)
    return settings


@pytest.fixture(scope="session")
def publisher_tree(tmp_path_factory: pytest.TempPathFactory, mirror: Path):  # type: ignore[no-untyped-def]
    """Publisher-shaped trees built once from the mirror (``tests/sources/_publishers``);
    read-only: tests that change a tree use :func:`publishers`, which serves a copy."""
    from tests.sources._publishers import build_tree

    return build_tree(tmp_path_factory.mktemp("publishers") / "tree", mirror)


@pytest.fixture()
def publishers(tmp_path: Path, publisher_tree):  # type: ignore[no-untyped-def]
    """A local HTTP server on 127.0.0.1 serving a fresh copy of the publisher tree; its
    ``tree`` attribute is that copy (to publish into), ``base`` its URL."""
    import dataclasses
    import shutil

    from tests.sources._publishers import PublisherServer

    root = tmp_path / "tree"
    shutil.copytree(publisher_tree.root, root)
    server = PublisherServer(root)
    server.tree = dataclasses.replace(publisher_tree, root=root)  # type: ignore[attr-defined]
    try:
        yield server
    finally:
        server.close()
