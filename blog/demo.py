"""Demo content of the blog: the site tree, three authors, the series "Chief
Social Media Officer" and the article the story in DESIGN.md begins with.

Idempotent: everything is looked up by its slug first, so running it twice
changes nothing."""

from __future__ import annotations

import datetime
import io
import zlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from . import pageviews, public_url
from .models import ArticleIndexPage, ArticlePage, Author, Authorship, HomePage, Series

DEMO_ADMIN_USERNAME = "admin"

AUTHORS = [
    {
        "slug": "jan-berger",
        "name": "Jan Berger",
        "role": "Blogger und Herausgeber",
        "bio": "Schreibt seit 2006 über Unternehmen im Social Web und darüber, wie sie mit ihren Kunden reden.",
    },
    {
        "slug": "miriam-hoffmann",
        "name": "Miriam Hoffmann",
        "role": "Redakteurin",
        "bio": "Führt die Interviews der Reihe „Chief Social Media Officer“.",
    },
    {
        "slug": "tobias-keller",
        "name": "Tobias Keller",
        "role": "Autor",
        "bio": "Schreibt über Werbung, Marken und Kundendienst.",
    },
]

SERIES = {
    "slug": "chief-social-media-officer",
    "name": "Chief Social Media Officer",
    "description": (
        "Interviews mit den Menschen, die in Unternehmen für Social Media verantwortlich sind: "
        "was sie tun, was funktioniert und was nicht."
    ),
}

STORY_ARTICLE_VIEWS = 5852
STORY_ARTICLE = {
    "slug": "kundenzufriedenheit-als-werbefigur",
    "title": "Kundenzufriedenheit als Werbefigur",
    "date": datetime.date(2009, 12, 29),
    "intro": (
        "Ein Telekommunikationsanbieter macht einen „Leiter Kundenzufriedenheit“ zum Gesicht "
        "seiner Werbekampagne. Was verspricht die Figur, und was hält der Kundendienst davon?"
    ),
    "body": [
        (
            "text",
            "<p>Die 1&amp;1 Internet AG wirbt seit einigen Wochen mit einem Mann, der sich um die "
            "Zufriedenheit der Kunden kümmern soll. In den Spots verspricht er persönlich, dass "
            "jedes Anliegen ernst genommen wird.</p>"
            "<p>Eine Werbefigur, die für Zuhören steht, weckt eine Erwartung: dass das Unternehmen "
            "auch dort zuhört, wo Kunden heute reden – in Blogs, Foren und sozialen Netzwerken. "
            "Ob das gelingt, zeigt sich nicht im Spot, sondern in der Antwort auf die erste "
            "kritische Frage.</p>",
        ),
        (
            "quote",
            {
                "quote": "Eine Werbefigur für Kundenzufriedenheit ist ein Versprechen, kein Beweis.",
                "attribution": "Jan Berger",
            },
        ),
        (
            "text",
            "<p>Wir haben nachgefragt und werden hier berichten, wie das Unternehmen reagiert.</p>",
        ),
    ],
    "tags": ["Werbung", "Kundendienst", "Social Media"],
}


@transaction.atomic
def load() -> dict[str, object]:
    home = _home_page()
    _site_at_public_base()
    articles = _child_page(
        home,
        ArticleIndexPage,
        slug="artikel",
        title="Artikel",
        intro="Alle Artikel des Blogs, die neuesten zuerst.",
    )
    admin = _admin_user()
    authors = {data["slug"]: _author(data) for data in AUTHORS}
    _link_account(authors["jan-berger"], admin)
    series, _ = Series.objects.get_or_create(slug=SERIES["slug"], defaults=SERIES)
    article = _story_article(articles, authors["jan-berger"], series)
    # What the seed's readers saw: the article read 5,852 times (third most
    # read; casestudies.demo adds the two stories above it).
    pageviews.seed_views(article, STORY_ARTICLE["date"], STORY_ARTICLE_VIEWS)
    pageviews.rebuild_most_read()
    return {
        "home": home,
        "article_index": articles,
        "authors": authors,
        "series": series,
        "article": article,
        "admin": admin,
    }


