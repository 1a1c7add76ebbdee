"""The circuit breaker around Redis (blog/redis_breaker.py): after one failure a
process serves without Redis, keeps limiting rates in its own memory, and
uses Redis again once the breaker's time has run out.

A hung Redis and the timings are in tests/integration/test_faults.py."""

from __future__ import annotations

import pytest
import redis
from django.core.cache import cache
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited

from blog import redis_breaker

REFUSED = "redis://127.0.0.1:1/0"  # port 1 refuses connections


def breaker_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "blog.redis_breaker.BreakerRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "casebook-test-breaker",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }


@pytest.fixture(autouse=True)
def closed_breaker(settings):
    settings.REDIS_BREAKER_SECONDS = 60
    redis_breaker.reset()
    yield
    redis_breaker.reset()


def limited(request) -> bool:
    return is_ratelimited(request, group="breaker-test", key="ip", rate="3/m", method="GET", increment=True)


def test_an_unreachable_redis_opens_the_breaker_and_rate_limits_still_hold(settings):
    settings.CACHES = breaker_cache(REFUSED)
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7")

    assert cache.get("anything") is None  # no error reaches the caller
    assert not redis_breaker.available()
    # Counted in this process's memory meanwhile: never open.
    assert [limited(request) for _ in range(5)] == [False, False, False, True, True]
    cache.set("kept", "here")
    assert cache.get("kept") == "here"


def test_after_the_breakers_time_the_cache_is_in_redis_again(settings, redis_url):
    settings.CACHES = breaker_cache(redis_url)
    direct = redis.Redis.from_url(redis_url, socket_timeout=2)
    cache.delete("while-away")
    redis_breaker.trip()  # as after a timeout

    cache.set("while-away", "local")
    assert not any(direct.scan_iter(match="casebook-test-breaker:*while-away"))

    settings.REDIS_BREAKER_SECONDS = 0  # its time has run out: the next call probes
    assert redis_breaker.available()
    cache.set("while-away", "in redis")
    assert redis_breaker.breaker.current_state == "closed"
    assert any(direct.scan_iter(match="casebook-test-breaker:*while-away"))
    assert cache.get("while-away") == "in redis"
    cache.delete("while-away")


def test_an_answer_from_a_working_redis_does_not_open_the_breaker(settings, redis_url):
    settings.CACHES = breaker_cache(redis_url)
    cache.delete("missing")
    with pytest.raises(ValueError):
        cache.incr("missing")  # Redis answered: there is no such key
    assert redis_breaker.breaker.current_state == "closed"
