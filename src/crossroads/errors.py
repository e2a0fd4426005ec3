"""The one exception tree of crossroads.

Every error a user can cause (bad input file, unknown country, missing dataset, bad scenario)
is a :class:`CrossroadsError`. The CLI and the web layer catch exactly this class and show
its message; anything else escaping is a bug.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "BusyError",
    "CrossroadsError",
    "DataFormatError",
    "DatasetMissingError",
    "DownloadError",
    "ScenarioError",
    "TLSCheckError",
    "UnknownASNError",
    "UnknownCountryError",
]


class CrossroadsError(Exception):
    """Base of every error crossroads raises on purpose."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message}\nHint: {hint}")


class DataFormatError(CrossroadsError):
    """A data file does not follow its format.

    The message names the file and, where known, the line (1-based) or byte offset, the
    field and the offending value.
    """

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        line: int | None = None,
        offset: int | None = None,
        field: str | None = None,
        value: object = None,
        hint: str | None = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.line = line
        self.offset = offset
        self.field = field
        self.value = value
        where = self.path
        if line is not None:
            where += f", line {line}"
        if offset is not None:
            where += f", byte offset {offset}"
        detail = problem
        if field is not None:
            detail += f" (field {field!r}"
            detail += f", value {value!r})" if value is not None else ")"
        elif value is not None:
            detail += f" (value {value!r})"
        super().__init__(f"{where}: {detail}", hint=hint)


class DatasetMissingError(CrossroadsError):
    """A dataset the command needs is neither loaded, cached, mirrored nor downloadable."""


class DownloadError(CrossroadsError):
    """A download from a public home failed; nothing partial was kept."""


class UnknownCountryError(CrossroadsError):
    """A country code that is not ISO 3166-1 alpha-2 or has no data."""


class UnknownASNError(CrossroadsError):
    """An AS number that is malformed or absent from the loaded data."""


class ScenarioError(CrossroadsError):
    """A what-if scenario file or preset is invalid."""


class TLSCheckError(CrossroadsError):
    """A TLS chain could not be fetched or read."""


class BusyError(CrossroadsError):
    """Too much is running now: the store is locked by another process, or the web
    server's queue of long computations is full. Nothing was changed; retry after
    ``retry_after`` seconds."""

    def __init__(self, message: str, *, hint: str | None = None, retry_after: int = 5) -> None:
        self.retry_after = retry_after
        super().__init__(message, hint=hint)
