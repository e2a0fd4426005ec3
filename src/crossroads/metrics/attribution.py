"""Disputed country attributions: the rows of a dependency table whose country is a choice.

``as_info`` gives every AS three countries (``docs/methods/inventory.md``): where it is
**registered** (``reg_cc``), where it **operates** (``op_cc``: its address space
geolocated, or its PeeringDB facilities) and who **owns** it (``own_cc``: a majority
state owner, or the CAIDA as-org country). A table by country uses one of them; when they
disagree, the row a journalist would quote may name the wrong country.

An AS's attribution is **disputed** when the countries that rest on evidence of their
own differ (registration; operation by geolocation or facilities, not the fall-back to
registration; ownership by the state-owned dataset or as-org, not the fall-back), or when
no country holds a majority of its operation (``op_share < 0.5``). Its **reason** names
them, e.g. ``AS23764 China Telecom Global Limited: operates HK (44 % of its address
space), registered AU``.

:func:`flag_disputed` adds a ``flag`` column to a :class:`~crossroads.metrics.dependency.
DirectionResult`: on every foreign AS row carrying at least ``threshold`` (1 %) of the
path mass (transit or gateway share) whose attribution is disputed, its reason; on every
country row, the reasons of such ASes counted in it. Rows without a dispute get ``""``.

Worked example: AS 20 carries every path and is registered in AU but operates in HK::

    >>> import pandas as pd
    >>> info = pd.DataFrame({"asn": [20], "name": ["CTG"], "reg_cc": ["AU"],
    ...     "op_cc": ["HK"], "op_rule": ["geolocated-space"], "op_share": [0.44],
    ...     "own_cc": ["AU"], "own_rule": ["registration"], "owner": [None]})
    >>> disputes(info)[20]
    'AS20 CTG: operates HK (44 % of its address space), registered AU'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from crossroads.metrics.dependency import DirectionResult

__all__ = ["MEANING_COLUMNS", "THRESHOLD", "disputes", "flag_disputed", "reason"]

THRESHOLD = 0.01
"""Rows carrying less of the path mass than this are not flagged."""

MEANING_COLUMNS = ("reg_cc", "op_cc", "op_rule", "op_share", "own_cc", "own_rule", "owner")
"""The ``as_info`` columns the disputes are read from."""

_OP_EVIDENCE = {"geolocated-space": "address space", "peeringdb-facilities": "facilities"}
_OWN_EVIDENCE = ("state-owned", "as-org")
_MORE = 3  # reasons named per country row before "… +N more"


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) \
        or value is pd.NA or value == "" else str(value)


def reason(row: Mapping[str, Any], asn: int, name: str = "") -> str | None:
    """Why the country of AS ``asn`` (its ``as_info`` ``row``) is disputed; None when its
    meanings agree (or rest on one piece of evidence only).

    >>> reason({"reg_cc": "UA", "op_cc": "UZ", "op_rule": "geolocated-space",
    ...         "op_share": 1.0, "own_cc": "UZ", "own_rule": "state-owned",
    ...         "owner": "UZ-UZBEKTELECOM"}, 28910, "Uzbektelekom")
    'AS28910 Uzbektelekom: operates UZ, registered UA, owner UZ (UZ-UZBEKTELECOM)'
    >>> reason({"reg_cc": "RU", "op_cc": "RU", "op_rule": "geolocated-space",
    ...         "op_share": 0.9, "own_cc": "RU", "own_rule": "registration"}, 1) is None
    True
    """
    get = row.get
    reg, op, own = _text(get("reg_cc")), _text(get("op_cc")), _text(get("own_cc"))
    what = _OP_EVIDENCE.get(str(get("op_rule")))
    share = get("op_share")
    held = None if what is None or share is None or _text(share) is None else float(share)
    split = held is not None and held < 0.5
    if what is None:
        op = None
    if _text(get("own_rule")) not in _OWN_EVIDENCE:
        own = None
    if len({c for c in (reg, op, own) if c}) < 2 and not split:
        return None
    parts = []
    if op:
        of = f" ({100 * held:.0f} % of its {what})" if split and held is not None else ""
        parts.append(f"operates {op}{of}")
    if reg:
        parts.append(f"registered {reg}")
    if own:
        owner = _text(get("owner"))
        parts.append(f"owner {own}" + (f" ({owner})" if owner else ""))
    label = " ".join(x for x in (f"AS{int(asn)}", name) if x)
    return f"{label}: {', '.join(parts)}"


def disputes(info: pd.DataFrame, asns: np.ndarray | list[int] | None = None) -> dict[int, str]:
    """ASN -> reason, for the ASes of ``info`` (or only ``asns``) whose attribution is
    disputed; empty when ``info`` lacks the meaning columns (a hand-made frame)."""
    if any(c not in info.columns for c in ("reg_cc", "op_cc", "own_cc")):
        return {}
    rows = info.drop_duplicates("asn")
    if asns is not None:
        rows = rows[rows.asn.isin(np.asarray(asns, np.int64))]
    out: dict[int, str] = {}
    for rec in rows.to_dict("records"):
        row: dict[str, Any] = {str(k): v for k, v in rec.items()}
        why = reason(row, int(row["asn"]), _text(row.get("name")) or "")
        if why is not None:
            out[int(row["asn"])] = why
    return out


def flag_disputed(
    result: DirectionResult, info: pd.DataFrame, *, threshold: float = THRESHOLD
) -> DirectionResult:
    """``result`` with a ``flag`` column on ``by_as`` and ``by_country`` (see module doc)."""
    by_as = result.by_as
    heavy = by_as[np.maximum(by_as.transit_share, by_as.gateway_share) >= threshold]
    why = disputes(info, heavy.asn.to_numpy())
    as_flags = [why.get(int(a), "") for a in by_as.asn]
    per_country: dict[str, list[str]] = {}
    for asn, country in zip(heavy.asn.tolist(), heavy.country.tolist(), strict=True):
        if int(asn) in why:
            per_country.setdefault(str(country), []).append(why[int(asn)])
    country_flags = [_joined(per_country.get(str(c), [])) for c in result.by_country.country]
    return replace(result, by_as=by_as.assign(flag=as_flags),
                   by_country=result.by_country.assign(flag=country_flags))


def _joined(reasons: list[str]) -> str:
    more = len(reasons) - _MORE
    return "; ".join(reasons[:_MORE]) + (f"; … +{more} more" if more > 0 else "")
