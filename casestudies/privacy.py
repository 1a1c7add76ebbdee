"""What Casebook keeps about a person, found by email address: exported on
request, erased on request.

People here are company contacts (name, role, email, phone, language; their
requests, answers, photos, the contact log, the emails sent to them) and
readers who commented (name, email, text). Page views are counts only.

Erasure keeps the editorial record without the person: a contact becomes
"deleted contact" without email or phone; answers (with their earlier versions) and photos that never
reached an accepted case study are deleted; the emails sent to the address
are deleted; comments by the address are deleted; sign-off links stop working
and the sign-off record keeps what was approved, not who. Material already
accepted into a case study is listed for the editors, who decide about the page."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_comments import get_model as get_comment_model
from wagtail.models import Page
from wagtail.search import index

from blog import fragments, front_cache
from casestudies.companies.models import CompanyContact
from casestudies.interviews import photos as interview_photos
from casestudies.interviews.models import (
    Answer,
    EventKind,
    InboundMessage,
    InterviewRequest,
    InterviewStatus,
    OutgoingEmail,
)

logger = logging.getLogger("casebook")

ERASED_NAME = "Gelöschter Kontakt"
# What an address or phone number written into any other text becomes.
ERASED_DETAIL = "[gelöscht]"
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
        .prefetch_related(
            "questions__answer__revisions", "questions__change_requests", "photos", "events", "sign_offs"
        )
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
        # Everything else that names the person anywhere in the database:
        # internal log entries, Wagtail's history, revisions, workflow
        # comments, emails to editors about them, the search index.
        "mentions": [
            {"table": table, "column": column, "row": str(pk), "text": lines}
            for table, column, pk, text in _rows_naming(_identifiers(email, contacts))
            if (lines := lines_naming(text, _identifiers(email, contacts)))
        ],
    }


def _export_request(request: InterviewRequest) -> dict:
    return {
        "company": request.company.name,
        "status": request.status,
        "deadline": request.deadline.isoformat(),
        "decline_reason": request.decline_reason,
        "questions": [_export_question(q) for q in request.questions.all()],
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
        ],
    }


def _export_question(question) -> dict:
    answer = getattr(question, "answer", None)
    exported = {"question": question.text, "answer": getattr(answer, "text", "")}
    # Earlier versions of the answer (each submission round, answers taken from
    # an email) and what the editors asked again.
    revisions = answer.revisions.all() if answer is not None else []
    if revisions:
        exported["revisions"] = [
            {"round": r.round, "source": r.source, "when": r.created_at.isoformat(), "text": r.text}
            for r in revisions
        ]
    asked_again = question.change_requests.all()
    if asked_again:
        exported["asked_again"] = [
            {"after_round": c.round, "when": c.requested_at.isoformat(), "message": c.message}
            for c in asked_again
        ]
    return exported


@dataclass
class ErasureReport:
    contacts_anonymised: int = 0
    answers_deleted: int = 0
    photos_deleted: int = 0
    emails_deleted: int = 0
    comments_deleted: int = 0
    texts_rewritten: int = 0
    kept_in_case_studies: list[str] = field(default_factory=list)


@transaction.atomic
def erase_person(email: str) -> ErasureReport:
    report = ErasureReport()
    address = email.strip()
    contacts = list(_contacts(address))
    identifiers = _identifiers(address, contacts)
    for contact in contacts:
        names = {contact.name}
        for request in contact.interview_requests.select_related("company"):
            if request.status in ACCEPTED_STATES:
                report.kept_in_case_studies.append(f"{request.company.name} (#{request.pk})")
            else:
                report.answers_deleted += _delete_answers(request)
                report.photos_deleted += interview_photos.delete_photos(request.photos.all())
                # An erased person's link must stop working.
                InterviewRequest.objects.filter(pk=request.pk).update(token_revoked=True)
            request.events.filter(who__in=names).update(who=ERASED_NAME)
            # Their own words: why they declined, why they objected to our emails.
            InterviewRequest.objects.filter(pk=request.pk).update(decline_reason="")
            for event in request.events.filter(kind=EventKind.OPTED_OUT):
                with translation.override(settings.LANGUAGE_CODE):
                    event.summary = gettext("Opted out of emails from us.")
                event.save(update_fields=["summary"])
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
    # Whatever still names them (Wagtail's log labels and revisions, the page
    # that shows them as interviewee, workflow comments, an editor's note of
    # their number): the name, address and phone number are replaced in place.
    report.texts_rewritten = _rewrite_everywhere(identifiers)
    pages = _case_studies_of(contacts)
    _reindex_case_studies(pages)
    _forget_renderings(pages)
    logger.info("Personal data erased: %s", report)
    return report


# Finding and rewriting the person in every text of every model -------------------------------------


def _identifiers(email: str, contacts: Iterable[CompanyContact]) -> dict[str, str]:
    """The strings that identify the person, each with what it becomes on erasure."""
    found = {email.strip(): ERASED_DETAIL}
    for contact in contacts:
        found |= {contact.email: ERASED_DETAIL, contact.phone: ERASED_DETAIL, contact.name: ERASED_NAME}
    # Too short to be the person rather than part of any word (or already erased).
    return {k: v for k, v in found.items() if len(k.strip()) >= 4 and k != ERASED_NAME}


def _pattern(identifiers: Iterable[str]) -> re.Pattern:
    variants = set()
    for text in identifiers:
        variants |= {text, json.dumps(text)[1:-1]}  # as JSON stored as text escapes it
    return re.compile("|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True)), re.IGNORECASE)


def _text_fields(model) -> Iterator[models.Field]:
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if isinstance(f, (models.CharField, models.TextField)) or f.get_internal_type() == "JSONField":
            yield f


def _rows_naming(identifiers: dict[str, str]) -> Iterator[tuple[str, str, object, str]]:
    """(table, column, pk, text) of every row of every model whose text or JSON names the person.
    Generic over the installed models: a new table cannot escape the export or the erasure."""
    if not identifiers:
        return
    needles = {variant for text in identifiers for variant in (text, json.dumps(text)[1:-1])}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in _text_fields(model):
            as_text = Cast(f.attname, models.TextField())
            query = models.Q()
            for needle in needles:
                query |= models.Q(_privacy_text__icontains=needle)
            rows = model._base_manager.annotate(_privacy_text=as_text).filter(query)
            for pk, text in rows.values_list("pk", "_privacy_text"):
                yield model._meta.db_table, f.column, pk, text


def lines_naming(text: str, identifiers: Iterable[str]) -> list[str]:
    """The pieces of a stored text that name the person: lines of plain text,
    strings inside JSON (JSON inside JSON too, as in a revision's body)."""
    pattern = _pattern(identifiers)
    found: list[str] = []

    def visit(value) -> None:
        if isinstance(value, dict):
            for item in value.values():
                visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, str) and pattern.search(value):
            try:
                inner = json.loads(value)
            except ValueError:
                found.extend(line for line in value.splitlines() if pattern.search(line))
            else:
                if isinstance(inner, (dict, list)):
                    visit(inner)
                else:
                    found.extend(line for line in str(inner).splitlines() if pattern.search(line))

    for line in (text or "").splitlines():
        if pattern.search(line):
            try:
                visit(json.loads(line))
            except ValueError:
                found.append(line)
    return found


