"""The company sign-off: the interviewee approves the final text before it goes live.

A case study whose workflow contains the task "Freigabe durch das Unternehmen"
(CompanySignOffTask) stops there: the contact of its accepted interview gets
an email with a personal link (casestudies.interviews.tokens, the questionnaire's rules)
to a read-only preview of the revision, each edited answer beside their
original. They approve the whole text, which moves the workflow on, or flag
answers and photos with comments, which sends the page back to its author
with the comments in Wagtail's workflow history.

- One SignOff row per task run: the revision shown, the deadline, the
  decision, who decided and a snapshot of the text: the evidence.
- A page without an accepted interview has nothing to sign off: the task is
  skipped, with the reason in the page history. A page that shows an
  interview but has no linked request (or whose contact has no email
  address) cannot be signed off: the task refuses, which sends the page back
  with the reason.
- A new run (a revised page, a restarted workflow) revokes every older link
  of the page. Edits after the company approved need a new sign-off:
  WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT makes Wagtail count an approval
  only for the revision it approved, so the workflow comes back to this task
  before it can publish.
- Beat sends one reminder per sign-off and notes the deadline passing; after
  the deadline an editor may override with a reason.
- Every step is a ContactEvent on the interview request (the contact log),
  and a Wagtail log entry or workflow comment on the page.
- Publishing goes through the workflow for a page that needs a sign-off: the
  editor's Publish button, bulk publishing, scheduled publishing and code all
  meet `publication_refusal` (via casestudies.publishing.last_notice), which lets a page
  live only with text the company approved (or an editor overrode), compared
  by content, so an unchanged re-save needs no new sign-off."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import TaskState, WorkflowTask

from blog.admin_users import admin_url, language_of
from casestudies import rows
from casestudies.interviews import contact_log, emails, tokens
from casestudies.interviews.models import (
    Channel,
    Direction,
    EventKind,
    InterviewRequest,
    OutgoingEmail,
)
from casestudies.interviews.statuses import ACCEPTED
from casestudies.pages.models import CaseStudyPage
from casestudies.signoff import content as signoff_content
from casestudies.signoff import links
from casestudies.signoff.models import SignOff, SignOffStatus

logger = logging.getLogger("casebook")


# Wagtail log actions on the page (registered in wagtail_hooks). Approval,
# flags and overrides are Wagtail's own workflow actions, with a comment.
LOG_ACTIONS: dict[str, tuple] = {
    "casestudies.signoff.requested": (_("Request company sign-off"), _("Company sign-off requested")),
    "casestudies.signoff.skipped": (_("Skip company sign-off"), _("Company sign-off skipped")),
    "casestudies.signoff.opened": (_("Open sign-off"), _("Sign-off preview opened by the company")),
    "casestudies.signoff.reminded": (_("Remind of sign-off"), _("Sign-off reminder sent")),
    "casestudies.signoff.overdue": (_("Sign-off overdue"), _("No reply from the company by the deadline")),
    "casestudies.signoff.cancelled": (_("Cancel company sign-off"), _("Company sign-off cancelled")),
}


class DecisionRefused(Exception):
    """The contact's decision cannot be taken (already decided, cancelled meanwhile)."""


# Setup ----------------------------------------------------------------------------------


# Looking things up ---------------------------------------------------------------------


def linked_request(page) -> InterviewRequest | None:
    """The accepted interview behind a case study, whose contact signs off."""
    if not isinstance(page, CaseStudyPage):
        return None
    return (
        InterviewRequest.objects.filter(case_study_id=page.pk, status__in=ACCEPTED)
        .select_related("contact", "company", "owner")
        .order_by("-status_changed_at", "-pk")
        .first()
    )


def current_sign_off(page) -> SignOff | None:
    task_state = page.current_workflow_task_state
    if task_state is None:
        return None
    return SignOff.objects.filter(task_state_id=task_state.pk).first()


def overdue_sign_off(page) -> SignOff | None:
    sign_off = current_sign_off(page)
    return sign_off if sign_off is not None and sign_off.is_overdue else None


