"""The company contact's sign-off step, driven in Chromium: reusable by the
best-practice path of the end-to-end tests.

    from tests.browser.signoff import contact_signs_off

    # after the author submitted the case study (the sign-off email went out):
    contact_signs_off(page, comments={"answer-2": "Bitte kürzer."}, screenshot=screenshot)
    # ... the author revises and submits again ...
    contact_signs_off(page, screenshot=screenshot)  # approves the whole text

Comment keys are those of the preview: "answer-<n>" and "photo-<n>" (counted
from 1 in page order) and "general". The link is the newest sign-off link in
Django's test outbox unless one is given. Set settings.SITE_BASE_URL to the
live server's URL first, so that the emailed link points at it."""

from __future__ import annotations

from collections.abc import Callable

from tests.interviews.signoff_helpers import signoff_link


def contact_signs_off(
    page,
    link: str | None = None,
    *,
    comments: dict[str, str] | None = None,
    to: str | None = None,
    screenshot: Callable[[str], object] | None = None,
    step: str = "signoff",
    expect_changes: bool = True,
    check: Callable[[object], None] | None = None,
) -> str:
    """Open the sign-off link as the contact, look at the preview, then send
    `comments` (flags) or, without them, approve the whole text. Returns the
    confirmation the page shows afterwards."""
    link = link or signoff_link(to)
    response = page.goto(link)
    assert response is not None and response.status == 200, (
        f"sign-off link answered {response and response.status}"
    )
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in page.url, "the token must be swapped for a session and left out of the address"
    assert page.locator("h1").first.is_visible()
    assert page.locator("article.case-study").is_visible(), "the preview shows the page as published"
    if expect_changes:
        assert page.locator(".signoff-compare del, .signoff-compare ins").count() > 0, "no changes marked"
    if screenshot:
        screenshot(f"{step}-preview")
    if check:
        check(page)
    if comments:
        for key, text in comments.items():
            page.fill(f"#id_comment-{key}", text)
        if screenshot:
            screenshot(f"{step}-comments")
        button = "button[name=decision][value=flag]"
    else:
        button = "button[name=decision][value=approve]"
    with page.expect_navigation():
        page.click(button)
    notice = page.locator(".signoff-intro .notice[role=status]").first
    if not notice.is_visible() and screenshot:
        screenshot(f"{step}-failed")
    assert notice.is_visible(), f"no confirmation after the decision: {page.url} {page.content()[:3000]}"
    assert page.locator("textarea").count() == 0, "the decided text must be read-only"
    if screenshot:
        screenshot(f"{step}-done")
    return notice.inner_text()
