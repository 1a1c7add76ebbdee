"""No surprises: when a failure case study may go live.

A failure case study linked to an interview request that expired or was
declined tells the story of a contact who did not answer. Before it is published the
contact gets a last notice (casestudies.interviews.states.send_last_notice):
the planned publication date, a reply window and a fresh questionnaire link.
The page may go live from the day after the reply window, and not before the
date the notice announced. A notice counts only if it went out after the
request last changed its status; if the contact answers late, the request is
open again and the failure story waits.

`refusal()` is the one rule. It registers as a publication guard
(casestudies.pages.guards), which every door asks:
- the moderation workflow's LastNoticeTask (publishing.task) offers
  "approve" only when the guards allow it;
- the page editor's Publish button is replaced by the reason, and a publish
  request is refused before anything is saved (pages.admin);
- bulk publishing is refused with the reason (pages.admin);
- CaseStudyPage.publish() raises PublicationRefused for everything else
  (a workflow approval on a stale page, scheduled publishing, code)."""

from __future__ import annotations

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casestudies.interviews.models import InterviewRequest
from casestudies.interviews.statuses import OPEN_AGAIN, SILENT, publishable_from
from casestudies.pages.guards import specific
from casestudies.pages.models import CaseStudyPage
from casestudies.pages.outcomes import Outcome

READY_COMMENT = _("The last notice went out and its reply window is over.")


def _requests_of(page) -> list[InterviewRequest]:
    if page is None or not isinstance(page, CaseStudyPage) or not page.pk:
        return []
    return list(InterviewRequest.objects.filter(case_study_id=page.pk).select_related("contact"))


def needs_last_notice(page) -> bool:
    """Whether the rule applies to `page` at all (else the workflow step is skipped)."""
    page = specific(page)
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


def refusal(page, at: datetime.datetime | None = None) -> str | None:
    """Why `page` may not go live at `at` (default: now) for the sake of a
    silent contact, or None. Registered as a publication guard."""
    page = specific(page)
    at = at or timezone.now()
    for request in _requests_of(page):
        reason = request_refusal(request, outcome=page.outcome, at=at)
        if reason:
            return reason
    return None
