"""RSS and Atom feeds, and sitemap.xml."""

import io
from xml.etree.ElementTree import Element

import pytest
from django.core.management import call_command
from wagtail.models import Site

from tests.blog.xmltools import ATOM, SITEMAP, parse_xml
from tests.factories import AuthorFactory, SeriesFactory, make_article

pytestmark = pytest.mark.django_db


def rss_items(client, url: str) -> list[Element]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = parse_xml(response.content)
    assert root.tag == "rss"
    return root.findall("./channel/item")


def atom_entries(client, url: str) -> list[Element]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse_xml(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def test_rss_feed_lists_stories_with_link_authors_and_tags(client, demo):
    (item,) = rss_items(client, "/feeds/rss/")
    assert item.findtext("title") == "Kundenzufriedenheit als Werbefigur"
    assert item.findtext("link") == "http://testserver/artikel/kundenzufriedenheit-als-werbefigur/"
    assert "Jan Berger" in "".join(item.itertext())
    assert {c.text for c in item.findall("category")} == {"Werbung", "Kundendienst", "Social Media"}
    assert item.findtext("pubDate")


def test_atom_feed_lists_stories_with_authors(client, demo):
    (entry,) = atom_entries(client, "/feeds/atom/")
    assert entry.findtext(f"{ATOM}title") == "Kundenzufriedenheit als Werbefigur"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Jan Berger"
    assert entry.find(f"{ATOM}link").get("href").endswith("/artikel/kundenzufriedenheit-als-werbefigur/")


def test_author_feeds_narrow_to_the_authors_stories(client, demo):
    mine, theirs = AuthorFactory(), AuthorFactory()
    make_article(demo["article_index"], title="Ihrer", authors=[mine])
    make_article(demo["article_index"], title="Gemeinsam", authors=[theirs, mine])
    make_article(demo["article_index"], title="Fremd", authors=[theirs])
    expected = {"Ihrer", "Gemeinsam"}
    rss = rss_items(client, f"/feeds/autoren/{mine.slug}/rss/")
    assert {item.findtext("title") for item in rss} == expected
    atom = atom_entries(client, f"/feeds/autoren/{mine.slug}/atom/")
    assert {entry.findtext(f"{ATOM}title") for entry in atom} == expected
    assert len(rss_items(client, "/feeds/rss/")) == 4


def test_series_feeds_narrow_to_the_series(client, demo):
    other = SeriesFactory()
    make_article(demo["article_index"], title="Andere", series=other)
    make_article(demo["article_index"], title="Keine")
    series_url = f"/feeds/serien/{demo['series'].slug}"
    assert [i.findtext("title") for i in rss_items(client, f"{series_url}/rss/")] == [
        "Kundenzufriedenheit als Werbefigur"
    ]
    assert [
        e.findtext(f"{ATOM}title") for e in atom_entries(client, f"/feeds/serien/{other.slug}/atom/")
    ] == ["Andere"]


def test_section_feeds_narrow_to_the_articles_or_the_case_studies(client, demo):
    from casestudies import demo as casestudies_demo

    casestudies_demo.load()
    make_article(demo["article_index"], title="Noch ein Artikel")
    articles = {"Kundenzufriedenheit als Werbefigur", "Noch ein Artikel"}
    case_studies = {"1&1: Eine Einladung und dann Funkstille", "Nordlicht Reisen: Antwort in drei Stunden"}
    assert {i.findtext("title") for i in rss_items(client, "/feeds/artikel/rss/")} == articles
    assert {e.findtext(f"{ATOM}title") for e in atom_entries(client, "/feeds/artikel/atom/")} == articles
    assert {i.findtext("title") for i in rss_items(client, "/feeds/fallstudien/rss/")} == case_studies
    assert {
        e.findtext(f"{ATOM}title") for e in atom_entries(client, "/feeds/fallstudien/atom/")
    } == case_studies
    assert len(rss_items(client, "/feeds/rss/")) == 4
    channel = parse_xml(client.get("/feeds/fallstudien/rss/").content).find("channel")
    assert channel.findtext("title") == "Casebook – Fallstudien"
    assert channel.findtext("link") == "http://testserver/fallstudien/"


def test_each_section_links_its_feeds(client, demo):
    from casestudies import demo as casestudies_demo

    casestudies_demo.load()
    for section in ("artikel", "fallstudien"):
        page = client.get(f"/{section}/").content.decode()
        assert '<link rel="alternate" type="application/rss+xml" title="' in page
        assert f'href="/feeds/{section}/rss/"' in page and f'href="/feeds/{section}/atom/"' in page
    index = client.get("/feeds/").content.decode()
    for section in ("artikel", "fallstudien"):
        assert f'href="/feeds/{section}/rss/"' in index and f'href="/feeds/{section}/atom/"' in index


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/keine-rubrik/rss/",
        "/feeds/start/atom/",  # the home page holds sections, not stories
        "/feeds/kundenzufriedenheit-als-werbefigur/rss/",  # a story, not a section
        "/feeds/unbekannt/jan-berger/rss/",
        "/feeds/firmen/jan-berger/atom/",
        "/feeds/autoren/niemand/rss/",
        "/feeds/serien/keine-serie/atom/",
    ],
)
def test_unknown_feeds_are_not_found(client, demo, url):
    assert client.get(url).status_code == 404