def content_of(sign_off: SignOff) -> signoff_content.SignOffContent:
    page = sign_off.revision.as_object()
    return signoff_content.build(page, sign_off.request)


def signing_request(page) -> InterviewRequest | None:
    """The accepted interview whose contact must sign `page` off before it goes
    live, or None: only when the page's workflow has the sign-off task."""
    if not isinstance(page, CaseStudyPage) or not page.pk:
        return None
    workflow = page.get_workflow()
    if workflow is None or not workflow.active:
        return None
    # The sign-off task is a subclass of Wagtail's Task (casestudies.signoff.task).
    has_task = WorkflowTask.objects.filter(
        workflow=workflow, task__active=True, task__companysignofftask__isnull=False
    ).exists()
    return linked_request(page) if has_task else None


def _comparable(snapshot: dict) -> dict:
    # The same text in another revision is the same text.
    return {key: value for key, value in snapshot.items() if key != "revision"}


def signed_off(page, request: InterviewRequest) -> bool:
    """Whether the company approved (or an editor overrode) exactly this text."""
    decided = SignOff.objects.filter(
        page_id=page.pk, status__in=(SignOffStatus.APPROVED, SignOffStatus.OVERRIDDEN)
    ).values_list("snapshot", flat=True)
    if not decided:
        return False
    wanted = _comparable(signoff_content.snapshot(signoff_content.build(page, request), revision_id=None))
    return any(_comparable(snapshot or {}) == wanted for snapshot in decided)


def publication_refusal(page, at=None) -> str | None:
    """Why `page` (the content about to go live) may not go live without a new sign-off, or None."""
    request = signing_request(page)
    if request is None or signed_off(page, request):
        return None
    pending = current_sign_off(page) if page.pk else None
    if pending is not None and pending.status == SignOffStatus.PENDING:
        return gettext(
            "Waiting for %(contact)s to sign off this text until %(deadline)s. The page goes live once "
            "they approve; after that date you may go on without their sign-off, giving a reason."
        ) % {"contact": request.contact.name, "deadline": _date(pending.deadline)}
    return gettext(
        "%(contact)s has not signed off this text. Submit the page for review: the workflow asks the "
        "company first, and the page goes live once they approve."
    ) % {"contact": request.contact.name}


def direct_publish_refusal(page, at=None) -> str | None:
    """The Publish button in the editor publishes what is posted, which the
    company has not seen: a page that needs a sign-off goes live through its workflow."""
    request = signing_request(page)
    if request is None:
        return None
    return gettext(
        "This case study goes live through its workflow, so that %(contact)s signs off the final "
        "text: submit it for review."
    ) % {"contact": request.contact.name}


# Starting the task ---------------------------------------------------------------------


def begin(task, task_state: TaskState, *, user=None) -> TaskState:
    """Called by CompanySignOffTask.start: ask the company, skip, or refuse."""
    revision = task_state.revision
    page = revision.as_object()
    request = linked_request(page)
    with translation.override(settings.LANGUAGE_CODE):
        if request is None:
            if signoff_content.has_interview(page):
                return _refuse(
                    task_state,
                    gettext(
                        "Company sign-off not possible: this page shows an interview, but no accepted "
                        "interview request is linked to it, so there is no contact to ask. Link the "
                        "request to this case study and submit again."
                    ),
                )
            return _skip(
                task_state,
                page,
                gettext("Company sign-off skipped: no accepted interview is linked to this page."),
            )
        if not request.contact.email:
            return _refuse(
                task_state,
                gettext(
                    "Company sign-off not possible: the contact person has no email address. "
                    "Add one and submit again."
                ),
            )
        if signed_off(page, request):
            # A newer revision of a text the company approved (an autosave that
            # landed after the submission, an edit outside the text): asking
            # again would revoke the link the contact just used, for nothing.
            return _skip(
                task_state,
                page,
                gettext(
                    "Company sign-off not asked again: the contact person (%(company)s) already "
                    "approved this text."
                )
                % {"company": request.company.name},
            )
        _request_sign_off(task, task_state, page, request, user=user)
    return task_state


