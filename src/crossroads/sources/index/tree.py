"""Dated file trees: finding a publisher's file in force at a time without listing it all.

A :class:`Tree` describes how a publisher files its snapshots: a root directory, a regular
expression per level of subdirectories (``(?P<y>\\d{4})\\.(?P<m>\\d{2})/`` for RIS's
``2024.09/``) and one for the file names (``bview\\.(?P<y>…)…\\.gz``). Named groups ``y``,
``m``, ``d``, ``H``, ``M`` give dates; a directory's groups bound the dates of every file
below it (a month directory holds that month), and a directory without a date (``RIBS/``,
ARIN's ``archive/``) is bounded by its parent and by its modification time.

:func:`find` is a best-first search: candidates (directories and files) are taken in
decreasing order of the latest date they can hold, and the search stops at the first file,
which is then the latest one on or before ``until``. For the newest RIB of a RIS
collector that is two listings (the root and the newest month), however many years the
archive holds. :func:`between` lists every file in a date window, opening only the
directories that overlap it.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from crossroads.sources.index.cache import IndexCache, Listing
from crossroads.sources.index.listing import Entry
from crossroads.sources.index.transport import Transport

__all__ = ["Found", "Tree", "between", "find"]

_FAR_PAST = datetime(1900, 1, 1, tzinfo=UTC)
_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Tree:
    """A publisher's dated file tree (see module doc).

    ``leaf_depths`` are the directory depths (root = 0) where files may sit; None means
    only below the last level. ``shift_months`` moves a file's date: CAIDA names its IXP
    list of month M after M but builds it at the start of M + 1.
    """

    root: str
    levels: tuple[str, ...]
    leaf: str
    leaf_depths: frozenset[int] | None = None
    shift_months: int = 0

    def leaf_time(self, groups: dict[str, str]) -> datetime:
        """The data time named by a file's date groups (UTC)."""
        y, m = int(groups["y"]), int(groups.get("m") or 1)
        m += self.shift_months
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        return datetime(y, m, int(groups.get("d") or 1), int(groups.get("H") or 0),
                        int(groups.get("M") or 0), tzinfo=UTC)

    def holds_leaves(self, depth: int) -> bool:
        """Whether files may sit at ``depth``."""
        if self.leaf_depths is None:
            return depth == len(self.levels)
        return depth in self.leaf_depths


@dataclass(frozen=True)
class Found:
    """A file of a tree: its URL, name, data time, listing row and its directory's
    listing (to find a published checksum beside it)."""

    url: str
    name: str
    when: datetime
    entry: Entry
    listing: Listing

    @property
    def siblings(self) -> frozenset[str]:
        """The names in the file's directory."""
        return self.listing.name_set


@dataclass(frozen=True, order=True)
class _Node:
    upper: datetime  # the latest data time anything under this node can have
    lower: datetime
    url: str
    depth: int
    groups: tuple[tuple[str, str], ...]
    found: Found | None = None


