"""Issue 14, in Chromium: a deadline typed wrong is refused with the form
kept (the date picker no longer turns it into today, nor covers the
"Erstellen" button, open or typed into), and a sent request's
deadline is extended from its page, with an email that says the new date."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from casestudies.models import InterviewRequest

from .story import log_in, make_user, open_admin_action, run_admin_action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def uncovered(button) -> bool:
    """Whether a click on the middle of `button` reaches it."""
    return button.evaluate(
        "(button) => { const box = button.getBoundingClientRect();"
        " const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);"
        " return button === hit || button.contains(hit); }"
    )


def test_a_wrong_deadline_is_refused_and_a_sent_one_extended(
    live_server, editorial_roles, browser, screenshot, settings
):
    from tests.casestudies.factories import CompanyContactFactory

    base = settings.SITE_BASE_URL = settings.WAGTAILADMIN_BASE_URL = live_server.url
    contact = CompanyContactFactory(company__name="Fristen GmbH", name="Dana Beispiel")
    make_user("autorin", "Authors")
    author = log_in(browser, base, "autorin")
    page = author.page

    page.goto(f"{base}/admin/interview_requests/new/")
    page.get_by_role("button", name="Unternehmen auswählen").click()
    page.get_by_role("link", name="Fristen GmbH").click()
    page.locator("#id_contact").select_option(label=str(contact))
    page.locator("#id_intro").fill("Wir möchten mit Ihnen sprechen.")
    deadline = page.locator("#id_deadline")
    deadline.fill("31.02.2026")
    # Leaving the field (a click elsewhere closes the picker, which covers the
    # buttons below it): the picker used to put a date of its own in.
    page.locator("#id_intro").click()
    expect(page.locator(".xdsoft_datetimepicker")).to_be_hidden()
    expect(deadline).to_have_value("31.02.2026")
    page.get_by_role("button", name="Erstellen").click()

    expect(page.get_by_text(re.compile("„31.02.2026“ ist kein Datum"))).to_be_visible()
    expect(page.locator("#id_intro")).to_have_value("Wir möchten mit Ihnen sprechen.")
    expect(page.locator("#id_deadline")).to_have_value("31.02.2026")
    screenshot("wrong-deadline-refused", page)
    assert not InterviewRequest.objects.exists()

    first = datetime.date.today() + datetime.timedelta(days=10)
    create = page.get_by_role("button", name="Erstellen")
    # The field where the picker still fits below it, but only by reaching over the sticky footer.
    # (Instantly: the admin scrolls smoothly, and the click must not race the scroll.)
    deadline.evaluate(
        "(field) => { field.style.scrollMarginBottom = '180px';"
        " field.scrollIntoView({block: 'end', behavior: 'instant'}); }"
    )
    deadline.click()  # the picker opens...
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)
    # ...above the field where below it would cover "Erstellen" (a click there picked a day).
    assert uncovered(create), "the open date picker covers the Erstellen button"
    picker, field = page.locator(".xdsoft_datetimepicker:visible").bounding_box(), deadline.bounding_box()
    footer = page.locator("form footer").first.bounding_box()
    assert field["y"] + field["height"] + picker["height"] > footer["y"], (
        "set-up: below, it would miss the footer"
    )
    assert picker["y"] + picker["height"] <= field["y"] + 1, "the picker opens above the field"
    screenshot("picker-open-button-free", page)
    page.locator("#id_deadline").fill("")
    page.locator("#id_deadline").press_sequentially(f"{first:%Y-%m-%d}")  # ISO, as typed
    # ...and closes once the editor types: it no longer covers "Erstellen".
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(0)
    assert uncovered(create), "something covers the Erstellen button"
    screenshot("typed-deadline-button-free", page)
    create.click()
    expect(page).to_have_url(re.compile(r"/admin/interview_requests/inspect/\d+/$"))
    request_id = int(re.search(r"/inspect/(\d+)/", page.url).group(1))
    assert InterviewRequest.objects.get(pk=request_id).deadline == first
    run_admin_action(author, base, request_id, "Einladung senden", "Einladung senden")

    later = first + datetime.timedelta(days=14)
    dialog = open_admin_action(page, "Frist verlängern")
    dialog.locator("input[name='deadline']").fill(f"{later:%d.%m.%Y}")
    dialog.get_by_role("button", name="Frist verlängern").click()
    expect(page.locator(".messages")).to_contain_text("Die Frist ist verlängert")
    screenshot("deadline-extended", page)

    [email] = [m for m in mail.outbox if m.to == [contact.email] and "Mehr Zeit" in m.subject]
    assert f"{later.day}. " in email.body and str(later.year) in email.body
    assert InterviewRequest.objects.get(pk=request_id).deadline == later
