"""Background work at scale: folding page-view counters from Redis into the
database, and the outbox relaying queued emails to a real SMTP server
(aiosmtpd in its own process) against a bare smtplib loop sending the same
messages to the same server."""

from __future__ import annotations

import copy
import datetime
import smtplib
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from blog import pageviews
from blog.models import PageViewDay
from casestudies.interviews import outbox
from casestudies.interviews.models import InterviewRequest, InterviewStatus, OutgoingEmail
from casestudies.models import CaseStudyPage

from . import seed

# Counters land on days long past, so that "most read" stays as seeded.
FOLD_FIRST_DAY = datetime.date(2001, 1, 1)
OUTBOX_KEY_PREFIX = "bench-outbox:"


def fold_pageviews(counters: int, *, log=print) -> dict:
    """`counters` page-and-day counters in Redis (every seeded case study, on
    as many days as it takes), folded by blog.pageviews.flush_counters."""
    client = pageviews._redis()
    if client is None:
        raise RuntimeError("page views: REDIS_URL is not set")
    page_ids = list(
        CaseStudyPage.objects.filter(slug__startswith=seed.PREFIX).order_by("pk").values_list("pk", flat=True)
    )
    pageviews.flush_counters()  # what the latency runs counted: not part of this figure
    written = 0
    day = FOLD_FIRST_DAY
    while written < counters:
        batch = page_ids[: counters - written]
        pipe = client.pipeline(transaction=False)
        for start in range(0, len(batch), 5000):
            pipe.hset(
                pageviews._key("day", day.isoformat()),
                mapping={page: 1 + page % 7 for page in batch[start : start + 5000]},
            )
        pipe.execute()
        written += len(batch)
        day += datetime.timedelta(days=1)
    expected = sum(1 + page % 7 for page in page_ids) * (written // len(page_ids)) + sum(
        1 + page % 7 for page in page_ids[: written % len(page_ids)]
    )
    log(f"background: folding {written:,} page-view counters")
    with _statements_on_every_connection() as queries:
        started = time.perf_counter()
        cpu = time.process_time()
        moved = pageviews.flush_counters()
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    if moved != expected:
        raise RuntimeError(f"page views: {moved} views folded, {expected} expected")
    PageViewDay.objects.filter(day__lt=FOLD_FIRST_DAY + datetime.timedelta(days=3650)).delete()
    return {
        "counters": written,
        "views": moved,
        "seconds": seconds,
        "cpu": cpu,
        "queries": len(queries),
        "writers": pageviews.FOLD_WRITERS if connection.vendor == "postgresql" else 1,
    }


@contextmanager
def _statements_on_every_connection():
    """SQL statements sent on this thread's connection and on every one opened
    meanwhile (the fold writes on PostgreSQL from threads of its own)."""
    statements: list[str] = []
    lock = threading.Lock()

    def count(execute, sql, params, many, context):
        with lock:
            statements.append(sql)
        return execute(sql, params, many, context)

    def watch(sender, connection, **kwargs):
        if count not in connection.execute_wrappers:
            connection.execute_wrappers.append(count)

    connection_created.connect(watch)
    try:
        with connection.execute_wrapper(count):
            yield statements
    finally:
        connection_created.disconnect(watch)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server():
    """aiosmtpd in its own process (not this one's GIL), discarding what it gets."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("aiosmtpd did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _queue(first: int, count: int) -> list[OutgoingEmail]:
    now = timezone.now() - datetime.timedelta(seconds=1)
    rows = [
        OutgoingEmail(
            key=f"{OUTBOX_KEY_PREFIX}{n}",
            to=f"kontakt{n}@example.com",
            subject=f"Erinnerung: Ihr Interview ({n})",
            text="Guten Tag,\n\nwir warten noch auf Ihre Antworten.\n\n" * 8,
            html="<p>Guten Tag,</p><p>wir warten noch auf Ihre Antworten.</p>" * 8,
            next_attempt_at=now,
        )
        for n in range(first, first + count)
    ]
    return OutgoingEmail.objects.bulk_create(rows, batch_size=1000)


def relay_outbox(count: int, *, rounds: int = 4, log=print) -> dict:
    """Relay `count` queued emails with the beat sweep (relay_pending_emails,
    repeated until nothing is due) and send the same messages with a bare
    smtplib loop over one connection; both against one aiosmtpd server.
    The two take turns in `rounds` rounds of count/rounds emails each, so
    that a change in the machine's load falls on both sides alike."""
    with smtp_server() as port:
        mail = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }
        relay_seconds = smtplib_seconds = 0.0
        log(f"background: outbox relaying {count:,} emails to aiosmtpd on port {port}, in {rounds} rounds")
        with override_settings(**mail):
            OutgoingEmail.objects.filter(key__startswith=OUTBOX_KEY_PREFIX).delete()
            first = 0
            for round_ in range(rounds):
                size = count // rounds + (1 if round_ < count % rounds else 0)
                rows = _queue(first, size)
                first += size
                # The same bytes the outbox sends, built before the clock starts.
                messages = []
                for row in rows:
                    message = EmailMultiAlternatives(
                        row.subject,
                        row.text,
                        settings.DEFAULT_FROM_EMAIL,
                        [row.to],
                        headers={"Message-ID": outbox.message_id(row)},
                    )
                    message.attach_alternative(row.html, "text/html")
                    messages.append((row.to, message.message().as_bytes(linesep="\r\n")))
                started = time.perf_counter()
                while outbox.relay_pending_emails():
                    pass
                relay_seconds += time.perf_counter() - started
                started = time.perf_counter()
                with smtplib.SMTP("127.0.0.1", port) as smtp:
                    for to, data in messages:
                        smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [to], data)
                smtplib_seconds += time.perf_counter() - started
            done = OutgoingEmail.objects.filter(
                key__startswith=OUTBOX_KEY_PREFIX, status=OutgoingEmail.Status.SENT
            ).count()
            if done != count:
                raise RuntimeError(f"outbox: {done} of {count} emails sent")
            OutgoingEmail.objects.filter(key__startswith=OUTBOX_KEY_PREFIX).delete()
    return {
        "count": count,
        "relay_seconds": relay_seconds,
        "smtplib_seconds": smtplib_seconds,
        "relay_rate": count / relay_seconds,
        "smtplib_rate": count / smtplib_seconds,
        "ratio": smtplib_seconds / relay_seconds,
    }


