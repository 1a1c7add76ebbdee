"""axe-core, run in Chromium, finds no violations on the public pages: the
blog, a case study of each outcome, the case-study index with filters
applied, a company page, and the questionnaire a company contact reaches
through a real invitation link (in German and in English)."""

from __future__ import annotations

import pytest

from tests.public_pages import PUBLIC_PATHS, invitation_path, load_site_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def screenshot_name(path: str) -> str:
    return path.strip("/").replace("/", "_").replace("?", "_").replace("&", "_") or "home"


@pytest.fixture
def site(db):
    return load_site_demo()


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_page_has_no_axe_violations(live_server, site, page, screenshot, path):
    response = page.goto(live_server.url + path)
    assert response.status == 200
    screenshot(screenshot_name(path))
    assert axe_violations(page) == []


def test_the_filters_of_the_index_are_applied_in_the_checked_page(live_server, site, page):
    # The filtered index above must really be filtered: one card, the failure.
    page.goto(live_server.url + "/fallstudien/?outcome=failure")
    cards = page.locator(".card")
    assert cards.count() == 1
    assert "1&1" in cards.first.inner_text()


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_questionnaire_has_no_axe_violations(live_server, site, page, screenshot, language):
    link = invitation_path(language)
    response = page.goto(live_server.url + link)
    assert response.status == 200
    # The token was exchanged for a session; the page is the questionnaire.
    assert "/interview/r/" in page.url
    assert page.locator("textarea").count() == 3
    screenshot(f"questionnaire-{language}")
    assert axe_violations(page) == []

    page.goto(page.url.rstrip("/") + "/decline/")
    screenshot(f"questionnaire-decline-{language}")
    assert axe_violations(page) == []


def test_an_invalid_questionnaire_link_has_no_axe_violations(live_server, site, page):
    response = page.goto(live_server.url + "/interview/" + "A" * 43 + "/")
    assert response.status == 404
    assert axe_violations(page) == []


def test_keyboard_user_can_skip_to_content(live_server, site, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Zum Inhalt springen" in focused or "Skip to content" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_axe_does_find_violations(page):
    # Guards the guard: a page with an unlabelled image and link must fail.
    page.set_content('<!DOCTYPE html><html><body><img src="x.png"><a href="#"></a></body></html>')
    found = " ".join(axe_violations(page))
    assert "image-alt" in found and "link-name" in found