def _home_page() -> HomePage:
    home = HomePage.objects.first()
    if home:
        return home
    home = _root_page().add_child(
        instance=HomePage(
            title="Casebook",
            slug="start",
            intro="Fallstudien über Unternehmen im Social Web: wie sie antworten – und wie nicht.",
        )
    )
    site = Site.objects.filter(is_default_site=True).first()
    old_root = site.root_page if site else None
    if site:
        site.root_page = home
        site.site_name = "Casebook"
        site.save()
    else:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Casebook"
        )
    # Wagtail's fresh install ships a placeholder "Welcome" page; it is not ours.
    if old_root and old_root.pk != home.pk and old_root.depth == 2 and not old_root.get_children().exists():
        old_root.delete()
    return home


def _site_at_public_base() -> None:
    """The Wagtail site answers at SITE_BASE_URL's host and port, so that the
    pages' full URLs (sitemap.xml, the admin's "view live") are the public ones."""
    hostname, port = public_url.host_and_port()
    Site.objects.filter(is_default_site=True).update(hostname=hostname, port=port)


def _root_page() -> Page:
    """Wagtail's migrations create the root page, root collection and default locale; a database
    flushed by a test (or restored without them) gets them back here."""
    root = Page.get_first_root_node()
    if root is None:
        Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.add_root(title="Root", slug="root")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return root


def _child_page(parent: Page, model: type[Page], *, slug: str, **fields) -> Page:
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    page = parent.add_child(instance=model(slug=slug, **fields))
    page.save_revision().publish()
    return page


def _author(data: dict[str, str]) -> Author:
    author, _ = Author.objects.get_or_create(slug=data["slug"], defaults=data)
    if author.photo_id is None:
        author.photo = _portrait(author.name)
        author.save(update_fields=["photo"])
    return author


PORTRAIT_SIZE = 480
PORTRAIT_COLOURS = ["#0a5c8a", "#1b6e3a", "#6b5200", "#5b3a8a", "#a3231b"]


def _portrait(name: str):
    """A drawn portrait (the initials on a colour) so that the demo shows
    photos without shipping any. Found again by its title on the next run."""
    Image = get_image_model()
    title = f"Porträt {name}"
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    colour = PORTRAIT_COLOURS[zlib.crc32(name.encode()) % len(PORTRAIT_COLOURS)]
    canvas = PILImage.new("RGB", (PORTRAIT_SIZE, PORTRAIT_SIZE), colour)
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=PORTRAIT_SIZE // 3)
    draw.text((PORTRAIT_SIZE / 2, PORTRAIT_SIZE / 2), initials, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    image = Image(title=title, file=ImageFile(buffer, name=f"portrait-{slugify(name)}.png"))
    image.save()
    return image


def _link_account(author: Author, user) -> None:
    """The demo's admin writes as the first author, unless someone already does."""
    if author.user_id is None and not Author.objects.filter(user=user).exists():
        author.user = user
        author.save(update_fields=["user"])


def _story_article(index: ArticleIndexPage, author: Author, series: Series) -> ArticlePage:
    existing = ArticlePage.objects.child_of(index).filter(slug=STORY_ARTICLE["slug"]).first()
    if existing:
        return existing
    data = dict(STORY_ARTICLE)
    tags = data.pop("tags")
    page = ArticlePage(series=series, **data)
    page.authorships = [Authorship(author=author, sort_order=0)]
    index.add_child(instance=page)
    page.tags.add(*tags)
    revision = page.save_revision()
    revision.publish()
    ArticlePage.objects.filter(pk=page.pk).update(
        first_published_at=datetime.datetime.combine(data["date"], datetime.time(9, 0), tzinfo=datetime.UTC)
    )
    return page


def _admin_user():
    User = get_user_model()
    user = User.objects.filter(username=DEMO_ADMIN_USERNAME).first()
    if user:
        return user
    return User.objects.create_superuser(
        DEMO_ADMIN_USERNAME, "admin@casebook.test", settings.DEMO_ADMIN_PASSWORD
    )
