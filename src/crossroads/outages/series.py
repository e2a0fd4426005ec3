"""Per-country and per-AS BGP time series from a stream of routes (archive or live).

State: ``carried[peer, prefix]`` (0/1) after every record seen so far. In each bin
(default 5 minutes) only the *last* record of each (peer, prefix) pair matters for the
state at the bin's end, so a bin is applied as one vectorised update: session-down rows
first clear their peer's row, then each pair takes the state of its last later record
(announce or RIB entry: carried; withdrawal: not).

Full-feed peers (per address family): the peers configured (counted for a family once they
have carried a prefix of it), else those currently carrying at least ``full_feed_share`` of
the prefixes of the family that the busiest peer carries, among the peers that have carried
a prefix of the family since their session last went down (the live rule: a peer whose
routes are all withdrawn stays in the set — that is the outage being measured — while a
peer whose session is down leaves it; archives fix the set once from the whole input, see
:mod:`~crossroads.outages.archive`).
A prefix is **visible** when more than half of its family's full-feed peers carry it:
``2 * carried_by_full_feed(p) > n_full_feed(family(p))``.

At each bin's end, per country and per AS (the country of a prefix is the registration
country of its origin AS, the origin being the last announced one): visible prefixes,
visible IPv4 space in /24-equivalents (union of visible IPv4 prefixes, addresses / 256,
overlaps counted once), visible IPv6 prefixes, and the announcements and withdrawals
received during the bin from all peers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta

import numpy as np
import pandas as pd
import pyarrow as pa

from crossroads.errors import CrossroadsError
from crossroads.outages._intern import (
    KIND_ANNOUNCE,
    KIND_DOWN,
    KIND_RIB,
    KIND_WITHDRAW,
    Interner,
    Routes,
    routes_from_arrow,
)
from crossroads.outages._space import union_per_group

__all__ = ["SERIES_COLUMNS", "SeriesBuilder"]

SERIES_COLUMNS = [
    "time", "visible_prefixes", "visible_slash24", "visible_v6_prefixes", "announcements",
    "withdrawals", "full_feed_peers",
]
MAX_GAP_BINS = 100_000


def _grow2(a: np.ndarray, rows: int, cols: int) -> np.ndarray:
    if rows <= a.shape[0] and cols <= a.shape[1]:
        return a
    out = np.zeros((max(rows, a.shape[0]), max(cols, 2 * a.shape[1], 1024)), a.dtype)
    out[: a.shape[0], : a.shape[1]] = a
    return out


def _grow(a: np.ndarray, n: int, fill: int = 0) -> np.ndarray:
    if n <= a.shape[0]:
        return a
    out = np.full(max(n, 2 * a.shape[0], 1024), fill, a.dtype)
    out[: a.shape[0]] = a
    return out


def _last_per_key(key: np.ndarray) -> np.ndarray:
    """Indices of the last occurrence of each distinct key (rows in input order)."""
    order = np.argsort(key, kind="stable")
    k = key[order]
    last = np.ones(k.shape[0], bool)
    last[:-1] = k[1:] != k[:-1]
    return order[last]


class SeriesBuilder:
    """Incremental builder: :meth:`feed` route batches in time order, then :meth:`frames`.

    ``on_bin(country_rows, asn_rows)`` is called with the rows of each bin as it closes
    (the live monitor uses it). Records older than the open bin are counted in it.
    ``keep_bins`` bounds the closed bins kept for :meth:`frames` (a live feed runs for ever).
    """

    def __init__(
        self,
        *,
        asn_country: Mapping[int, str] | pd.Series,
        countries: Iterable[str] | None = None,
        bin: timedelta = timedelta(minutes=5),
        full_feed_share: float = 0.5,
        full_feed_peers: Iterable[str] | None = None,
        on_bin: Callable[[pd.DataFrame, pd.DataFrame], None] | None = None,
        keep_bins: int | None = None,
    ) -> None:
        if bin.total_seconds() <= 0:
            raise CrossroadsError(f"bin width must be positive, not {bin}")
        self.bin_us = int(bin.total_seconds() * 1_000_000)
        self.bin = bin
        self.intern = Interner()
        m = pd.Series(asn_country, dtype=object).dropna()
        self._cc_names: list[str] = sorted(set(m.astype(str)))
        cc_index = {c: i for i, c in enumerate(self._cc_names)}
        keys = np.asarray(m.index, dtype=np.int64)
        order = np.argsort(keys)
        self._map_asn = keys[order]
        self._map_cc = np.array([cc_index[str(c)] for c in m.to_numpy()], np.int32)[order]
        self.targets = None if countries is None else {c.upper() for c in countries}
        self.full_feed_share = full_feed_share
        self.configured_ff = None if full_feed_peers is None else set(full_feed_peers)
        self.on_bin = on_bin
        self.keep_bins = keep_bins  # closed bins retained (None: all)
        self.carried = np.zeros((0, 1024), np.uint8)
        self.peer_count = np.zeros((0, 2), np.int64)  # carried prefixes per (peer, v4/v6)
        self.ever = np.zeros((0, 2), bool)  # the peer has carried a prefix of the family
        self.ffcount = np.zeros(1024, np.int32)  # full-feed peers carrying each prefix
        self.ff = (np.zeros(0, bool), np.zeros(0, bool))  # full-feed peer masks v4, v6
        self.origin = np.full(1024, -1, np.int32)  # AS id of each prefix's origin
        self.asn_cc = np.zeros(0, np.int32)  # country id of each AS id, -1 unknown
        self.ann = np.zeros(0, np.int64)  # per AS id, current bin (-1 id in slot 0 excluded)
        self.wd = np.zeros(0, np.int64)
        self.unattributed = 0
        self.current: int | None = None  # open bin index
        self.records = 0
        self._country_rows: list[pd.DataFrame] = []
        self._asn_rows: list[pd.DataFrame] = []

    # -- sizing --------------------------------------------------------------------
    def _fit(self) -> None:
        n_pfx, n_peer = self.intern.n_prefixes, len(self.intern.peers)
        self.carried = _grow2(self.carried, n_peer, n_pfx)
        if self.peer_count.shape[0] < n_peer:
            pc_ = np.zeros((n_peer, 2), np.int64)
            pc_[: self.peer_count.shape[0]] = self.peer_count
            self.peer_count = pc_
            ev = np.zeros((n_peer, 2), bool)
            ev[: self.ever.shape[0]] = self.ever
            self.ever = ev
            grown = [np.zeros(n_peer, bool), np.zeros(n_peer, bool)]
            for f in (0, 1):
                grown[f][: self.ff[f].shape[0]] = self.ff[f]
            self.ff = (grown[0], grown[1])
        self.ffcount = _grow(self.ffcount, n_pfx)
        self.origin = _grow(self.origin, n_pfx, -1)
        n_as = len(self.intern.asns)
        if self.asn_cc.shape[0] < n_as:
            new = np.asarray(self.intern.asns[self.asn_cc.shape[0]:], np.int64)
            pos = np.clip(np.searchsorted(self._map_asn, new), 0, max(len(self._map_asn) - 1, 0))
            hit = (self._map_asn[pos] == new) if len(self._map_asn) else np.zeros(len(new), bool)
            cc = np.where(hit, self._map_cc[pos] if len(self._map_cc) else -1, -1)
            self.asn_cc = np.concatenate([self.asn_cc, cc.astype(np.int32)])
            self.ann = np.concatenate([self.ann, np.zeros(len(new), np.int64)])
            self.wd = np.concatenate([self.wd, np.zeros(len(new), np.int64)])

    # -- input ---------------------------------------------------------------------
    def to_routes(self, table: pa.Table | pa.RecordBatch) -> Routes:
        """Intern a batch of MRT-schema rows."""
        r = routes_from_arrow(table, self.intern)
        self._fit()
        return r

    def seed_carried(self, peer: np.ndarray, prefix: np.ndarray) -> None:
        """Set pairs as carried before the first bin (the ``infer`` anchor); not counted
        as updates."""
        self._fit()
        self._set_state(peer, prefix, np.ones(peer.shape[0], np.uint8))

    def seed_origin(self, prefix: np.ndarray, origin: np.ndarray) -> None:
        """Origins of prefixes before the first bin, so that a withdrawal preceding the
        prefix's first announcement is attributed."""
        self._fit()
        self.origin[prefix] = origin

    def feed(self, table: pa.Table | pa.RecordBatch | Routes) -> None:
        """Apply a batch of routes (MRT schema, or interned :class:`Routes`)."""
        r = table if isinstance(table, Routes) else self.to_routes(table)
        if r.size == 0:
            return
        self.records += r.size
        b = r.ts // self.bin_us
        if self.current is None:
            self.current = int(b.min())
        b = np.maximum(b, self.current)
        order = np.argsort(b, kind="stable")
        b = b[order]
        cuts = np.flatnonzero(np.diff(b)) + 1
        for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, b.shape[0]], strict=True):
            self.advance(int(b[lo]))
            self._apply(r.take(order[lo:hi]))

    def advance(self, to_bin: int) -> None:
        """Close bins until ``to_bin`` is the open one (no-op when it already is)."""
        if self.current is None:
            self.current = to_bin
            return
        if to_bin - self.current > MAX_GAP_BINS:
            raise CrossroadsError(
                f"the input has a gap of {to_bin - self.current} bins of {self.bin}",
                hint="give a RIB taken near the update files, or a wider --bin",
            )
        while self.current < to_bin:
            self._close()
            self.current += 1

    def close(self) -> None:
        """Close the open bin (end of input)."""
        if self.current is not None:
            self._close()
            self.current += 1

    # -- state ---------------------------------------------------------------------
    def _set_state(self, peer: np.ndarray, prefix: np.ndarray, new: np.ndarray) -> None:
        old = self.carried[peer, prefix]
        delta = new.astype(np.int64) - old.astype(np.int64)
        self.carried[peer, prefix] = new
        fam = (self.intern.family[prefix] == 6).astype(np.int64)
        np.add.at(self.peer_count, (peer, fam), delta)
        self.ever[peer[delta > 0], fam[delta > 0]] = True
        is_ff = np.where(fam == 0, self.ff[0][peer], self.ff[1][peer])
        np.add.at(self.ffcount, prefix[is_ff], delta[is_ff].astype(np.int32))

    def _apply(self, r: Routes) -> None:
        n_pfx = self.intern.n_prefixes
        pos = np.arange(r.size)
        down_at = np.full(len(self.intern.peers), -1, np.int64)
        downs = r.kind == KIND_DOWN
        if downs.any():
            np.maximum.at(down_at, r.peer[downs], pos[downs])
            for p in np.flatnonzero(down_at >= 0).tolist():
                cols = np.flatnonzero(self.carried[p, :n_pfx])
                self._set_state(np.full(cols.shape[0], p, np.int32), cols,
                                np.zeros(cols.shape[0], np.uint8))
                self.ever[p, :] = False  # out of the full-feed set until it carries again
        route = (r.kind == KIND_ANNOUNCE) | (r.kind == KIND_WITHDRAW) | (r.kind == KIND_RIB)
        live = route & (pos > down_at[r.peer])
        idx = np.flatnonzero(live)
        if idx.size:
            key = r.peer[idx].astype(np.int64) * (n_pfx + 1) + r.prefix[idx]
            last = idx[_last_per_key(key)]
            self._set_state(r.peer[last], r.prefix[last],
                            (r.kind[last] != KIND_WITHDRAW).astype(np.uint8))
        who = self._origins_at_rows(r)
        for kind, acc in ((KIND_ANNOUNCE, self.ann), (KIND_WITHDRAW, self.wd)):
            w = who[r.kind == kind]
            self.unattributed += int((w < 0).sum())
            np.add.at(acc, w[w >= 0], 1)

    def _origins_at_rows(self, r: Routes) -> np.ndarray:
        """The origin AS id of each row's prefix as of that row (its own origin for an
        announcement, else the last one announced before it), and update ``origin``."""
        who = np.full(r.size, -1, np.int32)
        idx = np.flatnonzero(r.prefix >= 0)
        if idx.size == 0:
            return who
        order = idx[np.lexsort((idx, r.prefix[idx]))]  # by prefix, then input order
        pfx = r.prefix[order]
        val = np.where((r.kind[order] != KIND_WITHDRAW) & (r.origin[order] >= 0),
                       r.origin[order], -2)
        start = np.ones(order.size, bool)
        start[1:] = pfx[1:] != pfx[:-1]
        first_missing = start & (val == -2)
        val[first_missing] = self.origin[pfx[first_missing]]
        has = np.where(val != -2, np.arange(order.size), 0)
        filled = val[np.maximum.accumulate(has)]
        who[order] = filled
        end = np.ones(order.size, bool)
        end[:-1] = start[1:]
        self.origin[pfx[end]] = filled[end]
        return who

    # -- snapshots -----------------------------------------------------------------
    def _full_feed(self) -> None:
        n_peer = len(self.intern.peers)
        changed = False
        new_ff = []
        for f in (0, 1):
            cnt = self.peer_count[:n_peer, f]
            if self.configured_ff is not None:
                mask = np.array([p in self.configured_ff for p in self.intern.peers], bool)
                mask &= self.ever[:n_peer, f]
            else:
                top = cnt.max() if n_peer else 0
                mask = (cnt >= self.full_feed_share * top) & self.ever[:n_peer, f]
            changed |= not np.array_equal(mask, self.ff[f][:n_peer])
            new_ff.append(mask)
        if changed:
            self.ff = (new_ff[0], new_ff[1])
            n_pfx = self.intern.n_prefixes
            fam6 = self.intern.family[:n_pfx] == 6
            c4 = self.carried[:n_peer, :n_pfx][new_ff[0]].sum(axis=0, dtype=np.int32)
            c6 = self.carried[:n_peer, :n_pfx][new_ff[1]].sum(axis=0, dtype=np.int32)
            self.ffcount[:n_pfx] = np.where(fam6, c6, c4)

    def _close(self) -> None:
        self._fit()
        self._full_feed()
        n_pfx = self.intern.n_prefixes
        fam = self.intern.family[:n_pfx]
        n_ff = np.array([self.ff[0].sum(), self.ff[1].sum()])
        need = n_ff[(fam == 6).astype(np.int64)]
        visible = (2 * self.ffcount[:n_pfx] > need) & (need > 0)
        asn = self.origin[:n_pfx]
        vis = np.flatnonzero(visible & (asn >= 0))
        n_as = len(self.intern.asns)
        a = asn[vis]
        v6 = fam[vis] == 6
        pfx_as = np.bincount(a, minlength=n_as)
        v6_as = np.bincount(a[v6], minlength=n_as)
        v4 = vis[~v6]
        lo, hi = self.intern.lo[v4], self.intern.hi[v4]
        space_as = union_per_group(asn[v4], lo, hi, n_as) / 256.0
        cc = self.asn_cc[asn[v4]]
        k = cc >= 0
        n_cc = len(self._cc_names)
        space_cc = union_per_group(cc[k], lo[k], hi[k], n_cc) / 256.0
        cc_all = np.where(self.asn_cc >= 0, self.asn_cc, n_cc)
        per_cc = [np.bincount(cc_all, weights=x, minlength=n_cc + 1)[:n_cc]
                  for x in (pfx_as, v6_as, self.ann, self.wd)]
        assert self.current is not None  # only an open bin is closed
        when = pd.Timestamp(self.current * self.bin_us, unit="us", tz="UTC")
        cc_sel = self._selected_countries(per_cc)
        ff4 = int(n_ff[0])
        country = pd.DataFrame({
            "time": when,
            "country": [self._cc_names[i] for i in cc_sel],
            "visible_prefixes": per_cc[0][cc_sel].astype(np.int64),
            "visible_slash24": space_cc[cc_sel],
            "visible_v6_prefixes": per_cc[1][cc_sel].astype(np.int64),
            "announcements": per_cc[2][cc_sel].astype(np.int64),
            "withdrawals": per_cc[3][cc_sel].astype(np.int64),
            "full_feed_peers": ff4,
        })
        as_sel = np.flatnonzero(np.isin(self.asn_cc, cc_sel))
        asns = np.asarray(self.intern.asns, np.int64)
        per_as = pd.DataFrame({
            "time": when,
            "asn": asns[as_sel] if as_sel.size else np.zeros(0, np.int64),
            "country": [self._cc_names[i] for i in self.asn_cc[as_sel]],
            "visible_prefixes": pfx_as[as_sel].astype(np.int64),
            "visible_slash24": space_as[as_sel],
            "visible_v6_prefixes": v6_as[as_sel].astype(np.int64),
            "announcements": self.ann[as_sel],
            "withdrawals": self.wd[as_sel],
            "full_feed_peers": ff4,
        })
        self.ann[:] = 0
        self.wd[:] = 0
        self._country_rows.append(country)
        self._asn_rows.append(per_as)
        if self.keep_bins is not None and len(self._country_rows) > self.keep_bins:
            del self._country_rows[: -self.keep_bins]
            del self._asn_rows[: -self.keep_bins]
        if self.on_bin is not None:
            self.on_bin(country, per_as)

    def _selected_countries(self, per_cc: list[np.ndarray]) -> np.ndarray:
        if self.targets is not None:
            return np.array([i for i, c in enumerate(self._cc_names) if c in self.targets],
                            np.int64)
        seen = np.unique(self.asn_cc[self.asn_cc >= 0])
        return seen.astype(np.int64)

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(country rows, AS rows) of every closed bin; an AS seen late gets zero rows for
        the bins before it was seen."""
        cols_c = ["time", "country", *SERIES_COLUMNS[1:]]
        cols_a = ["time", "asn", "country", *SERIES_COLUMNS[1:]]
        country = pd.concat(self._country_rows, ignore_index=True) if self._country_rows \
            else pd.DataFrame(columns=cols_c)
        asn = pd.concat(self._asn_rows, ignore_index=True) if self._asn_rows \
            else pd.DataFrame(columns=cols_a)
        if len(asn):
            asn = _complete(asn, country)
        return country[cols_c], asn[cols_a]

    def full_feed_peer_names(self) -> tuple[str, ...]:
        """Addresses of the current IPv4 and IPv6 full-feed peers."""
        return tuple(p for i, p in enumerate(self.intern.peers)
                     if i < self.ff[0].shape[0] and (self.ff[0][i] or self.ff[1][i]))


def _complete(asn: pd.DataFrame, country: pd.DataFrame) -> pd.DataFrame:
    """Every (bin, AS) row present: zeros before an AS was first seen."""
    times = pd.Index(country["time"].unique(), name="time")
    keys = asn[["asn", "country"]].drop_duplicates("asn")
    full = pd.MultiIndex.from_product([times, keys["asn"]], names=["time", "asn"])
    out = asn.set_index(["time", "asn"]).drop(columns="country").reindex(full)
    ff = country.groupby("time")["full_feed_peers"].first()
    out = out.fillna(0).reset_index()
    out["full_feed_peers"] = out["time"].map(ff).astype(np.int64)
    for c in ("visible_prefixes", "visible_v6_prefixes", "announcements", "withdrawals"):
        out[c] = out[c].astype(np.int64)
    out = out.merge(keys, on="asn", how="left")
    return out.sort_values(["time", "asn"], ignore_index=True)
