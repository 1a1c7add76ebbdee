"""Canonical URLs, Open Graph and schema.org Article data with authors."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db

ARTICLE = "/artikel/kundenzufriedenheit-als-werbefigur/"


def test_canonical_and_language_alternates_come_from_the_configured_base_url(client, demo, settings):
    settings.SITE_BASE_URL = "https://casebook.example"
    html = client.get(ARTICLE, HTTP_HOST="evil.example").content.decode()
    assert f'<link rel="canonical" href="https://casebook.example{ARTICLE}">' in html
    assert f'hreflang="en" href="https://casebook.example/en{ARTICLE}"' in html
    assert "evil.example" not in html


def test_an_article_carries_open_graph_and_schema_org_data_with_its_authors(client, demo):
    html = client.get(ARTICLE).content.decode()
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Kundenzufriedenheit als Werbefigur">' in html
    assert '<meta property="article:author" content="Jan Berger">' in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Article"
    assert data["headline"] == "Kundenzufriedenheit als Werbefigur"
    assert data["datePublished"] == "2009-12-29"
    assert [a["name"] for a in data["author"]] == ["Jan Berger"]
    assert data["author"][0]["url"].endswith("/autoren/jan-berger/")


def test_structured_data_cannot_break_out_of_its_block(client, demo):
    article = demo["article"]
    article.title = "</script><script>alert(1)</script>"
    article.save_revision().publish()
    html = client.get(ARTICLE).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(block)["headline"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)</script>" not in html


def test_story_images_are_responsive_webp_and_lazy_below_the_fold(client, demo):
    from tests.casestudies.factories import make_case_study, make_index
    from tests.factories import make_image

    study = make_case_study(make_index(demo["home"]), hero_image=make_image("Held", size=(1600, 900)))
    html = client.get(study.url).content.decode()
    hero = html.split('class="figure hero"', 1)[1].split("</figure>", 1)[0]
    # The first image a reader sees loads at once; WebP first, JPEG for the rest.
    assert 'type="image/webp"' in hero and "480w" in hero and "1200w" in hero
    assert 'loading="lazy"' not in hero and 'fetchpriority="high"' in hero

    index = client.get("/fallstudien/").content.decode()
    card = index.split(f'href="{study.url}"', 1)[0].rsplit('<article class="card', 1)[1]
    assert 'type="image/webp"' in card and 'loading="lazy"' in card


def test_a_case_study_carries_open_graph_and_schema_org_data_with_its_authors(client, demo):
    from casestudies import demo as casestudies_demo

    study = casestudies_demo.load()["best_practice"]
    html = client.get(study.url).content.decode()
    assert f'<link rel="canonical" href="http://testserver{study.url}">' in html
    assert '<meta property="og:type" content="article">' in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Article"
    assert data["headline"] == "Nordlicht Reisen: Antwort in drei Stunden"
    assert [a["name"] for a in data["author"]] == ["Miriam Hoffmann", "Tobias Keller"]
