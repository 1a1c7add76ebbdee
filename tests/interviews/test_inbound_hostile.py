"""Hostile and odd incoming mail: a huge message, 500 attachments, broken
MIME, a forged reply address for another request, HTML with a script. Each
is filed without a crash, nothing is shown unescaped, nothing is filed
under the wrong request. And the reading of out-of-office notices in German
and English, and what a reader of the public timeline sees of a reply."""

from __future__ import annotations

import datetime
from email.message import EmailMessage

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from casestudies.interviews.inbound import addresses, classify, service
from casestudies.models import ContactEvent, InboundMessage, OutgoingEmail
from casestudies.pages import timeline as contact_timeline

from .factories import InterviewRequestFactory
from .helpers import send_and_get_link
from .test_admin import author_user

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Two requests whose invitations went out: (request, the invitation's Message-ID)."""
    pairs = []
    for _ in range(2):
        interview = InterviewRequestFactory()
        send_and_get_link(interview, django_capture_on_commit_callbacks)
        pairs.append((interview, mail.outbox[-1].extra_headers["Message-ID"]))
    return pairs


def reply(interview, message_id, *, body="Gern, rufen Sie mich an.", to=None, **headers) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Dana <{interview.contact.email}>"
    message["To"] = to or addresses.reply_address(interview)
    message["Subject"] = "Re: Interviewanfrage"
    message["Message-ID"] = f"<reply-{interview.pk}-{len(body)}@example.com>"
    if message_id:
        message["In-Reply-To"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def test_a_huge_message_is_filed_from_its_beginning(sent):
    interview, message_id = sent[0]
    message = reply(
        interview, message_id, body="Antwort.\n" + "x" * 120 + "\n" * 1 + ("y" * 100 + "\n") * 80_000
    )
    raw = message.as_bytes()
    assert len(raw) > classify.MAX_BYTES
    inbound = service.file_message(raw, source="imap")
    assert inbound.request == interview
    assert len(inbound.body) <= classify.MAX_BODY_CHARS
    [event] = ContactEvent.objects.filter(request=interview, kind="reply")
    assert len(event.summary) <= classify.MAX_SUMMARY_CHARS


def test_a_message_with_500_attachments_is_filed_as_a_reply(sent):
    interview, message_id = sent[0]
    message = reply(interview, message_id, body="Anbei unsere Unterlagen.")
    for number in range(500):
        message.add_attachment(
            b"%PDF-1.4 " + bytes(50), maintype="application", subtype="pdf", filename=f"{number}.pdf"
        )
    inbound = service.file_message(message.as_bytes(), source="imap")
    assert inbound.kind == "reply" and inbound.request == interview
    assert ContactEvent.objects.get(request=interview, kind="reply").summary == "Anbei unsere Unterlagen."


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage without headers",
        b'From: a@example.com\r\nContent-Type: multipart/mixed; boundary="never"\r\n\r\n--nope\r\nbroken',
        b"From: =?utf-8?b?!!!notbase64?= <a@example.com>\r\nSubject: =?x-unknown?q?abc?=\r\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@\r\n",
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\n"
        b"Content-Type: message/delivery-status\r\n\r\nAction failed\r\n--b--\r\n",
        b"Message-ID: <x@y>\r\nReferences: "
        + b"<outbox.1.0123456789abcdef0123@casebook.test> " * 2000
        + b"\r\n\r\nhi",
    ],
)
def test_malformed_mime_is_filed_without_a_crash_and_under_no_request(sent, raw):
    before = ContactEvent.objects.count()
    inbound = service.file_message(raw, source="imap")
    assert inbound.request is None and inbound.kind == "unmatched"
    assert ContactEvent.objects.count() == before


def test_a_forged_reply_address_for_another_request_files_nothing(sent):
    (first, first_id), (second, _) = sent
    # The reply references our email to the first request, but is addressed to the second's reply address.
    forged = reply(first, first_id, to=addresses.reply_address(second))
    inbound = service.file_message(forged.as_bytes(), source="imap")
    assert inbound.request is None
    assert not ContactEvent.objects.filter(kind="reply").exists()


def test_a_made_up_message_id_names_no_request(sent):
    interview, message_id = sent[0]
    row = OutgoingEmail.objects.get(request=interview)
    made_up = reply(
        interview, f"<outbox.{row.pk}.00000000000000000000@casebook.test>", to="redaktion@casebook.test"
    )
    assert service.file_message(made_up.as_bytes(), source="imap").request is None


