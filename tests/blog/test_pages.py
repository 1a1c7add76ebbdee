"""The public pages of the blog: what a reader sees on each of them."""

import re

import pytest

from tests.factories import AuthorFactory, SeriesFactory, make_article

pytestmark = pytest.mark.django_db

CARD = '<article class="card'


def html(response) -> str:
    assert response.status_code == 200, response
    return response.content.decode()


def card_titles(page_html: str) -> list[str]:
    return re.findall(r'class="card__title"><a href="[^"]*">([^<]*)</a>', page_html)


def test_home_page_shows_the_latest_stories_and_links_the_article_index(client, demo):
    page = html(client.get("/"))
    assert "<h1>Casebook</h1>" in page
    assert "Kundenzufriedenheit als Werbefigur" in card_titles(page)
    assert 'href="/artikel/"' in page


def test_article_index_lists_articles_newest_first(client, demo):
    import datetime

    index = demo["article_index"]
    make_article(index, title="Älter", date=datetime.date(2001, 1, 1))
    make_article(index, title="Neuer", date=datetime.date(2030, 1, 1))
    titles = card_titles(html(client.get("/artikel/")))
    assert titles == ["Neuer", "Kundenzufriedenheit als Werbefigur", "Älter"]


def test_article_page_shows_its_body_authors_in_order_series_and_tags(client, demo):
    first, second = AuthorFactory(name="Erste Autorin"), AuthorFactory(name="Zweiter Autor")
    article = make_article(
        demo["article_index"],
        title="Zwei Federn",
        authors=[second, first],
        series=demo["series"],
        tags=["Kundendienst"],
        body_text="Der Absatz im Körper.",
    )
    page = html(client.get(article.url))
    assert "<h1>Zwei Federn</h1>" in page
    assert "Der Absatz im Körper." in page
    assert page.index("Zweiter Autor") < page.index("Erste Autorin")
    assert f'href="{second.get_absolute_url()}" rel="author"' in page
    assert f'href="{demo["series"].get_absolute_url()}"' in page
    assert 'href="/artikel/?tag=kundendienst"' in page


def test_demo_article_renders_its_quote(client, demo):
    page = html(client.get(demo["article"].url))
    assert "<blockquote>" in page
    assert "ein Versprechen, kein Beweis" in page


def test_tag_filter_narrows_the_article_index(client, demo):
    index = demo["article_index"]
    make_article(index, title="Über Werbung", tags=["Plakate"])
    make_article(index, title="Über Telefone", tags=["Hotline"])
    page = html(client.get("/artikel/?tag=plakate"))
    assert card_titles(page) == ["Über Werbung"]
    assert "Plakate" in page  # the filter note names the tag
    assert card_titles(html(client.get("/artikel/?tag=gibt-es-nicht"))) == []


def test_article_index_pages_by_twelve_and_the_next_link_works(client, demo):
    index = demo["article_index"]
    for number in range(12):
        make_article(index, title=f"Artikel Nummer {number}", tags=["Serie"])
    first = html(client.get("/artikel/"))
    assert first.count(CARD) == 12
    assert "Seite 1 von 2" in first
    assert 'rel="next">Nächste Seite</a>' in first
    next_link = re.search(r'<a href="(\?[^"]*)" rel="next">', first).group(1)
    second = html(client.get("/artikel/" + next_link.replace("&amp;", "&")))
    assert second.count(CARD) == 1
    assert 'rel="prev"' in second
    shown = set(card_titles(first)) | set(card_titles(second))
    assert len(shown) == 13


def test_pagination_keeps_the_tag_filter(client, demo):
    index = demo["article_index"]
    for number in range(13):
        make_article(index, title=f"Getaggt {number}", tags=["Blättern im Archiv"])
    first = html(client.get("/artikel/?tag=blättern-im-archiv"))
    next_link = re.search(r'<a href="(\?[^"]*)" rel="next">', first).group(1).replace("&amp;", "&")
    assert "tag=bl%C3%A4ttern-im-archiv" in next_link
    second = html(client.get("/artikel/" + next_link))
    assert card_titles(second) and all(t.startswith("Getaggt") for t in card_titles(second))


def test_author_page_lists_that_authors_stories_only(client, demo):
    mine, theirs = AuthorFactory(name="Meine Autorin"), AuthorFactory()
    index = demo["article_index"]
    make_article(index, title="Allein geschrieben", authors=[mine])
    make_article(index, title="Zusammen geschrieben", authors=[theirs, mine])
    make_article(index, title="Nicht von ihr", authors=[theirs])
    page = html(client.get(mine.get_absolute_url()))
    assert "<h1>Meine Autorin</h1>" in page
    assert sorted(card_titles(page)) == ["Allein geschrieben", "Zusammen geschrieben"]


def test_author_page_of_unknown_author_is_not_found(client, demo):
    assert client.get("/autoren/niemand/").status_code == 404


def test_author_index_lists_authors_with_photos(client, demo):
    page = html(client.get("/autoren/"))
    for author in demo["authors"].values():
        assert f'href="{author.get_absolute_url()}"' in page
    assert page.count("<img") == 3  # the demo's drawn portraits


