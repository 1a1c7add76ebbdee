"""The best-practice path of the story, in Chromium, as its people take it:
an author sends questions from the series' question set, the company contact
answers over two visits and sends a phone photo, the author takes the photo into the draft and accepts, an
company signs the final text off, an editor approves, and a reader finds the interview with the photo and its
credit. Screenshots of every step land in test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from casestudies.models import InterviewRequest, InterviewStatus
from tests.interviews.helpers import sample_image
from tests.interviews.signoff_helpers import editorial_workflow_with_signoff

from .signoff import contact_signs_off
from .story import (
    answer,
    create_interview_request,
    log_in,
    make_user,
    questionnaire_link_from_email,
    run_admin_action,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTACT_EMAIL = "social-media@nordlicht-reisen.example"


def test_a_company_answers_and_the_interview_is_published(
    live_server, full_demo, editorial_roles, browser, screenshot, settings
):
    base = settings.SITE_BASE_URL = settings.WAGTAILADMIN_BASE_URL = live_server.url
    # The company signs the text off before the editors approve it (issue 7).
    editorial_workflow_with_signoff()
    make_user("autorin", "Authors", author_slug="miriam-hoffmann")
    make_user("redakteur", "Editors")

    # The author writes the request from the series' standard questions and sends it.
    author = log_in(browser, base, "autorin")
    request_id = create_interview_request(
        author,
        base,
        company="Nordlicht Reisen GmbH",
        contact="Social-Media-Team (Nordlicht Reisen GmbH)",
        question_set="Chief Social Media Officer: Standardfragen",
        shot=lambda step: screenshot(step, author.page),
    )
    run_admin_action(author, base, request_id, "Einladung senden", "Einladung senden")
    screenshot("invitation-sent", author.page)
    link = questionnaire_link_from_email(CONTACT_EMAIL)

    # The contact opens the link from the email, in a browser of their own.
    contact_context = browser.new_context(locale="de-DE", viewport={"width": 1000, "height": 900})
    contact = contact_context.new_page()
    contact.goto(link)
    expect(contact).not_to_have_url(re.compile(re.escape(link.rsplit("/", 2)[-2])))
    expect(contact.get_by_role("heading", level=1)).to_contain_text("Nordlicht Reisen GmbH")
    expect(contact.locator("#progress")).to_have_text("0 von 7 beantwortet")
    answer(contact, 1, "Seit 2015; das Team berichtet direkt an die Geschäftsführung.")
    answer(contact, 2, "Werktags innerhalb von drei Stunden.")
    contact.get_by_role("button", name="Speichern").click()
    expect(contact.locator("#progress")).to_have_text("2 von 7 beantwortet")
    screenshot("first-visit-saved", contact)
    questionnaire_url = contact.url
    contact.close()

    # Second visit: everything saved is there; the rest is answered and a phone photo sent.
    contact = contact_context.new_page()
    contact.goto(questionnaire_url)
    expect(contact.locator("textarea[data-question]").nth(1)).to_have_value(
        "Werktags innerhalb von drei Stunden."
    )
    for number, text in [
        (3, "Jede und jeder im Team, ohne Freigabe."),
        (4, "Ein verspätetes Schiff und ein wütender Tweet."),
        (5, "An der Zeit bis zur Antwort und an der Zahl gelöster Fälle."),
        (6, "Anfangs Textbausteine. Das merkt jeder."),
        (7, "Zuhören, bevor man sendet."),
    ]:
        answer(contact, number, text)
    contact.get_by_role("button", name="Speichern").click()
    expect(contact.locator("#progress")).to_have_text("7 von 7 beantwortet")
    contact.locator("input[type=file]").set_input_files(str(sample_image("photos/iphone.heic")))
    contact.get_by_role("textbox", name="Bildunterschrift").fill("Das Social-Media-Team in Kiel")
    contact.get_by_role("textbox", name="Bildnachweis").fill("Foto: Nordlicht Reisen")
    contact.locator("input[name=consent]").check()
    contact.get_by_role("button", name="Hochladen").click()
    expect(contact.locator(".photo-list")).to_contain_text("Das Social-Media-Team in Kiel")
    screenshot("photo-uploaded", contact)
    contact.get_by_role("button", name="Antworten absenden").click()
    expect(contact.locator("main")).to_contain_text("Vielen Dank")
    screenshot("submitted", contact)
    contact_context.close()
    assert InterviewRequest.objects.get(pk=request_id).status == InterviewStatus.SUBMITTED

    # The author takes the photo into the draft (issue 14: no photo goes in unchosen),
    # then accepts: the answers and the photo become a draft case study.
    author.page.goto(f"{base}/admin/interview_requests/inspect/{request_id}/")
    author.page.get_by_role("tab", name="Fotos").click()
    author.page.get_by_role(
        "button", name=re.compile(r"^Foto annehmen\W+Das Social-Media-Team in Kiel$")
    ).click()
    expect(author.page.locator(".messages")).to_contain_text("als Foto 1 in den Entwurf")
    run_admin_action(author, base, request_id, "Annehmen", "Annehmen")
    screenshot("accepted", author.page)
    study = InterviewRequest.objects.get(pk=request_id).case_study
    assert study is not None and not study.live

    # The author gives it a verdict, marks it best practice and submits it for review.
    page = author.page
    page.goto(f"{base}/admin/pages/{study.pk}/edit/")
    # The checklist at the top says what Casebook's draft still lacks before it may go live.
    checklist = page.locator("[data-casebook-checklist]")
    expect(checklist.locator("[data-checklist-item='missing']")).to_have_count(3)
    expect(checklist).to_contain_text("Eigene Zusammenfassung")
    screenshot("checklist", page)
    page.locator("#id_outcome").select_option("best_practice")
    page.locator("#id_title").fill("Nordlicht Reisen: Antworten in drei Stunden")
    page.locator("#id_summary").fill(
        "Nordlicht Reisen beantwortet Fragen in den sozialen Medien in drei Stunden."
    )
    page.locator(".footer__container .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("button", name=re.compile("Zur Moderation|Redaktionelle Freigabe|einreichen")).click()
    expect(page.locator(".messages")).to_contain_text(re.compile("eingereicht|submitted"))
    screenshot("submitted-for-review", page)

    # The company reads the text as it will be published and approves it.
    signoff_page = browser.new_context(locale="de-DE", viewport={"width": 1000, "height": 900}).new_page()
    confirmation = contact_signs_off(
        signoff_page,
        to=CONTACT_EMAIL,
        expect_changes=False,
        screenshot=lambda step: screenshot(step, signoff_page),
    )
    assert "Vielen Dank" in confirmation or "freigegeben" in confirmation
    signoff_page.context.close()

    # An editor approves it in the workflow; it goes live.
    editor = log_in(browser, base, "redakteur")
    editor.page.goto(f"{base}/admin/pages/{study.pk}/edit/")
    screenshot("editor-reviews", editor.page)
    editor.page.locator(".footer__container .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    editor.page.get_by_role("button", name=re.compile(r"^Freigeben( und Veröffentlichen)?$")).click()
    expect(editor.page.locator(".messages")).to_contain_text(re.compile(r"\w"))
    study.refresh_from_db()
    assert study.live
    assert InterviewRequest.objects.get(pk=request_id).status == InterviewStatus.PUBLISHED

    # A reader finds it on the index and reads the interview, with the photo and its credit.
    reader = browser.new_context(locale="de-DE").new_page()
    reader.goto(f"{base}/fallstudien/?outcome=best_practice")
    reader.get_by_role("link", name="Nordlicht Reisen: Antworten in drei Stunden").click()
    expect(reader.locator("main")).to_contain_text("Zuhören, bevor man sendet.")
    expect(reader.locator("figure").filter(has_text="Das Social-Media-Team in Kiel")).to_contain_text(
        "Foto: Nordlicht Reisen"
    )
    expect(reader.locator("figure img").first).to_be_visible()
    screenshot("reader", reader)
    reader.context.close()
