"""The public questionnaire, as a company contact meets it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from casestudies.interviews import states as interview_states
from casestudies.models import Answer, ContactEvent, InterviewStatus

from .factories import InterviewRequestFactory
from .helpers import send_and_get_link

pytestmark = pytest.mark.django_db


def assert_private(response, referrer="no-referrer"):
    """Never stored; the link and the neutral pages send no Referer at all, the pages
    with forms only to our own site (a form posted from a no-referrer page carries
    "Origin: null", which the CSRF check refuses)."""
    assert response["Cache-Control"] == "no-store, private"
    assert response["Referrer-Policy"] == referrer


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
    assert response["Referrer-Policy"] == "no-referrer"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert_private(page, "same-origin")
    assert token not in page.content.decode()
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.OPENED
    assert interview.events.filter(kind="opened").count() == 1
    # Following the link again opens the same page without a second "opened".
    client.get(link.replace("http://testserver", ""))
    assert interview.events.filter(kind="opened").count() == 1


def test_a_browser_that_sends_its_origin_can_save(client, opened, interview):
    """Under `Referrer-Policy: no-referrer` a browser sends `Origin: null` with a
    POST, which the CSRF check refuses: the pages behind the link must not say it."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    page = strict.get(opened)
    assert page["Referrer-Policy"] == "same-origin"
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    question = interview.questions.order_by("sort_order").first()

    saved = strict.post(
        opened,
        {"csrfmiddlewaretoken": csrf, "action": "save", f"answer_{question.pk}": "Gespeichert."},
        HTTP_ORIGIN="http://testserver",
    )
    refused = strict.post(opened, {"csrfmiddlewaretoken": csrf, "action": "save"}, HTTP_ORIGIN="null")

    assert saved.status_code in (200, 302) and refused.status_code == 403
    assert Answer.objects.get(question=question).text == "Gespeichert."


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
    assert_private(saved, "same-origin")


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


# Bad input: answers ----------------------------------------------------------------

from casestudies.interviews.questionnaire.forms import ANSWER_MAX_LENGTH  # noqa: E402

from .helpers import SAVED_ANSWER, assert_nothing_lost  # noqa: E402


