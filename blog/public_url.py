"""The public base URL (SITE_BASE_URL) on every absolute link the site hands
out: sitemap.xml, the feeds, canonical links, emails. Never the request's
Host header, and never a Site record that was left at "localhost"."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def base() -> tuple[str, str]:
    """(scheme, host[:port]) of SITE_BASE_URL."""
    parts = urlsplit(settings.SITE_BASE_URL)
    return parts.scheme or "https", parts.netloc or "localhost"


def host_and_port() -> tuple[str, int]:
    """What a Wagtail Site record needs: the host name and the port, the
    scheme's default port when SITE_BASE_URL names none."""
    parts = urlsplit(settings.SITE_BASE_URL)
    default = 443 if parts.scheme == "https" else 80
    return parts.hostname or "localhost", parts.port or default


def on_public_base(url: str) -> str:
    """`url` with the scheme and host of SITE_BASE_URL (a path stays a path
    under it)."""
    if not url:
        return url
    scheme, netloc = base()
    parts = urlsplit(url)
    return parts._replace(scheme=scheme, netloc=netloc).geturl()
