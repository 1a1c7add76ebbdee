"""Beat is single by construction: two `celery beat` schedulers on the same
Redis (a second one started by mistake, a rolling deploy) send each due job
once, and the second takes over when the first stops (config/beat.py)."""

from __future__ import annotations

import os
import time

import pytest
import redis
from celery import Celery

from config.beat import SingleBeatScheduler

pytestmark = pytest.mark.redis


@pytest.fixture
def beat_app(redis_url, tmp_path):
    """A Celery app on the real Redis with one job due every half second,
    sent to a queue and a lock key of this test's own."""
    name = f"casebook-beat-test-{os.getpid()}-{time.time_ns()}"
    app = Celery(name, broker=redis_url, set_as_current=False)
    app.conf.update(
        beat_schedule={"probe": {"task": "casebook.beat_probe", "schedule": 0.5, "options": {"queue": name}}},
        beat_lock_key=f"{name}:lock",
        timezone="UTC",
    )
    client = redis.Redis.from_url(redis_url, socket_timeout=2)
    yield app, client, name
    client.delete(name, f"{name}:lock")
    client.close()


def scheduler(app, path) -> SingleBeatScheduler:
    return SingleBeatScheduler(app=app, schedule_filename=str(path), lazy=False)


def test_a_second_beat_does_not_send_the_schedule_again_and_takes_over_when_the_first_stops(
    beat_app, tmp_path
):
    app, client, queue = beat_app
    first = scheduler(app, tmp_path / "first")
    second = scheduler(app, tmp_path / "second")
    try:
        sent = 0
        for _ in range(3):
            time.sleep(0.6)  # the job is due again (not a timed assertion: only what was sent counts)
            first.tick()
            second.tick()
            sent += 1
            assert client.llen(queue) == sent, "two beats sent the job twice"
        assert first.holds_lock() and not second.holds_lock()

        first.close()  # the first beat stops and gives the lock back
        time.sleep(0.6)
        second.tick()
        assert client.llen(queue) == sent + 1, "the second beat did not take over"
    finally:
        first.close()
        second.close()


def test_the_project_beat_uses_the_locked_scheduler():
    from config.celery import app

    assert app.conf.beat_scheduler == "config.beat:SingleBeatScheduler"
    # The lock outlives the longest sleep between two ticks.
    from config.beat import LOCK_SECONDS

    assert app.conf.beat_max_loop_interval * 2 < LOCK_SECONDS
