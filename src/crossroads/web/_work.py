"""A bounded pool of worker processes for the web server's long computations.

A dependency report, a scenario or a history takes seconds to minutes and hundreds of
megabytes; run in the server's own threads, eight at once took every core, grew the
server to 1.3 GB and slowed every other page. Here at most ``workers`` jobs run, each in a
worker process of its own, and at most ``queue`` more wait; a job beyond that is refused at
once with :class:`~crossroads.errors.BusyError` (the web answers 503 with ``Retry-After``).
A job whose clients have all gone is cancelled: a waiting one never starts, a running one
has its worker process killed (a new one is started for the next job). Worker processes
are started on demand and kept, so their caches (the AS graph of a date) serve the next
job. After each job a worker collects garbage and hands the heap it freed back to the
system (``malloc_trim`` where the C library is glibc: a scenario frees about 0.6 GiB that
would otherwise stay resident); a worker still above ``max_worker_mib`` resident after
that is retired and replaced, so no worker grows without bound.

A job is a picklable callable (a module-level function, or a ``functools.partial`` of one);
it returns picklable data. A :class:`~crossroads.errors.CrossroadsError` raised in the
worker is raised again in the server with the same class, message and hint; any other
exception is a bug and comes back as a :class:`WorkerError` carrying the worker's
traceback, which the server logs.

Example (a job that is a plain function)::

    >>> import asyncio, operator
    >>> from functools import partial
    >>> async def demo():
    ...     pool = WorkPool(workers=1, queue=1)
    ...     try:
    ...         return await pool.submit(partial(operator.add, 2, 3)).result()
    ...     finally:
    ...         pool.close()
    >>> asyncio.run(demo())
    5
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import multiprocessing
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from crossroads.errors import BusyError, CrossroadsError

__all__ = ["Job", "JobCancelled", "SharedCluster", "WorkPool", "WorkerError",
           "release_memory", "resident_mib"]


class WorkerError(RuntimeError):
    """A job failed with an exception that is not a CrossroadsError (a bug)."""


class JobCancelled(Exception):
    """The job was cancelled before it finished."""


def _serve(conn: Connection, niceness: int) -> None:
    """A worker process: run each job received on ``conn``, send back its outcome. It runs
    ``niceness`` steps below the server's CPU priority, so that on a busy machine the
    server's own quick answers (pages, profiles, cached results) come first."""
    try:
        os.nice(niceness)
    except OSError:  # pragma: no cover - not permitted here
        pass
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            outcome: tuple[Any, ...] = ("ok", job())
        except CrossroadsError as exc:
            outcome = ("error", type(exc), exc.message, exc.hint,
                       getattr(exc, "retry_after", None))
        except BaseException:  # noqa: BLE001 - a bug: its traceback goes to the server log
            outcome = ("bug", traceback.format_exc())
        del job
        release_memory()
        try:
            conn.send(outcome)
        except Exception:  # noqa: BLE001 - an unpicklable result is a bug too
            conn.send(("bug", traceback.format_exc()))


def release_memory() -> None:
    """Collect garbage, then return the C heap's free memory to the system where the C
    library can (glibc's ``malloc_trim``; elsewhere only the collection)."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):  # pragma: no cover - not glibc
        pass


def resident_mib(pid: int) -> float | None:
    """Resident memory of process ``pid`` in MiB (``/proc/PID/statm``), None where there is
    no ``/proc`` or the process is gone.

    >>> resident_mib(os.getpid()) > 1
    True
    """
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _rebuild(cls: type[CrossroadsError], message: str, hint: str | None,
             retry_after: int | None) -> CrossroadsError:
    """The worker's error as an instance of its class (constructors differ, so the
    attributes every handler reads are set directly)."""
    exc = cls.__new__(cls)
    CrossroadsError.__init__(exc, message, hint=hint)
    if retry_after is not None:
        exc.retry_after = retry_after  # type: ignore[attr-defined]
    return exc


@dataclass
class _Worker:
    process: Any
    conn: Connection

    def alive(self) -> bool:
        return bool(self.process.is_alive())

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


@dataclass
class Job:
    """One submitted computation; await :meth:`result`, or :meth:`cancel` it."""

    pool: WorkPool
    fn: Callable[[], Any]
    cancelled: bool = False
    worker: _Worker | None = None
    task: asyncio.Task[Any] | None = field(default=None, repr=False)

    async def result(self) -> Any:
        """The job's return value, once a worker is free and has run it."""
        assert self.task is not None
        return await asyncio.shield(self.task)

    def cancel(self) -> None:
        """Stop the job: a waiting one never starts, a running one's worker is killed."""
        self.cancelled = True
        if self.worker is not None:
            self.worker.kill()
        elif self.task is not None:
            self.task.cancel()


