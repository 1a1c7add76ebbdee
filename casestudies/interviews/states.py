"""The one place that changes an interview request's status.

    draft -> sent -> opened -> in_progress -> submitted -> accepted -> published
            sent -> in_progress   (an editor takes the answers from an email)
                                              submitted -> changes_requested -> in_progress
    sent | opened | in_progress -> declined | expired
    declined | expired          -> in_progress   (a late answer reopens it)
    any state before accepted   -> withdrawn

A late answer is one that arrives after a request expired or was declined:
the contact answers through the link of the last notice (send_last_notice),
or an editor logs a reply that came by mail or phone. The request is open
again with a new deadline, the owner is told, and a failure story about it
waits (casestudies.publishing.last_notice).

Every transition runs in one transaction: it locks the request row, moves the
status with a conditional UPDATE (so of two racing transitions exactly one
wins, on SQLite as well), writes a ContactEvent and a Wagtail log entry and
queues its emails in the outbox. A transition that is not allowed raises
TransitionNotAllowed and changes nothing."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import Revision

from blog.admin_users import name_of
from casestudies import rows
from casestudies.companies import opt_out
from casestudies.interviews import contact_log, deadlines, emails, revisions, tokens
from casestudies.interviews.models import (
    Answer,
    AnswerSource,
    ChangeRequest,
    Channel,
    ContactEvent,
    Direction,
    EventKind,
    InboundKind,
    InboundMessage,
    InterviewPhoto,
    InterviewQuestion,
    InterviewRequest,
    ReplyUse,
    ReviewState,
    parse_day_list,
)
from casestudies.interviews.models import InterviewStatus as S
from casestudies.interviews.signals import interview_accepted, last_notice_sent
from casestudies.interviews.statuses import (
    AWAITING_CONTACT,
    EDITABLE,
    EMAIL_ANSWERABLE,
    LINK_RESENDABLE,
    SILENT,
    notice_counts,
)
from casestudies.partial_dates import DatePrecision
from casestudies.refusals import ActionRefused

ALLOWED: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SENT, S.WITHDRAWN}),
    S.SENT: frozenset({S.OPENED, S.IN_PROGRESS, S.DECLINED, S.EXPIRED, S.WITHDRAWN}),
    S.OPENED: frozenset({S.IN_PROGRESS, S.DECLINED, S.EXPIRED, S.WITHDRAWN}),
    S.IN_PROGRESS: frozenset({S.SUBMITTED, S.DECLINED, S.EXPIRED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.CHANGES_REQUESTED, S.WITHDRAWN}),
    S.CHANGES_REQUESTED: frozenset({S.IN_PROGRESS, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.PUBLISHED}),
    S.PUBLISHED: frozenset(),
    S.DECLINED: frozenset({S.IN_PROGRESS}),
    S.EXPIRED: frozenset({S.IN_PROGRESS}),
    S.WITHDRAWN: frozenset(),
}

# A reopened request gets at least this many days from the day it reopened.
REOPEN_DAYS = 14

# Wagtail log actions, registered in wagtail_hooks.register_interview_log_actions.
LOG_ACTIONS: dict[str, tuple] = {
    "casestudies.interview.sent": (_("Send interview request"), _("Interview request sent")),
    "casestudies.interview.opened": (_("Open questionnaire"), _("Questionnaire opened by the contact")),
    "casestudies.interview.in_progress": (_("Start answering"), _("The contact started answering")),
    "casestudies.interview.submitted": (_("Submit answers"), _("Answers submitted by the contact")),
    "casestudies.interview.changes_requested": (_("Request changes"), _("Changes requested")),
    "casestudies.interview.accepted": (_("Accept answers"), _("Answers accepted")),
    "casestudies.interview.published": (_("Publish interview"), _("Interview published")),
    "casestudies.interview.declined": (_("Decline interview"), _("Interview declined by the contact")),
    "casestudies.interview.expired": (_("Expire interview request"), _("Deadline passed without submission")),
    "casestudies.interview.withdrawn": (_("Withdraw interview request"), _("Interview request withdrawn")),
    "casestudies.interview.link_resent": (_("Resend questionnaire link"), _("New questionnaire link sent")),
    "casestudies.interview.contact_logged": (_("Log contact"), _("Contact logged")),
    "casestudies.interview.reminded": (_("Send reminder"), _("Reminder sent")),
    "casestudies.interview.reopened": (_("Reopen interview request"), _("Late answer: request reopened")),
    "casestudies.interview.last_notice": (_("Send last notice"), _("Last notice before publication sent")),
    "casestudies.interview.reminder_policy": (_("Change reminders"), _("Reminder policy changed")),
    "casestudies.interview.deadline_extended": (_("Extend deadline"), _("Deadline extended")),
    "casestudies.interview.failure_draft": (_("Create failure case study"), _("Failure case study drafted")),
    "casestudies.interview.opted_out": (_("Opt out"), _("The contact opted out of emails")),
    "casestudies.interview.opted_in": (_("Take back opt-out"), _("The contact welcomes emails again")),
    "casestudies.interview.answers_from_email": (
        _("Take answers from an email"),
        _("Answers taken from an email"),
    ),
}


class NoEmailAddress(ActionRefused):
    def __init__(self):
        super().__init__(
            gettext("The contact has no email address. Add one, or log calls and letters instead.")
        )


class TransitionNotAllowed(ActionRefused):
    def __init__(self, current: str, target: str):
        self.current, self.target = current, target
        super().__init__(
            gettext("An interview request that is “%(current)s” cannot become “%(target)s”.")
            % {"current": S(current).label, "target": S(target).label}
        )


def allowed_targets(request: InterviewRequest) -> frozenset[str]:
    return ALLOWED.get(request.status, frozenset())


def can(request: InterviewRequest, target: str) -> bool:
    return target in allowed_targets(request)


def lock(request: InterviewRequest) -> InterviewRequest:
    """The request, locked until the transaction ends, with its contact and owner."""
    return rows.lock(InterviewRequest, request.pk, related=("contact", "owner"))


def _require(locked: InterviewRequest, statuses: Iterable[str], message: str) -> None:
    """Refuse an action unless the locked request is in one of `statuses`;
    `message` names the status it is in as %(status)s."""
    if locked.status not in statuses:
        raise ActionRefused(message % {"status": S(locked.status).label})


def _refresh(stale: InterviewRequest, fresh: InterviewRequest) -> InterviewRequest:
    for field in (
        "status",
        "status_changed_at",
        "token_hash",
        "token_expires_at",
        "token_revoked",
        "decline_reason",
        "last_contacted_at",
        "sent_at",
        "deadline",
        "notice_sent_at",
        "notice_reply_until",
        "planned_publication",
    ):
        setattr(stale, field, getattr(fresh, field))
    return fresh


def _transition(
    request: InterviewRequest,
    target: str,
    *,
    user=None,
    event: dict,
    extra_fields: Iterable[str] = (),
    prepare: Callable[[InterviewRequest], None] | None = None,
    after: Callable[[InterviewRequest], None] | None = None,
    action: str = "",
) -> InterviewRequest:
    with transaction.atomic():
        locked = lock(request)
        current = locked.status
        if target not in ALLOWED.get(current, ()):
            raise TransitionNotAllowed(current, target)
        now = timezone.now()
        if not rows.change_if(
            InterviewRequest,
            locked.pk,
            expected={"status": current},
            status=target,
            status_changed_at=now,
            updated_at=now,
        ):
            raise TransitionNotAllowed(current, target)
        locked.status, locked.status_changed_at = target, now
        if prepare:
            prepare(locked)
        if extra_fields:
            locked.save(update_fields=list(extra_fields))
        contact_log.record(
            request=locked,
            user=user,
            **{"occurred_at": now, "direction": Direction.OUT, **event},
        )
        log(
            locked,
            action or f"casestudies.interview.{target}",
            user=user,
            data={"from": current, "to": target},
        )
        if after:
            after(locked)
    return _refresh(request, locked)


# Editors' transitions -----------------------------------------------------


def send(request: InterviewRequest, *, user) -> InterviewRequest:
    """Send the invitation with a fresh questionnaire link."""
    if not request.contact.email:
        raise NoEmailAddress()
    if request.deadline <= timezone.localdate():
        # The request would expire before the contact could answer.
        raise ActionRefused(
            gettext("The deadline (%(date)s) is not in the future. Edit the request and choose a later one.")
            % {"date": formats.date_format(request.deadline, "DATE_FORMAT")}
        )
    raw: list[str] = []

    def prepare(locked: InterviewRequest) -> None:
        raw.append(tokens.issue_token(locked))
        # The reminder schedule counts from here (casestudies.interviews.reminders).
        locked.last_contacted_at = locked.sent_at = timezone.now()
        locked.next_reminder_at = None  # the schedule starts: the next reminder scan works it out

    return _transition(
        request,
        S.SENT,
        user=user,
        event={
            "channel": Channel.EMAIL,
            "kind": EventKind.INVITATION,
            # The log names the contact by role, never by address: erasure leaves it whole.
            "summary": gettext("Questionnaire link sent to the contact person"),
        },
        extra_fields=[
            "token_hash",
            "token_expires_at",
            "token_revoked",
            "last_contacted_at",
            "sent_at",
            "next_reminder_at",
        ],
        prepare=prepare,
        after=lambda locked: emails.queue_invitation(locked, raw[0]),
    )


def resend_link(request: InterviewRequest, *, user) -> InterviewRequest:
    """A new link (the old one stops working), without changing the status."""
    if not request.contact.email:
        raise NoEmailAddress()
    with transaction.atomic():
        locked = lock(request)
        _require(
            locked,
            LINK_RESENDABLE,
            gettext("A new link can only be sent while the request waits for answers (now: “%(status)s”)."),
        )
        raw = tokens.issue_token(locked)
        locked.last_contacted_at = timezone.now()
        locked.save(
            update_fields=[
                "token_hash",
                "token_expires_at",
                "token_revoked",
                "last_contacted_at",
                "updated_at",
            ]
        )
        contact_log.record(
            request=locked,
            channel=Channel.EMAIL,
            direction=Direction.OUT,
            kind=EventKind.REMINDER,
            user=user,
            summary=gettext("New questionnaire link sent to the contact person"),
        )
        log(locked, "casestudies.interview.link_resent", user=user)
        emails.queue_invitation(locked, raw)
    return _refresh(request, locked)


def request_changes(
    request: InterviewRequest,
    *,
    user,
    message: str,
    questions: Iterable[InterviewQuestion] = (),
    photos: Iterable[InterviewPhoto] = (),
) -> InterviewRequest:
    question_ids = [q.pk for q in questions]
    photo_ids = [p.pk for p in photos]
    raw: list[str] = []

    def prepare(locked: InterviewRequest) -> None:
        raw.append(tokens.issue_token(locked))
        InterviewQuestion.objects.filter(request=locked, pk__in=question_ids).update(change_requested=True)
        # The Answers tab shows, per question, what was asked again after which round.
        asked = ChangeRequest.objects.create(
            request=locked, round=revisions.submitted_rounds(locked), message=message, requested_by=user
        )
        asked.questions.set(InterviewQuestion.objects.filter(request=locked, pk__in=question_ids))
        Answer.objects.filter(question__request=locked, question_id__in=question_ids).update(is_final=False)
        InterviewPhoto.objects.filter(request=locked, pk__in=photo_ids).update(
            review_state=ReviewState.CHANGES_REQUESTED
        )

    def after(locked: InterviewRequest) -> None:
        emails.queue_email(
            key=f"interview:{locked.pk}:changes:{locked.token_hash}",
            to=locked.contact.email,
            template="changes_requested",
            context={
                "request": locked,
                "contact": locked.contact,
                "message": message,
                "questions": list(
                    InterviewQuestion.objects.filter(pk__in=question_ids).order_by("sort_order")
                ),
                "photo_count": len(photo_ids),
                "url": tokens.questionnaire_url(raw[0]),
            },
            language=locked.language,
            request=locked,
            contains_secret=True,
        )

    return _transition(
        request,
        S.CHANGES_REQUESTED,
        user=user,
        event={"channel": Channel.EMAIL, "kind": EventKind.NOTE, "summary": message},
        extra_fields=["token_hash", "token_expires_at", "token_revoked"],
        prepare=prepare,
        after=after,
    )


def accept(request: InterviewRequest, *, user) -> InterviewRequest:
    """Accept the submission. Turning it into a draft case study is up to the
    receivers of signals.interview_accepted, called inside this transaction; the
    photos it takes are the ones the editor chose (interviews.photo_review): no
    photo is accepted here by default."""

    def after(locked: InterviewRequest) -> None:
        interview_accepted.send(sender=InterviewRequest, request=locked, user=user)

    return _transition(
        request,
        S.ACCEPTED,
        user=user,
        event={
            "kind": EventKind.STATE_CHANGE,
            "internal": True,
            "summary": gettext("Answers accepted"),
        },
        after=after,
    )


def publish(request: InterviewRequest, *, user) -> InterviewRequest:
    return _transition(
        request,
        S.PUBLISHED,
        user=user,
        event={
            "kind": EventKind.STATE_CHANGE,
            "internal": True,
            "summary": gettext("Interview published"),
        },
    )


def withdraw(request: InterviewRequest, *, user, reason: str = "") -> InterviewRequest:
    return _transition(
        request,
        S.WITHDRAWN,
        user=user,
        event={
            "kind": EventKind.STATE_CHANGE,
            "internal": True,
            "summary": reason or gettext("Interview request withdrawn"),
        },
        extra_fields=["token_revoked"],
        prepare=tokens.revoke_token,
    )


def log_contact(
    request: InterviewRequest,
    *,
    user,
    channel: str,
    direction: str,
    kind: str,
    summary: str,
    outcome: str = "",
    who: str = "",
    occurred_at=None,
    date_precision: str = DatePrecision.DAY,
    internal: bool = False,
    reopen: bool = True,
) -> ContactEvent:
    """Record a call, a letter, an email written elsewhere. No status change,
    except that a reply from the contact to an expired or declined request
    reopens it (unless `reopen` is off): a late answer."""
    with transaction.atomic():
        event = contact_log.record(
            request=request,
            channel=channel,
            direction=direction,
            kind=kind,
            summary=summary,
            outcome=outcome,
            who=who or name_of(user),
            occurred_at=occurred_at or timezone.now(),
            date_precision=date_precision or DatePrecision.DAY,
            internal=internal,
            manual=True,
            user=user,
        )
        log(
            request,
            "casestudies.interview.contact_logged",
            user=user,
            data={"channel": channel, "kind": kind, "event": event.pk},
        )
        late_reply = reopen and kind == EventKind.REPLY and direction == Direction.IN
        if late_reply and lock(request).status in SILENT:
            _reopen(request, user=user, channel=channel or Channel.EMAIL, by_contact=False)
    return event


def set_reminder_policy(
    request: InterviewRequest, *, user, after_days: str, before_deadline_days: int | None
) -> InterviewRequest:
    """Change when the remaining reminders go out (casestudies.interviews.reminders)."""
    with transaction.atomic():
        locked = lock(request)
        _require(
            locked,
            (S.DRAFT, S.SENT, S.OPENED, S.IN_PROGRESS),
            gettext("Reminders can only be changed while the request waits for answers (now: “%(status)s”)."),
        )
        locked.remind_after_days = ", ".join(str(day) for day in parse_day_list(after_days))
        locked.remind_before_deadline_days = before_deadline_days or None
        locked.next_reminder_at = None  # a new schedule: the next reminder scan works it out
        locked.save(
            update_fields=[
                "remind_after_days",
                "remind_before_deadline_days",
                "next_reminder_at",
                "updated_at",
            ]
        )
        log(
            locked,
            "casestudies.interview.reminder_policy",
            user=user,
            data={"after": locked.remind_after_days, "before": locked.remind_before_deadline_days},
        )
    request.remind_after_days = locked.remind_after_days
    request.remind_before_deadline_days = locked.remind_before_deadline_days
    return request


def extend_deadline(request: InterviewRequest, *, user, deadline) -> InterviewRequest:
    """Give the contact of a sent request more time: the new deadline (later
    than the current one, see casestudies.interviews.deadlines), a link that
    works as long, an entry in the contact log and an email telling the
    contact the new date. The link itself stays the same."""
    with transaction.atomic():
        locked = lock(request)
        _require(
            locked,
            AWAITING_CONTACT,
            gettext(
                "The deadline can only be extended while the request waits for answers (now: “%(status)s”)."
            ),
        )
        try:
            deadlines.validate_extension(locked.deadline, deadline)
        except ValidationError as invalid:
            raise ActionRefused(" ".join(invalid.messages)) from invalid
        previous = locked.deadline
        locked.deadline = deadline
        # Slots move with the deadline: the next reminder scan works them out.
        locked.next_reminder_at = None
        fields = ["deadline", "next_reminder_at", "updated_at"]
        if locked.token_hash and not locked.token_revoked:
            new_expiry = tokens.token_expiry(locked)
            if locked.token_expires_at is None or new_expiry > locked.token_expires_at:
                locked.token_expires_at = new_expiry
                fields.append("token_expires_at")
        locked.save(update_fields=fields)
        dates = {
            "old": formats.date_format(previous, "DATE_FORMAT"),
            "new": formats.date_format(deadline, "DATE_FORMAT"),
        }
        summary = gettext("Deadline extended from %(old)s to %(new)s.") % dates
        emailed = False
        if locked.contact.email:
            with contextlib.suppress(opt_out.ContactOptedOut):
                emailed = bool(emails.queue_deadline_extended(locked, previous))
        if not emailed:
            summary += " " + gettext("The contact was not emailed (no address, or they objected to emails).")
        contact_log.record(
            request=locked,
            channel=Channel.EMAIL,
            direction=Direction.OUT,
            kind=EventKind.MESSAGE,
            user=user,
            summary=summary,
        )
        log(
            locked,
            "casestudies.interview.deadline_extended",
            user=user,
            data={"from": previous.isoformat(), "to": deadline.isoformat()},
        )
    return _refresh(request, locked)


def send_last_notice(
    request: InterviewRequest,
    *,
    user,
    planned_publication,
    reply_days: int = 7,
    channel: str = Channel.EMAIL,
) -> InterviewRequest:
    """The last notice before a failure case study about this request goes
    live: the planned publication date, a reply window of `reply_days` and, by
    email, a fresh questionnaire link whose answers reopen the request. With
    another channel (a letter, a call) it records a notice given by hand."""
    by_email = channel == Channel.EMAIL
    if by_email and not request.contact.email:
        raise NoEmailAddress()
    with transaction.atomic():
        locked = lock(request)
        _require(
            locked,
            SILENT,
            gettext(
                "A last notice is sent only for a request that expired or was declined (now: “%(status)s”)."
            ),
        )
        now = timezone.now()
        reply_until = timezone.localdate(now) + datetime.timedelta(days=reply_days)
        if planned_publication <= reply_until:
            raise ActionRefused(
                gettext("The planned publication must come after the reply window (after %(date)s).")
                % {"date": formats.date_format(reply_until, "DATE_FORMAT")}
            )
        raw = tokens.issue_token(locked, until=reply_until) if by_email else ""
        locked.notice_sent_at = locked.last_contacted_at = now
        locked.notice_reply_until = reply_until
        locked.planned_publication = planned_publication
        fields = [
            "notice_sent_at",
            "notice_reply_until",
            "planned_publication",
            "last_contacted_at",
            "updated_at",
        ]
        if by_email:
            fields += ["token_hash", "token_expires_at", "token_revoked"]
        locked.save(update_fields=fields)
        dates = {
            "planned": formats.date_format(planned_publication, "DATE_FORMAT"),
            "until": formats.date_format(reply_until, "DATE_FORMAT"),
        }
        notice = contact_log.record(
            request=locked,
            occurred_at=now,
            channel=channel,
            direction=Direction.OUT,
            kind=EventKind.LAST_NOTICE,
            user=user,
            manual=not by_email,
            summary=gettext(
                "Last notice: we plan to publish the case study on %(planned)s; "
                "an answer is welcome until %(until)s."
            )
            % dates,
        )
        log(
            locked,
            "casestudies.interview.last_notice",
            user=user,
            data={
                "channel": channel,
                "reply_until": reply_until.isoformat(),
                "planned_publication": planned_publication.isoformat(),
            },
        )
        # The failure story tells of the notice, too (while it is still a plain draft).
        last_notice_sent.send(sender=InterviewRequest, request=locked, event=notice, user=user)
        if by_email:
            emails.queue_last_notice(locked, raw)
    return _refresh(request, locked)


def late_answer_welcome(request: InterviewRequest) -> bool:
    """Whether the contact may still answer a silent request: its last notice
    invited them to, and their answers reopen it."""
    return request.status in SILENT and notice_counts(request)


def _reopen(
    request: InterviewRequest, *, user=None, channel: str, by_contact: bool, tell_owner: bool = True
) -> InterviewRequest:
    def prepare(locked: InterviewRequest) -> None:
        today = timezone.localdate()
        locked.deadline = max(locked.deadline, today + datetime.timedelta(days=REOPEN_DAYS))
        locked.next_reminder_at = None  # slots move with the deadline
        if locked.token_expires_at:
            locked.token_expires_at = max(locked.token_expires_at, tokens.token_expiry(locked))

    def after(locked: InterviewRequest) -> None:
        _hold_failure_story(locked)
        if tell_owner:
            emails.queue_owner_notice(locked, "owner_reopened", by_contact=by_contact)

    return _transition(
        request,
        S.IN_PROGRESS,
        user=user,
        event={
            "channel": channel,
            "direction": Direction.IN,
            "kind": EventKind.STATE_CHANGE,
            "who": request.contact.name if by_contact else name_of(user),
            "internal": True,
            "summary": (
                gettext("Answered by email after the deadline: the request is open again.")
                if channel == Channel.EMAIL
                else gettext("Answered after the deadline: the request is open again.")
            )
            if by_contact
            else gettext("A late answer was logged: the request is open again."),
        },
        extra_fields=["deadline", "token_expires_at", "next_reminder_at"],
        prepare=prepare,
        after=after,
        action="casestudies.interview.reopened",
    )


def _hold_failure_story(request: InterviewRequest) -> None:
    """A failure story scheduled to go live waits again (publication refuses it anyway)."""
    if request.case_study_id:
        Revision.page_revisions.filter(object_id=str(request.case_study_id)).update(approved_go_live_at=None)


def reopen_if_late(request: InterviewRequest) -> None:
    """A late answer through the last notice's link (answers or photos)
    reopens the request; `request` is refreshed."""
    if request.status not in EDITABLE and late_answer_welcome(request):
        # Two tabs answering at once: one reopens, the other finds it open.
        with contextlib.suppress(TransitionNotAllowed):
            reopen_by_contact(request)
        request.refresh_from_db()


def on_replied_by_email(sender, request: InterviewRequest, **kwargs) -> bool:
    """Receiver of signals.replied_by_email: a reply by email to an expired or
    declined request is a late answer, and reopens it as an editor logging it
    would (log_contact). The filing tells the owner; True if it reopened."""
    if lock(request).status not in SILENT:
        return False
    _reopen(request, channel=Channel.EMAIL, by_contact=True, tell_owner=False)
    return True


def reopen_by_contact(request: InterviewRequest) -> InterviewRequest:
    """The contact answers through the last notice's link."""
    if not late_answer_welcome(request):
        raise TransitionNotAllowed(request.status, S.IN_PROGRESS)
    return _reopen(request, channel=Channel.FORM, by_contact=True)


