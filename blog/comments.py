"""Reader comments (django-contrib-comments): every comment waits for an
editor's approval; the reader's IP address is not stored; the story's
authors are told by email; approving a comment empties the page cache (and purges
the page in front) so it shows at once, and removing one hides it at once."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django_comments import get_model as get_comment_model
from django_comments.moderation import CommentModerator, moderator
from django_comments.signals import comment_was_posted, comment_will_be_posted
from wagtail.models import Page

from . import rendered_pages
from .comment_notifications import notify_authors
from .front_cache import pages_changed


class StoryCommentModerator(CommentModerator):
    email_notification = False  # authors are told through the outbox (comment_notifications)

    def moderate(self, comment, content_object, request) -> bool:
        return True  # nothing appears before an editor approves it


def register_moderation(models: list[type[Page]]) -> None:
    for model in models:
        if model not in moderator._registry:
            moderator.register(model, StoryCommentModerator)
    comment_will_be_posted.connect(_forget_ip_address, dispatch_uid="casebook-forget-comment-ip")
    comment_was_posted.connect(notify_authors, dispatch_uid="casebook-comment-notify-authors")
    post_save.connect(
        _empty_cache_on_change, sender=get_comment_model(), dispatch_uid="casebook-comment-cache"
    )
    post_delete.connect(
        _empty_cache_on_change, sender=get_comment_model(), dispatch_uid="casebook-comment-cache-delete"
    )


def _forget_ip_address(sender, comment, request, **kwargs) -> None:
    # The rate limit needs the address for minutes, in the cache; the comment
    # does not need it at all.
    comment.ip_address = None


def _empty_cache_on_change(sender, instance, created: bool = False, **kwargs) -> None:
    """An editor's decision shows at once: approving, removing, hiding again
    or deleting a comment empties the page cache. A reader's new comment
    waits for approval and changes no page, so it leaves the cache alone."""
    if created and not instance.is_public:
        return
    page = instance.content_object
    if isinstance(page, Page):
        rendered_pages.comments_changed(page.pk)
    pages_changed([page] if isinstance(page, Page) else [])


def approved_comments(page: Page) -> QuerySet:
    return (
        get_comment_model()
        .objects.filter(
            content_type_id=page.content_type_id,
            object_pk=str(page.pk),
            is_public=True,
            is_removed=False,
        )
        .order_by("submit_date")
    )
