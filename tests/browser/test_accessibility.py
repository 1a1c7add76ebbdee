"""axe-core, run in Chromium, finds no violations on the public pages."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/artikel/",
        "/artikel/kundenzufriedenheit-als-werbefigur/",
        "/autoren/",
        "/autoren/jan-berger/",
        "/serien/chief-social-media-officer/",
        "/suche/?q=Werbefigur",
        "/en/",
    ],
)
def test_public_page_has_no_axe_violations(live_server, demo, page, screenshot, path):
    response = page.goto(live_server.url + path)
    assert response.status == 200
    screenshot(path.strip("/").replace("/", "_").replace("?", "_") or "home")
    assert axe_violations(page) == []


def test_keyboard_user_can_skip_to_content(live_server, demo, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Zum Inhalt springen" in focused or "Skip to content" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