# The contact's transitions (through the questionnaire) ------------------------


def mark_opened(request: InterviewRequest) -> InterviewRequest:
    return _transition(
        request,
        S.OPENED,
        event={
            "channel": Channel.FORM,
            "direction": Direction.IN,
            "kind": EventKind.OPENED,
            "who": request.contact.name,
            "summary": gettext("Questionnaire opened"),
        },
    )


def mark_notice_opened(request: InterviewRequest) -> bool:
    """The contact opened the questionnaire through the last notice's link:
    logged as "opened" once per notice (the status stays silent until they
    answer). True if this call logged it."""
    with transaction.atomic():
        locked = lock(request)
        if not late_answer_welcome(locked):
            return False
        if ContactEvent.objects.filter(
            request=locked, kind=EventKind.OPENED, occurred_at__gte=locked.notice_sent_at
        ).exists():
            return False
        contact_log.record(
            request=locked,
            channel=Channel.FORM,
            direction=Direction.IN,
            kind=EventKind.OPENED,
            who=locked.contact.name,
            summary=gettext("Questionnaire opened through the last notice's link"),
        )
    return True


def start_answering(request: InterviewRequest) -> InterviewRequest:
    return _transition(
        request,
        S.IN_PROGRESS,
        event={
            "channel": Channel.FORM,
            "direction": Direction.IN,
            "kind": EventKind.STATE_CHANGE,
            "who": request.contact.name,
            "internal": True,
            "summary": gettext("Started answering"),
        },
    )


