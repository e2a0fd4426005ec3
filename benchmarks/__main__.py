"""Run benchmark modules: ``python -m benchmarks [NAME ...] [-- ARGS]``.

Every module ``benchmarks/<name>.py`` that defines ``main(argv: list[str]) -> int`` is a
benchmark; without names all of them run, in alphabetical order. Arguments after ``--``
go to each benchmark's ``main``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    """Names of the benchmark modules (those defining ``main``)."""
    here = Path(__file__).parent
    names = []
    for info in pkgutil.iter_modules([str(here)]):
        if info.name.startswith("_"):
            continue
        if hasattr(importlib.import_module(f"benchmarks.{info.name}"), "main"):
            names.append(info.name)
    return sorted(names)


def run(argv: list[str]) -> int:
    names, rest = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (
        argv,
        [],
    )
    unknown = set(names) - set(available())
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have {available()}")
        return 2
    status = 0
    for name in names or available():
        print(f"== benchmarks.{name}", flush=True)
        status |= importlib.import_module(f"benchmarks.{name}").main(rest)
    return status


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