def _skip(task_state: TaskState, page, reason: str) -> TaskState:
    task_state.status = TaskState.STATUS_SKIPPED
    task_state.finished_at = timezone.now()
    task_state.comment = reason
    task_state.save(update_fields=["status", "finished_at", "comment"])
    log(page, "casestudies.signoff.skipped", revision=task_state.revision, data={"comment": reason})
    return task_state


def _refuse(task_state: TaskState, reason: str) -> TaskState:
    # No workflow update here: WorkflowState.update, which started this task,
    # sees the rejection and sends the page back with the reason.
    return task_state.reject(user=None, update=False, comment=reason)


def _request_sign_off(task, task_state, page, request: InterviewRequest, *, user) -> SignOff:
    now = timezone.now()
    _revoke_older_links(page.pk)
    sign_off = SignOff(
        request=request,
        page_id=page.pk,
        task_state=task_state,
        revision=task_state.revision,
        revision_number=task_state.revision.pk,
        requested_at=now,
        deadline=timezone.localdate(now) + datetime.timedelta(days=task.reply_days),
        remind_at=(now + datetime.timedelta(days=task.reminder_after_days))
        if task.reminder_after_days
        else None,
    )
    raw = links.issue_token(sign_off)
    sign_off.save()
    contact = request.contact
    contact_log.record(
        request=request,
        occurred_at=now,
        channel=Channel.EMAIL,
        direction=Direction.OUT,
        kind=EventKind.SIGNOFF_REQUESTED,
        user=user,
        summary=gettext(
            "Final text of “%(title)s” (revision %(revision)s) sent to the contact person for "
            "sign-off; reply by %(deadline)s"
        )
        % {"title": page.title, "revision": sign_off.revision_number, "deadline": _date(sign_off.deadline)},
    )
    log(
        page,
        "casestudies.signoff.requested",
        user=user,
        revision=task_state.revision,
        # The contact by role: the page's history outlives the person's data.
        data={"sign_off": sign_off.pk, "contact": contact.role, "deadline": sign_off.deadline.isoformat()},
    )
    emails.queue_email(
        key=f"signoff:{sign_off.pk}:request",
        to=contact.email,
        template="signoff_request",
        context=_contact_context(sign_off, page, url=links.url(raw)),
        language=request.language,
        request=request,
        contains_secret=True,
    )
    return sign_off


def _revoke_older_links(page_id: int) -> None:
    """A new revision sent for sign-off: older links of this page stop working."""
    SignOff.objects.filter(page_id=page_id, status=SignOffStatus.PENDING).update(
        status=SignOffStatus.SUPERSEDED, token_revoked=True
    )
    SignOff.objects.filter(page_id=page_id, token_revoked=False).update(token_revoked=True)


# The contact's steps ------------------------------------------------------------------------


def mark_opened(sign_off: SignOff) -> bool:
    """The first time the contact opens the preview (behind the redirect, with a session)."""
    now = timezone.now()
    if not rows.change_if(SignOff, sign_off.pk, expected={"opened_at__isnull": True}, opened_at=now):
        return False
    sign_off.opened_at = now
    with translation.override(settings.LANGUAGE_CODE):
        contact_log.record(
            request=sign_off.request,
            occurred_at=now,
            channel=Channel.FORM,
            direction=Direction.IN,
            kind=EventKind.SIGNOFF_OPENED,
            who=sign_off.request.contact.name,
            summary=gettext("Sign-off preview opened (revision %(revision)s)")
            % {"revision": sign_off.revision_number},
        )
    if sign_off.page_id:
        log(_page(sign_off), "casestudies.signoff.opened", data={"sign_off": sign_off.pk})
    return True


def approve(sign_off: SignOff) -> SignOff:
    """The contact approves the whole text: the workflow moves on."""
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        locked, task_state, content = _claim(sign_off, SignOffStatus.APPROVED)
        contact = locked.request.contact
        contact_log.record(
            request=locked.request,
            occurred_at=locked.decided_at,
            channel=Channel.FORM,
            direction=Direction.IN,
            kind=EventKind.SIGNOFF_APPROVED,
            who=contact.name,
            summary=gettext("Final text approved (revision %(revision)s)")
            % {"revision": locked.revision_number},
        )
        # Workflow comments outlive the person: the contact by role (the name is in the sign-off).
        comment = gettext(
            "Approved by the contact person (%(company)s) through the personal sign-off link."
        ) % {"company": locked.request.company.name}
        task_state.approve(user=None, comment=comment)
        _queue_decision_emails(locked, content)
    sign_off.refresh_from_db()
    return sign_off


