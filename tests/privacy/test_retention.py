"""Retention with a moved clock (README: Privacy): what a contact gave us
for a request that ended goes after RETENTION_ENDED_REQUEST_DAYS; photos
editors did not accept go RETENTION_UNACCEPTED_UPLOADS_DAYS after the request
went on; the dated facts of a published failure story stay, without the
person; a second run deletes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from casestudies.interviews import contact_log, photos, retention
from casestudies.interviews import states as interview_states
from casestudies.interviews.tasks import purge_expired_personal_data
from casestudies.models import (
    Answer,
    CaseStudyPage,
    InterviewPhoto,
    InterviewStatus,
    OutgoingEmail,
    ReviewState,
)
from casestudies.pages import drafts as case_study_drafts
from casestudies.pages import guards
from tests.factories import make_image
from tests.interviews.factories import InterviewRequestFactory
from tests.interviews.test_photos import real

pytestmark = pytest.mark.django_db

NAME, PHONE = "Wiebke Quastenberg", "+49 30 5550199"


def ended_request(company: str) -> object:
    interview = InterviewRequestFactory(
        status=InterviewStatus.IN_PROGRESS,
        contact__name=NAME,
        contact__phone=PHONE,
        contact__company__name=company,
    )
    Answer.objects.create(question=interview.questions.first(), text="Halb beantwortet.")
    photos.store_photos(interview, [real("photos/canon-40d.jpg")], caption="Team", credit="Firma")
    OutgoingEmail.objects.create(
        key=f"t:{interview.pk}", to=interview.contact.email, subject="Hallo", request=interview
    )
    contact_log.record(
        interview, user=interview.owner, kind="call", summary=f"Rückruf unter {PHONE} bei {NAME}"
    )
    interview_states.decline(interview, reason=f"Keine Zeit. {NAME}")
    interview.refresh_from_db()
    return interview


def facts(interview) -> list[tuple]:
    return list(interview.events.order_by("pk").values_list("occurred_at", "channel", "direction", "kind"))


def personal(interview) -> str:
    texts = interview.events.values_list("who", "summary", "outcome")
    return " ".join(" ".join(row) for row in texts) + interview.decline_reason


@pytest.fixture
def ended(case_study_index, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(timezone.now(), tick=False)
    plain = ended_request("Nein AG")
    with_story = ended_request("Schweigen GmbH")
    page = case_study_drafts.draft_failure_case_study(with_story, user=with_story.owner)
    with guards.waived():
        page.get_latest_revision().publish()
    went_on = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)
    taken, left = photos.store_photos(
        went_on, [real("photos/canon-40d.jpg"), real("photos/gps-nikon-coolpix.jpg")], caption="x", credit="y"
    )
    InterviewPhoto.objects.filter(pk=taken.pk).update(review_state=ReviewState.ACCEPTED, image=make_image())
    type(went_on).objects.filter(pk=went_on.pk).update(
        status=InterviewStatus.ACCEPTED, status_changed_at=timezone.now()
    )
    return plain, with_story, page, went_on, taken, left


def later(time_machine, days: int) -> None:
    time_machine.move_to(timezone.now() + datetime.timedelta(days=days), tick=False)


def test_nothing_goes_before_its_time(ended, time_machine):
    plain, with_story, page, went_on, taken, left = ended
    later(time_machine, settings.RETENTION_UNACCEPTED_UPLOADS_DAYS - 1)

    assert retention.purge_expired() == retention.RetentionReport()
    assert InterviewPhoto.objects.filter(pk=left.pk).exists()


def test_unaccepted_uploads_of_a_request_that_went_on_go_after_their_time(
    ended, time_machine, django_capture_on_commit_callbacks
):
    plain, with_story, page, went_on, taken, left = ended
    stored = left.file.name
    later(time_machine, settings.RETENTION_UNACCEPTED_UPLOADS_DAYS + 1)

    with django_capture_on_commit_callbacks(execute=True):
        report = purge_expired_personal_data.apply().get()

    assert report["unaccepted_photos"] == 1
    assert not InterviewPhoto.objects.filter(pk=left.pk).exists()
    assert not left.file.storage.exists(stored)
    assert InterviewPhoto.objects.filter(pk=taken.pk).exists()  # in the library: part of the story
    assert Answer.objects.filter(question__request=plain).exists()  # the ended requests wait longer


def test_an_accepted_photo_left_out_of_the_draft_goes_after_its_time(ended, time_machine):
    """Accepted but not chosen for the draft: once the request went on, nothing
    can take it into a story any more, so it is not kept for ever."""
    plain, with_story, page, went_on, taken, left = ended
    InterviewPhoto.objects.filter(pk=left.pk).update(review_state=ReviewState.ACCEPTED)
    later(time_machine, settings.RETENTION_UNACCEPTED_UPLOADS_DAYS - 1)
    assert retention.purge_expired().unaccepted_photos == 0

    later(time_machine, 2)
    assert retention.purge_expired().unaccepted_photos == 1
    assert not InterviewPhoto.objects.filter(pk=left.pk).exists()
    assert InterviewPhoto.objects.filter(pk=taken.pk).exists()


def test_an_ended_request_loses_what_the_person_gave_and_keeps_dated_facts(
    ended, time_machine, django_capture_on_commit_callbacks, caplog
):
    plain, with_story, page, went_on, taken, left = ended
    before = {r.pk: facts(r) for r in (plain, with_story)}
    emails = OutgoingEmail.objects.filter(request__in=[plain, with_story]).count()  # ours and the owner's
    live_revision = CaseStudyPage.objects.filter(pk=page.pk).values_list("live_revision_id", flat=True).get()
    later(time_machine, settings.RETENTION_ENDED_REQUEST_DAYS - 1)
    assert retention.purge_expired().requests == 0

    later(time_machine, 2)
    with django_capture_on_commit_callbacks(execute=True), caplog.at_level("INFO", logger="casebook"):
        report = retention.purge_expired()

    assert report.requests == 2 and report.answers == 2 and report.photos == 2 and report.emails == emails
    assert "Retention" in caplog.text
    for interview in (plain, with_story):
        interview.refresh_from_db()
        assert not Answer.objects.filter(question__request=interview).exists()
        assert not interview.photos.exists()
        assert not OutgoingEmail.objects.filter(request=interview).exists()
        # The dated facts stay, in the same order with the same dates ...
        assert facts(interview) == before[interview.pk]
        # ... without the person.
        assert NAME not in personal(interview) and PHONE not in personal(interview)
        assert interview.decline_reason == ""
    # The published failure story still stands, as published.
    live = CaseStudyPage.objects.get(pk=page.pk)
    assert live.live and live.live_revision_id == live_revision and not live.has_unpublished_changes

    # Idempotent: a second run finds nothing to do.
    assert retention.purge_expired() == retention.RetentionReport()


def test_the_beat_runs_the_purge_daily():
    from config.celery import app

    [entry] = [
        e for e in app.conf.beat_schedule.values() if e["task"].endswith("purge_expired_personal_data")
    ]
    assert entry["task"] == "casestudies.tasks.purge_expired_personal_data"