class _Rollback(Exception):
    pass


def _clones(template: InterviewRequest, count: int, **fields) -> None:
    from casestudies.interviews.models import _new_public_id

    rows = []
    for number in range(count):
        clone = copy.copy(template)
        clone.pk = clone.id = None
        clone.public_id = _new_public_id()
        clone.token_hash = None
        clone.last_contacted_at = clone.replied_by_email_at = clone.away_until = None
        clone.remind_after_days, clone.remind_before_deadline_days = "3, 7", 2
        for name, value in fields.items():
            setattr(clone, name, value(number) if callable(value) else value)
        rows.append(clone)
    InterviewRequest.objects.bulk_create(rows, batch_size=2000)


def scans(sizes: tuple[int, int] = (10_000, 100_000), due: int = 50, *, template=None, log=print) -> dict:
    """The reminder and the expiry scan (the beat jobs) with `due` requests
    due, among sizes[0] and then sizes[1] requests that wait (sent today, the
    deadline weeks away): the time must follow what is due, not what waits.
    Everything is written inside a transaction that is rolled back."""
    from casestudies.interviews import reminders
    from casestudies.interviews import states as interview_states

    template = template or seed.bench_request()
    now = timezone.now()
    today = timezone.localdate()
    waiting = {
        "status": InterviewStatus.SENT,
        "sent_at": now,
        "deadline": today + datetime.timedelta(days=30),
        # As after the scan that read them once: the next slot in a few days.
        "next_reminder_at": lambda number: now + datetime.timedelta(days=3, seconds=number),
    }
    jobs = {
        "reminder scan": (
            reminders.send_due_reminders,
            dict(
                waiting,
                sent_at=now - datetime.timedelta(days=4),
                next_reminder_at=now - datetime.timedelta(days=1),
            ),
        ),
        "expiry scan": (
            interview_states.expire_overdue,
            dict(
                waiting,
                sent_at=now - datetime.timedelta(days=40),
                deadline=today - datetime.timedelta(days=1),
            ),
        ),
    }
    results: dict = {name: [] for name in jobs}

    def run_once(job, due_fields) -> tuple[int, float, int]:
        try:
            with transaction.atomic():
                _clones(template, due, **due_fields)
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    done = job()
                    seconds = time.perf_counter() - started
                raise _Rollback
        except _Rollback:
            pass
        return done, seconds, len(queries)

    # A warm-up round first, as on a worker that has run before: the first
    # run fills process caches (content types: 4 queries) that later runs
    # skip, which made the first size look as if it needed more queries.
    for job, due_fields in jobs.values():
        run_once(job, due_fields)
    try:
        with transaction.atomic():
            made = 0
            for size in sizes:
                log(f"background: {size:,} waiting interview requests")
                _clones(template, size - made, **waiting)
                made = size
                # Statistics as autovacuum keeps them on a live table: without
                # them the planner takes 100,000 fresh rows for a handful.
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {InterviewRequest._meta.db_table}")
                for name, (job, due_fields) in jobs.items():
                    done, seconds, queries = run_once(job, due_fields)
                    results[name].append(
                        {"waiting": size, "due": due, "done": done, "seconds": seconds, "queries": queries}
                    )
            raise _Rollback
    except _Rollback:
        pass
    return results
