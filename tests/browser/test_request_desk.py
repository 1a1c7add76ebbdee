"""The editor's desk in the browser: from "What needs me today" on the
dashboard to a request, its tabs by keyboard, an action through its dialog,
the listing's "needs action" filter; axe finds nothing on the dashboard, the
request page and the listing; a screenshot of the request page in each main
status (sent, submitted, accepted, expired)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from casestudies.models import ContactEvent, InterviewStatus
from tests.interviews.factories import InterviewRequestFactory
from tests.public_pages import load_site_demo

from .story import PASSWORD, log_in
from .test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(db):
    # The demo site (the dashboard's site summary needs its pages), and four
    # requests of the editor's own, one in each main status.
    load_site_demo()
    user = get_user_model().objects.create_superuser("redakteurin", "redakteurin@casebook.test", PASSWORD)
    today = timezone.localdate()
    requests = {
        "sent": InterviewRequestFactory(
            owner=user,
            status=InterviewStatus.SENT,
            deadline=today + datetime.timedelta(days=3),
            contact__company__name="Fristlos AG",
            contact__name="Dana Beispiel",
        ),
        "submitted": InterviewRequestFactory(
            owner=user,
            status=InterviewStatus.SUBMITTED,
            contact__company__name="Antwort GmbH",
            contact__name="Rita Rückmeldung",
        ),
        "accepted": InterviewRequestFactory(
            owner=user, status=InterviewStatus.ACCEPTED, contact__company__name="Zusage KG"
        ),
        "expired": InterviewRequestFactory(
            owner=user,
            status=InterviewStatus.EXPIRED,
            deadline=today - datetime.timedelta(days=2),
            contact__company__name="Funkstille AG",
        ),
    }
    # A fifth whose contact's address bounced for good ("Nicht zustellbar").
    bounced = InterviewRequestFactory(
        owner=user,
        status=InterviewStatus.SENT,
        deadline=today + datetime.timedelta(days=20),
        contact__company__name="Tote Leitung GmbH",
    )
    contact = bounced.contact
    contact.undeliverable_email, contact.undeliverable_at = contact.email, timezone.now()
    contact.save()
    requests["bounced"] = bounced
    for interview in requests.values():
        ContactEvent.objects.create(
            request=interview, channel="email", direction="out", kind="invitation", summary="Einladung"
        )
    return requests


def test_from_the_dashboard_to_a_request_its_tabs_and_an_action(live_server, desk, browser, screenshot):
    base = live_server.url
    page = log_in(browser, base, "redakteurin").page

    expect(page.get_by_role("heading", name="Was heute ansteht")).to_be_visible()
    assert axe_violations(page) == []
    screenshot("dashboard", page)

    # From the panel to the request whose answers wait for review.
    page.get_by_role("link", name=re.compile("Antwort GmbH")).click()
    expect(page).to_have_url(re.compile(rf"/inspect/{desk['submitted'].pk}/$"))
    expect(page.get_by_role("button", name="Annehmen")).to_be_visible()  # the next action, first
    assert axe_violations(page) == []

    # The tabs by keyboard.
    answers = page.get_by_role("tab", name="Antworten")
    answers.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Fotos")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Kontaktprotokoll")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name="Kontaktprotokoll")).to_contain_text("Einladung")
    page.keyboard.press("End")
    expect(page.get_by_role("tab", name="Freigabe durch das Unternehmen")).to_have_attribute(
        "aria-selected", "true"
    )

    # An action from the actions dropdown, through its dialog.
    page.get_by_role("button", name="Aktionen").click()
    page.get_by_role("button", name="Anruf oder E-Mail protokollieren").click()
    dialog = page.locator("#action-dialog-log")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Zusammenfassung").fill("Rückruf zu den Antworten vereinbart.")
    dialog.get_by_role("button", name="Anruf oder E-Mail protokollieren").click()
    expect(page.locator(".messages")).to_contain_text("Protokolliert")
    assert ContactEvent.objects.filter(
        request=desk["submitted"], summary="Rückruf zu den Antworten vereinbart."
    ).exists()


def press_until(page, key: str, reached, limit: int = 40) -> None:
    """Press `key` until `reached()` holds (a keyboard user moving on), at most `limit` times."""
    for _ in range(limit):
        if reached():
            return
        page.keyboard.press(key)
    assert reached(), f"not reached with {key} in {limit} presses"


def focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def choose_filter(page, name: str, choice: str) -> None:
    """Open Wagtail's filter drilldown, the filter `name`, and choose `choice`, by keyboard."""
    toggle = page.get_by_role("button", name="Filter anzeigen")
    toggle.focus()
    page.keyboard.press("Enter")
    drilldown = page.locator("#filters-drilldown")
    menu_entry = drilldown.get_by_role("button", name=name)
    press_until(page, "Tab", lambda: focused(menu_entry))
    page.keyboard.press("Enter")
    option = drilldown.get_by_role("radio", name=choice, exact=True)
    expect(option).to_be_visible()
    # Into the radio group, then along it with the arrow keys (each one chooses, as in any radio group).
    press_until(page, "Tab", lambda: page.evaluate("document.activeElement.type") == "radio")
    press_until(page, "ArrowDown", lambda: option.is_checked())
    page.keyboard.press("Escape")


def test_the_listing_filters_what_needs_action(live_server, desk, browser, screenshot):
    base = live_server.url
    page = log_in(browser, base, "redakteurin").page

    page.goto(f"{base}/admin/interview_requests/")
    expect(page.get_by_text("in 3 Tagen")).to_be_visible()
    expect(page.get_by_text("seit 2 Tagen abgelaufen")).to_be_visible()
    assert axe_violations(page) == []
    screenshot("listing", page)

    # The filter as an editor uses it, from the keyboard: Wagtail's filter
    # drilldown, "zu tun", then one of its choices.
    results = page.locator("#listing-results")
    choose_filter(page, "zu tun", "irgendetwas")
    expect(page).to_have_url(re.compile(r"needs_action=any"))
    expect(results).to_contain_text("Antwort GmbH")
    expect(results).to_contain_text("Fristlos AG")
    expect(results).to_contain_text("Tote Leitung GmbH")
    expect(results).not_to_contain_text("Zusage KG")
    assert axe_violations(page) == []
    screenshot("listing-needs-action", page)

    choose_filter(page, "zu tun", "Nicht zustellbar")
    expect(page).to_have_url(re.compile(r"needs_action=undeliverable"))
    expect(results).to_contain_text("Tote Leitung GmbH")
    expect(results).not_to_contain_text("Fristlos AG")
    expect(results.get_by_role("row").filter(has_text="Tote Leitung GmbH")).to_contain_text(
        "Nicht zustellbar"
    )
    assert axe_violations(page) == []
    screenshot("listing-not-deliverable", page)
    page.goto(f"{base}/admin/interview_requests/?needs_action=any")

    # The step indicator says each step's date on keyboard focus.
    indicator = results.locator(".cb-steps").first
    indicator.focus()
    expect(indicator.locator(".cb-steps__detail").first).to_be_visible()


@pytest.mark.parametrize("status", ["sent", "submitted", "accepted", "expired"])
def test_the_request_page_in_each_main_status(live_server, desk, browser, screenshot, status):
    base = live_server.url
    page = log_in(browser, base, "redakteurin").page

    page.goto(f"{base}/admin/interview_requests/inspect/{desk[status].pk}/")
    expect(page.locator(".cb-request-summary .w-status")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(f"request-{status}", page)
