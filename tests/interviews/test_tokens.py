"""Questionnaire tokens: what opens a questionnaire and what no longer does."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from casestudies import interview_states, tokens

from .factories import InterviewRequestFactory
from .helpers import send_and_get_link, token_of

pytestmark = pytest.mark.django_db


def test_a_resent_link_kills_the_old_one(django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory()
    old = token_of(send_and_get_link(interview, django_capture_on_commit_callbacks))

    with django_capture_on_commit_callbacks(execute=True):
        interview_states.resend_link(interview, user=interview.owner)

    from django.core import mail

    from .helpers import link_in

    new = token_of(link_in(mail.outbox[-1]))
    assert new != old
    assert tokens.request_for_token(old) is None
    assert tokens.request_for_token(new) == interview


def test_withdrawing_revokes_the_link(django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory()
    token = token_of(send_and_get_link(interview, django_capture_on_commit_callbacks))

    interview_states.withdraw(interview, user=interview.owner)

    assert tokens.request_for_token(token) is None


def test_the_link_works_until_the_grace_period_after_the_deadline_ends(
    django_capture_on_commit_callbacks, settings, time_machine
):
    settings.INTERVIEW_TOKEN_GRACE_DAYS = 3
    interview = InterviewRequestFactory(deadline=timezone.localdate() + datetime.timedelta(days=2))
    token = token_of(send_and_get_link(interview, django_capture_on_commit_callbacks))

    time_machine.move_to(timezone.now() + datetime.timedelta(days=5), tick=False)
    assert tokens.request_for_token(token) == interview
    time_machine.move_to(timezone.now() + datetime.timedelta(days=1, hours=1), tick=False)
    assert tokens.request_for_token(token) is None


@pytest.mark.parametrize("guess", ["", "x", "a" * 43, "a" * 5000])
def test_guesses_open_nothing(guess, django_capture_on_commit_callbacks):
    send_and_get_link(InterviewRequestFactory(), django_capture_on_commit_callbacks)
    assert tokens.request_for_token(guess) is None


def test_no_new_link_after_submission():
    from casestudies.models import InterviewStatus

    interview = InterviewRequestFactory(status=InterviewStatus.SUBMITTED)

    with pytest.raises(interview_states.ActionRefused, match="solange die Anfrage auf Antworten wartet"):
        interview_states.resend_link(interview, user=interview.owner)
    interview.refresh_from_db()
    assert interview.token_hash is None