class WorkPool:
    """At most ``workers`` jobs at once in worker processes, ``queue`` more waiting."""

    def __init__(self, workers: int = 2, queue: int = 4, *, retry_after: int = 10,
                 niceness: int = 10, max_worker_mib: float | None = None) -> None:
        self.workers = workers
        self.niceness = niceness
        self.queue = queue
        self.retry_after = retry_after
        self.max_worker_mib = max_worker_mib
        self.admitted = 0
        self.running = 0
        self.started = 0
        self.cancelled = 0
        self.retired = 0
        self._slots: asyncio.Semaphore | None = None
        self._idle: list[_Worker] = []
        self._ctx = multiprocessing.get_context("spawn")

    def status(self) -> dict[str, int]:
        """Jobs running and waiting, the limits, worker processes started, jobs
        cancelled and workers retired for their memory so far."""
        return {"running": self.running, "waiting": self.admitted - self.running,
                "workers": self.workers, "queue": self.queue,
                "processes_started": self.started, "cancelled": self.cancelled,
                "retired": self.retired}

    def submit(self, fn: Callable[[], Any]) -> Job:
        """Admit ``fn`` or raise :class:`BusyError` when ``workers + queue`` jobs are
        already admitted."""
        if self.admitted >= self.workers + self.queue:
            raise BusyError(
                f"the server is busy: {self.running} long computations running and "
                f"{self.admitted - self.running} waiting (limits {self.workers} and "
                f"{self.queue})",
                hint=f"retry in {self.retry_after} s; results already computed are "
                "answered at once",
                retry_after=self.retry_after,
            )
        self.admitted += 1
        job = Job(self, fn)
        job.task = asyncio.ensure_future(self._run(job))
        return job

    def close(self) -> None:
        """Kill every idle worker process (running jobs' workers end with their jobs)."""
        for worker in self._idle:
            worker.kill()
        self._idle.clear()

    async def _run(self, job: Job) -> Any:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        try:
            async with self._slots:
                if job.cancelled:
                    raise JobCancelled()
                self.running += 1
                try:
                    return await self._on_worker(job)
                finally:
                    self.running -= 1
        except (JobCancelled, asyncio.CancelledError):
            self.cancelled += 1
            raise JobCancelled() from None
        finally:
            self.admitted -= 1

    async def _on_worker(self, job: Job) -> Any:
        worker = self._worker()  # starting a process returns at once
        job.worker = worker
        try:
            worker.conn.send(job.fn)
            outcome = await asyncio.to_thread(worker.conn.recv)
        except (EOFError, OSError, BrokenPipeError):
            worker.kill()
            if job.cancelled:
                raise JobCancelled() from None
            raise WorkerError("the worker process died (killed, or out of memory)") from None
        job.worker = None
        self._keep(worker)
        kind, *rest = outcome
        if kind == "ok":
            return rest[0]
        if kind == "error":
            raise _rebuild(*rest)
        raise WorkerError(rest[0])

    def _keep(self, worker: _Worker) -> None:
        """Back to the idle workers, or retired when it stays above ``max_worker_mib``
        after its job (it released what it freed before answering)."""
        rss = resident_mib(worker.process.pid)
        if self.max_worker_mib is not None and rss is not None and rss > self.max_worker_mib:
            worker.kill()
            self.retired += 1
        else:
            self._idle.append(worker)

    def _worker(self) -> _Worker:
        while self._idle:
            worker = self._idle.pop()
            if worker.alive():
                return worker
            worker.kill()
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_serve, args=(child, self.niceness), daemon=True,
                                    name="crossroads-web-worker")
        process.start()
        child.close()
        self.started += 1
        return _Worker(process, parent)


class SharedCluster:
    """One Dask ``LocalCluster`` for the whole server, started on first use (the history
    of a country runs its snapshots on it) and closed with the app; without it every
    uncached history started a cluster of its own (three at once: 3.6 GB)."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self._cluster: Any = None
        self._lock: asyncio.Lock | None = None

    async def address(self) -> str:
        """The scheduler address (``tcp://127.0.0.1:PORT``), starting the cluster once."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._cluster is None:
                self._cluster = await asyncio.to_thread(self._start)
        return str(self._cluster.scheduler_address)

    def _start(self) -> Any:
        from distributed import LocalCluster

        return LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                            host="127.0.0.1", dashboard_address=None)

    def close(self) -> None:
        """Stop the cluster, if it was started."""
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
