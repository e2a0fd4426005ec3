"""The identifiers crossroads reads from users and data: AS numbers, AS indices, countries.

Two integer types keep apart what is easy to mix up in a signature:

* :data:`ASN` -- an AS number as registries and BGP use it (``9198``), 0 … 2**32-1;
* :data:`ASIndex` -- the dense position of an AS in one :class:`~crossroads.routing.ASGraph`
  (``0 … N-1``, ascending ASN order). Indices are only meaningful with their graph.

Every country code a user gives goes through :func:`country_code`, every AS number
through :func:`parse_asn`, so that the CLI, the web API, scenario files and the Python API
accept and reject the same things with the same message. A country code that is valid but
has no AS in the loaded data is a different error, made by :func:`no_as_in`.

>>> country_code(" kz"), parse_asn("AS9198"), parse_asn(13335)
('KZ', 9198, 13335)
"""

from __future__ import annotations

from string import ascii_uppercase
from typing import NewType

from crossroads._countries import COUNTRIES, country_name
from crossroads.errors import UnknownASNError, UnknownCountryError

__all__ = [
    "ASN", "COUNTRIES", "MAX_ASN", "USER_ASSIGNED", "ASIndex", "country_code", "country_name",
    "no_as_in", "parse_asn", "territory_code",
]

ASN = NewType("ASN", int)
"""An AS number (0 … 2**32-1)."""

ASIndex = NewType("ASIndex", int)
"""The position of an AS in one graph's arrays (see :attr:`ASGraph.asns`)."""

MAX_ASN = 2**32 - 1

USER_ASSIGNED = frozenset(
    {"AA", "ZZ", *(f"Q{c}" for c in "MNOPQRSTUVWXYZ"), *(f"X{c}" for c in ascii_uppercase)}
) - {"XK"}
"""ISO 3166-1's user-assigned alpha-2 codes (AA, QM-QZ, XA-XZ, ZZ) but ``XK``, which
crossroads reads as Kosovo (by usage: the registries and the shipped land borders): never
a real country, free for a user's own data (a hand-made world's ASes, a region), but not
a territory that cables and borders cross (:func:`territory_code`)."""


def country_code(text: str) -> str:
    """``text`` as an upper-case ISO 3166-1 alpha-2 code -- an assigned one, ``XK``, or a
    user-assigned one (:data:`USER_ASSIGNED`) -- or :class:`UnknownCountryError`. Regional
    pseudo-codes of the registries (``EU``, ``AP``) are not countries.

    >>> country_code("de")
    'DE'
    >>> country_code("EU")
    Traceback (most recent call last):
    ...
    crossroads.errors.UnknownCountryError: not an ISO 3166-1 alpha-2 country code: 'EU'
    Hint: use a code such as KZ, RU, DE
    """
    code = str(text).strip().upper()
    if code not in COUNTRIES and code not in USER_ASSIGNED:
        raise UnknownCountryError(
            f"not an ISO 3166-1 alpha-2 country code: {text!r}",
            hint="use a code such as KZ, RU, DE",
        )
    return code


def territory_code(text: str) -> str:
    """``text`` as :func:`country_code`, when it names a territory that corridors (cables,
    land borders) cross: an assigned code or ``XK``. A user-assigned code
    (:data:`USER_ASSIGNED`) is an :class:`UnknownCountryError` here: the corridor data
    and a scenario's corridor operations read this, not :func:`country_code`.

    >>> territory_code(" xk")
    'XK'
    >>> territory_code("XA")
    Traceback (most recent call last):
    ...
    crossroads.errors.UnknownCountryError: 'XA' is a user-assigned ISO 3166-1 code, not a territory
    Hint: name real countries, e.g. KZ-RU
    """
    code = country_code(text)
    if code in USER_ASSIGNED:
        raise UnknownCountryError(
            f"{code!r} is a user-assigned ISO 3166-1 code, not a territory",
            hint="name real countries, e.g. KZ-RU")
    return code


def parse_asn(text: str | int) -> ASN:
    """``"AS9198"``, ``"as9198"``, ``"9198"`` or ``9198`` → ``9198``; anything else
    (negative, above 2**32-1, not a number) is :class:`UnknownASNError`.

    >>> parse_asn(" as64512 ")
    64512
    """
    if isinstance(text, bool):
        raise UnknownASNError(f"not an AS number: {text!r}")
    if isinstance(text, int):
        value = text
    else:
        raw = str(text).strip()
        digits = raw[2:] if raw[:2].upper() == "AS" else raw
        if not digits.isascii() or not digits.isdigit() or len(digits) > 10:
            raise UnknownASNError(
                f"not an AS number: {raw!r}", hint="use a number 0 … 4294967295, e.g. 9198"
            )
        value = int(digits)
    if not 0 <= value <= MAX_ASN:
        raise UnknownASNError(
            f"not an AS number: {text!r}", hint="use a number 0 … 4294967295, e.g. 9198"
        )
    return ASN(value)


def no_as_in(country: str, where: str = "the loaded data") -> UnknownCountryError:
    """The one error for a valid country code that no AS of ``where`` is registered in.

    >>> no_as_in("AQ").message
    'no AS of the loaded data is registered in AQ'
    """
    return UnknownCountryError(
        f"no AS of {where} is registered in {country}",
        hint="check the code, or load newer data with `crossroads fetch`",
    )
