"""Markup in what authors and editors type comes out as text, never as markup."""

import pytest

from tests.blog.xmltools import ATOM, parse_xml
from tests.factories import AuthorFactory, SeriesFactory, make_article

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def hostile(demo):
    author = AuthorFactory(name=f"Mallory {SCRIPT}", role=SCRIPT, bio=SCRIPT)
    series = SeriesFactory(name=f"Serie {SCRIPT}", description=SCRIPT)
    article = make_article(
        demo["article_index"],
        title=f"Titel {SCRIPT}",
        intro=f"Intro {SCRIPT}",
        authors=[author],
        series=series,
        tags=[f"Tag {SCRIPT}"],
    )
    return {"author": author, "series": series, "article": article}


def assert_escaped(content: bytes, *, expected: int = 1) -> None:
    page = content.decode()
    assert SCRIPT not in page
    # The one script a public page has is its schema.org data, which is JSON, not code.
    assert "<script" not in page.lower().replace('<script type="application/ld+json">', "")
    assert page.count(ESCAPED) >= expected


def test_article_page_escapes_title_intro_author_series_and_tag(client, hostile):
    response = client.get(hostile["article"].url)
    assert response.status_code == 200
    # title (h1 and <title>), intro (lead and meta description), author (byline
    # and box, with role and bio), series, tag
    assert_escaped(response.content, expected=8)


@pytest.mark.parametrize(
    "url",
    ["/", "/artikel/", "/autoren/", "/serien/", "/feeds/", "/suche/?q=Titel"],
)
def test_listings_escape_titles_intros_and_names(client, hostile, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_escaped(response.content)


def test_author_and_series_pages_escape(client, hostile):
    for obj in (hostile["author"], hostile["series"]):
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 200
        assert_escaped(response.content, expected=2)


def test_tag_filter_note_escapes_the_tag_name(client, hostile):
    tag = hostile["article"].tags.get()
    response = client.get("/artikel/", {"tag": tag.slug})
    assert_escaped(response.content, expected=2)  # the note and the card title


def test_tag_filter_escapes_an_unknown_tag_from_the_url(client, hostile):
    response = client.get("/artikel/", {"tag": SCRIPT})
    assert_escaped(response.content)


def test_search_escapes_the_query(client, hostile):
    response = client.get("/suche/", {"q": SCRIPT})
    assert_escaped(response.content)


@pytest.mark.parametrize("flavour", ["rss", "atom"])
def test_feeds_escape_for_xml_and_for_html_readers(client, hostile, flavour):
    for prefix in (
        "/feeds",
        f"/feeds/autoren/{hostile['author'].slug}",
        f"/feeds/serien/{hostile['series'].slug}",
    ):
        response = client.get(f"{prefix}/{flavour}/")
        assert response.status_code == 200
        raw = response.content.decode()
        assert SCRIPT not in raw
        # Descriptions are HTML to a reader: after XML parsing the intro must
        # still be escaped HTML, not a script element.
        root = parse_xml(response.content)
        items = root.findall("./channel/item") or root.findall(f"{ATOM}entry")
        descriptions = [
            item.findtext("description") or item.findtext(f"{ATOM}summary") or "" for item in items
        ]
        assert any(f"Intro {ESCAPED}" in text for text in descriptions)
        assert not any(SCRIPT in text for text in descriptions)
