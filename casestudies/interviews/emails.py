"""Emails of the interview workflow, written to the outbox.

Each email is rendered in the recipient's language when it is queued and
stored as an OutgoingEmail row in the caller's transaction; the relay task
sends it after commit. A rolled-back change therefore sends nothing, and a
broker that is down loses nothing (the beat sweep picks the row up).

Nothing is queued to an address whose contact opted out (casestudies.companies.opt_out):
queue_email raises ContactOptedOut, which editors see as the reason their
action was refused. Every email to a contact carries the opt-out link."""

from __future__ import annotations

import contextlib
import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from blog import redis_breaker
from blog.admin_users import admin_url, language_of
from casestudies.companies import opt_out
from casestudies.interviews.inbound import addresses as inbound_addresses
from casestudies.interviews.models import InterviewRequest, OutgoingEmail
from casestudies.interviews.outbox import relay_email
from casestudies.interviews.tokens import questionnaire_url

logger = logging.getLogger("casebook")

# Every kind of email the project sends, by (template folder, template), and
# whom it is for. queue_email refuses a kind not listed here, so a new kind is
# registered before it can be sent; every kind FOR_CONTACTS must carry the
# opt-out link in its body (tests/privacy/test_email_kinds.py renders each).
FOR_CONTACTS = frozenset(
    ("casestudies/emails", name)
    for name in (
        "invitation",
        "reminder",
        "last_notice",
        "confirmation",
        "changes_requested",
        "signoff_request",
        "signoff_reminder",
        "signoff_received",
        "deadline_extended",
    )
)
FOR_EDITORS = frozenset(
    [
        *(
            ("casestudies/emails", name)
            for name in (
                "owner_submitted",
                "owner_declined",
                "owner_expired",
                "owner_reopened",
                "owner_signoff_decided",
                "owner_signoff_overdue",
                "owner_inbound",
            )
        ),
        ("blog/emails", "comment_posted"),
        ("blog/emails", "scheduled_refused"),
    ]
)
EMAIL_KINDS = FOR_CONTACTS | FOR_EDITORS


def queue_email(
    *,
    key: str,
    to: str,
    template: str,
    context: dict,
    language: str,
    request: InterviewRequest | None = None,
    contains_secret: bool = False,
    template_dir: str = "casestudies/emails",
) -> OutgoingEmail | None:
    """Write one logical email to the outbox (once per key) and relay it after commit.

    `template` names <template_dir>/<template>_subject.txt, .txt and .html.
    `contains_secret` empties the stored bodies once the email is sent.
    Raises opt_out.ContactOptedOut (and writes nothing) for an address whose
    contact opted out; mail to any other contact carries their opt-out link."""
    if (template_dir, template) not in EMAIL_KINDS:
        raise ValueError(f"Unregistered kind of email {template_dir}/{template}: add it to EMAIL_KINDS")
    if not to:
        logger.warning("No address for email %s: not queued", key)
        return None
    contact = opt_out.recipient(to)
    if contact is not None and contact.opted_out_at:
        raise opt_out.ContactOptedOut(contact)
    unsubscribe_url = opt_out.opt_out_url(contact) if contact is not None else ""
    # Headers: email to the request's contact carries the request's own reply
    # address, so that an answer by email is filed under it (inbound).
    reply_to = inbound_addresses.reply_address(request) if request is not None and contact is not None else ""
    with translation.override(language):
        context = {**context, "site_name": settings.WAGTAIL_SITE_NAME, "opt_out_url": unsubscribe_url}
        subject = " ".join(render_to_string(f"{template_dir}/{template}_subject.txt", context).split())
        text = render_to_string(f"{template_dir}/{template}.txt", context)
        html = render_to_string(f"{template_dir}/{template}.html", context)
    email, created = OutgoingEmail.objects.get_or_create(
        key=key,
        defaults={
            "to": to,
            "subject": subject,
            "text": text,
            "html": html,
            "request": request,
            "contains_secret": contains_secret,
            "unsubscribe_url": unsubscribe_url,
            "reply_to": reply_to,
        },
    )
    if created:
        transaction.on_commit(lambda: relay_soon(email.pk))
    return email


