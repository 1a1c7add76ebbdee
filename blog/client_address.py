"""The address a request came from, for rate limits, and a keyed hash of it.

Behind a reverse proxy REMOTE_ADDR is the proxy's address, and every visitor
would share one rate limit. X-Forwarded-For names the client, but a client can
write anything into it: each proxy only appends the address it saw at the
right end. So the address is read from the right, skipping exactly the
TRUSTED_PROXY_COUNT proxies we run ourselves, and never from further left.
With no trusted proxy (the default) the header is ignored altogether.

Rate limits never keep the address itself: their cache keys are built from
a keyed hash of it, which cannot be reversed by trying all 2^32 addresses
without the SECRET_KEY, and expire within minutes (README, "the data we keep")."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address, as far as the proxies we trust vouch for it."""
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 (a value, not a bind address)
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if trusted <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < trusted:
        # Fewer entries than proxies: the request bypassed one of them.
        return remote
    return _address(hops[-trusted]) or remote


def network(request: HttpRequest) -> str:
    """The client's address, IPv6 cut to its /64 (one customer's network, not one device)."""
    address = ipaddress.ip_address(_address(client_ip(request)) or "0.0.0.0")  # noqa: S104
    prefix = 64 if address.version == 6 else 32
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def keyed_hash(group: str, value: str) -> str:
    """A hash of a person's address (network or email) that only this site can recompute."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"ratelimit:{group}:{value}".encode(), hashlib.sha256
    ).hexdigest()


def address_key(group: str, request: HttpRequest) -> str:
    """A django-ratelimit key: a keyed hash of the client's network, never the address."""
    return keyed_hash(group, network(request))


def posted_email_key(group: str, request: HttpRequest) -> str:
    """A django-ratelimit key: a keyed hash of the email address in the form, never the address.

    django-ratelimit's own "post:email" would put an unkeyed MD5 of it into the
    cache, which anyone holding a list of addresses can reverse."""
    return keyed_hash(group, request.POST.get("email", "").strip().lower())
