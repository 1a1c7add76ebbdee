"""A mail provider's webhooks, through django-anymail, with the payloads the
providers document (Postmark's bounce, spam-complaint and inbound examples;
Mailgun's `failed` and `complained` event data and its raw-MIME inbound
route): each is filed like the same news over IMAP, and a call with a wrong
secret or signature is refused with 403 and changes nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import string
from pathlib import Path

import pytest
from django.core import mail

from casestudies.models import ContactEvent, InboundMessage, OutgoingEmail

from .factories import InterviewRequestFactory
from .helpers import send_and_get_link

pytestmark = pytest.mark.django_db

SECRET = "casebook:webhook-s3cret"
MAILGUN_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
MAIL = Path(__file__).resolve().parents[1] / "data" / "mail"


@pytest.fixture(autouse=True)
def anymail_settings(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory(contact__email="dana@example.com")
    send_and_get_link(interview, django_capture_on_commit_callbacks)
    row = OutgoingEmail.objects.get(request=interview)
    return interview, row, mail.outbox[-1]


def auth(secret: str = SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def state(interview) -> tuple:
    interview.refresh_from_db()
    interview.contact.refresh_from_db()
    return (
        InboundMessage.objects.count(),
        ContactEvent.objects.filter(request=interview).count(),
        interview.contact.undeliverable_email,
        interview.contact.opted_out_at,
        interview.replied_by_email_at,
    )


# Postmark ---------------------------------------------------------------------------


def postmark_bounce(row, kind="HardBounce") -> dict:
    # https://postmarkapp.com/developer/webhooks/bounce-webhook (example payload)
    return {
        "RecordType": "Bounce",
        "MessageStream": "outbound",
        "ID": 4323372036854775807,
        "Type": kind,
        "TypeCode": 1 if kind == "HardBounce" else 4096,
        "Name": "Hard bounce",
        "Tag": "Test",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {"casebook_outbox": str(row.pk)},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "Test bounce details",
        "Email": row.to,
        "From": "redaktion@casebook.test",
        "BouncedAt": "2019-11-05T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Test subject",
        "Content": "<Full dump of bounce>",
    }


def post_postmark(client, hook: str, payload: dict, secret: str = SECRET):
    return client.post(
        f"/anymail/postmark/{hook}/", json.dumps(payload), content_type="application/json", **auth(secret)
    )


def test_a_postmark_hard_bounce_marks_the_address_undeliverable(client, sent):
    interview, row, _ = sent
    assert post_postmark(client, "tracking", postmark_bounce(row)).status_code == 200
    interview.contact.refresh_from_db()
    row.refresh_from_db()
    assert interview.contact.email_undeliverable
    assert row.bounce == "hard"
    assert ContactEvent.objects.filter(request=interview, kind="bounce").count() == 1
    # Delivered twice by the provider: filed once.
    assert post_postmark(client, "tracking", postmark_bounce(row)).status_code == 200
    assert ContactEvent.objects.filter(request=interview, kind="bounce").count() == 1


def test_a_postmark_soft_bounce_leaves_the_address_alone(client, sent):
    interview, row, _ = sent
    assert post_postmark(client, "tracking", postmark_bounce(row, "SoftBounce")).status_code == 200
    interview.contact.refresh_from_db()
    row.refresh_from_db()
    assert not interview.contact.email_undeliverable
    assert row.bounce == "soft"


def test_a_postmark_spam_complaint_is_the_contacts_objection(client, sent):
    interview, row, _ = sent
    # https://postmarkapp.com/developer/webhooks/spam-complaint-webhook (example payload)
    payload = {
        "RecordType": "SpamComplaint",
        "MessageStream": "outbound",
        "ID": 42,
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
        "Tag": "Test",
        "MessageID": "00000000-0000-0000-0000-000000000000",
        "Metadata": {"casebook_outbox": str(row.pk)},
        "ServerID": 1234,
        "Description": "",
        "Details": "Test spam complaint details",
        "Email": row.to,
        "From": "redaktion@casebook.test",
        "BouncedAt": "2019-11-05T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": False,
        "Subject": "Test subject",
    }
    assert post_postmark(client, "tracking", payload).status_code == 200
    interview.contact.refresh_from_db()
    assert interview.contact.opted_out
    assert ContactEvent.objects.filter(request=interview, kind="opted_out").exists()


def postmark_inbound(interview, message) -> dict:
    # https://postmarkapp.com/developer/webhooks/inbound-webhook (example payload, our addresses)
    return {
        "FromName": "Dana Beispiel",
        "MessageStream": "inbound",
        "From": interview.contact.email,
        "FromFull": {"Email": interview.contact.email, "Name": "Dana Beispiel", "MailboxHash": ""},
        "To": message.extra_headers.get("Reply-To") or message.reply_to[0],
        "ToFull": [{"Email": message.reply_to[0], "Name": "", "MailboxHash": interview.public_id}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": message.reply_to[0],
        "Subject": "Re: Interviewanfrage",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": interview.public_id,
        "Date": "Fri, 1 Aug 2014 16:45:32 -04:00",
        "TextBody": "Gern, rufen Sie mich an.\n\n> Guten Tag, wir würden gern ...",
        "HtmlBody": "<html><body><p>Gern, rufen Sie mich an.</p><script>alert(1)</script></body></html>",
        "StrippedTextReply": "Gern, rufen Sie mich an.",
        "Tag": "",
        "Headers": [
            {"Name": "Message-ID", "Value": "<CAE6CsN8Lk2jPj5Z6Tz@mail.example.com>"},
            {"Name": "In-Reply-To", "Value": message.extra_headers["Message-ID"]},
        ],
        "Attachments": [],
    }


def test_a_reply_through_postmark_inbound_is_an_answer_by_email(client, sent):
    interview, _, message = sent
    assert post_postmark(client, "inbound", postmark_inbound(interview, message)).status_code == 200
    interview.refresh_from_db()
    assert interview.replied_by_email_at is not None
    [reply] = ContactEvent.objects.filter(request=interview, kind="reply")
    assert reply.summary == "Gern, rufen Sie mich an."


@pytest.mark.parametrize("secret", ["casebook:wrong", ""])
def test_postmark_with_a_wrong_secret_gets_403_and_changes_nothing(client, sent, secret):
    interview, row, message = sent
    before = state(interview)
    for hook, payload in (
        ("tracking", postmark_bounce(row)),
        ("inbound", postmark_inbound(interview, message)),
    ):
        headers = auth(secret) if secret else {}
        response = client.post(
            f"/anymail/postmark/{hook}/", json.dumps(payload), content_type="application/json", **headers
        )
        assert response.status_code == 403
    assert state(interview) == before


# Mailgun ----------------------------------------------------------------------------


def signed(key: str = MAILGUN_KEY) -> dict:
    timestamp, token = "1529006854", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": signature}


def mailgun_event(row, event: str, key: str = MAILGUN_KEY) -> dict:
    # https://documentation.mailgun.com/docs/mailgun/user-manual/events/ (failed / complained examples)
    data = {
        "event": event,
        "id": f"G9Bn5sl1TC6nu79C8C0bwg-{event}",
        "timestamp": 1521233195.375624,
        "recipient": row.to,
        "recipient-domain": "example.com",
        "tags": [],
        "user-variables": {"casebook_outbox": str(row.pk)},
        "message": {
            "headers": {
                "to": row.to,
                "message-id": "20130503192659.13651.20287@mg.casebook.test",
                "from": "redaktion@casebook.test",
                "subject": "Interviewanfrage",
            },
            "attachments": [],
            "size": 111,
        },
    }
    if event == "failed":
        data |= {
            "severity": "permanent",
            "reason": "bounce",
            "log-level": "error",
            "delivery-status": {
                "code": 550,
                "message": "5.1.1 The email account that you tried to reach does not exist.",
                "description": "",
                "attempt-no": 1,
                "session-seconds": 0.0,
            },
        }
    return {"signature": signed(key), "event-data": data}


def post_mailgun(client, payload: dict):
    # Both checks: our shared secret (basic auth) and Mailgun's own signature.
    return client.post(
        "/anymail/mailgun/tracking/", json.dumps(payload), content_type="application/json", **auth()
    )


def test_a_mailgun_permanent_failure_marks_the_address_undeliverable(client, sent):
    interview, row, _ = sent
    assert post_mailgun(client, mailgun_event(row, "failed")).status_code == 200
    interview.contact.refresh_from_db()
    assert interview.contact.email_undeliverable
    assert "5.1.1" in interview.contact.undeliverable_reason


def test_a_mailgun_complaint_is_the_contacts_objection(client, sent):
    interview, row, _ = sent
    assert post_mailgun(client, mailgun_event(row, "complained")).status_code == 200
    interview.contact.refresh_from_db()
    assert interview.contact.opted_out


def test_a_reply_through_mailgun_inbound_mime_is_an_answer_by_email(client, sent):
    interview, _, message = sent
    raw = string.Template((MAIL / "reply_thunderbird_de.eml").read_text()).substitute(
        recipient=interview.contact.email,
        reply_to=message.reply_to[0],
        message_id=message.extra_headers["Message-ID"],
    )
    response = client.post(
        "/anymail/mailgun/inbound_mime/",
        {"body-mime": raw, "recipient": message.reply_to[0], **signed()},
        **auth(),
    )
    assert response.status_code == 200
    [reply] = ContactEvent.objects.filter(request=interview, kind="reply")
    assert "rufen Sie mich am besten" in reply.summary


def test_mailgun_with_a_wrong_signature_gets_403_and_changes_nothing(client, sent):
    interview, row, message = sent
    before = state(interview)
    for event in ("failed", "complained"):
        assert post_mailgun(client, mailgun_event(row, event, key="key-forged")).status_code == 403
    response = client.post(
        "/anymail/mailgun/inbound_mime/",
        {"body-mime": "From: x@example.com\r\n\r\nhi", **signed("key-forged")},
        **auth(),
    )
    assert response.status_code == 403
    assert state(interview) == before
