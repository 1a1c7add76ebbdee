"""What companies and contacts write comes out escaped in the admin and in
emails too, not only on the public pages (tests/casestudies/test_escaping.py):
company names, answers and the contact log that timelines are built from."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casestudies.interviews import emails
from casestudies.models import Answer, ContactEvent, InterviewStatus, OutgoingEmail

from .factories import InterviewRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def evil_interview():
    interview = InterviewRequestFactory(
        contact__company__name=f"Evil {EVIL} AG",
        contact__name=f"N {EVIL}",
        questions=[f"Q {EVIL}"],
        status=InterviewStatus.SUBMITTED,
    )
    Answer.objects.create(question=interview.questions.get(), text=f"A {EVIL}", is_final=True)
    ContactEvent.objects.create(
        request=interview,
        direction="out",
        kind="call",
        channel="phone",
        who=f"W {EVIL}",
        summary=f"S {EVIL}",
        outcome=f"O {EVIL}",
    )
    return interview


def test_the_admin_escapes_company_answers_and_the_contact_log(client, evil_interview):
    client.force_login(UserFactory(username="chefin", is_superuser=True, is_staff=True))
    inspect = client.get(reverse("interview_requests:inspect", args=[evil_interview.pk])).content.decode()
    for text in (f"Q {ESCAPED}", f"A {ESCAPED}", f"W {ESCAPED}", f"S {ESCAPED}", f"O {ESCAPED}"):
        assert text in inspect
    assert f"Evil {ESCAPED} AG" in inspect
    listing = client.get(reverse("interview_requests:index")).content.decode()
    assert f"Evil {ESCAPED} AG" in listing
    companies = client.get(reverse("wagtailsnippets_casestudies_company:list")).content.decode()
    assert f"Evil {ESCAPED} AG" in companies
    for html in (inspect, listing, companies):
        assert EVIL not in html


def test_emails_escape_company_names_and_answers(evil_interview):
    evil_interview.owner.email = "owner@casebook.test"
    evil_interview.owner.save()
    emails.queue_submission_emails(evil_interview)
    sent = OutgoingEmail.objects.filter(request=evil_interview)
    assert sent.count() == 2  # the contact's copy of the answers, the owner's notice
    for email in sent:
        assert EVIL not in email.html
        assert f"Evil {ESCAPED} AG" in email.html or f"A {ESCAPED}" in email.html
    copy = sent.get(to=evil_interview.contact.email)
    assert f"A {ESCAPED}" in copy.html and f"Q {ESCAPED}" in copy.html
    notice = sent.get(to="owner@casebook.test")
    assert f"Evil {ESCAPED} AG" in notice.html
    # A subject is plain text: nothing to escape, and no entities either.
    assert notice.subject == f"Antworten von Evil {EVIL} AG sind angekommen"


def test_an_invitation_subject_names_the_company_as_written(django_capture_on_commit_callbacks):
    from django.core import mail

    from casestudies.interviews import states as interview_states

    interview = InterviewRequestFactory(contact__company__name="1&1 Internet AG")
    with django_capture_on_commit_callbacks(execute=True):
        interview_states.send(interview, user=interview.owner)
    (message,) = mail.outbox
    assert "1&1 Internet AG" in message.subject
    assert "&amp;" not in message.subject