def test_a_bounce_that_names_no_email_of_ours_marks_no_address(sent):
    interview, _ = sent[0]
    bounce = EmailMessage()
    bounce["Message-ID"] = "<forged-bounce@example.com>"
    bounce["To"] = addresses.reply_address(interview)
    bounce["Content-Type"] = "multipart/report; report-type=delivery-status; boundary=b"
    bounce.set_payload(
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n"
        f"Final-Recipient: rfc822; {interview.contact.email}\r\nAction: failed\r\nStatus: 5.1.1\r\n--b--\r\n"
    )
    assert service.file_message(bounce.as_bytes(), source="imap").request is None
    interview.contact.refresh_from_db()
    assert not interview.contact.email_undeliverable


def test_html_with_a_script_is_kept_as_text_and_shown_escaped(client, sent):
    interview, message_id = sent[0]
    message = EmailMessage()
    message["From"] = f'"{SCRIPT}" <{interview.contact.email}>'
    message["To"] = addresses.reply_address(interview)
    message["Subject"] = f"Re: {SCRIPT}"
    message["Message-ID"] = "<html-reply@example.com>"
    message["In-Reply-To"] = message_id
    message.set_content(
        f"<html><body><p>Gern &amp; bald.</p>{SCRIPT}<p>&lt;b&gt;fett&lt;/b&gt;</p></body></html>",
        subtype="html",
    )
    inbound = service.file_message(message.as_bytes(), source="imap")
    assert inbound.request == interview
    event = ContactEvent.objects.get(request=interview, kind="reply")
    assert "alert" not in event.summary and "Gern & bald." in event.summary

    editor = author_user("redakteurin")
    interview.owner = editor
    interview.save(update_fields=["owner"])
    client.force_login(editor)
    page = client.get(reverse("interview_requests:inspect", args=[interview.pk])).content.decode()
    assert SCRIPT not in page
    assert "&lt;script&gt;" in page  # the sender's name and the subject, escaped
    assert "&lt;b&gt;fett&lt;/b&gt;" in page


def test_someone_who_does_not_see_the_request_sees_none_of_its_mail(client, sent):
    interview, message_id = sent[0]
    service.file_message(reply(interview, message_id, body="Vertraulich: unsere Zahlen.").as_bytes(), "imap")
    client.force_login(author_user("andere"))
    response = client.get(reverse("interview_requests:inspect", args=[interview.pk]))
    assert response.status_code in (403, 404)
    assert "Vertraulich" not in response.content.decode()


def test_the_public_timeline_tells_the_fact_of_a_reply_never_its_words(sent):
    interview, message_id = sent[0]
    service.file_message(reply(interview, message_id, body="Vertraulich: unsere Zahlen.").as_bytes(), "imap")
    away = reply(interview, message_id, body="Ich bin bis 3.4. nicht im Büro.", Auto_Submitted="auto-replied")
    del away["Message-ID"]
    away["Message-ID"] = "<away@example.com>"
    service.file_message(away.as_bytes(), "imap")
    events = contact_timeline.public_events(interview)
    told = [contact_timeline.what_and_outcome(event, interview) for event in events]
    text = " ".join(" ".join(pair) for pair in told)
    assert "Vertraulich" not in text and "nicht im Büro" not in text
    kinds = [event.kind for event in events]
    assert "reply" in kinds and "auto_reply" in kinds


def test_idempotent_by_message_id(sent):
    interview, message_id = sent[0]
    raw = reply(interview, message_id).as_bytes()
    first = service.file_message(raw, "imap")
    assert service.file_message(raw, "imap") == first
    assert InboundMessage.objects.count() == 1
    assert ContactEvent.objects.filter(kind="reply").count() == 1


# Reading out-of-office notices ----------------------------------------------------


RECEIVED = datetime.date(2026, 3, 5)


@pytest.mark.parametrize(
    ("headers", "subject"),
    [
        ({"Auto-Submitted": "auto-replied"}, "Re: Interviewanfrage"),
        ({"X-Autoreply": "yes"}, "Re: Interviewanfrage"),
        ({"Precedence": "auto_reply"}, "Re: Interviewanfrage"),
        ({}, "Automatische Antwort: Interviewanfrage"),
        ({}, "Abwesenheitsnotiz"),
        ({}, "Out of Office: interview request"),
        ({}, "Automatic reply: interview request"),
    ],
)
def test_automatic_replies_are_recognised_in_german_and_english(headers, subject):
    message = EmailMessage()
    message["Subject"] = subject
    for name, value in headers.items():
        message[name] = value
    message.set_content("Danke für Ihre Nachricht.")
    assert classify.classify(message, RECEIVED).kind == "auto_reply"


