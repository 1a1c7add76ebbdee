"""Faults on real services: Redis stopped or hung while a contact submits, a
worker killed in the middle of sending an email, PostgreSQL restarting under a
running web process and worker, and a burst of concurrent autosaves.

Each test owns the services it breaks (tests/faults.py): its own redis-server,
its own PostgreSQL cluster, its own gunicorn and Celery worker running the
production settings. The machine's shared services are never touched."""

from __future__ import annotations

import os
import random
import re
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.core import mail

from casestudies.interviews import states as interview_states
from casestudies.models import Answer, ContactEvent, EventKind, InterviewStatus, OutgoingEmail
from tests.faults import Contact, wait_until
from tests.interviews.factories import InterviewRequestFactory
from tests.interviews.helpers import link_in, token_of
from tests.worker import test_database_url as database_url_of_this_test

SWEEP = "casestudies.tasks.relay_pending_emails"  # what beat queues every minute
RELAY = "casestudies.tasks.relay_email"  # what a commit queues for each new email
THANKS = "Vielen Dank! Ihre Antworten wurden abgeschickt."


def invite(interview) -> str:
    """Send the invitation (in this process) and return the token from its link."""
    interview_states.send(interview, user=interview.owner)
    return token_of(link_in(mail.outbox[-1]))


def status_of(email: OutgoingEmail) -> str:
    return OutgoingEmail.objects.values_list("status", flat=True).get(pk=email.pk)


# --- 1. Redis fails while a contact submits ------------------------------------------


@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fault", ["stopped", "hung"])
def test_a_submission_while_redis_is_down_is_saved_at_once_and_its_emails_leave_once_it_is_back(
    fault, own_redis, launch, mail_log
):
    interview = InterviewRequestFactory()
    first, second = interview.questions.order_by("sort_order")
    token = invite(interview)
    web = launch.web(REDIS_URL=own_redis.url())
    worker = launch.worker(own_redis)  # runs all along, as in production
    contact = Contact(web.url)
    contact.open(token)
    assert contact.post({first.pk: "Gespeichert, solange Redis lief."}).status_code == 200

    if fault == "stopped":
        own_redis.stop()  # connections refused
    else:
        own_redis.pause()  # connections accepted, nothing answered
    started = time.monotonic()
    response = contact.post(
        {first.pk: "Die Kampagne kam aus dem Vorstand.", second.pk: "Mehr zuhören."}, action="submit"
    )
    elapsed = time.monotonic() - started

    # The contact sees the thank-you page at once, not a hang or an error.
    assert response.status_code == 200, response.text[:3000]
    assert THANKS in response.text
    assert elapsed < 3, f"submitting took {elapsed:.1f} s with Redis {fault}"
    # Everything is in the database: the answers, and the emails in the outbox.
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED
    assert dict(Answer.objects.filter(question__request=interview).values_list("text", "is_final")) == {
        "Die Kampagne kam aus dem Vorstand.": True,
        "Mehr zuhören.": True,
    }
    emails = list(OutgoingEmail.objects.filter(request=interview).exclude(key__contains=":invitation:"))
    assert sorted(e.to for e in emails) == sorted([interview.contact.email, interview.owner.email])
    assert {status_of(e) for e in emails} == {"pending"}
    assert mail_log.delivered() == []

    # Redis is back. The worker reconnects by itself, and beat's sweep (or a
    # relay the hung Redis took after all) sends what is pending, once.
    if fault == "stopped":
        own_redis.start()
    else:
        own_redis.resume()
    worker.run(SWEEP, timeout=60)
    if fault == "stopped":
        assert "Connection to broker lost" in worker.output(10**6)  # and found again
    wait_until(
        lambda: {status_of(e) for e in emails} == {"sent"}, 20, "the emails sent", diagnostics=worker.output
    )
    worker.run(SWEEP)  # a later sweep, and any relay queued meanwhile, send nothing again
    delivered = mail_log.delivered()
    assert sorted(r["to"][0] for r in delivered) == sorted(e.to for e in emails), mail_log
    assert len(set(mail_log.deliveries())) == len(delivered)


