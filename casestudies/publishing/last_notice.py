"""No surprises: when a failure case study may go live.

A failure case study linked to an interview request that expired or was
declined tells the story of a contact who did not answer. Before it is published the
contact gets a last notice (casestudies.interviews.states.send_last_notice):
the planned publication date, a reply window and a fresh questionnaire link.
The page may go live from the day after the reply window, and not before the
date the notice announced. A notice counts only if it went out after the
request last changed its status; if the contact answers late, the request is
open again and the failure story waits.

`refusal()` is the one rule. It is enforced at every door:
- the moderation workflow's LastNoticeTask (models.workflow) offers "approve"
  only when the rule allows it;
- the page editor's Publish button is replaced by the reason, and a publish
  request is refused before anything is saved (wagtail_hooks);
- bulk publishing is refused with the reason (wagtail_hooks);
- CaseStudyPage.publish() raises PublicationRefused for everything else
  (a workflow approval on a stale page, scheduled publishing, code)."""

from __future__ import annotations

import contextlib
import contextvars
import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.actions.publish_revision import PublishPermissionError

from casestudies.interviews.models import InterviewRequest, InterviewStatus
from casestudies.pages.models import Outcome

# A request in one of these has a failure story only after a last notice.
SILENT = frozenset({InterviewStatus.EXPIRED, InterviewStatus.DECLINED})
# The contact answered late: the request is open again, the failure story waits.
OPEN_AGAIN = frozenset(
    {
        InterviewStatus.SENT,
        InterviewStatus.OPENED,
        InterviewStatus.IN_PROGRESS,
        InterviewStatus.SUBMITTED,
        InterviewStatus.CHANGES_REQUESTED,
    }
)
READY_COMMENT = _("The last notice went out and its reply window is over.")

_waived: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "casestudies_publication_waived", default=False
)


class PublicationRefused(PublishPermissionError):
    """Publishing now would surprise the contact; the message says why."""


@contextlib.contextmanager
def waived():
    """Seed data only (the demo publishes its 2010 story, which had no
    Casebook notice): publish without the rule inside this block."""
    token = _waived.set(True)
    try:
        yield
    finally:
        _waived.reset(token)


def notice_counts(request: InterviewRequest) -> bool:
    """Whether the last notice went out for the request's current state."""
    return bool(
        request.notice_sent_at
        and request.notice_reply_until
        and request.notice_sent_at >= request.status_changed_at
    )


def publishable_from(request: InterviewRequest) -> datetime.date | None:
    """The first day a failure story about `request` may go live, or None
    while no notice counts."""
    if not notice_counts(request):
        return None
    after_window = request.notice_reply_until + datetime.timedelta(days=1)
    return max(after_window, request.planned_publication or after_window)


def _specific(page):
    # Workflow states hand over the base Page; the rule needs the case study.
    from wagtail.models import Page

    return page.specific_deferred if isinstance(page, Page) and type(page) is Page else page


def _requests_of(page) -> list[InterviewRequest]:
    from casestudies.pages.models import CaseStudyPage

    if page is None or not isinstance(page, CaseStudyPage) or not page.pk:
        return []
    return list(InterviewRequest.objects.filter(case_study_id=page.pk).select_related("contact"))


def needs_last_notice(page) -> bool:
    """Whether the rule applies to `page` at all (else the workflow step is skipped)."""
    page = _specific(page)
    if getattr(page, "outcome", None) != Outcome.FAILURE:
        return False
    return any(request.status in SILENT | OPEN_AGAIN for request in _requests_of(page))


def request_refusal(request: InterviewRequest, *, outcome: str, at: datetime.datetime) -> str | None:
    if outcome != Outcome.FAILURE:
        # A case study the request was written for (an update nobody answered)
        # tells no failure story: it is published as any page is.
        return None
    contact = request.contact.name
    if request.status in SILENT:
        first_day = publishable_from(request)
        if first_day is None:
            return gettext(
                "%(contact)s has not had a last notice yet. Send it from the interview request; "
                "the case study can go live when its reply window is over."
            ) % {"contact": contact}
        if timezone.localdate(at) < first_day:
            return gettext(
                "The last notice to %(contact)s allows a reply until %(until)s; "
                "the case study can go live from %(first_day)s."
            ) % {
                "contact": contact,
                "until": formats.date_format(request.notice_reply_until, "DATE_FORMAT"),
                "first_day": formats.date_format(first_day, "DATE_FORMAT"),
            }
        return None
    if request.status in OPEN_AGAIN:
        return gettext(
            "%(contact)s answered after all: the interview request is open again, so this failure story waits."
        ) % {"contact": contact}
    return None


def refusal(page, *, at: datetime.datetime | None = None) -> str | None:
    """Why `page` may not go live at `at` (default: now), or None if it may:
    no surprises for a silent contact, and the company's sign-off where the
    workflow asks for it (casestudies.signoff.service)."""
    from casestudies.signoff import service as signoffs

    if _waived.get():
        return None
    page = _specific(page)
    at = at or timezone.now()
    for request in _requests_of(page):
        reason = request_refusal(request, outcome=page.outcome, at=at)
        if reason:
            return reason
    return signoffs.publication_refusal(page)


def going_live_at(page) -> datetime.datetime:
    """When publishing `page` now makes it live: now, or its scheduled time."""
    now = timezone.now()
    go_live_at = getattr(page, "go_live_at", None)
    return go_live_at if go_live_at and go_live_at > now else now


def check_publishable(page) -> None:
    reason = refusal(page, at=going_live_at(page))
    if reason:
        raise PublicationRefused(reason)
