"""What a scenario file says: the target country and an ordered list of operations.

Scenario files are YAML validated by these pydantic models (``extra="forbid"``, so a
misspelt key is an error, not a silently ignored line). Countries are ISO 3166-1 alpha-2
codes and ASes are numbers; names appear only in ``label`` fields. Loading, with errors
that name the file, line and field, is in :mod:`crossroads.scenarios.load`; the meaning
of each operation is in :mod:`crossroads.scenarios.apply` and ``docs/methods/scenarios.md``.

Example::

    >>> s = Scenario.model_validate({"name": "x", "country": "kz",
    ...     "operations": [{"op": "remove_as", "asns": [9198], "label": "Kazakhtelecom"}]})
    >>> s.country, s.operations[0].asns
    ('KZ', [9198])
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, model_validator

__all__ = [
    "OP_NAMES",
    "AddCorridor",
    "AddLink",
    "ChangeRelationship",
    "CutCorridor",
    "Depeer",
    "DisconnectCountry",
    "NoForeignTransit",
    "Operation",
    "Relationship",
    "RemoveAS",
    "RemoveCountryLinks",
    "RemoveLink",
    "Restrict",
    "SatelliteService",
    "Scenario",
]

Relationship = Literal["p2c", "c2p", "p2p"]
"""How ``a`` relates to ``b``: ``p2c`` a is a provider of b, ``c2p`` a is a customer of b,
``p2p`` they are peers."""

ASN = Annotated[int, Field(ge=0, le=2**32 - 1)]
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$"), AfterValidator(str.upper)]


class _Op(BaseModel):
    """Fields every operation has; ``line`` is where it starts in its file (if known)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str | None = None
    _line: int | None = PrivateAttr(default=None)

    @property
    def line(self) -> int | None:
        """1-based line of the operation in its scenario file, when loaded from one."""
        return self._line


class RemoveAS(_Op):
    """Every link of these ASes disappears (the AS fails or is switched off)."""

    op: Literal["remove_as"]
    asns: list[ASN] = Field(min_length=1)


class RemoveLink(_Op):
    """The link between ``a`` and ``b`` disappears, whatever its relationship."""

    op: Literal["remove_link"]
    a: ASN
    b: ASN


class RemoveCountryLinks(_Op):
    """Every link between an AS of one country and an AS of the other disappears."""

    op: Literal["remove_country_links"]
    countries: tuple[Country, Country]



class Depeer(_Op):
    """``asn`` drops every link (any relationship) with the ASes of ``country``."""

    op: Literal["depeer"]
    asn: ASN
    country: Country



class AddLink(_Op):
    """A new link; ``rel`` is how ``a`` relates to ``b``."""

    op: Literal["add_link"]
    a: ASN
    b: ASN
    rel: Relationship


class ChangeRelationship(_Op):
    """An existing link gets a new relationship (``rel``: how ``a`` relates to ``b``)."""

    op: Literal["change_relationship"]
    a: ASN
    b: ASN
    rel: Relationship


class NoForeignTransit(_Op):
    """The country's ASes stop selling transit abroad: every provider-to-customer link
    whose provider is in ``country`` and whose customer is not disappears."""

    op: Literal["no_foreign_transit"]
    country: Country



class DisconnectCountry(_Op):
    """Every link between an AS of ``country`` and an AS outside it disappears."""

    op: Literal["disconnect_country"]
    country: Country



class Restrict(_Op):
    """Narrow what is measured (not the graph): the origins of the target country whose
    space counts, and/or the vantage points (``collectors``: the route-collector peers)
    that stand for "the world" in inbound reachability. Several restricts intersect."""

    op: Literal["restrict"]
    origins: list[ASN] | None = Field(default=None, min_length=1)
    vantage_points: list[ASN] | Literal["collectors"] | None = None


class CutCorridor(_Op):
    """``count`` of the crossings between two countries go dark (all when omitted): every
    link of the scenario's country whose interconnection points all become unreachable
    over the remaining corridors is lost; the others move to the remaining routes."""

    op: Literal["cut_corridor"]
    countries: tuple[Country, Country]
    count: int | None = Field(default=None, ge=1)


class AddCorridor(_Op):
    """A new corridor in service: a planned corridor of the data (``id``) or a new system
    (``route`` of countries, ``count``, ``metros``, ``year``); links placed at the metros
    it reaches may re-route over it."""

    op: Literal["add_corridor"]
    id: str | None = None
    route: list[Country] | None = Field(default=None, min_length=2)
    count: int = Field(default=1, ge=1)
    metros: list[str] = Field(default_factory=list)
    year: int | None = None

    @model_validator(mode="after")
    def _one_of(self) -> AddCorridor:
        if (self.id is None) == (self.route is None):
            raise ValueError("give either the id of a corridor of the data or a route")
        return self


class SatelliteService(_Op):
    """A LEO satellite service: ``share`` of the country's users (its address space)
    reaches a ground station / point of presence in ``station`` instead of crossing
    the terrestrial corridors."""

    op: Literal["satellite"]
    share: float = Field(gt=0.0, le=1.0)
    station: Country


Operation = Annotated[
    RemoveAS
    | RemoveLink
    | RemoveCountryLinks
    | Depeer
    | AddLink
    | ChangeRelationship
    | NoForeignTransit
    | DisconnectCountry
    | Restrict
    | CutCorridor
    | AddCorridor
    | SatelliteService,
    Field(discriminator="op"),
]

OP_NAMES: frozenset[str] = frozenset(
    get_args(cls.model_fields["op"].annotation)[0] for cls in get_args(get_args(Operation)[0])
)
"""The values of ``op``, one per operation kind."""


class Scenario(BaseModel):
    """A named what-if: ``operations`` applied in order to the AS graph, results measured
    for ``country``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    description: str = ""
    country: Country
    sources: list[str] = Field(default_factory=list)
    operations: list[Operation] = Field(default_factory=list)
    _path: str = PrivateAttr(default="<scenario>")


    @property
    def path(self) -> str:
        """The file (or preset name) the scenario came from, for error messages."""
        return self._path
