"""Reminders for interview requests that have not been answered yet.

Beat asks every few minutes what is due (no long countdowns: they outlive the
broker's visibility timeout). Each reminder has a numbered slot whose outbox
key is unique, so two beats running at once still send it once.

Only hashes of tokens are stored, so a reminder cannot repeat the original
link. A contact who never opened it gets a fresh link (the unused old one
stops working); one who already opened the questionnaire gets its address
without a token, which works in the browser they used, so a reminder never
locks out someone who is halfway through."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.log_actions import log

from . import emails, tokens
from .models import Channel, ContactEvent, Direction, EventKind, InterviewRequest, OutgoingEmail
from .models import InterviewStatus as S

REMINDABLE = (S.SENT, S.OPENED, S.IN_PROGRESS)


def is_due(interview: InterviewRequest, now: datetime.datetime) -> bool:
    return (
        interview.status in REMINDABLE
        and interview.reminder_interval_days > 0
        and interview.reminders_sent < interview.max_reminders
        and interview.deadline >= timezone.localdate(now)
        and interview.last_contacted_at is not None
        and interview.last_contacted_at + datetime.timedelta(days=interview.reminder_interval_days) <= now
    )


def candidates(now: datetime.datetime):
    # Coarse in the database, exact in is_due (the interval differs per request).
    return InterviewRequest.objects.filter(
        status__in=REMINDABLE,
        reminder_interval_days__gt=0,
        reminders_sent__lt=F("max_reminders"),
        deadline__gte=timezone.localdate(now),
        last_contacted_at__lte=now - datetime.timedelta(days=1),
    ).values_list("pk", flat=True)


def send_reminder(interview_pk: int, now: datetime.datetime | None = None) -> bool:
    """Queue the next reminder of one request if it is due; True if this call did."""
    now = now or timezone.now()
    with transaction.atomic():
        interview = (
            InterviewRequest.objects.select_for_update(of=("self",))
            .select_related("contact", "company")
            .get(pk=interview_pk)
        )
        if not is_due(interview, now):
            return False
        slot = interview.reminders_sent + 1
        key = f"interview:{interview.pk}:reminder:{slot}"
        if OutgoingEmail.objects.filter(key=key).exists():
            return False  # another beat took this slot
        if interview.status == S.SENT:
            url, secret = tokens.questionnaire_url(tokens.issue_token(interview)), True
        else:
            path = reverse("interview:questionnaire", kwargs={"public_id": interview.public_id})
            url, secret = f"{settings.SITE_BASE_URL}{path}", False
        email = emails.queue_email(
            key=key,
            to=interview.contact.email,
            template="reminder",
            context={"request": interview, "contact": interview.contact, "url": url, "fresh_link": secret},
            language=interview.language,
            request=interview,
            contains_secret=secret,
        )
        if email is None:
            return False
        interview.reminders_sent = slot
        interview.last_contacted_at = now
        interview.save(
            update_fields=[
                "reminders_sent",
                "last_contacted_at",
                "token_hash",
                "token_expires_at",
                "token_revoked",
                "updated_at",
            ]
        )
        ContactEvent.objects.create(
            request=interview,
            occurred_at=now,
            channel=Channel.EMAIL,
            direction=Direction.OUT,
            kind=EventKind.REMINDER,
            summary=gettext("Reminder %(number)s sent to %(email)s")
            % {"number": slot, "email": interview.contact.email},
        )
        log(interview, "casestudies.interview.reminded", data={"slot": slot})
    return True


def send_due_reminders(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return sum(send_reminder(pk, now) for pk in list(candidates(now)))
