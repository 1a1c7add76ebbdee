"""How long Casebook keeps what a company contact gave us (README: Privacy).

A periodic task (casestudies.tasks.purge_expired_personal_data) deletes:

- for a request that ended (declined, expired, withdrawn) longer ago than
  RETENTION_ENDED_REQUEST_DAYS: its answers, photos, outgoing emails and
  the contact's own words on it (the decline reason); its contact log keeps
  the dated facts (when, channel, direction, what kind) without the
  person's name, address or phone number. That log is what a failure case
  study is built from, so a request with such a page keeps its dated facts
  the same way;
- for a request that went on (accepted or published) longer ago than
  RETENTION_UNACCEPTED_UPLOADS_DAYS: the photos that did not become images
  (rejected, never reviewed, or accepted but left out of the draft: once the
  request is accepted nothing can take them into a story any more).

Each run deletes only what is due and not yet gone: running it twice
deletes nothing the second time. It logs what it deleted, in counts."""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from casestudies import rows
from casestudies.interviews import photos as interview_photos
from casestudies.interviews.models import (
    Answer,
    ContactEvent,
    EventKind,
    InterviewPhoto,
    InterviewRequest,
    OutgoingEmail,
)
from casestudies.interviews.models import InterviewStatus as S

logger = logging.getLogger("casebook")

ENDED = frozenset({S.DECLINED, S.EXPIRED, S.WITHDRAWN})
WENT_ON = frozenset({S.ACCEPTED, S.PUBLISHED})
# What a name, address or phone number in a kept log entry becomes.
REMOVED = "[gelöscht]"


@dataclass
class RetentionReport:
    requests: int = 0
    answers: int = 0
    photos: int = 0
    emails: int = 0
    log_entries_stripped: int = 0
    unaccepted_photos: int = 0


def purge_expired(now: datetime.datetime | None = None) -> RetentionReport:
    now = now or timezone.now()
    report = RetentionReport()
    ended_before = now - datetime.timedelta(days=settings.RETENTION_ENDED_REQUEST_DAYS)
    for pk in InterviewRequest.objects.filter(
        status__in=ENDED, status_changed_at__lt=ended_before
    ).values_list("pk", flat=True):
        with transaction.atomic():
            request = rows.lock(InterviewRequest, pk, related=["contact"])
            # Reopened meanwhile (a late answer to a last notice): not due.
            if request.status in ENDED and request.status_changed_at < ended_before:
                _purge_ended(request, report)
    uploads_before = now - datetime.timedelta(days=settings.RETENTION_UNACCEPTED_UPLOADS_DAYS)
    unaccepted = InterviewPhoto.objects.filter(
        request__status__in=WENT_ON, request__status_changed_at__lt=uploads_before, image__isnull=True
    )
    with transaction.atomic():
        report.unaccepted_photos = interview_photos.delete_photos(unaccepted.select_for_update())
    if any(asdict(report).values()):
        logger.info("Retention: deleted what was due: %s", asdict(report))
    return report


def _purge_ended(request: InterviewRequest, report: RetentionReport) -> None:
    # An answer's revisions (its earlier versions) go with it.
    _, deleted = Answer.objects.filter(question__request=request).delete()
    answers = deleted.get(Answer._meta.label, 0)
    photos = interview_photos.delete_photos(request.photos.all())
    emails, _ = OutgoingEmail.objects.filter(request=request).delete()
    stripped = _strip_log(request)
    if request.decline_reason:
        InterviewRequest.objects.filter(pk=request.pk).update(decline_reason="")
        stripped += 1
    if answers or photos or emails or stripped:
        report.requests += 1
    report.answers += answers
    report.photos += photos
    report.emails += emails
    report.log_entries_stripped += stripped


def _strip_log(request: InterviewRequest) -> int:
    """The dated facts stay; who the person was goes from them."""
    contact = request.contact
    details = [d for d in (contact.name, contact.email, contact.phone) if d and len(d) >= 4]
    if not details:
        return 0
    pattern = re.compile("|".join(re.escape(d) for d in details), re.IGNORECASE)
    stripped = 0
    for event in ContactEvent.objects.filter(request=request):
        changed = {}
        if event.who and pattern.search(event.who):
            # The contact by their role at the company, which is not the person.
            changed["who"] = contact.role or REMOVED
        for name in ("summary", "outcome"):
            text = getattr(event, name)
            if text and pattern.search(text):
                changed[name] = pattern.sub(REMOVED, text)
        if event.kind == EventKind.OPTED_OUT and event.summary:
            # Its reason is the person's own words.
            with translation.override(settings.LANGUAGE_CODE):
                changed["summary"] = gettext("Opted out of emails from us.")
            if changed["summary"] == event.summary:
                del changed["summary"]
        if changed:
            ContactEvent.objects.filter(pk=event.pk).update(**changed)
            stripped += 1
    return stripped