def test_a_human_reply_is_no_automatic_one():
    message = EmailMessage()
    message["Subject"] = "Re: Interviewanfrage"
    message["Auto-Submitted"] = "no"
    message.set_content("Gern!")
    assert classify.classify(message, RECEIVED).kind == "reply"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ich bin bis einschließlich 20.03.2026 nicht im Büro.", datetime.date(2026, 3, 20)),
        ("Bis zum 14.03. abwesend, ab dem 15.03. wieder erreichbar.", datetime.date(2026, 3, 15)),
        ("Ich bin ab dem 2. April 2026 wieder da.", datetime.date(2026, 4, 2)),
        ("I am out of the office until March 12, 2026.", datetime.date(2026, 3, 12)),
        ("Back on 9 March.", datetime.date(2026, 3, 9)),
        ("Back on 2026-03-30.", datetime.date(2026, 3, 30)),
        ("Zurück am 10.1.", datetime.date(2027, 1, 10)),
        ("I am away and have no return date.", None),
        ("Seit dem 01.02.2026 bin ich in Elternzeit.", None),
    ],
)
def test_the_return_date_is_read_from_the_notice(text, expected):
    assert classify.return_date(text, RECEIVED) == expected


def test_the_quoted_history_is_cut_from_the_summary():
    text = "Ja, gern.\n\nOn Thu, 5 Mar 2026 at 10:12, Casebook <r@c.test> wrote:\n> Guten Tag\n> Link"
    assert classify.strip_quoted(text) == "Ja, gern."
    outlook = "Gern.\n\n-----Ursprüngliche Nachricht-----\nVon: Casebook\nBetreff: Interview"
    assert classify.strip_quoted(outlook) == "Gern."


def test_a_full_mailbox_is_a_soft_bounce():
    assert classify.is_hard("failed", "5.1.1")
    assert not classify.is_hard("failed", "5.2.2")
    assert not classify.is_hard("delayed", "4.4.1")
    assert not classify.is_hard("failed", "4.2.0")


def test_an_away_notice_before_its_return_date_holds_reminders_back(sent):
    interview, message_id = sent[0]
    back = timezone.localdate() + datetime.timedelta(days=6)
    away = reply(
        interview,
        message_id,
        body=f"Ich bin ab dem {back:%d.%m.%Y} wieder da.",
        Auto_Submitted="auto-replied",
    )
    service.file_message(away.as_bytes(), "imap")
    interview.refresh_from_db()
    assert interview.away_until == back
    assert interview.replied_by_email_at is None


def test_a_persons_mail_is_in_their_export_and_gone_after_erasure(sent):
    from casestudies import privacy

    interview, message_id = sent[0]
    address = interview.contact.email
    service.file_message(reply(interview, message_id, body="Unsere Zahlen: 42.").as_bytes(), "imap")
    exported = privacy.export_person(address)
    assert [m["text"].strip() for m in exported["emails_sent_to_us"]] == ["Unsere Zahlen: 42."]
    privacy.erase_person(address)
    assert not InboundMessage.objects.filter(request=interview).exists()


def test_a_full_mailbox_bounce_leaves_the_address_and_asks_for_a_new_link(sent):
    import string
    from pathlib import Path

    interview, message_id = sent[0]
    sample = Path(__file__).resolve().parents[1] / "data" / "mail" / "soft_bounce_exim_mailbox_full.eml"
    raw = string.Template(sample.read_text()).substitute(
        recipient=interview.contact.email, message_id=message_id
    )
    inbound = service.file_message(raw.encode(), "imap")
    assert inbound.kind == "soft_bounce" and inbound.request == interview
    interview.contact.refresh_from_db()
    assert not interview.contact.email_undeliverable
    row = OutgoingEmail.objects.get(request=interview)
    # The invitation's body held the link and was wiped once sent: it cannot simply go again.
    assert row.bounce == "soft" and row.status == OutgoingEmail.Status.SENT
    event = ContactEvent.objects.get(request=interview, kind="note", internal=True)
    assert "5.2.2" in event.summary
