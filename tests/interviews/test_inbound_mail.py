"""Delivery truth, with real mail servers: our invitation goes out over SMTP
to a real server (aiosmtpd) carrying the request's reply address and our
Message-ID; a real IMAP server (Debian's dovecot, started here) serves a
reply, an out-of-office notice and a bounce built from real-world samples
(tests/data/mail/); the periodic fetch files each under its request with
what it means, moves it out of the inbox, and a second run changes nothing."""

from __future__ import annotations

import datetime
import string
from pathlib import Path

import pytest
from django.utils import timezone, translation

from casestudies.interviews import outbox, reminders
from casestudies.interviews import states as interview_states
from casestudies.interviews.inbound import addresses, imap
from casestudies.models import ContactEvent, InterviewStatus, OutgoingEmail
from casestudies.pages import drafts as case_study_drafts
from casestudies.refusals import ActionRefused
from tests.mailservers import Dovecot, start_smtp

from .factories import InterviewRequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.mailserver]

MAIL = Path(__file__).resolve().parents[1] / "data" / "mail"


def sample(name: str, **values) -> bytes:
    return string.Template((MAIL / name).read_text()).substitute(values).replace("\n", "\r\n").encode("utf-8")


@pytest.fixture
def smtp(settings):
    controller, received = start_smtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield received
    controller.stop()


@pytest.fixture
def dovecot(settings):
    server = Dovecot()
    settings.IMAP_URL = server.url
    settings.IMAP_FOLDER = "INBOX"
    settings.IMAP_PROCESSED_FOLDER = "Casebook"
    yield server
    server.stop()


def marks(interview, email) -> dict:
    """What a sample needs of the email it answers or reports on."""
    return {
        "recipient": interview.contact.email,
        "reply_to": email["Reply-To"],
        "message_id": email["Message-ID"],
    }


def file_sample(dovecot, name: str, interview, email, **values) -> int:
    """Put a sample about `email` in the mailbox and run the periodic fetch once."""
    dovecot.deliver(sample(name, **{**marks(interview, email), **values}))
    return imap.fetch()


def send_over_smtp(interview, smtp, capture):
    before = len(smtp.messages)
    with capture(execute=True):
        interview_states.send(interview, user=interview.owner)
    assert len(smtp.messages) == before + 1, "the invitation did not reach the SMTP server"
    return smtp.messages[-1]


def test_the_invitation_reaches_a_real_smtp_server_with_the_requests_reply_address(
    smtp, django_capture_on_commit_callbacks
):
    interview = InterviewRequestFactory()
    received = send_over_smtp(interview, smtp, django_capture_on_commit_callbacks)

    row = OutgoingEmail.objects.get(request=interview)
    assert received["To"] == interview.contact.email
    assert received["Reply-To"] == addresses.reply_address(interview)
    assert f"+{interview.public_id}@" in received["Reply-To"]
    assert received["Message-ID"] == outbox.message_id(row)


