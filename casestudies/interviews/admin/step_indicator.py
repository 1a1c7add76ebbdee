"""The step indicator of an interview request (sent, opened, started,
submitted): one dot per step, the current one marked and named. Each step's
date is real text, read by screen readers and shown on hover or keyboard
focus. Used by the listing, the request's page and the company page.

Built in Python rather than by a template, with its words translated and
escaped once per language and each day formatted once (short_dates): the
listing draws it on every row, and the template engine, then lazy labels
translated and escaped again on every row, made it the dearest cell
(docs/decisions.md, the admin list)."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from casestudies.interviews.admin.short_dates import short_date
from casestudies.interviews.funnel import STEPS, Step


@functools.lru_cache(maxsize=16)
def _words(language: str | None) -> dict[str, str]:
    # `language` is the cache's key: gettext reads the active language itself.
    return {
        **{name: escape(str(label)) for name, label in STEPS},
        "not yet": escape(gettext("not yet")),
        "not sent": escape(gettext("not sent")),
        "Progress": escape(gettext("Progress")),
    }


def _step(step: Step, words: dict[str, str]) -> str:
    classes = "cb-steps__step"
    if step.reached:
        classes += " cb-steps__step--reached"
        at = timezone.localtime(step.at)
        when = f'<time datetime="{at.isoformat()}">{escape(short_date(at.date()))}</time>'
    else:
        when = words["not yet"]
    current = ""
    if step.current:
        classes += " cb-steps__step--current"
        current = ' aria-current="step"'
    return (
        f'<li class="{classes}"{current}><span class="cb-steps__dot" aria-hidden="true"></span>'
        f'<span class="cb-steps__detail">{words[step.name]}: {when}</span></li>'
    )


def render(steps: Sequence[Step]) -> SafeString:
    """`steps`: funnel.steps_of()."""
    words = _words(get_language())
    items = "".join(_step(step, words) for step in steps)
    current = "".join(words[step.name] for step in steps if step.current)
    if not steps or not steps[0].reached:
        current += words["not sent"]
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<div class="cb-steps" tabindex="0" role="group" aria-label="{words["Progress"]}">'
        f'<ol class="cb-steps__list">{items}</ol>'
        f'<span class="cb-steps__current" aria-hidden="true">{current}</span></div>'
    )
