"""Filing incoming mail: each message (IMAP) or provider event (webhook) once,
under the request its marks name, with what it means for the request.

- a reply: an answer by email on the contact log (its summary without the
  quoted history), the request no longer silent (no reminders, no failure
  story from it), the owner told;
- an automatic reply: logged, the request stays silent, the next reminder
  waits until after the return date it names;
- a hard bounce: the email never arrived; the contact's address is marked
  undeliverable (reminders stop), the owner is told to find another one;
- a soft bounce: the outbox sends it again later (an email whose body held a
  link was wiped once sent: the editor sends a new link instead);
- a complaint or unsubscribe: the contact's own objection (companies.opt_out).

Idempotent: the InboundMessage key (a digest of the Message-ID or the
provider's event id) is unique, and everything a message changes is written
in the same transaction as its row."""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from email.utils import parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from blog.admin_users import admin_url, language_of
from blog.signals import email_due
from casestudies.companies import opt_out
from casestudies.companies.models import CompanyContact
from casestudies.interviews import contact_log
from casestudies.interviews.inbound import addresses, classify
from casestudies.interviews.models import (
    Channel,
    Direction,
    EventKind,
    InboundKind,
    InboundMessage,
    InterviewRequest,
    OutgoingEmail,
)
from casestudies.interviews.signals import replied_by_email

logger = logging.getLogger("casebook")

# Headers that may carry the address a message was sent to (our plus-address).
ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
SOFT_BOUNCE_RETRY = datetime.timedelta(hours=1)

# Wagtail log actions, registered in wagtail_hooks.register_interview_log_actions.
LOG_ACTIONS: dict[str, tuple] = {
    "casestudies.interview.replied_by_email": (_("Reply by email"), _("The contact replied by email")),
    "casestudies.interview.bounced": (_("Bounce"), _("Our email could not be delivered")),
}


def key_for(message_id: str, fallback: bytes) -> str:
    return hashlib.sha256((message_id.strip() or hashlib.sha256(fallback).hexdigest()).encode()).hexdigest()


def file_message(raw: bytes, source: str) -> InboundMessage:
    """File one email (its raw bytes); the message already filed if it was."""
    message = classify.parse(raw)
    message_id = classify.header(message, "Message-ID")
    key = key_for(message_id, raw)
    existing = InboundMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    received = timezone.now()
    found = classify.classify(message, timezone.localdate(received))
    header_addresses = [classify.header(message, name) for name in ADDRESS_HEADERS]
    references = [classify.header(message, "In-Reply-To"), classify.header(message, "References")]
    request, emails = addresses.match(header_addresses, [*references, *found.references][:50])
    if found.kind in (InboundKind.HARD_BOUNCE, InboundKind.SOFT_BOUNCE, InboundKind.COMPLAINT):
        # A report names the email it is about; a plus-address alone is not enough.
        emails = [email for email in emails if email.request_id == getattr(request, "pk", None)]
        if not emails:
            request = None
    return _file(key, message_id, source, found, request, emails, received)


def file_event(
    *,
    event_id: str,
    kind: str,
    recipient: str,
    source: str,
    description: str = "",
    outbox_pk: str | int | None = None,
) -> InboundMessage:
    """File a provider's bounce or complaint event about an email we sent to `recipient`."""
    key = key_for(f"{source}:{event_id}", f"{source}:{kind}:{recipient}:{outbox_pk}".encode())
    existing = InboundMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    sent = OutgoingEmail.objects.filter(to__iexact=recipient.strip(), status=OutgoingEmail.Status.SENT)
    email = None
    if outbox_pk and str(outbox_pk).isdigit():
        email = sent.filter(pk=int(outbox_pk)).first()
    email = email or sent.order_by("-sent_at", "-pk").first()
    request = (
        InterviewRequest.objects.select_related("contact", "owner").filter(pk=email.request_id).first()
        if email is not None and email.request_id
        else None
    )
    found = classify.Classified(
        kind=kind,
        sender=source,
        recipient=classify.clean(recipient)[:320],
        diagnostic=classify.clean(description)[:500],
    )
    return _file(key, "", source, found, request, [email] if email else [], timezone.now())


