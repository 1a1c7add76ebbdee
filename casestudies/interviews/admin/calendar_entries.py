"""The editorial calendar: what falls due on which day, for one admin user.

Each kind of date is a source (a function of the user and a span of days)
that asks the rule where it lives: the request deadlines and last-notice
windows ask the dashboard's conditions (casestudies.interviews.admin.today),
the reminders ask casestudies.interviews.reminders which slots will really
go, and the parts above the interviews add theirs through `add_source` when
the app is ready (company sign-offs: casestudies.signoff.today; scheduled
publications: casestudies.pages.calendar). Only what the user may see is
collected (casestudies.interviews.admin.visibility). Every source costs a
fixed number of queries, however many entries it finds."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casestudies.interviews import reminders
from casestudies.interviews.admin.today import deadlines_between, notice_windows_between
from casestudies.interviews.admin.visibility import visible_requests
from casestudies.interviews.models import ReminderSlot
from casestudies.interviews.statuses import UNANSWERED


@dataclass(frozen=True)
class Entry:
    day: datetime.date
    kind: str
    # What is due ("Deadline") and whose it is (the company, the page title):
    # nothing about the contact, as the feed leaves this building.
    what: str
    title: str
    url: str
    # Stable across runs, so a calendar app updates an event instead of adding one.
    uid: str
    # A time of day, or None for a whole-day entry (deadlines).
    at: datetime.datetime | None = None

    @property
    def sort_key(self) -> tuple:
        return (self.day, self.at is not None, self.at or datetime.datetime.min.replace(tzinfo=datetime.UTC))


Collect = Callable[[object, datetime.date, datetime.date], Iterable[Entry]]


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    collect: Collect


def request_url(request_pk: int) -> str:
    return reverse("interview_requests:inspect", args=[request_pk])


def _deadlines(user, first: datetime.date, last: datetime.date) -> Iterable[Entry]:
    for request in visible_requests(user).filter(deadlines_between(first, last)):
        yield Entry(
            request.deadline,
            "deadline",
            gettext("Request deadline"),
            request.company.name,
            request_url(request.pk),
            f"deadline-{request.pk}",
        )


def _notice_windows(user, first: datetime.date, last: datetime.date) -> Iterable[Entry]:
    for request in visible_requests(user).filter(notice_windows_between(first, last)):
        yield Entry(
            request.notice_reply_until,
            "notice",
            gettext("Last-notice reply window ends"),
            request.company.name,
            request_url(request.pk),
            f"notice-{request.pk}",
        )


def _reminders(user, first: datetime.date, last: datetime.date) -> Iterable[Entry]:
    """Reminders sent on these days, and those that will go (reminders.forecast)."""
    now = timezone.now()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=timezone.get_current_timezone())
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    visible = visible_requests(user)
    sent = ReminderSlot.objects.filter(
        request__in=visible.order_by().values("pk"),
        outcome=ReminderSlot.Outcome.SENT,
        at__gte=start,
        at__lt=min(end, now),
    ).select_related("request__company")
    for record in sent:
        yield Entry(
            timezone.localdate(record.at),
            "reminder",
            gettext("Reminder sent"),
            record.request.company.name,
            request_url(record.request_id),
            f"reminder-{record.request_id}-{record.slot}",
            at=record.at,
        )
    if end <= now:
        return
    waiting = visible.filter(
        status__in=UNANSWERED, sent_at__isnull=False, deadline__gte=max(first, timezone.localdate(now))
    ).prefetch_related(
        Prefetch(
            "reminder_slots",
            queryset=ReminderSlot.objects.only("request_id", "slot", "outcome", "reason", "at"),
        )
    )
    for request in waiting:
        for slot in reminders.forecast(request, now):
            if start <= slot.due_at < end:
                yield Entry(
                    timezone.localdate(slot.due_at),
                    "reminder",
                    gettext("Reminder goes out"),
                    request.company.name,
                    request_url(request.pk),
                    f"reminder-{request.pk}-{slot.name}",
                    at=slot.due_at,
                )


SOURCES: list[Source] = [
    Source("deadline", _("Request deadlines"), _deadlines),
    Source("reminder", _("Reminders"), _reminders),
    Source("notice", _("Last-notice reply windows"), _notice_windows),
]


def add_source(source: Source) -> None:
    """A part above the interviews adds its dates (once), when the app is ready."""
    if all(existing.key != source.key for existing in SOURCES):
        SOURCES.append(source)


def entries_for(user, first: datetime.date, last: datetime.date) -> list[Entry]:
    """Everything due for `user` on the days first..last, in order."""
    found = [entry for source in SOURCES for entry in source.collect(user, first, last)]
    return sorted(found, key=lambda entry: (*entry.sort_key, entry.kind, entry.title, entry.uid))


# The month view -------------------------------------------------------------------

# How far ahead "due next" looks.
AHEAD = datetime.timedelta(days=30)


@dataclass(frozen=True)
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    entries: list[Entry]


def month_weeks(year: int, month: int, user, today: datetime.date) -> list[list[Day]]:
    """The weeks (Monday first) that show the month, each day with its entries."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    by_day: dict[datetime.date, list[Entry]] = {}
    for entry in entries_for(user, weeks[0][0], weeks[-1][-1]):
        by_day.setdefault(entry.day, []).append(entry)
    return [
        [Day(day, day.month == month, day == today, by_day.get(day, [])) for day in week] for week in weeks
    ]


def due_next(user, today: datetime.date) -> list[tuple[datetime.date, list[Entry]]]:
    """What falls due from today on (AHEAD), day by day."""
    days: dict[datetime.date, list[Entry]] = {}
    now = timezone.now()
    for entry in entries_for(user, today, today + AHEAD):
        if entry.at is not None and entry.at < now:
            continue  # went out earlier today
        days.setdefault(entry.day, []).append(entry)
    return list(days.items())
