"""Do not contact: a contact's objection to our emails, and the one rule that
keeps anything from going to their address afterwards.

Every email to a contact carries a link to /interview/optout/<signed>/. The
signed part is the contact's id signed with SECRET_KEY (django.core.signing,
with its own salt): it cannot be guessed or altered, nothing about it is
stored, and it needs no login. Opening the link shows a page; only its button
(or a mail program's one-click POST, RFC 8058) records the objection, so a
mail scanner that fetches links changes nothing.

The rule: nothing is written to the outbox for an address that a contact
who opted out has, and nothing still pending in the outbox is sent to it
(emails.queue_email and tasks.send_outgoing_email both ask `opted_out_contact`).
Editors' actions that would email such a contact are refused with the reason;
jobs (reminders) skip them.

Only the person can take the objection back, from the same link (a click by
mistake): editors have no button for it, because "they said yes on the phone"
is not something the admin can check."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from casestudies.companies.models import CompanyContact
from casestudies.companies.signals import contact_opted_in, contact_opted_out
from casestudies.refusals import ActionRefused

SALT = "casestudies.opt-out"


class ContactOptedOut(ActionRefused):
    def __init__(self, contact: CompanyContact):
        self.contact = contact
        super().__init__(explain(contact))


def explain(contact: CompanyContact) -> str:
    """“Dana Beispiel objected on 3 March 2026 to getting emails from us.” (+ the reason)"""
    message = gettext("%(name)s objected on %(date)s to getting emails from us.") % {
        "name": contact.name,
        "date": formats.date_format(timezone.localtime(contact.opted_out_at), "DATE_FORMAT"),
    }
    if contact.opt_out_reason:
        message += " " + gettext("Reason: %(reason)s") % {"reason": contact.opt_out_reason}
    return message


def opt_out_url(contact: CompanyContact) -> str:
    signed = signing.dumps(contact.pk, salt=SALT)
    # The configured base URL, never the Host header, as for every link in an email.
    return f"{settings.SITE_BASE_URL}{reverse('interview:opt_out', kwargs={'signed': signed})}"


def contact_for(signed: str) -> CompanyContact | None:
    try:
        pk = signing.loads(signed, salt=SALT)
    except signing.BadSignature:
        return None
    return CompanyContact.objects.filter(pk=pk).select_related("company").first()


def recipient(address: str) -> CompanyContact | None:
    """The contact behind an address, one who opted out first; None for anyone else."""
    if not address:
        return None
    return (
        CompanyContact.objects.filter(email__iexact=address.strip())
        .order_by(F("opted_out_at").asc(nulls_last=True), "pk")
        .first()
    )


def opted_out_contact(address: str) -> CompanyContact | None:
    """THE rule: the contact who objected to mail to this address, if any."""
    return opted_out_contacts([address]).get(_normal(address))


def _normal(address: str) -> str:
    return address.strip().lower()


def opted_out_contacts(addresses: Iterable[str]) -> dict[str, CompanyContact]:
    """The rule for many addresses in one query (the outbox sends in batches):
    each address (trimmed, lower-cased) whose contact objected, mapped to the
    contact who objected first."""
    wanted = {_normal(address) for address in addresses if address and address.strip()}
    if not wanted:
        return {}
    objected = (
        CompanyContact.objects.annotate(address=Lower("email"))
        .filter(address__in=wanted, opted_out_at__isnull=False)
        .order_by("opted_out_at", "pk")
    )
    found: dict[str, CompanyContact] = {}
    for contact in objected:
        found.setdefault(contact.address, contact)
    return found


def _same_person(contact: CompanyContact) -> list[int]:
    """Every contact record with this contact's address: an objection is the person's, not the record's."""
    if not contact.email:
        return [contact.pk]
    return list(CompanyContact.objects.filter(email__iexact=contact.email).values_list("pk", flat=True))


@transaction.atomic
def record(contact: CompanyContact, reason: str = "") -> bool:
    """Record the objection (for every contact record with the same address);
    the interview requests log it (contact_opted_out). False if it was recorded before."""
    ids = _same_person(contact)
    updated = CompanyContact.objects.filter(pk__in=ids, opted_out_at__isnull=True).update(
        opted_out_at=timezone.now(), opt_out_reason=reason.strip()[:2000]
    )
    if not updated:
        return False
    contact_opted_out.send(sender=CompanyContact, contact_ids=ids, reason=reason.strip())
    return True


@transaction.atomic
def withdraw(contact: CompanyContact) -> bool:
    """The person takes the objection back: emails may go to the address again
    (nothing held back meanwhile is sent after all). False if there was none."""
    ids = _same_person(contact)
    updated = CompanyContact.objects.filter(pk__in=ids, opted_out_at__isnull=False).update(
        opted_out_at=None, opt_out_reason=""
    )
    if not updated:
        return False
    contact_opted_in.send(sender=CompanyContact, contact_ids=ids)
    return True
