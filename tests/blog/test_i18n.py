"""German interface without a prefix, English under /en/."""

import pytest

pytestmark = pytest.mark.django_db


def test_german_interface_at_the_root(client, demo):
    page = client.get("/").content.decode()
    assert '<html lang="de">' in page
    assert ">Autoren</a>" in page
    assert "Neueste Beiträge" in page
    assert "Zum Inhalt springen" in page


def test_english_interface_under_en(client, demo):
    page = client.get("/en/").content.decode()
    assert '<html lang="en">' in page
    assert ">Authors</a>" in page
    assert "Latest stories" in page
    assert "Neueste Beiträge" not in page
    # Links stay in English.
    assert 'href="/en/autoren/"' in page
    assert 'href="/en/artikel/kundenzufriedenheit-als-werbefigur/"' in page


def test_article_byline_in_both_languages(client, demo):
    german = client.get("/artikel/kundenzufriedenheit-als-werbefigur/").content.decode()
    assert "· von <a" in german
    assert "· Serie: <a" in german  # one series, though the menu says "Serien"
    assert "Über die Autoren" in german
    english = client.get("/en/artikel/kundenzufriedenheit-als-werbefigur/").content.decode()
    assert "· by <a" in english
    assert "· Series: <a" in english
    assert "About the authors" in english
    assert "Über die Autoren" not in english


def test_search_result_count_in_both_languages(client, demo):
    search = client.get("/en/suche/", {"q": "Foren"}).content.decode()
    assert "1 result for" in search
    german = client.get("/suche/", {"q": "Foren"}).content.decode()
    assert "1 Ergebnis für" in german


def test_language_switch_goes_to_the_english_url(client, demo):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/autoren/jan-berger/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/autoren/jan-berger/"


def test_the_language_switch_keeps_the_page_and_its_filters(client, demo):
    from casestudies import demo as casestudies_demo

    casestudies_demo.load()
    page = client.get("/fallstudien/?outcome=failure").content.decode()
    switch = page.split('class="language-switch"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/en/fallstudien/?outcome=failure"' in switch
    english = client.get("/en/fallstudien/?outcome=failure").content.decode()
    assert 'href="/fallstudien/?outcome=failure"' in english.split('class="language-switch"', 1)[1]


def test_the_series_filter_speaks_of_one_series(client, demo):
    from casestudies import demo as casestudies_demo

    casestudies_demo.load()
    german = client.get("/fallstudien/").content.decode()
    assert '<label for="id_series">Serie</label>' in german
    assert '<label for="id_series">Series</label>' in client.get("/en/fallstudien/").content.decode()
