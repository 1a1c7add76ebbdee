"""Reminders: when they go out, how often, and what link they carry."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from casestudies import interview_states, reminders, tokens
from casestudies.models import ContactEvent, InterviewStatus, OutgoingEmail

from .factories import InterviewRequestFactory
from .helpers import link_in, send_and_get_link, token_of

pytestmark = pytest.mark.django_db


def later(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory(deadline=timezone.localdate() + datetime.timedelta(days=30))
    link = send_and_get_link(interview, django_capture_on_commit_callbacks)
    return interview, link


def test_a_reminder_goes_out_once_per_interval_and_at_most_max_times(
    sent, django_capture_on_commit_callbacks
):
    interview, _ = sent

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(later(6)) == 0
        assert reminders.send_due_reminders(later(7.1)) == 1
        assert reminders.send_due_reminders(later(7.2)) == 0  # the same slot again: nothing
        assert reminders.send_due_reminders(later(14.2)) == 1
        assert reminders.send_due_reminders(later(21.3)) == 0  # max_reminders = 2

    assert len(mail.outbox) == 3
    assert mail.outbox[-1].subject.startswith("Erinnerung")
    assert ContactEvent.objects.filter(request=interview, kind="reminder").count() == 2
    assert OutgoingEmail.objects.filter(key__contains=":reminder:").count() == 2


def test_an_unopened_request_gets_a_fresh_link_and_the_old_one_dies(sent, django_capture_on_commit_callbacks):
    interview, old_link = sent

    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_due_reminders(later(8))

    new_link = link_in(mail.outbox[-1])
    assert tokens.request_for_token(token_of(new_link)) == interview
    assert tokens.request_for_token(token_of(old_link)) is None


def test_a_contact_halfway_through_keeps_their_session(client, sent, django_capture_on_commit_callbacks):
    interview, link = sent
    questionnaire = client.get(link.replace("http://testserver", ""))["Location"]
    assert client.get(questionnaire).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(later(8)) == 1

    assert f"http://testserver{questionnaire}" in mail.outbox[-1].body
    assert client.get(questionnaire).status_code == 200


@pytest.mark.parametrize("status", ["submitted", "declined", "withdrawn", "draft"])
def test_no_reminders_once_answered_declined_or_stopped(sent, status):
    interview, _ = sent
    type(interview).objects.filter(pk=interview.pk).update(status=status)

    assert reminders.send_due_reminders(later(8)) == 0


def test_no_reminders_after_the_deadline_or_when_switched_off(django_capture_on_commit_callbacks):
    late = InterviewRequestFactory(deadline=timezone.localdate() + datetime.timedelta(days=3))
    off = InterviewRequestFactory(reminder_interval_days=0)
    for interview in (late, off):
        send_and_get_link(interview, django_capture_on_commit_callbacks)

    assert reminders.send_due_reminders(later(8)) == 0
    interview_states.expire_overdue()  # unaffected by reminders
    late.refresh_from_db()
    assert late.status == InterviewStatus.SENT
