"""A beat that is single by construction: however many `celery beat`
processes run (a second one started by mistake, two servers with the same
compose file, a rolling deploy), only the one holding a Redis lock sends the
schedule; the others wait and take over within LOCK_SECONDS of its end."""

from __future__ import annotations

import contextlib
import logging

import redis
from celery.beat import PersistentScheduler
from redis.exceptions import LockError

logger = logging.getLogger("casebook")

LOCK_KEY = "casebook:beat:lock"
# The lock outlives a few ticks (beat_max_loop_interval in config/celery.py),
# so a live beat never loses it between two of its ticks.
LOCK_SECONDS = 90


class SingleBeatScheduler(PersistentScheduler):
    """PersistentScheduler whose tick sends only while it holds the lock."""

    def __init__(self, *args, **kwargs):
        self._lock = None
        self._holding = False
        super().__init__(*args, **kwargs)

    def _beat_lock(self):
        if self._lock is None:
            client = redis.Redis.from_url(
                self.app.conf.broker_url, socket_timeout=2, socket_connect_timeout=2
            )
            key = self.app.conf.get("beat_lock_key") or LOCK_KEY
            self._lock = client.lock(key, timeout=LOCK_SECONDS, blocking=False, thread_local=False)
        return self._lock

    def holds_lock(self) -> bool:
        """Take the lock, or renew it if it is ours; False while another beat has it."""
        lock = self._beat_lock()
        try:
            if self._holding:
                lock.reacquire()
            else:
                self._holding = lock.acquire()
        except LockError:
            logger.warning("beat: the lock ran out and another beat took it; this one waits")
            self._holding = False
        except redis.RedisError:
            # Without Redis nothing could be sent anyway; try again next tick.
            logger.warning("beat: the lock in Redis cannot be reached; not sending this tick")
            self._holding = False
        return self._holding

    def tick(self, *args, **kwargs):
        if not self.holds_lock():
            if not getattr(self, "_said_waiting", False):
                logger.info("beat: another beat holds the lock; this one waits")
                self._said_waiting = True
            return min(self.max_interval, LOCK_SECONDS / 3)
        self._said_waiting = False
        return super().tick(*args, **kwargs)

    def close(self) -> None:
        super().close()
        if self._holding and self._lock is not None:
            # If Redis is gone, the lock runs out by itself after LOCK_SECONDS.
            with contextlib.suppress(LockError, redis.RedisError):
                self._lock.release()
            self._holding = False
