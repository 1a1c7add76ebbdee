"""The interview request's page in the admin: the next action as the primary
button, the others in the actions dropdown, each with its dialog; the side
panel; the tabs; empty fields left out."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from casestudies.models import ContactEvent, InterviewStatus, OutgoingEmail

from .factories import InterviewRequestFactory
from .test_admin import author_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(client):
    user = author_user()
    client.force_login(user)
    return user


def page(client, interview) -> str:
    response = client.get(reverse("interview_requests:inspect", args=[interview.pk]))
    assert response.status_code == 200
    return response.content.decode()


def primary_button(html: str) -> str:
    match = re.search(
        r'<button[^>]*class="[^"]*button-primary[^"]*"[^>]*data-a11y-dialog-show="action-dialog-(\w+)"', html
    )
    return match.group(1) if match else ""


def test_a_draft_offers_sending_first_and_the_rest_in_the_dropdown(client, author):
    interview = InterviewRequestFactory(
        owner=author, contact__company__name="Beispiel AG", contact__name="Dana"
    )

    html = page(client, interview)

    assert primary_button(html) == "send"
    assert 'id="action-dialog-send"' in html
    assert 'data-a11y-dialog-show="action-dialog-withdraw"' in html  # in the actions dropdown
    assert "Beispiel AG" in html and "Dana" in html
    assert "w-status" in html and "Entwurf" in html


def test_submitted_answers_offer_accepting_first(client, author):
    interview = InterviewRequestFactory(owner=author, status=InterviewStatus.SUBMITTED)

    assert primary_button(page(client, interview)) == "accept"


def test_an_expired_request_offers_the_last_notice_with_its_form_in_a_dialog(client, author):
    interview = InterviewRequestFactory(owner=author, status=InterviewStatus.EXPIRED)

    html = page(client, interview)

    assert primary_button(html) == "notice"
    dialog = html[html.index('id="action-dialog-notice"') :]
    assert 'name="reply_days"' in dialog[: dialog.index("</form>")]


def test_empty_fields_are_not_shown(client, author):
    interview = InterviewRequestFactory(owner=author, status=InterviewStatus.SENT)

    html = page(client, interview)

    assert "Ablehnungsgrund" not in html
    assert "Gewünschte Fotos" not in html.replace("gewünschte Fotos", "")


def test_the_log_is_newest_first_and_the_emails_tab_shows_each_state(client, author):
    interview = InterviewRequestFactory(owner=author, status=InterviewStatus.SENT)
    ContactEvent.objects.create(
        request=interview, channel="phone", direction="out", kind="call", summary="Erster Anruf"
    )
    later = ContactEvent.objects.create(
        request=interview, channel="phone", direction="out", kind="call", summary="Zweiter Anruf"
    )
    later.occurred_at = later.occurred_at.replace(year=later.occurred_at.year + 1)
    later.save()
    for status in ("pending", "sent", "failed"):
        OutgoingEmail.objects.create(
            key=f"t:{status}",
            request=interview,
            to="kontakt@example.com",
            subject=f"Betreff {status}",
            text="t",
            status=status,
        )

    html = page(client, interview)

    assert html.index("Zweiter Anruf") < html.index("Erster Anruf")
    assert 'name="summary"' in html  # the form to log a call sits in the log's tab
    for label in ("Ausstehend", "Gesendet", "Fehlgeschlagen"):
        assert label in html, label
    assert "unzustellbar" in html  # the side panel says an email bounced


def test_the_emails_tab_says_what_came_back(client, author):
    """A bounce reported by the mailbox or the provider (interviews.inbound) shows
    beside the email it concerns: the editor sees which address failed and when."""
    from django.utils import timezone

    interview = InterviewRequestFactory(owner=author, status=InterviewStatus.SENT)
    for key, bounce in (("hard", "hard"), ("soft", "soft")):
        OutgoingEmail.objects.create(
            key=f"t:{key}",
            request=interview,
            to="kontakt@example.com",
            subject=f"Betreff {key}",
            text="t",
            status="sent",
            bounced_at=timezone.now(),
            bounce=bounce,
        )

    html = page(client, interview)

    assert "zurückgekommen: Adresse funktioniert nicht" in html
    assert "zurückgekommen: wird erneut versucht" in html


def test_the_steps_and_the_side_panel_are_there(client, author):
    interview = InterviewRequestFactory(owner=author, status=InterviewStatus.SENT)

    html = page(client, interview)

    assert 'class="cb-steps"' in html
    assert 'data-side-panel="interview-request"' in html
    assert reverse("companycontact:edit", args=[interview.contact_id]) in html


def test_the_company_page_lists_its_requests_with_the_step_indicator_and_its_case_studies(client, author):
    from django.contrib.auth.models import Permission

    author.user_permissions.add(Permission.objects.get(codename="view_company"))
    mine = InterviewRequestFactory(owner=author, status=InterviewStatus.SENT, contact__name="Dana Eigene")
    InterviewRequestFactory(contact__company=mine.company, contact__name="Konrad Fremd")
    ContactEvent.objects.create(
        request=mine, channel="email", direction="out", kind="invitation", summary="x"
    )

    response = client.get(reverse("wagtailsnippets_casestudies_company:inspect", args=[mine.company_id]))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Dana Eigene" in html and 'class="cb-steps"' in html
    assert 'aria-current="step"' in html
    assert "Konrad Fremd" not in html  # an author sees only their own requests
    assert "Fallstudien" in html
