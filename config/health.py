"""/healthz/: is this process able to serve? Probed by Docker and load balancers.

It answers 200 only when the database answers and the cache answers. Redis
is asked for a PING with a half-second timeout through the circuit breaker
(blog/redis_breaker.py): the cache itself would answer from its in-process
stand-in when Redis is away, and while the breaker is open the answer is
"cache down" at once. Any other cache is probed by writing and reading back.
The JSON names the dependency that failed.
"""

from __future__ import annotations

import uuid

from csp.decorators import csp_exempt
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from blog.redis_breaker import BreakerRedisCache, redis_answers


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False


def cache_answers() -> bool:
    if isinstance(caches["default"], BreakerRedisCache):
        return redis_answers(settings.CACHES["default"]["LOCATION"])
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        answered = cache.get(key) == "ok"
        cache.delete(key)
    except Exception:  # noqa: BLE001
        return False
    return answered


@require_safe
@never_cache
@csp_exempt()
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_answers(), "cache": cache_answers()}
    failed = sorted(name for name, ok in checks.items() if not ok)
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed, "checks": checks}, status=503)
    return JsonResponse({"status": "ok", "checks": checks})
