"""What needs me today: the dashboard panel that lists, for the signed-in
user, the interview requests waiting for them (answers to review, deadlines
of the coming week, last-notice windows ending, contacts whose address
bounced for good, reminders that could not be sent, and what other parts of the app add through `add_section`, such as
the company sign-offs).

Each section is a condition on requests (a Q), so the listing's "needs
action" filter and the panel ask the same thing. Only requests the user may
see (casestudies.interviews.admin.visibility) are counted: an author sees
their own. The panel costs two queries per section, whatever is due and however many
requests and log entries there are."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from casestudies.interviews import delivery
from casestudies.interviews.admin.visibility import visible_requests
from casestudies.interviews.models import InterviewRequest, OutgoingEmail
from casestudies.interviews.models import InterviewStatus as S
from casestudies.interviews.statuses import AWAITING_CONTACT, SILENT

# "This week": today and the six days after it.
WEEK = datetime.timedelta(days=6)
# How many requests a section lists before it links to the rest.
SHOWN = 8


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    # Which requests belong in it on the given day.
    condition: Callable[[datetime.date], Q]
    # What is shown next to each request: when it is due, in words.
    describe: Callable[[InterviewRequest, datetime.date], str]
    order_by: tuple[str, ...] = ("deadline", "pk")
    # Adds what `describe` and `order_by` read, in the same query.
    annotate: Callable[[QuerySet], QuerySet] | None = None


def days_label(day: datetime.date, today: datetime.date) -> str:
    """A deadline in days: "in 3 days", "today", "expired 2 days ago"."""
    days = (day - today).days
    if days > 0:
        return ngettext("in %(days)s day", "in %(days)s days", days) % {"days": days}
    if days == 0:
        return gettext("today")
    return ngettext("expired %(days)s day ago", "expired %(days)s days ago", -days) % {"days": -days}


def _submitted(request: InterviewRequest, today: datetime.date) -> str:
    day = timezone.localdate(request.status_changed_at)
    return gettext("submitted on %(date)s") % {"date": date_format(day, "SHORT_DATE_FORMAT")}


def _deadline(request: InterviewRequest, today: datetime.date) -> str:
    return gettext("deadline %(when)s") % {"when": days_label(request.deadline, today)}


def _reply_window(request: InterviewRequest, today: datetime.date) -> str:
    return gettext("reply window ends %(when)s") % {"when": days_label(request.notice_reply_until, today)}


def _waiting_for_review(today: datetime.date) -> Q:
    return Q(status=S.SUBMITTED)


def deadlines_between(first: datetime.date, last: datetime.date) -> Q:
    """Requests still waiting for the contact whose deadline falls in first..last
    (this panel's week, and the editorial calendar's days)."""
    return Q(status__in=AWAITING_CONTACT, deadline__gte=first, deadline__lte=last)


def notice_windows_between(first: datetime.date, last: datetime.date) -> Q:
    """Requests whose last-notice reply window ends in first..last. Only a
    notice that still counts: one sent after the status last changed
    (casestudies.interviews.statuses.notice_counts)."""
    return Q(
        status__in=SILENT,
        notice_sent_at__gte=F("status_changed_at"),
        notice_reply_until__gte=first,
        notice_reply_until__lte=last,
    )


def _deadline_this_week(today: datetime.date) -> Q:
    return deadlines_between(today, today + WEEK)


def _notice_window_ending(today: datetime.date) -> Q:
    return notice_windows_between(today, today + WEEK)


def _reminder_failed(today: datetime.date) -> Q:
    # A reminder the outbox gave up on, for a request still waiting for the contact.
    failed = OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.FAILED, key__contains=":reminder:", request__isnull=False
    ).values("request_id")
    return Q(status__in=AWAITING_CONTACT, pk__in=failed)


def _undeliverable(today: datetime.date) -> Q:
    # Still waiting, or expired unheard: only a new address can make it a failure story.
    return Q(status__in=(*AWAITING_CONTACT, S.EXPIRED)) & delivery.undeliverable_condition()


def _came_back(request: InterviewRequest, today: datetime.date) -> str:
    day = timezone.localdate(request.contact.undeliverable_at) if request.contact.undeliverable_at else today
    return gettext("our email came back on %(date)s") % {"date": date_format(day, "SHORT_DATE_FORMAT")}


SECTIONS: list[Section] = [
    Section(
        "review",
        _("Answers waiting for review"),
        _waiting_for_review,
        _submitted,
        order_by=("status_changed_at", "pk"),
    ),
    Section("deadline", _("Deadline this week"), _deadline_this_week, _deadline),
    Section(
        "notice",
        _("Last-notice reply window ending"),
        _notice_window_ending,
        _reply_window,
        order_by=("notice_reply_until", "pk"),
    ),
    Section(
        "undeliverable",
        _("Not deliverable"),
        _undeliverable,
        _came_back,
        order_by=("contact__undeliverable_at", "pk"),
    ),
    Section(
        "reminder_failed",
        _("Reminders that could not be sent"),
        _reminder_failed,
        _deadline,
    ),
]


def add_section(section: Section, *, before: str | None = None) -> None:
    """Another part of the app adds what it waits on (once; before `before`)."""
    if any(existing.key == section.key for existing in SECTIONS):
        return
    keys = [existing.key for existing in SECTIONS]
    SECTIONS.insert(keys.index(before) if before in keys else len(SECTIONS), section)


def needs_action(today: datetime.date | None = None) -> Q:
    """Requests in any section: the listing's "needs action" filter."""
    today = today or timezone.localdate()
    condition = Q(pk__in=[])
    for section in SECTIONS:
        condition |= section.condition(today)
    return condition


@dataclass(frozen=True)
class DueItem:
    request: InterviewRequest
    when: str
    url: str


@dataclass(frozen=True)
class DueSection:
    section: Section
    items: list[DueItem]
    total: int
    more_url: str

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def due_for(user, today: datetime.date | None = None) -> list[DueSection]:
    """The sections with something in them for `user`."""
    today = today or timezone.localdate()
    visible = visible_requests(user)
    listing = reverse("interview_requests:index")
    found = []
    for section in SECTIONS:
        matching: QuerySet = visible.filter(section.condition(today)).distinct()
        ordered = section.annotate(matching) if section.annotate else matching
        # Both queries always run, so the panel costs the same however much is due.
        shown = list(ordered.order_by(*section.order_by)[:SHOWN])
        total = matching.count()
        if not shown:
            continue
        items = [
            DueItem(
                request,
                section.describe(request, today),
                reverse("interview_requests:inspect", args=[request.pk]),
            )
            for request in shown
        ]
        found.append(DueSection(section, items, total, f"{listing}?needs_action={section.key}"))
    return found


class TodayPanel(Component):
    name = "casestudies_today"
    template_name = "casestudies/admin/today_panel.html"
    # Above Wagtail's own panels: what is due comes first.
    order = 50

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        return {"sections": due_for(request.user), "today": timezone.localdate()}
