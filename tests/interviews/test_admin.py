"""The Wagtail admin for interview requests: who sees what, and the actions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from casestudies import photos
from casestudies.models import ContactEvent, InterviewStatus

from .factories import InterviewRequestFactory, UserFactory
from .test_photos import jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def author_user(username="autorin"):
    user = UserFactory(username=username)
    group, _ = Group.objects.get_or_create(name="Interview authors")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="casestudies",
            codename__in=["add_interviewrequest", "change_interviewrequest", "view_interviewrequest"],
        ),
    )
    user.groups.add(group)
    return user


@pytest.fixture
def author(client):
    user = author_user()
    client.force_login(user)
    return user


@pytest.fixture
def editor(client):
    user = author_user("redakteur")
    user.user_permissions.add(Permission.objects.get(codename="see_all_interviewrequests"))
    client.force_login(user)
    return user


def url(name, *args):
    return reverse(f"interview_requests:{name}", args=args)


def test_authors_see_only_their_own_requests(client, author):
    mine = InterviewRequestFactory(owner=author, contact__company__name="Eigene GmbH")
    theirs = InterviewRequestFactory(contact__company__name="Fremde AG")

    listing = client.get(url("index")).content.decode()

    assert str(mine) in listing and str(theirs) not in listing
    assert client.get(url("inspect", mine.pk)).status_code == 200
    assert client.get(url("inspect", theirs.pk)).status_code == 404
    assert client.post(url("action", theirs.pk, "send")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == InterviewStatus.DRAFT


def test_editors_see_every_request_and_can_filter_and_search(client, editor):
    telekom = str(
        InterviewRequestFactory(contact__company__name="Telekom Beispiel", status=InterviewStatus.SENT)
    )
    bahn = str(InterviewRequestFactory(contact__company__name="Bahn Beispiel"))

    everything = client.get(url("index")).content.decode()
    sent = client.get(url("index"), {"status": "sent"}).content.decode()
    searched = client.get(url("index"), {"q": "Bahn"}).content.decode()

    assert telekom in everything and bahn in everything
    assert telekom in sent and bahn not in sent
    assert bahn in searched and telekom not in searched


def test_sending_from_the_admin(client, author, django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory(owner=author)

    assert client.get(url("action", interview.pk, "send")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("action", interview.pk, "send"))

    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SENT
    assert mail.outbox[-1].to == [interview.contact.email]
    # A sent request is no longer edited: the edit view leads to its page.
    assert client.get(url("edit", interview.pk))["Location"] == url("inspect", interview.pk)


def test_an_action_in_the_wrong_state_changes_nothing(client, author):
    interview = InterviewRequestFactory(owner=author)

    response = client.post(url("action", interview.pk, "accept"), follow=True)

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.DRAFT
    assert "kann nicht" in response.content.decode()
    page = client.get(url("inspect", interview.pk)).content.decode()
    assert url("action", interview.pk, "send") in page
    assert url("action", interview.pk, "accept") not in page


def test_logging_a_call(client, author):
    interview = InterviewRequestFactory(owner=author, status=InterviewStatus.SENT)

    client.post(
        url("action", interview.pk, "log"),
        {
            "channel": "phone",
            "direction": "out",
            "kind": "call",
            "summary": "Sekretariat: nur per E-Mail.",
            "who": "Sekretariat",
        },
    )

    event = ContactEvent.objects.get(request=interview)
    assert (event.kind, event.channel, event.who) == ("call", "phone", "Sekretariat")
    assert "Sekretariat: nur per E-Mail." in client.get(url("inspect", interview.pk)).content.decode()


def test_requesting_changes_with_picked_questions(client, author, django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory(owner=author, status=InterviewStatus.SUBMITTED)
    question = interview.questions.first()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("action", interview.pk, "request_changes"),
            {"message": "Bitte ausführlicher.", "questions": [question.pk]},
        )

    interview.refresh_from_db()
    question.refresh_from_db()
    assert interview.status == InterviewStatus.CHANGES_REQUESTED
    assert question.change_requested
    assert "Bitte ausführlicher." in mail.outbox[-1].body


def test_private_photos_are_streamed_only_to_those_who_see_the_request(client, author, settings):
    mine = InterviewRequestFactory(owner=author, status=InterviewStatus.IN_PROGRESS)
    theirs = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)
    [own_photo] = photos.store_photos(mine, [upload("a.jpg", jpeg_bytes())], caption="", credit="c")
    [other_photo] = photos.store_photos(theirs, [upload("b.jpg", jpeg_bytes())], caption="", credit="c")

    response = client.get(url("photo", own_photo.pk))

    assert response.status_code == 200
    assert {"no-store", "private"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    assert client.get(url("photo", other_photo.pk)).status_code == 404
    client.logout()
    assert client.get(url("photo", own_photo.pk)).status_code == 302  # to the login
    # No public URL exists for the private storage.
    with pytest.raises(ValueError):
        own_photo.file.url  # noqa: B018
