"""Erasure is complete and the export holds everything it touches (README:
Privacy). A person goes through every path Casebook has: answers an
interview that becomes a published case study and signs it off, is invited
again and declines, is called by an editor who writes their phone number
into the log, comments on the blog, opts out of our emails, and gets
emails all along. Then every text of every table (tests/privacy/dump.py)
is searched for their address, name and phone number: before the erasure
each place found is in the export; after it, none is left."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_comments.models import Comment
from wagtail.models import WorkflowState

from casestudies import privacy
from casestudies.companies import opt_out
from casestudies.interviews import contact_log
from casestudies.models import CaseStudyPage, InterviewRequest, InterviewStatus
from tests.casestudies.factories import CompanyContactFactory
from tests.interviews.factories import InterviewRequestFactory
from tests.interviews.helpers import path_of, send_and_get_link
from tests.interviews.signoff_helpers import (
    accepted_case_study,
    editorial_workflow_with_signoff,
    signoff_link,
    submit,
    user_in,
)

from .dump import mentions

pytestmark = pytest.mark.django_db

EMAIL = "Wiebke.Quast@firma-quast.test"
NAME = "Wiebke Quastenberg"
PHONE = "+49 30 5550199"


def decide(client: Client, link: str) -> None:
    review = client.get(path_of(link))["Location"]
    assert client.get(review).status_code == 200
    assert client.post(review, {"decision": "approve"}).status_code == 302


@pytest.fixture
def person(demo, case_study_index, django_capture_on_commit_callbacks):
    editorial_workflow_with_signoff()
    author = user_in("Authors", "autorin", first_name="Anna", last_name="Autorin", email="anna@casebook.test")
    editor = user_in("Editors", "redakteur", first_name="Rolf", last_name="Redakteur")
    contact = CompanyContactFactory(name=NAME, email=EMAIL, phone=PHONE)
    browser = Client()

    # Answered, accepted, signed off and published.
    with django_capture_on_commit_callbacks(execute=True):
        published, page = accepted_case_study(owner=author, contact=contact)
        submit(page, author)
    with django_capture_on_commit_callbacks(execute=True):
        decide(browser, signoff_link(EMAIL))
    with django_capture_on_commit_callbacks(execute=True):
        WorkflowState.objects.for_instance(page).active().get().current_task_state.approve(user=editor)

    # Invited again, opened the questionnaire, declined with their own words.
    declined = InterviewRequestFactory(contact=contact, company=contact.company, owner=author)
    link = send_and_get_link(declined, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        questionnaire = browser.get(path_of(link))["Location"]
        browser.post(questionnaire + "decline/", {"reason": f"Keine Zeit, Gruss {NAME}, {PHONE}"})
        # An editor called and wrote down the number by hand.
        contact_log.record(declined, user=author, kind="call", summary=f"Rückruf unter {PHONE} bei {NAME}")
        # A comment on the blog, from the same address.
        Comment.objects.create(
            content_object=demo["article"], site_id=1, user_name=NAME, user_email=EMAIL, comment="Danke!"
        )
        # And at last: no more emails, with a reason.
        assert (
            browser.post(path_of(opt_out.opt_out_url(contact)), {"reason": f"{NAME} mag nicht"}).status_code
            == 200
        )

    published.refresh_from_db()
    declined.refresh_from_db()
    assert published.status == InterviewStatus.PUBLISHED and CaseStudyPage.objects.get(pk=page.pk).live
    assert declined.status == InterviewStatus.DECLINED
    assert len(mail.outbox) >= 5
    return published, declined, page


def identifiers() -> tuple[str, ...]:
    return (EMAIL, NAME, PHONE)


def test_the_export_holds_every_place_that_names_the_person(person):
    places = mentions(*identifiers())
    tables = {place.table for place in places}
    # The places the issue found erasure to miss are among them.
    assert {"casestudies_contactevent", "wagtailcore_modellogentry", "casestudies_outgoingemail"} <= tables

    out = StringIO()
    call_command("export_personal_data", EMAIL, stdout=out)
    exported = json.dumps(json.loads(out.getvalue()), ensure_ascii=False).lower()

    missing = [
        str(place)
        for place in places
        if not any(line.lower() in exported for line in privacy.lines_naming(place.text, identifiers()))
    ]
    assert missing == []


def test_after_erasure_no_table_names_the_person(person, django_capture_on_commit_callbacks):
    published, declined, page = person
    assert mentions(*identifiers())

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_personal_data", EMAIL.lower(), "--yes", stdout=out)

    left = [str(place) for place in mentions(*identifiers())]
    assert left == []
    # The editorial record stays: the published page, its dated log, the sign-off.
    assert CaseStudyPage.objects.get(pk=page.pk).live
    assert published.events.count() > 3 and declined.events.filter(kind="call").exists()
    assert published.sign_offs.get().snapshot["answers"]
    # What was published is named for the editors.
    assert f"#{published.pk}" in out.getvalue()
    assert InterviewRequest.objects.get(pk=declined.pk).decline_reason == ""


def test_after_erasure_no_reader_sees_the_person_on_the_published_page(
    person, settings, django_capture_on_commit_callbacks
):
    """The page's text is rewritten in place; the page cache, the fragments
    and the story's stored rendering must not keep showing the old text."""
    settings.PAGE_CACHE_SECONDS = 300
    _published, _declined, page = person
    url = CaseStudyPage.objects.get(pk=page.pk).url
    for _ in range(2):  # rendered and stored, then served from what was stored
        assert NAME in Client().get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_personal_data", EMAIL.lower(), "--yes", stdout=StringIO())

    shown = Client().get(url)
    assert shown.status_code == 200 and NAME not in shown.content.decode()
