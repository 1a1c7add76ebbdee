import datetime
import re

import pytest

from blog.models import Series
from blog.models.pages import PAGE_SIZE
from casestudies.models import Industry, Outcome
from casestudies.pages import guards

from .factories import CompanyFactory, make_case_study


def published_before_the_checklist(index, **fields):
    with guards.waived():
        return make_case_study(index, **fields)


pytestmark = pytest.mark.django_db


def titles(response) -> set[str]:
    return set(re.findall(r'class="card__title"><a href="[^"]+">([^<]+)</a>', response.content.decode()))


@pytest.fixture
def cases(index, demo):
    telecom = CompanyFactory(name="Telefon AG", slug="telefon", industry=Industry.TELECOM)
    shop = CompanyFactory(name="Laden GmbH", slug="laden", industry=Industry.RETAIL)
    other_series = Series.objects.create(name="Andere Reihe", slug="andere-reihe")
    return {
        "A": make_case_study(
            index,
            title="A",
            company=telecom,
            outcome=Outcome.FAILURE,
            series=demo["series"],
            date=datetime.date(2010, 1, 20),
            tags=("funkstille",),
        ),
        "B": make_case_study(
            index,
            title="B",
            company=telecom,
            outcome=Outcome.BEST_PRACTICE,
            series=other_series,
            date=datetime.date(2011, 3, 1),
        ),
        "C": make_case_study(
            index,
            title="C",
            company=shop,
            outcome=Outcome.BEST_PRACTICE,
            series=demo["series"],
            date=datetime.date(2011, 5, 1),
        ),
        # An open case went live before the pre-publication checklist asked for an outcome.
        "D": published_before_the_checklist(
            index, title="D", company=shop, outcome=Outcome.OPEN, date=datetime.date(2012, 1, 1)
        ),
        "draft": make_case_study(index, title="Draft", company=shop, outcome=Outcome.FAILURE, live=False),
    }


def test_unfiltered_index_lists_live_case_studies_only(client, cases):
    assert titles(client.get("/fallstudien/")) == {"A", "B", "C", "D"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("outcome=failure", {"A"}),
        ("outcome=best_practice", {"B", "C"}),
        ("industry=telecom", {"A", "B"}),
        ("industry=retail", {"C", "D"}),
        ("company=laden", {"C", "D"}),
        ("series=chief-social-media-officer", {"A", "C"}),
        ("series=andere-reihe", {"B"}),
        ("year=2011", {"B", "C"}),
        ("tag=funkstille", {"A"}),
        ("outcome=best_practice&industry=retail", {"C"}),
        ("company=laden&year=2012", {"D"}),
    ],
)
def test_each_filter_narrows_the_index(client, cases, query, expected):
    assert titles(client.get(f"/fallstudien/?{query}")) == expected


def test_an_unknown_filter_value_is_ignored_not_an_error(client, cases):
    response = client.get("/fallstudien/?company=does-not-exist&outcome=failure")
    assert response.status_code == 200
    assert titles(response) == {"A"}


def test_outcome_counts_follow_the_other_filters(client, cases):
    html = client.get("/fallstudien/?industry=telecom&outcome=failure").content.decode()
    counts = dict(re.findall(r'badge--(\w+)"[^>]*>[^<]+<span class="count">\((\d+)\)', html))
    assert counts == {"best_practice": "1", "failure": "1", "open": "0"}
    # The outcome links keep the other filters and drop the current outcome.
    assert "?industry=telecom&amp;outcome=best_practice" in html


def test_filters_survive_paging(client, index):
    company = CompanyFactory(slug="viel", industry=Industry.MEDIA)
    for number in range(PAGE_SIZE + 2):
        make_case_study(index, company=company, outcome=Outcome.FAILURE, title=f"Fall {number}")
    make_case_study(index, outcome=Outcome.BEST_PRACTICE, title="Anderes")
    first = client.get("/fallstudien/?outcome=failure&industry=media")
    html = first.content.decode()
    assert 'rel="next"' in html
    next_link = re.search(r'href="\?([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert set(next_link.split("&")) == {"outcome=failure", "industry=media", "page=2"}
    second = client.get(f"/fallstudien/?{next_link}")
    assert len(titles(second)) == 2
    assert "Anderes" not in second.content.decode()


def test_outcome_shows_on_every_card(client, cases):
    html = client.get("/fallstudien/").content.decode()
    assert html.count('class="card card--') == 4
    for outcome in ("failure", "best_practice", "open"):
        assert f"card card--{outcome}" in html
        assert f'<span class="badge badge--{outcome}">' in html


def test_the_company_filter_takes_a_name_and_suggests_only_a_few(client, cases, index):
    from casestudies.pages.filters import COMPANY_SUGGESTIONS

    assert titles(client.get("/fallstudien/?company=laden gmbh")) == {"C", "D"}
    for number in range(COMPANY_SUGGESTIONS + 5):
        make_case_study(index, company=CompanyFactory(name=f"<b>Firma {number:02d}</b>"), title=f"F{number}")

    html = client.get("/fallstudien/").content.decode()

    datalist = html.split('<datalist id="company-suggestions">', 1)[1].split("</datalist>", 1)[0]
    assert datalist.count("<option") == COMPANY_SUGGESTIONS
    assert "<b>" not in datalist and "&lt;b&gt;Firma" in datalist
    assert "<select" not in html.split('name="company"', 1)[0].rsplit("<label", 1)[-1]
