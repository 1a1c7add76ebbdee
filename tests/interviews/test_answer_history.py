"""An answer's history (issue 19): its text as submitted in each round,
what the editors asked again; autosaves leave no trace. And replies by email
turned into answers (issue 15) through the state machine, or into a note."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from casestudies.interviews import answers as interview_answers
from casestudies.interviews import states as interview_states
from casestudies.models import (
    Answer,
    AnswerRevision,
    ChangeRequest,
    ContactEvent,
    InboundMessage,
    InterviewStatus,
)
from casestudies.refusals import ActionRefused

from .factories import InterviewRequestFactory, UserFactory
from .test_admin import author_user

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def submitted(texts=("Kurz.", "Ausführlich."), **kwargs):
    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS, **kwargs)
    questions = list(interview.questions.order_by("sort_order"))
    for question, text in zip(questions, texts, strict=True):
        Answer.objects.create(question=question, text=text)
    interview_states.submit(interview)
    return interview, questions


def asked_again_and_resubmitted(interview, question, new_text, message="Bitte ausführlicher."):
    interview_states.request_changes(interview, user=interview.owner, message=message, questions=[question])
    interview_answers.save_answers(interview, {question.pk: new_text[:5]})  # autosave while typing
    interview_answers.save_answers(interview, {question.pk: new_text})
    interview_states.submit(interview)


def history(question) -> list[tuple[int, str, str]]:
    return list(
        AnswerRevision.objects.filter(answer__question=question)
        .order_by("created_at", "pk")
        .values_list("round", "source", "text")
    )


def reply(interview, body="Antwort per Mail", **kwargs) -> InboundMessage:
    return InboundMessage.objects.create(
        key=f"k{InboundMessage.objects.count()}-{interview.pk}",
        request=interview,
        source="imap",
        kind=kwargs.pop("kind", "reply"),
        sender="Dana <dana@company.test>",
        subject="Re: Interview",
        body=body,
        **kwargs,
    )


def log_actions(interview) -> list[str]:
    return list(ModelLogEntry.objects.for_instance(interview).values_list("action", flat=True))


# Service: revisions per round ----------------------------------------------------


def test_each_round_keeps_the_text_submitted_and_what_was_asked_again():
    interview, (first, second) = submitted()
    assert history(first) == [(1, "submission", "Kurz.")]

    asked_again_and_resubmitted(interview, first, "Viel ausführlicher als zuvor.")

    # The changed answer has both rounds; the unchanged one is not recorded again; no autosave is.
    assert history(first) == [(1, "submission", "Kurz."), (2, "submission", "Viel ausführlicher als zuvor.")]
    assert history(second) == [(1, "submission", "Ausführlich.")]
    asked = ChangeRequest.objects.get(request=interview)
    assert (asked.round, asked.message, list(asked.questions.all())) == (1, "Bitte ausführlicher.", [first])
    assert asked.requested_by == interview.owner


def test_autosaves_store_no_revision():
    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)
    question = interview.questions.first()
    for text in ("E", "Ei", "Ein Entwurf"):
        interview_answers.save_answers(interview, {question.pk: text})
    assert not AnswerRevision.objects.exists()


# Service: answers taken from an email ------------------------------------------------


@pytest.mark.parametrize("status", [InterviewStatus.SENT, InterviewStatus.OPENED, InterviewStatus.EXPIRED])
def test_answers_from_an_email_go_through_the_state_machine_and_are_submitted(status):
    interview = InterviewRequestFactory(status=status)
    first, second = interview.questions.order_by("sort_order")
    editor = UserFactory(username="mailredaktion")
    message = reply(interview)

    interview_states.take_answers_from_email(
        interview, user=editor, inbound=message, texts={first.pk: " Per Mail geantwortet. ", second.pk: ""}
    )

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED
    answer = Answer.objects.get(question=first)
    assert (answer.text, answer.is_final) == ("Per Mail geantwortet.", True)
    revision = AnswerRevision.objects.get()
    assert (revision.source, revision.round, revision.recorded_by, revision.inbound) == (
        "email",
        1,
        editor,
        message,
    )
    submitted_event = interview.events.get(kind="submitted")
    assert submitted_event.channel == "email"
    assert "casestudies.interview.answers_from_email" in log_actions(interview)
    # A questionnaire page from before is now a round behind.
    assert interview_answers.submission_round(interview) == 1


def test_answers_from_an_email_can_stay_drafts():
    interview = InterviewRequestFactory(status=InterviewStatus.CHANGES_REQUESTED)
    first = interview.questions.first()

    interview_states.take_answers_from_email(
        interview, user=interview.owner, inbound=reply(interview), texts={first.pk: "Entwurf"}, submit=False
    )

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert not Answer.objects.get(question=first).is_final
    assert history(first) == [(1, "email", "Entwurf")]


def test_a_resubmission_by_the_contact_after_an_email_answer_adds_no_duplicate():
    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)
    first = interview.questions.first()
    interview_states.take_answers_from_email(
        interview,
        user=interview.owner,
        inbound=reply(interview),
        texts={first.pk: "Aus der Mail"},
        submit=False,
    )
    interview_states.submit(interview)
    assert history(first) == [(1, "email", "Aus der Mail")]


def nothing_changed(interview, status) -> None:
    interview.refresh_from_db()
    assert interview.status == status
    assert not Answer.objects.filter(question__request=interview).exclude(text="Alt").exists()
    assert not AnswerRevision.objects.exists()
    assert "casestudies.interview.answers_from_email" not in log_actions(interview)


def test_answers_from_an_email_are_refused_in_a_state_that_takes_none():
    interview, (first, _second) = submitted(texts=("Alt", "Alt"))
    AnswerRevision.objects.all().delete()
    events = ContactEvent.objects.filter(request=interview).count()

    with pytest.raises(ActionRefused, match="keine Antworten aus einer E-Mail"):
        interview_states.take_answers_from_email(
            interview, user=interview.owner, inbound=reply(interview), texts={first.pk: "Neu"}
        )

    nothing_changed(interview, InterviewStatus.SUBMITTED)
    assert ContactEvent.objects.filter(request=interview).count() == events


def test_a_reply_filed_under_another_request_is_refused():
    interview = InterviewRequestFactory(status=InterviewStatus.SENT)
    other = InterviewRequestFactory(status=InterviewStatus.SENT)

    with pytest.raises(ActionRefused):
        interview_states.take_answers_from_email(
            interview,
            user=interview.owner,
            inbound=reply(other),
            texts={interview.questions.first().pk: "Neu"},
        )
    nothing_changed(interview, InterviewStatus.SENT)


def test_a_reply_of_another_request_cannot_become_a_note_here():
    interview = InterviewRequestFactory(status=InterviewStatus.SENT)
    message = reply(InterviewRequestFactory(status=InterviewStatus.SENT))

    with pytest.raises(ActionRefused):
        interview_states.note_from_email(interview, user=interview.owner, inbound=message, note="Fremd")
    assert not ContactEvent.objects.filter(kind="note").exists()
    message.refresh_from_db()
    assert message.used_as == ""


def test_a_bounce_cannot_become_answers():
    interview = InterviewRequestFactory(status=InterviewStatus.SENT)
    with pytest.raises(ActionRefused):
        interview_states.take_answers_from_email(
            interview,
            user=interview.owner,
            inbound=reply(interview, kind="hard_bounce"),
            texts={interview.questions.first().pk: "Neu"},
        )
    nothing_changed(interview, InterviewStatus.SENT)


def test_a_question_no_longer_open_is_refused_and_nothing_is_written():
    interview = InterviewRequestFactory(status=InterviewStatus.CHANGES_REQUESTED)
    first, second = interview.questions.order_by("sort_order")
    Answer.objects.create(question=second, text="Alt", is_final=True)

    with pytest.raises(ActionRefused):
        interview_states.take_answers_from_email(
            interview,
            user=interview.owner,
            inbound=reply(interview),
            texts={first.pk: "Neu", second.pk: "Neu"},
        )
    nothing_changed(interview, InterviewStatus.CHANGES_REQUESTED)


# The request page ----------------------------------------------------------------------


@pytest.fixture
def author(client):
    user = author_user()
    client.force_login(user)
    return user


def answers_tab(client, interview) -> str:
    response = client.get(reverse("interview_requests:inspect", args=[interview.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('id="tab-answers"') : html.index('id="tab-photos"')]


def test_the_answers_tab_shows_earlier_versions_and_what_was_asked_again_escaped(client, author):
    interview, (first, second) = submitted(texts=(f"Erste Fassung {HOSTILE}", "Bleibt."), owner=author)
    asked_again_and_resubmitted(
        interview, first, f"Zweite Fassung {HOSTILE}", message=f"Mehr bitte {HOSTILE}"
    )

    tab = answers_tab(client, interview)

    assert "<script>" not in tab and "<img src=x" not in tab
    assert "Zweite Fassung &lt;script&gt;" in tab
    assert '<details class="cb-answer-history">' in tab
    assert "Frühere Fassung (1)" in tab and "Erste Fassung &lt;script&gt;" in tab
    assert "Runde 1" in tab and "Vom Kontakt eingereicht" in tab
    assert "Nach Runde 1 erneut gefragt" in tab and "Mehr bitte &lt;script&gt;" in tab
    # An answer never changed has no history to show.
    assert tab.count('class="cb-answer-history"') == 1


def test_the_answers_tab_needs_the_same_queries_however_long_the_history(client, author):
    interview, (first, second) = submitted(owner=author)
    url = reverse("interview_requests:inspect", args=[interview.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for round_ in range(4):
        asked_again_and_resubmitted(interview, first, f"Fassung {round_}")
        asked_again_and_resubmitted(interview, second, f"Andere Fassung {round_}")
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_the_emails_tab_offers_the_reply_in_a_dialog_escaped(client, author):
    interview = InterviewRequestFactory(status=InterviewStatus.SENT, owner=author)
    message = reply(interview, body=f"Hallo {HOSTILE}")

    html = client.get(reverse("interview_requests:inspect", args=[interview.pk])).content.decode()

    assert f'data-a11y-dialog-show="reply-dialog-{message.pk}"' in html
    assert f'id="reply-dialog-{message.pk}"' in html
    assert "<script>alert" not in html and "Hallo &lt;script&gt;" in html
    assert reverse("interview_requests:reply", args=[interview.pk, message.pk]) in html


def test_the_request_page_needs_the_same_queries_however_many_replies(client, author):
    interview = InterviewRequestFactory(status=InterviewStatus.SENT, owner=author)
    url = reverse("interview_requests:inspect", args=[interview.pk])
    reply(interview)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(5):
        # Each dealt with by another editor: the page names who, without a query per reply.
        reply(interview, used_as="note", used_at=timezone.now(), used_by=UserFactory(username=f"r{n}"))
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert (
        html.count('class="button button-small button-secondary" data-a11y-dialog-show="reply-dialog-') == 6
    )
    assert len(after) == len(before)
    assert html.count("Als Notiz festgehalten") == 5


def test_an_editor_turns_a_reply_into_answers(client, author):
    interview = InterviewRequestFactory(status=InterviewStatus.SENT, owner=author)
    first, second = interview.questions.order_by("sort_order")
    message = reply(interview)
    url = reverse("interview_requests:reply", args=[interview.pk, message.pk])

    response = client.post(url, {"use": "answers", f"question_{first.pk}": "Aus der Mail.", "submit": "on"})

    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED
    assert history(first) == [(1, "email", "Aus der Mail.")]


def test_an_empty_form_comes_back_with_its_error_and_changes_nothing(client, author):
    interview = InterviewRequestFactory(status=InterviewStatus.SENT, owner=author)
    message = reply(interview)
    url = reverse("interview_requests:reply", args=[interview.pk, message.pk])

    response = client.post(url, {"use": "answers"})

    assert response.status_code == 200
    assert "Fügen Sie mindestens eine Antwort aus der E-Mail ein." in response.content.decode()
    nothing_changed(interview, InterviewStatus.SENT)


def test_an_editor_saves_a_reply_as_an_internal_note(client, author):
    interview = InterviewRequestFactory(status=InterviewStatus.EXPIRED, owner=author)
    message = reply(interview)
    url = reverse("interview_requests:reply", args=[interview.pk, message.pk])

    response = client.post(url, {"use": "note", "note": "Ruft nächste Woche an."})

    assert response.status_code == 302
    note = interview.events.get(kind="note")
    assert (note.summary, note.internal, note.channel, note.direction) == (
        "Ruft nächste Woche an.",
        True,
        "email",
        "in",
    )
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.EXPIRED  # a note reopens nothing
    assert not Answer.objects.exists()


def test_a_user_who_may_not_see_the_request_cannot_turn_its_reply_into_anything(client):
    owner = author_user("eigentuemerin")
    interview = InterviewRequestFactory(status=InterviewStatus.SENT, owner=owner)
    first = interview.questions.first()
    message = reply(interview, body="Vertraulich")
    client.force_login(author_user("andere"))
    url = reverse("interview_requests:reply", args=[interview.pk, message.pk])

    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"use": "answers", f"question_{first.pk}": "Fremd", "submit": "on"}).status_code
        == 404
    )
    assert client.post(url, {"use": "note", "note": "Fremd"}).status_code == 404
    nothing_changed(interview, InterviewStatus.SENT)
    assert not interview.events.filter(kind="note").exists()


def test_a_reply_of_another_request_is_not_found_under_this_one(client, author):
    interview = InterviewRequestFactory(status=InterviewStatus.SENT, owner=author)
    other = InterviewRequestFactory(status=InterviewStatus.SENT)
    url = reverse("interview_requests:reply", args=[interview.pk, reply(other).pk])

    assert client.post(url, {"use": "note", "note": "x"}).status_code == 404
    assert not interview.events.filter(kind="note").exists()


def test_a_user_who_may_only_look_gets_no_dialog_and_cannot_post(client):
    from django.contrib.auth.models import Group, Permission

    viewer = UserFactory(username="nurlesen")
    group, _ = Group.objects.get_or_create(name="Readers of requests")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="casestudies", codename="view_interviewrequest"),
    )
    viewer.groups.add(group)
    interview = InterviewRequestFactory(status=InterviewStatus.SENT, owner=viewer)
    message = reply(interview)
    client.force_login(viewer)

    html = client.get(reverse("interview_requests:inspect", args=[interview.pk])).content.decode()
    url = reverse("interview_requests:reply", args=[interview.pk, message.pk])

    assert "reply-dialog-" not in html
    refused = client.post(url, {"use": "note", "note": "x"})
    # Wagtail answers a PermissionDenied in the admin with the dashboard and a message.
    assert (refused.status_code, refused.headers.get("Location")) == (302, "/admin/")
    assert not interview.events.filter(kind="note").exists()


def test_the_emails_tab_says_what_became_of_each_reply(client, author):
    interview = InterviewRequestFactory(status=InterviewStatus.SENT, owner=author)
    first = interview.questions.order_by("sort_order").first()
    taken, noted, untouched = (reply(interview, body=body) for body in ("Antworten", "Rückruf", "Offen"))

    def url(message):
        return reverse("interview_requests:reply", args=[interview.pk, message.pk])

    with time_machine.travel(datetime.datetime(2026, 12, 3, 13, 5, tzinfo=datetime.UTC), tick=False):
        client.post(url(taken), {"use": "answers", f"question_{first.pk}": "Aus der Mail."})
        client.post(url(noted), {"use": "note", "note": "Ruft an."})
    html = client.get(reverse("interview_requests:inspect", args=[interview.pk])).content.decode()

    # Each reply's entry runs from its <details> to the next one's, its button included.
    entries = dict(zip(("taken", "noted", "untouched"), html.split("<details>")[1:], strict=True))
    by = f"am 03.12.2026 14:05 von {author.get_full_name()}"
    assert "In Antworten übernommen" in entries["taken"] and by in entries["taken"]
    assert "Als Notiz festgehalten" in entries["noted"] and by in entries["noted"]
    assert "übernommen" not in entries["untouched"] and "festgehalten" not in entries["untouched"]
    # Still offered: an editor may take more from the same email later.
    assert all(f'data-reply="{m.pk}"' in html for m in (taken, noted, untouched))
