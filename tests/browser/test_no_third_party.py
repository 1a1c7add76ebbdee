"""No third party hears from a page of ours (README: Privacy): every request
the browser makes, for the page and everything it loads (scripts, styles,
fonts, images, avatars, fetches such as Wagtail's update check), goes to the
site's own origin. Checked on the admin dashboard, an interview request's
admin pages, the questionnaire and public case-study pages."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from casestudies.models import InterviewRequest
from tests.public_pages import invitation_path, load_site_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "no-third-party-1"


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def recorded(page):
    """Every URL the page requests, from the first navigation on."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def foreign(urls: list[str], own: str) -> list[str]:
    # data: and blob: URLs never leave the browser.
    return [url for url in urls if not url.startswith(("data:", "blob:")) and origin(url) != own]


@pytest.fixture
def site(db):
    return load_site_demo()


@pytest.fixture
def editor(live_server, page, site):
    user = get_user_model().objects.create_superuser(
        "datenschutz", "datenschutz@casebook.test", PASSWORD, first_name="Dana", last_name="Schutz"
    )
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label(re.compile("Benutzername|Username")).fill(user.username)
    page.get_by_label(re.compile("Passwort|Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Anmelden|Sign in")).click()
    page.wait_for_url(f"{live_server.url}/admin/")
    return user


def visit(page, url: str) -> None:
    response = page.goto(url, wait_until="networkidle")
    assert response.status == 200, url


def test_the_admin_asks_nobody_else(live_server, page, editor, recorded):
    interview = InterviewRequest.objects.order_by("pk").first()
    visit(page, f"{live_server.url}/admin/")
    # The dashboard shows the editor's avatar: initials, not gravatar.com.
    assert page.locator(".avatar").count() >= 1
    visit(page, live_server.url + reverse("interview_requests:inspect", args=[interview.pk]))
    visit(page, live_server.url + reverse("interview_requests:edit", args=[interview.pk]))
    visit(page, live_server.url + reverse("wagtailadmin_account"))

    assert recorded, "no request was recorded"
    assert foreign(recorded, live_server.url) == []


def test_the_questionnaire_and_public_pages_ask_nobody_else(live_server, page, site, recorded):
    visit(page, live_server.url + invitation_path("de"))
    assert "/interview/r/" in page.url
    for path in (
        "/fallstudien/1und1-einladung-ohne-antwort/",
        "/fallstudien/nordlicht-reisen-antwort-in-drei-stunden/",
        "/",
    ):
        visit(page, live_server.url + path)

    assert len(recorded) > 4
    assert foreign(recorded, live_server.url) == []


def test_the_check_finds_a_request_elsewhere(live_server, page, recorded):
    # Guards the guard: a page that loads something from another origin is caught.
    page.route("http://elsewhere.test/**", lambda route: route.abort())
    page.set_content('<img src="http://elsewhere.test/pixel.png">')
    page.wait_for_timeout(200)
    assert foreign(recorded, live_server.url) == ["http://elsewhere.test/pixel.png"]
