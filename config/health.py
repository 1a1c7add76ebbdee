"""/healthz/: is this process able to serve? Probed by Docker and load balancers.

It answers 200 only when the database answers and the cache round-trips a
value. The cache is probed by writing and reading back: django-redis is set to
ignore exceptions (a dead cache must not take pages down), so an error would
otherwise look like an ordinary cache miss. Its socket timeouts keep the probe
short when Redis hangs.
"""

from __future__ import annotations

import uuid

from csp.decorators import csp_exempt
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False


def cache_answers() -> bool:
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
