"""Reminders for interview requests that have not been answered yet.

The policy is per request: reminders N days after the invitation went out
(`remind_after_days`, default "3, 7") and N days before the deadline
(`remind_before_deadline_days`, default 2). Each planned reminder is a named
slot: "after-3", "after-7", "before-2@2026-03-14". A before-slot names its
deadline, so a deadline that moves (a late answer reopens the request) gets a
reminder of its own. An after-slot comes due N×24 hours after sending, a
before-slot at the start of its day.

Beat asks every few minutes what is due (no countdowns of days: they outlive
the broker's visibility timeout and run again). A slot that came due is
recorded once, as sent or skipped, in a ReminderSlot row. The unique
(request, slot) constraint is what makes two beats or two workers that run
the job at the same moment send one email; the request's row lock makes the
second one wait and find the slot taken, and the outbox key
(interview:<pk>:reminder:<slot>) is unique as well.

Never two reminders in a row: a slot that comes due less than MIN_GAP (two
days) after the last email to the contact since the invitation (a reminder,
a new link) is skipped, not postponed; when several slots are due at once (beat
was down, or two slots fall on the same days) only the latest is sent and the
earlier ones are skipped as superseded. So a contact who got "after-7"
yesterday and whose deadline is two days away gets no "before-2".

No reminder goes to a request that was submitted, declined, withdrawn or
expired, after its deadline, or to an address whose contact opted out. Nor
(casestudies.interviews.inbound) to a request the contact answered by email,
to an address that bounced for good, or before the return date an
out-of-office notice named: the slots due meanwhile wait until after it.

Only hashes of tokens are stored, so a reminder cannot repeat the original
link. A contact who never opened it gets a fresh link (the unused old one
stops working); one who already opened the questionnaire gets its address
without a token, which works in the browser they used, so a reminder never
locks out someone who is halfway through."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from wagtail.log_actions import log

from casestudies import rows
from casestudies.companies import opt_out
from casestudies.interviews import contact_log, emails, tokens
from casestudies.interviews.models import (
    Channel,
    Direction,
    EventKind,
    InterviewRequest,
    ReminderSlot,
    parse_day_list,
)
from casestudies.interviews.models import InterviewStatus as S
from casestudies.interviews.statuses import UNANSWERED

logger = logging.getLogger("casebook")

MIN_GAP = datetime.timedelta(days=2)

# Why a slot was skipped (stored as codes, shown in the reader's language).
SKIPPED_GAP = "gap"
SKIPPED_OPTED_OUT = "opted_out"
SKIPPED_SUPERSEDED = "superseded:"
SKIPPED_UNDELIVERABLE = "undeliverable"
# Never stored, worked out from the plan (see out_of_window and schedule).
SKIPPED_BEFORE_INVITATION = "before_invitation"
SKIPPED_AFTER_DEADLINE = "after_deadline"


@dataclass(frozen=True)
class Slot:
    name: str
    due_at: datetime.datetime
    days: int
    before_deadline: bool

    @property
    def label(self) -> str:
        if self.before_deadline:
            return ngettext(
                "%(days)s day before the deadline", "%(days)s days before the deadline", self.days
            ) % {"days": self.days}
        return ngettext("%(days)s day after sending", "%(days)s days after sending", self.days) % {
            "days": self.days
        }


def _after_days(interview: InterviewRequest) -> list[int]:
    try:
        return parse_day_list(interview.remind_after_days)
    except ValueError:
        logger.warning("Interview request %s has an unreadable reminder policy", interview.pk)
        return []


def plan(interview: InterviewRequest) -> list[Slot]:
    """Every reminder the policy plans for this request, in due order."""
    if interview.sent_at is None:
        return []
    slots = [
        Slot(f"after-{days}", interview.sent_at + datetime.timedelta(days=days), days, False)
        for days in _after_days(interview)
    ]
    before = interview.remind_before_deadline_days
    if before:
        day = interview.deadline - datetime.timedelta(days=before)
        due = datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())
        slots.append(Slot(f"before-{before}@{interview.deadline.isoformat()}", due, before, True))
    return sorted(slots, key=lambda slot: (slot.due_at, slot.name))


def out_of_window(interview: InterviewRequest, slot: Slot) -> str:
    """Why `slot` is never sent (a reason code), or "" while it falls between
    the invitation and the deadline: a before-slot of a short deadline can fall
    before the invitation, an after-slot of a long policy after the deadline."""
    if interview.sent_at is not None and slot.due_at < interview.sent_at:
        return SKIPPED_BEFORE_INVITATION
    if timezone.localdate(slot.due_at) > interview.deadline:
        return SKIPPED_AFTER_DEADLINE
    return ""


def due_slots(interview: InterviewRequest, done: set[str], now: datetime.datetime) -> list[Slot]:
    """The planned slots that are due and were neither sent nor skipped, oldest first."""
    if interview.status not in UNANSWERED or interview.deadline < timezone.localdate(now):
        return []
    # Answered by email, or the contact is away (out-of-office notice): no reminder until after it.
    if interview.replied_by_email_at is not None:
        return []
    if interview.away_until is not None and timezone.localdate(now) <= interview.away_until:
        return []
    return [
        slot
        for slot in plan(interview)
        if slot.name not in done and slot.due_at <= now and not out_of_window(interview, slot)
    ]


def next_check(interview: InterviewRequest, done: set[str]) -> datetime.datetime:
    """A time before which no reminder of this request can fall due, as long
    as its schedule (sent_at, policy, deadline) stays as it is: the earliest
    slot neither sent nor skipped, not before the contact is back, and the
    end of the deadline when there is none (no reminders after it)."""
    zone = timezone.get_current_timezone()
    day_after = lambda day: datetime.datetime.combine(  # noqa: E731
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    end = day_after(interview.deadline)
    if interview.replied_by_email_at is not None:
        return end
    times = [
        slot.due_at
        for slot in plan(interview)
        if slot.name not in done and not out_of_window(interview, slot)
    ]
    if not times:
        return end
    first = min(times)
    if interview.away_until is not None:
        first = max(first, day_after(interview.away_until))
    return min(first, end)


def candidates(now: datetime.datetime):
    """Requests that may have a reminder due, with the slots they used up:
    two queries, reading only rows whose next_reminder_at has come (or was
    never worked out since their schedule changed), however many wait."""
    return (
        InterviewRequest.objects.filter(
            Q(next_reminder_at__isnull=True) | Q(next_reminder_at__lte=now),
            status__in=UNANSWERED,
            sent_at__isnull=False,
            deadline__gte=timezone.localdate(now),
            contact__opted_out_at__isnull=True,
            replied_by_email_at__isnull=True,
        )
        .exclude(contact__email="")
        .only(
            "pk",
            "status",
            "deadline",
            "sent_at",
            "remind_after_days",
            "remind_before_deadline_days",
            "replied_by_email_at",
            "away_until",
            "next_reminder_at",
            "updated_at",
        )
        .prefetch_related(
            Prefetch("reminder_slots", queryset=ReminderSlot.objects.only("request_id", "slot"))
        )
    )


def _questionnaire_link(interview: InterviewRequest) -> tuple[str, bool]:
    if interview.status == S.SENT:
        return tokens.questionnaire_url(tokens.issue_token(interview)), True
    path = reverse("interview:questionnaire", kwargs={"public_id": interview.public_id})
    return f"{settings.SITE_BASE_URL}{path}", False


def send_reminder(interview_pk: int, now: datetime.datetime | None = None) -> bool:
    """Send (or skip) the due reminder of one request; True if this call queued an email."""
    now = now or timezone.now()
    with transaction.atomic():
        interview = rows.lock(InterviewRequest, interview_pk, related=("contact", "company"))
        done = set(ReminderSlot.objects.filter(request=interview).values_list("slot", flat=True))
        due = due_slots(interview, done, now)
        if not due:
            return False
        # The slots this call uses up, sent or skipped: the next check comes after them.
        InterviewRequest.objects.filter(pk=interview.pk).update(
            next_reminder_at=next_check(interview, done | {slot.name for slot in due})
        )
        slot, superseded = due[-1], due[:-1]
        last = interview.last_contacted_at
        if last and last != interview.sent_at and last > now - MIN_GAP:
            skip_reason = SKIPPED_GAP
        elif opt_out.opted_out_contact(interview.contact.email):
            skip_reason = SKIPPED_OPTED_OUT
        elif interview.contact.email_undeliverable:
            skip_reason = SKIPPED_UNDELIVERABLE
        else:
            skip_reason = ""
        try:
            with transaction.atomic():
                ReminderSlot.objects.bulk_create(
                    [
                        ReminderSlot(
                            request=interview,
                            slot=old.name,
                            outcome=ReminderSlot.Outcome.SKIPPED,
                            reason=f"{SKIPPED_SUPERSEDED}{slot.name}",
                            at=now,
                        )
                        for old in superseded
                    ]
                    + [
                        ReminderSlot(
                            request=interview,
                            slot=slot.name,
                            outcome=ReminderSlot.Outcome.SKIPPED
                            if skip_reason
                            else ReminderSlot.Outcome.SENT,
                            reason=skip_reason,
                            at=now,
                        )
                    ]
                )
        except IntegrityError:
            return False  # another beat or worker took this slot
        if skip_reason:
            return False
        url, secret = _questionnaire_link(interview)
        emails.queue_email(
            key=f"interview:{interview.pk}:reminder:{slot.name}",
            to=interview.contact.email,
            template="reminder",
            context={
                "request": interview,
                "contact": interview.contact,
                "url": url,
                "fresh_link": secret,
                "days_left": slot.days if slot.before_deadline else None,
            },
            language=interview.language,
            request=interview,
            contains_secret=secret,
        )
        interview.last_contacted_at = now
        interview.save(
            update_fields=[
                "last_contacted_at",
                "token_hash",
                "token_expires_at",
                "token_revoked",
                "updated_at",
            ]
        )
        contact_log.record(
            request=interview,
            occurred_at=now,
            channel=Channel.EMAIL,
            direction=Direction.OUT,
            kind=EventKind.REMINDER,
            summary=gettext("Reminder (%(slot)s) sent to the contact person") % {"slot": slot.label},
        )
        log(interview, "casestudies.interview.reminded", data={"slot": slot.name})
    return True


def send_due_reminders(now: datetime.datetime | None = None) -> int:
    """The beat job: every due reminder, once. Returns how many were queued."""
    now = now or timezone.now()
    due = []
    for interview in candidates(now):
        done = {row.slot for row in interview.reminder_slots.all()}
        if due_slots(interview, done, now):
            due.append(interview.pk)
            continue
        # Nothing due now (the contact is away, answered by email, a slot out
        # of its window): not read again before its next slot can come due.
        # Only if nobody changed the request meanwhile (a new schedule empties the field).
        InterviewRequest.objects.filter(pk=interview.pk, updated_at=interview.updated_at).update(
            next_reminder_at=next_check(interview, done)
        )
    return sum(send_reminder(pk, now) for pk in due)


# For the admin: the schedule with what became of each slot ------------------------


@dataclass(frozen=True)
class ScheduleEntry:
    """One planned slot as the editor sees it: "sent" or "skipped" once
    recorded; else "skipped" when it falls outside invitation..deadline,
    "cancelled" once the request no longer waits for an answer, "planned"."""

    slot: Slot
    record: ReminderSlot | None
    state: str = "planned"
    reason_code: str = ""

    @property
    def reason(self) -> str:
        return skip_reason_label(self.reason_code) if self.reason_code else ""


def skip_reason_label(code: str) -> str:
    if code == SKIPPED_GAP:
        return gettext("the last email to the contact was less than two days before")
    if code == SKIPPED_OPTED_OUT:
        return gettext("the contact opted out of emails")
    if code == SKIPPED_UNDELIVERABLE:
        return gettext("the contact's address is not deliverable")
    if code.startswith(SKIPPED_SUPERSEDED):
        return gettext("due together with a later reminder, which was sent instead")
    if code == SKIPPED_BEFORE_INVITATION:
        return gettext("it would fall before the invitation was sent")
    if code == SKIPPED_AFTER_DEADLINE:
        return gettext("it would fall after the deadline")
    if code in S.values:
        return gettext("the request is “%(status)s”") % {"status": S(code).label}
    return code


def _entry(interview: InterviewRequest, slot: Slot, record: ReminderSlot | None) -> ScheduleEntry:
    if record is not None:
        return ScheduleEntry(slot, record, record.outcome, record.reason)
    outside = out_of_window(interview, slot)
    if outside:
        return ScheduleEntry(slot, None, "skipped", outside)
    if interview.status not in UNANSWERED:
        # Submitted, declined, withdrawn, expired (or sent back for changes):
        # the slots still open will never be sent.
        return ScheduleEntry(slot, None, "cancelled", interview.status)
    return ScheduleEntry(slot, None)


def schedule(interview: InterviewRequest) -> list[ScheduleEntry]:
    """The request's planned reminders and what became (or becomes) of each,
    one query. The plan follows the current deadline, so an extended deadline
    re-plans the before-slot and the after-slots it now covers."""
    records = {row.slot: row for row in interview.reminder_slots.all()}
    return [_entry(interview, slot, records.get(slot.name)) for slot in plan(interview)]


# For the editorial calendar: the reminders that will really go -------------------


def will_remind(interview: InterviewRequest) -> bool:
    """Whether reminders still go to this request at all: what `candidates` and
    `send_reminder` ask of the request and its contact (contact selected)."""
    contact = interview.contact
    return (
        interview.status in UNANSWERED
        and interview.sent_at is not None
        and interview.replied_by_email_at is None
        and bool(contact.email)
        and contact.opted_out_at is None
        and not contact.email_undeliverable
    )


def forecast(interview: InterviewRequest, now: datetime.datetime | None = None) -> list[Slot]:
    """The planned reminders that will be sent, each at the time it goes: the
    schedule's "planned" slots, those waiting out an out-of-office notice moved
    to the day after it, without those the two-day gap (MIN_GAP) or a later
    slot due at the same time would skip. Reads the prefetched reminder_slots."""
    now = now or timezone.now()
    if not will_remind(interview) or interview.deadline < timezone.localdate(now):
        return []
    zone = timezone.get_current_timezone()
    back = None
    if interview.away_until is not None:
        back = datetime.datetime.combine(
            interview.away_until + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
    going: list[Slot] = []
    for entry in schedule(interview):
        if entry.state != "planned":
            continue
        slot = entry.slot
        due_at = max(slot.due_at, now)
        if back is not None and due_at < back:
            due_at = back
        if timezone.localdate(due_at) > interview.deadline:
            continue
        going.append(Slot(slot.name, due_at, slot.days, slot.before_deadline))
    sent: list[Slot] = []
    last = interview.last_contacted_at if interview.last_contacted_at != interview.sent_at else None
    for index, slot in enumerate(going):
        later = going[index + 1] if index + 1 < len(going) else None
        if later is not None and later.due_at <= slot.due_at:
            continue  # superseded: due together with a later one
        if last is not None and slot.due_at < last + MIN_GAP:
            continue
        sent.append(slot)
        last = slot.due_at
    return sent
