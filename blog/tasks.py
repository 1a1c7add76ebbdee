"""Background jobs of the blog itself."""

from celery import shared_task
from django.core.management import call_command

from .pageviews import flush_counters, rebuild_most_read


@shared_task(name="blog.tasks.publish_scheduled_pages")
def publish_scheduled_pages() -> None:
    """Wagtail's scheduled publishing, on the same beat as our own jobs."""
    call_command("publish_scheduled")


@shared_task(name="blog.tasks.flush_page_views")
def flush_page_views() -> int:
    """Fold the Redis page-view counters into the database."""
    moved = flush_counters()
    rebuild_most_read()
    return moved
