"""Building blog pages in tests."""

from __future__ import annotations

import datetime

from blog.models import ArticlePage, Authorship


def make_article(index, title: str, *authors, date: datetime.date | None = None, **fields) -> ArticlePage:
    page = ArticlePage(
        title=title,
        intro=fields.pop("intro", f"Über {title}"),
        date=date or datetime.date(2024, 1, 1),
        **fields,
    )
    page.authorships = [Authorship(author=author) for author in authors]
    index.add_child(instance=page)
    page.save_revision().publish()
    return page