def test_series_page_lists_the_series_stories_only(client, demo):
    other = SeriesFactory()
    index = demo["article_index"]
    make_article(index, title="In der Serie", series=demo["series"])
    make_article(index, title="Andere Serie", series=other)
    make_article(index, title="Ohne Serie")
    page = html(client.get(demo["series"].get_absolute_url()))
    assert sorted(card_titles(page)) == ["In der Serie", "Kundenzufriedenheit als Werbefigur"]
    assert card_titles(html(client.get(other.get_absolute_url()))) == ["Andere Serie"]


def test_series_index_lists_the_series(client, demo):
    page = html(client.get("/serien/"))
    assert 'href="/serien/chief-social-media-officer/"' in page


def test_feed_index_links_every_feed(client, demo):
    page = html(client.get("/feeds/"))
    assert 'href="/feeds/rss/"' in page
    assert 'href="/feeds/autoren/jan-berger/atom/"' in page
    assert 'href="/feeds/serien/chief-social-media-officer/rss/"' in page


def test_unpublished_articles_stay_out_of_listings(client, demo):
    draft = make_article(demo["article_index"], title="Entwurf", authors=[demo["authors"]["jan-berger"]])
    draft.unpublish()
    assert "Entwurf" not in card_titles(html(client.get("/artikel/")))
    assert "Entwurf" not in card_titles(html(client.get("/autoren/jan-berger/")))
    assert client.get(draft.url or "/artikel/entwurf/").status_code == 404


def article_with_body(index, body) -> str:
    article = make_article(index, title="Mit Blöcken")
    article.body = body
    article.save_revision().publish()
    return article.url


def test_an_image_in_the_body_shows_with_its_caption_and_credit(client, demo):
    from tests.factories import make_image

    image = make_image("Firmenzentrale", size=(1600, 900))
    url = article_with_body(
        demo["article_index"],
        [
            {
                "type": "image",
                "value": {
                    "image": {
                        "image": image.pk,
                        "alt_text": "Die Firmenzentrale in Montabaur",
                        "decorative": False,
                    },
                    "caption": "Die Zentrale im Januar 2010",
                    "credit": "Jan Berger",
                },
            }
        ],
    )
    page = html(client.get(url))
    figure = page.split('<figure class="figure">', 1)[1].split("</figure>", 1)[0]
    assert "<picture>" in figure and 'type="image/webp"' in figure
    assert 'alt="Die Firmenzentrale in Montabaur"' in figure
    assert (
        '<figcaption>Die Zentrale im Januar 2010 <span class="credit">© Jan Berger</span></figcaption>'
        in figure
    )


def test_a_youtube_video_is_embedded_through_the_privacy_enhanced_player(client, demo, monkeypatch):
    import requests

    class OEmbed:
        def raise_for_status(self):
            pass

        def json(self):
            # What YouTube's oEmbed endpoint answers.
            return {
                "type": "video",
                "title": "Der Werbespot",
                "provider_name": "YouTube",
                "html": '<iframe width="200" height="113" src="https://www.youtube.com/embed/abc123?feature=oembed" '
                'frameborder="0" allowfullscreen title="Der Werbespot"></iframe>',
            }

    asked = []
    monkeypatch.setattr(requests, "get", lambda endpoint, **kwargs: asked.append(endpoint) or OEmbed())
    url = article_with_body(
        demo["article_index"], [{"type": "embed", "value": "https://www.youtube.com/watch?v=abc123"}]
    )
    response = client.get(url)
    page = html(response)
    assert asked and "youtube.com/oembed" in asked[0]
    assert 'src="https://www.youtube-nocookie.com/embed/abc123?feature=oembed"' in page
    assert "www.youtube.com/embed" not in page
    assert 'title="Der Werbespot"' in page
    # The page's own policy lets exactly that frame in.
    assert "frame-src https://www.youtube-nocookie.com" in response["Content-Security-Policy"]


def test_only_video_providers_the_policy_allows_can_be_embedded():
    from wagtail.embeds.finders import get_finders

    (finder,) = get_finders()
    assert finder.accept("https://www.youtube.com/watch?v=abc123")
    assert finder.accept("https://vimeo.com/123456")
    assert not finder.accept("https://twitter.com/casebook/status/1")
    assert not finder.accept("https://www.instagram.com/p/abc/")


def test_an_embedded_frame_without_a_title_gets_one():
    from blog.embeds import privacy_enhanced

    html_code = privacy_enhanced('<iframe src="https://youtube.com/embed/x"></iframe>', title='Spot "A"')
    assert (
        html_code
        == '<iframe title="Spot &quot;A&quot;" src="https://www.youtube-nocookie.com/embed/x"></iframe>'
    )


def test_the_public_pages_share_one_small_stylesheet(client):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    from tests.public_pages import PUBLIC_PATHS, load_site_demo

    load_site_demo()
    for path in PUBLIC_PATHS:
        sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html(client.get(path)))
        assert sheets == ["/static/css/casebook.css"], path
    assert Path(finders.find("css/casebook.css")).stat().st_size < 16 * 1024
    # No style attributes or inline style blocks beside it (the CSP forbids them too).
    page = html(client.get("/fallstudien/1und1-einladung-ohne-antwort/"))
    assert "<style" not in page and " style=" not in page