def submit(request: InterviewRequest) -> InterviewRequest:
    """Make every answer final and tell both sides. Of concurrent submissions exactly one wins."""

    def after(locked: InterviewRequest) -> None:
        _finalise_answers(locked)
        revisions.record_submission(locked)
        emails.queue_submission_emails(locked)

    with transaction.atomic():
        locked = lock(request)
        current = locked.status
        if current in SILENT and late_answer_welcome(locked):
            reopen_by_contact(request)
        elif current in (S.OPENED, S.CHANGES_REQUESTED):
            start_answering(request)
        return _transition(
            request,
            S.SUBMITTED,
            event={
                "channel": Channel.FORM,
                "direction": Direction.IN,
                "kind": EventKind.SUBMITTED,
                "who": request.contact.name,
                "summary": gettext("Answers submitted"),
            },
            after=after,
        )


def decline(request: InterviewRequest, *, reason: str = "") -> InterviewRequest:
    def prepare(locked: InterviewRequest) -> None:
        locked.decline_reason = reason

    return _transition(
        request,
        S.DECLINED,
        event={
            "channel": Channel.FORM,
            "direction": Direction.IN,
            "kind": EventKind.DECLINED,
            "who": request.contact.name,
            "summary": reason or gettext("Declined without a reason"),
        },
        extra_fields=["decline_reason"],
        prepare=prepare,
        after=lambda locked: emails.queue_owner_notice(locked, "owner_declined"),
    )