def flag(sign_off: SignOff, flags: list[dict]) -> SignOff:
    """The contact flags answers or photos: the page goes back to its author with the comments."""
    if not flags:
        raise DecisionRefused(gettext("Nothing was flagged."))
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        locked, task_state, content = _claim(sign_off, SignOffStatus.FLAGGED, flags=flags)
        summary = flags_text(flags)
        contact_log.record(
            request=locked.request,
            occurred_at=locked.decided_at,
            channel=Channel.FORM,
            direction=Direction.IN,
            kind=EventKind.SIGNOFF_FLAGGED,
            who=locked.request.contact.name,
            summary=summary,
        )
        comment = (
            gettext("Changes asked for by the contact person (%(company)s):")
            % {"company": locked.request.company.name}
            + " "
            + summary
        )
        task_state.reject(user=None, comment=comment)
        _queue_decision_emails(locked, content)
    sign_off.refresh_from_db()
    return sign_off


def flags_text(flags: list[dict]) -> str:
    """The flags as one line each, for the workflow history, the contact log and emails."""
    lines = []
    for flag in flags:
        if flag["kind"] == "answer":
            where = gettext("Answer %(number)s (“%(question)s”)") % {
                "number": flag["number"],
                "question": _shorten(flag.get("question", "")),
            }
        elif flag["kind"] == "photo" and flag.get("caption"):
            where = gettext("Photo %(number)s (“%(caption)s”)") % {
                "number": flag["number"],
                "caption": _shorten(flag["caption"]),
            }
        elif flag["kind"] == "photo":
            where = gettext("Photo %(number)s") % {"number": flag["number"]}
        else:
            where = gettext("General")
        lines.append(f"{where}: {flag['comment']}")
    return "\n".join(lines)


def _claim(sign_off: SignOff, status: str, *, flags: list[dict] | None = None):
    """Lock the sign-off and record the decision; of two decisions exactly one wins."""
    locked = rows.lock(
        SignOff, sign_off.pk, related=("request__contact", "request__company", "request__owner", "revision")
    )
    task_state = TaskState.objects.filter(pk=locked.task_state_id).first()
    if (
        locked.status != SignOffStatus.PENDING
        or task_state is None
        or task_state.status != TaskState.STATUS_IN_PROGRESS
        or locked.revision is None
    ):
        raise DecisionRefused(gettext("This text has already been decided on."))
    content = signoff_content.build(locked.revision.as_object(), locked.request)
    snapshot = signoff_content.snapshot(content, revision_id=locked.revision_number)
    contact = locked.request.contact
    now = timezone.now()
    values = {
        "status": status,
        "decided_at": now,
        "decided_by": ", ".join(part for part in (contact.name, contact.role) if part)[:300],
        "decided_by_email": contact.email,
        "snapshot": snapshot,
        "snapshot_sha256": signoff_content.digest(snapshot),
        "flags": flags or [],
    }
    if not rows.change_if(SignOff, locked.pk, expected={"status": SignOffStatus.PENDING}, **values):
        raise DecisionRefused(gettext("This text has already been decided on."))
    for name, value in values.items():
        setattr(locked, name, value)
    return locked, task_state, content


# The editors' step ---------------------------------------------------------------------------