def field_error(page: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="id_{name}-error">([^<]*)</p>', page)
    assert match, f"no error next to {name}"
    return match.group(1)


@pytest.mark.parametrize("action", ["save", "submit"])
def test_an_answer_over_the_limit_is_refused_next_to_its_field_and_the_rest_is_saved(
    client, opened, interview, saved_before, action
):
    first, second, third = fields(interview)
    too_long = "x" * (ANSWER_MAX_LENGTH + 1)

    response = client.post(opened, {first: SAVED_ANSWER, second: too_long, third: "Neu.", "action": action})

    page = response.content.decode()
    assert response.status_code == 400
    assert "höchstens 20000 Zeichen" in field_error(page, second)
    assert f'aria-describedby="id_{second}-error"' in page
    assert "Ihre übrigen Antworten wurden gespeichert." in page
    assert too_long in page  # shown as typed, to be shortened
    assert_nothing_lost(interview, saved_before)
    texts = dict(
        Answer.objects.filter(question__request=interview).values_list("question__sort_order", "text")
    )
    assert texts == {0: SAVED_ANSWER, 2: "Neu."}
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS


def test_the_length_limit_counts_line_breaks_as_the_browser_does(client, opened, interview):
    first, _, _ = fields(interview)
    # A browser posts a text area's line breaks as CRLF; its maxlength counts them once.
    text = ("a" * 99 + "\r\n") * (ANSWER_MAX_LENGTH // 100)

    response = client.post(opened, {first: text, "action": "save"})

    assert response.status_code == 200
    stored = Answer.objects.get(question=fields(interview)[first]).text
    assert len(stored) == ANSWER_MAX_LENGTH and "\r" not in stored


def test_autosave_refuses_an_answer_over_the_limit_in_the_contacts_language(
    client, opened, interview, saved_before
):
    question = interview.questions.order_by("sort_order").first()

    response = client.post(
        opened + "autosave/", {"question": question.pk, "text": "x" * (ANSWER_MAX_LENGTH + 1)}
    )

    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert "höchstens 20000 Zeichen" in response.json()["message"]
    assert_nothing_lost(interview, saved_before)


@pytest.mark.parametrize("language", ["de", "en"])
def test_an_empty_required_answer_on_submit_is_named_next_to_its_field(
    client, language, django_capture_on_commit_callbacks
):
    interview = InterviewRequestFactory(contact__language=language, questions=["Eins?", "Zwei?"])
    url = client.get(
        send_and_get_link(interview, django_capture_on_commit_callbacks).replace("http://testserver", "")
    )["Location"]
    client.get(url)
    first, second = fields(interview)

    response = client.post(url, {first: "Eins.", second: "   \r\n ", "action": "submit"})

    page = response.content.decode()
    expected = {
        "de": "Bitte beantworten Sie diese Frage, bevor Sie absenden.",
        "en": "Please answer this question before you submit.",
    }[language]
    assert response.status_code == 400
    assert field_error(page, second).strip() == expected
    assert f'<li><a href="#id_{second}">2. {expected}</a></li>' in page
    assert re.search(rf'id="id_{second}"[^>]*aria-invalid="true"', page)
    assert first not in re.findall(r'id="id_(answer_\d+)-error"', page)
    assert Answer.objects.get(question=fields(interview)[first]).text == "Eins."
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS


# Bad input: the form --------------------------------------------------------------


def strict_client(client) -> Client:
    """The contact's browser, with Django's CSRF check switched on as in production."""
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    return strict


@pytest.mark.parametrize("target", ["", "decline/"])
def test_a_post_without_csrf_token_gets_a_clear_page_and_changes_nothing(
    client, opened, interview, saved_before, target
):
    first, second, _ = fields(interview)
    strict = strict_client(client)

    response = strict.post(
        opened + target, {first: "Ohne Token.", second: "x", "action": "submit", "reason": "x"}
    )

    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Diese Seite ist abgelaufen</h1>" in page
    assert "alles, was Sie vorher gespeichert haben, ist noch da" in page
    assert f'href="{opened}"' in page
    assert response["Cache-Control"] == "no-store, private"
    assert "CSRF" not in page
    assert_nothing_lost(interview, saved_before)
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS


def test_the_csrf_page_speaks_the_contacts_language_and_a_stranger_learns_nothing(
    client, django_capture_on_commit_callbacks
):
    interview = InterviewRequestFactory(contact__language="en")
    url = client.get(
        send_and_get_link(interview, django_capture_on_commit_callbacks).replace("http://testserver", "")
    )["Location"]
    client.get(url)

    contact = strict_client(client).post(url, {"action": "save"})
    autosave = strict_client(client).post(url + "autosave/", {"question": "1", "text": "x"})
    stranger = Client(enforce_csrf_checks=True).post(url, {"action": "save"})
    nobody = Client(enforce_csrf_checks=True).post("/interview/r/" + "A" * 22 + "/", {"action": "save"})

    assert contact.status_code == 403
    assert "<h1>This page has expired</h1>" in contact.content.decode()
    assert f'href="{url}"' in contact.content.decode()
    assert autosave.status_code == 403
    assert autosave.json() == {
        "ok": False,
        "message": "Not saved: this page has expired. Please reload it; what you saved before is safe.",
    }
    assert stranger.status_code == nobody.status_code == 403
    assert stranger.content == nobody.content  # German (the browser's language), and no link
    assert "Diese Seite ist abgelaufen" in stranger.content.decode()
    assert "/interview/r/" not in stranger.content.decode()


def test_csrf_failures_elsewhere_keep_djangos_page(client):
    response = Client(enforce_csrf_checks=True).post("/kommentare/senden/", {"object_pk": "1"})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()


def test_a_real_browsers_form_post_with_its_origin_header_passes_the_csrf_check(client, opened, interview):
    # A browser sends "Origin: null" with a form posted from a no-referrer page, and
    # Django refuses that; the pages with forms therefore keep the Referer on our site.
    strict = strict_client(client)
    page = strict.get(opened)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    first, _, _ = fields(interview)

    refused = strict.post(
        opened, {"csrfmiddlewaretoken": csrf, first: "x", "action": "save"}, HTTP_ORIGIN="null"
    )
    accepted = strict.post(
        opened,
        {"csrfmiddlewaretoken": csrf, first: "Mit Origin.", "action": "save"},
        HTTP_ORIGIN="http://testserver",
    )

    assert page["Referrer-Policy"] == "same-origin"
    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert Answer.objects.get(question=fields(interview)[first]).text == "Mit Origin."


def submission(interview) -> dict:
    first, second, third = fields(interview)
    return {first: "Eins.", second: "Zwei.", third: "Drei.", "action": "submit"}


def confirmations(interview) -> list:
    return [m for m in mail.outbox if m.to == [interview.contact.email] and "Antworten" in m.subject]


def test_a_double_submit_shows_the_thank_you_and_sends_one_confirmation(
    client, opened, interview, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(opened, submission(interview))
        second = client.post(opened, submission(interview))

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == opened
    assert "Vielen Dank!" in client.get(opened).content.decode()
    assert len(confirmations(interview)) == 1
    assert interview.events.filter(kind="submitted").count() == 1


def test_a_replayed_submit_with_other_answers_changes_nothing_and_says_so(
    client, opened, interview, django_capture_on_commit_callbacks
):
    strict = strict_client(client)
    csrf = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', strict.get(opened).content.decode()
    ).group(1)
    data = {**submission(interview), "csrfmiddlewaretoken": csrf}
    with django_capture_on_commit_callbacks(execute=True):
        assert strict.post(opened, data).status_code == 302

    # The same request again (the browser's "resend", or captured and replayed), with a change.
    with django_capture_on_commit_callbacks(execute=True):
        same = strict.post(opened, data)
        changed = strict.post(opened, {**data, fields(interview).popitem()[0]: "Nachträglich."})

    assert same.status_code == 302
    assert changed.status_code == 409
    page = changed.content.decode()
    assert "Ihre Antworten waren bereits abgeschickt, daher wurden die Änderungen" in page
    assert "Vielen Dank! Ihre Antworten wurden abgeschickt." in page
    assert not Answer.objects.filter(text="Nachträglich.").exists()
    assert len(confirmations(interview)) == 1


def test_an_old_page_replayed_after_changes_were_requested_cannot_undo_them(
    client, opened, interview, django_capture_on_commit_callbacks
):
    from .helpers import link_in

    first, second, third = fields(interview)
    old_page_round = re.search(r'name="round" value="(\d+)"', client.get(opened).content.decode()).group(1)
    client.post(opened, submission(interview))
    with django_capture_on_commit_callbacks(execute=True):
        interview_states.request_changes(
            interview, user=interview.owner, message="Mehr bitte.", questions=[fields(interview)[second]]
        )
    url = client.get(link_in(mail.outbox[-1]).replace("http://testserver", ""))["Location"]
    assert re.search(r'name="round" value="1"', client.get(url).content.decode())

    # The page from before the submission, sent again: its "Zwei." would answer the request for more.
    replay = client.post(url, {**submission(interview), second: "Zwei, alt.", "round": old_page_round})

    page = replay.content.decode()
    assert replay.status_code == 409
    assert "Diese Seite war nicht mehr aktuell" in page
    assert "Zwei, alt." in page  # what was typed is shown, not saved
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CHANGES_REQUESTED
    assert Answer.objects.get(question=fields(interview)[second]).text == "Zwei."


def test_two_tabs_saving_keep_each_others_answers_and_the_last_write_per_question_wins(
    client, opened, interview
):
    first, second, third = fields(interview)
    client.post(opened, {first: "Alt eins.", second: "Alt zwei.", third: "Alt drei.", "action": "save"})

    def page_form(html: str) -> dict:
        data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
        for name in (first, second, third):
            data[name] = re.search(rf'name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S).group(1)
        return data

    tab_a = page_form(client.get(opened).content.decode())
    tab_b = page_form(client.get(opened).content.decode())
    # Browsers send a text area's line breaks as CRLF.
    saved_a = client.post(
        opened, {**tab_a, first: "Aus Tab A.\r\nZweite Zeile.", third: "A drei.", "action": "save"}
    )
    saved_b = client.post(opened, {**tab_b, second: "Aus Tab B.", third: "B drei.", "action": "save"})

    assert saved_a.status_code == saved_b.status_code == 200
    texts = dict(
        Answer.objects.filter(question__request=interview).values_list("question__sort_order", "text")
    )
    assert texts == {0: "Aus Tab A.\nZweite Zeile.", 1: "Aus Tab B.", 2: "B drei."}
    # A tab whose text was saved unchanged (CRLF and all) writes nothing over the other tab's.
    tab_a_again = page_form(saved_a.content.decode())
    client.post(opened, {**tab_a_again, first: tab_a_again[first].replace("\n", "\r\n"), "action": "save"})
    assert Answer.objects.get(question=fields(interview)[second]).text == "Aus Tab B."


def test_after_an_autosave_the_save_button_leaves_that_answer_to_newer_tabs(client, opened, interview):
    first, _, _ = fields(interview)
    question = fields(interview)[first]
    page = client.get(opened).content.decode()
    tab_a = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))

    autosaved = client.post(opened + "autosave/", {"question": question.pk, "text": "A, automatisch."})
    tab_a[f"{first}_shown"] = autosaved.json()["shown"]  # what the script does with it
    client.post(opened + "autosave/", {"question": question.pk, "text": "B, neuer."})  # the other tab
    client.post(opened, {**tab_a, first: "A, automatisch.", "action": "save"})

    assert Answer.objects.get(question=question).text == "B, neuer."
