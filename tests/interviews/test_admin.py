"""The Wagtail admin for interview requests: who sees what, and the actions."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from casestudies.interviews import photos
from casestudies.models import ContactEvent, InterviewRequest, InterviewStatus

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


def test_the_filters_offer_an_author_only_what_they_may_see(client, author):
    mine = InterviewRequestFactory(owner=author, contact__company__name="Eigene GmbH")
    theirs = InterviewRequestFactory(
        contact__company__name="Fremde AG", owner__first_name="Konrad", owner__last_name="Kollege"
    )

    listing = client.get(url("index")).content.decode()
    by_their_company = client.get(url("index"), {"company": theirs.company_id}).content.decode()

    assert "Eigene GmbH" in listing
    assert "Fremde AG" not in listing and "Kollege" not in listing
    assert str(theirs) not in by_their_company and "Fremde AG" not in by_their_company
    assert str(mine) in client.get(url("index"), {"company": mine.company_id}).content.decode()


def test_editors_filter_by_any_company_and_owner_with_requests(client, editor):
    telekom = InterviewRequestFactory(contact__company__name="Telekom Beispiel")
    bahn = InterviewRequestFactory(contact__company__name="Bahn Beispiel", owner__last_name="Bahnfahrer")

    by_company = client.get(url("index"), {"company": bahn.company_id}).content.decode()
    by_owner = client.get(url("index"), {"owner": bahn.owner_id}).content.decode()

    by_name = client.get(url("index"), {"company": "bahn beisp"}).content.decode()

    assert str(bahn) in by_company and str(telekom) not in by_company
    assert str(bahn) in by_name and str(telekom) not in by_name
    assert str(bahn) in by_owner and str(telekom) not in by_owner


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


def create_form(contact, **extra):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    return nested_form_data(
        {
            "company": contact.company.pk,
            "contact": contact.pk,
            "language": "de",
            "intro": "Wir würden gern mit Ihnen sprechen.",
            "deadline": "2030-01-31",
            "photos_wanted": 1,
            "photos_description": "",
            "question_set": "",
            "remind_after_days": "3, 7",
            "remind_before_deadline_days": 2,
            "questions": inline_formset([]),
            **extra,
        }
    )


def test_a_new_request_belongs_to_its_author_and_starts_from_a_question_set(client, author):
    from casestudies.models import InterviewRequest, QuestionSet, QuestionSetItem
    from tests.casestudies.factories import CompanyContactFactory

    question_set = QuestionSet.objects.create(name="Chief Social Media Officer")
    for order, text in enumerate(["Wer sind Sie?", "Was machen Sie?"]):
        QuestionSetItem.objects.create(question_set=question_set, text=text, sort_order=order)
    contact = CompanyContactFactory()

    response = client.post(url("add"), create_form(contact, question_set=question_set.pk))

    assert response.status_code == 302, response.content.decode()[:2000]
    interview = InterviewRequest.objects.get()
    assert interview.owner == author
    assert interview.status == InterviewStatus.DRAFT
    assert list(interview.questions.order_by("sort_order").values_list("text", flat=True)) == [
        "Wer sind Sie?",
        "Was machen Sie?",
    ]


def test_a_contact_of_another_company_is_refused(client, author):
    from casestudies.models import InterviewRequest
    from tests.casestudies.factories import CompanyContactFactory, CompanyFactory

    contact = CompanyContactFactory()
    other = CompanyFactory()

    response = client.post(url("add"), create_form(contact, company=other.pk))

    assert response.status_code == 200
    assert "arbeitet für ein anderes Unternehmen" in response.content.decode()
    assert not InterviewRequest.objects.exists()


def test_the_invitation_link_ignores_the_host_header(
    client, author, settings, django_capture_on_commit_callbacks
):
    from .helpers import link_in

    settings.SITE_BASE_URL = "https://casebook.example"
    interview = InterviewRequestFactory(owner=author)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("action", interview.pk, "send"), HTTP_HOST="evil.example")

    assert link_in(mail.outbox[-1]).startswith("https://casebook.example/interview/")
    assert "evil.example" not in mail.outbox[-1].body


def test_authors_work_on_their_own_requests_and_editors_see_all(client):
    author = UserFactory(username="im-authors-group")
    author.groups.add(Group.objects.get(name="Authors"))
    editor = UserFactory(username="im-editors-group")
    editor.groups.add(Group.objects.get(name="Editors"))
    own = InterviewRequestFactory(owner=author)
    other = InterviewRequestFactory()

    client.force_login(author)
    assert client.get(url("inspect", own.pk)).status_code == 200
    assert client.get(url("inspect", other.pk)).status_code == 404
    client.force_login(editor)
    assert client.get(url("inspect", other.pk)).status_code == 200
    assert client.get(url("inspect", own.pk)).status_code == 200


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("sent", "log"),
        ("expired", "log"),
        ("submitted", "request_changes"),
        ("sent", "withdraw"),
        ("sent", "reminders"),
        ("expired", "notice"),
    ],
)
def test_action_forms_render_with_labelled_fields(client, author, status, action):
    interview = InterviewRequestFactory(owner=author, status=status)

    response = client.get(url("action", interview.pk, action))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<label" in page and 'type="submit"' in page


def test_an_invalid_action_form_changes_nothing(client, author):
    interview = InterviewRequestFactory(owner=author, status=InterviewStatus.SUBMITTED)

    response = client.post(url("action", interview.pk, "request_changes"), {"message": "Bitte."})

    assert response.status_code == 200
    assert "mindestens eine Frage oder ein Foto" in response.content.decode()
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED


def test_sending_to_a_contact_without_email_is_refused_with_a_reason(client, author):
    interview = InterviewRequestFactory(owner=author, contact__email="")

    response = client.post(url("action", interview.pk, "send"), follow=True)

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.DRAFT
    assert "keine E-Mail-Adresse" in response.content.decode()
    assert not interview.events.exists()


def test_the_contact_dropdown_names_each_contacts_company_for_the_filter_script(client, author):
    from tests.casestudies.factories import CompanyContactFactory

    ours, theirs = CompanyContactFactory(), CompanyContactFactory()

    html = client.get(url("add")).content.decode()

    assert f'value="{ours.pk}" data-company="{ours.company_id}"' in html
    assert f'value="{theirs.pk}" data-company="{theirs.company_id}"' in html
    # The filter is a static file (the CSP forbids inline scripts); the field stays a native select.
    assert "casestudies/js/contact_by_company.js" in html
    assert '<select name="contact" required id="id_contact">' in html


def test_only_a_draft_is_offered_for_editing_or_deleting_and_a_sent_one_cannot_be_deleted(client):
    # A superuser holds every permission: what the list leaves out is the state's rule, not a permission.
    client.force_login(UserFactory(username="chefin", is_superuser=True, is_staff=True))
    draft = InterviewRequestFactory(contact__company__name="Entwurf AG")
    sent = InterviewRequestFactory(contact__company__name="Versandt AG", status=InterviewStatus.SENT)

    rows = [row.split("</tr>")[0] for row in client.get(url("index")).content.decode().split("<tr")[1:]]

    def row_of(interview):
        (row,) = [row for row in rows if f'href="{url("inspect", interview.pk)}"' in row]
        return row

    draft_row, sent_row = row_of(draft), row_of(sent)
    assert set(re.findall(r'href="(/[^"]+)"', draft_row)) == {
        url("edit", draft.pk),
        url("inspect", draft.pk),
        url("delete", draft.pk),
    }
    # Its title opens its page; nothing else to offer (no menu at all).
    assert set(re.findall(r'href="(/[^"]+)"', sent_row)) == {url("inspect", sent.pk)}
    assert 'data-controller="w-dropdown"' in draft_row
    assert 'data-controller="w-dropdown"' not in sent_row

    refused = client.post(url("delete", sent.pk))  # Wagtail answers a refusal with its dashboard
    assert (refused.status_code, refused["Location"]) == (302, reverse("wagtailadmin_home"))
    assert InterviewRequest.objects.filter(pk=sent.pk).exists()
    client.post(url("delete", draft.pk))
    assert not InterviewRequest.objects.filter(pk=draft.pk).exists()
