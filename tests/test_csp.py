"""The Content-Security-Policy: strict on public pages, none of ours on the admin."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_a_public_page_has_a_strict_policy(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])

    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_a_public_page_needs_nothing_the_policy_forbids(client, demo):
    # The policy would silently break these in the browser.
    html = client.get("/").content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert inline_scripts == []
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)


def test_the_admin_login_has_no_policy_from_us(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    assert "Content-Security-Policy-Report-Only" not in response
