"""Progress bars on stderr: one per file and one for all of them together."""

from __future__ import annotations

import os

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

__all__ = ["FetchBars", "show_progress"]

_OVERALL = "all files"


def show_progress() -> bool:
    """Progress is for people: drawn when stderr is a terminal, or when
    ``CROSSROADS_PROGRESS=1`` asks for it (``0`` turns it off); never in logs and pipes
    otherwise, where it would bury the one error line."""
    forced = os.environ.get("CROSSROADS_PROGRESS")
    if forced in ("0", "1"):
        return forced == "1"
    return Console(stderr=True).is_terminal


class FetchBars(Progress):
    """Called as ``bars(dataset, phase, done, total)`` (the store's progress callback):
    a bar per dataset (bytes fetched, then the phases ``parse``, ``write``, ``load``) and
    an overall bar summing the bytes of every file."""

    def __init__(self, *, overall: bool = True) -> None:
        super().__init__(
            TextColumn("{task.fields[dataset]:<44}"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[phase]:<9}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
            disable=not show_progress(),
        )
        self._ids: dict[str, TaskID] = {}
        self._done: dict[str, int] = {}
        self._sizes: dict[str, int] = {}
        self._all = self.add_task("", total=None, dataset=_OVERALL, phase="") if overall \
            else None

    def __call__(self, dataset: str, phase: str, done: int, total: int | None) -> None:
        task = self._ids.get(dataset)
        if task is None:
            task = self.add_task("", total=total, dataset=dataset, phase=phase)
            self._ids[dataset] = task
        if phase == "fetch":
            self._sizes[dataset] = total or done
            self._done[dataset] = done
            self.update(task, completed=done, total=total, phase="fetch")
        elif phase in ("loaded", "unchanged"):
            size = self._sizes.get(dataset) or 1
            self._done[dataset] = self._sizes.setdefault(dataset, size)
            self.update(task, completed=size, total=size, phase=phase)
        else:
            self.update(task, phase=phase)
        if self._all is not None:
            total_all = sum(self._sizes.values())
            self.update(self._all, completed=sum(self._done.values()),
                        total=total_all or None, phase=f"{len(self._ids)} files")
