"""Reaching the real services the integration tests need."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection


def services_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("CASEBOOK_REQUIRE_SERVICES") == "1"


def unavailable(reason: str):
    """Fail in CI, skip on a developer's machine without the service."""
    if services_required():
        pytest.fail(f"{reason} (CI requires every service test to run)", pytrace=False)
    pytest.skip(reason)


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def require_redis() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        unavailable("REDIS_URL is not set: this test needs a real Redis")
    if not _reachable(url):
        unavailable(f"Redis at {url} cannot be reached")
    return url


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        unavailable("DATABASE_URL does not name PostgreSQL: this test needs it")


def clear_cache(cache) -> None:
    # Only our prefixed keys: never FLUSHDB a developer's Redis.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


def redis_client():
    import redis

    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2)
