"""Accepting an interview: the answers and photos become a draft case study,
which goes live only through the moderation workflow; publishing it closes the
request as published."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.urls import reverse
from PIL import Image

from blog.models import Author
from casestudies.interviews import photo_review, photos
from casestudies.interviews import states as interview_states
from casestudies.models import (
    Answer,
    CaseStudyPage,
    InterviewRequest,
    InterviewStatus,
    Outcome,
    QuestionSet,
    ReviewState,
)
from tests.casestudies.factories import make_case_study
from tests.interviews.signoff_helpers import complete_checklist

from .factories import InterviewRequestFactory, UserFactory
from .helpers import sample_image
from .test_admin import author_user
from .test_photos import jpeg_bytes, real, upload

pytestmark = pytest.mark.django_db


def answered(interview: InterviewRequest, *texts: str) -> InterviewRequest:
    """Answers (empty ones stay unanswered), then submitted."""
    for question, text in zip(interview.questions.order_by("sort_order"), texts, strict=False):
        Answer.objects.create(question=question, text=text)
    InterviewRequest.objects.filter(pk=interview.pk).update(status=InterviewStatus.IN_PROGRESS)
    interview.refresh_from_db()
    return interview


def submit(interview: InterviewRequest) -> InterviewRequest:
    return interview_states.submit(interview)


def interview_values(page: CaseStudyPage) -> list[dict]:
    return [block.value for block in page.body if block.block_type == "interview"]


def test_accepting_makes_a_draft_case_study_with_the_interview_and_the_photos(
    case_study_index, django_capture_on_commit_callbacks
):
    owner_author = Author.objects.create(name="Jan Berger", slug="jan-berger")
    interview = InterviewRequestFactory(
        questions=["Wie kam es zur Kampagne?", "Was blieb offen?", "Was haben Sie gelernt?"],
        contact__name="Dana Beispiel",
        contact__role="Head of Social Media",
        contact__company__name="Telefonica Nord",
    )
    owner_author.user = interview.owner
    owner_author.save()
    answered(interview, "Aus einem Tweet.", "", "Zuhören.")
    portrait, team = photos.store_photos(
        interview, [real("photos/gps-nikon-coolpix.jpg")], caption="Porträt", credit="Foto: Firma"
    ) + photos.store_photos(
        interview, [upload("team.jpg", jpeg_bytes())], caption="Team", credit="Foto: Team"
    )
    team.review_state = ReviewState.CHANGES_REQUESTED
    team.save()
    submit(interview)
    # Only a photo the editor accepted for the draft goes in (interviews.photo_review).
    photo_review.accept_photo(interview, portrait.pk, user=interview.owner)

    with django_capture_on_commit_callbacks(execute=True):  # the image files are copied after commit
        interview_states.accept(interview, user=interview.owner)

    interview.refresh_from_db()
    page = interview.case_study
    assert page is not None and not page.live
    assert page.get_parent().specific == case_study_index
    assert page.company == interview.company and page.outcome == Outcome.OPEN
    assert page.authors == [owner_author]
    [block] = interview_values(page)
    assert block["interviewee"] == "Dana Beispiel, Head of Social Media"
    # Unanswered questions stay out; the order is the questionnaire's.
    assert [(p["question"], p["answer"]) for p in block["pairs"]] == [
        ("Wie kam es zur Kampagne?", "Aus einem Tweet."),
        ("Was haben Sie gelernt?", "Zuhören."),
    ]
    images = [block.value for block in page.body if block.block_type == "image"]
    assert [(v["caption"], v["credit"]) for v in images] == [("Porträt", "Foto: Firma")]
    image = images[0]["image"]
    assert image.collection.name == "Interviews"
    assert page.feed_image.pk == image.pk
    portrait.refresh_from_db()
    assert portrait.image_id == image.pk
    # What reaches the public image library carries no position.
    with image.file.open("rb") as stored:
        exif = Image.open(io.BytesIO(stored.read())).getexif()
    assert not exif and 0x8825 not in exif
    # Drafts are saved as a revision by the editor who accepted.
    assert page.get_latest_revision().user == interview.owner


def test_the_question_sets_series_becomes_the_case_studys_series(case_study_index):
    from tests.factories import SeriesFactory

    series = SeriesFactory(name="Chief Social Media Officer")
    interview = InterviewRequestFactory(question_set=QuestionSet.objects.create(name="CSMO", series=series))
    submit(answered(interview, "Ja.", "Nein."))

    interview_states.accept(interview, user=interview.owner)

    interview.refresh_from_db()
    assert interview.case_study.series == series


def test_a_request_for_an_existing_case_study_adds_a_draft_revision_and_leaves_the_live_page(
    case_study_index,
):
    study = make_case_study(case_study_index, title="Schon veröffentlicht")
    interview = InterviewRequestFactory(
        case_study=study, company=study.company, contact__company=study.company
    )
    submit(answered(interview, "Erste Antwort.", "Zweite Antwort."))

    interview_states.accept(interview, user=interview.owner)

    study.refresh_from_db()
    assert study.live and interview_values(study) == []
    assert study.has_unpublished_changes
    draft = study.get_latest_revision_as_object()
    [block] = interview_values(draft)
    assert [p["answer"] for p in block["pairs"]] == ["Erste Antwort.", "Zweite Antwort."]
    assert CaseStudyPage.objects.count() == 1


def test_without_a_case_study_index_accepting_is_refused_and_changes_nothing():
    interview = submit(answered(InterviewRequestFactory(), "Ja.", "Nein."))

    with pytest.raises(interview_states.ActionRefused, match="Übersichtsseite"):
        interview_states.accept(interview, user=interview.owner)

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED and interview.case_study is None
    assert not CaseStudyPage.objects.exists()


def test_publishing_the_case_study_closes_the_interview_as_published(case_study_index):
    interview = submit(answered(InterviewRequestFactory(), "Ja.", "Nein."))
    interview_states.accept(interview, user=interview.owner)
    interview.refresh_from_db()

    editor = UserFactory(username="chefin", is_superuser=True)
    # What the editor writes before publishing (the pre-publication checklist).
    complete_checklist(interview.case_study, user=editor).get_latest_revision().publish(user=editor)

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.PUBLISHED
    assert interview.events.last().summary == "Interview veröffentlicht"


def test_accepting_in_the_admin_leads_to_the_draft(client, case_study_index):
    editor = author_user("redakteurin")
    client.force_login(editor)
    interview = submit(answered(InterviewRequestFactory(owner=editor), "Ja.", "Nein."))
    mail.outbox.clear()

    response = client.post(reverse("interview_requests:action", args=[interview.pk, "accept"]), follow=True)

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.ACCEPTED
    edit_url = reverse("wagtailadmin_pages:edit", args=[interview.case_study.pk])
    assert edit_url in response.content.decode()


def test_a_new_request_speaks_its_contacts_language_unless_told_otherwise():
    english = InterviewRequestFactory(contact__language="en", language="")
    chosen = InterviewRequestFactory(contact__language="en", language="de")

    assert (english.language, chosen.language) == ("en", "de")


def test_the_heic_from_a_phone_reaches_the_library_as_a_plain_jpeg(
    case_study_index, django_capture_on_commit_callbacks
):
    interview = answered(InterviewRequestFactory(), "Ja.", "Nein.")
    sample_image("photos/iphone.heic")
    [photo] = photos.store_photos(interview, [real("photos/iphone.heic")], caption="", credit="Foto: iPhone")
    submit(interview)
    photo_review.accept_photo(interview, photo.pk, user=interview.owner)

    with django_capture_on_commit_callbacks(execute=True):
        interview_states.accept(interview, user=interview.owner)

    photo.refresh_from_db()
    assert photo.image.file.name.endswith(".jpg")
    assert (photo.image.width, photo.image.height) == (photo.width, photo.height)
    assert photo.image.title == f"Foto von {interview.company.name}"


def test_an_accept_that_rolls_back_leaves_no_image_file(case_study_index, settings, monkeypatch):
    """The photos are copied into the library after the accept commits: an
    accept that fails under its row lock writes no file at all."""
    from pathlib import Path

    from django.db import DatabaseError

    from casestudies.pages import drafts

    interview = answered(InterviewRequestFactory(), "Ja.", "Nein.")
    [photo] = photos.store_photos(
        interview, [upload("team.jpg", jpeg_bytes())], caption="Team", credit="Foto: Team"
    )
    submit(interview)
    photo_review.accept_photo(interview, photo.pk, user=interview.owner)

    def failing_draft(*args, **kwargs):
        raise DatabaseError("the database went away while the draft was written")

    monkeypatch.setattr(drafts, "new_draft", failing_draft)
    with pytest.raises(DatabaseError):
        interview_states.accept(interview, user=interview.owner)

    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED
