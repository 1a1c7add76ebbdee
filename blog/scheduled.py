"""Scheduled publishing that one refused page cannot stop.

Wagtail's `publish_scheduled` publishes the due revisions oldest first and
lets any exception end the run: a page a publication rule refuses (the
case studies' last notice or sign-off raise a PublishPermissionError) kept
every later page of the site unpublished, at every run. Here each due
revision is published in a savepoint of its own; a refused one is taken off
the schedule (Wagtail logs the cancellation), the refusal is logged on its
page and its owner is emailed why, and the run goes on."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import formats, timezone, translation
from wagtail.actions.publish_revision import PublishPermissionError
from wagtail.log_actions import log
from wagtail.models import Revision

from blog.admin_users import admin_url, language_of
from blog.signals import email_due

logger = logging.getLogger("casebook")

REFUSED_ACTION = "blog.publish.scheduled_refused"


@dataclass
class Run:
    published: list[Revision] = field(default_factory=list)
    refused: list[tuple[Revision, str]] = field(default_factory=list)
    failed: list[Revision] = field(default_factory=list)


def publish_due(now=None) -> Run:
    """Publish every revision whose scheduled time has come; returns what happened."""
    now = now or timezone.now()
    run = Run()
    due = Revision.objects.filter(approved_go_live_at__lt=now).order_by("approved_go_live_at", "pk")
    for revision in list(due):
        try:
            with transaction.atomic():
                revision.publish(log_action="wagtail.publish.scheduled")
        except PublishPermissionError as refused:
            reason = str(refused)
            hold(revision, reason)
            run.refused.append((revision, reason))
        except Exception:
            # Anything else stays scheduled and is tried again next run; the others go on.
            logger.exception("Scheduled publication of revision %s failed", revision.pk)
            run.failed.append(revision)
        else:
            run.published.append(revision)
    return run


def hold(revision: Revision, reason: str) -> None:
    """Take a refused revision off the schedule, say why on its page and tell its owner."""
    go_live_at = revision.approved_go_live_at
    with transaction.atomic():
        revision.approved_go_live_at = None
        revision.save(update_fields=["approved_go_live_at"])  # Wagtail logs "schedule cancelled"
        page = revision.content_object
        log(
            page,
            REFUSED_ACTION,
            revision=revision,
            data={"reason": reason, "go_live_at": go_live_at.isoformat() if go_live_at else None},
        )
        owner = getattr(page, "owner", None) or revision.user
        if owner is not None and owner.email:
            _tell_owner(owner, page, revision, reason, go_live_at)


def _tell_owner(owner, page, revision: Revision, reason: str, go_live_at) -> None:
    language = language_of(owner)
    with translation.override(language):
        when = formats.date_format(timezone.localtime(go_live_at), "DATETIME_FORMAT") if go_live_at else ""
    email_due.send(
        sender=Revision,
        key=f"scheduled-refused:{revision.pk}:{go_live_at.isoformat() if go_live_at else ''}",
        to=owner.email,
        template="scheduled_refused",
        template_dir="blog/emails",
        context={
            "page_title": page.title,
            "reason": reason,
            "when": when,
            "edit_url": admin_url("wagtailadmin_pages:edit", page.pk),
        },
        language=language,
        contains_secret=False,
    )
