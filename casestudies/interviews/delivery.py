"""Whether our emails reached the contact: the one place that says so.

A failure story says in public that a company did not answer; that is only
fair if an email of ours arrived. An email to the contact (one with the
request's reply address) that came back as a hard bounce never arrived. A
request whose emails all bounced has not reached anyone until an email to a
working address went out; until then it cannot become a failure story, and
the responsiveness figures leave it out while it stays unanswered."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext

from casestudies.interviews.models import InterviewRequest, OutgoingEmail


def _contact_emails(request_ref) -> QuerySet:
    return OutgoingEmail.objects.filter(request=request_ref).exclude(reply_to="")


def never_reached(request: InterviewRequest) -> bool:
    """Our email to the contact bounced, and none has gone to a working address since."""
    emails = _contact_emails(request)
    if not emails.filter(bounce="hard").exists():
        return False
    if request.contact.email_undeliverable:
        return True
    return not (
        emails.filter(status=OutgoingEmail.Status.SENT, to__iexact=request.contact.email)
        .exclude(bounce="hard")
        .exists()
    )


def undeliverable_condition(contact: str = "contact") -> Q:
    """The contact's current address bounced for good ("nicht zustellbar"),
    CompanyContact.email_undeliverable as a condition on rows (`contact`: the path to it)."""
    return Q(**{f"{contact}__undeliverable_email__iexact": F(f"{contact}__email")}) & ~Q(
        **{f"{contact}__email": ""}
    )


def never_reached_condition() -> Q:
    """never_reached as a condition on InterviewRequest rows (for counting in one query)."""
    bounced = _contact_emails(OuterRef("pk")).filter(bounce="hard")
    delivered = (
        _contact_emails(OuterRef("pk"))
        .filter(status=OutgoingEmail.Status.SENT, to__iexact=OuterRef("contact__email"))
        .exclude(bounce="hard")
    )
    return Exists(bounced) & (undeliverable_condition() | ~Exists(delivered))


def failure_refusal(request: InterviewRequest) -> str:
    """Why this request may not become a failure story for lack of an answer ("" if it may)."""
    if request.replied_by_email_at is not None:
        return gettext(
            "The contact answered by email on %(date)s: that is not silence. Turn the reply into answers "
            "or a note instead."
        ) % {"date": formats.date_format(timezone.localtime(request.replied_by_email_at), "DATE_FORMAT")}
    if never_reached(request):
        return gettext(
            "Our email never reached the contact: it bounced. Add another address and send a new link; "
            "only an email that arrived and went unanswered makes a failure story."
        )
    return ""
