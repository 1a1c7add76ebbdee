"""Issue 14's "Done when", in Chromium: a contact who reloads after an upload
sees one photo; an editor cannot publish the unedited draft and the
checklist says why; a held failure story says so at the top of its editor."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from casestudies.models import CaseStudyPage, InterviewPhoto, InterviewStatus

from .story import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def demo_site():
    # The demo site: a root, a home page and the case-study index the drafts go into.
    from tests.public_pages import load_site_demo

    load_site_demo()


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("redakteurin", "redakteurin@casebook.test", PASSWORD)


def test_a_reload_after_an_upload_shows_one_photo(
    live_server, page, screenshot, django_capture_on_commit_callbacks
):
    from tests.interviews.factories import InterviewRequestFactory
    from tests.interviews.helpers import sample_image, send_and_get_link

    interview = InterviewRequestFactory(questions=["Wie kam es zur Kampagne?"])
    link = send_and_get_link(interview, django_capture_on_commit_callbacks)
    page.goto(link.replace("http://testserver", live_server.url))

    page.locator("input[type=file]").set_input_files([str(sample_image("photos/gps-nikon-coolpix.jpg"))])
    page.get_by_role("textbox", name="Bildnachweis").fill("Foto: Firma")
    page.locator("input[name=consent]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Hochladen").click()
    expect(page.locator(".photo-list img")).to_have_count(1)

    # F5: the upload was answered with a redirect, so the reload only reads the page again.
    page.reload()
    expect(page.locator(".photo-list img")).to_have_count(1)
    screenshot("reloaded-after-upload", page)
    assert InterviewPhoto.objects.filter(request=interview).count() == 1


def test_the_unedited_draft_cannot_be_published_and_the_checklist_says_why(
    live_server, browser, editor, screenshot, settings
):
    from tests.interviews.signoff_helpers import accepted_case_study

    base = settings.SITE_BASE_URL = settings.WAGTAILADMIN_BASE_URL = live_server.url
    demo_site()
    _interview, draft = accepted_case_study(owner=editor, complete=False)
    page = log_in(browser, base, "redakteurin").page

    page.goto(f"{base}/admin/pages/{draft.pk}/edit/")
    checklist = page.locator("[data-casebook-checklist]")
    expect(checklist.locator("[data-checklist-item='missing']")).to_have_count(3)
    page.locator(".footer__container .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("button", name=re.compile("^Veröffentlichen")).click()

    expect(page).to_have_url(f"{base}/admin/pages/{draft.pk}/edit/")
    expect(page.locator(".messages .error")).to_be_visible()
    expect(checklist.locator("[data-checklist-item='missing']")).to_have_count(3)
    expect(checklist).to_contain_text("Eigene Zusammenfassung")
    screenshot("publish-refused-checklist", page)
    assert not CaseStudyPage.objects.get(pk=draft.pk).live


def test_a_held_failure_story_says_why_at_the_top_of_its_editor(
    live_server, browser, editor, screenshot, settings
):
    from casestudies.interviews import states
    from casestudies.pages import drafts
    from tests.interviews.factories import InterviewRequestFactory

    base = settings.SITE_BASE_URL = settings.WAGTAILADMIN_BASE_URL = live_server.url
    demo_site()
    interview = InterviewRequestFactory(
        owner=editor, status=InterviewStatus.SENT, sent_at=timezone.now(), contact__name="Dana Beispiel"
    )
    states.expire(interview)
    story = drafts.draft_failure_case_study(interview, user=editor)
    page = log_in(browser, base, "redakteurin").page

    page.goto(f"{base}/admin/pages/{story.pk}/edit/")

    notice = page.locator(".messages .warning")
    expect(notice).to_contain_text("Dana Beispiel hat noch keine letzte Benachrichtigung bekommen")
    expect(notice).to_contain_text("von der Interviewanfrage aus")
    screenshot("hold-notice", page)
