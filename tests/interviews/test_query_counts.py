"""Pages whose query count must not grow with the number of questions, photos
or requests."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casestudies.interviews import photos
from casestudies.models import Answer, ContactEvent, InterviewStatus

from .factories import InterviewRequestFactory
from .helpers import send_and_get_link
from .test_admin import author_user
from .test_photos import jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def questionnaire(client, capture, n: int) -> str:
    interview = InterviewRequestFactory(questions=[f"Frage {i}?" for i in range(n)])
    link = send_and_get_link(interview, capture)
    path = client.get(link.replace("http://testserver", ""))["Location"]
    for question in interview.questions.all():
        Answer.objects.create(question=question, text="Antwort")
    interview.status = InterviewStatus.IN_PROGRESS
    interview.save()
    distinct = [upload(f"{i}.jpg", jpeg_bytes(color=(i, 0, 0))) for i in range(min(n, 5))]
    photos.store_photos(interview, distinct, caption="", credit="c")
    return path, interview


def test_the_questionnaire_does_not_query_per_question(client, django_capture_on_commit_callbacks):
    small, _ = questionnaire(client, django_capture_on_commit_callbacks, 2)
    large, _ = questionnaire(client, django_capture_on_commit_callbacks, 30)

    assert queries(client, large) == queries(client, small)


def test_the_admin_request_page_and_listing_do_not_query_per_row(client, django_capture_on_commit_callbacks):
    from django.urls import reverse

    user = author_user()
    client.force_login(user)
    small_path, small = questionnaire(client, django_capture_on_commit_callbacks, 2)
    large_path, large = questionnaire(client, django_capture_on_commit_callbacks, 30)
    for interview in (small, large):
        interview.owner = user
        interview.save()
    for _ in range(20):
        ContactEvent.objects.create(request=large, channel="phone", direction="out", kind="call", summary="x")

    small_page = queries(client, reverse("interview_requests:inspect", args=[small.pk]))
    large_page = queries(client, reverse("interview_requests:inspect", args=[large.pk]))
    assert large_page == small_page

    few = queries(client, reverse("interview_requests:index"))
    for _ in range(15):
        InterviewRequestFactory(owner=user)
    assert queries(client, reverse("interview_requests:index")) == few


def test_the_request_page_does_not_query_per_log_entry_or_email(client):
    """Two sizes: a request with 5 log entries and emails, and one with 250."""
    from django.urls import reverse

    from casestudies.models import OutgoingEmail

    user = author_user()
    client.force_login(user)
    counts = []
    for size in (5, 250):
        interview = InterviewRequestFactory(owner=user, status=InterviewStatus.SENT)
        ContactEvent.objects.bulk_create(
            ContactEvent(
                request=interview, channel="phone", direction="out", kind="call", summary=f"Anruf {i}"
            )
            for i in range(size)
        )
        OutgoingEmail.objects.bulk_create(
            OutgoingEmail(
                key=f"t:{interview.pk}:{i}", request=interview, to="a@example.com", subject="s", text="t"
            )
            for i in range(size)
        )
        counts.append(queries(client, reverse("interview_requests:inspect", args=[interview.pk])))
    assert counts[0] == counts[1]


def test_the_admin_listing_does_not_grow_with_the_companies_asked(client):
    from django.urls import reverse

    from casestudies.interviews.admin.listing import InterviewRequestFilterSet

    user = author_user()
    client.force_login(user)
    InterviewRequestFactory(owner=user, contact__company__name="Erste GmbH")
    few = client.get(reverse("interview_requests:index")).content.decode()
    for number in range(15):
        InterviewRequestFactory(owner=user, contact__company__name=f"Firma {number}")
    many = client.get(reverse("interview_requests:index")).content.decode()

    # The filter is a search field: no option per company in the filter panel.
    assert many.count("<option") == few.count("<option")
    assert "company" in InterviewRequestFilterSet.base_filters
