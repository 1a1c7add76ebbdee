"""Questionnaire tokens: the one secret a company contact holds.

The raw token (>= 256 bits from `secrets`) leaves the system only in the
invitation email; the database keeps its SHA-256 hash. A token is valid until
the deadline plus a grace period, and dies when the request is withdrawn or a
new link is issued."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import InterviewRequest, InterviewStatus

# A token no longer opens anything once the request reached one of these.
DEAD_STATUSES = frozenset({InterviewStatus.DRAFT, InterviewStatus.EXPIRED, InterviewStatus.WITHDRAWN})


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_expiry(request: InterviewRequest, until: datetime.date | None = None) -> datetime.datetime:
    """The end of `until` (default: the deadline) plus the grace period."""
    grace = datetime.timedelta(days=getattr(settings, "INTERVIEW_TOKEN_GRACE_DAYS", 14))
    end_of_deadline = datetime.datetime.combine(
        (until or request.deadline) + datetime.timedelta(days=1),
        datetime.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    return end_of_deadline + grace


def issue_token(request: InterviewRequest, until: datetime.date | None = None) -> str:
    """Give the request a new token (any older one stops working) and return it.

    The caller saves the request, inside the transaction that sends the link."""
    raw = secrets.token_urlsafe(32)
    request.token_hash = hash_token(raw)
    request.token_expires_at = token_expiry(request, until)
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
        and (request.status not in DEAD_STATUSES or _answered_late(request))
    )


def _answered_late(request: InterviewRequest) -> bool:
    # An expired request opens again only through the link of a last notice
    # that still counts (casestudies.publication); its answers reopen it.
    from .publication import notice_counts

    return request.status == InterviewStatus.EXPIRED and notice_counts(request)


def request_for_token(raw: str) -> InterviewRequest | None:
    """The request a raw token opens, or None: wrong, expired and revoked look alike."""
    if not raw or len(raw) > 100:
        return None
    token_hash = hash_token(raw)
    request = InterviewRequest.objects.filter(token_hash=token_hash).first()
    if request is None or not is_usable(request, token_hash):
        return None
    return request


def questionnaire_url(raw: str) -> str:
    # The configured base URL, never the Host header of whatever request sent it.
    return f"{settings.SITE_BASE_URL}{reverse('interview:start', kwargs={'token': raw})}"
