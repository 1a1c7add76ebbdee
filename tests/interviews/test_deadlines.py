"""Deadlines an editor sets: checked on the server, never replaced, and
extended from the request's page with an email to the contact."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import formats, timezone, translation

from casestudies.models import ContactEvent, InterviewRequest, InterviewStatus

from .factories import InterviewRequestFactory
from .test_admin import author, create_form, url  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31.02.2026", "ist kein Datum"),
        ((-1, "%d.%m.%Y"), "liegt in der Vergangenheit"),
        ((0, "%Y-%m-%d"), "ist heute"),
        ((1, "%d.%m.%Y"), "zu wenig Zeit"),
    ],
)
def test_a_wrong_deadline_is_refused_with_the_form_kept(client, author, typed, message):  # noqa: F811
    from tests.casestudies.factories import CompanyContactFactory

    if isinstance(typed, tuple):
        # Worked out when the test runs, not when it is collected: a run that
        # crosses midnight (in the site's time zone) would compare other days.
        offset, form = typed
        typed = f"{day(offset):{form}}"
    contact = CompanyContactFactory()

    response = client.post(url("add"), create_form(contact, deadline=typed))

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'value="{typed}"' in page  # what was typed stays, nothing made up
    assert "Wir würden gern mit Ihnen sprechen." in page
    assert not InterviewRequest.objects.exists()


@pytest.mark.parametrize("typed", ["25.12.2030", "2030-12-25", " 25.12.30 "])
def test_the_formats_editors_type_are_read(client, author, typed):  # noqa: F811
    from tests.casestudies.factories import CompanyContactFactory

    response = client.post(url("add"), create_form(CompanyContactFactory(), deadline=typed))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert InterviewRequest.objects.get().deadline == datetime.date(2030, 12, 25)


def test_the_minimum_is_configurable(client, author, settings):  # noqa: F811
    from tests.casestudies.factories import CompanyContactFactory

    settings.INTERVIEW_MIN_DEADLINE_DAYS = 10
    response = client.post(url("add"), create_form(CompanyContactFactory(), deadline=f"{day(9):%d.%m.%Y}"))

    assert response.status_code == 200
    with translation.override("de"):
        earliest = formats.date_format(day(10), "DATE_FORMAT")
    assert f"Wählen Sie den {earliest} oder später." in response.content.decode()


def test_the_picker_keeps_what_was_typed(client, author):  # noqa: F811
    page = client.get(url("add")).content.decode()
    assert '"validateOnBlur": false' in page


def test_a_request_whose_deadline_passed_is_not_sent(client, author):  # noqa: F811
    interview = InterviewRequestFactory(owner=author, deadline=day(0))

    client.post(url("action", interview.pk, "send"), follow=True)

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.DRAFT
    assert not mail.outbox


def sent_request(owner, capture):
    from casestudies.interviews import states

    interview = InterviewRequestFactory(owner=owner, deadline=day(5))
    with capture(execute=True):
        states.send(interview, user=owner)
    mail.outbox.clear()
    return interview


def test_extending_the_deadline_emails_the_new_date_and_logs_it(
    client,
    author,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    interview = sent_request(author, django_capture_on_commit_callbacks)
    expiry_before = interview.token_expires_at
    new = day(20)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("action", interview.pk, "extend"), {"deadline": f"{new:%d.%m.%Y}"})

    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.deadline == new
    assert interview.token_expires_at > expiry_before
    [message] = mail.outbox
    assert message.to == [interview.contact.email]
    assert f"{new:%-d}. " in message.body and str(new.year) in message.body
    entry = ContactEvent.objects.filter(request=interview).latest("occurred_at")
    assert "Frist verlängert" in entry.summary


@pytest.mark.parametrize("offset", [-1, 5, 1])
def test_a_deadline_is_not_extended_to_an_earlier_or_too_close_day(
    client,
    author,  # noqa: F811
    django_capture_on_commit_callbacks,
    offset,
):
    interview = sent_request(author, django_capture_on_commit_callbacks)

    response = client.post(url("action", interview.pk, "extend"), {"deadline": f"{day(offset):%d.%m.%Y}"})

    assert response.status_code == 200
    assert 'class="error-message"' in response.content.decode() or "error" in response.content.decode()
    interview.refresh_from_db()
    assert interview.deadline == day(5)
    assert not mail.outbox


def test_the_request_page_shows_its_creation_in_the_site_time_zone(client, author, settings):  # noqa: F811
    interview = InterviewRequestFactory(owner=author)
    InterviewRequest.objects.filter(pk=interview.pk).update(
        created_at=datetime.datetime(2026, 12, 4, 18, 16, tzinfo=datetime.UTC)
    )

    page = client.get(url("inspect", interview.pk)).content.decode()

    assert "19:16" in page and "18:16" not in page