# Time -----------------------------------------------------------------------


def expire(request: InterviewRequest) -> InterviewRequest:
    """The deadline passed with nothing submitted: the link stops working and
    the owner is told (and pointed at the failure case study)."""
    # The deadline passed at the end of its day, not when the job noticed it
    # (after midnight): the log and the failure story's timeline date it so.
    end_of_deadline = datetime.datetime.combine(
        request.deadline, datetime.time.max, tzinfo=timezone.get_current_timezone()
    )
    return _transition(
        request,
        S.EXPIRED,
        event={
            "kind": EventKind.STATE_CHANGE,
            "internal": False,
            "summary": gettext("Deadline passed without an answer"),
            "occurred_at": min(timezone.now(), end_of_deadline),
        },
        extra_fields=["token_revoked"],
        prepare=tokens.revoke_token,
        after=lambda locked: emails.queue_owner_notice(locked, "owner_expired"),
    )


def expire_overdue() -> int:
    """Expire every request whose deadline passed without a submission."""
    today = timezone.localdate()
    expired = 0
    overdue = InterviewRequest.objects.filter(
        status__in=[S.SENT, S.OPENED, S.IN_PROGRESS], deadline__lt=today
    ).select_related("contact")
    for request in overdue:
        try:
            expire(request)
        except TransitionNotAllowed:
            continue  # it moved on meanwhile (submitted, withdrawn): nothing to do
        expired += 1
    return expired


