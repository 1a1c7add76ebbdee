"""The interview state machine: allowed moves, what each writes, what it refuses."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation
from wagtail.models import ModelLogEntry

from casestudies.interviews import photos
from casestudies.interviews import states as interview_states
from casestudies.interviews.signals import interview_accepted
from casestudies.models import (
    Answer,
    ContactEvent,
    InterviewPhoto,
    InterviewRequest,
    InterviewStatus,
    OutgoingEmail,
    ReviewState,
)

from .factories import InterviewRequestFactory
from .helpers import send_and_get_link

pytestmark = pytest.mark.django_db


def log_actions(interview):
    return list(ModelLogEntry.objects.for_instance(interview).values_list("action", flat=True))


def test_sending_stores_only_a_hash_and_logs_the_invitation(django_capture_on_commit_callbacks, settings):
    settings.SITE_BASE_URL = "https://casebook.example"
    interview = InterviewRequestFactory()

    link = send_and_get_link(interview, django_capture_on_commit_callbacks)

    interview.refresh_from_db()
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert link.startswith("https://casebook.example/interview/")
    assert len(token) >= 43  # 32 random bytes, base64
    assert interview.status == InterviewStatus.SENT
    assert token not in interview.token_hash and len(interview.token_hash) == 64
    event = interview.events.get()
    assert (event.kind, event.channel, event.direction) == ("invitation", "email", "out")
    assert log_actions(interview) == ["casestudies.interview.sent"]
    assert mail.outbox[-1].to == [interview.contact.email]


def test_invitation_speaks_the_contacts_language(django_capture_on_commit_callbacks):
    english = InterviewRequestFactory(contact__language="en", intro="We would like to talk.")
    german = InterviewRequestFactory()

    send_and_get_link(english, django_capture_on_commit_callbacks)
    send_and_get_link(german, django_capture_on_commit_callbacks)

    english_mail, german_mail = mail.outbox[-2:]
    assert english_mail.subject.startswith("Interview request for")
    assert german_mail.subject.startswith("Interviewanfrage")
    assert english_mail.alternatives and english_mail.alternatives[0][1] == "text/html"


def test_a_disallowed_transition_raises_and_changes_nothing():
    interview = InterviewRequestFactory()

    with translation.override("de"), pytest.raises(interview_states.TransitionNotAllowed) as refused:
        interview_states.accept(interview, user=interview.owner)

    interview.refresh_from_db()
    assert "kann nicht" in str(refused.value)
    assert interview.status == InterviewStatus.DRAFT
    assert not ContactEvent.objects.filter(request=interview).exists()
    assert log_actions(interview) == []


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["sent", "opened", "in_progress", "submitted", "accepted"], "withdraw"),
        (["sent", "opened", "in_progress", "submitted"], "expire"),
        (["sent", "opened", "in_progress", "submitted"], "decline"),
        (["sent"], "publish"),
        (["sent", "withdrawn"], "send"),
    ],
)
def test_transitions_outside_the_design_are_refused(path, refused):
    interview = InterviewRequestFactory()
    for status in path:
        interview.status = status
    interview.save()
    actions = {
        "withdraw": lambda: interview_states.withdraw(interview, user=interview.owner),
        "expire": lambda: interview_states.expire(interview),
        "decline": lambda: interview_states.decline(interview),
        "publish": lambda: interview_states.publish(interview, user=interview.owner),
        "send": lambda: interview_states.send(interview, user=interview.owner),
    }
    with pytest.raises(interview_states.TransitionNotAllowed):
        actions[refused]()
    interview.refresh_from_db()
    assert interview.status == path[-1]


def test_a_rolled_back_transition_sends_nothing(django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        interview_states.send(interview, user=interview.owner)
        raise RuntimeError("something later in the same request failed")

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.DRAFT
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_the_whole_happy_path_and_its_contact_log(django_capture_on_commit_callbacks, case_study_index):
    interview = InterviewRequestFactory()
    send_and_get_link(interview, django_capture_on_commit_callbacks)
    interview_states.mark_opened(interview)
    interview_states.start_answering(interview)
    first = interview.questions.first()
    Answer.objects.create(question=first, text="Mit einem Tweet.")

    with django_capture_on_commit_callbacks(execute=True):
        interview_states.submit(interview)

    assert set(Answer.objects.filter(question__request=interview).values_list("is_final", flat=True)) == {
        True
    }
    assert Answer.objects.filter(question__request=interview).count() == interview.questions.count()
    confirmation, notification = mail.outbox[-2:]
    assert confirmation.to == [interview.contact.email]
    assert "Mit einem Tweet." in confirmation.body
    assert notification.to == [interview.owner.email]

    received = []

    def receiver(sender, request, user, **kwargs):
        received.append((request.pk, request.status))

    interview_accepted.connect(receiver)
    try:
        interview_states.accept(interview, user=interview.owner)
    finally:
        interview_accepted.disconnect(receiver)
    interview_states.publish(interview, user=interview.owner)

    assert received == [(interview.pk, InterviewStatus.ACCEPTED)]
    assert interview.status == InterviewStatus.PUBLISHED
    assert [e.kind for e in interview.events.all()] == [
        "invitation",
        "opened",
        "state_change",
        "submitted",
        "state_change",
        "state_change",
    ]
    assert log_actions(interview) == [
        f"casestudies.interview.{s}"
        for s in ["published", "accepted", "submitted", "in_progress", "opened", "sent"]
    ]


def test_request_changes_reopens_picked_answers_and_photos(django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)
    first, second = interview.questions.order_by("sort_order")
    Answer.objects.create(question=first, text="Kurz.")
    Answer.objects.create(question=second, text="Ausführlich.")
    interview_states.submit(interview)
    photo = InterviewPhoto.objects.create(
        request=interview,
        file="x.jpg",
        credit="Foto: Firma",
        consent_given=True,
        consent_text="ok",
        consent_version="1",
        consent_at="2026-01-01T00:00Z",
        width=1,
        height=1,
    )

    with django_capture_on_commit_callbacks(execute=True):
        interview_states.request_changes(
            interview,
            user=interview.owner,
            message="Bitte etwas ausführlicher.",
            questions=[first],
            photos=[photo],
        )

    first.answer.refresh_from_db()
    second.answer.refresh_from_db()
    photo.refresh_from_db()
    assert interview.status == InterviewStatus.CHANGES_REQUESTED
    assert (first.answer.is_final, second.answer.is_final) == (False, True)
    assert photo.review_state == ReviewState.CHANGES_REQUESTED
    assert "Bitte etwas ausführlicher." in mail.outbox[-1].body
    assert "/interview/" in mail.outbox[-1].body


def test_accept_leaves_the_photos_as_the_editor_reviewed_them(case_study_index):
    """Issue 14: no photo is accepted by default any more; one nobody reviewed
    stays unreviewed (and out of the draft, see test_photo_review)."""
    from .test_photos import jpeg_bytes, upload

    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)
    good, flagged = photos.store_photos(
        interview,
        [upload("a.jpg", jpeg_bytes()), upload("b.jpg", jpeg_bytes(color=(0, 90, 0)))],
        caption="",
        credit="c",
    )
    InterviewPhoto.objects.filter(pk=flagged.pk).update(review_state=ReviewState.CHANGES_REQUESTED)
    InterviewRequest.objects.filter(pk=interview.pk).update(status=InterviewStatus.SUBMITTED)
    interview.refresh_from_db()

    interview_states.accept(interview, user=interview.owner)

    good.refresh_from_db()
    flagged.refresh_from_db()
    assert good.review_state == ReviewState.PENDING and good.image is None
    assert flagged.review_state == ReviewState.CHANGES_REQUESTED and flagged.image is None


def test_expire_overdue_expires_only_open_requests_past_their_deadline(time_machine):
    import datetime

    from django.utils import timezone

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    overdue = InterviewRequestFactory(status=InterviewStatus.OPENED, deadline=yesterday)
    submitted = InterviewRequestFactory(status=InterviewStatus.SUBMITTED, deadline=yesterday)
    running = InterviewRequestFactory(status=InterviewStatus.SENT)

    assert interview_states.expire_overdue() == 1

    for interview in (overdue, submitted, running):
        interview.refresh_from_db()
    assert (overdue.status, submitted.status, running.status) == ("expired", "submitted", "sent")
    assert overdue.events.get().kind == "state_change"
