"""Reader comments: hidden until approved, honeypot and rate limits, no
stored IP address, escaped output, approval empties the page cache."""

from __future__ import annotations

import pytest
from django.test import Client
from django_comments import get_form
from django_comments.models import Comment

pytestmark = pytest.mark.django_db

ARTICLE = "/artikel/kundenzufriedenheit-als-werbefigur/"


def comment_data(page, **overrides) -> dict:
    data = get_form()(page).generate_security_data()
    data.update(
        {"name": "Leserin", "email": "leserin@example.org", "comment": "Guter Artikel.", "honeypot": ""}
    )
    data.update(overrides)
    return data


def post(client, page, **overrides):
    return client.post("/kommentare/senden/", comment_data(page, **overrides))


def test_a_comment_is_hidden_until_an_editor_approves_it(client, demo, settings):
    settings.PAGE_CACHE_SECONDS = 300
    article = demo["article"]
    assert client.get(ARTICLE).status_code == 200  # now cached

    response = post(client, article, comment="Endlich sagt es mal jemand.")
    assert response.status_code == 302
    assert "/kommentare/danke/" in response["Location"]
    assert "Endlich sagt es mal jemand." not in client.get(ARTICLE).content.decode()

    comment = Comment.objects.get()
    assert comment.is_public is False
    comment.is_public = True
    comment.save()
    page = client.get(ARTICLE).content.decode()
    assert "Endlich sagt es mal jemand." in page
    assert "leserin@example.org" not in page


def test_the_ip_address_is_not_stored(client, demo):
    post(client, demo["article"], REMOTE_ADDR="203.0.113.77")
    assert Comment.objects.get().ip_address is None


def test_the_honeypot_turns_bots_away(client, demo):
    # People never see the field; django-contrib-comments treats a filled one
    # as a failed security check.
    response = post(client, demo["article"], honeypot="http://spam.example", comment="Kauf jetzt!")
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_missing_fields_are_reported_and_the_text_is_kept(client, demo):
    response = post(client, demo["article"], email="", comment="Mein langer Gedanke")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Mein langer Gedanke" in html
    assert Comment.objects.count() == 0


def test_the_rate_limit_stops_a_flood_and_keeps_the_text(client, demo):
    article = demo["article"]
    for n in range(3):
        assert post(client, article, comment=f"Kommentar {n}").status_code == 302
    response = post(client, article, comment="Noch einer, zu schnell")
    assert response.status_code == 429
    assert "Noch einer, zu schnell" in response.content.decode()
    assert Comment.objects.count() == 3


def test_the_rate_limit_counts_per_address_too(demo):
    article = demo["article"]
    sender = Client(REMOTE_ADDR="198.51.100.5")
    for n in range(5):
        assert post(sender, article, email=f"person{n}@example.org").status_code == 302
    assert post(sender, article, email="person9@example.org").status_code == 429


def test_the_rate_limit_keeps_neither_the_address_nor_the_email_in_the_cache(demo):
    """django-ratelimit's own keys are a plain hash of the value: anyone with
    the cache and a list of addresses could tell who wrote. Ours are keyed."""
    from django.core.cache import cache
    from django_ratelimit import core

    from blog import comment_views

    address, email = "198.51.100.77", "leserin.eins@example.org"
    post(Client(REMOTE_ADDR=address), demo["article"], email=email)
    if hasattr(cache, "keys"):  # django-redis
        stored = repr([(key, cache.get(key)) for key in cache.keys("*")])
    else:  # local memory
        stored = repr(list(cache._cache.items()))
    assert stored.count("rl:") >= 2  # both counters are there
    for group, rate, value in (
        ("comments-ip", comment_views.RATE_PER_ADDRESS, address),
        ("comments-email", comment_views.RATE_PER_EMAIL, email),
    ):
        assert value not in stored
        _, period = core._split_rate(rate)
        guessable = core._make_cache_key(group, core._get_window(value, period), rate, value, "POST")
        assert guessable not in stored


def test_comments_are_escaped(client, demo):
    post(client, demo["article"], name="<b>Mallory</b>", comment="<script>alert(1)</script>")
    Comment.objects.update(is_public=True)
    html = client.get(ARTICLE).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html


def test_the_comment_form_page_is_never_cached(client, demo, settings):
    settings.PAGE_CACHE_SECONDS = 300
    url = f"/kommentare/{demo['article'].pk}/"
    first = client.get(url)
    assert first.status_code == 200
    assert "no-cache" in first["Cache-Control"] or "no-store" in first["Cache-Control"]
    assert "X-Casebook-Cache" not in client.get(url)


def test_no_comment_form_for_pages_that_are_not_stories(client, demo):
    assert client.get(f"/kommentare/{demo['home'].pk}/").status_code == 404


def test_an_editor_approves_a_comment_in_the_admin_and_an_author_cannot(client, demo):
    from django.contrib.auth.models import Group, User

    post(client, demo["article"], comment="Bitte freischalten")
    comment = Comment.objects.get()

    author = User.objects.create_user("autorin", password="x")
    author.groups.add(Group.objects.get(name="Authors"))
    client.force_login(author)
    assert client.get("/admin/comments/").status_code in (302, 403)
    response = client.post(f"/admin/comments/edit/{comment.pk}/", {"is_public": "on"})
    assert response.status_code in (302, 403)
    comment.refresh_from_db()
    if response.status_code == 302:
        assert "/admin/" in response["Location"] and "edit" not in response["Location"]
    assert comment.is_public is False

    editor = User.objects.create_user("redakteur", password="x")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    listing = client.get("/admin/comments/")
    assert listing.status_code == 200
    assert "Bitte freischalten" in listing.content.decode()
    assert client.post(f"/admin/comments/edit/{comment.pk}/", {"is_public": "on"}).status_code == 302
    comment.refresh_from_db()
    assert comment.is_public is True


