"""Markup and script a contact types (answers, captions, credits, a reason to
decline) are text everywhere they are shown: the questionnaire, the emails,
and the editors' admin."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from casestudies.models import InterviewPhoto

from .factories import InterviewRequestFactory
from .helpers import jpeg_bytes, send_and_get_link, upload
from .test_admin import author_user

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)><b>fett</b>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;fett&lt;/b&gt;"


def assert_only_escaped(html: str, where: str) -> None:
    assert "<script>alert" not in html, where
    assert "<img src=x" not in html, where
    assert "<b>fett</b>" not in html, where
    assert ESCAPED in html, where


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


@pytest.fixture
def owner(client):
    user = author_user()
    client.force_login(user)
    return user


def contact_answers_hostile_markup(interview, capture) -> None:
    from django.test import Client

    contact = Client()
    link = send_and_get_link(interview, capture).replace("http://testserver", "")
    url = contact.get(link)["Location"]
    contact.get(url)
    answers = {f"answer_{q.pk}": HOSTILE for q in interview.questions.all()}
    contact.post(url, {**answers, "action": "save"})
    page = contact.get(url).content.decode()
    assert_only_escaped(page, "questionnaire, answers")
    response = contact.post(
        url + "photos/",
        {
            "files": [upload("x.jpg", jpeg_bytes())],
            "caption": HOSTILE[:300],
            "credit": HOSTILE[:200],
            "consent": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert_only_escaped(response.content.decode(), "questionnaire, photo caption and credit")
    with capture(execute=True):
        assert contact.post(url, {**answers, "action": "submit"}).status_code == 302
    assert_only_escaped(contact.get(url).content.decode(), "questionnaire, after submitting")


def test_answers_captions_and_credits_are_escaped_in_questionnaire_emails_and_admin(
    client, owner, django_capture_on_commit_callbacks
):
    interview = InterviewRequestFactory(owner=owner)

    contact_answers_hostile_markup(interview, django_capture_on_commit_callbacks)

    confirmation = next(
        m for m in mail.outbox if m.to == [interview.contact.email] and "Vielen Dank" in m.subject
    )
    assert_only_escaped(html_of(confirmation), "confirmation email")
    assert HOSTILE in confirmation.body  # plain text is shown as text by every mail client
    inspect = client.get(reverse("interview_requests:inspect", args=[interview.pk]))
    assert inspect.status_code == 200
    assert_only_escaped(inspect.content.decode(), "admin request page")
    photo = InterviewPhoto.objects.get(request=interview)
    assert photo.caption == HOSTILE[:300]
    changes = client.get(reverse("interview_requests:action", args=[interview.pk, "request_changes"]))
    assert changes.status_code == 200
    html = changes.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert re.search(r"&lt;script&gt;alert\(&quot;x&quot;\)", html)  # the photo, named by its caption


def test_a_reason_to_decline_is_escaped_in_the_owners_email_and_the_admin(
    client, owner, django_capture_on_commit_callbacks
):
    from django.test import Client

    interview = InterviewRequestFactory(owner=owner)
    contact = Client()
    url = contact.get(
        send_and_get_link(interview, django_capture_on_commit_callbacks).replace("http://testserver", "")
    )["Location"]
    contact.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        assert contact.post(url + "decline/", {"reason": HOSTILE}).status_code == 302

    notice = mail.outbox[-1]
    assert notice.to == [owner.email]
    assert_only_escaped(html_of(notice), "owner's decline email")
    page = client.get(reverse("interview_requests:inspect", args=[interview.pk])).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert page.count(ESCAPED) >= 2  # the reason itself and the contact log entry