# --- 2. The worker dies while it sends an email -----------------------------------


def outbox_row(**fields) -> OutgoingEmail:
    interview = InterviewRequestFactory()
    return OutgoingEmail.objects.create(
        key=f"fault-test:{interview.pk}",
        to=interview.contact.email,
        subject="Ihre Fragen",
        text="Guten Tag",
        request=interview,
        **fields,
    )


@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_while_sending_an_email_leaves_it_sent_exactly_once(
    own_redis, launch, mail_log
):
    email = outbox_row()
    worker = launch.worker(own_redis, OUTBOX_SEND_LEASE_SECONDS="2")
    mail_log.hold()

    task_id = worker.send(RELAY, email.pk)
    sending = wait_until(
        lambda: mail_log.records("sending"), 20, "the send starting", diagnostics=worker.output
    )
    pool_process = sending[0]["pid"]
    assert pool_process in worker.pool_pids()
    os.kill(pool_process, signal.SIGKILL)  # before the mail server accepted it
    mail_log.release()

    # The pool replaces its process, and the task comes back (late ack,
    # rejected on worker loss). It finds the row claimed by the dead attempt,
    # waits for that lease to run out, and sends the email: once.
    wait_until(lambda: status_of(email) == "sent", 30, "the email sent", diagnostics=worker.output)
    log = worker.output(10**6)
    assert "WorkerLostError" in log
    assert log.count(f"relay_email[{task_id}] received") >= 2, "the task was not redelivered"
    worker.run(SWEEP)
    worker.run(RELAY, email.pk)  # the same task delivered once more does nothing
    assert len(mail_log.delivered()) == 1, mail_log
    assert all(r["pid"] != pool_process for r in mail_log.delivered())


@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_outright_while_sending_an_email_sends_it_exactly_once_after_a_restart(
    own_redis, launch, mail_log
):
    email = outbox_row()
    lease = {"OUTBOX_SEND_LEASE_SECONDS": "2"}
    worker = launch.worker(own_redis, **lease)
    mail_log.hold()

    worker.send(RELAY, email.pk)
    wait_until(lambda: mail_log.records("sending"), 20, "the send starting", diagnostics=worker.output)
    worker.kill()  # the whole worker, as the OOM killer or a lost machine would
    mail_log.release()
    assert status_of(email) != "sent"

    # Its unacknowledged task waits for the broker's visibility timeout
    # (minutes); the beat sweep of a new worker sends the email meanwhile, once.
    restarted = launch.worker(own_redis, **lease)
    wait_until(
        lambda: restarted.run(SWEEP) and status_of(email) == "sent",
        30,
        "the sweep sending the email",
        diagnostics=restarted.output,
    )
    restarted.run(RELAY, email.pk)  # the old task, when it finally comes back
    assert len(mail_log.delivered()) == 1, mail_log


# --- 3. PostgreSQL restarts under a running web process and worker ----------------


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_web_process_and_the_worker_keep_working_when_postgresql_restarts(
    postgres, demo, own_postgres, own_redis, launch, mail_log
):
    interview = InterviewRequestFactory()
    token = invite(interview)
    database = own_postgres.copy_database(database_url_of_this_test(), "casebook")
    # One thread: every request uses the connection opened before the restart.
    web = launch.web(threads=1, DATABASE_URL=database, REDIS_URL=own_redis.url())
    worker = launch.worker(own_redis, DATABASE_URL=database)
    assert web.get("/").status_code == 200
    worker.run(SWEEP)  # both now hold a database connection

    own_postgres.restart()  # every connection is closed

    # Neither process is restarted. Readers get the home page at once ...
    assert [web.get("/").status_code for _ in range(3)] == [200, 200, 200], launch.output()
    # ... a contact submits, and the worker sends the emails this queued.
    contact = Contact(web.url)
    contact.open(token)
    first, second = interview.questions.order_by("sort_order")
    response = contact.post({first.pk: "Nach dem Neustart.", second.pk: "Alles da."}, action="submit")
    assert response.status_code == 200 and THANKS in response.text, response.text[:3000]
    wait_until(
        lambda: len(mail_log.delivered()) == 2,
        20,
        "the emails of the submission sent",
        diagnostics=launch.output,
    )
    worker.run(SWEEP)
    assert web.process.running() and worker.process.running()
    assert len(mail_log.delivered()) == 2, mail_log


