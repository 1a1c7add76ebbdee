"""Steps of the story as people take them in the browser: editors in the
Wagtail admin, the company contact on the questionnaire, readers on the site.
The end-to-end tests put them together; each step leaves a screenshot."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from blog.models import Author

PASSWORD = "geheim-und-lang-genug"


@dataclass
class Person:
    username: str
    page: Page


def make_user(username: str, group: str, *, author_slug: str | None = None):
    user = get_user_model().objects.create_user(
        username, f"{username}@casebook.test", PASSWORD, first_name=username.title()
    )
    user.groups.add(Group.objects.get(name=group))
    if author_slug:
        Author.objects.filter(slug=author_slug).update(user=user)
    return user


def log_in(browser: Browser, base_url: str, username: str) -> Person:
    """A person at their own browser (own cookies), logged in to the admin."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label(re.compile("Benutzername|Username")).fill(username)
    page.get_by_label(re.compile("Passwort|Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Anmelden|Sign in")).click()
    expect(page).to_have_url(f"{base_url}/admin/")
    return Person(username, page)


def create_interview_request(
    person: Person,
    base_url: str,
    *,
    company: str,
    contact: str,
    question_set: str,
    shot: Callable[[str], object],
) -> int:
    """The author writes a request from a question set; returns its id."""
    page = person.page
    page.goto(f"{base_url}/admin/interview_requests/new/")
    page.get_by_role("button", name="Unternehmen auswählen").click()
    page.get_by_role("link", name=company).click()
    page.locator("#id_contact").select_option(label=contact)
    page.locator("#id_intro").fill(
        "Wir möchten Ihre Social-Media-Arbeit in unserer Serie als Best Practice vorstellen."
    )
    page.locator("#id_photos_wanted").fill("1")
    page.locator("#id_photos_description").fill("Ein aktuelles Porträt")
    page.locator("#id_question_set").select_option(label=question_set)
    deadline = page.locator("#id_deadline")
    # The admin's date picker reads and writes dates in the interface's format.
    deadline.fill(f"{datetime.date.today() + datetime.timedelta(days=14):%d.%m.%Y}")
    picker = page.locator(".xdsoft_datetimepicker")
    expect(picker).to_be_visible()
    deadline.press("Enter")  # closes the picker, which covers the buttons below it
    expect(picker).to_be_hidden()
    shot("request-written")
    page.get_by_role("button", name="Erstellen").click()
    expect(page).to_have_url(re.compile(r"/admin/interview_requests/inspect/\d+/$"))
    return int(re.search(r"/inspect/(\d+)/", page.url).group(1))


def open_admin_action(page: Page, label: str):
    """On the request's page, open an action's dialog: the header's primary
    button, or the item in the actions dropdown. Returns the dialog."""
    primary = page.locator("#w-slim-header-buttons").get_by_role("button", name=label, exact=True)
    if not primary.count():
        page.get_by_role("button", name="Aktionen").click()
        primary = page.locator("[data-w-dropdown-target='content']").get_by_role(
            "button", name=label, exact=True
        )
    primary.click()
    dialog = page.get_by_role("dialog", name=label)
    expect(dialog).to_be_visible()
    return dialog


def run_admin_action(person: Person, base_url: str, request_id: int, link: str, button: str) -> None:
    """Open the request's page, open an action's dialog and confirm it."""
    page = person.page
    page.goto(f"{base_url}/admin/interview_requests/inspect/{request_id}/")
    open_admin_action(page, link).get_by_role("button", name=button).click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"\w"))


def questionnaire_link_from_email(address: str) -> str:
    for message in reversed(mail.outbox):
        if address in message.to:
            match = re.search(r"https?://\S+/interview/[^/\s]+/", message.body)
            if match:
                return match.group(0)
    raise AssertionError(f"no questionnaire link was mailed to {address}")


def answer(page: Page, number: int, text: str) -> None:
    field = page.locator("textarea[data-question]").nth(number - 1)
    field.fill(text)
