"""Background jobs of the interview workflow: the outbox relay, expiring
requests whose deadline passed, and photo thumbnails."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger("casebook")

SWEEP_BATCH = 100


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, ... minutes, at most an hour between attempts."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def send_outgoing_email(pk: int) -> bool:
    """Send one outbox row if it is still pending and due; True if this call sent it.

    The row stays locked while the message goes out, so two relays of the same
    row (a retried task, two beats) cannot both send it; the one that waited
    finds it sent. On PostgreSQL a relay skips rows another relay holds."""
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=timezone.now())
            .first()
        )
        if email is None:
            return False
        email.attempts += 1
        message = EmailMultiAlternatives(email.subject, email.text, settings.DEFAULT_FROM_EMAIL, [email.to])
        if email.html:
            message.attach_alternative(email.html, "text/html")
        try:
            message.send()
        except Exception as error:
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = OutgoingEmail.Status.FAILED
                logger.error("Giving up on outgoing email %s after %s attempts", email.key, email.attempts)
            else:
                email.next_attempt_at = timezone.now() + backoff(email.attempts)
            email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return False
        email.status = OutgoingEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        if email.contains_secret:
            email.text = email.html = ""
        email.save(update_fields=["attempts", "status", "sent_at", "last_error", "text", "html"])
        return True


@shared_task(name="casestudies.tasks.relay_email", ignore_result=True)
def relay_email(pk: int) -> bool:
    return send_outgoing_email(pk)


@shared_task(name="casestudies.tasks.relay_pending_emails", ignore_result=True)
def relay_pending_emails() -> int:
    """The beat sweep: everything pending and due, whatever happened to its first relay."""
    due = OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    return sum(send_outgoing_email(pk) for pk in list(due))


@shared_task(name="casestudies.tasks.send_due_reminders", ignore_result=True)
def send_due_reminders() -> int:
    from . import reminders

    return reminders.send_due_reminders()


@shared_task(name="casestudies.tasks.expire_overdue_requests", ignore_result=True)
def expire_overdue_requests() -> int:
    from . import interview_states

    return interview_states.expire_overdue()


@shared_task(name="casestudies.tasks.make_photo_thumbnail", ignore_result=True)
def make_photo_thumbnail(pk: int) -> None:
    from django.core.files.base import ContentFile

    from .models import InterviewPhoto, ProcessingState
    from .photos import make_thumbnail

    photo = InterviewPhoto.objects.filter(pk=pk).select_related("request").first()
    if photo is None or photo.processing_state == ProcessingState.READY:
        return  # deleted meanwhile, or a retried task: nothing to do twice
    try:
        with photo.file.open("rb") as source:
            thumbnail = make_thumbnail(source.read())
    except Exception:
        logger.exception("Thumbnail of interview photo %s failed", pk)
        InterviewPhoto.objects.filter(pk=pk).update(processing_state=ProcessingState.FAILED)
        return
    photo.thumbnail.save("thumb.jpg", ContentFile(thumbnail), save=False)
    photo.processing_state = ProcessingState.READY
    photo.save(update_fields=["thumbnail", "processing_state"])


@shared_task(name="casestudies.tasks.make_pending_thumbnails", ignore_result=True)
def make_pending_thumbnails() -> int:
    """The beat sweep for thumbnails whose task was never queued (broker down at upload)."""
    from .models import InterviewPhoto, ProcessingState

    stale = timezone.now() - datetime.timedelta(minutes=2)
    pending = InterviewPhoto.objects.filter(
        processing_state=ProcessingState.PENDING, uploaded_at__lte=stale
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    pks = list(pending)
    for pk in pks:
        make_photo_thumbnail(pk)
    return len(pks)


@shared_task(name="casestudies.tasks.company_signoff_deadlines", ignore_result=True)
def company_signoff_deadlines() -> int:
    """The company sign-off's one reminder, and noting deadlines that passed."""
    from . import signoffs

    return signoffs.send_due_reminders() + signoffs.mark_overdue()
