"""Scheduled publishing survives a page a publication rule refuses: the
refusal is logged on that page, its schedule is cleared with an email to its
owner, and every other due page goes live in the same run."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from blog.scheduled import REFUSED_ACTION
from casestudies.models import CaseStudyPage

from .test_last_notice import editor, silent  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def ago(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


@pytest.mark.parametrize("command", ["publish_scheduled", "publish_scheduled_pages"])
def test_the_older_refused_page_does_not_hold_back_the_newer_one(
    silent,  # noqa: F811
    case_study_index,
    django_capture_on_commit_callbacks,
    command,
):
    from tests.casestudies.factories import make_case_study

    interview, refused = silent
    refused.save_revision(user=interview.owner, approved_go_live_at=ago(30))
    newer = make_case_study(case_study_index, live=False, title="Pünktlich veröffentlicht")
    newer.save_revision(approved_go_live_at=ago(5))

    with django_capture_on_commit_callbacks(execute=True):
        call_command(command)

    assert CaseStudyPage.objects.get(pk=newer.pk).live
    refused = CaseStudyPage.objects.get(pk=refused.pk)
    assert not refused.live
    assert not Revision.objects.filter(object_id=str(refused.pk), approved_go_live_at__isnull=False).exists()
    [entry] = PageLogEntry.objects.filter(page=refused, action=REFUSED_ACTION)
    assert "noch keine letzte Benachrichtigung" in entry.data["reason"]
    assert PageLogEntry.objects.filter(page=refused, action="wagtail.schedule.cancel").exists()
    [note] = [m for m in mail.outbox if m.to == [interview.owner.email]]
    assert refused.title in note.subject
    assert "noch keine letzte Benachrichtigung" in note.body

    # The next run has nothing left to stumble over.
    mail.outbox.clear()
    call_command(command)
    assert PageLogEntry.objects.filter(page=refused, action=REFUSED_ACTION).count() == 1
    assert not mail.outbox
