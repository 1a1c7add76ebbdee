"""Responsiveness: per company and industry, how many requests were answered,
declined and ignored, and the median days to an answer; on the dashboard, in
the company listing and (when switched on) on the public company page, in a
number of queries that does not grow with the data."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casestudies.interviews import responsiveness
from casestudies.models import ContactEvent, Industry, InterviewStatus
from tests.interviews.factories import InterviewRequestFactory

from .factories import CompanyContactFactory, CompanyFactory, make_case_study

pytestmark = pytest.mark.django_db

# At nine in the morning: an answer "n days and three hours later" then falls on
# the n-th day whatever time the suite runs (late in the evening it crossed midnight).
SENT = datetime.datetime.combine(
    timezone.localdate() - datetime.timedelta(days=60),
    datetime.time(9),
    tzinfo=timezone.get_current_timezone(),
)


def request(company, status, *, answer_after=None, answer_kind="submitted"):
    contact = CompanyContactFactory(company=company)
    interview = InterviewRequestFactory(
        company=company, contact=contact, status=status, sent_at=None if status == "draft" else SENT
    )
    if answer_after is not None:
        ContactEvent.objects.create(
            request=interview,
            occurred_at=SENT + datetime.timedelta(days=answer_after, hours=3),
            kind=answer_kind,
            direction="in",
            channel="form" if answer_kind == "submitted" else "email",
        )
    return interview


@pytest.fixture
def known(db):
    telecom = CompanyFactory(name="Antwort AG", slug="antwort", industry=Industry.TELECOM)
    retail = CompanyFactory(name="Still GmbH", slug="still", industry=Industry.RETAIL)
    request(telecom, InterviewStatus.SUBMITTED, answer_after=2)
    request(telecom, InterviewStatus.IN_PROGRESS, answer_after=6, answer_kind="reply")  # answered by email
    request(telecom, InterviewStatus.PUBLISHED, answer_after=4)
    request(telecom, InterviewStatus.DECLINED)
    request(telecom, InterviewStatus.EXPIRED)
    request(telecom, InterviewStatus.SENT)  # still waiting
    request(telecom, InterviewStatus.DRAFT)  # never sent: counts nowhere
    request(telecom, InterviewStatus.WITHDRAWN)  # the editors stopped: counts nowhere
    request(retail, InterviewStatus.EXPIRED)
    request(retail, InterviewStatus.EXPIRED, answer_after=10, answer_kind="reply")  # a reply, not reopened
    return telecom, retail


def numbers(stats) -> tuple:
    return stats.answered, stats.declined, stats.ignored, stats.waiting, stats.median_days


def test_the_numbers_of_a_small_known_data_set(known):
    telecom, retail = known

    report = responsiveness.report()

    assert numbers(report.companies[telecom.pk]) == (3, 1, 1, 1, 4)
    assert numbers(report.companies[retail.pk]) == (1, 0, 1, 0, 10)
    assert numbers(report.industries[Industry.TELECOM]) == (3, 1, 1, 1, 4)
    assert numbers(report.industries[Industry.RETAIL]) == (1, 0, 1, 0, 10)
    assert [c.name for c in report.top_companies()] == ["Antwort AG", "Still GmbH"]
    assert numbers(responsiveness.for_company(retail)) == (1, 0, 1, 0, 10)
    assert numbers(responsiveness.for_company(CompanyFactory())) == (0, 0, 0, 0, None)


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("chef", "chef@casebook.test", "pw"))
    return client


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_dashboard_panel(admin_client, known):
    html = squash(admin_client.get(reverse("wagtailadmin_home")).content.decode())

    assert "Wer auf Interviewanfragen antwortet" in html
    assert "Telekommunikation und Internet 3 1 1 4" in html
    assert "Antwort AG 3 1 1 1 4" in html and "Still GmbH 1 0 1 0 10" in html


def test_the_company_listing_column(admin_client, known):
    html = squash(admin_client.get(reverse("wagtailsnippets_casestudies_company:list")).content.decode())

    assert "Antwortverhalten" in html
    assert "3 beantwortet · 1 abgelehnt · 1 ignoriert im Median 4 Tage bis zur Antwort" in html
    assert "1 beantwortet · 0 abgelehnt · 1 ignoriert im Median 10 Tage bis zur Antwort" in html


@pytest.fixture
def published(known, index):
    """The public company page exists only for a company with a published case study."""
    telecom, _ = known
    make_case_study(index, company=telecom)
    return telecom


def test_the_public_company_page_shows_it_only_when_switched_on(client, known, published):
    telecom, _ = known
    url = reverse("casestudies:company", kwargs={"slug": telecom.slug})
    assert "Wie das Unternehmen auf Interviewanfragen antwortet" not in client.get(url).content.decode()

    telecom.show_responsiveness = True
    telecom.save()

    html = squash(client.get(url).content.decode())
    assert "Wie das Unternehmen auf Interviewanfragen antwortet" in html
    assert "beantwortet 3 abgelehnt 1 bis zur Frist keine Antwort 1 Tage bis zur Antwort (Median) 4" in html


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_stay_constant_as_data_grows(admin_client, known, published, settings):
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 0  # count what rendering costs, not the cache
    reader = Client()
    telecom, _ = known
    telecom.show_responsiveness = True
    telecom.save()
    urls = [
        reverse("wagtailadmin_home"),
        reverse("wagtailsnippets_casestudies_company:list"),
    ]
    public = reverse("casestudies:company", kwargs={"slug": telecom.slug})
    for url in urls:  # warm caches (site, permissions, content types)
        count_queries(admin_client, url)
    count_queries(reader, public)
    before = [count_queries(admin_client, url) for url in urls] + [count_queries(reader, public)]

    for number in range(12):
        company = CompanyFactory(industry=list(Industry.values)[number % 5])
        for status, answer in (("expired", None), ("submitted", number + 1), ("declined", None)):
            request(company, status, answer_after=answer)
        request(telecom, "submitted", answer_after=number)
    # New companies make cached fragments (the navigation's links) stale: warm them again.
    count_queries(reader, public)

    after = [count_queries(admin_client, url) for url in urls] + [count_queries(reader, public)]
    assert after == before


def invitation(interview, *, to: str, bounce: str = "") -> None:
    from casestudies.models import OutgoingEmail

    OutgoingEmail.objects.create(
        key=f"test:{interview.pk}:{to}",
        request=interview,
        to=to,
        subject="Interviewanfrage",
        reply_to=f"redaktion+{interview.public_id}@casebook.example",
        status=OutgoingEmail.Status.SENT,
        sent_at=SENT,
        bounce=bounce,
        bounced_at=SENT if bounce else None,
    )


def test_silence_counts_only_where_an_email_of_ours_was_delivered(db):
    """Issue 15: an expired request whose invitation bounced is nobody's
    silence; once an email to a working address went unanswered it is."""
    company = CompanyFactory(name="Bounce AG", slug="bounce", industry=Industry.TELECOM)
    unheard = request(company, InterviewStatus.EXPIRED)
    invitation(unheard, to=unheard.contact.email, bounce="hard")
    contact = unheard.contact
    contact.undeliverable_email, contact.undeliverable_at = contact.email, SENT
    contact.save()
    answered_anyway = request(company, InterviewStatus.EXPIRED, answer_after=3, answer_kind="call")
    invitation(answered_anyway, to=answered_anyway.contact.email, bounce="hard")

    figures = responsiveness.for_company(company)
    assert (figures.answered, figures.ignored) == (1, 0)

    # A new address, a new link that arrived, and still no answer: now it is silence.
    contact.email = "presse@bounce.example"
    contact.save()
    invitation(unheard, to=contact.email)
    figures = responsiveness.for_company(company)
    assert (figures.answered, figures.ignored) == (1, 1)