def override(task_state: TaskState, *, user, reason: str) -> SignOff:
    """After the deadline, without a reply: an editor lets the text go on, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise PermissionDenied("A reason is required.")
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        sign_off = rows.lock_first(
            SignOff, task_state_id=task_state.pk, related=("request__contact", "request__company", "revision")
        )
        task = task_state.task.specific
        if (
            sign_off is None
            or not sign_off.is_overdue
            or task_state.status != TaskState.STATUS_IN_PROGRESS
            or not task.may_override(user)
        ):
            raise PermissionDenied("Only an overdue sign-off can be overridden, by its editors.")
        now = timezone.now()
        sign_off.status = SignOffStatus.OVERRIDDEN
        sign_off.decided_at = now
        sign_off.overridden_by = user
        sign_off.override_reason = reason
        sign_off.token_revoked = True
        if sign_off.revision is not None:
            content = signoff_content.build(sign_off.revision.as_object(), sign_off.request)
            sign_off.snapshot = signoff_content.snapshot(content, revision_id=sign_off.revision_number)
            sign_off.snapshot_sha256 = signoff_content.digest(sign_off.snapshot)
        sign_off.save()
        contact_log.record(
            request=sign_off.request,
            occurred_at=now,
            direction=Direction.OUT,
            kind=EventKind.SIGNOFF_OVERRIDDEN,
            user=user,
            internal=True,
            summary=reason,
            outcome=gettext("Published without the company's sign-off (deadline %(deadline)s)")
            % {"deadline": _date(sign_off.deadline)},
        )
        comment = gettext(
            "Company sign-off overridden: no reply by the deadline (%(deadline)s). Reason: %(reason)s"
        ) % {"deadline": _date(sign_off.deadline), "reason": reason}
        task_state.approve(user=user, comment=comment)
    return sign_off


def on_task_cancelled(sender, instance, user=None, **kwargs) -> None:
    """The workflow was cancelled (or the page published directly): the link dies."""
    with translation.override(settings.LANGUAGE_CODE):
        for sign_off in SignOff.objects.filter(task_state_id=instance.pk, status=SignOffStatus.PENDING):
            rows.change_if(
                SignOff,
                sign_off.pk,
                expected={"status": SignOffStatus.PENDING},
                status=SignOffStatus.CANCELLED,
                token_revoked=True,
            )
            contact_log.record(
                sign_off.request,
                direction=Direction.OUT,
                kind=EventKind.NOTE,
                user=user,
                internal=True,
                summary=gettext(
                    "Sign-off request withdrawn: the workflow was cancelled; the link no longer works."
                ),
            )
            if sign_off.page_id:
                log(
                    _page(sign_off),
                    "casestudies.signoff.cancelled",
                    user=user,
                    data={"sign_off": sign_off.pk},
                )


# Time: one reminder, and the deadline ------------------------------------------------------------


def reminder_candidates(now: datetime.datetime):
    return SignOff.objects.filter(
        status=SignOffStatus.PENDING,
        reminder_sent_at__isnull=True,
        remind_at__lte=now,
        deadline__gte=timezone.localdate(now),
    ).values_list("pk", flat=True)


def send_reminder(pk: int, now: datetime.datetime | None = None) -> bool:
    """The one reminder of a sign-off, if it is due; True if this call queued it.

    Like the questionnaire's: a contact who never opened the link gets a
    fresh one (the unused old one stops working); one who did gets the
    address without a token, which works in the browser they used."""
    now = now or timezone.now()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        sign_off = rows.lock_first(SignOff, pk=pk, related=("request__contact", "request__company"))
        if (
            sign_off is None
            or sign_off.status != SignOffStatus.PENDING
            or sign_off.reminder_sent_at is not None
            or sign_off.remind_at is None
            or sign_off.remind_at > now
            or sign_off.deadline < timezone.localdate(now)
        ):
            return False
        key = f"signoff:{sign_off.pk}:reminder"
        if OutgoingEmail.objects.filter(key=key).exists():
            return False  # another beat sent it
        if sign_off.opened_at is None:
            url, secret = links.url(links.issue_token(sign_off)), True
        else:
            url, secret = tokens.absolute_url("interview:signoff", public_id=sign_off.public_id), False
        page = _page(sign_off)
        email = emails.queue_email(
            key=key,
            to=sign_off.request.contact.email,
            template="signoff_reminder",
            context={**_contact_context(sign_off, page, url=url), "fresh_link": secret},
            language=sign_off.request.language,
            request=sign_off.request,
            contains_secret=secret,
        )
        if email is None:
            return False
        sign_off.reminder_sent_at = now
        sign_off.save(update_fields=["reminder_sent_at", "token_hash", "token_expires_at", "token_revoked"])
        contact_log.record(
            request=sign_off.request,
            occurred_at=now,
            channel=Channel.EMAIL,
            direction=Direction.OUT,
            kind=EventKind.SIGNOFF_REMINDER,
            summary=gettext("Sign-off reminder sent to the contact person"),
        )
        if page is not None:
            log(page, "casestudies.signoff.reminded", data={"sign_off": sign_off.pk})
    return True


def send_due_reminders(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return sum(send_reminder(pk, now) for pk in list(reminder_candidates(now)))


def mark_overdue(now: datetime.datetime | None = None) -> int:
    """Note every sign-off whose deadline passed without a reply, once: in the
    contact log, in the page history and by email to the owner."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    noted = 0
    due = SignOff.objects.filter(status=SignOffStatus.PENDING, overdue_at__isnull=True, deadline__lt=today)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            if not SignOff.objects.filter(
                pk=pk, status=SignOffStatus.PENDING, overdue_at__isnull=True
            ).update(overdue_at=now):
                continue  # decided meanwhile, or another beat noted it
            sign_off = SignOff.objects.select_related(
                "request__contact", "request__company", "request__owner"
            ).get(pk=pk)
            contact_log.record(
                request=sign_off.request,
                occurred_at=now,
                direction=Direction.OUT,
                kind=EventKind.SIGNOFF_OVERDUE,
                summary=gettext("No reply to the sign-off request by the deadline (%(deadline)s)")
                % {"deadline": _date(sign_off.deadline)},
            )
            page = _page(sign_off)
            if page is not None:
                log(page, "casestudies.signoff.overdue", data={"sign_off": sign_off.pk})
            _queue_staff_emails(sign_off, page, "owner_signoff_overdue")
            noted += 1
    return noted


