"""The public questionnaire, as a company contact meets it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from casestudies import interview_states
from casestudies.models import Answer, ContactEvent, InterviewStatus

from .factories import InterviewRequestFactory
from .helpers import send_and_get_link

pytestmark = pytest.mark.django_db


def assert_private(response):
    assert response["Cache-Control"] == "no-store, private"
    assert response["Referrer-Policy"] == "no-referrer"


def fields(interview):
    return {f"answer_{q.pk}": q for q in interview.questions.order_by("sort_order")}


def test_the_link_is_exchanged_for_a_session_and_a_url_without_the_token(
    client, interview, django_capture_on_commit_callbacks
):
    link = send_and_get_link(interview, django_capture_on_commit_callbacks)
    token = link.rstrip("/").rsplit("/", 1)[-1]

    response = client.get(link.replace("http://testserver", ""))

    assert response.status_code == 302
    assert token not in response["Location"]
    assert_private(response)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert_private(page)
    assert token not in page.content.decode()
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.OPENED
    assert interview.events.filter(kind="opened").count() == 1
    # Following the link again opens the same page without a second "opened".
    client.get(link.replace("http://testserver", ""))
    assert interview.events.filter(kind="opened").count() == 1


def test_wrong_expired_and_revoked_links_look_the_same(
    client, interview, django_capture_on_commit_callbacks, time_machine
):
    link = send_and_get_link(interview, django_capture_on_commit_callbacks).replace("http://testserver", "")
    withdrawn = InterviewRequestFactory()
    withdrawn_link = send_and_get_link(withdrawn, django_capture_on_commit_callbacks).replace(
        "http://testserver", ""
    )
    interview_states.withdraw(withdrawn, user=withdrawn.owner)

    wrong = client.get("/interview/" + "A" * 43 + "/")
    revoked = client.get(withdrawn_link)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=60))
    expired = client.get(link)

    for response in (wrong, revoked, expired):
        assert response.status_code == 404
        assert_private(response)
    assert wrong.content == revoked.content == expired.content


def test_the_questionnaire_url_alone_opens_nothing(opened):
    stranger = Client()
    response = stranger.get(opened)
    assert response.status_code == 404
    assert b"Dieser Link funktioniert nicht" in response.content


def test_the_page_shows_intro_questions_and_progress_in_the_contacts_language(client, opened, interview):
    Answer.objects.create(question=interview.questions.first(), text="Mit einem Tweet.")

    page = client.get(opened).content.decode()

    assert interview.intro in page
    assert "Was haben Sie gelernt?" in page
    assert "1 von 3 beantwortet" in page
    assert "<legend>Fragen</legend>" in page
    for name in fields(interview):
        assert f'<label for="id_{name}">' in page


def test_an_english_contact_gets_an_english_page(client, django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory(contact__language="en")
    link = send_and_get_link(interview, django_capture_on_commit_callbacks)

    page = client.get(client.get(link.replace("http://testserver", ""))["Location"]).content.decode()

    assert "0 of 2 answered" in page
    assert 'lang="en"' in page


def test_saving_without_javascript_keeps_the_answers_and_logs_one_saved_event(
    client, opened, interview, time_machine
):
    first, second, third = fields(interview)

    client.post(opened, {first: "Mit einem Tweet.", second: "", third: "", "action": "save"})
    client.post(opened, {first: "Mit einem Tweet an alle.", second: "Viel.", third: "", "action": "save"})

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert (
        Answer.objects.get(question__request=interview, question__sort_order=0).text
        == "Mit einem Tweet an alle."
    )
    assert interview.events.filter(kind="saved").count() == 1
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=11))
    client.post(opened, {first: "Noch einmal.", second: "Viel.", third: "", "action": "save"})
    assert interview.events.filter(kind="saved").count() == 2


def test_an_incomplete_submission_keeps_what_was_given_and_links_the_errors(client, opened, interview):
    first, second, third = fields(interview)

    response = client.post(
        opened, {first: "Mit einem Tweet.", second: "", third: "Alles.", "action": "submit"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary" role="alert"' in page
    assert f'href="#id_{second}"' in page
    assert f'aria-describedby="id_{second}-error"' in page
    assert "Mit einem Tweet." in page
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert set(Answer.objects.filter(question__request=interview).values_list("text", flat=True)) >= {
        "Mit einem Tweet.",
        "Alles.",
    }


def test_submitting_makes_the_answers_final(client, opened, interview, django_capture_on_commit_callbacks):
    first, second, third = fields(interview)
    data = {first: "Eins.", second: "Zwei.", third: "Drei.", "action": "submit"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(opened, data)

    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED
    page = client.get(opened).content.decode()
    assert "Vielen Dank!" in page
    assert "readonly" in page
    assert {m.to[0] for m in mail.outbox[-2:]} == {interview.contact.email, interview.owner.email}
    again = client.post(opened, {**data, first: "Geändert."})
    assert again.status_code == 409
    assert not Answer.objects.filter(text="Geändert.").exists()


def test_autosave_needs_the_csrf_header_and_reports_progress(opened, interview, client):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    page = strict.get(opened)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    question = interview.questions.order_by("sort_order").first()
    url = opened + "autosave/"

    refused = strict.post(url, {"question": question.pk, "text": "Ohne Token."})
    saved = strict.post(url, {"question": question.pk, "text": "Mit Token."}, HTTP_X_CSRFTOKEN=csrf)

    assert refused.status_code == 403
    assert saved.status_code == 200
    assert saved.json()["progress"] == "1 von 3 beantwortet"
    assert saved.json()["message"].startswith("Gespeichert um")
    assert Answer.objects.get(question=question).text == "Mit Token."
    assert_private(saved)


def test_autosave_refuses_a_question_of_another_request(client, opened):
    other = InterviewRequestFactory()
    response = client.post(opened + "autosave/", {"question": other.questions.first().pk, "text": "x"})
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_an_autosave_that_arrives_after_a_newer_one_from_the_same_tab_changes_nothing(
    client, opened, interview
):
    question = interview.questions.order_by("sort_order").first()
    url = opened + "autosave/"

    def autosave(text, tab, seq):
        response = client.post(
            url, {"question": question.pk, "text": text, "revision_tab": tab, "revision_seq": seq}
        )
        assert response.status_code == 200 and response.json()["ok"], response.content
        return Answer.objects.get(question=question).text

    assert autosave("Zweite Fassung", "tab-a", 2) == "Zweite Fassung"
    assert autosave("Erste Fassung", "tab-a", 1) == "Zweite Fassung", "the older save arrived late"
    assert autosave("Dritte Fassung", "tab-a", 3) == "Dritte Fassung"
    assert autosave("Aus dem anderen Tab", "tab-b", 1) == "Aus dem anderen Tab"
    assert autosave("Ohne Zahl", "tab-a", "") == "Ohne Zahl", "a save without a revision applies"


def test_the_save_button_wins_over_an_autosave_sent_before_it(client, opened, interview):
    first, *others = interview.questions.order_by("sort_order")
    data = {f"answer_{q.pk}": "" for q in others}
    client.post(
        opened, {**data, f"answer_{first.pk}": "Vollständig.", "revision_tab": "tab-a", "revision_seq": 7}
    )
    client.post(
        opened + "autosave/",
        {"question": first.pk, "text": "Vollstä", "revision_tab": "tab-a", "revision_seq": 6},
    )

    assert Answer.objects.get(question=first).text == "Vollständig."


def test_declining_with_a_reason_tells_the_owner(
    client, opened, interview, django_capture_on_commit_callbacks
):
    assert client.get(opened + "decline/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(opened + "decline/", {"reason": "Keine Zeit."})

    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.DECLINED
    assert interview.decline_reason == "Keine Zeit."
    assert ContactEvent.objects.get(request=interview, kind="declined").summary == "Keine Zeit."
    assert mail.outbox[-1].to == [interview.owner.email]
    assert "Keine Zeit." in mail.outbox[-1].body
    assert "abgelehnt" in client.get(opened).content.decode()


def test_contact_supplied_text_is_escaped_and_there_is_no_inline_script(
    client, django_capture_on_commit_callbacks
):
    interview = InterviewRequestFactory(
        intro="<script>alert(1)</script>", questions=["<script>alert(2)</script>"]
    )
    link = send_and_get_link(interview, django_capture_on_commit_callbacks)
    url = client.get(link.replace("http://testserver", ""))["Location"]
    client.get(url)
    question = interview.questions.get()
    client.post(url, {f"answer_{question.pk}": "<script>alert(3)</script>", "action": "save"})

    page = client.get(url).content.decode()

    for n in (1, 2, 3):
        assert f"<script>alert({n})</script>" not in page
        assert f"&lt;script&gt;alert({n})&lt;/script&gt;" in page
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []
    assert " style=" not in page


def test_after_changes_are_requested_only_the_picked_answers_open_again(
    client, opened, interview, django_capture_on_commit_callbacks
):
    from .helpers import link_in

    first, second, third = fields(interview)
    client.post(opened, {first: "Eins.", second: "Zwei.", third: "Drei.", "action": "submit"})
    picked = fields(interview)[second]
    with django_capture_on_commit_callbacks(execute=True):
        interview_states.request_changes(
            interview, user=interview.owner, message="Mehr bitte.", questions=[picked]
        )
    # The changes email carries a new link; the contact follows it.
    url = client.get(link_in(mail.outbox[-1]).replace("http://testserver", ""))["Location"]

    page = client.get(url).content.decode()
    assert re.search(rf'name="{first}"[^>]*readonly', page)
    assert not re.search(rf'name="{second}"[^>]*readonly', page)
    response = client.post(
        url, {first: "Heimlich geändert.", second: "Zwei, ausführlich.", "action": "submit"}
    )

    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED
    texts = dict(
        Answer.objects.filter(question__request=interview).values_list("question__sort_order", "text")
    )
    assert texts == {0: "Eins.", 1: "Zwei, ausführlich.", 2: "Drei."}


def test_a_mail_scanner_without_cookies_does_not_count_as_opening(
    interview, django_capture_on_commit_callbacks
):
    link = send_and_get_link(interview, django_capture_on_commit_callbacks).replace("http://testserver", "")

    location = Client().get(link)["Location"]
    after_redirect = Client().get(location)

    assert after_redirect.status_code == 404
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SENT
    assert not interview.events.filter(kind="opened").exists()
