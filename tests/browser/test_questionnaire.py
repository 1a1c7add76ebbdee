"""The questionnaire in a real browser, by keyboard: what the contact's
browser really sends (an Origin header, CRLF line breaks) must get through."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from casestudies.models import Answer, InterviewStatus
from tests.interviews.factories import InterviewRequestFactory
from tests.interviews.helpers import send_and_get_link

from .test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


@pytest.fixture
def questionnaire(live_server, page, django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory(questions=["Wie kam es zur Kampagne?", "Was haben Sie gelernt?"])
    link = send_and_get_link(interview, django_capture_on_commit_callbacks)
    page.goto(link.replace("http://testserver", live_server.url))
    return interview


def test_a_keyboard_user_saves_and_submits_without_the_mouse(page, questionnaire, screenshot):
    first, second = questionnaire.questions.order_by("sort_order")

    tab_to(page, f"#id_answer_{first.pk}")
    page.keyboard.type("Mit einem Tweet.")
    page.keyboard.press("Enter")
    page.keyboard.type("Und dann mit vielen.")
    tab_to(page, "button[value=save]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "Gespeichert. Sie können jederzeit" in page.content()
    assert Answer.objects.get(question=first).text == "Mit einem Tweet.\nUnd dann mit vielen."

    tab_to(page, f"#id_answer_{second.pk}")
    page.keyboard.type("Viel.")
    tab_to(page, "button[value=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    screenshot("submitted")
    assert "Vielen Dank!" in page.content()
    questionnaire.refresh_from_db()
    assert questionnaire.status == InterviewStatus.SUBMITTED
    assert sorted(Answer.objects.filter(question__request=questionnaire).values_list("text", flat=True)) == [
        "Mit einem Tweet.\nUnd dann mit vielen.",
        "Viel.",
    ]


def test_errors_take_the_focus_and_the_page_has_no_axe_violations(page, questionnaire, screenshot):
    assert axe_violations(page) == []
    first, second = questionnaire.questions.order_by("sort_order")

    tab_to(page, f"#id_answer_{first.pk}")
    page.keyboard.type("Nur die erste.")
    tab_to(page, "button[value=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    screenshot("missing-answer")
    assert page.evaluate("document.activeElement.className") == "error-summary"
    error = page.locator(f"#id_answer_{second.pk}-error")
    assert "Bitte beantworten Sie diese Frage" in error.inner_text()
    assert page.get_attribute(f"#id_answer_{second.pk}", "aria-invalid") == "true"
    assert f"id_answer_{second.pk}-error" in page.get_attribute(f"#id_answer_{second.pk}", "aria-describedby")
    assert page.input_value(f"#id_answer_{first.pk}") == "Nur die erste."
    assert axe_violations(page) == []


def test_picked_photos_are_previewed_before_and_after_the_upload(page, questionnaire, screenshot):
    from tests.interviews.helpers import sample_image

    page.locator("input[type=file]").set_input_files(
        [str(sample_image("photos/gps-nikon-coolpix.jpg")), str(sample_image("photos/iphone.heic"))]
    )
    preview = page.locator("#photo-preview")
    assert "Ausgewählte Fotos: 2" in preview.inner_text()
    # The JPEG is shown as it is; the HEIC, which Chromium cannot draw, by name.
    assert preview.locator("img").count() == 1
    assert preview.locator("img").evaluate("img => img.decode().then(() => img.naturalWidth)") == 640
    assert "iphone.heic" in preview.inner_text() and "keine Vorschau" in preview.inner_text()
    screenshot("picked")

    page.get_by_role("textbox", name="Bildnachweis").fill("Foto: Firma")
    page.locator("input[name=consent]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Hochladen").click()

    thumbnails = page.locator(".photo-list img")
    assert thumbnails.count() == 2
    widths = thumbnails.evaluate_all(
        "imgs => Promise.all(imgs.map(i => i.decode().then(() => i.naturalWidth)))"
    )
    assert all(width > 0 for width in widths)
    screenshot("uploaded")


def test_a_stale_tab_cannot_submit_blind_it_sees_the_other_tabs_answers_first(
    page, questionnaire, live_server, screenshot
):
    first, second = questionnaire.questions.order_by("sort_order")
    page.fill(f"#id_answer_{first.pk}", "Mit einem Tweet.")
    page.fill(f"#id_answer_{second.pk}", "Viel.")
    with page.expect_navigation():
        page.click("button[value=save]")
    assert "Gespeichert." in page.content()

    # A second tab of the same browser changes the first answer; its autosave saves it.
    other = page.context.new_page()
    other.goto(page.url)
    other.fill(f"#id_answer_{first.pk}", "Mit einer ganzen Kampagne.")
    other.locator(f"#id_answer_{first.pk}").blur()
    expect(other.locator("#autosave-status")).to_contain_text("Gespeichert um")
    assert Answer.objects.get(question=first).text == "Mit einer ganzen Kampagne."

    # The first tab still shows the old text, and submits.
    assert page.input_value(f"#id_answer_{first.pk}") == "Mit einem Tweet."
    with page.expect_navigation():
        page.click("button[value=submit]")

    screenshot("stale-tab-refused")
    assert "Es wurde nichts abgeschickt" in page.content()
    assert (
        "In einem anderen Tab oder Fenster geändert."
        in page.locator(f"#id_answer_{first.pk}-error").inner_text()
    )
    assert page.input_value(f"#id_answer_{first.pk}") == "Mit einer ganzen Kampagne."
    questionnaire.refresh_from_db()
    assert questionnaire.status == InterviewStatus.IN_PROGRESS

    # Having seen it, the contact submits what the tab now shows.
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert "Vielen Dank!" in page.content()
    questionnaire.refresh_from_db()
    assert questionnaire.status == InterviewStatus.SUBMITTED
    assert Answer.objects.get(question=first).text == "Mit einer ganzen Kampagne."
    other.close()
