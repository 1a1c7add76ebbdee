"""Authors and series in the Wagtail admin (snippets)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.models import Author
from tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, demo):
    client.force_login(demo["admin"])
    return client


def test_editor_reaches_the_author_listing(editor_client):
    response = editor_client.get(reverse("wagtailsnippets_blog_author:list"))
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("Jan Berger", "Miriam Hoffmann", "Tobias Keller"):
        assert name in page


def test_author_listing_searches(editor_client):
    AuthorFactory(name="Zora Suchbar")
    response = editor_client.get(reverse("wagtailsnippets_blog_author:list"), {"q": "Zora"})
    page = response.content.decode()
    assert "Zora Suchbar" in page
    assert "Miriam Hoffmann" not in page


def test_author_listing_queries_do_not_grow_with_authors(editor_client):
    def listing_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(reverse("wagtailsnippets_blog_author:list")).status_code == 200
        return len(queries)

    def add_authors_with_accounts(how_many: int) -> None:
        for _ in range(how_many):
            author = AuthorFactory()
            author.user = get_user_model().objects.create_user(author.slug)
            author.save()

    add_authors_with_accounts(2)
    few = listing_queries()
    add_authors_with_accounts(20)
    assert listing_queries() == few


def test_blog_menu_holds_authors_and_series(editor_client):
    page = editor_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtailsnippets_blog_author:list") in page
    assert reverse("wagtailsnippets_blog_series:list") in page


def test_editor_links_an_author_to_an_admin_account(editor_client):
    user = get_user_model().objects.create_user("miriam", "miriam@casebook.test", "x" * 12)
    author = Author.objects.get(slug="miriam-hoffmann")
    url = reverse("wagtailsnippets_blog_author:edit", args=[author.pk])
    assert editor_client.get(url).status_code == 200
    data = {
        "name": author.name,
        "slug": author.slug,
        "role": author.role,
        "bio": author.bio,
        "photo": author.photo_id,
        "user": user.pk,
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
        "links-0-label": "Mastodon",
        "links-0-url": "https://social.example/@miriam",
        "links-0-ORDER": "1",
        "links-0-DELETE": "",
        "links-0-id": "",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    author.refresh_from_db()
    assert author.user == user
    assert user.author_profile == author
    assert list(author.links.values_list("label", flat=True)) == ["Mastodon"]


def test_series_listing_and_article_editor_open(editor_client, demo):
    assert editor_client.get(reverse("wagtailsnippets_blog_series:list")).status_code == 200
    index = demo["article_index"]
    add_article = reverse("wagtailadmin_pages:add", args=["blog", "articlepage", index.pk])
    assert editor_client.get(add_article).status_code == 200
    assert editor_client.get(reverse("wagtailadmin_pages:edit", args=[demo["article"].pk])).status_code == 200
