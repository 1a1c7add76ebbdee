"""Reminders: the named slots of a request's policy, each at most once, never
two in a row, and what link they carry."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from casestudies.companies import opt_out
from casestudies.interviews import reminders, tokens
from casestudies.interviews import states as interview_states
from casestudies.models import ContactEvent, InterviewStatus, OutgoingEmail, ReminderSlot

from .factories import InterviewRequestFactory
from .helpers import link_in, send_and_get_link, token_of
from .test_admin import author_user

pytestmark = pytest.mark.django_db


def later(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def start_of(day: datetime.date, hours: float = 1) -> datetime.datetime:
    """`hours` into `day`, local time."""
    midnight = datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())
    return midnight + datetime.timedelta(hours=hours)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory(deadline=in_days(30))
    link = send_and_get_link(interview, django_capture_on_commit_callbacks)
    return interview, link


def reminder_mails(interview) -> list:
    return [
        m for m in mail.outbox if m.to == [interview.contact.email] and m.subject.startswith("Erinnerung")
    ]


def test_the_default_policy_is_3_and_7_days_after_sending_and_2_days_before_the_deadline(sent):
    interview, _ = sent
    interview.refresh_from_db()

    assert [slot.name for slot in reminders.plan(interview)] == [
        "after-3",
        "after-7",
        f"before-2@{in_days(30).isoformat()}",
    ]


def test_each_slot_goes_out_once_however_often_the_job_runs(sent, django_capture_on_commit_callbacks):
    interview, _ = sent

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(later(2.9)) == 0
        assert reminders.send_due_reminders(later(3.1)) == 1  # after-3
        assert reminders.send_due_reminders(later(3.2)) == 0  # the same slot again: nothing
        assert reminders.send_due_reminders(later(7.1)) == 1  # after-7
        assert reminders.send_due_reminders(later(20)) == 0
        assert reminders.send_due_reminders(start_of(in_days(28))) == 1  # before-2
        assert reminders.send_due_reminders(start_of(in_days(29))) == 0

    assert len(reminder_mails(interview)) == 3
    assert "nur noch 2 Tage" in reminder_mails(interview)[-1].body
    assert ContactEvent.objects.filter(request=interview, kind="reminder").count() == 3
    assert sorted(
        OutgoingEmail.objects.filter(key__contains=":reminder:").values_list("key", flat=True)
    ) == sorted(
        f"interview:{interview.pk}:reminder:{slot}"
        for slot in ("after-3", "after-7", f"before-2@{in_days(30).isoformat()}")
    )


def test_the_database_refuses_a_second_row_for_a_slot(sent):
    interview, _ = sent
    ReminderSlot.objects.create(request=interview, slot="after-3", outcome="sent")

    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSlot.objects.create(request=interview, slot="after-3", outcome="sent")


def test_a_contact_who_got_after_7_yesterday_gets_no_before_2(
    django_capture_on_commit_callbacks, client, time_machine
):
    # Sent in the morning, so that "day 7 at 23:00" is after the after-7 slot
    # whatever the time the suite runs (it failed in CI sent at 23:10).
    time_machine.move_to(start_of(timezone.localdate(), hours=10), tick=False)
    # Deadline 10 days after sending: before-2 falls on day 8, the day after after-7.
    interview = InterviewRequestFactory(deadline=in_days(10))
    send_and_get_link(interview, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(later(3.1)) == 1
        assert reminders.send_due_reminders(start_of(in_days(7), hours=23)) == 1  # after-7
        assert reminders.send_due_reminders(start_of(in_days(8), hours=9)) == 0  # before-2: too soon
        assert reminders.send_due_reminders(start_of(in_days(9), hours=9)) == 0  # and not later either

    assert len(reminder_mails(interview)) == 2
    skipped = ReminderSlot.objects.get(request=interview, slot__startswith="before-2")
    assert (skipped.outcome, skipped.reason) == ("skipped", reminders.SKIPPED_GAP)
    # The admin says what became of each slot, and why.
    client.force_login(interview.owner)
    interview.owner.is_superuser = True
    interview.owner.save()
    page = client.get(reverse("interview_requests:inspect", args=[interview.pk])).content.decode()
    assert "übersprungen" in page and "weniger als zwei Tage" in page


def test_slots_due_together_send_only_the_latest(django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory(deadline=in_days(30))
    send_and_get_link(interview, django_capture_on_commit_callbacks)

    # Beat was down for a week: after-3 and after-7 are both due.
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(later(7.5)) == 1
        assert reminders.send_due_reminders(later(7.6)) == 0

    assert len(reminder_mails(interview)) == 1
    assert dict(ReminderSlot.objects.filter(request=interview).values_list("slot", "outcome")) == {
        "after-3": "skipped",
        "after-7": "sent",
    }


def test_an_unopened_request_gets_a_fresh_link_and_the_old_one_dies(sent, django_capture_on_commit_callbacks):
    interview, old_link = sent

    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_due_reminders(later(3.5))

    new_link = link_in(mail.outbox[-1])
    assert tokens.request_for_token(token_of(new_link)) == interview
    assert tokens.request_for_token(token_of(old_link)) is None


def test_a_contact_halfway_through_keeps_their_session(client, sent, django_capture_on_commit_callbacks):
    interview, link = sent
    questionnaire = client.get(link.replace("http://testserver", ""))["Location"]
    assert client.get(questionnaire).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(later(3.5)) == 1

    assert f"http://testserver{questionnaire}" in mail.outbox[-1].body
    assert client.get(questionnaire).status_code == 200


@pytest.mark.parametrize(
    "status", ["submitted", "declined", "withdrawn", "expired", "draft", "changes_requested"]
)
def test_no_reminders_once_answered_declined_stopped_or_expired(sent, status):
    interview, _ = sent
    type(interview).objects.filter(pk=interview.pk).update(status=status)

    assert reminders.send_due_reminders(later(3.5)) == 0
    assert not ReminderSlot.objects.exists()


def test_no_reminders_after_the_deadline_or_when_switched_off(django_capture_on_commit_callbacks):
    late = InterviewRequestFactory(deadline=in_days(2), remind_before_deadline_days=None)
    off = InterviewRequestFactory(remind_after_days="", remind_before_deadline_days=None)
    for interview in (late, off):
        send_and_get_link(interview, django_capture_on_commit_callbacks)

    assert reminders.send_due_reminders(later(3.5)) == 0
    assert reminders.send_due_reminders(later(8)) == 0
    assert not ReminderSlot.objects.exists()


def test_no_reminder_to_a_contact_who_opted_out(sent, django_capture_on_commit_callbacks):
    interview, _ = sent
    opt_out.record(interview.contact, "Bitte nicht mehr.")

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(later(3.5)) == 0
        assert reminders.send_due_reminders(later(7.5)) == 0

    assert reminder_mails(interview) == []


def test_the_policy_is_edited_per_request_and_validated(client, django_capture_on_commit_callbacks):
    editor = author_user("policy-editor")
    client.force_login(editor)
    interview = InterviewRequestFactory(owner=editor, deadline=in_days(30))
    send_and_get_link(interview, django_capture_on_commit_callbacks)
    url = reverse("interview_requests:action", args=[interview.pk, "reminders"])

    refused = client.post(url, {"after_days": "drei", "before_deadline_days": ""})
    assert refused.status_code == 200 and "zwischen 1 und 365" in refused.content.decode()
    client.post(url, {"after_days": "10, 5, 5", "before_deadline_days": ""})

    interview.refresh_from_db()
    assert (interview.remind_after_days, interview.remind_before_deadline_days) == ("5, 10", None)
    assert [slot.name for slot in reminders.plan(interview)] == ["after-5", "after-10"]
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(later(3.5)) == 0
        assert reminders.send_due_reminders(later(5.5)) == 1


def test_a_new_link_the_day_before_makes_the_next_reminder_wait_its_turn(
    sent, django_capture_on_commit_callbacks, time_machine
):
    interview, _ = sent
    start = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        time_machine.move_to(start + datetime.timedelta(days=2.5))
        interview_states.resend_link(interview, user=interview.owner)
        time_machine.move_to(start + datetime.timedelta(days=3.1))
        assert reminders.send_due_reminders() == 0  # after-3, a day after the new link

    assert ReminderSlot.objects.get(request=interview, slot="after-3").outcome == "skipped"
    assert interview.status == InterviewStatus.SENT


# The schedule the request page shows -------------------------------------------------


def states_of(interview) -> dict[str, tuple[str, str]]:
    interview.refresh_from_db()
    return {entry.slot.name: (entry.state, entry.reason_code) for entry in reminders.schedule(interview)}


def request_page(client, interview) -> str:
    interview.owner.is_superuser = True
    interview.owner.save()
    client.force_login(interview.owner)
    return client.get(reverse("interview_requests:inspect", args=[interview.pk])).content.decode()


def test_slots_outside_invitation_and_deadline_are_skipped_with_the_reason_and_never_sent(
    client, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(start_of(timezone.localdate(), hours=10), tick=False)
    # A deadline the day after tomorrow: before-2 would fall on today's midnight,
    # before the invitation; after-3 and after-7 after the deadline.
    interview = InterviewRequestFactory(deadline=in_days(2))
    send_and_get_link(interview, django_capture_on_commit_callbacks)

    assert states_of(interview) == {
        f"before-2@{in_days(2).isoformat()}": ("skipped", reminders.SKIPPED_BEFORE_INVITATION),
        "after-3": ("skipped", reminders.SKIPPED_AFTER_DEADLINE),
        "after-7": ("skipped", reminders.SKIPPED_AFTER_DEADLINE),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(later(0.1)) == 0  # no reminder right after the invitation
        assert reminders.send_due_reminders(start_of(in_days(2), hours=9)) == 0
    assert reminder_mails(interview) == []

    page = request_page(client, interview)
    assert "vor dem Versand der Einladung" in page and "nach der Frist" in page
    assert "geplant" not in page


def test_after_submission_the_open_slots_show_as_cancelled_the_sent_one_stays_sent(
    client, sent, django_capture_on_commit_callbacks
):
    interview, _ = sent
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(later(3.5)) == 1
    type(interview).objects.filter(pk=interview.pk).update(status=InterviewStatus.SUBMITTED)

    assert states_of(interview) == {
        "after-3": ("sent", ""),
        "after-7": ("cancelled", "submitted"),
        f"before-2@{in_days(30).isoformat()}": ("cancelled", "submitted"),
    }
    page = request_page(client, interview)
    assert "abgesagt" in page and "geplant" not in page


@pytest.mark.parametrize("status", ["declined", "withdrawn"])
def test_after_decline_or_withdrawal_nothing_is_planned(sent, status):
    interview, _ = sent
    type(interview).objects.filter(pk=interview.pk).update(status=status)

    assert {state for state, _ in states_of(interview).values()} == {"cancelled"}


def test_a_deadline_extension_replans_the_reminders(client, django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to(start_of(timezone.localdate(), hours=10), tick=False)
    interview = InterviewRequestFactory(deadline=in_days(5))
    send_and_get_link(interview, django_capture_on_commit_callbacks)
    assert states_of(interview)["after-7"] == ("skipped", reminders.SKIPPED_AFTER_DEADLINE)

    with django_capture_on_commit_callbacks(execute=True):
        interview_states.extend_deadline(interview, user=interview.owner, deadline=in_days(30))

    assert states_of(interview) == {
        "after-3": ("planned", ""),
        "after-7": ("planned", ""),
        f"before-2@{in_days(30).isoformat()}": ("planned", ""),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(start_of(in_days(7), hours=23)) == 1  # after-7, now in time
    assert "nach der Frist" not in request_page(client, interview)