# --- 4. Concurrent autosaves ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_autosaves_lose_nothing_and_the_newest_text_of_each_answer_wins(launch):
    interview = InterviewRequestFactory(questions=[f"Frage {n}" for n in range(1, 5)])
    questions = list(interview.questions.order_by("sort_order"))
    token = invite(interview)
    web = launch.web(threads=20)
    contact = Contact(web.url)
    contact.open(token)

    # A browser tab saves each answer five times as the contact types; every
    # save carries the tab's next sequence number. The network delivers them
    # all at once, in any order.
    saves = []
    for version in range(1, 6):
        for question in questions:
            saves.append((question.pk, f"{question.text}: Fassung {version}", str(len(saves) + 1)))
    random.Random(8).shuffle(saves)
    start = threading.Barrier(len(saves))

    def autosave(question_id: int, text: str, seq: str):
        browser = contact.same_browser()
        start.wait(timeout=30)
        return browser.autosave(question_id, text, revision_tab="tab-1", revision_seq=seq)

    with ThreadPoolExecutor(len(saves)) as pool:
        responses = list(pool.map(lambda save: autosave(*save), saves))

    assert [r.status_code for r in responses] == [200] * 20, [r.text[:300] for r in responses]
    assert all(r.json()["ok"] for r in responses)
    stored = dict(Answer.objects.filter(question__request=interview).values_list("question_id", "text"))
    assert stored == {q.pk: f"{q.text}: Fassung 5" for q in questions}
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert ContactEvent.objects.filter(request=interview, kind=EventKind.SAVED).count() == 1


# --- 5. Redis hangs under readers: the circuit breaker -------------------------------

BREAKER_SECONDS = 3
READERS = 4


def timed(call) -> tuple[int, float]:
    started = time.monotonic()
    response = call()
    return response.status_code, time.monotonic() - started


def at_once(call) -> list[tuple[int, float]]:
    """`call` made by four readers at the same moment: (status, seconds) of each."""
    start = threading.Barrier(READERS)

    def one(_):
        start.wait(timeout=30)
        return timed(call)

    with ThreadPoolExecutor(READERS) as pool:
        return list(pool.map(one, range(READERS)))


