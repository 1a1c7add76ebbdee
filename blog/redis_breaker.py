"""One circuit breaker for every use of Redis on the request path.

A hung Redis (swapping, overloaded, SIGSTOP) accepts connections and answers
nothing: each call waits the whole socket timeout, and a page makes several.
The breaker (pybreaker, one per process) opens on the first failure or
timeout; while it is open this process does not call Redis at all and serves
without it, and after REDIS_BREAKER_SECONDS the next call probes Redis again.

What runs without Redis (docs/decisions.md, README "When a service fails"):
the cache falls back to a small cache in this process's memory, so rate
limits keep counting per process (never open); the page cache stores
nothing; page views go straight to the database; emails are left to their
periodic sweep instead of being queued.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pybreaker
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("casebook.redis")

T = TypeVar("T")

# What an unreachable or hung Redis raises. Anything else (a wrong type, a
# missing key for INCR) is an answer from a working Redis and counts as one.
OUTAGE = (RedisConnectionError, RedisTimeoutError, ConnectionInterrupted, OSError)


def _is_answer(error: BaseException) -> bool:
    return not isinstance(error, OUTAGE)


class _LogChanges(pybreaker.CircuitBreakerListener):
    def state_change(self, cb, old_state, new_state) -> None:
        if new_state.name == pybreaker.STATE_OPEN:
            logger.warning(
                "Redis does not answer: this process serves without it for %s s, then tries again",
                cb.reset_timeout,
            )
        elif (
            new_state.name == pybreaker.STATE_CLOSED
            and old_state
            and old_state.name != pybreaker.STATE_CLOSED
        ):
            logger.warning("Redis answers again: this process uses it again")


breaker = pybreaker.CircuitBreaker(
    name="redis",
    # One timeout is enough: a second would already cost a reader another second.
    fail_max=1,
    reset_timeout=getattr(settings, "REDIS_BREAKER_SECONDS", 10),
    exclude=[_is_answer],
    listeners=[_LogChanges()],
)


def available() -> bool:
    """Whether this process calls Redis now (closed), or will probe it with
    the next call (open, its time run out)."""
    breaker.reset_timeout = settings.REDIS_BREAKER_SECONDS
    if breaker.current_state != pybreaker.STATE_OPEN:
        return True
    opened_at = breaker._state_storage.opened_at
    if opened_at is None:
        return True
    return datetime.now(UTC) >= opened_at + timedelta(seconds=breaker.reset_timeout)


def call(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call Redis through the breaker. Raises pybreaker.CircuitBreakerError
    at once while it is open, or the outage error that opened it."""
    breaker.reset_timeout = settings.REDIS_BREAKER_SECONDS
    return breaker.call(func, *args, **kwargs)


def trip() -> None:
    """Open the breaker after a failure seen outside call() (a broker publish)."""
    breaker.reset_timeout = settings.REDIS_BREAKER_SECONDS
    breaker.open()


def reset() -> None:
    """Close the breaker (tests, and nothing else)."""
    breaker.close()


_health_clients: dict[str, Any] = {}


def redis_answers(location: str) -> bool:
    """Whether the Redis at `location` answers a PING within half a second
    (the health check must answer within a second). It does not probe while
    the breaker is open."""
    if not available():
        return False
    if location not in _health_clients:
        import redis

        timeout = min(0.5, settings.REDIS_SOCKET_TIMEOUT)
        _health_clients[location] = redis.Redis.from_url(
            location, socket_timeout=timeout, socket_connect_timeout=timeout
        )
    try:
        return bool(call(_health_clients[location].ping))
    except (pybreaker.CircuitBreakerError, *OUTAGE):
        return False


# --- the cache backend -------------------------------------------------------------

# Operations the local stand-in can answer; others answer None while Redis is away.
_LOCAL = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "set_many",
    "delete_many",
    "has_key",
    "incr",
    "decr",
    "clear",
    "incr_version",
    "decr_version",
)
_REMOTE_ONLY = ("delete_pattern", "keys", "iter_keys", "ttl", "pttl", "persist", "expire", "lock")


def _guarded(name: str):
    remote = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if available():
            try:
                return call(remote, self, *args, **kwargs)
            except (pybreaker.CircuitBreakerError, *OUTAGE):
                pass  # the breaker logged it when it opened
        if name in _LOCAL:
            return getattr(self.local, name)(*args, **kwargs)
        return None

    method.__name__ = name
    method.__doc__ = remote.__doc__
    return method


class BreakerRedisCache(RedisCache):
    """django-redis's cache, every call through the breaker; while it is open
    the calls go to a cache in this process's memory instead."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        # Errors must reach the breaker; the fallback below replaces
        # django-redis's IGNORE_EXCEPTIONS.
        self._ignore_exceptions = False
        self.local = LocMemCache(f"redis-fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


for _name in (*_LOCAL, *_REMOTE_ONLY):
    setattr(BreakerRedisCache, _name, _guarded(_name))
