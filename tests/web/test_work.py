"""The web's worker pool keeps its workers' memory bounded (issue 19, "unbounded server").

After each job a worker collects garbage and trims the C heap; a worker still resident
above ``max_worker_mib`` is retired and the next job gets a new process.
"""

from __future__ import annotations

import asyncio
import os
from functools import partial

import numpy as np

from crossroads.web._work import WorkPool, resident_mib

_KEPT: list[np.ndarray] = []


def pid_after(keep_mib: int, scratch_mib: int) -> int:
    """A job: keep ``keep_mib`` MiB alive in the worker (a leak); use ``scratch_mib`` MiB
    in 64 KiB pieces (on the C heap, below glibc's mmap threshold) and free it under a
    small block that stays, so only a trim hands those pages back; return the pid."""
    if keep_mib:
        _KEPT.append(np.ones(keep_mib * 2**20, np.uint8))
    scratch = [np.ones(2**16, np.uint8) for _ in range(scratch_mib * 16)]
    _KEPT.append(np.ones(2**12, np.uint8))  # allocated above the scratch: pins the heap top
    del scratch
    return os.getpid()


def _pids(pool: WorkPool, jobs: list[tuple[int, int]]) -> list[int]:
    async def run() -> list[int]:
        try:
            return [await pool.submit(partial(pid_after, *job)).result() for job in jobs]
        finally:
            pool.close()

    return asyncio.run(run())


def test_a_worker_within_its_memory_is_kept() -> None:
    pool = WorkPool(workers=1, queue=1, max_worker_mib=400)
    pids = _pids(pool, [(0, 600), (0, 600), (0, 0)])  # 600 MiB used, freed: kept
    assert pids[0] == pids[1] == pids[2]
    assert pool.status()["processes_started"] == 1 and pool.status()["retired"] == 0


def test_a_worker_that_stays_large_is_retired() -> None:
    pool = WorkPool(workers=1, queue=1, max_worker_mib=400)
    pids = _pids(pool, [(0, 0), (500, 0), (0, 0)])  # the second job leaves 500 MiB behind
    assert pids[0] == pids[1] != pids[2]
    st = pool.status()
    assert st["processes_started"] == 2 and st["retired"] == 1


def test_no_limit_keeps_every_worker() -> None:
    pool = WorkPool(workers=1, queue=1)
    pids = _pids(pool, [(500, 0), (0, 0)])
    assert pids[0] == pids[1] and pool.status()["retired"] == 0


def test_resident_mib_reads_proc() -> None:
    mine = resident_mib(os.getpid())
    assert mine is not None and mine > 10  # this interpreter with numpy loaded
    assert resident_mib(2**31 - 1) is None  # no such process
