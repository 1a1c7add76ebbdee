"""`manage.py load_demo`: the German demo content, and a second run changes nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site

from blog.models import ArticleIndexPage, ArticlePage, Author, Authorship, HomePage, Series

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, object]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "authors": sorted(Author.objects.values_list("slug", "photo_id", "user_id")),
        "series": Series.objects.count(),
        "images": get_image_model().objects.count(),
        "authorships": Authorship.objects.count(),
        "tags": Tag.objects.count(),
        "users": get_user_model().objects.count(),
        "sites": sorted(Site.objects.values_list("hostname", "root_page_id")),
        "latest revisions": sorted(Page.objects.values_list("id", "latest_revision_id")),
    }


def test_load_demo_builds_the_site(db):
    call_command("load_demo", stdout=io.StringIO())
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert ArticleIndexPage.objects.child_of(home).get().slug == "artikel"
    assert set(Author.objects.values_list("slug", flat=True)) == {
        "jan-berger",
        "miriam-hoffmann",
        "tobias-keller",
    }
    assert all(author.photo for author in Author.objects.all())
    assert Series.objects.get().name == "Chief Social Media Officer"
    article = ArticlePage.objects.live().get()
    assert article.title == "Kundenzufriedenheit als Werbefigur"
    assert article.series.slug == "chief-social-media-officer"
    assert article.author_names == ["Jan Berger"]
    assert Author.objects.get(slug="jan-berger").user.username == "admin"
    # Wagtail's placeholder welcome page is gone.
    assert not Page.objects.filter(depth=2).exclude(pk=home.pk).exists()


def test_load_demo_twice_changes_nothing(db):
    call_command("load_demo", stdout=io.StringIO())
    before = snapshot()
    call_command("load_demo", stdout=io.StringIO())
    assert snapshot() == before


def test_the_demo_home_page_shows_most_read_with_the_seed_article_third(client, db):
    """What a reader of the seed saw: the article read 5,852 times, the third
    most read of the blog, in "Meistgelesen" on the first start."""
    import re

    from django.core.cache import cache
    from django.db.models import Sum

    from blog.models import PageViewDay

    cache.clear()  # a first start: nothing cached yet
    call_command("load_demo", stdout=io.StringIO())
    article = ArticlePage.objects.get(slug="kundenzufriedenheit-als-werbefigur")
    assert PageViewDay.objects.filter(page=article).aggregate(total=Sum("views"))["total"] == 5852

    cache.clear()
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Meistgelesen" in html
    all_time = html[html.index("Insgesamt") :]
    all_time = all_time[: all_time.index("</ol>")]
    titles = re.findall(r"<li><a [^>]*>([^<]+)</a></li>", all_time)
    assert len(titles) == 3 and titles[2] == "Kundenzufriedenheit als Werbefigur"
    # A second run keeps the counts as they were.
    call_command("load_demo", stdout=io.StringIO())
    assert PageViewDay.objects.filter(page=article).aggregate(total=Sum("views"))["total"] == 5852
