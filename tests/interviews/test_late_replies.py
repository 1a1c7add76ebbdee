"""A reply by email after the request fell silent (expired, or declined by
the contact) is a late answer: the request opens again with a new deadline,
its failure story waits, and the owner is told once. A reply to a request
the editors withdrew, or to one still open, changes no status."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from casestudies.interviews import states as interview_states
from casestudies.interviews.inbound import service
from casestudies.models import ContactEvent, InterviewStatus, OutgoingEmail

from .factories import InterviewRequestFactory
from .helpers import send_and_get_link
from .test_inbound_hostile import reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(django_capture_on_commit_callbacks):
    """A request whose invitation went out: (request, the invitation's Message-ID)."""
    interview = InterviewRequestFactory()
    send_and_get_link(interview, django_capture_on_commit_callbacks)
    return interview, mail.outbox[-1].extra_headers["Message-ID"]


def owner_notices(interview) -> int:
    return OutgoingEmail.objects.filter(to=interview.owner.email, key__contains="owner-inbound").count()


@pytest.mark.parametrize(
    "fall_silent",
    [
        pytest.param(lambda interview: interview_states.expire(interview), id="expired"),
        pytest.param(
            lambda interview: interview_states.decline(interview, reason="Keine Zeit."), id="declined"
        ),
    ],
)
def test_a_late_reply_opens_a_silent_request_again(invited, fall_silent, django_capture_on_commit_callbacks):
    interview, invitation = invited
    fall_silent(interview)

    with django_capture_on_commit_callbacks(execute=True):
        service.file_message(reply(interview, invitation, body="Doch, gern.").as_bytes(), source="imap")

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert interview.deadline >= timezone.localdate() + datetime.timedelta(days=interview_states.REOPEN_DAYS)
    assert ContactEvent.objects.filter(request=interview, kind="reply").count() == 1
    assert owner_notices(interview) == 1


@pytest.mark.parametrize(
    "status",
    [InterviewStatus.WITHDRAWN, InterviewStatus.SENT, InterviewStatus.SUBMITTED],
)
def test_a_reply_to_a_withdrawn_or_open_request_is_filed_and_changes_no_status(
    invited, status, django_capture_on_commit_callbacks
):
    interview, invitation = invited
    type(interview).objects.filter(pk=interview.pk).update(status=status)

    with django_capture_on_commit_callbacks(execute=True):
        service.file_message(reply(interview, invitation).as_bytes(), source="imap")

    interview.refresh_from_db()
    assert interview.status == status
    assert ContactEvent.objects.filter(request=interview, kind="reply").count() == 1
