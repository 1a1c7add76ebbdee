"""The sign-off's personal link: the token in the email, and the session it
opens. Built on the questionnaire's token and session rules
(casestudies.interviews.tokens and questionnaire.access), so both links are
random, stored hashed, expire and can be revoked alike."""

from __future__ import annotations

from django.http import HttpRequest

from casestudies.interviews import tokens
from casestudies.interviews.questionnaire.access import grant_in_session, granted_hash
from casestudies.signoff.models import SignOff

# The session entry of opened sign-offs: changing it shuts out every contact reading one.
SESSION_KEY = "casestudies.signoffs"


def issue_token(sign_off: SignOff) -> str:
    """A new link for this sign-off (an older one of it stops working); the caller saves."""
    token = tokens.issue(sign_off.deadline)
    sign_off.token_hash = token.hash
    sign_off.token_expires_at = token.expires_at
    sign_off.token_revoked = False
    return token.raw


def is_usable(sign_off: SignOff, token_hash: str) -> bool:
    return tokens.still_valid(
        stored_hash=sign_off.token_hash,
        given_hash=token_hash,
        expires_at=sign_off.token_expires_at,
        revoked=sign_off.token_revoked,
    )


def for_token(raw: str) -> SignOff | None:
    """The sign-off a raw token opens, or None: wrong, expired and revoked look alike."""
    if not tokens.plausible(raw):
        return None
    token_hash = tokens.hash_token(raw)
    sign_off = SignOff.objects.filter(token_hash=token_hash).first()
    if sign_off is None or not is_usable(sign_off, token_hash):
        return None
    return sign_off


def url(raw: str) -> str:
    return tokens.absolute_url("interview:signoff_start", token=raw)


def grant(http_request: HttpRequest, sign_off: SignOff) -> None:
    grant_in_session(http_request, SESSION_KEY, sign_off.public_id, sign_off.token_hash)


def granted(http_request: HttpRequest, public_id: str) -> SignOff | None:
    """The sign-off this session may open, or None (also when its link died since)."""
    token_hash = granted_hash(http_request, SESSION_KEY, public_id)
    if not token_hash:
        return None
    sign_off = (
        SignOff.objects.select_related("request__company", "request__contact", "revision")
        .filter(public_id=public_id)
        .first()
    )
    if sign_off is None or not is_usable(sign_off, token_hash):
        return None
    return sign_off