def _file(
    key: str,
    message_id: str,
    source: str,
    found: classify.Classified,
    request: InterviewRequest | None,
    emails: list[OutgoingEmail],
    received: datetime.datetime,
) -> InboundMessage:
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                key=key,
                message_id=message_id[:998],
                request=request,
                source=source[:40],
                kind=found.kind
                if (request is not None or found.kind == InboundKind.COMPLAINT)
                else InboundKind.UNMATCHED,
                sender=found.sender[:320],
                subject=found.subject[:300],
                body=found.body,
                return_date=found.return_date,
                received_at=received,
            )
            if request is not None or found.kind == InboundKind.COMPLAINT:
                APPLY[found.kind](inbound, found, request, emails)
    except IntegrityError:
        # Filed meanwhile by another fetch or webhook delivery.
        return InboundMessage.objects.get(key=key)
    return inbound


def _who(found: classify.Classified, request: InterviewRequest) -> str:
    name, address = parseaddr(found.sender)
    return (name or address or request.contact.name)[:200]


def _log_and_tell(
    request: InterviewRequest, inbound: InboundMessage, action: str, headline, advice, **values
) -> None:
    """Wagtail's log entry for what came in, then the owner's email about it in
    the owner's language (`headline` and `advice` lazy, formatted with `values`,
    whose dates are written the owner's way)."""
    log(request, action)
    owner = request.owner
    if not (owner and owner.email):
        return
    language = language_of(owner)
    with translation.override(language):
        values = {
            name: formats.date_format(value, "DATE_FORMAT") if isinstance(value, datetime.date) else value
            for name, value in values.items()
        }
        email_due.send(
            sender=InboundMessage,
            key=f"interview:{request.pk}:owner-inbound:{inbound.pk}",
            to=owner.email,
            template="owner_inbound",
            template_dir="casestudies/emails",
            context={
                "request": request,
                "contact": request.contact,
                "headline": str(headline) % values,
                "advice": str(advice) % values,
                "admin_url": admin_url("interview_requests:inspect", request.pk),
            },
            language=language,
            contains_secret=False,
        )


def _reply(inbound, found, request, emails) -> None:
    contact_log.record(
        request,
        occurred_at=inbound.received_at,
        channel=Channel.EMAIL,
        direction=Direction.IN,
        kind=EventKind.REPLY,
        who=_who(found, request),
        summary=found.summary or gettext("(no text)"),
    )
    if request.replied_by_email_at is None:
        InterviewRequest.objects.filter(pk=request.pk).update(replied_by_email_at=inbound.received_at)
        request.replied_by_email_at = inbound.received_at
    # An answer to an expired or declined request reopens it (interviews.states).
    reopened = any(answer for _receiver, answer in replied_by_email.send(InterviewRequest, request=request))
    if reopened:
        advice = _(
            "The request had ended without an answer: the reply reopens it, with a new deadline "
            "(%(deadline)s), and a failure case study about it waits. Turn the reply into answers or a note."
        )
    else:
        advice = _(
            "The reply is on the request's contact log. The request counts as answered: no reminders "
            "go out. Turn the reply into answers or a note."
        )
    _log_and_tell(
        request,
        inbound,
        "casestudies.interview.replied_by_email",
        _("%(company)s answered by email."),
        advice,
        company=request.company.name,
        deadline=request.deadline,
    )


