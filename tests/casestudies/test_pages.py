import pytest

from blog.models import Authorship
from tests.factories import AuthorFactory

from .factories import make_case_study

pytestmark = pytest.mark.django_db


def test_authors_keep_their_order(index):
    first, second, third = AuthorFactory(name="Zora"), AuthorFactory(name="Anna"), AuthorFactory(name="Mia")
    page = make_case_study(index, authors=[first, second, third])
    fresh = type(page).objects.get(pk=page.pk)
    assert [author.name for author in fresh.authors] == ["Zora", "Anna", "Mia"]


def test_a_preview_shows_the_authors_being_edited(index):
    page = make_case_study(index, authors=[AuthorFactory(name="Alt")])
    page = type(page).objects.get(pk=page.pk)
    # What the editor has in the form, not yet saved (as in a preview).
    page.authorships = [Authorship(author=AuthorFactory(name="Neu"))]
    assert [author.name for author in page.authors] == ["Neu"]


def test_the_outcome_shows_in_the_page_header(client, index):
    page = make_case_study(index, outcome="best_practice")
    html = client.get(page.url).content.decode()
    header = html[
        html.index('<header class="story__header">') : html.index("</header>", html.index("story__header"))
    ]
    assert '<span class="badge badge--best_practice">' in header


def test_a_case_study_without_feed_image_shows_its_hero_image_on_cards(client, index):
    from tests.factories import make_image

    hero = make_image("Held")
    page = make_case_study(index, hero_image=hero)
    assert page.feed_image_id == hero.pk
    other = make_image("Feed")
    page_with_own = make_case_study(index, hero_image=make_image(), feed_image=other)
    assert page_with_own.feed_image_id == other.pk
    html = client.get("/fallstudien/").content.decode()
    assert html.count('class="card__image"') == 2


def test_a_company_without_a_published_case_study_stays_out_of_sight(client, index):
    from .factories import CompanyFactory

    approached = CompanyFactory(name="Nur angefragt GmbH", slug="angefragt")
    make_case_study(index, company=approached, live=False)  # a draft only
    CompanyFactory(name="Unbekannt AG", slug="unbekannt")
    published = CompanyFactory(name="Veröffentlicht AG", slug="veroeffentlicht")
    make_case_study(index, company=published)

    assert client.get("/unternehmen/angefragt/").status_code == 404
    assert client.get("/unternehmen/unbekannt/").status_code == 404
    assert client.get("/unternehmen/veroeffentlicht/").status_code == 200
    index_html = client.get("/fallstudien/").content.decode()
    assert '<option value="Veröffentlicht AG">' in index_html
    assert "Nur angefragt" not in index_html and "Unbekannt AG" not in index_html
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/unternehmen/veroeffentlicht/</loc>" in sitemap
    assert "/unternehmen/angefragt/" not in sitemap and "/unternehmen/unbekannt/" not in sitemap