def test_english_feed_links_to_english_urls(client, demo):
    (item,) = rss_items(client, "/en/feeds/rss/")
    assert item.findtext("link") == "http://testserver/en/artikel/kundenzufriedenheit-als-werbefigur/"


def test_sitemap_lists_pages_authors_and_series(client, demo):
    response = client.get("/sitemap.xml", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    locations = {loc.text for loc in parse_xml(response.content).iter(f"{SITEMAP}loc")}
    assert "http://testserver/artikel/kundenzufriedenheit-als-werbefigur/" in locations
    assert "http://testserver/artikel/" in locations
    assert "http://testserver/" in locations
    # German URLs whatever language the crawler asks for.
    assert "http://testserver/autoren/jan-berger/" in locations
    assert "http://testserver/serien/chief-social-media-officer/" in locations


def test_sitemap_feeds_and_canonical_links_use_the_public_base_url(client, demo, settings):
    # Whatever host the request came in on, and whatever the Site record says.
    settings.SITE_BASE_URL = "https://casebook.example"
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    sitemap = client.get("/sitemap.xml", HTTP_HOST="127.0.0.1:8000")
    locations = {loc.text for loc in parse_xml(sitemap.content).iter(f"{SITEMAP}loc")}
    assert "https://casebook.example/artikel/kundenzufriedenheit-als-werbefigur/" in locations
    assert "https://casebook.example/autoren/jan-berger/" in locations
    assert all(location.startswith("https://casebook.example/") for location in locations), locations

    feed = parse_xml(client.get("/feeds/rss/").content)
    links = [feed.findtext("channel/link"), *(item.findtext("link") for item in feed.iter("item"))]
    assert links[1:], "the feed has items"
    assert all(link.startswith("https://casebook.example/") for link in links), links

    page = client.get("/artikel/kundenzufriedenheit-als-werbefigur/").content.decode()
    assert (
        '<link rel="canonical" href="https://casebook.example/artikel/kundenzufriedenheit-als-werbefigur/">'
        in page
    )


def test_load_demo_puts_the_site_at_the_public_base_urls_host_and_port(db, settings):
    settings.SITE_BASE_URL = "http://casebook.example:8080"
    call_command("load_demo", stdout=io.StringIO())
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("casebook.example", 8080)
    assert site.root_page.get_full_url() == "http://casebook.example:8080/"

    settings.SITE_BASE_URL = "https://casebook.example"
    call_command("load_demo", stdout=io.StringIO())
    site.refresh_from_db()
    assert (site.hostname, site.port) == ("casebook.example", 443)


def test_sitemap_leaves_out_unpublished_pages(client, demo):
    draft = make_article(demo["article_index"], title="Entwurf")
    draft.unpublish()
    assert b"/artikel/" + draft.slug.encode() not in client.get("/sitemap.xml").content
