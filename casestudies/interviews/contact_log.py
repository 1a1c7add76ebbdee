"""The contact log of interview requests: every call, email, visit and
decision, in order. `record()` is the one way an entry is written; entries
about the person's objection to our emails are written here too, when the
companies signal it."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext
from wagtail.log_actions import log

from blog.admin_users import name_of
from casestudies.interviews.models import Channel, ContactEvent, Direction, EventKind, InterviewRequest
from casestudies.interviews.models import InterviewStatus as S


def record(
    request: InterviewRequest,
    *,
    user=None,
    who: str | None = None,
    occurred_at: datetime.datetime | None = None,
    **fields,
) -> ContactEvent:
    """Write one entry of `request`'s contact log. `user` is the editor who
    acted (kept as who recorded it, and named as `who` unless `who` says
    otherwise: the contact, say); without one the entry is the system's."""
    return ContactEvent.objects.create(
        request=request,
        occurred_at=occurred_at or timezone.now(),
        who=name_of(user) if who is None else who,
        recorded_by=user if getattr(user, "pk", None) else None,
        **fields,
    )


def _log_on_requests(contact_ids: list[int], kind: str, summary: str, action: str) -> None:
    now = timezone.now()
    requests = InterviewRequest.objects.filter(contact_id__in=contact_ids).exclude(status=S.DRAFT)
    for request in requests.select_related("contact"):
        record(
            request,
            occurred_at=now,
            channel=Channel.EMAIL,
            direction=Direction.IN,
            kind=kind,
            who=request.contact.name,
            summary=summary,
            # An objection to our mail is the person's business, not the story's.
            internal=True,
        )
        log(request, action)


def on_opted_out(sender, contact_ids: list[int], reason: str = "", **kwargs) -> None:
    summary = gettext("Opted out of emails from us.")
    if reason:
        summary += " " + gettext("Reason: %(reason)s") % {"reason": reason}
    _log_on_requests(contact_ids, EventKind.OPTED_OUT, summary, "casestudies.interview.opted_out")


def on_opted_in(sender, contact_ids: list[int], **kwargs) -> None:
    summary = gettext("Took back the objection: emails from us are welcome again.")
    _log_on_requests(contact_ids, EventKind.OPTED_IN, summary, "casestudies.interview.opted_in")
