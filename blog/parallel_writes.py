"""Write jobs run side by side, each in a thread with its own database
connection, so that a database server that works one core per statement
uses more than one: the page-view fold on PostgreSQL (docs/decisions.md,
"Folding page views"). Jobs that share a key never run at once (two upserts
of the same rows in different orders could deadlock); with one worker every
job runs in the caller's thread, in order."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection


class ParallelWrites:
    """`with ParallelWrites(2) as writes: writes.submit(job, keys)`; then
    `writes.total` is the sum of what the jobs returned. A job's exception
    is raised by a later submit or at the end of the block, after every
    running job has finished."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.total = 0
        self._pool = ThreadPoolExecutor(workers) if workers > 1 else None
        self._running: list[tuple[Future, frozenset]] = []

    def __enter__(self) -> ParallelWrites:
        return self

    def __exit__(self, *exc) -> None:
        try:
            while self._running:
                self._finish(self._running[0])
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)

    def submit(self, job: Callable[[], int], keys: set[Hashable]) -> None:
        if self._pool is None:
            self.total += job()
            return
        keys = frozenset(keys)
        for running in [running for running in self._running if running[1] & keys]:
            self._finish(running)
        while len(self._running) >= self.workers:
            self._finish(self._running[0])
        self._running.append((self._pool.submit(_on_own_connection, job), keys))

    def _finish(self, running: tuple[Future, frozenset]) -> None:
        self._running.remove(running)
        self.total += running[0].result()


def _on_own_connection(job: Callable[[], int]) -> int:
    try:
        return job()
    finally:
        connection.close()  # this thread's: Django opened it for the job