# Answers that came by email ---------------------------------------------------


def questions_open_for_email(request: InterviewRequest):
    """The questions answers from an email may go into now: none unless the
    request takes answers from email, else those without a final answer."""
    if request.status not in EMAIL_ANSWERABLE:
        return InterviewQuestion.objects.none()
    return InterviewQuestion.objects.filter(request=request).exclude(answer__is_final=True)


def take_answers_from_email(
    request: InterviewRequest,
    *,
    user,
    inbound: InboundMessage,
    texts: dict[int, str],
    submit: bool = True,
) -> InterviewRequest:
    """An editor turns a reply by email into questionnaire answers: the texts
    (question id -> text) go into the questions still open, each as a revision
    from the email. A silent request opens again (a late answer); with
    `submit`, the answers are submitted for review as if by the questionnaire,
    without the thank-you email (the contact wrote to us). Raises
    ActionRefused, changing nothing, when the reply is not this request's, a
    question is no longer open, or the request takes no answers now."""
    texts = {int(pk): text.strip() for pk, text in texts.items() if text and text.strip()}
    if not texts:
        raise ActionRefused(gettext("Paste at least one answer from the email."))
    with transaction.atomic():
        locked = lock(request)
        _refuse_unless_reply_of(locked, inbound)
        if locked.status not in EMAIL_ANSWERABLE:
            raise ActionRefused(
                gettext("Answers cannot be taken from an email in this state (now: “%(status)s”).")
                % {"status": S(locked.status).label}
            )
        open_ids = set(questions_open_for_email(locked).values_list("pk", flat=True))
        if not set(texts) <= open_ids:
            raise ActionRefused(gettext("Some of these questions are no longer open. Reload the page."))
        step = {
            "channel": Channel.EMAIL,
            "direction": Direction.IN,
            "kind": EventKind.STATE_CHANGE,
            "who": name_of(user),
            "internal": True,
            "summary": gettext("Answers taken from an email"),
        }
        if locked.status in SILENT:
            _reopen(request, user=user, channel=Channel.EMAIL, by_contact=False)
        elif locked.status in (S.SENT, S.OPENED, S.CHANGES_REQUESTED):
            _transition(request, S.IN_PROGRESS, user=user, event=step)
        existing = {a.question_id: a for a in Answer.objects.filter(question_id__in=texts)}
        answers = []
        for question_id, text in texts.items():
            answer = existing.get(question_id) or Answer(question_id=question_id)
            answer.text, answer.revision_tab, answer.revision_seq = text, "", 0
            answer.save()
            answers.append(answer)
        # The round these answers belong to: the next submission's.
        revisions.record(
            answers,
            round=revisions.submitted_rounds(locked) + 1,
            source=AnswerSource.EMAIL,
            user=user,
            inbound=inbound,
        )
        log(
            locked,
            "casestudies.interview.answers_from_email",
            user=user,
            data={"inbound": inbound.pk, "questions": sorted(texts), "submitted": submit},
        )
        _mark_used(inbound, ReplyUse.ANSWERS, user)
        if submit:
            _submit_from_email(request, user=user)
    return request


