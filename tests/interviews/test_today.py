"""The dashboard's "What needs me today" and the listing's "needs action"
filter: what is due shows up with its link, only for those who may see it,
and the panel's query count does not grow with the number of requests."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casestudies.models import InterviewStatus, OutgoingEmail

from .factories import InterviewRequestFactory
from .test_admin import author_user

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/"


@pytest.fixture
def author(client):
    user = author_user()
    client.force_login(user)
    return user


@pytest.fixture
def editor(client):
    from django.contrib.auth.models import Permission

    user = author_user("redakteur")
    user.user_permissions.add(Permission.objects.get(codename="see_all_interviewrequests"))
    client.force_login(user)
    return user


def today():
    return timezone.localdate()


def submitted(owner, company="Antwort GmbH"):
    return InterviewRequestFactory(
        owner=owner, status=InterviewStatus.SUBMITTED, contact__company__name=company
    )


def waiting(owner, company: str):
    """Sent, with a month to go: nothing due."""
    return InterviewRequestFactory(
        owner=owner,
        status=InterviewStatus.SENT,
        contact__company__name=company,
        deadline=today() + datetime.timedelta(days=30),
    )


def test_an_author_sees_what_is_due_on_their_own_requests_with_links(client, author):
    review = submitted(author, "Antwort GmbH")
    due = InterviewRequestFactory(
        owner=author,
        status=InterviewStatus.OPENED,
        deadline=today() + datetime.timedelta(days=3),
        contact__company__name="Frist AG",
    )
    failed = InterviewRequestFactory(
        owner=author, status=InterviewStatus.SENT, contact__company__name="Fehlschlag KG"
    )
    OutgoingEmail.objects.create(
        key=f"interview:{failed.pk}:reminder:after-3",
        request=failed,
        to="x@example.com",
        subject="s",
        text="t",
        status=OutgoingEmail.Status.FAILED,
    )
    submitted(author_user("kollegin"), "Fremde AG")

    html = client.get(DASHBOARD).content.decode()

    assert "Was heute ansteht" in html
    assert "Antworten warten auf Durchsicht" in html
    assert reverse("interview_requests:inspect", args=[review.pk]) in html
    assert "Frist in dieser Woche" in html and "Frist in 3 Tagen" in html
    assert reverse("interview_requests:inspect", args=[due.pk]) in html
    assert "Erinnerungen, die nicht gesendet werden konnten" in html
    assert reverse("interview_requests:inspect", args=[failed.pk]) in html
    assert "Fremde AG" not in html


def test_an_editor_sees_everyones_requests(client, editor):
    submitted(author_user("kollegin"), "Fremde AG")

    assert "Fremde AG" in client.get(DASHBOARD).content.decode()


def test_nothing_due_says_so(client, author):
    InterviewRequestFactory(owner=author, deadline=today() + datetime.timedelta(days=30))

    html = client.get(DASHBOARD).content.decode()

    assert "Heute steht nichts an" in html


def test_a_last_notice_window_ending_this_week_is_due(client, author):
    now = timezone.now()
    ending = InterviewRequestFactory(
        owner=author,
        status=InterviewStatus.EXPIRED,
        status_changed_at=now - datetime.timedelta(days=10),
        notice_sent_at=now - datetime.timedelta(days=5),
        notice_reply_until=today() + datetime.timedelta(days=2),
        contact__company__name="Schweigen AG",
    )

    html = client.get(DASHBOARD).content.decode()

    assert "Antwortfrist der letzten Nachricht endet" in html
    assert reverse("interview_requests:inspect", args=[ending.pk]) in html


def test_the_listing_filters_what_needs_action(client, author):
    review = submitted(author, "Antwort GmbH")
    calm = waiting(author, "Ruhig AG")
    index = reverse("interview_requests:index")

    needs = client.get(index, {"needs_action": "any"}).content.decode()
    by_section = client.get(index, {"needs_action": "review"}).content.decode()

    assert str(review) in needs and str(calm) not in needs
    assert str(review) in by_section and str(calm) not in by_section
    assert str(calm) in client.get(index).content.decode()


def test_the_listing_gives_the_deadline_in_days(client, author):
    InterviewRequestFactory(
        owner=author, status=InterviewStatus.SENT, deadline=today() + datetime.timedelta(days=3)
    )
    InterviewRequestFactory(
        owner=author, status=InterviewStatus.EXPIRED, deadline=today() - datetime.timedelta(days=2)
    )

    html = client.get(reverse("interview_requests:index")).content.decode()

    assert "in 3 Tagen" in html
    assert "seit 2 Tagen abgelaufen" in html


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(DASHBOARD).status_code == 200
    return len(captured)


def test_the_panel_does_not_query_per_request(client, author):
    # Two sizes, both more than a section lists: 10 requests due, then 1,000.
    InterviewRequestFactory.create_batch(10, owner=author, status=InterviewStatus.SUBMITTED, questions=[])
    few = dashboard_queries(client)
    InterviewRequestFactory.create_batch(990, owner=author, status=InterviewStatus.SUBMITTED, questions=[])

    assert dashboard_queries(client) == few


def test_a_company_sign_off_ending_this_week_is_due(client, author):
    from casestudies.signoff.models import SignOff

    waiting = InterviewRequestFactory(
        owner=author, status=InterviewStatus.ACCEPTED, contact__company__name="Freigabe AG"
    )
    SignOff.objects.create(request=waiting, revision_number=1, deadline=today() + datetime.timedelta(days=2))
    decided = InterviewRequestFactory(
        owner=author, status=InterviewStatus.ACCEPTED, contact__company__name="Entschieden AG"
    )
    SignOff.objects.create(
        request=decided, revision_number=1, deadline=today() + datetime.timedelta(days=2), status="approved"
    )

    html = client.get(DASHBOARD).content.decode()

    assert "Freigaben durch das Unternehmen laufen ab" in html
    assert "Freigabefrist in 2 Tagen" in html
    assert reverse("interview_requests:inspect", args=[waiting.pk]) in html
    assert "Entschieden AG" not in html


def listing_row(html: str, interview) -> str:
    [row] = [row for row in html.split("<tr")[1:] if str(interview) in row]
    return row


def test_a_request_whose_contact_address_bounced_is_flagged_not_deliverable_and_needs_action(client, author):
    bounced = waiting(author, "Bounce GmbH")
    contact = bounced.contact
    contact.undeliverable_email = contact.email.upper()
    contact.undeliverable_at = timezone.now() - datetime.timedelta(days=1)
    contact.save()
    calm = waiting(author, "Ruhig AG")
    index = reverse("interview_requests:index")

    listing = client.get(index).content.decode()
    assert "Nicht zustellbar" in listing_row(listing, bounced)
    assert "Nicht zustellbar" not in listing_row(listing, calm)
    flagged = client.get(index, {"needs_action": "undeliverable"}).content.decode()
    assert str(bounced) in flagged and str(calm) not in flagged
    assert str(bounced) in client.get(index, {"needs_action": "any"}).content.decode()

    dashboard = client.get(DASHBOARD).content.decode()
    assert reverse("interview_requests:inspect", args=[bounced.pk]) in dashboard
    assert "zurückgekommen am" in dashboard
    page = client.get(reverse("interview_requests:inspect", args=[bounced.pk])).content.decode()
    assert "Neue Adresse eintragen, dann einen neuen Link senden" in page

    # The editor enters another address: nothing is flagged any more.
    contact.email = "presse@bounce.example"
    contact.save()
    listing = client.get(index).content.decode()
    assert "Nicht zustellbar" not in listing_row(listing, bounced)
    assert str(bounced) not in client.get(index, {"needs_action": "undeliverable"}).content.decode()
