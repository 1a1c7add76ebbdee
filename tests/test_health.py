"""/healthz/: what Docker and a load balancer see."""

from __future__ import annotations

import time

import pytest
from django.db import connections
from django.db.utils import OperationalError

pytestmark = pytest.mark.django_db


def test_answers_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_is_never_cached_and_carries_no_csp(client):
    response = client.get("/healthz/")
    assert "no-cache" in response["Cache-Control"]
    assert "Content-Security-Policy" not in response


def test_is_not_redirected_to_a_language_prefix(client):
    response = client.get("/healthz/", headers={"Accept-Language": "en"})
    assert response.status_code == 200


def test_a_dead_redis_cache_makes_it_unavailable_within_seconds(client, settings):
    # Port 1 refuses connections. IGNORE_EXCEPTIONS as in production: the
    # cache swallows the error, and the probe must still notice.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    }
    started = time.monotonic()
    response = client.get("/healthz/")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
    assert elapsed < 3


def test_a_database_that_does_not_answer_makes_it_unavailable(client, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(type(connections["default"]), "cursor", refuse)
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]


def test_a_real_redis_cache_answers(client, settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "casebook-test-healthz",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    }
    response = client.get("/healthz/")
    assert response.status_code == 200, response.content
