"""The transactional outbox: emails leave once, late or never for a rollback."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from casestudies.interviews import outbox
from casestudies.interviews.emails import queue_email
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

    outbox.relay_email.apply(args=[email.pk])
    outbox.relay_email.apply(args=[email.pk])
    outbox.relay_pending_emails.apply()

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

    monkeypatch.setattr(outbox.relay_email, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        email = queued()

    assert mail.outbox == []
    assert outbox.relay_pending_emails.apply().get() == 1
    email.refresh_from_db()
    assert email.status == "sent"
    assert len(mail.outbox) == 1


def test_after_the_broker_failed_the_next_emails_are_left_to_the_sweep_for_a_while(
    django_capture_on_commit_callbacks, monkeypatch, settings
):
    from kombu.exceptions import OperationalError

    tries = []

    def broker_hangs(*args, **kwargs):
        tries.append(args)
        raise OperationalError("Timeout reading from socket")

    monkeypatch.setattr(outbox.relay_email, "delay", broker_hangs)
    with django_capture_on_commit_callbacks(execute=True):
        queued(key="first")
        queued(key="second")
    assert len(tries) == 1, "a hung broker must cost a request one timeout, not one per email"

    settings.REDIS_BREAKER_SECONDS = 0  # the circuit breaker's time has run out
    with django_capture_on_commit_callbacks(execute=True):
        queued(key="third")
    assert len(tries) == 2, "after the pause the broker is tried again"
    assert outbox.relay_pending_emails.apply().get() == 3
    assert len(mail.outbox) == 3


def test_failed_sends_back_off_and_finally_give_up(settings, monkeypatch, time_machine):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email = queued()

    def smtp_down(self, *args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", smtp_down)
    outbox.relay_email.apply(args=[email.pk])
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 1)
    assert "connection refused" in email.last_error

    # Not due yet: the sweep leaves it alone.
    outbox.relay_pending_emails.apply()
    email.refresh_from_db()
    assert email.attempts == 1

    for _ in range(2):
        time_machine.move_to(timezone.now() + datetime.timedelta(hours=2))
        outbox.relay_pending_emails.apply()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 3)


def test_invitation_bodies_are_wiped_once_sent():
    email = queued(contains_secret=True)

    outbox.relay_email.apply(args=[email.pk])

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


# A relay claims a row for a lease before it sends (casestudies/interviews/outbox.py).


def past_the_lease(settings) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_SEND_LEASE_SECONDS + 1)


def test_a_relay_leaves_an_email_alone_while_another_holds_its_lease(settings, time_machine):
    email = queued()
    assert outbox._claim(email.pk) is not None  # another relay, still sending (or dead)

    assert outbox.relay_email.apply(args=[email.pk]).get() is False
    assert outbox.relay_pending_emails.apply().get() == 0
    assert mail.outbox == []

    time_machine.move_to(past_the_lease(settings))
    assert outbox.relay_pending_emails.apply().get() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, len(mail.outbox)) == ("sent", 2, 1)


def test_a_crash_after_the_server_accepted_sends_again_with_the_same_message_id(
    settings, monkeypatch, time_machine
):
    """The one window no outbox can close (see send_outgoing_email): we send
    at least once, and a duplicate carries the same Message-ID."""
    email = queued()

    def process_dies(email):
        raise SystemExit("killed between the server's acceptance and the commit")

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "_record_sent", process_dies)
        with pytest.raises(SystemExit):
            outbox.send_outgoing_email(email.pk)
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == "sending"

    outbox.relay_email.apply(args=[email.pk])  # the redelivered task, within the lease
    assert len(mail.outbox) == 1

    time_machine.move_to(past_the_lease(settings))
    outbox.relay_pending_emails.apply()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.message()["Message-ID"] == outbox.message_id(email)


def test_an_email_whose_every_attempt_died_is_given_up(settings, time_machine):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    email = queued()
    for _ in range(2):
        assert outbox._claim(email.pk) is not None
        time_machine.move_to(past_the_lease(settings))

    outbox.relay_pending_emails.apply()

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 2)
    assert "without a result" in email.last_error
    assert mail.outbox == []


def test_the_message_id_is_stable_and_does_not_show_the_key():
    email = queued(key="interview:1:invitation:secret-token-hash")

    outbox.relay_email.apply(args=[email.pk])

    header = mail.outbox[0].message()["Message-ID"]
    assert header == outbox.message_id(email)
    assert header.startswith(f"<outbox.{email.pk}.") and header.endswith("@casebook.test>")
    assert "secret-token-hash" not in header


# The sweep claims a batch in one statement and sends it through few SMTP sessions.


def test_two_sweeps_never_claim_the_same_email(settings):
    emails = [queued(key=f"batch:{n}") for n in range(5)]

    first = outbox.rows.claim(
        outbox._due(timezone.now()),
        limit=3,
        order_by=["next_attempt_at", "pk"],
        status=OutgoingEmail.Status.SENDING,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_SEND_LEASE_SECONDS),
    )
    # A second sweep while the first still holds its batch: only the rest.
    assert outbox.relay_pending_emails.apply().get() == 2

    assert len(first) == 3
    sent_to = sorted(message.extra_headers["Message-ID"] for message in mail.outbox)
    assert sent_to == sorted(
        outbox.message_id(email) for email in emails if email.pk not in {e.pk for e in first}
    )


def test_a_sweep_sends_every_due_email_once_with_the_same_few_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def sweep(count: int, start: int) -> int:
        for n in range(start, start + count):
            queued(key=f"many:{n}")
        with CaptureQueriesContext(connection) as queries:
            assert outbox.relay_pending_emails.apply().get() == count
        return len(queries)

    assert sweep(3, 0) == sweep(40, 100)
    assert len(mail.outbox) == 43
    assert not OutgoingEmail.objects.exclude(status="sent").exists()


def test_a_sweep_that_died_after_the_server_accepted_sends_its_batch_again_after_the_lease(
    settings, monkeypatch, time_machine
):
    emails = [queued(key=f"crash:{n}") for n in range(3)]

    def process_dies(emails):
        raise SystemExit("killed between the server's acceptance and the commit")

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "_record_sent_batch", process_dies)
        with pytest.raises(SystemExit):
            outbox.relay_pending_emails.apply(throw=True)
    assert len(mail.outbox) == 3
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sending"}

    assert outbox.relay_pending_emails.apply().get() == 0  # still within the lease
    time_machine.move_to(past_the_lease(settings))
    assert outbox.relay_pending_emails.apply().get() == 3

    assert [(e.status, e.attempts) for e in OutgoingEmail.objects.order_by("pk")] == [("sent", 2)] * 3
    first, second = mail.outbox[:3], mail.outbox[3:]
    ids = lambda messages: sorted(m.extra_headers["Message-ID"] for m in messages)  # noqa: E731
    assert ids(first) == ids(second) == sorted(outbox.message_id(email) for email in emails)


@pytest.mark.mailserver
def test_a_sweep_over_a_real_smtp_server_delivers_each_email_whole(settings):
    """Over several SMTP sessions at once, every email arrives once, as text
    and HTML alternatives, each part whole (the boundary is ours: random,
    never the same twice, never inside a part)."""
    from tests.mailservers import start_smtp

    controller, received = start_smtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        rows = [queued(key=f"whole:{n}") for n in range(2 * outbox.SMTP_SESSIONS + 1)]
        expected = {outbox.message_id(row): (row.text, row.html) for row in rows}
        assert outbox.relay_pending_emails.apply().get() == len(rows)
    finally:
        controller.stop()

    assert len(received.messages) == len(rows)
    boundaries = set()
    for message in received.messages:
        assert message.get_content_type() == "multipart/alternative"
        boundaries.add(message.get_boundary())
        text, html = (part.get_content() for part in message.iter_parts())
        assert (text.replace("\r\n", "\n"), html.replace("\r\n", "\n")) == expected[message["Message-ID"]]
    assert len(boundaries) == len(rows)
