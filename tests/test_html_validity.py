"""Public pages are valid HTML by the Nu HTML checker: the same pages axe-core
checks in the browser (tests/public_pages.py), the questionnaire included."""

import pytest
from django.test import Client

from tests.html_checker import html_errors
from tests.public_pages import PUBLIC_PATHS, invitation_path, load_site_demo

pytestmark = pytest.mark.django_db


def test_public_pages_pass_the_nu_html_checker(client, django_capture_on_commit_callbacks):
    load_site_demo()
    pages = {}
    for path in PUBLIC_PATHS:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.content.decode()

    for language in ("de", "en"):
        contact = Client()
        start = contact.get(invitation_path(language, capture=django_capture_on_commit_callbacks))
        assert start.status_code == 302
        questionnaire = contact.get(start["Location"])
        assert questionnaire.status_code == 200
        assert questionnaire.content.decode().count("<textarea") == 3
        pages[f"questionnaire ({language})"] = questionnaire.content.decode()
        decline = contact.get(start["Location"].rstrip("/") + "/decline/")
        assert decline.status_code == 200
        pages[f"decline ({language})"] = decline.content.decode()
    pages["invalid link"] = client.get("/interview/" + "A" * 43 + "/").content.decode()

    assert html_errors(pages) == []


def test_the_checker_does_find_errors():
    # Guards the guard: a broken document must be reported.
    errors = html_errors({"broken": "<!DOCTYPE html><html lang=de><title>x</title><p><div></span>"})
    assert errors and all(e.startswith("broken:") for e in errors)
