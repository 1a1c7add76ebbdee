"""The outbox against a real Redis broker (no worker): the after-commit relay
publishes one message, and a broker that refuses connections costs the request
little time and loses nothing."""

from __future__ import annotations

import json
import time

import pytest
from django.core import mail

from casestudies.interviews import outbox
from casestudies.interviews.emails import queue_email
from casestudies.models import OutgoingEmail
from config.celery import app

from .factories import InterviewRequestFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def real_broker(redis_url, settings):
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=2)
    client.delete("mail")  # relay_email's queue (config/celery.py)
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.task_always_eager = False
    use_broker(redis_url)
    yield client
    app.conf.task_always_eager = saved["task_always_eager"]
    use_broker(saved["broker_url"])
    client.delete("mail", *client.keys("_kombu.*"))


def use_broker(url: str) -> None:
    # Celery keeps connection and producer pools per app; drop them so the new URL is used.
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def queue(interview):
    return queue_email(
        key=f"broker-test:{interview.pk}",
        to=interview.contact.email,
        template="invitation",
        context={"request": interview, "contact": interview.contact, "url": "https://casebook.example/x/"},
        language="de",
        request=interview,
    )


def test_the_after_commit_relay_publishes_one_message(real_broker, django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory()

    with django_capture_on_commit_callbacks(execute=True):
        email = queue(interview)

    messages = real_broker.lrange("mail", 0, -1)
    assert len(messages) == 1
    assert json.loads(messages[0])["headers"]["task"] == "casestudies.tasks.relay_email"
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.PENDING and mail.outbox == []
    # No worker took it: the beat sweep sends it, once.
    outbox.relay_pending_emails.apply()
    outbox.relay_pending_emails.apply()
    assert len(mail.outbox) == 1


def test_a_refused_broker_costs_little_time_and_loses_nothing(
    real_broker, django_capture_on_commit_callbacks
):
    use_broker("redis://127.0.0.1:1/0")  # nothing listens on port 1
    interview = InterviewRequestFactory()

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(interview)
    elapsed = time.monotonic() - started

    assert elapsed < 3, f"queuing took {elapsed:.1f}s with the broker down"
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.PENDING
    outbox.relay_pending_emails.apply()
    assert len(mail.outbox) == 1
