"""What Casebook keeps about a person, found by email address: exported on
request, erased on request.

People here are company contacts (name, role, email, phone, language; their
requests, answers, photos, the contact log, the emails sent to them) and
readers who commented (name, email, text). Page views are counts only.

Erasure keeps the editorial record without the person: a contact becomes
"deleted contact" without email or phone; answers and photos that never
reached an accepted case study are deleted; the emails sent to the address
are deleted; comments by the address are deleted; sign-off links stop working
and the sign-off record keeps what was approved, not who. Material already
accepted into a case study is listed for the editors, who decide about the page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_comments import get_model as get_comment_model

from casestudies.companies.models import CompanyContact
from casestudies.interviews.models import (
    Answer,
    InboundMessage,
    InterviewRequest,
    InterviewStatus,
    OutgoingEmail,
)

ERASED_NAME = "Gelöschter Kontakt"
# Requests whose answers and photos already became (or are becoming) a case study.
ACCEPTED_STATES = {InterviewStatus.ACCEPTED, InterviewStatus.PUBLISHED}


def _contacts(email: str):
    return CompanyContact.objects.filter(email__iexact=email.strip()).select_related("company")


def _inbound(email: str, contacts) -> QuerySet:
    """Mail that came in from the address, or about the person's requests."""
    about_them = InterviewRequest.objects.filter(contact__in=contacts).values("pk")
    return InboundMessage.objects.filter(Q(sender__icontains=email.strip()) | Q(request__in=about_them))


def export_person(email: str) -> dict:
    """Everything stored about the person behind this address, as plain data."""
    contacts = list(_contacts(email))
    requests = (
        InterviewRequest.objects.filter(contact__in=contacts)
        .select_related("company")
        .prefetch_related("questions__answer", "photos", "events", "sign_offs")
    )
    comments = get_comment_model().objects.filter(user_email__iexact=email.strip())
    return {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "contacts": [
            {
                "company": c.company.name,
                "name": c.name,
                "role": c.role,
                "email": c.email,
                "phone": c.phone,
                "language": c.language,
                "opted_out_at": c.opted_out_at and c.opted_out_at.isoformat(),
                "opt_out_reason": c.opt_out_reason,
            }
            for c in contacts
        ],
        "interview_requests": [_export_request(r) for r in requests],
        "emails_received": [
            {"subject": m.subject, "sent_at": m.sent_at and m.sent_at.isoformat(), "status": m.status}
            for m in OutgoingEmail.objects.filter(to__iexact=email.strip())
        ],
        # Incoming mail (interviews.inbound): what they sent us, and bounces of our emails to them.
        "emails_sent_to_us": [
            {
                "received": m.received_at.isoformat(),
                "kind": m.kind,
                "from": m.sender,
                "subject": m.subject,
                "text": m.body,
            }
            for m in _inbound(email, contacts)
        ],
        "undeliverable": [
            {"address": c.undeliverable_email, "since": c.undeliverable_at and c.undeliverable_at.isoformat()}
            for c in contacts
            if c.undeliverable_email
        ],
        "comments": [
            {
                "name": c.user_name,
                "text": c.comment,
                "written": c.submit_date.isoformat(),
                "approved": c.is_public,
            }
            for c in comments
        ],
    }


def _export_request(request: InterviewRequest) -> dict:
    return {
        "company": request.company.name,
        "status": request.status,
        "deadline": request.deadline.isoformat(),
        "decline_reason": request.decline_reason,
        "questions": [
            {"question": q.text, "answer": getattr(getattr(q, "answer", None), "text", "")}
            for q in request.questions.all()
        ],
        "photos": [
            {
                "caption": p.caption,
                "credit": p.credit,
                "consent_text": p.consent_text,
                "consent_version": p.consent_version,
                "consent_at": p.consent_at.isoformat(),
                "uploaded_at": p.uploaded_at.isoformat(),
            }
            for p in request.photos.all()
        ],
        "sign_offs": [
            {
                "requested_at": s.requested_at.isoformat(),
                "revision": s.revision_number,
                "status": s.status,
                "decided_at": s.decided_at and s.decided_at.isoformat(),
                "decided_by": s.decided_by,
                "text_decided_on": s.snapshot,
                "flags": s.flags,
            }
            for s in request.sign_offs.all()
        ],
        "contact_log": [
            {
                "when": e.occurred_at.isoformat(),
                "date_known_to_the": e.date_precision,
                "channel": e.channel,
                "direction": e.direction,
                "kind": e.kind,
                "who": e.who,
                "summary": e.summary,
                "outcome": e.outcome,
            }
            for e in request.events.all()
            if not e.internal
        ],
    }


@dataclass
class ErasureReport:
    contacts_anonymised: int = 0
    answers_deleted: int = 0
    photos_deleted: int = 0
    emails_deleted: int = 0
    comments_deleted: int = 0
    kept_in_case_studies: list[str] = field(default_factory=list)


@transaction.atomic
def erase_person(email: str) -> ErasureReport:
    report = ErasureReport()
    address = email.strip()
    contacts = list(_contacts(address))
    for contact in contacts:
        names = {contact.name}
        for request in contact.interview_requests.select_related("company"):
            if request.status in ACCEPTED_STATES:
                report.kept_in_case_studies.append(f"{request.company.name} (#{request.pk})")
            else:
                report.answers_deleted += _delete_answers(request)
                report.photos_deleted += _delete_photos(request.photos.all())
                # An erased person's link must stop working.
                InterviewRequest.objects.filter(pk=request.pk).update(token_revoked=True)
            request.events.filter(who__in=names).update(who=ERASED_NAME)
            # Sign-offs stay as the editorial record of what was approved, without the person.
            request.sign_offs.exclude(decided_by="").update(decided_by=ERASED_NAME)
            request.sign_offs.update(decided_by_email="", token_revoked=True)
        contact.name = ERASED_NAME
        contact.email = ""
        contact.phone = ""
        # The date of an objection stays (the record needs no address); its words go.
        contact.opt_out_reason = ""
        contact.save(update_fields=["name", "email", "phone", "opt_out_reason"])
        report.contacts_anonymised += 1
    report.emails_deleted, _ = OutgoingEmail.objects.filter(to__iexact=address).delete()
    inbound_deleted, _ = _inbound(address, contacts).delete()
    report.emails_deleted += inbound_deleted
    CompanyContact.objects.filter(pk__in=[c.pk for c in contacts]).update(
        undeliverable_email="", undeliverable_reason=""
    )
    report.comments_deleted, _ = get_comment_model().objects.filter(user_email__iexact=address).delete()
    return report


def _delete_answers(request: InterviewRequest) -> int:
    deleted, _ = Answer.objects.filter(question__request=request).delete()
    return deleted


def _delete_photos(photos) -> int:
    count = 0
    for photo in list(photos):
        for stored in (photo.file, photo.thumbnail):
            if stored:
                transaction.on_commit(lambda f=stored: f.storage.delete(f.name))
        photo.delete()
        count += 1
    return count