def note_from_email(request: InterviewRequest, *, user, inbound: InboundMessage, note: str) -> ContactEvent:
    """An editor keeps a reply by email as an internal note in the contact
    log, dated when the email came. It reopens nothing (unlike answers).
    Raises ActionRefused, changing nothing, when the reply is not this request's."""
    with transaction.atomic():
        _refuse_unless_reply_of(request, inbound)
        event = log_contact(
            request,
            user=user,
            channel=Channel.EMAIL,
            direction=Direction.IN,
            kind=EventKind.NOTE,
            summary=note,
            occurred_at=inbound.received_at,
            internal=True,
            reopen=False,
        )
        _mark_used(inbound, ReplyUse.NOTE, user)
    return event


def _refuse_unless_reply_of(request: InterviewRequest, inbound: InboundMessage) -> None:
    if inbound.request_id != request.pk or inbound.kind != InboundKind.REPLY:
        raise ActionRefused(gettext("This email is not a reply filed under this request."))


def _mark_used(inbound: InboundMessage, use: str, user) -> None:
    # The latest use wins: the contact log and the answers' history keep every one.
    inbound.used_as, inbound.used_at, inbound.used_by = use, timezone.now(), user
    inbound.save(update_fields=["used_as", "used_at", "used_by"])


def _submit_from_email(request: InterviewRequest, *, user) -> InterviewRequest:
    return _transition(
        request,
        S.SUBMITTED,
        user=user,
        event={
            "channel": Channel.EMAIL,
            "direction": Direction.IN,
            "kind": EventKind.SUBMITTED,
            "who": request.contact.name,
            "summary": gettext("Answers submitted by email"),
        },
        after=_finalise_answers,
    )


def _finalise_answers(locked: InterviewRequest) -> None:
    """Every question gets a final answer (an empty one if none was written) and
    loses its "asked again" mark: what a submission, by form or email, means."""
    questions = list(InterviewQuestion.objects.filter(request=locked))
    existing = set(Answer.objects.filter(question__in=questions).values_list("question_id", flat=True))
    Answer.objects.bulk_create([Answer(question=q, is_final=True) for q in questions if q.pk not in existing])
    Answer.objects.filter(question__in=questions).update(is_final=True)
    InterviewQuestion.objects.filter(request=locked).update(change_requested=False)
