"""A reader gets a story's stored rendering without a database query, and
never an untrue one (blog/rendered_pages.py; a new revision is checked in
test_fragments.py, which runs below the page cache too): a decided
comment, another language, a signed-in editor, a query string, a private
page and a change that commits while someone renders all show through."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sites.models import Site as DjangoSite
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django_comments.models import Comment
from wagtail.models import Page, PageViewRestriction

from blog import rendered_pages

from .conftest import html
from .factories import make_case_study

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def test_a_reader_gets_the_stored_rendering_without_a_query(index, django_assert_num_queries):
    page = make_case_study(index, verdict="Die Lehre daraus.")
    first = html(page.url)  # rendered and stored
    with django_assert_num_queries(0):
        again = html(page.url)
    assert again == first and "Die Lehre daraus." in again


def test_an_approved_comment_shows_and_a_hidden_one_goes(index):
    page = make_case_study(index)
    assert "Ein Leserkommentar." not in html(page.url)
    comment = Comment.objects.create(
        content_object=page,
        site=DjangoSite.objects.get_current(),
        user_name="Leserin",
        comment="Ein Leserkommentar.",
        is_public=True,
    )
    assert "Ein Leserkommentar." in html(page.url)
    comment.is_public = False
    comment.save()
    assert "Ein Leserkommentar." not in html(page.url)


def test_each_language_has_its_own_rendering(index):
    url = make_case_study(index).url
    german = html(url)
    english = html(f"/en{url}")
    assert '<html lang="de"' in german and '<html lang="en"' in english
    assert '<html lang="de"' in html(url)


def test_a_signed_in_editor_gets_a_fresh_rendering_with_the_user_bar(index, admin_client):
    page = make_case_study(index)
    reader_view = html(page.url)
    assert "wagtail-userbar" not in reader_view
    assert "wagtail-userbar" in html(page.url, admin_client)
    assert "wagtail-userbar" not in html(page.url)


def queries_to_view(url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        html(url)
    return len(queries)


def test_a_query_string_or_a_private_page_anywhere_renders_afresh(index, demo):
    page = make_case_study(index)
    html(page.url)
    assert queries_to_view(page.url) == 0
    assert queries_to_view(f"{page.url}?utm_source=feed") > 0  # Wagtail loaded and rendered the page
    PageViewRestriction.objects.create(page=demo["article"], restriction_type=PageViewRestriction.LOGIN)
    assert queries_to_view(page.url) > 0


def test_a_rendering_made_before_a_publication_committed_is_not_served_after_it(
    index, django_capture_on_commit_callbacks
):
    """Readers who render while a publication commits store what the database
    showed them; the stamps keep those copies from being served afterwards."""
    page = make_case_study(index)

    def reader():
        request = RequestFactory().get(page.url)
        request.user = AnonymousUser()
        return request

    slow = reader()
    assert rendered_pages.stored(slow, page.pk) is None  # not stored yet: the reader renders
    with django_capture_on_commit_callbacks(execute=False) as commit:
        rendered_pages.page_published(instance=page)  # the publication, not yet committed
    rendered_pages.store(slow, HttpResponse("rendered before the publication"))
    assert rendered_pages.stored(reader(), page.pk) is None

    between = reader()
    assert rendered_pages.stored(between, page.pk) is None
    rendered_pages.store(between, HttpResponse("rendered before the commit"))
    assert rendered_pages.stored(reader(), page.pk).content == b"rendered before the commit"
    for callback in commit:
        callback()
    assert rendered_pages.stored(reader(), page.pk) is None


def test_an_unpublished_story_is_not_served_from_its_stored_rendering(index):
    page = make_case_study(index)
    html(page.url)
    Page.objects.get(pk=page.pk).unpublish()
    assert Client().get(page.url).status_code == 404


def test_a_deployment_renders_every_story_anew(index, django_assert_num_queries):
    """Deployments migrate; new templates must show at once, not after a day."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    page = make_case_study(index)
    html(page.url)
    with django_assert_num_queries(0):
        html(page.url)
    blog = apps.get_app_config("blog")
    post_migrate.send(
        sender=blog, app_config=blog, verbosity=0, interactive=False, using="default", apps=apps, plan=[]
    )
    assert queries_to_view(page.url) > 0
