"""The sign-off page as the company contact meets it: reached only through
their link, private, the real page of that revision, each answer beside the
original, everything escaped."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from casestudies.models import EventKind, SignOffStatus

from .helpers import send_and_get_link, token_of
from .signoff_helpers import (
    accepted_case_study,
    add_photos,
    current_sign_off,
    edit_answer,
    editorial_workflow_with_signoff,
    signoff_link,
    submit,
    user_in,
)
from .test_questionnaire import assert_private

pytestmark = pytest.mark.django_db

EVIL = '<script>alert("x")</script><b onmouseover="alert(1)">fett</b>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b onmouseover=&quot;alert(1)&quot;&gt;fett&lt;/b&gt;"


@pytest.fixture
def people(case_study_index):
    editorial_workflow_with_signoff()
    return {"author": user_in("Authors", "autorin"), "editor": user_in("Editors", "redakteur")}


def sent(page, people, capture) -> str:
    mail.outbox.clear()
    with capture(execute=True):
        submit(page, people["author"])
    return signoff_link()


@pytest.fixture
def study(people, django_capture_on_commit_callbacks):
    interview, page = accepted_case_study(owner=people["author"])
    edit_answer(page, 2, "Zuhören ist wichtiger als senden. Wir antworten binnen einer Stunde.")
    add_photos(page)
    return interview, page, sent(page, people, django_capture_on_commit_callbacks)


def follow(client: Client, link: str):
    response = client.get(link.replace("http://testserver", ""))
    assert response.status_code == 302, response.status_code
    return response


# Access ------------------------------------------------------------------------------------------


def test_the_link_is_exchanged_for_a_session_and_a_url_without_the_token(client, study):
    interview, page, link = study
    token = token_of(link)

    response = follow(client, link)

    assert token not in response["Location"]
    assert response["Location"].startswith("/interview/freigabe/s/")
    assert_private(response)
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert preview["Cache-Control"] == "no-store, private"
    # No secret in this address; "same-origin" lets the browser send the
    # Origin that Django's CSRF check needs (no-referrer sends "null").
    assert preview["Referrer-Policy"] == "same-origin"
    assert preview["X-Robots-Tag"] == "noindex, nofollow"
    assert token not in preview.content.decode()
    assert interview.events.filter(kind=EventKind.SIGNOFF_OPENED).count() == 1
    # Again: the same page, no second "opened".
    client.get(follow(client, link)["Location"])
    assert interview.events.filter(kind=EventKind.SIGNOFF_OPENED).count() == 1
    assert current_sign_off(page).opened_at is not None


def test_wrong_expired_and_revoked_links_look_like_the_questionnaires(
    client, study, people, django_capture_on_commit_callbacks, time_machine
):
    from .factories import InterviewRequestFactory

    interview, page, link = study
    questionnaire_wrong = client.get("/interview/" + "A" * 43 + "/")
    wrong = client.get("/interview/freigabe/" + "A" * 43 + "/")
    huge = client.get("/interview/freigabe/" + "A" * 5000 + "/")
    # A questionnaire's token opens no sign-off, and a sign-off's token no questionnaire.
    questionnaire_link = send_and_get_link(InterviewRequestFactory(), django_capture_on_commit_callbacks)
    crossed = client.get(f"/interview/freigabe/{token_of(questionnaire_link)}/")
    crossed_back = client.get(f"/interview/{token_of(link)}/")
    # A revised page sent again revokes the old link.
    edit_answer(page, 1, "Aus einem Tweet.")
    current_sign_off(page).task_state.workflow_state.cancel(user=people["editor"])
    sent(page, people, django_capture_on_commit_callbacks)
    revoked = client.get(link.replace("http://testserver", ""))
    time_machine.move_to(timezone.now() + datetime.timedelta(days=60))
    expired = client.get(signoff_link().replace("http://testserver", ""))

    for response in (wrong, huge, crossed, crossed_back, revoked, expired):
        assert response.status_code == 404
        assert_private(response)
        assert response.content == questionnaire_wrong.content
    assert b"Dieser Link funktioniert nicht" in wrong.content


def test_the_address_without_the_token_opens_nothing_for_anyone_else(client, study):
    _interview, _page, link = study
    url = follow(client, link)["Location"]

    assert Client().get(url).status_code == 404
    assert Client().post(url, {"decision": "approve"}).status_code == 404
    assert current_sign_off(_page).status == SignOffStatus.PENDING


def test_a_session_opens_only_its_own_sign_off(client, study, people, django_capture_on_commit_callbacks):
    interview, page, link = study
    _other_interview, other_page = accepted_case_study(owner=people["author"])
    other_link = sent(other_page, people, django_capture_on_commit_callbacks)
    mine = follow(client, link)["Location"]
    theirs = follow(Client(), other_link)["Location"]

    assert client.get(mine).status_code == 200
    assert client.get(theirs).status_code == 404
    # Nothing in the address chooses the page: extra parameters change nothing.
    shown = client.get(mine, {"page": other_page.pk, "revision": other_page.get_latest_revision().pk})
    assert other_page.title != page.title
    assert page.title in shown.content.decode() and other_page.title not in shown.content.decode()


def test_the_session_ends_with_the_link(client, study, people):
    _interview, page, link = study
    url = follow(client, link)["Location"]

    current_sign_off(page).task_state.workflow_state.cancel(user=people["editor"])

    assert client.get(url).status_code == 404


# What is shown -------------------------------------------------------------------------------------


def test_the_preview_is_the_real_page_of_that_revision_with_the_changes_marked(client, study):
    interview, page, link = study
    url = follow(client, link)["Location"]
    # A later draft is not what the company was asked about.
    edit_answer(page, 1, "Ganz neuer Text nach dem Versand.")

    html = client.get(url).content.decode()

    assert f"<h1>{page.title}</h1>" in html
    assert interview.company.name in html
    assert 'class="byline"' in html and "autorin" in html.lower()
    assert html.count("<picture") == 3  # hero, photo beside the answer, image block
    assert re.search(r'src="/media/images/[^"]+\.format-jpeg\.width-\d+\.jpg"', html)
    assert "© Foto: Telefonica" in html
    assert "Ganz neuer Text" not in html
    # Answer 1 unchanged; answer 2 cut, its original beside it, the cut marked for eyes and ears.
    assert "unverändert: genau Ihre Antwort" in html
    assert "Ihre Antwort</p>" in html and "Redigiert, wie er veröffentlicht wird</p>" in html
    assert (
        'antworten <del><span class="visually-hidden">[entfernt: </span>heute'
        '<span class="visually-hidden">]</span></del> binnen'
    ) in html
    # One comment field per answer and per photo, and one for everything else.
    assert len(re.findall(r'<textarea name="comment-answer-\d"', html)) == 2
    assert len(re.findall(r'<textarea name="comment-photo-\d"', html)) == 3
    assert 'name="comment-general"' in html
    assert "<form" in html and 'value="approve"' in html and 'value="flag"' in html


def test_an_english_contact_gets_an_english_page(client, people, django_capture_on_commit_callbacks):
    _interview, page = accepted_case_study(owner=people["author"], contact__language="en")
    link = sent(page, people, django_capture_on_commit_callbacks)

    html = client.get(follow(client, link)["Location"]).content.decode()

    assert '<html lang="en">' in html
    assert "Approve the whole text" in html
    assert mail.outbox[-1].subject.startswith("Please approve the text")


def test_everything_on_the_page_is_escaped(client, people, django_capture_on_commit_callbacks):
    _interview, page = accepted_case_study(
        owner=people["author"],
        questions=[f"Frage {EVIL}", "Zweite Frage"],
        answers=[f"Antwort {EVIL}", f"Noch eine {EVIL}"],
        contact__name=f"Dana {EVIL}",
        contact__company__name=f"Evil {EVIL} AG",
    )
    draft = type(page).objects.get(pk=page.pk).get_latest_revision_as_object()
    draft.title = f"Titel {EVIL}"
    draft.summary = f"Zusammenfassung {EVIL}"
    draft.save_revision()
    edit_answer(page, 2, f"Gekürzt {EVIL} <i>neu</i>")
    add_photos(page, caption=f"Bild {EVIL}", credit=f"Foto {EVIL}")
    link = sent(page, people, django_capture_on_commit_callbacks)
    url = follow(client, link)["Location"]

    html = client.get(url).content.decode()
    flagged = client.post(url, {"decision": "flag", "comment-answer-1": f"Kommentar {EVIL}"})
    after = client.get(url).content.decode()

    for text in (html, after):
        assert "<script" not in text
        assert "onmouseover=" not in text.replace("onmouseover=&quot;", "")
        assert "<i>neu" not in text
    assert flagged.status_code == 302
    for fragment in (f"Titel {ESCAPED}", f"Zusammenfassung {ESCAPED}", f"Frage {ESCAPED}", f"Bild {ESCAPED}"):
        assert fragment in html
    assert f"Foto {ESCAPED}" in html
    assert "&lt;i&gt;neu&lt;/i&gt;" in html
    assert f"Kommentar {ESCAPED}" in after
    # Escaped in the emails too.
    html_mails = [m.alternatives[0][0] for m in mail.outbox if m.alternatives]
    assert html_mails and all("<script" not in body for body in html_mails)


# Deciding -----------------------------------------------------------------------------------------


def test_approving_with_comments_or_flagging_without_any_is_explained(client, study):
    _interview, page, link = study
    url = follow(client, link)["Location"]

    with_comments = client.post(url, {"decision": "approve", "comment-photo-2": "Bitte anderes Foto."})
    without = client.post(url, {"decision": "flag", "comment-answer-1": "   "})

    assert with_comments.status_code == 400
    assert "Sie haben 1 Kommentar geschrieben" in with_comments.content.decode()
    assert "Bitte anderes Foto." in with_comments.content.decode()  # kept for the next try
    assert without.status_code == 400
    assert "mindestens einer Antwort" in without.content.decode()
    assert 'role="alert"' in without.content.decode()
    assert current_sign_off(page).status == SignOffStatus.PENDING


def test_a_flagged_photo_is_named_by_its_block(client, study, django_capture_on_commit_callbacks):
    _interview, page, link = study
    url = follow(client, link)["Location"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "flag", "comment-photo-3": "Bitte ein aktuelles Foto."})

    sign_off = current_sign_off(page)
    [flag] = sign_off.flags
    block = next(block for block in sign_off.revision.as_object().body if block.block_type == "image")
    assert flag["kind"] == "photo" and flag["where"] == "block" and flag["block_id"] == block.id
    assert flag["caption"] == "Das Team im Callcenter"
    assert "Foto 3 („Das Team im Callcenter“): Bitte ein aktuelles Foto." in sign_off.task_state.comment


def test_after_the_decision_the_page_is_read_only_and_says_so(client, study):
    _interview, _page, link = study
    url = follow(client, link)["Location"]

    client.post(url, {"decision": "approve"})
    html = client.get(url).content.decode()

    assert "Vielen Dank! Sie haben diesen Text am" in html
    assert "<textarea" not in html and "<form" not in html
    assert client.post(url, {"decision": "flag", "comment-general": "Doch nicht."}).status_code == 409


def test_the_sign_off_page_is_valid_html(client, study):
    from tests.html_checker import html_errors

    _interview, _page, link = study
    url = follow(client, link)["Location"]
    pages = {"preview": client.get(url).content.decode()}
    pages["errors"] = client.post(url, {"decision": "flag"}).content.decode()
    client.post(url, {"decision": "flag", "comment-photo-1": "Anderes Titelbild, bitte."})
    pages["decided"] = client.get(url).content.decode()

    # The bundled checker predates fetchpriority (the hero image of every case study has it).
    errors = [e for e in html_errors(pages) if "fetchpriority" not in e]
    assert errors == []
