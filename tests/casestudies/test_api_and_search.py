import pytest

from casestudies.models import Industry, Outcome

from .factories import CompanyFactory, make_case_study

pytestmark = pytest.mark.django_db


def test_case_studies_are_in_the_read_api_with_outcome_and_company(client, index):
    company = CompanyFactory(name="Telefon AG", slug="telefon", industry=Industry.TELECOM)
    page = make_case_study(index, company=company, outcome=Outcome.FAILURE)
    make_case_study(index, live=False)
    response = client.get("/api/v2/pages/?type=casestudies.CaseStudyPage&fields=outcome,company")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [page.pk]
    assert items[0]["outcome"] == "failure"
    assert items[0]["company"] == {
        "name": "Telefon AG",
        "slug": "telefon",
        "industry": "telecom",
        "industry_label": str(Industry.TELECOM.label),
    }
    detail = client.get(f"/api/v2/pages/{page.pk}/").json()
    assert detail["outcome"] == "failure"
    assert detail["author_names"]


def test_case_studies_can_be_filtered_by_outcome_in_the_api(client, index):
    failure = make_case_study(index, outcome=Outcome.FAILURE)
    make_case_study(index, outcome=Outcome.BEST_PRACTICE)
    response = client.get("/api/v2/pages/?type=casestudies.CaseStudyPage&outcome=failure")
    assert [item["id"] for item in response.json()["items"]] == [failure.pk]


def test_case_studies_are_found_by_site_search(client, index):
    company = CompanyFactory(name="Quasselstrippe GmbH", slug="quassel")
    page = make_case_study(index, company=company, title="Funkstille", verdict="Zu wenig Engagement")
    for query in ("Funkstille", "Engagement", "Quasselstrippe"):
        html = client.get(f"/suche/?q={query}").content.decode()
        assert page.url in html, query
