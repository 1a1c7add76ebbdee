"""Personal links: the one secret a company contact holds.

Two links use the same rules: the questionnaire link of an interview request
and the sign-off link of a case study sent to the company for approval.

- The raw token (>= 256 bits from `secrets`) leaves the system only in the
  email; the database keeps its SHA-256 hash.
- A token is valid until the end of its deadline's day plus a grace period
  (INTERVIEW_TOKEN_GRACE_DAYS).
- A token dies when it is revoked or a new one is issued for the same thing.
- Hashes are compared in constant time; wrong, expired and revoked tokens
  look alike to the caller.

The primitives come first; the questionnaire and the sign-off are thin
layers on top of them."""

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
from casestudies.interviews.models import InterviewRequest, InterviewStatus
from casestudies.interviews.statuses import LINK_DEAD, notice_counts

logger = logging.getLogger("casebook")

# 32 bytes = 256 bits of randomness; token_urlsafe makes 43 characters of them.
TOKEN_BYTES = 32
# Anything longer is not one of ours: refused before it is hashed.
MAX_TOKEN_LENGTH = 100


# Primitives ---------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    raw: str
    hash: str
    expires_at: datetime.datetime


def new_raw_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def plausible(raw: str) -> bool:
    """Cheap check before any hashing or query: empty and huge inputs open nothing."""
    return bool(raw) and len(raw) <= MAX_TOKEN_LENGTH


def hashes_match(stored_hash: str | None, given_hash: str) -> bool:
    return bool(stored_hash) and secrets.compare_digest(stored_hash, given_hash)


def expiry_for_deadline(deadline: datetime.date) -> datetime.datetime:
    """The end of the deadline's day (local time) plus the grace period."""
    grace = datetime.timedelta(days=getattr(settings, "INTERVIEW_TOKEN_GRACE_DAYS", 14))
    end_of_deadline = datetime.datetime.combine(
        deadline + datetime.timedelta(days=1),
        datetime.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    return end_of_deadline + grace


def issue(deadline: datetime.date) -> IssuedToken:
    raw = new_raw_token()
    return IssuedToken(raw=raw, hash=hash_token(raw), expires_at=expiry_for_deadline(deadline))


def still_valid(
    *, stored_hash: str | None, given_hash: str, expires_at: datetime.datetime | None, revoked: bool
) -> bool:
    return (
        hashes_match(stored_hash, given_hash)
        and not revoked
        and expires_at is not None
        and expires_at > timezone.now()
    )


def absolute_url(route: str, **kwargs) -> str:
    # The configured base URL, never the Host header of whatever request sent it.
    return f"{settings.SITE_BASE_URL}{reverse(route, kwargs=kwargs)}"


# The questionnaire ------------------------------------------------------------------


def token_expiry(request: InterviewRequest, until: datetime.date | None = None) -> datetime.datetime:
    """The end of `until` (default: the deadline) plus the grace period."""
    return expiry_for_deadline(until or request.deadline)


def issue_token(request: InterviewRequest, until: datetime.date | None = None) -> str:
    """Give the request a new token (any older one stops working) and return it.

    The caller saves the request, inside the transaction that sends the link."""
    token = issue(until or request.deadline)
    request.token_hash = token.hash
    request.token_expires_at = token.expires_at
    request.token_revoked = False
    return token.raw


def revoke_token(request: InterviewRequest) -> None:
    request.token_revoked = True


def is_usable(request: InterviewRequest, token_hash: str) -> bool:
    """Whether `token_hash` still opens this request right now."""
    return still_valid(
        stored_hash=request.token_hash,
        given_hash=token_hash,
        expires_at=request.token_expires_at,
        revoked=request.token_revoked,
    ) and (request.status not in LINK_DEAD or _answered_late(request))


def _answered_late(request: InterviewRequest) -> bool:
    # An expired request opens again only through the link of a last notice
    # that still counts (casestudies.publishing.last_notice); its answers reopen it.
    return request.status == InterviewStatus.EXPIRED and notice_counts(request)


def request_for_token(raw: str) -> InterviewRequest | None:
    """The request a raw token opens, or None: wrong, expired and revoked look alike."""
    if not plausible(raw):
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
#   not affected (questionnaire.access.granted_public_id), nor is the
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
    return absolute_url("interview:start", token=raw)