def _auto_reply(inbound, found, request, emails) -> None:
    if found.return_date:
        summary = gettext("Automatic out-of-office notice: back on %(date)s.") % {
            "date": formats.date_format(found.return_date, "SHORT_DATE_FORMAT")
        }
        later = request.away_until is None or found.return_date > request.away_until
        if later:
            InterviewRequest.objects.filter(pk=request.pk).update(away_until=found.return_date)
            request.away_until = found.return_date
    else:
        summary = gettext("Automatic out-of-office notice without a return date.")
    contact_log.record(
        request,
        occurred_at=inbound.received_at,
        channel=Channel.EMAIL,
        direction=Direction.IN,
        kind=EventKind.AUTO_REPLY,
        who=_who(found, request),
        summary=summary,
    )


def _without_addresses(text: str) -> str:
    return re.sub(r"<?[^\s<>@]+@[^\s<>]+>?", "…", text).strip()


def _mark_undeliverable(address: str, reason: str, at: datetime.datetime) -> int:
    return CompanyContact.objects.filter(email__iexact=address.strip()).update(
        undeliverable_email=address.strip()[:254], undeliverable_at=at, undeliverable_reason=reason[:500]
    )


def _hard_bounce(inbound, found, request, emails) -> None:
    now = inbound.received_at
    bounced = {email.to.lower() for email in emails} or {found.recipient.lower()}
    OutgoingEmail.objects.filter(pk__in=[email.pk for email in emails]).update(bounce="hard", bounced_at=now)
    reason = " ".join(part for part in (found.status, found.diagnostic) if part)
    for address in bounced:
        if address:
            _mark_undeliverable(address, reason, now)
    contact_log.record(
        request,
        occurred_at=now,
        channel=Channel.EMAIL,
        direction=Direction.IN,
        kind=EventKind.BOUNCE,
        who=(found.sender or inbound.source)[:200],
        # By role, never with the address (the request's page names it for the editors).
        summary=gettext("Not deliverable: our email to the contact came back (%(reason)s).")
        % {"reason": _without_addresses(reason) or gettext("no reason given")},
        outcome=gettext("Add another address for the contact, then send a new link."),
    )
    _log_and_tell(
        request,
        inbound,
        "casestudies.interview.bounced",
        _("Our email to %(company)s could not be delivered."),
        _(
            "The address is marked undeliverable and reminders stop. Find another address for the "
            "contact, enter it, and send a new questionnaire link."
        ),
        company=request.company.name,
    )


def _soft_bounce(inbound, found, request, emails) -> None:
    now = inbound.received_at
    retried = 0
    for email in emails:
        fields = {"bounce": "soft", "bounced_at": now}
        # A body that held a link was wiped once sent: it cannot go again.
        if email.text and email.attempts < settings.OUTBOX_MAX_ATTEMPTS:
            fields |= {"status": OutgoingEmail.Status.PENDING, "next_attempt_at": now + SOFT_BOUNCE_RETRY}
            retried += 1
        OutgoingEmail.objects.filter(pk=email.pk).update(**fields)
    contact_log.record(
        request,
        occurred_at=now,
        channel=Channel.EMAIL,
        direction=Direction.IN,
        kind=EventKind.NOTE,
        who=(found.sender or inbound.source)[:200],
        summary=gettext("Delivery delayed (%(reason)s).")
        % {
            "reason": _without_addresses(" ".join(p for p in (found.status, found.diagnostic) if p))
            or gettext("no reason given")
        },
        outcome=gettext("It will be sent again later.")
        if retried
        else gettext("If it does not arrive, send a new link."),
        internal=True,
    )


def _complaint(inbound, found, request, emails) -> None:
    address = found.recipient or (emails[0].to if emails else "")
    contact = opt_out.recipient(address)
    if contact is None and request is not None:
        contact = request.contact
    if contact is None:
        return
    opt_out.record(contact, reason=gettext("Complaint or unsubscribe through the mail provider."))


APPLY = {
    InboundKind.REPLY: _reply,
    InboundKind.AUTO_REPLY: _auto_reply,
    InboundKind.HARD_BOUNCE: _hard_bounce,
    InboundKind.SOFT_BOUNCE: _soft_bounce,
    InboundKind.COMPLAINT: _complaint,
}