@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_redis_hung_every_page_answers_in_a_second_and_a_half_then_at_its_normal_pace(
    demo, own_redis, launch, mail_log
):
    interview = InterviewRequestFactory()
    first, second = interview.questions.order_by("sort_order")
    token = invite(interview)
    web = launch.web(
        REDIS_URL=own_redis.url(), PAGE_CACHE_SECONDS="300", REDIS_BREAKER_SECONDS=str(BREAKER_SECONDS)
    )
    worker = launch.worker(own_redis)
    contact = Contact(web.url)
    contact.open(token)
    saves = iter(range(1, 10_000))

    def autosave():
        return contact.same_browser().autosave(
            first.pk, f"Entwurf {next(saves)}", revision_tab="tab-1", revision_seq=str(next(saves))
        )

    editor = requests.Session()
    login = editor.get(f"{web.url}/admin/login/", timeout=15)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    editor.post(
        f"{web.url}/admin/login/",
        data={"csrfmiddlewaretoken": csrf, "username": demo["admin"].username, "password": "casebook-demo"},
        headers={"Referer": f"{web.url}/admin/login/"},
        timeout=15,
    )

    def admin_page():
        with requests.Session() as session:  # a Session is not thread-safe: one per reader
            session.cookies.update(editor.cookies)
            return session.get(f"{web.url}/admin/", timeout=15)

    story = demo["article"].get_url()
    fresh = iter(range(1, 10_000))  # a query of its own: no stored copy, the page is made
    pages = {
        "/": lambda: web.get(f"/?reader={next(fresh)}"),
        "a case study": lambda: web.get(f"{story}?reader={next(fresh)}"),
        "a wrong questionnaire link": lambda: web.get(f"/interview/{'x' * 43}/"),
        "the questionnaire": lambda: contact.same_browser().http.get(contact.page_url, timeout=15),
        "an autosave": autosave,
        "the admin's dashboard": admin_page,
    }
    expected = {name: 404 if "wrong" in name else 200 for name in pages}
    for call in pages.values():
        at_once(call)  # warm: templates loaded, connections open, copies cached
    # Normal: made with Redis answering (without the page cache's copy, which
    # a hung Redis cannot give), four readers at once.
    normal = {name: max(seconds for _, seconds in at_once(call)) for name, call in pages.items()}
    assert web.get("/healthz/").json()["status"] == "ok"
    assert admin_page().url.endswith("/admin/"), "the editor is logged in"

    own_redis.pause()  # connections accepted, nothing answered
    measured = {}
    for name, call in pages.items():
        time.sleep(BREAKER_SECONDS + 0.2)  # the breaker probes Redis again: a first request after the hang
        hang = at_once(call)
        after = at_once(call)
        measured[name] = (normal[name], hang, after)
        assert [status for status, _ in hang + after] == [expected[name]] * 2 * READERS, (
            name,
            measured[name],
        )
        assert max(seconds for _, seconds in hang) <= 1.5, (name, measured[name])
        # Twice the normal time, and a quarter second for a busy test machine.
        assert max(seconds for _, seconds in after) <= 2 * normal[name] + 0.25, (name, measured[name])
    for _ in range(2):  # a probe that meets the hung Redis, then the open breaker
        time.sleep(BREAKER_SECONDS + 0.2)
        status, seconds = timed(lambda: web.get("/healthz/"))
        health = web.get("/healthz/")
        assert status == 503 and seconds <= 1, (status, seconds)
        assert health.json()["failed"] == ["cache"] and health.json()["checks"]["database"] is True
    response = contact.post(
        {first.pk: "Abgeschickt, als Redis hing.", second.pk: "Alles da."}, action="submit"
    )
    assert response.status_code == 200 and THANKS in response.text, response.text[:3000]
    print("with Redis hung (normal s, first after the hang, after):", measured)

    own_redis.resume()
    # Within the breaker's time the site uses Redis again: the page cache
    # serves its copies, the health check is green, the emails go out once.
    time.sleep(BREAKER_SECONDS + 0.2)
    wait_until(lambda: web.get("/healthz/").status_code == 200, 5, "healthz green", diagnostics=launch.output)
    web.get("/")
    assert web.get("/").headers.get("X-Casebook-Cache") == "hit"
    worker.run(SWEEP, timeout=60)
    emails = list(OutgoingEmail.objects.filter(request=interview).exclude(key__contains=":invitation:"))
    wait_until(
        lambda: {status_of(e) for e in emails} == {"sent"}, 20, "the emails sent", diagnostics=worker.output
    )
    worker.run(SWEEP)
    assert sorted(r["to"][0] for r in mail_log.delivered()) == sorted(e.to for e in emails), mail_log
    assert dict(Answer.objects.filter(question__request=interview).values_list("text", "is_final")) == {
        "Abgeschickt, als Redis hing.": True,
        "Alles da.": True,
    }
