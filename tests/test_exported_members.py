"""The public surface (httpx-style): sorted ``__all__`` lists that are complete, and a
CLI and web layer that use only public names of the library.

* ``crossroads.__all__`` is sorted and every name resolves (the computing API is
  imported lazily, on first use);
* every public module of the library has an ``__all__``, and it lists every public
  function and class the module defines (a new public function cannot be forgotten); the
  CLI and web modules are entry points, not library: they need an ``__all__`` only;
* the CLI and the web layer import from the library only names in the ``__all__`` of a
  module with no private path component (their own package's private helpers aside);
* no module imports a private name or module of another package (the root's shared
  private modules -- ``crossroads._dask``, ``_countries`` -- aside).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import crossroads
from crossroads import errors

SRC = Path(crossroads.__file__).parent
MODULES = sorted(m.name for m in pkgutil.walk_packages(crossroads.__path__, "crossroads."))
ROOT_SHARED = {"crossroads._dask", "crossroads._countries"}


def _private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split(".")[1:])


def _package(module: str) -> str:
    """The top package under crossroads (``crossroads.metrics.report`` -> ``metrics``);
    a root module is its own package, ``crossroads`` itself is ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _submodule(package: str, name: str) -> bool:
    """Whether ``package.name`` is a public module (``from crossroads.report import
    sections`` imports a module, not a name)."""
    return not name.startswith("_") and f"{package}.{name}" in MODULES


def _source(module: str) -> Path:
    mod = importlib.import_module(module)
    assert mod.__file__ is not None
    return Path(mod.__file__)


def _imports(module: str) -> list[tuple[str, list[str]]]:
    """``(imported module, names)`` of every ``from crossroads… import …`` in ``module``
    (none for a compiled extension)."""
    path = _source(module)
    if path.suffix != ".py":
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("crossroads"):
                out.append((node.module, [a.name for a in node.names]))
    return out


def test_all_is_sorted_and_complete() -> None:
    assert crossroads.__all__ == sorted(crossroads.__all__)
    for name in crossroads.__all__:
        assert hasattr(crossroads, name), name


def test_every_error_class_is_exported() -> None:
    assert set(errors.__all__) <= set(crossroads.__all__)
    for name in errors.__all__:
        assert issubclass(getattr(crossroads, name), crossroads.CrossroadsError)


@pytest.mark.parametrize("module", [m for m in MODULES if not _private(m)])
def test_public_module_all_lists_what_it_defines(module: str) -> None:
    mod = importlib.import_module(module)
    names = getattr(mod, "__all__", None)
    assert names is not None, f"{module} has no __all__"
    if _package(module) in ("cli", "web"):
        return
    assert len(set(names)) == len(names), f"{module}: duplicates in __all__"
    for name in names:
        assert hasattr(mod, name), f"{module}.__all__ names {name!r}, which it lacks"
    defined = {
        name for name, obj in vars(mod).items()
        if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
        and getattr(obj, "__module__", None) == module
    }
    assert defined <= set(names), f"{module}: public but not in __all__: {defined - set(names)}"


@pytest.mark.parametrize(
    "module", [m for m in MODULES if _package(m) in ("cli", "web")]
)
def test_cli_and_web_import_only_public_names(module: str) -> None:
    own = _package(module)
    for source, names in _imports(module):
        if _package(source) == own:
            continue  # their own private helpers (cli._common, web._cache, …)
        assert not _private(source), f"{module} imports the private module {source}"
        public = set(getattr(importlib.import_module(source), "__all__", ()))
        missing = [n for n in names if n not in public and not _submodule(source, n)]
        assert not missing, f"{module} imports {missing} from {source}, not in its __all__"


@pytest.mark.parametrize("module", MODULES)
def test_no_private_name_crosses_a_package(module: str) -> None:
    own = _package(module)
    for source, names in _imports(module):
        if source in ROOT_SHARED or source == "crossroads" or _package(source) == own:
            continue
        assert not _private(source), f"{module} imports the private module {source}"
        private = [n for n in names if n.startswith("_")]
        assert not private, f"{module} imports private names {private} from {source}"
