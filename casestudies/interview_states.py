"""The one place that changes an interview request's status.

    draft -> sent -> opened -> in_progress -> submitted -> accepted -> published
                                              submitted -> changes_requested -> in_progress
    sent | opened | in_progress -> declined | expired
    any state before accepted   -> withdrawn

Every transition runs in one transaction: it locks the request row, moves the
status with a conditional UPDATE (so of two racing transitions exactly one
wins, on SQLite as well), writes a ContactEvent and a Wagtail log entry and
queues its emails in the outbox. A transition that is not allowed raises
TransitionNotAllowed and changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from . import emails, tokens
from .models import (
    Answer,
    Channel,
    ContactEvent,
    Direction,
    EventKind,
    InterviewPhoto,
    InterviewQuestion,
    InterviewRequest,
    ProcessingState,
    ReviewState,
)
from .models import (
    InterviewStatus as S,
)
from .signals import interview_accepted

ALLOWED: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SENT, S.WITHDRAWN}),
    S.SENT: frozenset({S.OPENED, S.DECLINED, S.EXPIRED, S.WITHDRAWN}),
    S.OPENED: frozenset({S.IN_PROGRESS, S.DECLINED, S.EXPIRED, S.WITHDRAWN}),
    S.IN_PROGRESS: frozenset({S.SUBMITTED, S.DECLINED, S.EXPIRED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.CHANGES_REQUESTED, S.WITHDRAWN}),
    S.CHANGES_REQUESTED: frozenset({S.IN_PROGRESS, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.PUBLISHED}),
    S.PUBLISHED: frozenset(),
    S.DECLINED: frozenset(),
    S.EXPIRED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# The contact may still write answers and upload photos in these.
EDITABLE = frozenset({S.OPENED, S.IN_PROGRESS, S.CHANGES_REQUESTED})
# A new questionnaire link may be sent in these.
LINK_RESENDABLE = frozenset({S.SENT, S.OPENED, S.IN_PROGRESS, S.CHANGES_REQUESTED})

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
}


class ActionRefused(Exception):
    """An action on an interview request that cannot be done; the message says why."""


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


def _lock(request: InterviewRequest) -> InterviewRequest:
    # of=self: the owner is an outer join, which PostgreSQL cannot lock.
    return (
        InterviewRequest.objects.select_for_update(of=("self",))
        .select_related("contact", "owner")
        .get(pk=request.pk)
    )


def _refresh(stale: InterviewRequest, fresh: InterviewRequest) -> InterviewRequest:
    for field in (
        "status",
        "status_changed_at",
        "token_hash",
        "token_expires_at",
        "token_revoked",
        "decline_reason",
        "last_contacted_at",
        "reminders_sent",
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
) -> InterviewRequest:
    with transaction.atomic():
        locked = _lock(request)
        current = locked.status
        if target not in ALLOWED.get(current, ()):
            raise TransitionNotAllowed(current, target)
        now = timezone.now()
        # The conditional update is what makes "exactly one wins" hold even
        # where select_for_update is a no-op (SQLite).
        claimed = InterviewRequest.objects.filter(pk=locked.pk, status=current).update(
            status=target, status_changed_at=now, updated_at=now
        )
        if claimed != 1:
            raise TransitionNotAllowed(current, target)
        locked.status, locked.status_changed_at = target, now
        if prepare:
            prepare(locked)
        if extra_fields:
            locked.save(update_fields=list(extra_fields))
        ContactEvent.objects.create(
            request=locked,
            occurred_at=now,
            recorded_by=user if getattr(user, "pk", None) else None,
            **{"direction": Direction.OUT, **event},
        )
        log(locked, f"casestudies.interview.{target}", user=user, data={"from": current, "to": target})
        if after:
            after(locked)
    return _refresh(request, locked)


def _who(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# Editors' transitions -----------------------------------------------------


def send(request: InterviewRequest, *, user) -> InterviewRequest:
    """Send the invitation with a fresh questionnaire link."""
    if not request.contact.email:
        raise NoEmailAddress()
    raw: list[str] = []

    def prepare(locked: InterviewRequest) -> None:
        raw.append(tokens.issue_token(locked))
        locked.last_contacted_at = timezone.now()

    return _transition(
        request,
        S.SENT,
        user=user,
        event={
            "channel": Channel.EMAIL,
            "kind": EventKind.INVITATION,
            "who": _who(user),
            "summary": gettext("Questionnaire link sent to %(email)s") % {"email": request.contact.email},
        },
        extra_fields=["token_hash", "token_expires_at", "token_revoked", "last_contacted_at"],
        prepare=prepare,
        after=lambda locked: emails.queue_invitation(locked, raw[0]),
    )


def resend_link(request: InterviewRequest, *, user) -> InterviewRequest:
    """A new link (the old one stops working), without changing the status."""
    if not request.contact.email:
        raise NoEmailAddress()
    with transaction.atomic():
        locked = _lock(request)
        if locked.status not in LINK_RESENDABLE:
            raise ActionRefused(
                gettext(
                    "A new link can only be sent while the request waits for answers (now: “%(status)s”)."
                )
                % {"status": S(locked.status).label}
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
        ContactEvent.objects.create(
            request=locked,
            channel=Channel.EMAIL,
            direction=Direction.OUT,
            kind=EventKind.REMINDER,
            who=_who(user),
            recorded_by=user,
            summary=gettext("New questionnaire link sent to %(email)s") % {"email": locked.contact.email},
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
        event={"channel": Channel.EMAIL, "kind": EventKind.NOTE, "who": _who(user), "summary": message},
        extra_fields=["token_hash", "token_expires_at", "token_revoked"],
        prepare=prepare,
        after=after,
    )


def accept(request: InterviewRequest, *, user) -> InterviewRequest:
    """Accept the submission: its photos that were neither sent back nor failed
    processing are accepted. Turning it into a draft case study is up to the receivers of
    signals.interview_accepted, called inside this transaction."""

    def after(locked: InterviewRequest) -> None:
        InterviewPhoto.objects.filter(request=locked, review_state=ReviewState.PENDING).exclude(
            processing_state=ProcessingState.FAILED
        ).update(review_state=ReviewState.ACCEPTED)
        interview_accepted.send(sender=InterviewRequest, request=locked, user=user)

    return _transition(
        request,
        S.ACCEPTED,
        user=user,
        event={
            "kind": EventKind.STATE_CHANGE,
            "who": _who(user),
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
            "who": _who(user),
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
            "who": _who(user),
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
    internal: bool = False,
) -> ContactEvent:
    """Record a call, a letter, an email written elsewhere: no status change."""
    with transaction.atomic():
        event = ContactEvent.objects.create(
            request=request,
            channel=channel,
            direction=direction,
            kind=kind,
            summary=summary,
            outcome=outcome,
            who=who or _who(user),
            occurred_at=occurred_at or timezone.now(),
            internal=internal,
            recorded_by=user,
        )
        log(
            request,
            "casestudies.interview.contact_logged",
            user=user,
            data={"channel": channel, "kind": kind, "event": event.pk},
        )
    return event


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
        questions = list(InterviewQuestion.objects.filter(request=locked))
        existing = set(Answer.objects.filter(question__in=questions).values_list("question_id", flat=True))
        Answer.objects.bulk_create(
            [Answer(question=q, is_final=True) for q in questions if q.pk not in existing]
        )
        Answer.objects.filter(question__in=questions).update(is_final=True)
        InterviewQuestion.objects.filter(request=locked).update(change_requested=False)
        emails.queue_submission_emails(locked)

    with transaction.atomic():
        current = _lock(request).status
        if current in (S.OPENED, S.CHANGES_REQUESTED):
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
    return _transition(
        request,
        S.EXPIRED,
        event={
            "kind": EventKind.STATE_CHANGE,
            "internal": False,
            "summary": gettext("Deadline passed without an answer"),
        },
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
