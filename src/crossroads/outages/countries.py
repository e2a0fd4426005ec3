"""AS -> registration country for the series, from the store's ``as_info``."""

from __future__ import annotations

import pandas as pd

from crossroads.config import Settings
from crossroads.errors import UnknownCountryError

__all__ = ["asn_countries", "check_country"]


def asn_countries(settings: Settings) -> pd.Series:
    """``reg_cc`` of every AS in the store (index: AS number); needs ``crossroads fetch``."""
    from crossroads.store import open_store

    info = open_store(settings).as_info()
    return info.dropna(subset=["reg_cc"]).set_index("asn")["reg_cc"]


def check_country(country: str, asn_country: pd.Series) -> str:
    """``country`` upper-cased, if some AS is registered there."""
    cc = country.upper()
    if len(cc) != 2 or not cc.isalpha():
        raise UnknownCountryError(f"{country!r} is not an ISO 3166-1 alpha-2 code")
    if not (asn_country == cc).any():
        raise UnknownCountryError(f"no AS is registered in {cc} in the loaded data",
                                  hint="check the code, or run `crossroads fetch`")
    return cc