def on_email_due(sender, **message) -> None:
    """Receiver of blog.signals.email_due: other apps' emails go through the same outbox."""
    message.pop("signal", None)
    queue_email(**message)


def relay_soon(email_pk: int) -> None:
    """Hand the row to a worker; if the broker is unreachable the beat sweep sends it."""
    from kombu.exceptions import OperationalError

    # The broker is Redis: while the circuit breaker is open (a failure or
    # timeout moments ago) a publish would wait out its timeout again, so a
    # hung Redis costs one request about a second, not every email of every request.
    if not redis_breaker.available():
        logger.warning("Redis is away: outgoing email %s is left to the periodic sweep", email_pk)
        return
    try:
        relay_email.delay(email_pk)
    except OperationalError:
        redis_breaker.trip()
        logger.exception(
            "The broker did not take outgoing email %s; the periodic sweep will send it", email_pk
        )
    except Exception:
        logger.exception("Could not queue outgoing email %s; the periodic sweep will send it", email_pk)


def queue_link_email(request: InterviewRequest, raw_token: str, template: str) -> None:
    """An email to the contact that carries a fresh questionnaire link (the
    invitation, a new link, the last notice). The key includes the token hash:
    a resent link is a new logical email, the same send retried is not; the
    body is wiped once sent, so the link lives nowhere after it left."""
    queue_email(
        key=f"interview:{request.pk}:{template}:{request.token_hash}",
        to=request.contact.email,
        template=template,
        context={"request": request, "contact": request.contact, "url": questionnaire_url(raw_token)},
        language=request.language,
        request=request,
        contains_secret=True,
    )


def queue_invitation(request: InterviewRequest, raw_token: str) -> None:
    queue_link_email(request, raw_token, "invitation")


def queue_submission_emails(request: InterviewRequest) -> None:
    questions = list(request.questions.select_related("answer").order_by("sort_order", "pk"))
    context = {"request": request, "contact": request.contact, "questions": questions}
    stamp = f"{request.status_changed_at:%Y%m%d%H%M%S%f}"
    # A contact who opted out still submits; they just get no copy by email.
    with contextlib.suppress(opt_out.ContactOptedOut):
        queue_email(
            key=f"interview:{request.pk}:confirmation:{stamp}",
            to=request.contact.email,
            template="confirmation",
            context=context,
            language=request.language,
            request=request,
        )
    if request.owner and request.owner.email:
        queue_email(
            key=f"interview:{request.pk}:owner-submitted:{stamp}",
            to=request.owner.email,
            template="owner_submitted",
            context={**context, "admin_url": admin_url("interview_requests:inspect", request.pk)},
            language=language_of(request.owner),
            request=request,
        )


def queue_owner_notice(request: InterviewRequest, template: str, **extra) -> None:
    """Tell the owner about something the contact did (declined, answered
    late) or did not do (the deadline passed)."""
    if not (request.owner and request.owner.email):
        return
    stamp = f"{request.status_changed_at:%Y%m%d%H%M%S%f}"
    queue_email(
        key=f"interview:{request.pk}:{template}:{stamp}",
        to=request.owner.email,
        template=template,
        context={
            "request": request,
            "contact": request.contact,
            "admin_url": admin_url("interview_requests:inspect", request.pk),
            **extra,
        },
        language=language_of(request.owner),
        request=request,
    )


def queue_last_notice(request: InterviewRequest, raw_token: str) -> None:
    """The notice before a failure case study goes live: the planned date, the
    reply window and a fresh questionnaire link."""
    queue_link_email(request, raw_token, "last_notice")


def queue_deadline_extended(request: InterviewRequest, previous) -> OutgoingEmail | None:
    """Tell the contact the new deadline; their link keeps working until then."""
    return queue_email(
        key=f"interview:{request.pk}:deadline:{request.deadline.isoformat()}",
        to=request.contact.email,
        template="deadline_extended",
        context={"request": request, "contact": request.contact, "previous": previous},
        language=request.language,
        request=request,
    )
