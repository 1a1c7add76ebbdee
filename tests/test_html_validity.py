"""Public pages are valid HTML by the Nu HTML checker."""

import pytest

from tests.html_checker import html_errors

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = [
    "/",
    "/artikel/",
    "/artikel/kundenzufriedenheit-als-werbefigur/",
    "/autoren/",
    "/autoren/jan-berger/",
    "/serien/",
    "/serien/chief-social-media-officer/",
    "/suche/?q=Werbefigur",
    "/feeds/",
    "/en/",
]


def test_public_pages_pass_the_nu_html_checker(client, demo):
    pages = {}
    for path in PUBLIC_PATHS:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.content.decode()
    assert html_errors(pages) == []


def test_the_checker_does_find_errors():
    # Guards the guard: a broken document must be reported.
    errors = html_errors({"broken": "<!DOCTYPE html><html lang=de><title>x</title><p><div></span>"})
    assert errors and all(e.startswith("broken:") for e in errors)
