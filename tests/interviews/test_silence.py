"""When nobody answers: a request walks, on a travelling clock, from the
invitation through both reminders after sending and the one before the
deadline to its expiry (the owner is told) and a failure draft built from
the contact log. The periodic jobs run as cron runs them, again and again:
every email goes out exactly once."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from blog.models import Author
from casestudies.interviews import states as interview_states
from casestudies.models import InterviewStatus, Outcome, OutgoingEmail

from .factories import InterviewRequestFactory, UserFactory
from .helpers import link_in, token_of
from .test_admin import author_user

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 9, month: int = 3) -> datetime.datetime:
    """Local time (the site's time zone; summer time starts on 31 March 2030)."""
    return datetime.datetime(2030, month, day, hour, 0, tzinfo=timezone.get_current_timezone())


def kind_of(key: str) -> str:
    """interview:<pk>:reminder:after-3 -> reminder:after-3; interview:<pk>:owner_expired:<stamp> -> owner_expired"""
    _, _, kind, *rest = key.split(":")
    return f"{kind}:{rest[0]}" if kind == "reminder" else kind


def test_a_request_nobody_answers_from_invitation_to_failure_draft(
    client, case_study_index, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(at(1), tick=False)
    owner = author_user("jan")
    owner.first_name, owner.last_name = "Jan", "Berger"
    owner.save()
    author = Author.objects.create(name="Jan Berger", slug="jan-berger", user=owner)
    interview = InterviewRequestFactory(
        owner=owner,
        deadline=datetime.date(2030, 3, 31),
        contact__company__name="Funkstille AG",
        contact__role="Head of Social Media",
        photos_wanted=1,
        questions=["Wie kam es zur Kampagne?", "Was haben Sie gelernt?", "Was würden Sie anders machen?"],
    )

    def cron(moment: datetime.datetime) -> None:
        time_machine.move_to(moment, tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_periodic_jobs", stdout=io.StringIO())

    with django_capture_on_commit_callbacks(execute=True):
        interview_states.send(interview, user=owner)
    first_link = link_in(mail.outbox[-1])

    for moment in (at(2), at(4, 8), at(4, 10), at(8, 8), at(8, 9), at(20)):
        cron(moment)
    # An editor logs a call on day 10, and an internal note nobody may read.
    time_machine.move_to(at(10, 15), tick=False)
    interview_states.log_contact(
        interview,
        user=owner,
        channel="phone",
        direction="out",
        kind="call",
        who="Sekretariat",
        summary="Anruf beim Head of Social Media.",
        outcome="Sekretariat: nur per E-Mail erreichbar.",
    )
    interview_states.log_contact(
        interview,
        user=owner,
        channel="phone",
        direction="out",
        kind="note",
        summary="Intern: Die Assistentin klang genervt.",
        internal=True,
    )
    for moment in (at(28, 23), at(29, 0), at(29, 9), at(30), at(31, 23)):
        cron(moment)
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SENT  # the deadline day still counts
    for moment in (at(1, 0, month=4), at(1, 9, month=4), at(2, month=4), at(10, month=4)):
        cron(moment)

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.EXPIRED
    # Each email once, in the outbox and in what left the server.
    keys = (
        OutgoingEmail.objects.filter(request=interview).order_by("created_at").values_list("key", flat=True)
    )
    assert [kind_of(key) for key in keys] == [
        "invitation",
        "reminder:after-3",
        "reminder:after-7",
        "reminder:before-2@2030-03-31",
        "owner_expired",
    ]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == len(keys) == 5
    to_contact = [m for m in mail.outbox if m.to == [interview.contact.email]]
    to_owner = [m for m in mail.outbox if m.to == [owner.email]]
    assert len(to_contact) == 4 and len(to_owner) == 1
    assert [m.subject.startswith("Erinnerung") for m in to_contact] == [False, True, True, True]
    assert "Frist ist abgelaufen" in to_owner[0].subject
    assert reverse("interview_requests:inspect", args=[interview.pk]) in to_owner[0].body
    # The link stopped working.
    assert client.get(f"/interview/{token_of(first_link)}/").status_code == 404
    assert client.get(f"/interview/{token_of(link_in(to_contact[-1]))}/").status_code == 404

    # The owner turns the log into a failure case study.
    client.force_login(owner)
    page_url = reverse("interview_requests:inspect", args=[interview.pk])
    action = reverse("interview_requests:action", args=[interview.pk, "failure_draft"])
    assert action in client.get(page_url).content.decode()
    response = client.post(action, follow=True)
    assert "Misserfolgs-Fallstudie" in response.content.decode()

    interview.refresh_from_db()
    page = interview.case_study
    assert page is not None and not page.live
    assert page.outcome == Outcome.FAILURE and page.company == interview.company
    assert page.authors == [author]
    assert page.title == "Funkstille AG: keine Antwort"
    [timeline] = [block.value for block in page.body if block.block_type == "timeline"]
    events = [
        (event["date"].iso, event["channel"], event["direction"], event["what"], event["outcome"])
        for event in timeline["events"]
    ]
    assert events == [
        (
            "2030-03-01",
            "email",
            "out",
            "Wir schicken unsere Interviewanfrage: 3 Fragen und die Bitte um 1 Foto.",
            "",
        ),
        ("2030-03-04", "email", "out", "Wir erinnern an unsere Fragen.", ""),
        ("2030-03-08", "email", "out", "Wir erinnern an unsere Fragen.", ""),
        (
            "2030-03-10",
            "phone",
            "out",
            "Anruf beim Head of Social Media.",
            "Sekretariat: nur per E-Mail erreichbar.",
        ),
        ("2030-03-29", "email", "out", "Wir erinnern an unsere Fragen.", ""),
        # The job noticed it after midnight; the deadline passed on its own day.
        ("2030-03-31", "", "out", "Die Frist für unsere Fragen läuft ab.", "Keine Antworten."),
    ]
    [figures] = [block.value for block in page.body if block.block_type == "key_figures"]
    assert figures["heading"] == "4 E-Mails, 1 Anruf, 0 Antworten in 30 Tagen"
    assert [(f["label"], int(f["value"])) for f in figures["figures"]] == [
        ("E-Mails an das Unternehmen", 4),
        ("Anruf", 1),
        ("Antworten", 0),
        ("Tage vom ersten Kontakt bis zum Schluss", 30),
    ]
    assert "genervt" not in str(page.body.raw_data)
    # It is a draft editors can edit; the action is not offered twice.
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code in (200, 302)
    assert action not in client.get(page_url).content.decode()
    assert mail.outbox.count(to_owner[0]) == 1
    assert OutgoingEmail.objects.filter(request=interview).count() == 5


def test_expiry_notifies_the_owner_in_their_language(django_capture_on_commit_callbacks):
    from wagtail.users.models import UserProfile

    owner = UserFactory(username="english-owner")
    UserProfile.get_for_user(owner).__class__.objects.filter(user=owner).update(preferred_language="en")
    InterviewRequestFactory(
        owner=owner, status=InterviewStatus.SENT, deadline=timezone.localdate() - datetime.timedelta(days=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert interview_states.expire_overdue() == 1
        assert interview_states.expire_overdue() == 0

    [notice] = [m for m in mail.outbox if m.to == [owner.email]]
    assert notice.subject.startswith("No answer from")
    assert notice.alternatives and notice.alternatives[0][1] == "text/html"
