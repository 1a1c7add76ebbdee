"""The page shown when the admin login is locked (django-axes, see the
settings block "Admin login"): in the visitor's language, with the wait in
minutes and as Retry-After, and how to get unlocked early."""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation


def locked_out(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    # /admin/ has no language prefix (which LocaleMiddleware reads as German):
    # the browser's language, as on the login form.
    with translation.override(translation.get_language_from_request(request, check_path=False)):
        response = render(
            request,
            "blog/admin/login_locked_out.html",
            {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": max(1, math.ceil(seconds / 60))},
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response