def _period(groups: dict[str, str]) -> tuple[datetime, datetime] | None:
    """[start, end) of the dates a directory named by ``groups`` holds."""
    if "y" not in groups:
        return None
    y = int(groups["y"])
    if "m" not in groups:
        return datetime(y, 1, 1, tzinfo=UTC), datetime(y + 1, 1, 1, tzinfo=UTC)
    m = int(groups["m"])
    start = datetime(y, m, 1, tzinfo=UTC)
    end = datetime(y + m // 12, m % 12 + 1, 1, tzinfo=UTC)
    return start, end


def _children(tree: Tree, node: _Node, transport: Transport, cache: IndexCache
              ) -> list[_Node]:
    """The directories and files listed in ``node``'s directory, bounded (once per run)."""
    key = ("tree", tree, node.url, node.depth, node.groups, node.lower, node.upper)
    return cache.memo(key, lambda: list(_list_children(tree, node, transport, cache)))


def _matches(pattern: str, listing: Listing) -> Iterator[tuple[int, re.Match[str]]]:
    """(index, match) of the names ``pattern`` matches whole, scanning the listing's
    names as one text (a RIS month lists ~9,000 names; a few hundred are wanted)."""
    text = listing.text
    where = listing.index
    for m in re.finditer(f"^(?:{pattern})$", text, re.MULTILINE):
        yield where[m.group(0)], m


def _list_children(tree: Tree, node: _Node, transport: Transport, cache: IndexCache
                   ) -> Iterator[_Node]:
    closes = node.upper if node.upper < _FAR_FUTURE else None
    listing = cache.listing(transport, node.url, closes=closes)
    inherited = dict(node.groups)
    if node.depth < len(tree.levels):
        for i, m in _matches(tree.levels[node.depth], listing):
            e = listing.entry(i)
            if not e.is_dir:
                continue
            groups = {**inherited, **{k: v for k, v in m.groupdict().items() if v}}
            span = _period(groups)
            lower, upper = span if span is not None else (node.lower, node.upper)
            upper = min(upper, node.upper)
            if span is None and e.modified is not None:
                upper = min(upper, e.modified + timedelta(days=1))
            yield _Node(upper, max(lower, node.lower), node.url + e.name, node.depth + 1,
                        tuple(sorted(groups.items())))
    if tree.holds_leaves(node.depth):
        for i, m in _matches(tree.leaf, listing):
            e = listing.entry(i)
            if e.is_dir:
                continue
            groups = {**inherited, **{k: v for k, v in m.groupdict().items() if v}}
            when = tree.leaf_time(groups)
            found = Found(node.url + e.name, e.name, when, e, listing)
            yield _Node(when, when, found.url, node.depth, (), found)


def _root(tree: Tree) -> _Node:
    return _Node(_FAR_FUTURE, _FAR_PAST, tree.root, 0, ())


def find(tree: Tree, transport: Transport, cache: IndexCache, *,
         until: datetime | None = None) -> Found | None:
    """The latest file dated at or before ``until`` (the newest when None); ties go to the
    alphabetically last name, as in :func:`crossroads.sources.catalog.in_force_on`."""
    limit = until or _FAR_FUTURE
    heap: list[tuple[float, int, str, _Node]] = []

    def push(node: _Node, leaf: int) -> None:
        upper = min(node.upper, limit)
        # at equal times a file before a directory, and the alphabetically last file
        heapq.heappush(heap, (-upper.timestamp(), leaf, _neg(node.url) if leaf else "", node))

    push(_root(tree), 0)
    while heap:
        node = heapq.heappop(heap)[3]
        if node.found is not None:
            return node.found
        best: _Node | None = None
        for child in _children(tree, node, transport, cache):
            if child.lower > limit:
                continue
            if child.found is None:
                push(child, 0)
            elif best is None or (child.upper, child.url) > (best.upper, best.url):
                best = child  # only a directory's latest file can be the answer
        if best is not None:
            push(best, -1)
    return None


def between(tree: Tree, transport: Transport, cache: IndexCache, *,
            since: datetime | None = None, until: datetime | None = None,
            keep: Callable[[Found], bool] = lambda f: True) -> list[Found]:
    """Every file dated in [``since``, ``until``], oldest first."""
    lo, hi = since or _FAR_PAST, until or _FAR_FUTURE
    out: list[Found] = []
    todo = [_root(tree)]
    while todo:
        node = todo.pop()
        for child in _children(tree, node, transport, cache):
            if child.upper < lo or child.lower > hi:
                continue
            if child.found is None:
                todo.append(child)
            elif keep(child.found):
                out.append(child.found)
    return sorted(out, key=lambda f: (f.when, f.name))


def _neg(text: str) -> str:
    """A key that sorts strings in reverse (heapq pops the smallest); the end mark puts a
    name before every name it is a prefix of."""
    return "".join(chr(0x10FFFF - ord(c)) for c in text) + chr(0x10FFFF)
