"""The contact log as a reader sees it: which entries are public, how each
becomes an event of a case study's timeline block, and the key figures
counted from them. The one place that maps ContactEvent kinds, channels,
directions and date precisions to the blocks of a case study.

What a reader sees: invitations (ours, or the company's), reminders, calls,
replies, messages and notes written by hand, a refusal, the last notice, and
the deadline passing; of mail that came in, only the dated fact (a reply by
email, an out-of-office notice, an email that could not be delivered), never
its words. The key figures count only emails that were delivered. What a reader never sees: anything marked internal,
whether someone opened a link (tracking, not a statement), drafts being saved,
internal status changes, and a contact's objection to our emails (theirs, not
the story's).

Entries written by hand are shown as the editor wrote them; the system's own
entries (which name email addresses, for the admin) are told in plain words
instead. The text is written in the active language: the failure draft runs
in the site's language."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext, ngettext, npgettext

from casestudies.interviews.models import Channel, ContactEvent, Direction, EventKind, InterviewRequest
from casestudies.pages import blocks
from casestudies.pages.blocks import key_figure
from casestudies.partial_dates import DatePrecision

PUBLIC_KINDS = frozenset(
    {
        EventKind.INVITATION,
        EventKind.REMINDER,
        EventKind.CALL,
        EventKind.REPLY,
        EventKind.MESSAGE,
        EventKind.NOTE,
        EventKind.DECLINED,
        EventKind.LAST_NOTICE,
        # Only those not marked internal: the deadline passing.
        EventKind.STATE_CHANGE,
        # Incoming mail (interviews.inbound): only the dated fact, never the text.
        EventKind.AUTO_REPLY,
        EventKind.BOUNCE,
    }
)
# Attempts to reach someone, in either direction: where "first contact" starts.
CONTACT_KINDS = frozenset(
    {
        EventKind.INVITATION,
        EventKind.REMINDER,
        EventKind.CALL,
        EventKind.REPLY,
        EventKind.MESSAGE,
        EventKind.DECLINED,
        EventKind.LAST_NOTICE,
    }
)
# What counts as the company answering.
ANSWER_KINDS = frozenset(
    {EventKind.REPLY, EventKind.MESSAGE, EventKind.CALL, EventKind.DECLINED, EventKind.SUBMITTED}
)

CHANNELS = {
    Channel.EMAIL: blocks.Channel.EMAIL,
    Channel.PHONE: blocks.Channel.PHONE,
    Channel.LETTER: blocks.Channel.LETTER,
    Channel.FORM: blocks.Channel.FORM,
    Channel.IN_PERSON: blocks.Channel.IN_PERSON,
    Channel.WEB: blocks.Channel.WEB,
}
DIRECTIONS = {Direction.OUT: blocks.Direction.OUT, Direction.IN: blocks.Direction.IN}


def is_public(event: ContactEvent) -> bool:
    return not event.internal and event.kind in PUBLIC_KINDS


def public_events(request: InterviewRequest) -> list[ContactEvent]:
    return [event for event in request.events.order_by("occurred_at", "pk") if is_public(event)]


def event_date(event: ContactEvent) -> tuple[datetime.date | None, str]:
    if event.date_precision == DatePrecision.UNKNOWN:
        return None, DatePrecision.UNKNOWN
    return timezone.localdate(event.occurred_at), event.date_precision


def _offer(request: InterviewRequest) -> str:
    questions = request.questions.count()
    offer = ngettext("%(count)s question", "%(count)s questions", questions) % {"count": questions}
    if request.photos_wanted:
        offer += " " + ngettext(
            "and a request for %(count)s photo", "and a request for %(count)s photos", request.photos_wanted
        ) % {"count": request.photos_wanted}
    return offer


def what_and_outcome(event: ContactEvent, request: InterviewRequest) -> tuple[str, str]:
    if event.manual:
        return event.summary or event.get_kind_display(), event.outcome
    if event.kind == EventKind.INVITATION:
        return gettext("We send our interview request: %(offer)s.") % {
            "offer": _offer(request)
        }, event.outcome
    if event.kind == EventKind.REMINDER:
        return gettext("We remind them of our questions."), event.outcome
    if event.kind == EventKind.STATE_CHANGE:
        return gettext("The deadline for our questions passes."), event.outcome or gettext("No answers.")
    if event.kind == EventKind.DECLINED:
        return gettext("The company declines through the questionnaire."), event.summary
    # Mail that came in: a reply's words are private, only the fact is told.
    if event.kind == EventKind.REPLY and event.channel == Channel.EMAIL:
        return gettext("The company replies by email."), ""
    if event.kind == EventKind.AUTO_REPLY:
        return gettext("An automatic out-of-office notice comes back."), ""
    if event.kind == EventKind.BOUNCE:
        return gettext("Our email cannot be delivered to the address we had."), ""
    return event.summary or event.get_kind_display(), event.outcome


def timeline_event(event: ContactEvent, request: InterviewRequest) -> dict[str, object]:
    value, precision = event_date(event)
    what, outcome = what_and_outcome(event, request)
    return blocks.timeline_event(
        what=what,
        outcome=outcome,
        date=value,
        precision=precision,
        channel=CHANNELS.get(event.channel, ""),
        direction=DIRECTIONS.get(event.direction, ""),
    )


def timeline_block(
    request: InterviewRequest, events: Iterable[ContactEvent], heading: str | None = None
) -> tuple[str, dict]:
    return (
        "timeline",
        {
            "heading": gettext("Timeline of our attempts to reach them") if heading is None else heading,
            "events": [timeline_event(event, request) for event in events],
        },
    )


@dataclass(frozen=True)
class Figures:
    emails_out: int
    calls: int
    answers: int
    days: int | None
    undelivered: int = 0

    def sentence(self) -> str:
        """“3 E-Mails, 1 Anruf, 0 Antworten in 37 Tagen”."""
        emails = (
            ngettext("%(count)s delivered email", "%(count)s delivered emails", self.emails_out)
            if self.undelivered
            else ngettext("%(count)s email", "%(count)s emails", self.emails_out)
        )
        parts = gettext("%(emails)s, %(calls)s, %(answers)s") % {
            "emails": emails % {"count": self.emails_out},
            "calls": ngettext("%(count)s call", "%(count)s calls", self.calls) % {"count": self.calls},
            "answers": ngettext("%(count)s answer", "%(count)s answers", self.answers)
            % {"count": self.answers},
        }
        if self.days is None:
            return parts
        # “in 37 Tagen”: the span has a grammar of its own (German dative);
        # under a day it reads “am selben Tag”, never “in 0 Tagen”.
        span = (
            gettext("on the same day")
            if self.days == 0
            else ngettext("in %(count)s day", "in %(count)s days", self.days) % {"count": self.days}
        )
        return gettext("%(parts)s %(span)s") % {"parts": parts, "span": span}


def _day(event: ContactEvent) -> datetime.date | None:
    value, precision = event_date(event)
    return value if precision == DatePrecision.DAY else None


def count(events: Iterable[ContactEvent]) -> Figures:
    """Emails we sent, calls we made, answers that came, and the days from the
    first contact to the deadline passing or the refusal (only when both are
    known to the day: no invented spans)."""
    events = list(events)
    # Only emails that arrived count: each bounce takes one back.
    undelivered = sum(1 for e in events if e.kind == EventKind.BOUNCE)
    sent = sum(1 for e in events if e.direction == Direction.OUT and e.channel == Channel.EMAIL)
    emails = max(sent - undelivered, 0)
    calls = sum(1 for e in events if e.direction == Direction.OUT and e.channel == Channel.PHONE)
    answers = sum(1 for e in events if e.direction == Direction.IN and e.kind in ANSWER_KINDS)
    first = next((e for e in events if e.kind in CONTACT_KINDS), None)
    ends = [e for e in events if e.kind in (EventKind.STATE_CHANGE, EventKind.DECLINED)]
    days = None
    if first is not None and ends:
        start, end = _day(first), _day(ends[-1])
        if start and end and end >= start:
            days = (end - start).days
    return Figures(emails_out=emails, calls=calls, answers=answers, days=days, undelivered=undelivered)


def key_figures_block(figures: Figures) -> tuple[str, dict]:
    return (
        "key_figures",
        {
            "heading": figures.sentence(),
            "figures": [
                key_figure(
                    npgettext(
                        "key figure",
                        "Delivered email to the company",
                        "Delivered emails to the company",
                        figures.emails_out,
                    )
                    if figures.undelivered
                    else npgettext(
                        "key figure", "Email to the company", "Emails to the company", figures.emails_out
                    ),
                    figures.emails_out,
                ),
                *(
                    [
                        key_figure(
                            npgettext(
                                "key figure",
                                "Undeliverable email",
                                "Undeliverable emails",
                                figures.undelivered,
                            ),
                            figures.undelivered,
                        )
                    ]
                    if figures.undelivered
                    else []
                ),
                key_figure(npgettext("key figure", "Call", "Calls", figures.calls), figures.calls),
                key_figure(npgettext("key figure", "Answer", "Answers", figures.answers), figures.answers),
                *(
                    [
                        key_figure(
                            npgettext(
                                "key figure",
                                "Day from the first contact to the end",
                                "Days from the first contact to the end",
                                figures.days,
                            ),
                            figures.days,
                        )
                    ]
                    # “0 Tage” is no figure: the sentence above says “am selben Tag”.
                    if figures.days
                    else []
                ),
            ],
        },
    )
