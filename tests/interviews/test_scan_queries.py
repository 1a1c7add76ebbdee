"""The beat's scans (reminders, expiry) cost the same queries however many
requests wait: only what is due costs anything more (issue 16)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casestudies.interviews import reminders
from casestudies.interviews import states as interview_states
from casestudies.models import InterviewStatus

from .factories import InterviewRequestFactory

pytestmark = pytest.mark.django_db


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def waiting(count: int, **fields) -> None:
    """Requests sent just now: no reminder due for days, the deadline weeks away."""
    for _ in range(count):
        InterviewRequestFactory(
            status=InterviewStatus.SENT, sent_at=timezone.now(), deadline=in_days(30), **fields
        )


def queries(job) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        result = job()
    return result, len(captured)


def due_for_a_reminder() -> None:
    InterviewRequestFactory(
        status=InterviewStatus.SENT, sent_at=timezone.now() - datetime.timedelta(days=4), deadline=in_days(30)
    )


def test_the_reminder_scan_costs_the_same_queries_however_many_requests_wait():
    due_for_a_reminder()
    assert reminders.send_due_reminders() == 1  # once, so that lookups cached per process are made

    waiting(2)
    assert reminders.send_due_reminders() == 0  # a new request is read once: its next slot is worked out
    due_for_a_reminder()
    sent, few = queries(reminders.send_due_reminders)
    assert sent == 1

    waiting(25)
    assert reminders.send_due_reminders() == 0
    due_for_a_reminder()
    sent, many = queries(reminders.send_due_reminders)

    assert sent == 1  # the earlier ones' slots are used up, the waiting ones not read
    assert many == few


def test_a_request_whose_next_slot_was_worked_out_is_reminded_when_it_comes_due():
    interview = InterviewRequestFactory(
        status=InterviewStatus.SENT, sent_at=timezone.now(), deadline=in_days(30)
    )
    assert reminders.send_due_reminders() == 0
    interview.refresh_from_db()
    assert interview.next_reminder_at == interview.sent_at + datetime.timedelta(days=3)

    assert reminders.send_due_reminders(now=timezone.now() + datetime.timedelta(days=2)) == 0
    assert reminders.send_due_reminders(now=timezone.now() + datetime.timedelta(days=3, hours=1)) == 1
    interview.refresh_from_db()
    assert interview.next_reminder_at == interview.sent_at + datetime.timedelta(days=7)


def test_a_new_policy_is_worked_out_again_by_the_next_scan():
    interview = InterviewRequestFactory(
        status=InterviewStatus.SENT, sent_at=timezone.now(), deadline=in_days(30)
    )
    assert reminders.send_due_reminders() == 0  # next: in three days

    interview_states.set_reminder_policy(interview, user=None, after_days="1", before_deadline_days=None)

    assert reminders.send_due_reminders(now=timezone.now() + datetime.timedelta(days=1, hours=1)) == 1


def test_the_expiry_scan_costs_the_same_queries_however_many_requests_wait():
    overdue = dict(status=InterviewStatus.SENT, sent_at=timezone.now() - datetime.timedelta(days=40))
    InterviewRequestFactory(deadline=in_days(-1), **overdue)
    assert interview_states.expire_overdue() == 1  # once, so that lookups cached per process are made
    InterviewRequestFactory(deadline=in_days(-1), **overdue)
    waiting(2)
    expired, few = queries(interview_states.expire_overdue)
    assert expired == 1

    InterviewRequestFactory(deadline=in_days(-1), **overdue)
    waiting(25)
    expired, many = queries(interview_states.expire_overdue)

    assert expired == 1
    assert many == few
