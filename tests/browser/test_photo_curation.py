"""Photo curation in the browser (issue 14, item 4; the Photos tab of issue
19): an editor, by keyboard, accepts two of three photos, rejects the third
with a reason, puts the second before the first, and accepts the answers:
the accept dialog names the photos that go in, and the draft has exactly
those two images in that order. axe finds nothing on the Photos tab."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from casestudies.interviews import photos
from casestudies.models import InterviewPhoto, InterviewRequest, InterviewStatus
from tests.interviews.factories import InterviewRequestFactory
from tests.interviews.helpers import jpeg_bytes, upload
from tests.public_pages import load_site_demo

from .story import PASSWORD, log_in
from .test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = "<img src=x onerror=alert(1)> Logo-Banner"


@pytest.fixture
def submitted(db):
    load_site_demo()  # the case-study index the draft goes under
    editor = get_user_model().objects.create_superuser("redakteurin", "redakteurin@casebook.test", PASSWORD)
    interview = InterviewRequestFactory(
        owner=editor, status=InterviewStatus.IN_PROGRESS, contact__company__name="Bildreich GmbH"
    )
    for number, caption in enumerate(["Das Team", HOSTILE, "Das Büro"]):
        photos.store_photos(
            interview,
            [upload(f"{number}.jpg", jpeg_bytes((320, 240), color=(60 * number, 120, 200)))],
            caption=caption,
            credit="Foto: Bildreich",
        )
    InterviewRequest.objects.filter(pk=interview.pk).update(status=InterviewStatus.SUBMITTED)
    return interview


def tab_to(page, name: str, limit: int = 80) -> None:
    """Press Tab until the focused control's accessible text is `name`: the
    control is reachable by keyboard, in the page's own focus order."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate(
            "(() => { const e = document.activeElement;"
            " const text = e.labels && e.labels.length ? e.labels[0].textContent"
            " : (e.getAttribute('aria-label') || e.textContent || '');"
            " return text.replace(/\\s+/g, ' ').trim(); })()"
        )
        if text == name:
            return
    raise AssertionError(f"{name!r} was not reached by Tab")


def press(page, name: str) -> None:
    """From the top of the Photos tab, reach the control by Tab and press Enter."""
    page.get_by_role("tab", name="Fotos").focus()
    tab_to(page, name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_be_visible()
    expect(page.get_by_role("tabpanel", name="Fotos")).to_be_visible()


def test_an_editor_curates_the_photos_and_the_draft_has_the_chosen_two_in_order(
    live_server, submitted, browser, screenshot
):
    base = live_server.url
    page = log_in(browser, base, "redakteurin").page
    page.goto(f"{base}/admin/interview_requests/inspect/{submitted.pk}/#tab-photos")
    panel = page.get_by_role("tabpanel", name="Fotos")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text(HOSTILE)  # as text, not as markup
    assert axe_violations(page) == []
    screenshot("photos-unreviewed", page)

    press(page, "Foto annehmen: Das Team")
    expect(page.locator(".messages")).to_contain_text("als Foto 1 in den Entwurf")
    press(page, "Foto annehmen: Das Büro")
    # The rejection's reason is typed, then the button reached from it by Tab.
    page.get_by_role("tab", name="Fotos").focus()
    tab_to(page, f"Grund (freiwillig), {HOSTILE}")
    page.keyboard.type("Ein Logo, kein Foto.")
    tab_to(page, f"Foto ablehnen: {HOSTILE}", limit=3)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Foto abgelehnt")
    press(page, "Nach oben: Das Büro")
    expect(page.locator(".messages")).to_contain_text("jetzt Foto 1 des Entwurfs")

    # Reloaded without the flash message (axe may catch Wagtail's banner mid-animation).
    page.reload()
    expect(page.locator(".messages .success")).to_have_count(0)
    panel = page.get_by_role("tabpanel", name="Fotos")
    expect(panel.locator(".cb-photos__photo").first).to_contain_text("Im Entwurf als Foto 1 von 2.")
    expect(panel.locator(".cb-photos__photo").first).to_contain_text("Das Büro")
    expect(panel).to_contain_text("Ein Logo, kein Foto.")
    assert axe_violations(page) == []
    screenshot("photos-curated", page)

    # The accept dialog says which photos go in, in which order.
    page.locator("#w-slim-header-buttons").get_by_role("button", name="Annehmen", exact=True).click()
    dialog = page.get_by_role("dialog", name="Annehmen")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".cb-accept-photos li")).to_have_text(
        ["Das Büro (© Foto: Bildreich)", "Das Team (© Foto: Bildreich)"]
    )
    expect(dialog).to_contain_text("1 Foto bleibt außerhalb des Entwurfs und privat.")
    screenshot("accept-dialog", page)
    dialog.get_by_role("button", name="Annehmen").click()
    expect(page.locator(".messages")).to_contain_text(re.compile("Angenommen|angenommen"))

    submitted.refresh_from_db()
    assert submitted.status == InterviewStatus.ACCEPTED
    draft = submitted.case_study.get_latest_revision_as_object()
    images = [block.value for block in draft.body if block.block_type == "image"]
    assert [value["caption"] for value in images] == ["Das Büro", "Das Team"]
    rejected = InterviewPhoto.objects.get(request=submitted, caption=HOSTILE)
    assert rejected.image is None and rejected.review_state == "rejected"
