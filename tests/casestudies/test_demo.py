import re

import pytest
from django.utils import translation
from wagtail.models import Page, Revision

from casestudies import demo as casestudies_demo
from casestudies.models import CaseStudyPage, Company, CompanyContact, QuestionSetItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_demo(demo):
    return casestudies_demo.load()


def test_the_demo_index_shows_both_outcomes(client, case_demo):
    html = client.get("/fallstudien/").content.decode()
    assert 'class="badge badge--failure"' in html
    assert 'class="badge badge--best_practice"' in html
    assert "1&amp;1 Internet AG" in html


def test_the_failure_case_study_tells_the_whole_timeline_in_order(client, case_demo):
    page = case_demo["failure"]
    assert page.outcome == "failure"
    assert page.company.slug == "1und1"
    assert [a.slug for a in page.authors] == ["jan-berger"]
    assert page.series.slug == "chief-social-media-officer"
    with translation.override("de"):
        html = client.get(page.url).content.decode()
    steps = [
        '<time datetime="2009-12-29">29. Dezember 2009</time>',
        '<time datetime="2010-01-09">9. Januar 2010</time>',
        "15. Januar 2010 in der Firmenzentrale in Montabaur",
        "Fragen zu schicken und die Antworten mit einem aktuellen Foto",
        "Keine Reaktion.",
        "nur per E-Mail erreichbar",
        "Best Practice in der Reihe „Chief Social Media Officer“",
        "Keine Antwort, keine Absage",
    ]
    positions = [html.index(step) for step in steps]
    assert positions == sorted(positions)
    # The story gives no dates for the offer, the call and the second email.
    assert html.count("Datum unbekannt") == 3
    assert "5\u202f852" in html
    assert "definitiv zu wenig Social-Media-Engagement" in html


def test_the_contact_is_a_role_not_a_named_person(case_demo):
    contact = CompanyContact.objects.get(company__slug="1und1")
    assert contact.role == "Head of Social Media"
    assert "Pressesprecher" in contact.name


def test_the_best_practice_case_study_has_an_interview(client, case_demo):
    page = case_demo["best_practice"]
    assert page.outcome == "best_practice"
    assert any(block.block_type == "interview" for block in page.body)
    assert "interview__answer" in client.get(page.url).content.decode()


def test_running_the_demo_twice_changes_nothing(case_demo):
    def snapshot():
        return (
            Page.objects.count(),
            Revision.objects.count(),
            Company.objects.count(),
            CompanyContact.objects.count(),
            QuestionSetItem.objects.count(),
            sorted(CaseStudyPage.objects.values_list("slug", "live", "latest_revision_id")),
        )

    before = snapshot()
    casestudies_demo.load()
    assert snapshot() == before


def test_the_series_has_its_standard_questions_for_new_requests(case_demo, django_user_model):
    from casestudies.models import InterviewRequest

    question_set = case_demo["question_set"]
    assert question_set.series.slug == "chief-social-media-officer"
    company = case_demo["companies"]["nordlicht-reisen"]
    request = InterviewRequest.objects.create(
        company=company,
        contact=company.contacts.first(),
        intro="Hallo",
        deadline="2030-01-01",
        question_set=question_set,
    )
    assert request.copy_questions_from_set() == 7
    assert request.questions.order_by("sort_order").first().text.startswith("Seit wann")


def test_the_company_page_lists_its_case_studies_only(client, case_demo):
    html = client.get("/unternehmen/1und1/").content.decode()
    assert case_demo["failure"].url in html
    assert case_demo["best_practice"].url not in html
    assert re.search(r"<h1>1&amp;1 Internet AG</h1>", html)


def test_the_failure_story_is_generated_from_the_demo_requests_contact_log(case_demo):
    from casestudies.models import ContactEvent, InterviewRequest
    from casestudies.pages import drafts as case_study_drafts
    from casestudies.pages import timeline as contact_timeline

    page = case_demo["failure"]
    request = InterviewRequest.objects.get(case_study=page)
    assert (request.status, request.company.slug, request.owner.username) == ("expired", "1und1", "admin")
    public = contact_timeline.public_events(request)
    [timeline] = [block.value for block in page.body if block.block_type == "timeline"]
    assert [event["what"] for event in timeline["events"]] == [event.summary for event in public]
    assert [event["date"].precision for event in timeline["events"]] == [
        "day",
        "day",
        "unknown",
        "unknown",
        "unknown",
    ]
    generated, article = [block.value for block in page.body if block.block_type == "key_figures"]
    assert generated["heading"] == "2 E-Mails, 1 Anruf, 0 Antworten"
    assert article["heading"] == "Der erste Artikel"

    # The same code path regenerates the same story from the log.
    InterviewRequest.objects.filter(pk=request.pk).update(case_study=None)
    request.refresh_from_db()
    again = case_study_drafts.draft_failure_case_study(request, user=request.owner)

    def story(of):
        [value] = [block.value for block in of.body if block.block_type == "timeline"]
        return [
            (e["date"].label, e["channel"], e["direction"], e["what"], e["outcome"]) for e in value["events"]
        ]

    assert story(again) == story(page)

    counts = (InterviewRequest.objects.count(), ContactEvent.objects.count())
    casestudies_demo.load()
    assert (InterviewRequest.objects.count(), ContactEvent.objects.count()) == counts
