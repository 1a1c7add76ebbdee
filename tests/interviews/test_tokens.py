"""Questionnaire tokens: what opens a questionnaire and what no longer does."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from casestudies.interviews import states as interview_states
from casestudies.interviews import tokens

from .factories import InterviewRequestFactory
from .helpers import send_and_get_link, token_of

pytestmark = pytest.mark.django_db


def test_a_resent_link_kills_the_old_one(django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory()
    old = token_of(send_and_get_link(interview, django_capture_on_commit_callbacks))

    with django_capture_on_commit_callbacks(execute=True):
        interview_states.resend_link(interview, user=interview.owner)

    from django.core import mail

    from .helpers import link_in

    new = token_of(link_in(mail.outbox[-1]))
    assert new != old
    assert tokens.request_for_token(old) is None
    assert tokens.request_for_token(new) == interview


def test_withdrawing_revokes_the_link(django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory()
    token = token_of(send_and_get_link(interview, django_capture_on_commit_callbacks))

    interview_states.withdraw(interview, user=interview.owner)

    assert tokens.request_for_token(token) is None


def test_the_link_works_until_the_grace_period_after_the_deadline_ends(
    django_capture_on_commit_callbacks, settings, time_machine
):
    settings.INTERVIEW_TOKEN_GRACE_DAYS = 3
    interview = InterviewRequestFactory(deadline=timezone.localdate() + datetime.timedelta(days=2))
    token = token_of(send_and_get_link(interview, django_capture_on_commit_callbacks))

    time_machine.move_to(timezone.now() + datetime.timedelta(days=5), tick=False)
    assert tokens.request_for_token(token) == interview
    time_machine.move_to(timezone.now() + datetime.timedelta(days=1, hours=1), tick=False)
    assert tokens.request_for_token(token) is None


@pytest.mark.parametrize("guess", ["", "x", "a" * 43, "a" * 5000])
def test_guesses_open_nothing(guess, django_capture_on_commit_callbacks):
    send_and_get_link(InterviewRequestFactory(), django_capture_on_commit_callbacks)
    assert tokens.request_for_token(guess) is None


def test_no_new_link_after_submission():
    from casestudies.models import InterviewStatus

    interview = InterviewRequestFactory(status=InterviewStatus.SUBMITTED)

    with pytest.raises(interview_states.ActionRefused, match="solange die Anfrage auf Antworten wartet"):
        interview_states.resend_link(interview, user=interview.owner)
    interview.refresh_from_db()
    assert interview.token_hash is None


# Through the link, as a browser follows it -------------------------------------------


def _variants(token: str) -> dict[str, str]:
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    return {
        "missing": "/interview/",
        "truncated": f"/interview/{token[:-4]}/",
        "half": f"/interview/{token[: len(token) // 2]}/",
        "one-character-changed": f"/interview/{flipped}/",
        "trailing-dot-from-a-mail-client": f"/interview/{token}./",
        "10-kb-long": f"/interview/{token * 240}/",
        "random-guess": "/interview/" + "A" * 43 + "/",
    }


@pytest.mark.parametrize(
    "variant",
    [
        "missing",
        "truncated",
        "half",
        "one-character-changed",
        "trailing-dot-from-a-mail-client",
        "10-kb-long",
    ],
)
def test_a_damaged_link_gets_the_same_neutral_page_as_a_guess(
    client, interview, opened, variant, django_capture_on_commit_callbacks
):
    from casestudies.models import Answer

    other = InterviewRequestFactory(contact__company__name="Telefonica Nord")
    token = token_of(send_and_get_link(other, django_capture_on_commit_callbacks))
    urls = _variants(token)
    assert len(urls["10-kb-long"]) > 10_000
    first = interview.questions.order_by("sort_order").first()
    client.post(opened, {f"answer_{first.pk}": "Gespeichert.", "action": "save"})

    response = Client().get(urls[variant])
    guess = Client().get(urls["random-guess"])

    assert response.status_code == 404
    assert response.content == guess.content
    page = response.content.decode()
    assert "<h1>Dieser Link funktioniert nicht</h1>" in page
    assert "Bitte öffnen Sie den Link in unserer E-Mail noch einmal." in page
    assert response["Cache-Control"] == "no-store, private"
    # Nothing of the contact's, and nothing of any request, shows.
    assert interview.company.name not in page and "Telefonica" not in page
    # The contact's own session and answers are untouched by it all.
    assert client.get(opened).status_code == 200
    assert Answer.objects.get(question=first).text == "Gespeichert."


def test_the_neutral_page_speaks_the_browsers_language():
    response = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").get("/interview/" + "A" * 43 + "/")
    assert response.status_code == 404
    assert "<h1>This link does not work</h1>" in response.content.decode()
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize("how", ["withdrawn", "new-link-sent"])
def test_a_revoked_link_stops_working_at_once_even_for_an_open_page(
    client, interview, opened, how, settings, django_capture_on_commit_callbacks
):
    from casestudies.models import Answer

    settings.PAGE_CACHE_SECONDS = 300  # the site's page cache is on, as in production
    first = interview.questions.order_by("sort_order").first()
    client.post(opened, {f"answer_{first.pk}": "Gespeichert.", "action": "save"})
    assert client.get(opened).status_code == 200
    from django.core import mail

    from .helpers import link_in

    token = token_of(link_in(mail.outbox[0]))  # the invitation the `opened` fixture followed

    if how == "withdrawn":
        interview_states.withdraw(interview, user=interview.owner)
    else:
        with django_capture_on_commit_callbacks(execute=True):
            interview_states.resend_link(interview, user=interview.owner)

    page = client.get(opened)
    link = Client().get(f"/interview/{token}/")
    post = client.post(opened, {f"answer_{first.pk}": "Nach dem Widerruf.", "action": "save"})
    for response in (page, link, post):
        assert response.status_code == 404
        assert "Dieser Link funktioniert nicht" in response.content.decode()
        assert response["Cache-Control"] == "no-store, private"
        assert "X-Casebook-Cache" not in response
    assert Answer.objects.get(question=first).text == "Gespeichert."


def test_a_submitted_requests_link_shows_the_answers_read_only(interview, django_capture_on_commit_callbacks):
    from casestudies.models import Answer

    link = send_and_get_link(interview, django_capture_on_commit_callbacks).replace("http://testserver", "")
    contact = Client()
    url = contact.get(link)["Location"]
    contact.get(url)
    questions = list(interview.questions.order_by("sort_order"))
    contact.post(
        url, {f"answer_{q.pk}": f"Antwort {n}." for n, q in enumerate(questions)} | {"action": "submit"}
    )
    interview.refresh_from_db()
    assert interview.status == "submitted"

    # Days later, from another device: the same link.
    later = Client()
    response = later.get(link)
    page = later.get(response["Location"])

    html = page.content.decode()
    assert response.status_code == 302 and page.status_code == 200
    assert "Vielen Dank! Ihre Antworten wurden abgeschickt." in html
    for n, question in enumerate(questions):
        assert re.search(rf'name="answer_{question.pk}"[^>]*readonly>\s*Antwort {n}\.</textarea>', html)
    assert 'value="submit"' not in html and 'value="save"' not in html
    assert "photos/" not in html  # no upload form
    assert all(a.is_final for a in Answer.objects.filter(question__in=questions))


def test_another_requests_page_opens_nothing_and_changes_nothing(
    client, interview, opened, django_capture_on_commit_callbacks
):
    from casestudies.models import Answer, InterviewPhoto

    from .helpers import jpeg_bytes, upload

    other = InterviewRequestFactory()
    other_link = send_and_get_link(other, django_capture_on_commit_callbacks).replace("http://testserver", "")
    other_url = Client().get(other_link)["Location"]  # its page, opened in someone else's browser
    other_question = other.questions.first()
    mine = interview.questions.order_by("sort_order").first()
    client.post(opened, {f"answer_{mine.pk}": "Meine Antwort.", "action": "save"})

    attempts = [
        client.get(other_url),
        client.post(other_url, {f"answer_{other_question.pk}": "Fremd.", "action": "submit"}),
        client.post(other_url + "autosave/", {"question": other_question.pk, "text": "Fremd."}),
        client.post(
            other_url + "photos/", {"files": [upload("x.jpg", jpeg_bytes())], "credit": "c", "consent": "on"}
        ),
        client.post(other_url + "decline/", {"reason": "Fremd."}),
        # And a question of the other request, posted to one's own page:
        client.post(opened + "autosave/", {"question": other_question.pk, "text": "Fremd."}),
    ]

    assert [r.status_code for r in attempts] == [404, 404, 404, 404, 404, 400]
    other.refresh_from_db()
    assert other.status == "sent"
    assert not Answer.objects.filter(question__request=other).exists()
    assert not InterviewPhoto.objects.exists()
    assert Answer.objects.get(question=mine).text == "Meine Antwort."


def test_one_browser_can_hold_the_links_of_two_requests(
    client, interview, opened, django_capture_on_commit_callbacks
):
    second = InterviewRequestFactory(contact=interview.contact)
    second_link = send_and_get_link(second, django_capture_on_commit_callbacks).replace(
        "http://testserver", ""
    )

    second_url = client.get(second_link)["Location"]

    assert client.get(second_url).status_code == 200
    assert client.get(opened).status_code == 200
    assert second_url != opened