def test_the_periodic_fetch_files_a_reply_an_out_of_office_notice_and_a_bounce(
    smtp, dovecot, django_capture_on_commit_callbacks
):
    replying, away, bouncing = (InterviewRequestFactory(contact__company__name=name) for name in "ABC")
    invitations = {
        interview.pk: send_over_smtp(interview, smtp, django_capture_on_commit_callbacks)
        for interview in (replying, away, bouncing)
    }
    today = timezone.localdate()
    back_on = today + datetime.timedelta(days=10)

    dovecot.deliver(sample("reply_thunderbird_de.eml", **marks(replying, invitations[replying.pk])))
    dovecot.deliver(
        sample(
            "out_of_office_exchange_de.eml",
            **marks(away, invitations[away.pk]),
            away_until=(back_on - datetime.timedelta(days=1)).strftime("%d.%m.%Y"),
            back_on=back_on.strftime("%d.%m."),
        )
    )
    dovecot.deliver(sample("bounce_postfix_5.1.1.eml", **marks(bouncing, invitations[bouncing.pk])))

    with django_capture_on_commit_callbacks(execute=True):
        assert imap.fetch() == 3

    assert dovecot.message_ids("INBOX") == []
    assert len(dovecot.message_ids("Casebook")) == 3

    # The reply: an answer by email, without the quoted history; reminders stop.
    replying.refresh_from_db()
    assert replying.replied_by_email_at is not None
    [reply] = ContactEvent.objects.filter(request=replying, kind="reply")
    assert reply.direction == "in" and reply.channel == "email"
    assert "rufen Sie mich am besten nächste Woche" in reply.summary
    assert "schrieb Casebook" not in reply.summary and "persönlichen Link" not in reply.summary
    [stored] = replying.inbound_messages.all()
    assert "persönlichen Link" in stored.body  # the whole message, kept for editors

    # The out-of-office notice: logged with its return date; the request stays silent.
    away.refresh_from_db()
    assert away.away_until == back_on
    assert away.replied_by_email_at is None
    [notice] = ContactEvent.objects.filter(request=away, kind="auto_reply")
    assert back_on.strftime("%d.%m.%Y") in notice.summary

    # The bounce: the address is undeliverable, the email counted as not delivered.
    bouncing.refresh_from_db()
    bouncing.contact.refresh_from_db()
    assert bouncing.contact.email_undeliverable
    assert OutgoingEmail.objects.get(request=bouncing, reply_to__gt="").bounce == "hard"
    assert ContactEvent.objects.filter(request=bouncing, kind="bounce").count() == 1

    # Running it again changes nothing.
    counts = (ContactEvent.objects.count(), OutgoingEmail.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        assert imap.fetch() == 0
    assert (ContactEvent.objects.count(), OutgoingEmail.objects.count()) == counts

    # Reminders: none for the reply or the dead address; the away contact's waits for their return.
    sent_at = replying.sent_at
    in_four_days = sent_at + datetime.timedelta(days=4)
    assert reminders.send_due_reminders(in_four_days) == 0
    assert not OutgoingEmail.objects.filter(key__contains=":reminder:").exists()
    after_return = timezone.make_aware(
        datetime.datetime.combine(back_on + datetime.timedelta(days=1), datetime.time(9))
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(after_return) == 1
    assert OutgoingEmail.objects.filter(key__contains=":reminder:").get().request == away


def test_a_fetch_that_died_before_moving_files_nothing_twice(
    smtp, dovecot, django_capture_on_commit_callbacks
):
    interview = InterviewRequestFactory()
    invitation = send_over_smtp(interview, smtp, django_capture_on_commit_callbacks)
    reply = sample("reply_thunderbird_de.eml", **marks(interview, invitation))
    dovecot.deliver(reply)
    assert imap.fetch() == 1
    # The same message back in the inbox: as if the last run died between filing and moving.
    dovecot.deliver(reply)
    assert imap.fetch() == 1
    assert ContactEvent.objects.filter(request=interview, kind="reply").count() == 1
    assert dovecot.message_ids("INBOX") == []


def test_a_bounced_invitation_is_no_failure_story_until_an_email_to_a_working_address_went_unanswered(
    smtp, dovecot, django_capture_on_commit_callbacks, case_study_index
):
    interview = InterviewRequestFactory()
    invitation = send_over_smtp(interview, smtp, django_capture_on_commit_callbacks)
    assert file_sample(dovecot, "bounce_postfix_5.1.1.eml", interview, invitation) == 1
    interview_states.expire(interview)
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.EXPIRED

    with translation.override("en"), pytest.raises(ActionRefused, match="bounced"):
        case_study_drafts.draft_failure_case_study(interview, user=interview.owner)
    assert interview.case_study_id is None


def test_after_a_new_address_the_failure_story_counts_only_the_delivered_email(
    smtp, dovecot, django_capture_on_commit_callbacks, case_study_index
):
    interview = InterviewRequestFactory()
    invitation = send_over_smtp(interview, smtp, django_capture_on_commit_callbacks)
    assert file_sample(dovecot, "bounce_postfix_5.1.1.eml", interview, invitation) == 1
    # The editor enters another address and sends a new link; it arrives and nobody answers.
    contact = interview.contact
    contact.email = "presse@example.com"
    contact.save()
    contact.refresh_from_db()
    assert not contact.email_undeliverable
    before = len(smtp.messages)
    with django_capture_on_commit_callbacks(execute=True):
        interview_states.resend_link(interview, user=interview.owner)
    assert smtp.messages[before]["To"] == "presse@example.com"
    interview_states.expire(interview)
    interview.refresh_from_db()

    with translation.override("de"):
        page = case_study_drafts.draft_failure_case_study(interview, user=interview.owner)
    # "1 zugestellte E-Mail": the bounced invitation does not count as an email that arrived.
    assert "1 zugestellte E-Mail," in page.summary, page.summary


def test_each_later_email_names_the_earlier_ones_and_a_reply_to_the_last_notice_reopens_the_request(
    smtp, dovecot, django_capture_on_commit_callbacks, case_study_index
):
    """The invitation, a reminder and the last notice form one thread; the
    contact answers the last notice by email, to the plain editorial address
    (their client dropped our Reply-To): our Message-IDs file it under the
    request, which reopens as a late answer, and no failure story comes of it."""
    interview = InterviewRequestFactory()
    invitation = send_over_smtp(interview, smtp, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(interview.sent_at + datetime.timedelta(days=4)) == 1
    reminder = smtp.messages[-1]
    assert reminder["In-Reply-To"] == invitation["Message-ID"]
    assert reminder["References"].split() == [invitation["Message-ID"]]

    interview_states.expire(interview)
    before = len(smtp.messages)
    with django_capture_on_commit_callbacks(execute=True):
        interview_states.send_last_notice(
            interview,
            user=interview.owner,
            planned_publication=timezone.localdate() + datetime.timedelta(days=30),
        )
    [notice] = [m for m in smtp.messages[before:] if m["To"] == interview.contact.email]
    assert notice["In-Reply-To"] == reminder["Message-ID"]
    assert notice["References"].split() == [invitation["Message-ID"], reminder["Message-ID"]]
    assert notice["Message-ID"] not in notice["References"]

    with django_capture_on_commit_callbacks(execute=True):
        assert (
            file_sample(
                dovecot,
                "reply_thunderbird_de.eml",
                interview,
                notice,
                reply_to="redaktion@casebook.example",
            )
            == 1
        )

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert interview.deadline >= timezone.localdate() + datetime.timedelta(days=interview_states.REOPEN_DAYS)
    assert ContactEvent.objects.filter(request=interview, kind="reply").count() == 1
    assert ContactEvent.objects.filter(
        request=interview, kind="state_change", summary__contains="per E-Mail geantwortet"
    ).exists()
    # The owner hears of it once, in their language, told that the request is open again.
    [told] = OutgoingEmail.objects.filter(to=interview.owner.email, key__contains="owner-inbound")
    assert "reopens it, with a new deadline" in told.text or "öffnet sie wieder" in told.text, told.text
    assert not OutgoingEmail.objects.filter(key__contains="owner_reopened").exists()

    # An answer is not silence: no failure story from it.
    interview_states.expire(interview.__class__.objects.get(pk=interview.pk))
    interview.refresh_from_db()
    with translation.override("en"), pytest.raises(ActionRefused, match="answered by email"):
        case_study_drafts.draft_failure_case_study(interview, user=interview.owner)
