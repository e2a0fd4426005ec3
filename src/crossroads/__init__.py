"""crossroads: where a country's Internet paths cross its borders, and what breaks if they
go dark."""

from crossroads.errors import (
    CrossroadsError,
    DataFormatError,
    DatasetMissingError,
    DownloadError,
    ScenarioError,
    StoreBusyError,
    TLSCheckError,
    UnknownASNError,
    UnknownCountryError,
)

__version__ = "0.1.0"

__all__ = [
    "CrossroadsError",
    "DataFormatError",
    "DatasetMissingError",
    "DownloadError",
    "ScenarioError",
    "StoreBusyError",
    "TLSCheckError",
    "UnknownASNError",
    "UnknownCountryError",
    "__version__",
]