def _rewrite(value, replace):
    if isinstance(value, dict):
        return {key: _rewrite(item, replace) for key, item in value.items()}
    if isinstance(value, list):
        return [_rewrite(item, replace) for item in value]
    if isinstance(value, str):
        try:
            inner = json.loads(value)
        except ValueError:
            return replace(value)
        if isinstance(inner, (dict, list)):
            return json.dumps(_rewrite(inner, replace))
        return replace(value)
    return value


def _rewrite_everywhere(identifiers: dict[str, str]) -> int:
    pattern = _pattern(identifiers)
    lowered = {key.lower(): value for key, value in identifiers.items()}
    lowered |= {json.dumps(key)[1:-1].lower(): value for key, value in identifiers.items()}

    def replace(text: str) -> str:
        return pattern.sub(lambda match: lowered.get(match.group(0).lower(), ERASED_DETAIL), text)

    rewritten = 0
    for table, column, pk, text in list(_rows_naming(identifiers)):
        model = next(m for m in apps.get_models(include_auto_created=True) if m._meta.db_table == table)
        field_ = next(f for f in model._meta.concrete_fields if f.column == column)
        if field_.get_internal_type() == "JSONField":
            new = _rewrite(json.loads(text), replace)
        else:
            new = replace(text)
            if field_.max_length:
                new = new[: field_.max_length]
        model._base_manager.filter(pk=pk).update(**{field_.name: new})
        rewritten += 1
    return rewritten


def _case_studies_of(contacts: list[CompanyContact]) -> list:
    page_ids = InterviewRequest.objects.filter(contact__in=contacts).exclude(case_study=None)
    return list(Page.objects.filter(pk__in=page_ids.values("case_study_id")).specific())


def _reindex_case_studies(pages: list) -> None:
    """The search index holds the pages' text as it was: index the rewritten pages again."""
    for page in pages:
        index.insert_or_update_object(page)


def _forget_renderings(pages: list) -> None:
    """The texts were rewritten in place, without a new revision or a signal:
    the page cache, the fragments and the stored renderings (blog) would keep
    showing the person until they expire. Emptied now; the case studies that
    named them are purged from the front cache once this commits."""
    fragments.invalidate()
    front_cache.pages_changed(pages)


def _delete_answers(request: InterviewRequest) -> int:
    # Their revisions (the earlier versions) go with them.
    _, deleted = Answer.objects.filter(question__request=request).delete()
    return deleted.get(Answer._meta.label, 0)
