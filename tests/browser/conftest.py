"""Browser tests: Playwright for Python driving Debian's Chromium
(/usr/bin/chromium; Playwright's own browser download does not work here).
Screenshots land in test-artifacts/screenshots/."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.services import unavailable

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    # Playwright runs its own event loop; Django must allow sync DB calls from
    # the test thread while it does.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """take(step, page=None): a full-page screenshot of `page` (the test's
    `page` fixture unless another page is named), numbered in step order."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    steps = iter(range(1, 1000))

    def take(step: str, page=None) -> Path:
        page = page or request.getfixturevalue("page")
        name = re.sub(r"[^\w.-]+", "_", f"{request.node.name}--{next(steps):02d}-{step}").strip("_")
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
