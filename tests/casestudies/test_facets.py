"""The index's numbers, years and company suggestions come from the cache
(casestudies/pages/facets.py) and still change the moment a reader could
notice: a case study published, republished with another outcome,
unpublished, or its company renamed."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casestudies.models import Outcome

from .conftest import html as view
from .factories import CompanyFactory, make_case_study

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def numbers(html: str) -> dict[str, int]:
    counts = re.findall(r'badge--(\w+)"[^>]*>[^<]+<span class="count">\((\d+)\)', html)
    return {outcome: int(count) for outcome, count in counts}


def listed(html: str) -> int:
    return int(re.search(r"(\d+) Fallstudien?\b", html).group(1))


def years(html: str) -> list[str]:
    select = re.search(r'<select name="year".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d{4})"', select)


def test_a_published_case_study_counts_at_once(index):
    make_case_study(index, outcome=Outcome.FAILURE, date=datetime.date(2010, 1, 1))
    html = view(index.url)
    assert numbers(html)["failure"] == 1 and listed(html) == 1 and years(html) == ["2010"]
    make_case_study(index, outcome=Outcome.BEST_PRACTICE, date=datetime.date(2012, 1, 1))
    html = view(index.url)
    assert numbers(html) == {"failure": 1, "best_practice": 1, "open": 0}
    assert listed(html) == 2 and years(html) == ["2012", "2010"]


def test_another_outcome_or_an_unpublished_case_study_counts_at_once(index):
    page = make_case_study(index, outcome=Outcome.FAILURE)
    keep = make_case_study(index, outcome=Outcome.FAILURE)
    assert numbers(view(index.url))["failure"] == 2
    page.outcome = Outcome.BEST_PRACTICE
    page.save_revision().publish()
    assert numbers(view(index.url)) == {"failure": 1, "best_practice": 1, "open": 0}
    assert listed(view(f"{index.url}?outcome=failure")) == 1
    page.unpublish()
    html = view(index.url)
    assert numbers(html) == {"failure": 1, "best_practice": 0, "open": 0} and listed(html) == 1
    assert keep.title in html and page.title not in html


def test_a_renamed_company_is_suggested_by_its_new_name(index):
    company = CompanyFactory(name="Alter Name AG")
    make_case_study(index, company=company)
    assert '<option value="Alter Name AG">' in view(index.url)
    company.name = "Neuer Name AG"
    company.save()
    html = view(index.url)
    assert '<option value="Neuer Name AG">' in html and "Alter Name AG" not in html


def test_the_numbers_follow_the_other_filters_from_the_cache_too(index):
    telecom = CompanyFactory(industry="telecom")
    make_case_study(index, company=telecom, outcome=Outcome.FAILURE)
    make_case_study(index, outcome=Outcome.FAILURE)
    assert numbers(view(f"{index.url}?industry=telecom"))["failure"] == 1
    assert numbers(view(index.url))["failure"] == 2
    assert numbers(view(f"{index.url}?industry=telecom"))["failure"] == 1


def test_a_second_view_counts_nothing_again(index):
    for outcome in (Outcome.FAILURE, Outcome.BEST_PRACTICE, Outcome.FAILURE):
        make_case_study(index, outcome=outcome)
    view(index.url)
    with CaptureQueriesContext(connection) as queries:
        html = view(index.url)
    assert listed(html) == 3
    statements = [query["sql"].upper() for query in queries.captured_queries]
    # No counting, no scan for the years, no company names for the suggestions.
    facets = ("COUNT(", "DATE_TRUNC", 'SELECT "CASESTUDIES_COMPANY"."NAME"')
    assert not [sql for sql in statements if any(part in sql for part in facets)]
