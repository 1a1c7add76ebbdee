"""/healthz/: what Docker and a load balancer see."""

from __future__ import annotations

import pytest
from django.db import connections
from django.db.utils import OperationalError

from blog import redis_breaker

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


def test_a_dead_redis_makes_it_unavailable_and_names_the_cache(client, settings):
    # Port 1 refuses connections. The cache answers from its in-process
    # stand-in then, and the probe must still notice.
    settings.CACHES = {
        "default": {
            "BACKEND": "blog.redis_breaker.BreakerRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    redis_breaker.reset()
    try:
        response = client.get("/healthz/")
        assert response.status_code == 503
        assert response.json()["failed"] == ["cache"]
        assert response.json()["checks"] == {"database": True, "cache": False}
        # The breaker is open now: the next probe does not even try Redis.
        assert not redis_breaker.available()
        assert client.get("/healthz/").json()["failed"] == ["cache"]
    finally:
        redis_breaker.reset()


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
            "BACKEND": "blog.redis_breaker.BreakerRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "casebook-test-healthz",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    response = client.get("/healthz/")
    assert response.status_code == 200, response.content
