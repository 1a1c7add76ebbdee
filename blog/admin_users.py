"""The people in the Wagtail admin as emails and logs name them: their
language (their admin profile's, if the site speaks it), their name, and
absolute links into the admin for emails."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def language_of(user) -> str:
    """The language to write to `user` in: their admin profile's, if the site has it."""
    profile = getattr(user, "wagtail_userprofile", None)
    language = profile.preferred_language if profile else ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def name_of(user) -> str:
    """How a log entry names the editor who acted ("" for the system)."""
    if user is None or not getattr(user, "pk", None):
        return ""
    return user.get_full_name() or user.get_username()


def admin_url(route: str, *args) -> str:
    """An absolute link into the admin, for emails (never the request's Host)."""
    return settings.WAGTAILADMIN_BASE_URL + reverse(route, args=args)
