"""The Answers tab in the browser (issue 19): after the editors asked again
and the contact answered anew, the earlier version is there, collapsed, and
opens from the keyboard; axe finds nothing on the tab. And a reply by email
becomes answers through the Emails tab's dialog (issue 15)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from casestudies.interviews import answers as interview_answers
from casestudies.interviews import states as interview_states
from casestudies.models import Answer, InboundMessage, InterviewStatus
from tests.interviews.factories import InterviewRequestFactory
from tests.public_pages import load_site_demo

from .story import PASSWORD, log_in
from .test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = "<script>window.pwned = 1</script>"


@pytest.fixture
def editor(db):
    load_site_demo()  # the dashboard, where the login lands, needs the site's pages
    return get_user_model().objects.create_superuser("redakteurin", "redakteurin@casebook.test", PASSWORD)


def test_an_earlier_version_after_a_change_request_opens_by_keyboard(
    live_server, browser, editor, screenshot
):
    interview = InterviewRequestFactory(
        owner=editor, status=InterviewStatus.IN_PROGRESS, contact__company__name="Fassung AG"
    )
    first = interview.questions.order_by("sort_order").first()
    Answer.objects.create(question=first, text=f"Die erste, knappe Antwort. {HOSTILE}")
    interview_states.submit(interview)
    interview_states.request_changes(
        interview, user=editor, message="Bitte erzählen Sie mehr über den Anfang.", questions=[first]
    )
    interview_answers.save_answers(interview, {first.pk: "Die zweite, ausführliche Antwort."})
    interview_states.submit(interview)

    page = log_in(browser, live_server.url, "redakteurin").page
    page.goto(f"{live_server.url}/admin/interview_requests/inspect/{interview.pk}/#tab-answers")
    panel = page.get_by_role("tabpanel", name="Antworten")
    expect(panel).to_contain_text("Die zweite, ausführliche Antwort.")
    expect(panel).to_contain_text("Nach Runde 1 erneut gefragt")
    expect(panel).to_contain_text("Bitte erzählen Sie mehr über den Anfang.")
    earlier = panel.get_by_text("Die erste, knappe Antwort.")
    expect(earlier).to_be_hidden()  # collapsed

    # From the tab to the history's toggle with Tab, opened with Enter.
    page.get_by_role("tab", name="Antworten").focus()
    for _press in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    expect(page.locator("summary:focus")).to_have_text(re.compile("Frühere Fassung"))
    page.keyboard.press("Enter")
    expect(earlier).to_be_visible()
    expect(panel).to_contain_text("Runde 1")
    assert page.evaluate("window.pwned") is None  # the company's text stayed text
    expect(panel).to_contain_text(HOSTILE)
    assert axe_violations(page) == []
    screenshot("answer-history", page)


def test_a_reply_by_email_becomes_answers_through_the_dialog(live_server, browser, editor, screenshot):
    interview = InterviewRequestFactory(
        owner=editor,
        status=InterviewStatus.SENT,
        contact__company__name="Mailantwort GmbH",
        replied_by_email_at=timezone.now(),
    )
    first = interview.questions.order_by("sort_order").first()
    reply = InboundMessage.objects.create(
        key="browser-reply",
        request=interview,
        source="imap",
        kind="reply",
        sender="Dana <dana@company.test>",
        subject="Re: Interview",
        body=f"Zur ersten Frage: Mit einem Tweet fing es an. {HOSTILE}",
    )

    page = log_in(browser, live_server.url, "redakteurin").page
    page.goto(f"{live_server.url}/admin/interview_requests/inspect/{interview.pk}/")
    page.get_by_role("tab", name="E-Mails").click()
    page.get_by_role("button", name="Als Antworten oder Notiz übernehmen").click()
    dialog = page.locator(f"#reply-dialog-{reply.pk}")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(HOSTILE)  # shown as text
    assert axe_violations(page) == []
    dialog.get_by_label(first.text).fill("Mit einem Tweet fing es an.")
    screenshot("reply-dialog", page)
    dialog.get_by_role("button", name="Speichern").click()

    expect(page.locator(".messages")).to_contain_text("Die Antworten aus der E-Mail sind gespeichert")
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED
    assert Answer.objects.get(question=first).text == "Mit einem Tweet fing es an."
    assert page.evaluate("window.pwned") is None
