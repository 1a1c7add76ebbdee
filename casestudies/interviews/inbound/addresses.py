"""Which request an incoming email belongs to.

Two marks, both ours: the request's reply address (plus-addressing on the
editorial mailbox, REPLY_ADDRESS_PATTERN, e.g. `redaktion+{id}@example.org`,
{id} being the request's random public id) and the Message-ID of the email
it answers (`In-Reply-To`/`References`, minted by the outbox with a digest of
the row's key, so it cannot be made up for a row one has not received).

A message is filed under a request only when every mark it carries names
the same one: a forged plus-address for another request next to a genuine
reference names two, and such a message is filed under none."""

from __future__ import annotations

import re
from email.utils import getaddresses, parseaddr

from django.conf import settings

from casestudies.interviews.models import InterviewRequest, OutgoingEmail
from casestudies.interviews.outbox import message_id as outbox_message_id

PUBLIC_ID = r"[A-Za-z0-9_-]{8,32}"
_OUTBOX_ID = re.compile(r"<?outbox\.(\d{1,18})\.[0-9a-f]{20}@[^>\s]+>?")


def pattern() -> str:
    """The reply-address pattern, with {id} for the request's public id."""
    configured = settings.REPLY_ADDRESS_PATTERN
    if configured:
        return configured
    local, _, domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].partition("@")
    return f"{local or 'redaktion'}+{{id}}@{domain or 'casebook.invalid'}"


def reply_address(request: InterviewRequest) -> str:
    return pattern().replace("{id}", request.public_id)


def _address_regex() -> re.Pattern:
    before, _, after = pattern().partition("{id}")
    return re.compile(re.escape(before) + f"(?P<id>{PUBLIC_ID})" + re.escape(after), re.IGNORECASE)


def public_ids(addresses: list[str]) -> set[str]:
    """The public ids named by reply addresses among `addresses` (header values)."""
    regex = _address_regex()
    found = set()
    for _name, address in getaddresses(addresses):
        match = regex.fullmatch(address.strip())
        if match:
            found.add(match["id"])
    return found


def outbox_emails(references: list[str]) -> list[OutgoingEmail]:
    """Our outbox rows that these Message-IDs (In-Reply-To, References, a
    bounce's original message) name, each checked against its digest."""
    found = []
    for reference in references:
        for match in _OUTBOX_ID.finditer(reference or ""):
            email = OutgoingEmail.objects.filter(pk=int(match[1])).first()
            if email is not None and outbox_message_id(email) == f"<{match[0].strip('<>')}>":
                found.append(email)
    return found


def match(addresses: list[str], references: list[str]) -> tuple[InterviewRequest | None, list[OutgoingEmail]]:
    """The request every mark names (None if none does, or they disagree),
    and the outbox rows referenced."""
    emails = outbox_emails(references)
    by_reference = {email.request_id for email in emails if email.request_id}
    by_address = set(
        InterviewRequest.objects.filter(public_id__in=public_ids(addresses)).values_list("pk", flat=True)
    )
    named = by_reference | by_address
    if len(named) != 1:
        return None, emails
    return InterviewRequest.objects.select_related("contact", "owner").get(pk=named.pop()), emails
