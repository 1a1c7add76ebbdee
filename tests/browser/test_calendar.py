"""Issue 14, in Chromium: an editor opens the calendar from the admin menu,
finds a request's deadline on its day in the month (keyboard and screen
reader: a table with column headers, today marked) and follows it to the
request; makes a secret feed address; axe finds nothing on the page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from casestudies.models import InterviewStatus
from tests.interviews.factories import InterviewRequestFactory
from tests.public_pages import load_site_demo

from .story import PASSWORD, log_in
from .test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_editor_finds_the_requests_deadline_on_its_day(live_server, browser, screenshot, settings):
    base = settings.SITE_BASE_URL = settings.WAGTAILADMIN_BASE_URL = live_server.url
    # A site with its page tree, as every installation has: an earlier live-server
    # test flushes the tree that the migrations made.
    load_site_demo()
    editor = get_user_model().objects.create_superuser("redakteurin", "redakteurin@casebook.test", PASSWORD)
    today = timezone.localdate()
    # Next month's 12th: the editor has to turn the page to find it.
    deadline = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=12)
    request = InterviewRequestFactory(
        owner=editor,
        status=InterviewStatus.SENT,
        sent_at=timezone.now(),
        deadline=deadline,
        contact__company__name="Kalender <b>GmbH</b>",
    )
    page = log_in(browser, base, "redakteurin").page

    page.get_by_role("link", name="Kalender").click()
    expect(page).to_have_url(f"{base}/admin/calendar/")
    expect(page.get_by_role("heading", name="Kalender", level=1)).to_be_visible()
    month = page.get_by_role("table")
    expect(month.get_by_role("columnheader", name="Montag")).to_be_visible()
    expect(month.locator("td[aria-current=date]")).to_have_count(1)
    expect(month.locator("td[aria-current=date]")).to_contain_text("Heute")
    assert axe_violations(page) == []
    screenshot("calendar-this-month", page)

    # To the next month by keyboard.
    next_month = page.get_by_role("link", name=re.compile("Nächster Monat"))
    next_month.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"\?month={deadline:%Y-%m}$"))
    day = page.locator(f"td[data-day='{deadline:%Y-%m-%d}']")
    entry = day.get_by_role("link", name="Frist der Anfrage: Kalender <b>GmbH</b>")
    expect(entry).to_be_visible()
    assert axe_violations(page) == []
    screenshot("calendar-deadline-on-its-day", page)
    entry.click()
    expect(page).to_have_url(re.compile(rf"/admin/interview_requests/inspect/{request.pk}/$"))

    # A feed address to subscribe to, shown once.
    page.goto(f"{base}/admin/calendar/")
    page.get_by_role("button", name="Kalenderadresse erstellen").click()
    address = page.get_by_label(re.compile("Ihre Kalenderadresse"))
    expect(address).to_have_value(re.compile(rf"^{re.escape(base)}/calendar/[\w-]+\.ics$"))
    expect(page.get_by_role("button", name="Kalenderadresse widerrufen")).to_be_visible()
    # Wagtail's message fades in: axe measures its colours once it is there.
    page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")
    assert axe_violations(page) == []
    screenshot("calendar-feed-address", page)
    feed = page.request.get(address.input_value())
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    assert "SUMMARY:Frist der Anfrage: Kalender <b>GmbH</b>" in feed.text()
