"""Turning a personal link's token into a session entry, and back.

The token arrives once, in the link; the view swaps it for a session entry and
redirects to a URL without it, so it never shows up in a Referer header, a
proxy log of later requests, or the browser history of the pages after.
The questionnaire and the company sign-off keep their entries apart; each
entry holds the token's hash, so a link revoked or replaced since also ends
the session's access."""

from __future__ import annotations

import secrets

from django.http import HttpRequest

from casestudies.interviews import tokens
from casestudies.interviews.models import InterviewRequest

SESSION_KEY = "casestudies.interviews"


def grant_in_session(http_request: HttpRequest, key: str, public_id: str, token_hash: str) -> None:
    granted = dict(http_request.session.get(key, {}))
    granted[public_id] = token_hash
    # A new session id when access is granted: no fixation of a planted cookie.
    http_request.session.cycle_key()
    http_request.session[key] = granted


def granted_hash(http_request: HttpRequest, key: str, public_id: str) -> str | None:
    return http_request.session.get(key, {}).get(public_id)


def grant(http_request: HttpRequest, interview: InterviewRequest) -> None:
    grant_in_session(http_request, SESSION_KEY, interview.public_id, interview.token_hash)


def granted_public_id(http_request: HttpRequest, raw_token: str) -> str | None:
    """The request this session already opened with this very link, if any.

    Following one's own link again is no guess: it needs no database query
    and is never rate-limited. Whether the link still works is checked on the
    page it leads to."""
    if not raw_token or len(raw_token) > tokens.MAX_TOKEN_LENGTH:
        return None
    token_hash = tokens.hash_token(raw_token)
    for public_id, granted_hash in http_request.session.get(SESSION_KEY, {}).items():
        if secrets.compare_digest(granted_hash, token_hash):
            return public_id
    return None


def granted_request(http_request: HttpRequest, public_id: str) -> InterviewRequest | None:
    """The request this session may open, or None (also when its token died since)."""
    token_hash = granted_hash(http_request, SESSION_KEY, public_id)
    if not token_hash:
        return None
    interview = (
        InterviewRequest.objects.select_related("company", "contact").filter(public_id=public_id).first()
    )
    if interview is None or not tokens.is_usable(interview, token_hash):
        return None
    return interview