# Emails --------------------------------------------------------------------------------------


def _contact_context(sign_off: SignOff, page, *, url: str) -> dict:
    return {
        "sign_off": sign_off,
        "request": sign_off.request,
        "contact": sign_off.request.contact,
        "title": getattr(page, "title", ""),
        "url": url,
    }


def _queue_decision_emails(sign_off: SignOff, content) -> None:
    """A copy for the contact of what they decided; a notice for the page's people."""
    page = content.page
    emails.queue_email(
        key=f"signoff:{sign_off.pk}:received",
        to=sign_off.request.contact.email,
        template="signoff_received",
        context={
            **_contact_context(sign_off, page, url=""),
            "content": content,
            "flags_text": flags_text(sign_off.flags),
        },
        language=sign_off.request.language,
        request=sign_off.request,
    )
    _queue_staff_emails(sign_off, page, "owner_signoff_decided")


def _queue_staff_emails(sign_off: SignOff, page, template: str) -> None:
    """To the interview's owner and whoever submitted the page, once each."""
    task_state = TaskState.objects.filter(pk=sign_off.task_state_id).select_related("workflow_state").first()
    people = [sign_off.request.owner, task_state.workflow_state.requested_by if task_state else None]
    seen: set[str] = set()
    for person in people:
        if person is None or not person.email or person.email.lower() in seen:
            continue
        seen.add(person.email.lower())
        emails.queue_email(
            key=f"signoff:{sign_off.pk}:{template}:{person.pk}",
            to=person.email,
            template=template,
            context={
                "sign_off": sign_off,
                "request": sign_off.request,
                "contact": sign_off.request.contact,
                "title": getattr(page, "title", ""),
                "flags_text": flags_text(sign_off.flags),
                "admin_url": _edit_url(sign_off.page_id),
            },
            language=language_of(person),
            request=sign_off.request,
        )


def _edit_url(page_id: int | None) -> str:
    if page_id is None:
        return admin_url("wagtailadmin_home")
    return admin_url("wagtailadmin_pages:edit", page_id)


# Small helpers ----------------------------------------------------------------------------------


def _page(sign_off: SignOff):
    if sign_off.page_id is None:
        return None
    return CaseStudyPage.objects.filter(pk=sign_off.page_id).first()


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _shorten(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
