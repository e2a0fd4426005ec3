"""The one-line fidelity statement printed beside every simulated dependency figure.

Reads the packaged table ``fidelity_measured.json`` of fidelity results measured by
``python -m benchmarks fidelity -- --write src/crossroads/routing/fidelity_measured.json``
(method: ``crossroads methods validation``) and picks the measurement whose graph date is
nearest to the date of the graph a figure was computed on, so a reader knows how far to
trust it. The note ends with :func:`crossroads.docrefs.see` of :data:`VALIDATION_PAGE`,
which the dashboard and the report make a link.

    >>> print(fidelity_note(Date(2010, 1, 1)))  # doctest: +ELLIPSIS
    Simulated paths (fidelity measured on the 2010-01-01 CAIDA graph against ...
"""

from __future__ import annotations

import json
from datetime import date as Date
from functools import lru_cache
from importlib.resources import files
from typing import Any

from crossroads.docrefs import see

__all__ = ["VALIDATION_PAGE", "fidelity_note", "measured_fidelity"]


VALIDATION_PAGE = "validation"
"""The documentation page (``docs/validation.md``) every fidelity note sends its reader to."""


@lru_cache(maxsize=1)
def measured_fidelity() -> dict[str, Any]:
    """The packaged measurements (``{"command": ..., "measurements": [...]}``)."""
    text = files("crossroads.routing").joinpath("fidelity_measured.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def fidelity_note(date: Date | None = None, *, mode: str = "deterministic") -> str:
    """One sentence: how often plain Gao-Rexford (or, for ``mode="calibrated"``, the
    calibrated routes held out by vantage-point AS) matched reality, nearest to ``date``.

    Uses the plain (no option) deterministic measurement of the graph date nearest to
    ``date`` (newest when None) and says how many years lie between them.
    """
    calibrated = mode == "calibrated"
    rows = [m for m in measured_fidelity()["measurements"]
            if m["options"] == (["calibrated"] if calibrated else [])]
    rows = [m for m in rows if m["mode"] == ("calibrated" if calibrated else "deterministic")
            ] or rows
    if not rows:
        return "Simulated paths: no fidelity measurement is packaged."

    def gap(m: dict[str, Any]) -> float:
        d = Date.fromisoformat(m["graph_date"])
        return 0.0 if date is None else abs((d - date).days)

    best = min(rows, key=lambda m: (gap(m), m["graph_date"]))
    o = best["overall"]
    years = gap(best) / 365.25
    far = f"; nearest measurement is {years:.0f} years from this graph" if years >= 1 else ""
    what = "Calibrated paths (held out by vantage-point AS; " if calibrated else \
        "Simulated paths ("
    m = best.get("mean_over_vp_ases") or {}
    per_as = (f" (first hop as a mean over the {m['vp_ases']} vantage-point ASes: "
              f"{100 * m['next_hop']:.0f} %)") if m.get("vp_ases", 0) > 1 else ""
    return (
        f"{what}fidelity measured on the {best['graph_date']} CAIDA graph against "
        f"{best['rib']} of {best['rib_date']}, {best['vantage_points']} vantage points): "
        f"{100 * o['next_hop']:.0f} % of observed routes have the simulated first hop, "
        f"{100 * o['exact']:.0f} % the exact path, {100 * o['among_best']:.0f} % are among "
        f"the equally best simulated paths{per_as}{far}. {see(VALIDATION_PAGE)}"
    )
