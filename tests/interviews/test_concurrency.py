"""Races. Those that need real row locks run on PostgreSQL only (SQLite ignores
select_for_update); two tabs saving at once must work on both."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from casestudies.interviews import outbox, tokens
from casestudies.interviews import states as interview_states
from casestudies.models import Answer, ContactEvent, InterviewRequest, InterviewStatus, OutgoingEmail

from .factories import InterviewRequestFactory


def race(count: int, action) -> list:
    """Run `action` in `count` threads (each with its own connection) released at once."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
def test_of_twenty_concurrent_submissions_exactly_one_wins(postgres, transactional_db):
    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)
    for question in interview.questions.all():
        Answer.objects.create(question=question, text="Antwort.")

    results = race(20, lambda: interview_states.submit(InterviewRequest.objects.get(pk=interview.pk)))

    winners = [r for r in results if isinstance(r, InterviewRequest)]
    refused = [r for r in results if isinstance(r, interview_states.TransitionNotAllowed)]
    assert (len(winners), len(refused)) == (1, 19), results
    assert ContactEvent.objects.filter(request=interview, kind="submitted").count() == 1
    assert OutgoingEmail.objects.filter(key__contains=":confirmation:").count() == 1
    assert len([m for m in mail.outbox if m.to == [interview.contact.email]]) == 1


@pytest.mark.postgres
def test_two_relays_of_one_email_send_it_once(postgres, transactional_db):
    interview = InterviewRequestFactory()
    email = OutgoingEmail.objects.create(key="race", to="a@b.test", subject="s", text="t", request=interview)

    results = race(2, lambda: outbox.send_outgoing_email(email.pk))

    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)


@pytest.mark.postgres
def test_beats_running_the_reminder_job_at_once_send_one_email_per_slot(postgres, transactional_db):
    import datetime

    from django.utils import timezone

    from casestudies.interviews import reminders
    from casestudies.models import ReminderSlot

    interviews = [
        InterviewRequestFactory(deadline=timezone.localdate() + datetime.timedelta(days=30)) for _ in range(3)
    ]
    for interview in interviews:
        interview_states.send(interview, user=interview.owner)
    mail.outbox.clear()
    start = timezone.now()

    for days, slot in ((3.5, "after-3"), (7.5, "after-7")):
        now = start + datetime.timedelta(days=days)
        results = race(8, lambda now=now: reminders.send_due_reminders(now))

        assert not [r for r in results if isinstance(r, Exception)], results
        assert sum(results) == 3, results
        assert ReminderSlot.objects.filter(slot=slot, outcome="sent").count() == 3
        assert OutgoingEmail.objects.filter(key__endswith=f":reminder:{slot}").count() == 3

    for interview in interviews:
        received = [m for m in mail.outbox if m.to == [interview.contact.email]]
        assert len(received) == 2, [m.subject for m in received]
        assert ContactEvent.objects.filter(request=interview, kind="reminder").count() == 2


@pytest.mark.postgres
def test_without_the_row_lock_the_unique_slot_still_lets_one_beat_win(
    postgres, transactional_db, monkeypatch
):
    """The database's unique (request, slot) constraint holds on its own: with
    select_for_update made a no-op, racing beats still queue one email."""
    import datetime

    from django.db.models import QuerySet
    from django.utils import timezone

    from casestudies.interviews import reminders

    interview = InterviewRequestFactory(deadline=timezone.localdate() + datetime.timedelta(days=30))
    interview_states.send(interview, user=interview.owner)
    mail.outbox.clear()
    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, *args, **kwargs: self)
    now = timezone.now() + datetime.timedelta(days=3.5)

    results = race(8, lambda: reminders.send_reminder(interview.pk, now))

    assert sorted(results) == [False] * 7 + [True], results
    assert OutgoingEmail.objects.filter(key__contains=":reminder:").count() == 1
    assert len(mail.outbox) == 1


# Through the questionnaire, as browsers send them ------------------------------------


