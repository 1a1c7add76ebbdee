"""What an interview request's status says about it: the sets of statuses
each rule asks about, and whether a silent request's last notice counts.
The one place these sets are written; casestudies.interviews.states is the
one place a status changes."""

from __future__ import annotations

import datetime

from casestudies.interviews.models import InterviewRequest
from casestudies.interviews.models import InterviewStatus as S

# The contact may still write answers and upload photos in these.
EDITABLE = frozenset({S.OPENED, S.IN_PROGRESS, S.CHANGES_REQUESTED})
# Editors edit or delete a request only before it is sent: what was sent stays
# as the contact saw it, and a sent request is withdrawn, never deleted (its log is the story).
UNSENT = frozenset({S.DRAFT})
# A new questionnaire link may be sent in these.
LINK_RESENDABLE = frozenset({S.SENT, S.OPENED, S.IN_PROGRESS, S.CHANGES_REQUESTED})
# A link no longer opens anything once the request reached one of these.
LINK_DEAD = frozenset({S.DRAFT, S.EXPIRED, S.WITHDRAWN})
# Sent and not answered yet: reminders go out, responsiveness counts it as waiting.
UNANSWERED = frozenset({S.SENT, S.OPENED, S.IN_PROGRESS})
# Still waiting for the contact: the ones a deadline matters for.
AWAITING_CONTACT = frozenset({*UNANSWERED, S.CHANGES_REQUESTED})
# The contact's answers reached the editors (responsiveness: answered).
ANSWERED = frozenset({S.SUBMITTED, S.CHANGES_REQUESTED, S.ACCEPTED, S.PUBLISHED})
# The request has reached the editors; the contact's page shows the thank-you.
SUBMITTED = frozenset({S.SUBMITTED, S.ACCEPTED, S.PUBLISHED})
# The answers are in the case study: the company signs its text off.
ACCEPTED = frozenset({S.ACCEPTED, S.PUBLISHED})
# Nobody answered (or the answer was no): a failure story, after a last notice.
SILENT = frozenset({S.EXPIRED, S.DECLINED})
# An editor may take answers from the contact's email (a silent request opens again).
EMAIL_ANSWERABLE = frozenset({*AWAITING_CONTACT, *SILENT})
# The contact answered late: the request is open again, the failure story waits.
OPEN_AGAIN = frozenset({S.SENT, S.OPENED, S.IN_PROGRESS, S.SUBMITTED, S.CHANGES_REQUESTED})


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
