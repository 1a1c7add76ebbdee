"""A reply by email turned into answers or a note by the editor (issue 15):
the request page offers it first while a reply waits, the answers land on the
Answers tab (submitted on the contact's behalf only when the editor says so,
and then the contact is emailed what was entered), a note stays internal, and
someone who does not see the request cannot do it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from casestudies.interviews.inbound import service
from casestudies.models import Answer, ContactEvent, InterviewStatus, OutgoingEmail
from casestudies.pages import timeline as contact_timeline

from .factories import InterviewRequestFactory
from .helpers import send_and_get_link
from .test_admin import author_user
from .test_inbound_hostile import reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def replied(client, django_capture_on_commit_callbacks):
    """A sent request of the signed-in author's, and the contact's reply by email."""
    owner = author_user()
    client.force_login(owner)
    interview = InterviewRequestFactory(owner=owner)
    send_and_get_link(interview, django_capture_on_commit_callbacks)
    message_id = mail.outbox[-1].extra_headers["Message-ID"]
    body = "1. Aus einer Idee im Team.\n2. Dass man früh fragen sollte.\nRufen Sie mich gern an."
    inbound = service.file_message(reply(interview, message_id, body=body).as_bytes(), source="imap")
    interview.refresh_from_db()
    return interview, inbound


def action_url(interview) -> str:
    return reverse("interview_requests:action", args=[interview.pk, "from_email"])


def form_data(interview, inbound, *, texts=(), note="", submit=False) -> dict:
    questions = list(interview.questions.order_by("sort_order"))
    data = {"message": inbound.pk, "note": note}
    data |= {f"question_{q.pk}": text for q, text in zip(questions, texts, strict=False)}
    if submit:
        data["submit"] = "on"
    return data


def test_the_request_page_offers_it_first_while_a_reply_waits(client, replied):
    interview, _ = replied
    page = client.get(reverse("interview_requests:inspect", args=[interview.pk])).content.decode()
    assert "Antwort per E-Mail als Antworten übernehmen" in page
    assert action_url(interview) in page

    quiet = InterviewRequestFactory(owner=interview.owner, status=InterviewStatus.SENT)
    page = client.get(reverse("interview_requests:inspect", args=[quiet.pk])).content.decode()
    assert action_url(quiet) not in page


def test_the_editor_enters_the_answers_and_a_note_without_submitting(client, replied):
    interview, inbound = replied
    data = form_data(
        interview,
        inbound,
        texts=["Aus einer Idee im Team.", "Dass man früh fragen sollte."],
        note="Bittet um einen Anruf nächste Woche.",
    )
    response = client.post(action_url(interview), data)
    assert response.status_code == 302

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS
    texts = list(
        Answer.objects.filter(question__request=interview)
        .order_by("question__sort_order")
        .values_list("text", flat=True)
    )
    assert texts == ["Aus einer Idee im Team.", "Dass man früh fragen sollte."]
    assert not Answer.objects.filter(question__request=interview, is_final=True).exists()
    note = ContactEvent.objects.get(request=interview, summary="Bittet um einen Anruf nächste Woche.")
    assert note.internal and note.recorded_by == interview.owner
    assert note not in list(contact_timeline.public_events(interview))


def test_submitted_on_the_contacts_behalf_the_contact_is_emailed_what_was_entered(
    client, replied, django_capture_on_commit_callbacks
):
    interview, inbound = replied
    data = form_data(
        interview, inbound, texts=["Aus einer Idee im Team.", "Dass man früh fragen sollte."], submit=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(action_url(interview), data).status_code == 302

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED
    assert Answer.objects.filter(question__request=interview, is_final=True).count() == 2
    confirmation = OutgoingEmail.objects.get(request=interview, key__contains=":confirmation:")
    assert confirmation.to == interview.contact.email
    assert "Dass man früh fragen sollte." in confirmation.text


def test_an_empty_form_changes_nothing(client, replied):
    interview, inbound = replied
    before = ContactEvent.objects.filter(request=interview).count()
    response = client.post(action_url(interview), form_data(interview, inbound))
    assert response.status_code == 200  # the form again, with its error
    assert "mindestens eine Antwort oder eine Notiz" in response.content.decode()
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SENT
    assert ContactEvent.objects.filter(request=interview).count() == before


def test_someone_who_does_not_see_the_request_cannot_enter_answers(client, replied):
    interview, inbound = replied
    client.force_login(author_user("andere-autorin"))
    data = form_data(interview, inbound, texts=["Untergeschoben."], submit=True)
    assert client.post(action_url(interview), data).status_code == 404
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SENT
    assert not Answer.objects.filter(question__request=interview).exists()


def test_another_requests_reply_cannot_be_chosen(client, replied, django_capture_on_commit_callbacks):
    interview, _ = replied
    other = InterviewRequestFactory(owner=interview.owner)
    send_and_get_link(other, django_capture_on_commit_callbacks)
    theirs = service.file_message(
        reply(other, mail.outbox[-1].extra_headers["Message-ID"]).as_bytes(), source="imap"
    )
    response = client.post(action_url(interview), form_data(interview, theirs, texts=["x"]))
    assert response.status_code == 200
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SENT
