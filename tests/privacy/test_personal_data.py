"""A person's data is exported and erased on request (README: Privacy)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_comments.models import Comment

from casestudies.interviews import photos
from casestudies.models import Answer, CompanyContact, InterviewPhoto, InterviewStatus, OutgoingEmail
from tests.interviews.factories import InterviewRequestFactory
from tests.interviews.test_photos import real

pytestmark = pytest.mark.django_db

EMAIL = "dana@company.test"


@pytest.fixture
def person(demo):
    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS, contact__email=EMAIL)
    first = interview.questions.first()
    Answer.objects.create(question=first, text="Wir haben zugehört.")
    [photo] = photos.store_photos(interview, [real("photos/canon-40d.jpg")], caption="Team", credit="Firma")
    interview.events.create(direction="in", kind="call", who="Dana Beispiel", summary="Rückruf")
    OutgoingEmail.objects.create(key="test:1", to=EMAIL, subject="Einladung", text="…")
    Comment.objects.create(
        content_object=demo["article"],
        site_id=1,
        user_name="Dana",
        user_email=EMAIL.upper(),
        comment="Danke!",
    )
    return interview, photo


def test_export_holds_everything_stored_about_the_person(person):
    out = StringIO()
    call_command("export_personal_data", EMAIL, stdout=out)
    data = json.loads(out.getvalue())

    assert data["contacts"][0]["email"] == EMAIL
    request = data["interview_requests"][0]
    assert {"question": "Wie kam es zur Kampagne?", "answer": "Wir haben zugehört."} in request["questions"]
    assert request["photos"][0]["credit"] == "Firma"
    assert "Rückruf" in [entry["summary"] for entry in request["contact_log"]]
    assert data["emails_received"][0]["subject"] == "Einladung"
    assert data["comments"][0]["text"] == "Danke!"


def test_erasure_needs_confirmation(person):
    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_personal_data", EMAIL)
    assert CompanyContact.objects.filter(email=EMAIL).exists()


def test_erasure_removes_the_person_and_keeps_the_record(person, django_capture_on_commit_callbacks):
    interview, photo = person
    stored = photo.file.name
    storage = photo.file.storage

    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_personal_data", EMAIL, "--yes", stdout=StringIO())

    contact = CompanyContact.objects.get(pk=interview.contact_id)
    assert (contact.name, contact.email, contact.phone) == ("Gelöschter Kontakt", "", "")
    assert contact.role == "Head of Social Media"  # the company's role, not the person
    assert not Answer.objects.filter(question__request=interview).exists()
    assert not InterviewPhoto.objects.filter(pk=photo.pk).exists()
    assert not storage.exists(stored)
    assert not OutgoingEmail.objects.filter(to__iexact=EMAIL).exists()
    assert not Comment.objects.filter(user_email__iexact=EMAIL).exists()
    assert interview.events.get(summary="Rückruf").who == "Gelöschter Kontakt"
    assert not interview.events.filter(who="Dana Beispiel").exists()
    interview.refresh_from_db()
    assert interview.token_revoked

    out = StringIO()
    call_command("export_personal_data", EMAIL, stdout=out)
    data = json.loads(out.getvalue())
    assert data["contacts"] == [] and data["comments"] == [] and data["emails_received"] == []


def test_accepted_material_is_kept_and_named_for_the_editors(person):
    interview, photo = person
    type(interview).objects.filter(pk=interview.pk).update(status=InterviewStatus.ACCEPTED)
    out = StringIO()
    call_command("erase_personal_data", EMAIL, "--yes", stdout=out)
    assert "kept in an accepted case study" in out.getvalue()
    assert InterviewPhoto.objects.filter(pk=photo.pk).exists()
    assert CompanyContact.objects.get(pk=interview.contact_id).email == ""


def test_export_holds_an_answers_earlier_versions_and_erasure_deletes_them(demo):
    from casestudies.interviews import answers as interview_answers
    from casestudies.interviews import states as interview_states
    from casestudies.models import AnswerRevision

    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS, contact__email=EMAIL)
    first = interview.questions.order_by("sort_order").first()
    Answer.objects.create(question=first, text="Erste Fassung.")
    interview_states.submit(interview)
    interview_states.request_changes(
        interview, user=interview.owner, message="Mehr bitte.", questions=[first]
    )
    interview_answers.save_answers(interview, {first.pk: "Zweite Fassung."})
    interview_states.submit(interview)

    out = StringIO()
    call_command("export_personal_data", EMAIL, stdout=out)
    [question] = [
        q
        for q in json.loads(out.getvalue())["interview_requests"][0]["questions"]
        if q["question"] == first.text
    ]
    assert question["answer"] == "Zweite Fassung."
    assert [(r["round"], r["source"], r["text"]) for r in question["revisions"]] == [
        (1, "submission", "Erste Fassung."),
        (2, "submission", "Zweite Fassung."),
    ]
    assert [(c["after_round"], c["message"]) for c in question["asked_again"]] == [(1, "Mehr bitte.")]

    call_command("erase_personal_data", EMAIL, "--yes", stdout=StringIO())
    assert not AnswerRevision.objects.filter(answer__question__request=interview).exists()
