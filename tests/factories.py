"""Factories for the blog: authors, series, images and published articles.
AuthorFactory is the only one in the tests: case studies use it too. (Other
parts of the site keep their own factories in their own modules.)"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence

import factory
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from blog.models import ArticleIndexPage, ArticlePage, Author, Authorship, Series


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Autorin {n}")
    slug = factory.Sequence(lambda n: f"autorin-{n}")
    role = "Autorin"
    bio = factory.LazyAttribute(lambda o: f"{o.name} schreibt über Unternehmen.")


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    name = factory.Sequence(lambda n: f"Serie {n}")
    slug = factory.Sequence(lambda n: f"serie-{n}")
    description = "Eine Serie."


def make_image(title: str = "Testbild", size: tuple[int, int] = (64, 48), colour: str = "#0a5c8a"):
    """A small PNG in Wagtail's image library."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    image = get_image_model()(title=title, file=ImageFile(buffer, name="test.png"))
    image.save()
    return image


_article_numbers = iter(range(1, 10**9))


def make_article(
    index: ArticleIndexPage,
    *,
    title: str | None = None,
    authors: Sequence[Author] = (),
    series: Series | None = None,
    tags: Iterable[str] = (),
    intro: str = "Eine Einleitung.",
    body_text: str = "Ein Absatz.",
    date: datetime.date | None = None,
    feed_image=None,
) -> ArticlePage:
    """A published article under the index, with its authors in the given
    order. Published the short way (live, no revision): what the public
    pages read is the same."""
    number = next(_article_numbers)
    now = timezone.now()
    page = ArticlePage(
        title=title or f"Artikel {number}",
        slug=f"artikel-{number}",
        intro=intro,
        body=[("text", RichText(f"<p>{body_text}</p>"))],
        date=date or now.date(),
        series=series,
        feed_image=feed_image,
        first_published_at=now,
        last_published_at=now,
    )
    # sort_order as the admin's InlinePanel sets it: without it the order is the database's whim.
    page.authorships = [Authorship(author=author, sort_order=n) for n, author in enumerate(authors)]
    page.tags.add(*tags)
    index.add_child(instance=page)
    return page
