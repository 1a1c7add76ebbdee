from .authors import Author, AuthorLink, Series
from .pages import ArticleIndexPage, ArticlePage, Authorship, HomePage, PageTag, StoryPage
from .pageviews import PageViewDay

__all__ = [
    "ArticleIndexPage",
    "ArticlePage",
    "Author",
    "AuthorLink",
    "Authorship",
    "HomePage",
    "PageTag",
    "PageViewDay",
    "Series",
    "StoryPage",
]
