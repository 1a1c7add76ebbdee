from .authors import Author, AuthorLink, Series
from .pages import ArticleIndexPage, ArticlePage, Authorship, HomePage, PageTag, StoryPage

__all__ = [
    "ArticleIndexPage",
    "ArticlePage",
    "Author",
    "AuthorLink",
    "Authorship",
    "HomePage",
    "PageTag",
    "Series",
    "StoryPage",
]
