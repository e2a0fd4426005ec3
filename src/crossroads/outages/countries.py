"""AS -> country for the series, from the store's ``as_info``, in one of its meanings
(operation by default; see :data:`crossroads.snapshots.CountryBy`)."""

from __future__ import annotations

import pandas as pd

from crossroads.ids import country_code, no_as_in
from crossroads.snapshots.astable import CountryBy, meaning_column
from crossroads.store import Store

__all__ = ["asn_countries", "registered_country"]


def asn_countries(store: Store, *, country_by: CountryBy = "operation") -> pd.Series:
    """The country of every AS in ``store`` in the meaning ``country_by`` (index: AS
    number); needs ``crossroads fetch``."""
    column = meaning_column(country_by)
    info = store.as_info()
    return info.dropna(subset=[column]).set_index("asn")[column]


def registered_country(country: str, asn_country: pd.Series) -> str:
    """``country`` as an ISO code (:func:`crossroads.ids.country_code`) that some AS of
    ``asn_country`` is registered in.

    >>> registered_country("kz", pd.Series(["KZ"], index=[9198]))
    'KZ'
    """
    cc = country_code(country)
    if not (asn_country == cc).any():
        raise no_as_in(cc)
    return cc