def contact_with_session(interview: InterviewRequest) -> tuple[Client, str]:
    """A browser that followed the interview's link: its client and the questionnaire URL."""
    raw = tokens.issue_token(interview)
    interview.status = InterviewStatus.OPENED
    interview.save()
    browser = Client()
    url = browser.get(f"/interview/{raw}/")["Location"]
    assert browser.get(url).status_code == 200
    return browser, url


def same_browser(browser: Client) -> Client:
    """Another tab: the same cookies, its own connection."""
    tab = Client()
    tab.cookies = browser.cookies
    return tab


@pytest.mark.postgres
def test_twenty_concurrent_submits_through_the_questionnaire_exactly_one_wins(postgres, transactional_db):
    interview = InterviewRequestFactory()
    browser, url = contact_with_session(interview)
    data = {f"answer_{q.pk}": f"Antwort {q.sort_order}." for q in interview.questions.all()} | {
        "action": "submit"
    }

    responses = race(20, lambda: same_browser(browser).post(url, data))

    # Every click ends on the thank-you page; none of them sees an error.
    assert [getattr(r, "status_code", r) for r in responses] == [302] * 20, responses
    assert {r["Location"] for r in responses} == {url}
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED
    assert ContactEvent.objects.filter(request=interview, kind="submitted").count() == 1
    assert len([m for m in mail.outbox if m.to == [interview.contact.email]]) == 1
    assert sorted(Answer.objects.filter(question__request=interview).values_list("text", "is_final")) == [
        ("Antwort 0.", True),
        ("Antwort 1.", True),
    ]


@pytest.mark.parametrize("same_question", [False, True], ids=["different-questions", "same-question"])
def test_two_tabs_saving_at_the_same_moment(transactional_db, same_question):
    # On PostgreSQL the request's row lock orders them; on SQLite the write lock
    # taken at BEGIN (settings: transaction_mode IMMEDIATE) makes one wait.
    interview = InterviewRequestFactory()
    browser, url = contact_with_session(interview)
    first, second = (f"answer_{q.pk}" for q in interview.questions.order_by("sort_order"))
    tab_b_field = first if same_question else second
    posts = [{first: "Aus Tab A.", "action": "save"}, {tab_b_field: "Aus Tab B.", "action": "save"}]

    responses = race(2, lambda: same_browser(browser).post(url, posts.pop()))

    assert [getattr(r, "status_code", r) for r in responses] == [200, 200], responses
    texts = set(Answer.objects.filter(question__request=interview).values_list("text", flat=True))
    if same_question:
        assert texts in ({"Aus Tab A."}, {"Aus Tab B."})  # the last write wins
    else:
        assert texts == {"Aus Tab A.", "Aus Tab B."}


def test_two_autosaves_at_the_same_moment_both_land(transactional_db):
    interview = InterviewRequestFactory()
    browser, url = contact_with_session(interview)
    saves = [{"question": q.pk, "text": f"Automatisch {q.sort_order}."} for q in interview.questions.all()]

    responses = race(2, lambda: same_browser(browser).post(url + "autosave/", saves.pop()))

    assert [getattr(r, "status_code", r) for r in responses] == [200, 200], responses
    assert set(Answer.objects.filter(question__request=interview).values_list("text", flat=True)) == {
        "Automatisch 0.",
        "Automatisch 1.",
    }


@pytest.mark.postgres
def test_two_sweeps_at_once_send_every_email_once(postgres, transactional_db):
    interview = InterviewRequestFactory()
    for n in range(60):
        OutgoingEmail.objects.create(
            key=f"sweep:{n}", to=f"c{n}@b.test", subject="s", text="t", request=interview
        )

    def sweep_until_empty() -> int:
        sent = 0
        while batch := outbox.relay_batch(7):
            sent += batch
        return sent

    results = race(2, sweep_until_empty)

    assert sum(results) == 60, results
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"c{n}@b.test" for n in range(60))
    assert not OutgoingEmail.objects.exclude(status="sent").exists()
