"""The transactional outbox: emails leave once, late or never for a rollback."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from casestudies import tasks
from casestudies.emails import queue_email
from casestudies.models import OutgoingEmail

from .factories import InterviewRequestFactory

pytestmark = pytest.mark.django_db


def queued(**overrides) -> OutgoingEmail:
    interview = InterviewRequestFactory()
    return queue_email(
        key=overrides.pop("key", "test:1"),
        to="dana@company.test",
        template="invitation",
        context={"request": interview, "contact": interview.contact, "url": "https://casebook.example/x/"},
        language="de",
        **overrides,
    )


def test_a_relayed_email_is_sent_once_even_if_the_task_runs_twice():
    email = queued()

    tasks.relay_email.apply(args=[email.pk])
    tasks.relay_email.apply(args=[email.pk])
    tasks.relay_pending_emails.apply()

    email.refresh_from_db()
    assert len(mail.outbox) == 1
    assert (email.status, email.attempts) == ("sent", 1)
    assert email.sent_at is not None


def test_queuing_the_same_logical_email_twice_writes_one_row():
    first = queued(key="interview:1:confirmation")
    second = queued(key="interview:1:confirmation")

    assert first.pk == second.pk
    assert OutgoingEmail.objects.count() == 1


def test_a_broker_that_is_down_loses_nothing(django_capture_on_commit_callbacks, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(tasks.relay_email, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        email = queued()

    assert mail.outbox == []
    assert tasks.relay_pending_emails.apply().get() == 1
    email.refresh_from_db()
    assert email.status == "sent"
    assert len(mail.outbox) == 1


def test_failed_sends_back_off_and_finally_give_up(settings, monkeypatch, time_machine):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email = queued()

    def smtp_down(self, *args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", smtp_down)
    tasks.relay_email.apply(args=[email.pk])
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 1)
    assert "connection refused" in email.last_error

    # Not due yet: the sweep leaves it alone.
    tasks.relay_pending_emails.apply()
    email.refresh_from_db()
    assert email.attempts == 1

    for _ in range(2):
        time_machine.move_to(timezone.now() + datetime.timedelta(hours=2))
        tasks.relay_pending_emails.apply()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 3)


def test_invitation_bodies_are_wiped_once_sent():
    email = queued(contains_secret=True)

    tasks.relay_email.apply(args=[email.pk])

    email.refresh_from_db()
    assert "https://casebook.example/x/" in mail.outbox[0].body
    assert email.text == email.html == ""


def test_user_text_is_escaped_in_html_emails():
    interview = InterviewRequestFactory(intro="<script>alert(1)</script>")
    email = queue_email(
        key="x",
        to="a@b.test",
        template="invitation",
        context={"request": interview, "contact": interview.contact, "url": "https://e.test/"},
        language="de",
    )
    assert "<script>alert(1)</script>" not in email.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
