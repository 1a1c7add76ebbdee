"""The outbox: emails written in the transaction that decides them, and
relayed after commit (relay_email) or by the beat sweep
(relay_pending_emails), each row claimed for a lease so that it is sent at
least once and, short of a crash mid-send, once."""

from __future__ import annotations

import datetime
import hashlib
import logging
import queue
import secrets
import threading
from email.utils import parseaddr

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Case, F, Value, When
from django.utils import timezone

from casestudies import rows
from casestudies.companies import opt_out
from casestudies.interviews.models import OutgoingEmail

logger = logging.getLogger("casebook")

SWEEP_BATCH = 500
# Sent emails marked in one statement; after a crash at most this many go out twice.
MARK_SENT_EVERY = 50
# SMTP sessions per batch, each in its own thread: some build their next
# message while the others wait for the server (docs/decisions.md, "The
# outbox sends in batches").
SMTP_SESSIONS = 3
# How often a relay that found its row held by another attempt looks again.
RELAY_LEASE_RETRIES = 3


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, ... minutes, at most an hour between attempts."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def message_id(email: OutgoingEmail) -> str:
    """The same Message-ID for every attempt at one outbox row: should a crash
    ever make it go out twice, mail clients that deduplicate show it once."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "casebook.invalid"
    # A digest of the key: an invitation's key holds its token's hash.
    return f"<outbox.{email.pk}.{hashlib.sha256(email.key.encode()).hexdigest()[:20]}@{domain}>"


# How many earlier Message-IDs an email names in References (the newest ones).
THREAD_REFERENCES = 20


def thread_headers(emails: list[OutgoingEmail]) -> dict[int, dict[str, str]]:
    """In-Reply-To and References per email (by pk), naming its request's
    earlier emails to the contact: mail clients show one thread, and a reply to
    any of them (the invitation, a reminder, the last notice) carries a
    Message-ID of ours that files it under its request
    (interviews.inbound.addresses). One query for a whole batch."""
    threaded = [email for email in emails if email.request_id and email.reply_to]
    if not threaded:
        return {}
    earlier_by_request: dict[int, list[OutgoingEmail]] = {}
    for row in (
        OutgoingEmail.objects.filter(
            request_id__in={email.request_id for email in threaded}, status=OutgoingEmail.Status.SENT
        )
        .exclude(reply_to="")
        .only("pk", "key", "request_id")
        .order_by("pk")
    ):
        earlier_by_request.setdefault(row.request_id, []).append(row)
    headers = {}
    for email in threaded:
        earlier = [row for row in earlier_by_request.get(email.request_id, []) if row.pk < email.pk]
        if earlier:
            ids = [message_id(row) for row in earlier[-THREAD_REFERENCES:]]
            headers[email.pk] = {"In-Reply-To": ids[-1], "References": " ".join(ids)}
    return headers


def send_outgoing_email(pk: int, connection=None) -> bool:
    """Send one outbox row if it is due and no other relay holds it; True if this call sent it.

    Three steps, none of them inside a transaction that waits on the mail server:

    1. Claim: one conditional UPDATE, committed at once, moves the row to
       "sending" for a lease (OUTBOX_SEND_LEASE_SECONDS). Of two relays of
       one row (the after-commit task, its redelivery, the beat sweep, two
       beats) exactly one claims it, on SQLite as well; the others leave it
       alone until the lease runs out.
    2. Send.
    3. Mark it sent (its secret body wiped), or pending again with backoff,
       or failed after OUTBOX_MAX_ATTEMPTS.

    A process that dies during step 2 (killed, out of memory, machine lost)
    leaves the row "sending"; when the lease ends the sweep claims it again
    and sends it. If it died after the mail server accepted the message and
    before step 3, that second send is a duplicate. No outbox can avoid both
    that and a lost email (the server's "accepted" and our commit cannot be
    one atomic step); we choose at least once, because a lost invitation
    silently breaks an interview, and a failure story would claim a link
    was sent, while a duplicate costs an extra email, and carries the same
    Message-ID. The lease must outlast any send: EMAIL_TIMEOUT bounds each
    step of an SMTP conversation.

    `connection`: an open mail connection to send through (the sweep sends
    its whole batch through one); without it, one is opened for this email."""
    email = _claim(pk)
    if email is None:
        return False
    if (contact := opt_out.opted_out_contact(email.to)) is not None:
        _hold_back(email, contact)
        return False
    if not _deliver(email, connection, thread_headers([email]).get(email.pk, {})):
        return False
    _record_sent(email)
    return True


def _hold_back(email: OutgoingEmail, contact) -> None:
    # Queued before the contact opted out: it stays unsent.
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.FAILED, last_error=opt_out.explain(contact)[:2000]
    )


def _deliver(email: OutgoingEmail, connection, thread: dict[str, str]) -> bool:
    """Hand one claimed email to the mail server; on failure record it (backoff) and return False."""
    if (error := _transmit(email, connection, thread)) is not None:
        _record_failure(email, error)
        return False
    return True


class _OutboxMessage(EmailMultiAlternatives):
    """Django's email with its multipart boundary chosen here, at random, so
    that it cannot occur in the text: the standard library's generator would
    otherwise compile a regular expression per message to make sure it does
    not, a fifth of the cost of building one."""

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        if msg.is_multipart():
            msg.set_boundary(f"=_casebook_{secrets.token_hex(16)}")
        return msg


def _transmit(email: OutgoingEmail, connection, thread: dict[str, str]) -> Exception | None:
    """Build and send one email (`thread`: its thread_headers); the error if it
    failed. No database work: the batch runs this in its sending threads."""
    headers = {"Message-ID": message_id(email), **thread}
    if email.unsubscribe_url:
        headers |= {
            "List-Unsubscribe": f"<{email.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = _OutboxMessage(
        email.subject,
        email.text,
        settings.DEFAULT_FROM_EMAIL,
        [email.to],
        headers=headers,
        connection=connection,
    )
    if email.reply_to:
        # The request's own reply address: an answer is filed under it (inbound).
        message.reply_to = [email.reply_to]
    # Sent back by a provider's tracking webhook (django-anymail; ignored over SMTP).
    message.metadata = {"casebook_outbox": str(email.pk)}
    if email.html:
        message.attach_alternative(email.html, "text/html")
    try:
        message.send()
    except Exception as error:
        if connection is not None:
            # A shared session in an unknown state: the next send opens a new one.
            connection.close()
        return error
    return None


def _claim(pk: int) -> OutgoingEmail | None:
    now = timezone.now()
    lease_end = now + datetime.timedelta(seconds=settings.OUTBOX_SEND_LEASE_SECONDS)
    claimed = OutgoingEmail.objects.filter(
        pk=pk,
        status__in=[OutgoingEmail.Status.PENDING, OutgoingEmail.Status.SENDING],
        next_attempt_at__lte=now,
        attempts__lt=settings.OUTBOX_MAX_ATTEMPTS,
    ).update(status=OutgoingEmail.Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=lease_end)
    if not claimed:
        return None
    email = OutgoingEmail.objects.get(pk=pk)
    if email.attempts > 1 and not email.last_error:
        logger.warning("Outgoing email %s: the last attempt ended without a result; sending again", email.key)
    return email


def _record_failure(email: OutgoingEmail, error: Exception) -> None:
    now = timezone.now()
    fields = {"last_error": f"{type(error).__name__}: {error}"[:2000]}
    if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        fields["status"] = OutgoingEmail.Status.FAILED
        logger.error("Giving up on outgoing email %s after %s attempts", email.key, email.attempts)
    else:
        fields |= {"status": OutgoingEmail.Status.PENDING, "next_attempt_at": now + backoff(email.attempts)}
    # Only while the claim is still ours: after its lease another relay may hold the row.
    OutgoingEmail.objects.filter(
        pk=email.pk, status=OutgoingEmail.Status.SENDING, attempts=email.attempts
    ).update(**fields)


def _record_sent(email: OutgoingEmail) -> None:
    _record_sent_batch([email])


def _record_sent_batch(emails: list[OutgoingEmail]) -> None:
    now = timezone.now()
    for email in emails:
        if now > email.next_attempt_at:
            logger.warning(
                "Outgoing email %s was sent after its lease ran out: it may go out twice", email.key
            )
    text = OutgoingEmail._meta.get_field("text")
    wiped = Case(When(contains_secret=True, then=Value("")), default=F("text"), output_field=text)
    wiped_html = Case(When(contains_secret=True, then=Value("")), default=F("html"), output_field=text)
    # Whoever holds the rows now: they have gone out, nobody may send them again.
    OutgoingEmail.objects.filter(pk__in=[email.pk for email in emails]).exclude(
        status=OutgoingEmail.Status.SENT
    ).update(status=OutgoingEmail.Status.SENT, sent_at=now, last_error="", text=wiped, html=wiped_html)


def lease_left(pk: int) -> float | None:
    """Seconds until another relay may claim the row, if a relay holds it now."""
    lease_end = (
        OutgoingEmail.objects.filter(pk=pk, status=OutgoingEmail.Status.SENDING)
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if lease_end is None:
        return None
    left = (lease_end - timezone.now()).total_seconds()
    return left if left > 0 else None


@shared_task(bind=True, name="casestudies.tasks.relay_email", ignore_result=True)
def relay_email(self, pk: int) -> bool:
    if send_outgoing_email(pk):
        return True
    left = lease_left(pk)
    if left is not None and not self.request.is_eager and self.request.retries < RELAY_LEASE_RETRIES:
        # Another attempt holds the row: a relay still sending it, or one
        # whose process died (this task is then its redelivery). Look again
        # when that lease ends, instead of waiting for the next sweep.
        raise self.retry(countdown=left + 1, max_retries=RELAY_LEASE_RETRIES)
    return False


@shared_task(name="casestudies.tasks.relay_pending_emails", ignore_result=True)
def relay_pending_emails() -> int:
    """The beat sweep: everything due, whatever happened to its first relay,
    including rows whose relay died mid-send (their lease ran out)."""
    now = timezone.now()
    gave_up = OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.SENDING,
        next_attempt_at__lte=now,
        attempts__gte=settings.OUTBOX_MAX_ATTEMPTS,
    ).update(
        status=OutgoingEmail.Status.FAILED,
        last_error="The last attempt ended without a result (its process died).",
    )
    if gave_up:
        logger.error("Gave up on %s outgoing email(s) whose last attempt never finished", gave_up)
    return relay_batch(SWEEP_BATCH)


def _due(now: datetime.datetime):
    return OutgoingEmail.objects.filter(
        status__in=[OutgoingEmail.Status.PENDING, OutgoingEmail.Status.SENDING],
        next_attempt_at__lte=now,
        attempts__lt=settings.OUTBOX_MAX_ATTEMPTS,
    )


def relay_batch(limit: int) -> int:
    """Claim up to `limit` due emails in one statement and send them through
    one SMTP session; returns how many were sent.

    The batch is one claim (rows.claim: SKIP LOCKED on PostgreSQL), so two
    sweeps running at once send disjoint batches. The rows are marked sent
    MARK_SENT_EVERY at a time rather than one commit per email: a process
    that dies mid-batch leaves at most that many accepted emails unmarked,
    and they go out a second time, with the same Message-ID, after the
    lease (docs/decisions.md, "The outbox sends in batches"). Emails the
    batch did not reach before its lease nears its end are handed back."""
    now = timezone.now()
    lease_end = now + datetime.timedelta(seconds=settings.OUTBOX_SEND_LEASE_SECONDS)
    batch = rows.claim(
        _due(now),
        limit=limit,
        order_by=["next_attempt_at", "pk"],
        status=OutgoingEmail.Status.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=lease_end,
    )
    if not batch:
        return 0
    for email in batch:
        if email.attempts > 1 and not email.last_error:
            logger.warning(
                "Outgoing email %s: the last attempt ended without a result; sending again", email.key
            )
    objectors = opt_out.opted_out_contacts(email.to for email in batch)
    sendable = []
    for email in batch:
        if (contact := objectors.get(email.to.strip().lower())) is not None:
            _hold_back(email, contact)
        else:
            sendable.append(email)
    # Stop early enough that no send outlasts its claim (EMAIL_TIMEOUT bounds each SMTP step).
    margin = min(settings.EMAIL_TIMEOUT * 3, settings.OUTBOX_SEND_LEASE_SECONDS / 2)
    stop_at = lease_end - datetime.timedelta(seconds=margin)
    if not sendable:
        return 0
    outcomes: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()
    sessions = min(SMTP_SESSIONS, len(sendable))
    threads = thread_headers(sendable)
    senders = [
        threading.Thread(
            target=_send_share, args=(sendable[n::sessions], threads, outcomes, stop), daemon=True
        )
        for n in range(sessions)
    ]
    for sender in senders:
        sender.start()
    sent = 0
    done = set()
    unmarked: list[OutgoingEmail] = []
    try:
        finished = 0
        while finished < sessions:
            try:
                outcome = outcomes.get(timeout=1)
            except queue.Empty:
                outcome = ()
            if timezone.now() >= stop_at:
                stop.set()
            if outcome is None:
                finished += 1
                continue
            if not outcome:
                continue
            email, error = outcome
            done.add(email.pk)
            if error is not None:
                _record_failure(email, error)
                continue
            unmarked.append(email)
            if len(unmarked) >= MARK_SENT_EVERY:
                _record_sent_batch(unmarked)
                sent += len(unmarked)
                unmarked = []
        if unmarked:
            _record_sent_batch(unmarked)
            sent += len(unmarked)
    finally:
        # Also when this thread dies: the senders stop after their current email.
        stop.set()
        for sender in senders:
            sender.join()
    if left := [email for email in sendable if email.pk not in done]:
        _release(left, lease_end)
    return sent


def _send_share(
    emails: list[OutgoingEmail],
    threads: dict[int, dict[str, str]],
    outcomes: queue.SimpleQueue,
    stop: threading.Event,
) -> None:
    """One sending thread: its share of the batch through one SMTP session
    (a connect, greeting and QUIT per session, not per email). A server
    that cannot be reached now fails each email as before (backoff)."""
    connection = get_connection()
    try:
        connection.open()
    except OSError:
        connection = None
    try:
        for email in emails:
            if stop.is_set():
                break
            outcomes.put((email, _transmit(email, connection, threads.get(email.pk, {}))))
    finally:
        if connection is not None:
            connection.close()
        outcomes.put(None)


def _release(emails: list[OutgoingEmail], lease_end: datetime.datetime) -> None:
    """Hand claimed but unsent emails back: due now, the attempt not counted."""
    OutgoingEmail.objects.filter(
        pk__in=[email.pk for email in emails], status=OutgoingEmail.Status.SENDING, next_attempt_at=lease_end
    ).update(status=OutgoingEmail.Status.PENDING, attempts=F("attempts") - 1, next_attempt_at=timezone.now())
