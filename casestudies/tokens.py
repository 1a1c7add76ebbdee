"""Questionnaire tokens: the one secret a company contact holds.

The raw token (>= 256 bits from `secrets`) leaves the system only in the
invitation email; the database keeps its SHA-256 hash. A token is valid until
the deadline plus a grace period, and dies when the request is withdrawn or a
new link is issued."""

from __future__ import annotations

import datetime
import hashlib
import logging
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_ratelimit.core import get_usage

from blog.client_address import address_key

from .models import InterviewRequest, InterviewStatus

logger = logging.getLogger("casebook")

# A token no longer opens anything once the request reached one of these.
DEAD_STATUSES = frozenset({InterviewStatus.DRAFT, InterviewStatus.EXPIRED, InterviewStatus.WITHDRAWN})
# Ours are 43 characters; anything much longer is not worth hashing.
MAX_TOKEN_LENGTH = 100


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_expiry(request: InterviewRequest) -> datetime.datetime:
    grace = datetime.timedelta(days=getattr(settings, "INTERVIEW_TOKEN_GRACE_DAYS", 14))
    end_of_deadline = datetime.datetime.combine(
        request.deadline + datetime.timedelta(days=1),
        datetime.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    return end_of_deadline + grace


def issue_token(request: InterviewRequest) -> str:
    """Give the request a new token (any older one stops working) and return it.

    The caller saves the request, inside the transaction that sends the link."""
    raw = secrets.token_urlsafe(32)
    request.token_hash = hash_token(raw)
    request.token_expires_at = token_expiry(request)
    request.token_revoked = False
    return raw


def revoke_token(request: InterviewRequest) -> None:
    request.token_revoked = True


def is_usable(request: InterviewRequest, token_hash: str) -> bool:
    """Whether `token_hash` still opens this request right now."""
    return (
        bool(request.token_hash)
        and secrets.compare_digest(request.token_hash, token_hash)
        and not request.token_revoked
        and request.token_expires_at is not None
        and request.token_expires_at > timezone.now()
        and request.status not in DEAD_STATUSES
    )


def request_for_token(raw: str) -> InterviewRequest | None:
    """The request a raw token opens, or None: wrong, expired and revoked look alike."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token_hash = hash_token(raw)
    request = InterviewRequest.objects.filter(token_hash=token_hash).first()
    if request is None or not is_usable(request, token_hash):
        return None
    return request


# Guessing ------------------------------------------------------------------
#
# A token has 256 bits: nobody finds one by trying. The limits below make a
# flood of wrong links cheap to refuse and visible, and cap how often one
# address can test links it half knows (a link with a character or two
# mangled). They count wrong links only, per client network (a keyed hash of
# it, in the shared cache; see blog.client_address):
# - over WRONG_LINKS_RATE, wrong links get the "too many attempts" page
#   instead of "this link does not work"; a right link still opens, so the
#   real contact behind the same address (an office, a mobile carrier's
#   shared address) is not locked out by someone else's guessing;
# - over BLOCK_RATE, links from that network are refused altogether for the
#   rest of the hour, right ones included: by then it is a search, and a
#   right link must not end it. A browser that opened its link before is
#   not affected (questionnaire_access.granted_public_id), nor is the
#   questionnaire itself, which needs the session, not the link.
WRONG_LINKS_RATE = "10/10m"
BLOCK_RATE = "100/h"
_WRONG_GROUP = "interview-links-wrong"
_BLOCK_GROUP = "interview-links-block"


@dataclass(frozen=True)
class Limited:
    """Why a link from this network is refused for now, and for how long."""

    retry_after: int  # seconds

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def _usage(http_request: HttpRequest, group: str, rate: str, *, increment: bool) -> dict | None:
    usage = get_usage(http_request, group=group, key=address_key, rate=rate, increment=increment)
    if usage is None or usage["limit"] == 0:
        # Rate limits switched off, or the cache out of reach (django-ratelimit
        # then reports limit 0). A dead cache must not lock contacts out.
        return None
    return usage


def _limited(usage: dict | None) -> Limited | None:
    if usage is None or not usage["should_limit"]:
        return None
    return Limited(retry_after=max(1, usage["time_left"]))


def links_blocked(http_request: HttpRequest) -> Limited | None:
    """Whether this network tried so many wrong links that no link opens from it for now."""
    return _limited(_usage(http_request, _BLOCK_GROUP, BLOCK_RATE, increment=False))


def count_wrong_link(http_request: HttpRequest) -> Limited | None:
    """Count a link that opened nothing; returns the limit if this network is now over it."""
    wrong = _usage(http_request, _WRONG_GROUP, WRONG_LINKS_RATE, increment=True)
    block = _usage(http_request, _BLOCK_GROUP, BLOCK_RATE, increment=True)
    for usage, what in ((wrong, "wrong-link"), (block, "block")):
        if usage is not None and usage["count"] == usage["limit"] + 1:
            # Once per window, and without the address: the log is no address store.
            logger.warning("Questionnaire links: one network is over the %s limit", what)
    return _limited(block) or _limited(wrong)


def questionnaire_url(raw: str) -> str:
    # The configured base URL, never the Host header of whatever request sent it.
    return f"{settings.SITE_BASE_URL}{reverse('interview:start', kwargs={'token': raw})}"
