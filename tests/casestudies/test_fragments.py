"""The cached article of a case study, and the cached route to it, change
whenever what a reader would see changes (blog/fragments.py)."""

import pytest
from django.test import Client
from wagtail.models import Page, PageViewRestriction

from blog import fragments
from tests.factories import AuthorFactory

from .conftest import html
from .factories import CompanyFactory, make_case_study

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def test_a_new_revision_shows_at_once(index):
    page = make_case_study(index, verdict="Alte Lehre.")
    assert "Alte Lehre." in html(page.url)
    page.verdict = "Neue Lehre."
    page.save_revision().publish()
    body = html(page.url)
    assert "Neue Lehre." in body and "Alte Lehre." not in body


def test_a_renamed_author_and_company_show_at_once(index):
    author = AuthorFactory(name="Erika Alt")
    company = CompanyFactory(name="Alte Firma GmbH")
    page = make_case_study(index, authors=[author], company=company)
    assert "Erika Alt" in html(page.url) and "Alte Firma GmbH" in html(page.url)
    author.name = "Erika Neu"
    author.save()
    company.name = "Neue Firma GmbH"
    company.save()
    body = html(page.url)
    assert "Erika Neu" in body  # (her biography, written at first, still names her "Erika Alt")
    assert "Neue Firma GmbH" in body and "Alte Firma GmbH" not in body


def test_a_draft_does_not_show_and_a_preview_is_not_served_from_the_cache(index, admin_client):
    page = make_case_study(index, verdict="Veröffentlichte Lehre.")
    assert "Veröffentlichte Lehre." in html(page.url)
    page.verdict = "Entwurf der Lehre."
    page.save_revision()  # a draft: the live page stays as it was
    assert "Entwurf der Lehre." not in html(page.url)
    # The preview carries the live revision's number but shows the draft.
    draft = Page.objects.get(pk=page.pk).specific.get_latest_revision_as_object()
    assert "Entwurf der Lehre." in draft.make_preview_request().content.decode()
    assert "Entwurf der Lehre." not in html(page.url)


def test_an_unpublished_or_moved_case_study_is_not_found_at_its_old_address(index, demo):
    page = make_case_study(index, slug="umzug")
    old_url = page.url
    assert Client().get(old_url).status_code == 200
    page.unpublish()
    assert Client().get(old_url).status_code == 404
    page.save_revision().publish()
    assert Client().get(old_url).status_code == 200
    page.slug = "umgezogen"
    page.save_revision().publish()
    assert Client().get(old_url).status_code != 200  # a redirect (Wagtail makes one) or not found
    assert Client().get(Page.objects.get(pk=page.pk).url).status_code == 200


def test_a_page_made_private_asks_for_a_login(index):
    page = make_case_study(index)
    assert Client().get(page.url).status_code == 200
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = Client().get(page.url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_fragment_stored_while_a_change_commits_is_not_used_after_it(django_capture_on_commit_callbacks):
    """Fragments are kept under the generation; one rendered from the old data
    between a change's signal and its commit must not outlive the commit."""
    with django_capture_on_commit_callbacks(execute=False) as commit:
        fragments.invalidate()  # a change's signal, inside its transaction
    rendered_in_between = fragments.generation()
    for callback in commit:
        callback()
    assert fragments.generation() != rendered_in_between
