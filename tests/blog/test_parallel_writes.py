"""Write jobs side by side: jobs with a key in common one after the other,
the others at once; every job's result counted, every error raised."""

from __future__ import annotations

import threading
import time

import pytest

from blog.parallel_writes import ParallelWrites


class Log:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[tuple[str, str]] = []

    def job(self, name: str, result: int = 1, seconds: float = 0.2):
        def run() -> int:
            with self.lock:
                self.events.append(("start", name))
            time.sleep(seconds)
            with self.lock:
                self.events.append(("end", name))
            return result

        return run

    def index(self, event: str, name: str) -> int:
        return self.events.index((event, name))


def test_jobs_sharing_a_key_wait_for_each_other_and_the_others_run_beside_them():
    log = Log()
    with ParallelWrites(2) as writes:
        writes.submit(log.job("monday", 1), {"monday"})
        writes.submit(log.job("monday again", 10), {"monday"})
        writes.submit(log.job("tuesday", 100), {"tuesday"})

    assert writes.total == 111
    assert log.index("start", "monday again") > log.index("end", "monday")
    assert log.index("start", "tuesday") < log.index("end", "monday again")


def test_no_more_jobs_run_at_once_than_there_are_workers():
    log, running, most = Log(), [0], [0]

    def counted():
        with log.lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with log.lock:
            running[0] -= 1
        return 1

    with ParallelWrites(2) as writes:
        for day in range(8):
            writes.submit(counted, {day})
    assert (writes.total, most[0]) == (8, 2)


def test_one_worker_runs_every_job_in_the_callers_thread_in_order():
    threads, log = [], Log()

    def job(name):
        def run():
            threads.append(threading.current_thread())
            return log.job(name, seconds=0)()

        return run

    with ParallelWrites(1) as writes:
        for name in ("a", "b", "c"):
            writes.submit(job(name), {name})
    assert threads == [threading.current_thread()] * 3
    assert [name for event, name in log.events if event == "start"] == ["a", "b", "c"]


def test_a_failed_job_is_raised_after_the_others_have_finished():
    log = Log()

    def fails():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"), ParallelWrites(2) as writes:
        writes.submit(fails, {"monday"})
        writes.submit(log.job("tuesday", seconds=0.3), {"tuesday"})
    assert ("end", "tuesday") in log.events
