"""The step indicator of an interview request (sent, opened, started,
submitted): one dot per step, the current one marked and named. Each step's
date is real text, read by screen readers and shown on hover or keyboard
focus. Used by the listing, the request's page and the company page.

Built in Python rather than by a template: the listing shows it on every row,
and the template engine took half a millisecond a row for these few tags
(bench/RESULTS.md, listings)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import dateformat, formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from casestudies.interviews.funnel import Step


def _step(step: Step) -> tuple:
    classes = "cb-steps__step"
    if step.reached:
        classes += " cb-steps__step--reached"
    if step.current:
        classes += " cb-steps__step--current"
    if step.reached:
        at = timezone.localtime(step.at)
        when = format_html(
            '<time datetime="{}">{}</time>',
            dateformat.format(at, "c"),
            formats.date_format(at, "SHORT_DATE_FORMAT"),
        )
    else:
        when = gettext("not yet")
    current = SafeString(' aria-current="step"') if step.current else ""
    return (classes, current, step.label, when)


def render(steps: Sequence[Step]) -> SafeString:
    """`steps`: funnel.steps_of()."""
    items = format_html_join(
        "",
        '<li class="{}"{}><span class="cb-steps__dot" aria-hidden="true"></span>'
        '<span class="cb-steps__detail">{}: {}</span></li>',
        (_step(step) for step in steps),
    )
    current = "".join(str(step.label) for step in steps if step.current)
    if not steps or not steps[0].reached:
        current += gettext("not sent")
    return format_html(
        '<div class="cb-steps" tabindex="0" role="group" aria-label="{}">'
        '<ol class="cb-steps__list">{}</ol>'
        '<span class="cb-steps__current" aria-hidden="true">{}</span></div>',
        gettext("Progress"),
        items,
        current,
    )
