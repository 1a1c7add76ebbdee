"""The benchmarks' seeder (bench/seed.py) writes Wagtail pages in bulk, past
Wagtail's own add_child: the tree it leaves must be one Wagtail and treebeard
accept, and the pages must serve. Correctness only; the benchmarks
themselves are not part of the suite (bin/bench)."""

import pytest
from wagtail.models import Page

from bench import seed
from casestudies.models import CaseStudyIndexPage, CaseStudyPage, ContactEvent, InterviewRequest
from tests.casestudies.factories import make_case_study

pytestmark = pytest.mark.django_db

SMALL = seed.Scale(
    case_studies=30,
    interview_requests=6,
    contact_events=40,
    companies=5,
    authors=3,
    series=1,
    tags=4,
    images=2,
    bench_request_events=10,
    pageview_days=2,
    pages_viewed_per_day=5,
)


def test_seeded_case_studies_form_a_valid_page_tree_and_serve(client):
    done = seed.seed(SMALL, log=lambda *_: None)

    assert not done["skipped"]
    assert seed.is_seeded(SMALL)
    assert Page.find_problems() == ([], [], [], [], [])
    index = CaseStudyIndexPage.objects.get()
    assert index.get_children().count() == index.numchild == 2 + SMALL.case_studies  # the demo's two
    page = CaseStudyPage.objects.get(slug="bench-fallstudie-00007")
    assert page.url == "/fallstudien/bench-fallstudie-00007/"
    response = client.get(page.url)
    assert response.status_code == 200
    assert page.title in response.content.decode()
    assert client.get(index.url + "?outcome=failure").status_code == 200


def test_wagtail_adds_pages_after_the_seeded_ones_and_a_second_seed_skips():
    seed.seed(SMALL, log=lambda *_: None)
    index = CaseStudyIndexPage.objects.get()

    added = make_case_study(index, slug="nach-dem-seed")

    assert added.path > CaseStudyPage.objects.get(slug="bench-fallstudie-00029").path
    assert Page.find_problems() == ([], [], [], [], [])
    assert seed.seed(SMALL, log=lambda *_: None)["skipped"]
    assert InterviewRequest.objects.filter(company__slug__startswith="bench-").count() == 6
    assert ContactEvent.objects.filter(request=seed.bench_request()).count() == 10
