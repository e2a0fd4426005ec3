"""Applying a scenario's operations, in order, to an AS graph.

Each operation is a filter (or an append) on the graph's link list
(:attr:`ASGraph.links`, CAIDA convention: ``rel = -1`` means ``as1`` provides ``as2``,
``0`` peers); the edited graph is rebuilt once at the end and keeps every AS of the input,
so indices stay comparable unless a link brings in a new AS. "Foreign to C" means "not
registered in C" -- an AS of unknown country is foreign to every country. Semantics
(see ``docs/methods/scenarios.md``):

``remove_as``            every link of the ASes goes
``remove_link``          the a-b link goes (an error if there is none)
``remove_country_links`` every link with one end in each of the two countries goes
``depeer``               every link between ``asn`` and an AS of ``country`` goes
``add_link``             a new a-b link (``p2c``: a provides b; ``c2p``: b provides a;
                         ``p2p``); an error if the pair is already linked
``change_relationship``  the existing a-b link is re-typed
``no_foreign_transit``   every provider->customer link whose provider is in C and whose
                         customer is foreign goes (peerings stay)
``disconnect_country``   every link with exactly one end in C goes
``restrict``             changes no link; narrows the measured origins / vantage points
``cut_corridor``         crossings between two countries go dark: every link of the
                         scenario's country whose interconnection points (placed on the
                         corridors before the scenario) can no longer be reached goes
``add_corridor``         a planned or new corridor enters service (no link changes)
``satellite``            a share of the country reaches a ground station abroad

Example -- AS 1 (KZ) provides AS 2 (KZ) and AS 3 (RU)::

    >>> import pandas as pd
    >>> from crossroads.routing import ASGraph
    >>> from crossroads.scenarios.model import Scenario
    >>> from crossroads.snapshots import ASTable
    >>> g = ASGraph.from_links([1, 1], [2, 3], [-1, -1])
    >>> info = pd.DataFrame({"asn": [1, 2, 3], "reg_cc": ["KZ", "KZ", "RU"],
    ...                      "ipv4_addresses": [0, 256, 256], "name": [None] * 3})
    >>> s = Scenario.model_validate({"name": "t", "country": "KZ",
    ...     "operations": [{"op": "no_foreign_transit", "country": "KZ"}]})
    >>> after, log = apply(g, ASTable.from_frame(g, info), s)
    >>> len(after.links), log.steps[0].removed
    (1, 1)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

import numpy as np

from crossroads.errors import ScenarioError, UnknownCountryError
from crossroads.ids import no_as_in, territory_code
from crossroads.physical import (
    Corridor,
    CorridorSet,
    Presence,
    Satellite,
    add_corridor,
    country_routes,
    cut_corridor,
    load_corridors,
    place_links,
)
from crossroads.routing import ASGraph
from crossroads.routing.arrays import union
from crossroads.scenarios import model as m
from crossroads.snapshots import ASTable

__all__ = ["AppliedLog", "AppliedStep", "apply"]

_REL = {"p2c": -1, "c2p": -1, "p2p": 0}


@dataclass(frozen=True)
class AppliedStep:
    """What one operation changed."""

    op: str
    label: str | None
    line: int | None
    removed: int = 0
    added: int = 0
    changed: int = 0

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "op": self.op,
            "label": self.label,
            "line": self.line,
            "links_removed": self.removed,
            "links_added": self.added,
            "links_changed": self.changed,
        }


@dataclass(frozen=True)
class AppliedLog:
    """Per-operation changes, link counts before/after, and the measurement scope."""

    steps: tuple[AppliedStep, ...]
    links_before: int
    links_after: int
    origins: tuple[int, ...] | None = None  # restrict: only these origins of the country
    vantage_points: tuple[int, ...] | None = None  # restrict: only these sources
    collectors_only: bool = False  # restrict: only route-collector peers as sources
    corridors: CorridorSet | None = None  # physical operations: the corridors after
    satellite: Satellite | None = None  # satellite: the LEO service

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "steps": [s.as_dict() for s in self.steps],
            "links_before": self.links_before,
            "links_after": self.links_after,
            "origins": list(self.origins) if self.origins is not None else None,
            "vantage_points": (
                list(self.vantage_points) if self.vantage_points is not None else None
            ),
            "collectors_only": self.collectors_only,
            "satellite": None if self.satellite is None else {
                "share": self.satellite.share, "station": self.satellite.country},
        }


def apply(
    graph: ASGraph, table: ASTable, scenario: m.Scenario, *,
    corridors: CorridorSet | None = None, presence: Presence | None = None,
) -> tuple[ASGraph, AppliedLog]:
    """The graph after ``scenario``'s operations, and what each of them changed.

    ``table`` gives the country of every AS (by ASN, so an AS that an ``add_link`` brings
    into the graph has its country too). Unknown ASes, countries without any registered
    AS, missing links (to remove or re-type) and already existing links (to add) raise
    :class:`ScenarioError` naming the scenario file and the operation's line.
    ``corridors`` are the corridors before the scenario (default: the shipped data) and
    ``presence`` the PeeringDB presence that places links on them (the corridor
    operations; without it, links are placed by rules).
    """
    state = _State(graph, table, scenario, base=corridors, presence=presence)
    _check_country(state, None, scenario.country)
    for op in scenario.operations:
        state.steps.append(_HANDLERS[type(op)](state, op))
    after = graph
    if state.edited:
        extra = union(graph.asns, state.a, state.b)
        after = ASGraph.from_links(
            state.a, state.b, state.r, asns=extra, provenance=graph.provenance
        )
    log = AppliedLog(
        steps=tuple(state.steps),
        links_before=len(graph.links),
        links_after=len(after.links),
        origins=state.origins,
        vantage_points=state.vantage_points,
        collectors_only=state.collectors_only,
        corridors=state.corridors,
        satellite=state.satellite,
    )
    return after, log


# ------------------------------------------------------------------ working state
@dataclass
class _State:
    graph: ASGraph
    table: ASTable
    scenario: m.Scenario
    a: np.ndarray = field(init=False)
    b: np.ndarray = field(init=False)
    r: np.ndarray = field(init=False)
    steps: list[AppliedStep] = field(default_factory=list)
    edited: bool = False
    origins: tuple[int, ...] | None = None
    vantage_points: tuple[int, ...] | None = None
    collectors_only: bool = False
    base: CorridorSet | None = None
    presence: Presence | None = None
    corridors: CorridorSet | None = None
    satellite: Satellite | None = None

    def __post_init__(self) -> None:
        links = self.graph.links
        self.a, self.b, self.r = links.as1, links.as2, links.rel

    def keep(self, mask: np.ndarray) -> int:
        """Keep the links where ``mask`` is true; return how many went."""
        gone = int(mask.size - np.count_nonzero(mask))
        if gone:
            self.a, self.b, self.r = self.a[mask], self.b[mask], self.r[mask]
            self.edited = True
        return gone

    def pair(self, x: int, y: int) -> np.ndarray:
        """Mask of the x-y link (either direction)."""
        return ((self.a == x) & (self.b == y)) | ((self.a == y) & (self.b == x))

    def cc(self) -> tuple[np.ndarray, np.ndarray]:
        return self.table.ids_of(self.a), self.table.ids_of(self.b)

    def physical(self) -> CorridorSet:
        """The corridors as edited so far (the base data before the first edit)."""
        if self.base is None:
            self.base = load_corridors()
        return self.corridors if self.corridors is not None else self.base


def _fail(state: _State, op: m._Op | None, problem: str, hint: str | None = None) -> NoReturn:
    line = f", line {op.line}" if op is not None and op.line is not None else ""
    kind = f" ({op.op})" if op is not None and hasattr(op, "op") else ""
    raise ScenarioError(f"{state.scenario.path}{line}{kind}: {problem}", hint=hint)


def _check_asn(state: _State, op: m._Op, asn: int, *, allow_new: bool = False) -> None:
    i = int(np.searchsorted(state.graph.asns, asn))
    if i < state.graph.n and int(state.graph.asns[i]) == asn:
        return
    if allow_new and state.table.listed(asn):
        return
    where = "the AS graph or as_info" if allow_new else "the AS graph"
    snap = state.graph.provenance.dataset if state.graph.provenance is not None else "this graph"
    _fail(state, op, f"AS{asn} is not in {where} ({snap})",
          hint="ASes are given by number; check it, or the date of the snapshot")


def _check_country(state: _State, op: m._Op | None, cc: str) -> int:
    code = state.table.id_of(cc)
    if code < 0:
        err = no_as_in(cc)
        _fail(state, op, err.message, hint=err.hint)
    return code


def _step(op: m._Op, **counts: int) -> AppliedStep:
    return AppliedStep(op=getattr(op, "op", "?"), label=op.label, line=op.line, **counts)


# ------------------------------------------------------------------ operations
def _remove_as(state: _State, op: m.RemoveAS) -> AppliedStep:
    for asn in op.asns:
        _check_asn(state, op, asn)
    gone = np.asarray(op.asns, dtype=np.int64)
    return _step(op, removed=state.keep(~(np.isin(state.a, gone) | np.isin(state.b, gone))))


def _remove_link(state: _State, op: m.RemoveLink) -> AppliedStep:
    _check_asn(state, op, op.a)
    _check_asn(state, op, op.b)
    hit = state.pair(op.a, op.b)
    if not hit.any():
        _fail(state, op, f"there is no link between AS{op.a} and AS{op.b} to remove")
    return _step(op, removed=state.keep(~hit))


def _remove_country_links(state: _State, op: m.RemoveCountryLinks) -> AppliedStep:
    x, y = (_check_country(state, op, c) for c in op.countries)
    ca, cb = state.cc()
    hit = ((ca == x) & (cb == y)) | ((ca == y) & (cb == x))
    return _step(op, removed=state.keep(~hit))


def _depeer(state: _State, op: m.Depeer) -> AppliedStep:
    _check_asn(state, op, op.asn)
    c = _check_country(state, op, op.country)
    ca, cb = state.cc()
    hit = ((state.a == op.asn) & (cb == c)) | ((state.b == op.asn) & (ca == c))
    return _step(op, removed=state.keep(~hit))


def _add_link(state: _State, op: m.AddLink) -> AppliedStep:
    _check_asn(state, op, op.a, allow_new=True)
    _check_asn(state, op, op.b, allow_new=True)
    if op.a == op.b:
        _fail(state, op, f"a link needs two different ASes (AS{op.a} twice)")
    if state.pair(op.a, op.b).any():
        _fail(state, op, f"AS{op.a} and AS{op.b} are already linked",
              hint="use change_relationship to re-type an existing link")
    x, y = (op.b, op.a) if op.rel == "c2p" else (op.a, op.b)
    state.a = np.append(state.a, np.int64(x))
    state.b = np.append(state.b, np.int64(y))
    state.r = np.append(state.r, np.int8(_REL[op.rel]))
    state.edited = True
    return _step(op, added=1)


def _change_relationship(state: _State, op: m.ChangeRelationship) -> AppliedStep:
    _check_asn(state, op, op.a)
    _check_asn(state, op, op.b)
    hit = state.pair(op.a, op.b)
    if not hit.any():
        _fail(state, op, f"there is no link between AS{op.a} and AS{op.b} to re-type",
              hint="use add_link for a new link")
    x, y = (op.b, op.a) if op.rel == "c2p" else (op.a, op.b)
    i = int(np.argmax(hit))
    before = (int(state.a[i]), int(state.b[i]), int(state.r[i]))
    state.a, state.b, state.r = state.a.copy(), state.b.copy(), state.r.copy()
    state.a[i], state.b[i], state.r[i] = x, y, _REL[op.rel]
    state.edited = True
    return _step(op, changed=int(before != (x, y, _REL[op.rel])))


def _no_foreign_transit(state: _State, op: m.NoForeignTransit) -> AppliedStep:
    c = _check_country(state, op, op.country)
    ca, cb = state.cc()
    return _step(op, removed=state.keep(~((state.r == -1) & (ca == c) & (cb != c))))


def _disconnect_country(state: _State, op: m.DisconnectCountry) -> AppliedStep:
    c = _check_country(state, op, op.country)
    ca, cb = state.cc()
    return _step(op, removed=state.keep((ca == c) == (cb == c)))


def _restrict(state: _State, op: m.Restrict) -> AppliedStep:
    if op.origins is not None:
        target = state.table.id_of(state.scenario.country)
        for asn in op.origins:
            if state.table.ids_of([asn])[0] != target:
                _fail(state, op, f"origin AS{asn} is not registered in "
                      f"{state.scenario.country}, the scenario's country")
        mine = tuple(sorted(set(op.origins)))
        prev = state.origins
        state.origins = mine if prev is None else tuple(a for a in prev if a in mine)
    vp = op.vantage_points
    if isinstance(vp, list):
        for asn in vp:
            _check_asn(state, op, asn)
        mine_vp = tuple(sorted(set(vp)))
        prev_vp = state.vantage_points
        state.vantage_points = mine_vp if prev_vp is None else tuple(
            a for a in prev_vp if a in mine_vp
        )
    elif vp == "collectors":
        state.collectors_only = True
    return _step(op)


def _cut_corridor(state: _State, op: m.CutCorridor) -> AppliedStep:
    a, b = (_iso(state, op, c) for c in op.countries)
    before = state.physical()
    after, cut = cut_corridor(before, a, b, count=op.count)
    if cut == 0:
        _fail(state, op, f"no corridor between {a} and {b} in the corridor data",
              hint="see `crossroads corridors " + a + "`")
    state.corridors = after
    lost = _lost(state, before, after)
    return _step(op, removed=state.keep(~lost))


def _lost(state: _State, before: CorridorSet, after: CorridorSet) -> np.ndarray:
    """Mask of the scenario country's links that could reach an interconnection point
    before and cannot after (placements made on the base corridors)."""
    cc = state.scenario.country
    home = state.table.id_of(cc)
    ca, cb = state.cc()
    border = np.flatnonzero((ca == home) != (cb == home))
    out = np.zeros(state.a.shape[0], bool)
    if border.size == 0:
        return out
    h_is_a = ca[border] == home
    h = np.where(h_is_a, state.a[border], state.b[border])
    f = np.where(h_is_a, state.b[border], state.a[border])
    fcc = np.where(h_is_a, cb[border], ca[border])
    names = [state.table.codes[c] for c in fcc]
    placed = place_links(cc, h.tolist(), f.tolist(), names, state.base or before,
                         state.presence)
    r0, r1 = country_routes(before, cc), country_routes(after, cc)
    for i, p in zip(border, placed, strict=True):
        ok0 = any(r0.reaches(c.country, border=c.border is not None) for c in p.candidates)
        ok1 = any(r1.reaches(c.country, border=c.border is not None) for c in p.candidates)
        out[i] = ok0 and not ok1
    return out


def _add_corridor(state: _State, op: m.AddCorridor) -> AppliedStep:
    cs = state.physical()
    if op.id is not None:
        try:
            row = cs.by_id(op.id)
        except KeyError:
            _fail(state, op, f"no corridor {op.id!r} in the corridor data",
                  hint="`crossroads corridors CC --json` lists the ids")
    else:
        route = tuple(_iso(state, op, c) for c in op.route or ())
        for mid in op.metros:
            if mid not in cs.metros:
                _fail(state, op, f"unknown metro {mid!r}",
                      hint="metros are the ids of crossroads/physical/data/metros.csv")
        row = Corridor(
            id=f"scenario:{op.label or '-'.join(route)}", kind="system", countries=route,
            count=op.count, metros=tuple(op.metros), operators=(), status="operational",
            year=op.year, grade="C", source_url=state.scenario.path,
            source_title=f"scenario {state.scenario.name}", source_date="",
            path=state.scenario.path, line=op.line or 0)
    state.corridors = add_corridor(cs, row)
    return _step(op)


def _satellite(state: _State, op: m.SatelliteService) -> AppliedStep:
    state.satellite = Satellite(op.share, _iso(state, op, op.station), op.label or "")
    return _step(op)


def _iso(state: _State, op: m._Op, cc: str) -> str:
    try:
        return territory_code(cc)  # corridors and ground stations are on real territory
    except UnknownCountryError as err:
        _fail(state, op, err.message, hint=err.hint)


# each handler takes the operation of its own class
_HANDLERS: dict[type, Callable[[_State, Any], AppliedStep]] = {
    m.RemoveAS: _remove_as,
    m.RemoveLink: _remove_link,
    m.RemoveCountryLinks: _remove_country_links,
    m.Depeer: _depeer,
    m.AddLink: _add_link,
    m.ChangeRelationship: _change_relationship,
    m.NoForeignTransit: _no_foreign_transit,
    m.DisconnectCountry: _disconnect_country,
    m.Restrict: _restrict,
    m.CutCorridor: _cut_corridor,
    m.AddCorridor: _add_corridor,
    m.SatelliteService: _satellite,
}
