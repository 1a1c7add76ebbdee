"""Who may say no to a case study going live.

Rules from other parts of the app register a guard here when the app is
ready: the last notice to a silent contact (casestudies.publishing) and the
company's sign-off (casestudies.signoff). The page's publish() and the
admin's doors ask every guard; the pages themselves know no rule, so the
rules can import the pages and not the other way round.

A guard is `guard(page, at) -> reason or None`: why the case study may not
go live at `at`. A direct guard also speaks when an editor presses Publish
in the page editor, which publishes what is posted rather than a revision a
workflow has seen.

The registered guards hold a page back for a while (a promise to someone);
the pre-publication checklist (pages.checklist) knows only the page's content
and is asked here after them, at every door too. `hold()` is the registered
guards alone: the editor's notice and the Publish button's place show those,
the checklist has its own panel."""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Callable

from django.utils import timezone
from wagtail.actions.publish_revision import PublishPermissionError
from wagtail.models import Page

from casestudies.pages import checklist

Guard = Callable[[Page, datetime.datetime], "str | None"]

_guards: list[Guard] = []
_direct_guards: list[Guard] = []
_waived: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "casestudies_publication_waived", default=False
)


class PublicationRefused(PublishPermissionError):
    """Publishing now would break a promise (to the contact, to the company); the message says why."""


def register(guard: Guard, *, direct: Guard | None = None) -> None:
    """Add a rule; `direct` is its stricter form for the editor's Publish button."""
    if guard not in _guards:
        _guards.append(guard)
    if direct is not None and direct not in _direct_guards:
        _direct_guards.append(direct)


@contextlib.contextmanager
def waived():
    """Seed data only (the demo publishes its 2010 story, which had no
    Casebook notice): publish without the rules inside this block."""
    token = _waived.set(True)
    try:
        yield
    finally:
        _waived.reset(token)


def specific(page):
    # Workflow states hand over the base Page; the rules need the case study.
    return page.specific_deferred if isinstance(page, Page) and type(page) is Page else page


def hold(page, *, at: datetime.datetime | None = None) -> str | None:
    """Why a registered guard holds `page` back at `at` (default: now), or None."""
    return _first_reason(_guards, page, at)


def direct_hold(page, *, at: datetime.datetime | None = None) -> str | None:
    """Why the registered guards hold back the editor's Publish button for `page` at `at`, or None."""
    return hold(page, at=at) or _first_reason(_direct_guards, page, at)


def checklist_refusal(page) -> str | None:
    """What the pre-publication checklist still misses in `page` (the content about to go live)."""
    if _waived.get():
        return None
    return checklist.refusal(specific(page))


def refusal(page, *, at: datetime.datetime | None = None) -> str | None:
    """Why `page` may not go live at `at` (default: now), or None if it may."""
    return hold(page, at=at) or checklist_refusal(page)


def direct_publish_refusal(page, *, at: datetime.datetime | None = None) -> str | None:
    """Why the editor's Publish button may not make `page` live at `at`, or None."""
    return direct_hold(page, at=at) or checklist_refusal(page)


def _first_reason(guards: list[Guard], page, at: datetime.datetime | None) -> str | None:
    if _waived.get():
        return None
    page = specific(page)
    at = at or timezone.now()
    for guard in guards:
        reason = guard(page, at)
        if reason:
            return reason
    return None


def going_live_at(page) -> datetime.datetime:
    """When publishing `page` now makes it live: now, or its scheduled time."""
    now = timezone.now()
    go_live_at = getattr(page, "go_live_at", None)
    return go_live_at if go_live_at and go_live_at > now else now


def check_publishable(page) -> None:
    reason = refusal(page, at=going_live_at(page))
    if reason:
        raise PublicationRefused(reason)
