"""The search page, on Wagtail search."""

import re

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db

CARD = '<article class="card'


def test_search_finds_the_demo_article_by_a_word_of_its_body(client, demo):
    response = client.get("/suche/", {"q": "Foren"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(CARD) == 1
    assert 'href="/artikel/kundenzufriedenheit-als-werbefigur/"' in page


def test_search_finds_nothing_for_nonsense(client, demo):
    page = client.get("/suche/", {"q": "Xylophonquarkzwiebel"}).content.decode()
    assert CARD not in page
    assert "0 Ergebnisse" in page


def test_search_without_a_query_shows_the_form_only(client, demo):
    page = client.get("/suche/").content.decode()
    assert 'name="q"' in page
    assert CARD not in page


def test_search_pages_and_keeps_the_query_in_the_page_links(client, demo):
    for number in range(13):
        make_article(demo["article_index"], title=f"Treffer {number}", body_text="Ein Fundstück im Text.")
    first = client.get("/suche/", {"q": "Fundstück"}).content.decode()
    assert first.count(CARD) == 12
    assert "13 Ergebnisse" in first
    next_link = re.search(r'<a href="(\?[^"]*)" rel="next">', first).group(1).replace("&amp;", "&")
    assert "q=Fundst%C3%BCck" in next_link
    second = client.get("/suche/" + next_link).content.decode()
    assert second.count(CARD) == 1


def test_search_leaves_out_unpublished_articles(client, demo):
    draft = make_article(demo["article_index"], title="Geheimer Entwurf", body_text="Geheimwort")
    draft.unpublish()
    assert CARD not in client.get("/suche/", {"q": "Geheimwort"}).content.decode()


def test_hits_mark_the_searched_words_in_an_excerpt_of_the_text(client, demo):
    page = client.get("/suche/", {"q": "foren"}).content.decode()
    # "Foren" stands in the article's body, not in its intro: the card shows
    # the sentence where it occurs, with the word marked as written there.
    excerpt = re.search(r'<p class="card__teaser card__excerpt">(.*?)</p>', page, re.S).group(1)
    assert "in Blogs, <mark>Foren</mark> und sozialen Netzwerken" in excerpt
    assert len(excerpt) < 400


def test_search_covers_articles_and_case_studies_and_marks_both(client, demo):
    from casestudies import demo as casestudies_demo

    casestudies_demo.load()
    page = client.get("/suche/", {"q": "Kundenzufriedenheit"}).content.decode()
    assert page.count(CARD) == 2
    assert "2 Ergebnisse" in page
    assert (
        '<a href="/artikel/kundenzufriedenheit-als-werbefigur/"><mark>Kundenzufriedenheit</mark> als Werbefigur</a>'
        in page
    )
    case_study = next(
        card for card in page.split(CARD) if "/fallstudien/1und1-einladung-ohne-antwort/" in card
    )
    assert "Werbefigur für <mark>Kundenzufriedenheit</mark> wurde" in case_study
    assert 'class="badge badge--failure"' in case_study


def test_marking_never_lets_markup_through(client, demo):
    make_article(
        demo["article_index"],
        title="<b>Fundsache</b> & mehr",
        intro="Ein <i>Fundsache</i>-Text.",
        body_text="x y",
    )
    page = client.get("/suche/", {"q": "fundsache"}).content.decode()
    assert "&lt;b&gt;<mark>Fundsache</mark>&lt;/b&gt; &amp; mehr" in page
    assert "Ein &lt;i&gt;<mark>Fundsache</mark>&lt;/i&gt;-Text." in page
    assert "<b>" not in page and "<i>" not in page


def test_marking_is_case_blind_and_keeps_the_text_as_written():
    from blog.highlight import highlight, query_terms

    assert (
        highlight("Die STRASSE und die Straße", query_terms("straße"))
        == "Die STRASSE und die <mark>Straße</mark>"
    )
    assert highlight("Kundendienst, kundendienstlich", query_terms("KUNDENDIENST")) == (
        "<mark>Kundendienst</mark>, <mark>kundendienst</mark>lich"
    )
    assert highlight("a < b", query_terms("a")) == "a &lt; b"  # one letter is not worth marking