def test_the_storys_authors_are_emailed_about_a_new_comment(client, demo, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import User
    from django.core import mail
    from wagtail.users.models import UserProfile

    from blog.models import Authorship
    from casestudies.models import OutgoingEmail
    from tests.factories import AuthorFactory

    article = demo["article"]  # written by Jan Berger, who writes as the demo's admin
    english = User.objects.create_user("miriam", "miriam@casebook.test", "x")
    profile = UserProfile.get_for_user(english)
    profile.preferred_language = "en"
    profile.save()
    Authorship.objects.create(page=article, author=AuthorFactory(name="Miriam", user=english), sort_order=1)
    Authorship.objects.create(page=article, author=AuthorFactory(name="Ohne Konto"), sort_order=2)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, article, name="Leserin Lea", comment="Die Werbefigur\nhat nie geantwortet.")
    assert response.status_code == 302

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"admin@casebook.test", "miriam@casebook.test"}
    comment = Comment.objects.get()
    german, english_mail = by_address["admin@casebook.test"], by_address["miriam@casebook.test"]
    assert german.subject == "Neuer Kommentar zu „Kundenzufriedenheit als Werbefigur“"
    assert "Leserin Lea hat Ihren Beitrag „Kundenzufriedenheit als Werbefigur“ kommentiert" in german.body
    assert english_mail.subject == "New comment on “Kundenzufriedenheit als Werbefigur”"
    for message in (german, english_mail):
        assert "Die Werbefigur\nhat nie geantwortet." in message.body
        assert f"http://testserver/admin/comments/edit/{comment.pk}/" in message.body
        assert "leserin@example.org" not in message.body  # the reader's address stays with the editors
    assert "http://testserver/artikel/kundenzufriedenheit-als-werbefigur/" in german.body
    assert "http://testserver/en/artikel/kundenzufriedenheit-als-werbefigur/" in english_mail.body
    # Sent once; the stored copies keep nothing of the reader's words.
    assert set(OutgoingEmail.objects.values_list("status", "text", "html")) == {("sent", "", "")}


def test_comments_that_are_turned_away_are_not_announced(client, demo, django_capture_on_commit_callbacks):
    from django.core import mail

    article = demo["article"]
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            post(Client(REMOTE_ADDR="198.51.100.1"), article, honeypot="x", email="a@example.org").status_code
            == 400
        )
        assert (
            post(Client(REMOTE_ADDR="198.51.100.2"), article, email="b@example.org", name="").status_code
            == 200
        )
        statuses = [post(client, article, comment=f"Flut {n}").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Comment.objects.count() == 3
    assert len(mail.outbox) == 3  # one per stored comment, to the one author with an account


def test_the_comment_html_email_escapes_the_readers_text(client, demo, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        post(client, demo["article"], name="<b>Mallory</b>", comment="<script>alert(1)</script>")
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "<script>" not in html and "<b>Mallory</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_case_studies_take_comments_the_same_way(client, demo, settings, django_capture_on_commit_callbacks):
    from django.core import mail

    from casestudies import demo as casestudies_demo

    settings.PAGE_CACHE_SECONDS = 300
    study = casestudies_demo.load()["failure"]
    page = client.get(study.url).content.decode()
    assert f'href="/kommentare/{study.pk}/"' in page
    assert client.get(f"/kommentare/{study.pk}/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, study, comment="Typisch.").status_code == 302
    assert "Typisch." not in client.get(study.url).content.decode()
    (message,) = mail.outbox  # to Jan Berger, the case study's author
    assert message.to == ["admin@casebook.test"]
    assert "1&1: Eine Einladung und dann Funkstille" in message.subject

    Comment.objects.update(is_public=True)
    Comment.objects.get().save()  # approval as the admin saves it: empties the page cache
    assert "Typisch." in client.get(study.url).content.decode()


def test_an_editor_removing_a_comment_hides_it_at_once(client, demo, settings):
    settings.PAGE_CACHE_SECONDS = 300
    post(client, demo["article"], comment="Erst sichtbar, dann entfernt.")
    comment = Comment.objects.get()
    comment.is_public = True
    comment.save()
    assert "Erst sichtbar, dann entfernt." in client.get(ARTICLE).content.decode()  # cached now

    comment.is_removed = True
    comment.save()
    assert "Erst sichtbar, dann entfernt." not in client.get(ARTICLE).content.decode()

    comment.is_removed = False
    comment.save()
    assert "Erst sichtbar, dann entfernt." in client.get(ARTICLE).content.decode()
    comment.delete()
    assert "Erst sichtbar, dann entfernt." not in client.get(ARTICLE).content.decode()


def test_a_new_comment_waiting_for_approval_leaves_the_cache_alone(client, demo, settings):
    from blog.page_cache import CACHE_HIT_HEADER

    settings.PAGE_CACHE_SECONDS = 300
    reader = Client(HTTP_USER_AGENT="Googlebot/2.1")
    reader.get(ARTICLE)
    post(client, demo["article"], comment="Wartet.")
    assert reader.get(ARTICLE)[CACHE_HIT_HEADER] == "hit"
