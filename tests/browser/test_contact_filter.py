"""Issue 14, in Chromium: the new request's contact dropdown offers only the
contacts of the company chosen, and is still used with the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .story import log_in, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_contact_dropdown_lists_the_chosen_companys_contacts(
    live_server, editorial_roles, browser, settings
):
    from tests.casestudies.factories import CompanyContactFactory

    base = settings.SITE_BASE_URL = settings.WAGTAILADMIN_BASE_URL = live_server.url
    ours = CompanyContactFactory(company__name="Eigene GmbH", name="Dana Eigen")
    theirs = CompanyContactFactory(company__name="Fremde AG", name="Anna Fremd")
    make_user("autorin", "Authors")
    page = log_in(browser, base, "autorin").page

    page.goto(f"{base}/admin/interview_requests/new/")
    page.get_by_role("button", name="Unternehmen auswählen").click()
    page.get_by_role("link", name="Eigene GmbH").click()

    contact = page.locator("#id_contact")
    expect(contact.locator(f'option[value="{theirs.pk}"]')).to_be_disabled()
    expect(contact.locator(f'option[value="{ours.pk}"]')).to_be_enabled()
    # With the keyboard: the next option down skips the other company's contact (listed first).
    contact.focus()
    page.keyboard.press("ArrowDown")
    expect(contact).to_have_value(str(ours.pk))
