"""Do not contact: a contact opts out from the link in any email; from then on
nothing is sent to the address, and the admin shows why."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casestudies.companies import opt_out
from casestudies.interviews import outbox, reminders
from casestudies.interviews import states as interview_states
from casestudies.interviews.emails import queue_email
from casestudies.models import Answer, ContactEvent, InterviewStatus, OutgoingEmail
from tests.casestudies.factories import CompanyContactFactory

from .factories import InterviewRequestFactory
from .helpers import send_and_get_link
from .test_admin import author_user

pytestmark = pytest.mark.django_db


def opt_out_link(message) -> str:
    match = re.search(r"https?://\S+/interview/optout/[^/\s]+/", message.body)
    assert match, message.body
    return match.group(0).replace("http://testserver", "")


@pytest.fixture
def invited(django_capture_on_commit_callbacks):
    interview = InterviewRequestFactory(
        contact__name="Dana Beispiel", deadline=timezone.localdate() + datetime.timedelta(days=30)
    )
    send_and_get_link(interview, django_capture_on_commit_callbacks)
    return interview, mail.outbox[-1]


def test_every_email_to_a_contact_carries_the_link_and_the_one_click_header(invited):
    interview, invitation = invited

    link = opt_out_link(invitation)
    assert link in invitation.alternatives[0][0]
    assert invitation.extra_headers["List-Unsubscribe"] == f"<http://testserver{link}>"
    assert invitation.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_opting_out_from_the_link_then_nothing_more_and_the_admin_shows_why(
    client, invited, django_capture_on_commit_callbacks
):
    interview, invitation = invited
    link = opt_out_link(invitation)

    # Opening the link (a mail scanner, a curious click) changes nothing.
    page = client.get(link)
    assert page.status_code == 200 and "Keine E-Mails mehr schicken" in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    interview.contact.refresh_from_db()
    assert interview.contact.opted_out_at is None

    done = client.post(link, {"reason": "Wir geben keine Interviews."})
    assert "Erledigt" in done.content.decode()
    interview.contact.refresh_from_db()
    assert interview.contact.opted_out_at is not None
    assert interview.contact.opt_out_reason == "Wir geben keine Interviews."
    event = interview.events.get(kind="opted_out")
    assert event.internal and event.direction == "in"

    # No reminder, no new link, no notice goes to the address any more.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(timezone.now() + datetime.timedelta(days=3.5)) == 0
    editor = author_user("redakteur-optout")
    interview.owner = editor
    interview.save()
    client.force_login(editor)
    response = client.post(reverse("interview_requests:action", args=[interview.pk, "resend"]), follow=True)
    html = response.content.decode()
    date = re.escape(timezone.localdate().strftime("%Y"))
    assert re.search(
        rf"Dana Beispiel hat am \d+\. \w+ {date} widersprochen, E-Mails von uns zu bekommen", html
    )
    assert "Wir geben keine Interviews." in html
    assert mail.outbox == []
    assert (
        not OutgoingEmail.objects.filter(to=interview.contact.email)
        .exclude(key__contains=":invitation:")
        .exists()
    )
    # The request page and the contact listing say so, too.
    inspect = client.get(reverse("interview_requests:inspect", args=[interview.pk])).content.decode()
    assert "widersprochen, E-Mails von uns zu bekommen" in inspect
    client.force_login(author_user_superuser())
    listing = client.get(reverse("companycontact:index")).content.decode()
    assert "widersprochen am" in listing


def author_user_superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("chefin", "chefin@casebook.test", "pw")


def test_a_new_request_to_an_opted_out_address_cannot_be_sent(client):
    contact = CompanyContactFactory(email="presse@firma.test")
    twin = CompanyContactFactory(
        email="Presse@Firma.test", company=contact.company
    )  # same person, another record
    opt_out.record(contact)
    interview = InterviewRequestFactory(contact=twin)

    with pytest.raises(opt_out.ContactOptedOut):
        interview_states.send(interview, user=interview.owner)

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.DRAFT
    assert not ContactEvent.objects.filter(request=interview).exists()
    twin.refresh_from_db()
    assert twin.opted_out_at is not None


def test_an_email_queued_before_the_opt_out_is_not_sent(invited):
    interview, _ = invited
    email = queue_email(
        key="later:1",
        to=interview.contact.email,
        template="reminder",
        context={"request": interview, "contact": interview.contact, "url": "https://x.test/"},
        language="de",
    )
    opt_out.record(interview.contact)
    mail.outbox.clear()

    assert outbox.send_outgoing_email(email.pk) is False

    email.refresh_from_db()
    assert email.status == "failed" and "widersprochen" in email.last_error
    assert mail.outbox == []


def test_a_contact_who_opted_out_can_still_submit_and_gets_no_copy(
    client, django_capture_on_commit_callbacks
):
    interview = InterviewRequestFactory()
    link = send_and_get_link(interview, django_capture_on_commit_callbacks)
    questionnaire = client.get(link.replace("http://testserver", ""))["Location"]
    client.get(questionnaire)
    opt_out.record(interview.contact)
    mail.outbox.clear()
    answers = {f"answer_{q.pk}": "Antwort." for q in interview.questions.all()}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(questionnaire, {**answers, "action": "submit"})

    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED
    assert (
        Answer.objects.filter(question__request=interview, is_final=True).count()
        == interview.questions.count()
    )
    assert [m.to for m in mail.outbox] == [[interview.owner.email]]


def test_a_mail_programs_one_click_post_needs_no_csrf_token(invited):
    interview, invitation = invited
    one_click = Client(enforce_csrf_checks=True)

    response = one_click.post(opt_out_link(invitation), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    interview.contact.refresh_from_db()
    assert interview.contact.opted_out_at is not None


def test_a_forged_or_altered_link_opens_nothing(client, invited):
    interview, invitation = invited
    link = opt_out_link(invitation)
    signed = link.rstrip("/").rsplit("/", 1)[-1]
    other = CompanyContactFactory()
    forged = signed.replace(signed.split(":")[0], str(other.pk), 1)

    for path in (
        f"/interview/optout/{forged}/",
        f"/interview/optout/{signed}x/",
        f"/interview/optout/{other.pk}/",
    ):
        assert client.post(path).status_code == 404
    other.refresh_from_db()
    assert other.opted_out_at is None


def test_a_click_by_mistake_is_taken_back_from_the_same_link(
    client, invited, django_capture_on_commit_callbacks
):
    interview, invitation = invited
    link = opt_out_link(invitation)
    twin = CompanyContactFactory(email=interview.contact.email.upper(), company=interview.contact.company)
    client.post(link, {"reason": "Versehen"})

    page = client.post(link, {"action": "take-back"})

    html = page.content.decode()
    assert "Sie bekommen wieder E-Mails von uns" in html
    assert "Keine E-Mails mehr schicken" in html  # and may object again at once
    for contact in (interview.contact, twin):
        contact.refresh_from_db()
        assert contact.opted_out_at is None and contact.opt_out_reason == ""
    assert list(
        interview.events.filter(kind__in=["opted_out", "opted_in"]).values_list("kind", "internal")
    ) == [
        ("opted_out", True),
        ("opted_in", True),
    ]
    # Emails go out to the address again.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        interview_states.resend_link(interview, user=interview.owner)
    assert [m.to for m in mail.outbox] == [[interview.contact.email]]


def test_only_the_button_takes_the_objection_back(client, invited):
    interview, invitation = invited
    link = opt_out_link(invitation)
    client.post(link)
    one_click = Client(enforce_csrf_checks=True)

    # A scanner opening the page, a mail program's one-click POST: still no emails.
    client.get(link)
    one_click.post(link, {"List-Unsubscribe": "One-Click"})

    interview.contact.refresh_from_db()
    assert interview.contact.opted_out_at is not None
    assert not interview.events.filter(kind="opted_in").exists()
