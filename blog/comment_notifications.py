"""Telling a story's authors that a reader commented on it.

Each author who writes through an admin account with an email address gets
one email per comment, in the language of their admin profile, with the
comment and a link to approve it. The email goes to the site's outbox
(blog.signals.email_due): written in the transaction that stores the
comment and relayed after commit, so a comment that was not stored is never
announced, and a broker that is down delays the email instead of losing it."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from .admin_users import language_of
from .signals import email_due


def notify_authors(sender, comment, request, **kwargs) -> None:
    """Receiver of django_comments' comment_was_posted (the comment is saved)."""
    page = comment.content_object
    if not isinstance(page, Page):
        return
    page = page.specific
    for author in getattr(page, "authors", []):
        user = author.user
        if user is None or not user.is_active or not user.email:
            continue
        language = language_of(user)
        with translation.override(language):
            page_url = _absolute(page.get_url())
        email_due.send(
            sender=type(comment),
            key=f"comment:{comment.pk}:author:{user.pk}",
            to=user.email,
            template="comment_posted",
            template_dir="blog/emails",
            context={
                "author": author,
                "page": page,
                "page_title": page.title,
                "comment": comment,
                "page_url": page_url,
                "moderation_url": _absolute(reverse("comments:edit", args=[comment.pk])),
            },
            language=language,
            # A reader's name and words: the stored copy is emptied once sent,
            # so erasing the reader's comments leaves nothing of them behind.
            contains_secret=True,
        )


def _absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else f"{settings.SITE_BASE_URL}{path}"
